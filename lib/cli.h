/*
 * cli.h: the command-line layer every THADS tool shares.
 *
 * A tool describes its options once, in a table; the same table drives
 * getopt_long, the usage line and the --help text.  The options every
 * tool has are added here and handled here:
 *
 *	-d, --db FILE		database (default $THADS_DB, else ./thads.db)
 *	    --busy-timeout MS	wait this long for a locked database
 *	    --actor NAME	the officer a script acts for (audit trail)
 *	-q, --quiet		errors only
 *	-v, --verbose		notes; twice for debugging
 *	-h, --help		help on stdout, exit 0
 *	-V, --version		"thads-NAME X.Y.Z" on stdout, exit 0
 *
 * and, for tools that write data to stdout (THADS_CLI_OUTPUT):
 *
 *	-f, --format FMT	csv, tsv, jsonl, xml or table
 *	    --raw		do not neutralise spreadsheet formulas
 *	    --no-header		no header row in csv, tsv and table
 *
 * A misuse prints the usage line and a hint to stderr; the tool then
 * exits 64 (EX_USAGE).
 */
#ifndef THADS_CLI_H
#define THADS_CLI_H

#include "out.h"

/* Keys of long-only options start here, above every character. */
#define THADS_OPT_LONG 256

struct thads_opt {
	const char *name;	/* long name, without "--" */
	int	 key;		/* short option letter, or >= THADS_OPT_LONG */
	const char *arg;	/* argument name for help, NULL if none */
	const char *help;	/* one line */
};

#define THADS_CLI_DB	 0x1	/* the tool opens the database */
#define THADS_CLI_OUTPUT 0x2	/* the tool writes rows to stdout */

struct thads_tool {
	const char *name;	/* "thads-import" */
	const char *synopsis;	/* what follows the name in the usage line */
	const char *purpose;	/* one sentence for --help */
	unsigned flags;		/* THADS_CLI_* */
	const struct thads_opt *opts;	/* the tool's own, ended by {0} */
	/*
	 * More --format names that the tool writes itself, NULL-ended, or
	 * NULL (thads-geofence's "geojson"): one of them chosen sets
	 * struct thads_cli's xfmt instead of fmt.
	 */
	const char *const *xfmts;
};

struct thads_cli {
	const char *db;		/* database path */
	long	 busy_ms;	/* busy timeout in milliseconds */
	const char *actor;	/* --actor, or NULL */
	int	 verbose;	/* count of -v */
	int	 quiet;		/* -q given */
	enum thads_fmt fmt;	/* --format, default given by the tool */
	const char *xfmt;	/* --format, one of the tool's xfmts, or NULL */
	unsigned outflags;	/* THADS_OUT_* from --raw, --no-header */
};

/*
 * Called for each of the tool's own options with its key and argument
 * (NULL when it takes none).  Returns 0, or -1 after printing what is
 * wrong with thads_error(); the parse then fails as a misuse.
 */
typedef int thads_opt_fn(int key, char *arg, void *ctx);

/*
 * Parse argv.  cli must hold the tool's defaults (thads_cli_defaults()
 * then the tool's own choices, e.g. fmt).  Returns the index of the first
 * operand, or -1 when the tool must exit at once with *status: 0 after
 * --help or --version, 64 after a misuse.  Sets the diagnostics level.
 */
int	thads_cli_parse(const struct thads_tool *tool, int argc, char **argv,
	    struct thads_cli *cli, thads_opt_fn *fn, void *ctx, int *status);

/*
 * Fill cli with the defaults: $THADS_DB or ./thads.db; a busy timeout of
 * $THADS_BUSY_TIMEOUT milliseconds, else 10 s; table output.
 */
void	thads_cli_defaults(struct thads_cli *cli);

struct thads_db;

/*
 * Warn when the database just opened at path may be read or written by
 * users other than its owner (group or other permission bits): it holds
 * criminal records.  Every tool calls this after opening it.
 */
void	thads_cli_db_warn(const struct thads_db *db, const char *path);

/* Print the usage line and a hint to stderr. */
void	thads_cli_usage(const struct thads_tool *tool);

/*
 * Set up a tool's process: program name for messages, the time zone
 * ($THADS_TZ, else Asia/Ho_Chi_Minh, unless TZ is set), a umask that
 * keeps created files private, SIGPIPE ignored so that a closed pipe is
 * a write error and not a death in the middle of a transaction: the
 * output layer reports it as THADS_EPIPE, which thads_report() keeps
 * quiet about and which exits 141, as a broken pipe would.
 */
void	thads_cli_init(const char *argv0);

#endif /* THADS_CLI_H */

/*
 * cli.c: option parsing, usage and help for every tool.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>

#include "cli.h"
#include "db.h"
#include "diag.h"

enum {
	O_BUSY = THADS_OPT_LONG + 1000,	/* above any tool's own keys */
	O_ACTOR,
	O_RAW,
	O_NOHEADER
};

static const struct thads_opt common_opts[] = {
	{ "help", 'h', NULL, "print this help and exit" },
	{ "version", 'V', NULL, "print the version and exit" },
	{ "quiet", 'q', NULL, "print errors only" },
	{ "verbose", 'v', NULL, "print notes (twice: debugging)" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_opt db_opts[] = {
	{ "db", 'd', "FILE", "database (default $THADS_DB, else ./thads.db)" },
	{ "busy-timeout", O_BUSY, "MS",
	    "wait this long for a locked database (default 10000)" },
	{ "actor", O_ACTOR, "NAME", "officer a script acts for (audit)" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_opt out_opts[] = {
	{ "format", 'f', "FMT",
	    "output: csv, tsv, jsonl, xml, table, xlsx or html" },
	{ "raw", O_RAW, NULL, "do not neutralise spreadsheet formulas" },
	{ "no-header", O_NOHEADER, NULL, "no header row" },
	{ NULL, 0, NULL, NULL }
};

#define MAXOPTS 64

/* The tool's options followed by the shared ones, in one list. */
static size_t
collect(const struct thads_tool *t, const struct thads_opt **all)
{
	const struct thads_opt *groups[4];
	size_t n = 0, g, ng = 0;
	const struct thads_opt *o;

	groups[ng++] = t->opts;
	if (t->flags & THADS_CLI_DB)
		groups[ng++] = db_opts;
	if (t->flags & THADS_CLI_OUTPUT)
		groups[ng++] = out_opts;
	groups[ng++] = common_opts;
	for (g = 0; g < ng; g++)
		for (o = groups[g]; o != NULL && o->name != NULL; o++)
			if (n < MAXOPTS)
				all[n++] = o;
	return n;
}

void
thads_cli_usage(const struct thads_tool *t)
{
	fprintf(stderr, "usage: %s %s\n", t->name, t->synopsis);
	fprintf(stderr, "Try '%s --help' for more information.\n", t->name);
}

static void
help(const struct thads_tool *t)
{
	const struct thads_opt *all[MAXOPTS];
	size_t i, n = collect(t, all);
	char left[64];

	printf("usage: %s %s\n\n%s\n\nOptions:\n", t->name, t->synopsis,
	    t->purpose);
	for (i = 0; i < n; i++) {
		if (all[i]->key < THADS_OPT_LONG)
			snprintf(left, sizeof(left), "-%c, --%s%s%s",
			    all[i]->key, all[i]->name, all[i]->arg ? " " : "",
			    all[i]->arg ? all[i]->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s",
			    all[i]->name, all[i]->arg ? " " : "",
			    all[i]->arg ? all[i]->arg : "");
		printf("  %-26s %s\n", left, all[i]->help);
	}
	printf("\nSee %s(1).\n", t->name);
}

void
thads_cli_defaults(struct thads_cli *c)
{
	const char *env = getenv("THADS_DB");

	memset(c, 0, sizeof(*c));
	const char *busy = getenv("THADS_BUSY_TIMEOUT");
	long ms;

	c->db = env && *env ? env : "thads.db";
	c->busy_ms = 10000;
	if (busy != NULL && thads_parse_long(busy, 0, 3600000, &ms) == 0)
		c->busy_ms = ms;
	c->fmt = THADS_FMT_TABLE;
}

/* Build the getopt tables from the option list. */
static void
tables(const struct thads_opt **all, size_t n, struct option *lo,
    char *so, size_t sosize)
{
	size_t i, k = 0;

	so[k++] = ':';	/* report a missing argument as ':' */
	for (i = 0; i < n; i++) {
		lo[i].name = all[i]->name;
		lo[i].has_arg = all[i]->arg ? required_argument : no_argument;
		lo[i].flag = NULL;
		lo[i].val = all[i]->key;
		if (all[i]->key < THADS_OPT_LONG && k + 3 < sosize) {
			so[k++] = (char)all[i]->key;
			if (all[i]->arg)
				so[k++] = ':';
		}
	}
	memset(&lo[n], 0, sizeof(lo[n]));
	so[k] = '\0';
}

/*
 * The shared options: 0 when handled, 1 when key is not one of them, -1
 * to stop (after --help or --version with *status EX_OK, or a misuse).
 */
static int
common(const struct thads_tool *t, int key, char *arg, struct thads_cli *c,
    int *status)
{
	const char *const *x;
	long v;

	switch (key) {
	case 'h':
		help(t);
		*status = EX_OK;
		return -1;
	case 'V':
		printf("%s %s\n", t->name, THADS_VERSION);
		*status = EX_OK;
		return -1;
	case 'q':
		c->quiet = 1;
		return 0;
	case 'v':
		c->verbose++;
		return 0;
	}
	if (t->flags & THADS_CLI_DB) {
		switch (key) {
		case 'd':
			c->db = arg;
			return 0;
		case O_BUSY:
			if (thads_parse_long(arg, 0, 3600000, &v) != 0)
				return thads_error("bad --busy-timeout '%s'",
				    arg);
			c->busy_ms = v;
			return 0;
		case O_ACTOR:
			c->actor = arg;
			return 0;
		}
	}
	if (t->flags & THADS_CLI_OUTPUT) {
		switch (key) {
		case 'f':
			c->xfmt = NULL;
			if (thads_fmt_parse(arg, &c->fmt) == 0)
				return 0;
			for (x = t->xfmts; x != NULL && *x != NULL; x++)
				if (strcmp(arg, *x) == 0) {
					c->xfmt = *x;
					return 0;
				}
			return thads_error("unknown format '%s'", arg);
		case O_RAW:
			c->outflags |= THADS_OUT_RAW;
			return 0;
		case O_NOHEADER:
			c->outflags |= THADS_OUT_NOHEADER;
			return 0;
		}
	}
	return 1;
}

int
thads_cli_parse(const struct thads_tool *t, int argc, char **argv,
    struct thads_cli *c, thads_opt_fn *fn, void *ctx, int *status)
{
	const struct thads_opt *all[MAXOPTS];
	struct option lo[MAXOPTS + 1];
	char so[2 * MAXOPTS + 2];
	size_t n = collect(t, all);
	int key, rc;

	tables(all, n, lo, so, sizeof(so));
	*status = EX_USAGE;
	opterr = 0;
	optind = 0;	/* glibc: 0 re-initialises getopt fully, 1 does not */
	while ((key = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (key == ':') {
			thads_error("option '%s' needs an argument",
			    argv[optind - 1]);
			thads_cli_usage(t);
			return -1;
		}
		if (key == '?') {
			if (optopt && optopt < THADS_OPT_LONG)
				thads_error("bad option '-%c'", optopt);
			else
				thads_error("bad option '%s'",
				    argv[optind - 1]);
			thads_cli_usage(t);
			*status = EX_USAGE;
			return -1;
		}
		rc = common(t, key, optarg, c, status);
		if (rc == 1)
			rc = fn ? fn(key, optarg, ctx) : -1;
		if (rc != 0) {
			if (*status != EX_OK)
				thads_cli_usage(t);
			return -1;
		}
	}
	thads_diag_level(c->quiet ? THADS_LOG_ERROR :
	    THADS_LOG_WARN + (c->verbose > 2 ? 2 : c->verbose));
	return optind;
}

void
thads_cli_init(const char *argv0)
{
	const char *tz = getenv("THADS_TZ");

	thads_diag_init(argv0);
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Past a file size limit (ulimit -f), a write is to fail with EFBIG
	 * and be reported like a full disk, not kill the tool half-way.
	 */
	signal(SIGXFSZ, SIG_IGN);
	if (tz != NULL && *tz != '\0')
		setenv("TZ", tz, 1);
	else if (getenv("TZ") == NULL)
		setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
}

void
thads_cli_db_warn(const struct thads_db *db, const char *path)
{
	if (db != NULL && db->world_readable)
		thads_warn("%s: database open to other users: readable or "
		    "writable by its group or by others (chmod 600 it)", path);
}

/*
 * thads-import: load dossiers from CSV, TSV or XML files into the
 * database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "load.h"
#include "paths.h"
#include "zio.h"

enum { O_MAP = 'm', O_REJECTS = 'r', O_DRYRUN = 'n',
	O_INPUT = THADS_OPT_LONG, O_FORCE, O_NOSCHEMA, O_TODAY };

static const struct thads_opt opts[] = {
	{ "map", O_MAP, "FILE", "read foreign columns through a mapping file" },
	{ "rejects", O_REJECTS, "FILE",
	    "load the good rows, write the bad ones to FILE" },
	{ "dry-run", O_DRYRUN, NULL,
	    "report what would change; write nothing" },
	{ "input-format", O_INPUT, "FMT", "csv, tsv or xml (default: by name)" },
	{ "force", O_FORCE, NULL, "replace an existing rejects file" },
	{ "no-schema", O_NOSCHEMA, NULL, "do not check XML against the XSD" },
	{ "today", O_TODAY, "DATE", "take DATE as today for the checks" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-import",
	"[-nqv] [-d db] [-f fmt] [-m map] [-r rejects] [file ...]",
	"Load dossiers (persons, judgments, custody episodes, detention "
	"orders,\nclassifications, reductions, violations) from CSV, TSV or "
	"XML files,\nplain or zstd-compressed; '-' or no file reads stdin.",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts
};

struct ctx {
	struct thads_load_opts lo;
	int	 dryrun;
	int	 noschema;
	char	 today[16];
	struct thads_out *out;	/* --dry-run listing */
	int	 tty;
	time_t	 last;		/* last progress line */
	char	 scratch[4096];	/* --dry-run without a database: a temporary one */
	double	 t0;
};

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;
	int y, m, d;

	switch (key) {
	case O_MAP:
		c->lo.map = arg;
		return 0;
	case O_REJECTS:
		c->lo.rejects = arg;
		return 0;
	case O_DRYRUN:
		c->dryrun = 1;
		return 0;
	case O_FORCE:
		c->lo.rejects_flags |= THADS_WR_FORCE;
		return 0;
	case O_NOSCHEMA:
		c->noschema = 1;
		return 0;
	case O_TODAY:
		if (thads_date_parse(arg, &y, &m, &d) != 0)
			return thads_error("bad --today '%s'", arg);
		snprintf(c->today, sizeof(c->today), "%s", arg);
		return 0;
	case O_INPUT:
		if (strcmp(arg, "csv") == 0)
			c->lo.infmt = THADS_IN_CSV;
		else if (strcmp(arg, "tsv") == 0)
			c->lo.infmt = THADS_IN_TSV;
		else if (strcmp(arg, "xml") == 0)
			c->lo.infmt = THADS_IN_XML;
		else
			return thads_error("unknown input format '%s'", arg);
		return 0;
	}
	return -1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
bad(const struct thads_err *err, void *p)
{
	(void)p;
	thads_report(THADS_LOG_ERROR, err);
}

static void
progress(long rows, long long done, long long total, void *p)
{
	struct ctx *c = p;
	double dt = now() - c->t0;
	time_t t = time(NULL);

	if (!c->tty || t == c->last || thads_diag_get_level() < 1)
		return;
	c->last = t;
	if (total > 0)
		fprintf(stderr, "\r%s: %ld rows, %.0f rows/s, %d%%  ",
		    thads_progname(), rows, dt > 0 ? rows / dt : 0.0,
		    (int)(100 * done / total));
	else
		fprintf(stderr, "\r%s: %ld rows, %.0f rows/s  ",
		    thads_progname(), rows, dt > 0 ? rows / dt : 0.0);
}

/*
 * A dry run must not create the database it is pointed at; when there is
 * none, it runs against an empty temporary one, removed at the end.
 */
static const char *
scratch_db(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(buf, size, "%s/thads-dry-run.XXXXXX", tmp && *tmp ? tmp :
	    "/tmp");
	if ((fd = mkstemp(buf)) < 0)
		thads_fatal(EX_CANTCREAT, "cannot create a temporary database "
		    "in %s for the dry run", tmp && *tmp ? tmp : "/tmp");
	close(fd);
	return buf;
}

static void
drop_scratch(const char *path)
{
	char side[4200];

	(void)unlink(path);	/* a leftover in the temporary folder */
	snprintf(side, sizeof(side), "%s-wal", path);
	(void)unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	(void)unlink(side);
}

static const struct thads_col listing[] = {
	{ "action", THADS_COL_TEXT }, { "kind", THADS_COL_TEXT },
	{ "key", THADS_COL_TEXT }, { "file", THADS_COL_TEXT },
	{ "line", THADS_COL_INT },
};

/* --dry-run: one line per kind the record inserts or changes. */
static void
applied(const struct thads_import *im, const struct thads_rec *r, void *p)
{
	static const char *const acts[] = { "", "insert", "update", "same" };
	struct ctx *c = p;
	struct thads_err err;
	const char *v[5], *key;
	char line[24];
	int k;
	enum thads_action a;

	for (k = 0; k < THADS_K_COUNT; k++) {
		if ((a = thads_import_action(im, k, &key)) == THADS_ACT_NONE ||
		    a == THADS_ACT_SAME)
			continue;
		snprintf(line, sizeof(line), "%ld", r->line);
		v[0] = acts[a];
		v[1] = thads_kind_name(k);
		v[2] = key;
		v[3] = r->file;
		v[4] = line;
		if (thads_out_row(c->out, v, &err) == THADS_EPIPE) {
			/*
			 * The reader went away (| head): a dry run has
			 * nothing to save, so stop quietly with the status
			 * of a broken pipe; _exit, since nothing at exit
			 * has anything left to do.
			 */
			if (c->scratch[0] != '\0')
				drop_scratch(c->scratch);
			_exit(thads_exit_status(THADS_EPIPE));
		}
	}
}

/* What a load did, kept to be told once its commit has been tried. */
struct tally {
	struct thads_import_stats s;
	long	 read;
	long	 rejected;
};

static void
summary(struct ctx *c, const struct tally *t, int commit)
{
	const struct thads_import_stats *s = &t->s;
	double dt = now() - c->t0;

	if (c->tty && thads_diag_get_level() >= 1)
		fprintf(stderr, "\r\033[K");
	if (thads_diag_get_level() < 1)
		return;
	fprintf(stderr, "%s: %s%ld read, %ld inserted, %ld updated, "
	    "%ld unchanged, %ld rejected; %.2f s, %.0f rows/s\n",
	    thads_progname(), c->dryrun ? "dry run, nothing written: " :
	    !commit ? "rolled back, nothing written: " : "",
	    t->read, s->inserted, s->updated, s->unchanged, t->rejected, dt,
	    dt > 0 ? t->read / dt : 0.0);
	if (s->readmitted > 0)
		fprintf(stderr, "%s: %ld re-admission%s linked to earlier "
		    "records (%ld probable, by name and birth date)\n",
		    thads_progname(), s->readmitted,
		    s->readmitted == 1 ? "" : "s", s->probable);
}

/* Whether any input will be read as XML. */
static int
wants_xml(const struct ctx *c, int argc, char **argv)
{
	size_t n;
	int i;

	if (c->lo.infmt == THADS_IN_XML)
		return 1;
	for (i = 0; i < argc && c->lo.infmt == THADS_IN_AUTO; i++) {
		n = strlen(argv[i]);
		if ((n > 4 && strcasecmp(argv[i] + n - 4, ".xml") == 0) ||
		    (n > 8 && strcasecmp(argv[i] + n - 8, ".xml.zst") == 0))
			return 1;
	}
	return 0;
}

/* Two paths name the same existing file. */
static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * Refuse operands that cannot work or would destroy data: stdin named
 * twice, a rejects file that is an input or the database.
 */
static int
check_operands(const struct ctx *c, const char *db, int argc, char **argv)
{
	int i, nstdin = 0;

	if (*db == '\0')
		return thads_error("empty database path");
	for (i = 0; i < argc; i++) {
		nstdin += strcmp(argv[i], "-") == 0;
		if (c->lo.rejects && same_file(c->lo.rejects, argv[i]))
			return thads_error("the rejects file '%s' is an input",
			    c->lo.rejects);
	}
	if (nstdin > 1)
		return thads_error("standard input ('-') named more than "
		    "once");
	if (c->lo.rejects && (strcmp(c->lo.rejects, db) == 0 ||
	    same_file(c->lo.rejects, db)))
		return thads_error("the rejects file '%s' is the database",
		    c->lo.rejects);
	return 0;
}

/* Load every file; returns the exit status. */
static int
run(struct thads_db *db, struct ctx *c, int argc, char **argv)
{
	static char *stdin_only[] = { "-", NULL };
	struct thads_load *l;
	struct thads_err err;
	struct tally t;
	long nbad;
	int i, rc = 0, commit, erc;

	thads_clearerr(&err);
	if (argc == 0) {
		argv = stdin_only;
		argc = 1;
	}
	if ((rc = thads_load_begin(db, &c->lo, &l, &err)) != 0)
		thads_die(&err);
	for (i = 0; i < argc && rc == 0; i++)
		rc = thads_load_file(l, argv[i], &err);
	nbad = thads_load_rejected(l);
	commit = rc == 0 && !c->dryrun && (nbad == 0 || c->lo.rejects);
	if (rc != 0)
		thads_report(THADS_LOG_ERROR, &err);
	t.s = *thads_load_stats(l);
	t.read = thads_load_read(l);
	t.rejected = nbad;
	/*
	 * The totals are told after the commit, so that a commit that fails
	 * (a full disk) is not preceded by a claim that rows were loaded.
	 */
	erc = thads_load_end(l, commit, &err);
	summary(c, &t, commit && erc == 0);
	if (erc != 0)
		thads_die(&err);
	if (rc == 0 && nbad > 0 && c->lo.rejects == NULL && !c->dryrun)
		thads_error("%ld bad row%s: nothing was loaded", nbad,
		    nbad == 1 ? "" : "s");
	if (rc != 0)
		return thads_exit_status(rc);
	if (nbad > 0 && c->lo.rejects == NULL)
		return EX_DATAERR;
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct thads_cli cli;
	struct thads_db *db;
	struct thads_err err;
	struct ctx c;
	char xsd[4096];
	int first, status;

	thads_cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	thads_cli_defaults(&cli);
	cli.fmt = THADS_FMT_TSV;
	if ((first = thads_cli_parse(&tool, argc, argv, &cli, opt, &c,
	    &status)) < 0)
		return status;
	if (c.today[0] == '\0')
		thads_today(c.today, sizeof(c.today));
	c.lo.today = c.today;
	if (!c.noschema && thads_datafile("schema/thads-interchange.xsd", xsd,
	    sizeof(xsd)) == 0)
		c.lo.xsd = xsd;
	else if (!c.noschema && wants_xml(&c, argc - first, argv + first))
		thads_warn("schema/thads-interchange.xsd not found (see "
		    "THADS_DATADIR): XML is checked field by field only");
	c.lo.bad = bad;
	c.lo.progress = progress;
	c.lo.ctx = &c;
	c.tty = isatty(STDERR_FILENO);
	c.t0 = now();
	if (check_operands(&c, cli.db, argc - first, argv + first) != 0) {
		thads_cli_usage(&tool);
		return EX_USAGE;
	}
	thads_clearerr(&err);
	if (c.dryrun && access(cli.db, F_OK) != 0)
		cli.db = scratch_db(c.scratch, sizeof(c.scratch));
	if (thads_db_open(cli.db, 0, cli.busy_ms, tool.name, &db, &err) != 0)
		thads_die(&err);
	db->actor = cli.actor;
	thads_cli_db_warn(db, cli.db);
	if (c.dryrun) {
		c.lo.applied = applied;
		if (thads_out_open(stdout, cli.fmt, "change", listing, 5,
		    cli.outflags, &c.out, &err) != 0)
			thads_die(&err);
	}
	status = run(db, &c, argc - first, argv + first);
	if (c.out != NULL && thads_out_close(c.out, &err) != 0) {
		thads_report(THADS_LOG_ERROR, &err);
		status = status ? status : thads_exit_status(err.code);
	}
	thads_db_close(db);
	if (c.scratch[0] != '\0')
		drop_scratch(c.scratch);
	return status;
}

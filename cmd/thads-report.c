/*
 * thads-report: the statistics of sentence enforcement, from the
 * database opened read-only, in every format of the output layer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "record.h"
#include "report.h"

enum { O_OUTPUT = 'o', O_ASOF = THADS_OPT_LONG, O_FROM, O_TO, O_EVERY,
	O_BY, O_FACILITY, O_STATUS, O_SUPPRESS, O_PSEUDO, O_LIST, O_WINDOWS,
	O_BOM, O_META, O_FORCE };

static const struct thads_opt opts[] = {
	{ "output", O_OUTPUT, "FILE", "write to FILE (mode 0600), not stdout" },
	{ "as-of", O_ASOF, "DATE", "the day the figures are for (today)" },
	{ "from", O_FROM, "DATE", "first day of the period" },
	{ "to", O_TO, "DATE", "last day of the period (the as-of day)" },
	{ "every", O_EVERY, "PERIOD", "day, week, month, quarter or year" },
	{ "by", O_BY, "FIELDS", "group by these fields (comma separated)" },
	{ "facility", O_FACILITY, "CODES", "only these facilities" },
	{ "status", O_STATUS, "STATUSES", "only these statuses" },
	{ "suppress", O_SUPPRESS, "N", "hide counts below N for publication" },
	{ "pseudonymize", O_PSEUDO, "KEYFILE",
	    "keyed hashes for person ids in lists" },
	{ "list", O_LIST, NULL, "list the persons instead of counting" },
	{ "windows", O_WINDOWS, "YEARS", "recidivism follow-up (1,2,3)" },
	{ "bom", O_BOM, NULL, "csv, tsv: start with a UTF-8 byte-order mark" },
	{ "meta", O_META, "FILE", "write each report's definition to FILE" },
	{ "force", O_FORCE, NULL, "replace an existing --output or --meta" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-report",
	"[-qv] [-d db] [-f fmt] [-o file] [--as-of date] [--from date]\n"
	"       [--to date] [--every period] [--by fields] [--facility codes]\n"
	"       [--status statuses] [--suppress n] [--pseudonymize keyfile]\n"
	"       [--list] [--windows years] [--bom] [--meta file] [--force]\n"
	"       report ... | sql query",
	"Statistics from the THADS database, opened read-only.  Reports:\n"
	"  population      persons held or supervised on the --as-of day\n"
	"  flow            admissions and releases per period, by reason\n"
	"  stay            length of stay of those released; time served\n"
	"  classification  classification results per period and facility\n"
	"  reductions      reduction decisions and time reduced per period\n"
	"  releases-due    releases expected per month and facility\n"
	"  recidivism      share of a release cohort re-admitted in 1-3 years\n"
	"  supervision     community sentences due to end: share completed\n"
	"  training        education and vocational training\n"
	"  community       community sentences and violations\n"
	"  events          camera and electronic-monitoring events\n"
	"  sql QUERY       one read-only SQL query\n"
	"Formats: csv, tsv, jsonl, xml, table, xlsx, html.",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts
};

struct ctx {
	struct thads_cli cli;
	struct thads_report_opts ro;
	const char *output;
	const char *meta;
	int	 force;		/* --force: -o and --meta may replace a file */
	const char *keyfile;
	unsigned char key[1024];
	char	 lists[3][1024];	/* copies split by comma */
	int	 nreportopts;		/* report options given */
};

/* Split s (copied to buf) at commas into v; -1 if too many or empty. */
static int
split(const char *s, char *buf, size_t size, const char **v, size_t max,
    size_t *n)
{
	char *p, *comma;

	snprintf(buf, size, "%s", s);
	*n = 0;
	if (*buf == '\0')
		return 0;
	for (p = buf; p != NULL; p = comma) {
		if ((comma = strchr(p, ',')) != NULL)
			*comma++ = '\0';
		if (*p == '\0' || *n == max)
			return -1;
		v[(*n)++] = p;
	}
	return 0;
}

static int
date_opt(const char *name, const char *arg, char *dst)
{
	int y, m, d;

	if (thads_date_parse(arg, &y, &m, &d) != 0) {
		/* Say what is wrong: the year, or the date itself. */
		if (strlen(arg) == 10 && strspn(arg, "0123456789") == 4 &&
		    arg[4] == '-' && ((y = (int)strtol(arg, NULL, 10)) <
		    THADS_YEAR_MIN || y > THADS_YEAR_MAX))
			return thads_error("bad %s '%s': the year must be "
			    "from %d to %d", name, arg, THADS_YEAR_MIN,
			    THADS_YEAR_MAX);
		return thads_error("bad %s '%s': not a real date "
		    "(YYYY-MM-DD, %d to %d)", name, arg, THADS_YEAR_MIN,
		    THADS_YEAR_MAX);
	}
	snprintf(dst, 11, "%s", arg);
	return 0;
}

static int
windows_opt(struct ctx *c, const char *arg)
{
	const char *v[THADS_REPORT_MAXWIN];
	char buf[128];
	size_t i, n;
	long y;

	if (split(arg, buf, sizeof(buf), v, THADS_REPORT_MAXWIN, &n) != 0 ||
	    n == 0)
		return thads_error("bad --windows '%s'", arg);
	for (i = 0; i < n; i++) {
		if (thads_parse_long(v[i], 1, 20, &y) != 0 ||
		    (i > 0 && y <= c->ro.windows[i - 1]))
			return thads_error("bad --windows '%s' (increasing "
			    "years from 1 to 20)", arg);
		c->ro.windows[i] = (int)y;
	}
	c->ro.nwindows = n;
	c->ro.windows_set = 1;
	return 0;
}

static int
list_opt(struct ctx *c, int key, const char *arg)
{
	struct thads_report_opts *o = &c->ro;
	size_t max = key == O_BY ? THADS_REPORT_MAXBY : THADS_REPORT_MAXLIST;
	const char **v = key == O_BY ? o->by : key == O_FACILITY ?
	    o->facility : o->status;
	size_t *n = key == O_BY ? &o->nby : key == O_FACILITY ?
	    &o->nfacility : &o->nstatus;
	int slot = key == O_BY ? 0 : key == O_FACILITY ? 1 : 2;

	if (split(arg, c->lists[slot], sizeof(c->lists[slot]), v, max, n))
		return thads_error("bad list '%s' (at most %zu, comma "
		    "separated)", arg, max);
	if (key == O_BY)
		o->by_set = 1;
	return 0;
}

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;
	long n;

	c->nreportopts += key != O_OUTPUT && key != O_BOM && key != O_META &&
	    key != O_PSEUDO && key != O_FORCE;
	switch (key) {
	case O_OUTPUT:
		c->output = arg;
		return 0;
	case O_ASOF:
		return date_opt("--as-of", arg, c->ro.as_of);
	case O_FROM:
		return date_opt("--from", arg, c->ro.from);
	case O_TO:
		return date_opt("--to", arg, c->ro.to);
	case O_EVERY:
		c->ro.every_set = 1;
		if (thads_report_every(arg, &c->ro.every) != 0)
			return thads_error("bad --every '%s'", arg);
		return 0;
	case O_BY:
	case O_FACILITY:
	case O_STATUS:
		return list_opt(c, key, arg);
	case O_SUPPRESS:
		if (thads_parse_long(arg, 2, 1000000, &n) != 0)
			return thads_error("bad --suppress '%s' (2 or more)",
			    arg);
		c->ro.suppress = n;
		return 0;
	case O_PSEUDO:
		c->keyfile = arg;
		return 0;
	case O_LIST:
		c->ro.list = 1;
		return 0;
	case O_WINDOWS:
		return windows_opt(c, arg);
	case O_BOM:
		c->cli.outflags |= THADS_OUT_BOM;
		return 0;
	case O_META:
		c->meta = arg;
		return 0;
	case O_FORCE:
		c->force = 1;
		return 0;
	}
	return -1;
}

/*
 * The key of --pseudonymize: the file's bytes, less one final line end,
 * at least 16 of them.  A key that others can read is refused, since
 * whoever has it can test a guessed id against a pseudonym.
 */
static void
read_key(struct ctx *c)
{
	struct stat sb;
	ssize_t n;
	int fd;

	if ((fd = open(c->keyfile, O_RDONLY | O_NOFOLLOW)) < 0)
		thads_fatal(EX_NOINPUT, "cannot open key file '%s': %s",
		    c->keyfile, strerror(errno));
	if (fstat(fd, &sb) != 0 || (sb.st_mode & 077) != 0)
		thads_fatal(EX_CONFIG, "key file '%s' must be readable by its "
		    "owner only (chmod 600 it)", c->keyfile);
	n = read(fd, c->key, sizeof(c->key));
	close(fd);
	if (n > 0 && c->key[n - 1] == '\n')
		n--;
	if (n > 0 && c->key[n - 1] == '\r')
		n--;
	if (n < 16)
		thads_fatal(EX_CONFIG, "key file '%s' holds %s 16 bytes",
		    c->keyfile, n < 0 ? "no readable key: need" : "fewer than");
	c->ro.key = c->key;
	c->ro.keylen = (size_t)n;
}

/* Whether an option that is given is used by one of the reports. */
static int
uses(const struct thads_report **r, int n, unsigned flag, int given)
{
	int i;

	for (i = 0; given && i < n; i++)
		if (r[i]->flags & flag)
			return 1;
	return !given;
}

/* Look up and check every report named; exits 64 on a bad one. */
static void
check_reports(struct ctx *c, char **names, int n,
    const struct thads_report **r)
{
	struct thads_err err;
	int i;

	thads_clearerr(&err);
	for (i = 0; i < n; i++) {
		if ((r[i] = thads_report_find(names[i])) == NULL) {
			thads_error("unknown report '%s'", names[i]);
			thads_cli_usage(&tool);
			exit(EX_USAGE);
		}
		if (thads_report_check(r[i], &c->ro, &err) != 0) {
			thads_error("%s", err.msg);
			thads_cli_usage(&tool);
			exit(EX_USAGE);
		}
	}
	if (!uses(r, n, THADS_RPT_PERIOD, c->ro.from[0] || c->ro.to[0]) ||
	    !uses(r, n, THADS_RPT_EVERY, c->ro.every_set) ||
	    !uses(r, n, THADS_RPT_WINDOWS, c->ro.windows_set)) {
		thads_error("an option given is used by none of the reports "
		    "(--from, --to, --every or --windows)");
		thads_cli_usage(&tool);
		exit(EX_USAGE);
	}
	if (n > 1 && (c->cli.fmt == THADS_FMT_CSV ||
	    c->cli.fmt == THADS_FMT_TSV)) {
		thads_error("csv and tsv hold one report: ask for one, or use "
		    "xlsx, html, jsonl or xml");
		exit(EX_USAGE);
	}
}

/* Without --force, path must not exist: not even as a dangling link. */
static void
refuse_existing(const struct ctx *c, const char *path)
{
	struct stat st;

	if (!c->force && lstat(path, &st) == 0)
		thads_fatal(EX_CANTCREAT, "'%s' exists (use --force)", path);
}

/* A file beside path to write into, put in place when complete. */
static FILE *
open_output(const struct ctx *c, const char *path, char *tmp, size_t size)
{
	FILE *fp;
	int fd;

	if (path == NULL)
		return stdout;
	refuse_existing(c, path);
	snprintf(tmp, size, "%s.tmp-XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		thads_fatal(EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(errno));
	return fp;
}

/*
 * Put the finished file in place.  rename(2) replaces path itself, a
 * symbolic link included, and never writes through it; without --force
 * link(2) does the same only if path still does not exist, so a file
 * made meanwhile is not lost either.
 */
static void
close_output(const struct ctx *c, FILE *fp, const char *path,
    const char *tmp, int ok)
{
	int rc;

	if (fp == stdout)
		return;
	if (fclose(fp) != 0 && ok) {
		unlink(tmp);
		thads_fatal(EX_IOERR, "cannot write '%s': %s", path,
		    strerror(errno));
	}
	if (!ok) {
		unlink(tmp);
		return;
	}
	rc = c->force ? rename(tmp, path) : link(tmp, path);
	if (rc != 0) {
		int e = errno;

		unlink(tmp);
		if (e == EEXIST)
			thads_fatal(EX_CANTCREAT, "'%s' exists (use --force)",
			    path);
		thads_fatal(EX_CANTCREAT, "cannot create '%s': %s", path,
		    strerror(e));
	}
	if (!c->force)
		unlink(tmp);
}

/* --meta: each report's metadata, in the output's text format. */
static void
write_meta(struct ctx *c, const struct thads_report **r, int n)
{
	static const struct thads_col cols[] = {
		{ "report", THADS_COL_TEXT }, { "key", THADS_COL_TEXT },
		{ "value", THADS_COL_TEXT },
	};
	struct thads_table t = { "meta", NULL, cols, 3, NULL, 0, NULL, 0 };
	enum thads_fmt fmt = c->cli.fmt;
	struct thads_out *o;
	struct thads_err err;
	char tmp[4096];
	FILE *fp;
	int i, rc;

	if (fmt == THADS_FMT_XLSX || fmt == THADS_FMT_HTML)
		fmt = THADS_FMT_CSV;
	fp = open_output(c, c->meta, tmp, sizeof(tmp));
	thads_clearerr(&err);
	rc = thads_out_begin(fp, fmt, "thads-report", c->cli.outflags, &o,
	    &err);
	if (rc == 0)
		rc = thads_out_next(o, &t, &err);
	for (i = 0; rc == 0 && i < n; i++)
		rc = thads_report_meta(r[i], &c->ro, o, &err);
	if (o != NULL && thads_out_close(o, rc ? NULL : &err) != 0 && rc == 0)
		rc = err.code;
	close_output(c, fp, c->meta, tmp, rc == 0);
	if (rc != 0)
		thads_die(&err);
}

/* Open the database and the output, run each report, close. */
static int
run(struct ctx *c, char **argv, int n, const struct thads_report **r)
{
	struct thads_out *o = NULL;
	struct thads_db *db;
	struct thads_err err;
	char tmp[4096];
	FILE *fp;
	int i, rc;

	thads_clearerr(&err);
	if (thads_db_open(c->cli.db, THADS_DB_RDONLY, c->cli.busy_ms,
	    tool.name, &db, &err) != 0)
		thads_die(&err);
	thads_cli_db_warn(db, c->cli.db);
	/*
	 * Reports read much of the file once: mapping it saves copying
	 * every page through read(2).  Where mmap is not available this
	 * does nothing, which is fine.
	 */
	(void)thads_db_exec(db, "PRAGMA mmap_size = 4294967296", NULL);
	fp = open_output(c, c->output, tmp, sizeof(tmp));
	rc = thads_out_begin(fp, c->cli.fmt, "thads-report", c->cli.outflags,
	    &o, &err);
	if (rc == 0 && r == NULL)
		rc = thads_report_sql(db, argv[1], &c->ro, o, &err);
	for (i = 0; rc == 0 && r != NULL && i < n && r[i] != NULL; i++) {
		if ((rc = thads_report_run(db, r[i], &c->ro, o, &err)) == 0)
			thads_info("%s: done", r[i]->name);
	}
	if (o != NULL && thads_out_close(o, rc ? NULL : &err) != 0 && rc == 0)
		rc = err.code;
	thads_db_close(db);
	close_output(c, fp, c->output, tmp, rc == 0);
	if (rc != 0)
		thads_die(&err);
	if (c->meta != NULL && r != NULL)
		write_meta(c, r, n);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	const struct thads_report *r[64] = { NULL };
	struct ctx c;
	int first, status, n;

	thads_cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	thads_cli_defaults(&c.cli);
	thads_report_defaults(&c.ro);
	if ((first = thads_cli_parse(&tool, argc, argv, &c.cli, opt, &c,
	    &status)) < 0)
		return status;
	argv += first;
	n = argc - first;
	if (n == 0 || n > 64 || (strcmp(argv[0], "sql") == 0 && (n != 2 ||
	    c.nreportopts > 0 || c.meta != NULL))) {
		thads_error(n == 0 ? "no report given" : n > 64 ?
		    "too many reports" : "sql takes one query and no report "
		    "options");
		thads_cli_usage(&tool);
		return EX_USAGE;
	}
	if (strcmp(argv[0], "sql") != 0)
		check_reports(&c, argv, n, r);
	if (c.keyfile != NULL)
		read_key(&c);
	return run(&c, argv, n, strcmp(argv[0], "sql") == 0 ? NULL : r);
}

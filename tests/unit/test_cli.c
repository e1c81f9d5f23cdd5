/*
 * test_cli.c: unit tests for lib/cli.c (the option layer), lib/err.c
 * (codes, exit statuses, the number parser) and lib/diag.c (messages).
 * What the functions print is caught by pointing file descriptor 1 or
 * 2 at a temporary file and reading it back.
 *
 * Tests marked "known bug:" show a defect in lib/ and are skipped so
 * that the suite stays green; run with THADS_KNOWN_BUGS=1 in the
 * environment to see them fail.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "unit.h"

#include "thads.h"
#include "cli.h"
#include "diag.h"

#define KNOWN_BUG() do {						\
	if (getenv("THADS_KNOWN_BUGS") == NULL)				\
		skip();							\
} while (0)

#define SYNOPSIS "[-qv] [-d FILE] [-f FMT] [-n N] FILE ..."

static const struct thads_opt own_opts[] = {
	{ "limit", 'n', "N", "stop after N rows" },
	{ "dry-run", THADS_OPT_LONG, NULL, "change nothing" },
	{ "since", THADS_OPT_LONG + 1, "DATE", "only rows since DATE" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-test", SYNOPSIS, "Exercise the option layer.",
	THADS_CLI_DB | THADS_CLI_OUTPUT, own_opts
};

static const struct thads_opt no_opts[] = {
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool bare = {
	"thads-bare", "[-qv]", "A tool without database or output.", 0,
	no_opts
};

/* What the tool's option callback saw. */
struct seen {
	int	 n;
	int	 key[8];
	char	 arg[8][64];
};

static int
opt_cb(int key, char *arg, void *ctx)
{
	struct seen *s = ctx;
	long v;

	if (s->n < 8) {
		s->key[s->n] = key;
		snprintf(s->arg[s->n], sizeof(s->arg[0]), "%s",
		    arg ? arg : "(null)");
		s->n++;
	}
	if (key == 'n' && thads_parse_long(arg, 1, 1000000, &v) != 0)
		return thads_error("bad limit '%s'", arg);
	return 0;
}

/*
 * Put getopt back in its first state, as in a new process.  Needed
 * as a belt and braces: thads_cli_parse() resets getopt itself (cli-1.16).
 */
static void
getopt_reset(void)
{
	static char a0[] = "reset";
	char *argv[] = { a0, NULL };

	optind = 0;
	(void)getopt(1, argv, "+");
}

/* Output caught from fd 1 or 2. */
struct cap {
	int	 fd;
	int	 saved;
	char	 path[64];
};

static void
cap_start(struct cap *c, int fd)
{
	int tmp;

	fflush(stdout);
	fflush(stderr);
	c->fd = fd;
	snprintf(c->path, sizeof(c->path), "/tmp/thads-cli-XXXXXX");
	tmp = mkstemp(c->path);
	assert_true(tmp >= 0);
	c->saved = dup(fd);
	assert_true(c->saved >= 0);
	assert_int_equal(dup2(tmp, fd), fd);
	close(tmp);
}

/* Stop catching; returns what was written (malloc'd). */
static char *
cap_end(struct cap *c)
{
	char *buf;
	FILE *f;
	long n;

	fflush(stdout);
	fflush(stderr);
	dup2(c->saved, c->fd);
	close(c->saved);
	f = fopen(c->path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	unlink(c->path);
	return buf;
}

/* Arguments, copied so that getopt may write to them. */
struct args {
	int	 argc;
	char	*argv[32];
	char	 buf[32][128];
};

/*
 * Parse the arguments (ended by NULL; argv[0] is the tool's name) with
 * the defaults; stdout and stderr are caught into *out and *errout
 * (malloc'd) when those are not NULL.
 */
static int
parse(const struct thads_tool *t, struct thads_cli *c, struct seen *s,
    int *status, char **out, char **errout, ...)
{
	static struct args a;
	struct cap co, ce;
	const char *p;
	va_list ap;
	int rc;

	memset(&a, 0, sizeof(a));
	a.argv[a.argc] = a.buf[a.argc];
	snprintf(a.buf[a.argc++], sizeof(a.buf[0]), "%s", t->name);
	va_start(ap, errout);
	while ((p = va_arg(ap, const char *)) != NULL && a.argc < 31) {
		a.argv[a.argc] = a.buf[a.argc];
		snprintf(a.buf[a.argc++], sizeof(a.buf[0]), "%s", p);
	}
	va_end(ap);
	a.argv[a.argc] = NULL;

	thads_cli_defaults(c);
	memset(s, 0, sizeof(*s));
	*status = -12345;
	getopt_reset();
	cap_start(&co, 1);
	cap_start(&ce, 2);
	rc = thads_cli_parse(t, a.argc, a.argv, c, opt_cb, s, status);
	if (errout != NULL)
		*errout = cap_end(&ce);
	else
		free(cap_end(&ce));
	if (out != NULL)
		*out = cap_end(&co);
	else
		free(cap_end(&co));
	return rc;
}

/* Parse, expecting success with no output; returns the operand index. */
#define PARSE_OK(t, c, s, ...) parse_ok(t, c, s, __VA_ARGS__, (char *)NULL)

static int
parse_ok(const struct thads_tool *t, struct thads_cli *c, struct seen *s,
    ...)
{
	static struct args a;
	struct cap co, ce;
	const char *p;
	char *o, *e;
	va_list ap;
	int rc, status = -12345;

	memset(&a, 0, sizeof(a));
	a.argv[a.argc] = a.buf[a.argc];
	snprintf(a.buf[a.argc++], sizeof(a.buf[0]), "%s", t->name);
	va_start(ap, s);
	while ((p = va_arg(ap, const char *)) != NULL && a.argc < 31) {
		a.argv[a.argc] = a.buf[a.argc];
		snprintf(a.buf[a.argc++], sizeof(a.buf[0]), "%s", p);
	}
	va_end(ap);

	thads_cli_defaults(c);
	memset(s, 0, sizeof(*s));
	getopt_reset();
	cap_start(&co, 1);
	cap_start(&ce, 2);
	rc = thads_cli_parse(t, a.argc, a.argv, c, opt_cb, s, &status);
	e = cap_end(&ce);
	o = cap_end(&co);
	if (rc < 0)
		fail_msg("parse failed, status %d: %s", status, e);
	assert_string_equal(o, "");
	assert_string_equal(e, "");
	free(o);
	free(e);
	return rc;
}

/*
 * Parse, expecting a misuse: -1, status 64, nothing on stdout, and on
 * stderr the message want then the usage line and the hint.
 */
#define PARSE_MISUSE(t, want, ...) parse_misuse(t, want, __VA_ARGS__,	\
	(char *)NULL)

static void
parse_misuse(const struct thads_tool *t, const char *want, ...)
{
	static struct args a;
	struct thads_cli c;
	struct seen s;
	struct cap co, ce;
	const char *p;
	char *o, *e, exp[512];
	va_list ap;
	int rc, status = -12345;

	memset(&a, 0, sizeof(a));
	a.argv[a.argc] = a.buf[a.argc];
	snprintf(a.buf[a.argc++], sizeof(a.buf[0]), "%s", t->name);
	va_start(ap, want);
	while ((p = va_arg(ap, const char *)) != NULL && a.argc < 31) {
		a.argv[a.argc] = a.buf[a.argc];
		snprintf(a.buf[a.argc++], sizeof(a.buf[0]), "%s", p);
	}
	va_end(ap);

	thads_cli_defaults(&c);
	memset(&s, 0, sizeof(s));
	getopt_reset();
	cap_start(&co, 1);
	cap_start(&ce, 2);
	rc = thads_cli_parse(t, a.argc, a.argv, &c, opt_cb, &s, &status);
	e = cap_end(&ce);
	o = cap_end(&co);
	assert_int_equal(rc, -1);
	assert_int_equal(status, EX_USAGE);
	assert_int_equal(status, 64);
	assert_string_equal(o, "");
	snprintf(exp, sizeof(exp), "%s%susage: %s %s\nTry '%s --help' for "
	    "more information.\n", want, *want ? "\n" : "", t->name,
	    t->synopsis, t->name);
	assert_string_equal(e, exp);
	free(o);
	free(e);
}

static int
setup(void **state)
{
	(void)state;
	thads_diag_init("/usr/local/bin/thads-test");
	return 0;
}

/* cli-1.1: the index of the first operand is returned; options stop at
 * the first operand and at "--". */
static void
operands(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	assert_int_equal(PARSE_OK(&tool, &c, &s, "-v", "a.csv", "b.csv"), 2);
	assert_int_equal(c.verbose, 1);
	/* Options may follow operands (GNU order): argv is permuted. */
	assert_int_equal(PARSE_OK(&tool, &c, &s, "a.csv", "-v"), 2);
	assert_int_equal(c.verbose, 1);
	assert_int_equal(PARSE_OK(&tool, &c, &s, "--", "-v"), 2);
	assert_int_equal(c.verbose, 0);
	assert_int_equal(PARSE_OK(&tool, &c, &s, "-"), 1);
	assert_int_equal(parse_ok(&tool, &c, &s, (char *)NULL), 1);
	assert_int_equal(s.n, 0);
}

/* cli-1.2: the tool's own options reach its callback with their key and
 * argument, in order. */
static void
own_options(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	assert_int_equal(PARSE_OK(&tool, &c, &s, "-n", "5", "--dry-run",
	    "--since=2024-01-01", "-n7", "--limit", "9", "--since",
	    "2023-12-31", "x"), 10);
	assert_int_equal(s.n, 6);
	assert_int_equal(s.key[0], 'n');
	assert_string_equal(s.arg[0], "5");
	assert_int_equal(s.key[1], THADS_OPT_LONG);
	assert_string_equal(s.arg[1], "(null)");
	assert_int_equal(s.key[2], THADS_OPT_LONG + 1);
	assert_string_equal(s.arg[2], "2024-01-01");
	assert_int_equal(s.key[3], 'n');
	assert_string_equal(s.arg[3], "7");
	assert_int_equal(s.key[4], 'n');
	assert_string_equal(s.arg[4], "9");
	assert_int_equal(s.key[5], THADS_OPT_LONG + 1);
	assert_string_equal(s.arg[5], "2023-12-31");

	/* A unique prefix of a long name is enough, as with getopt_long. */
	assert_int_equal(PARSE_OK(&tool, &c, &s, "--dry"), 2);
	assert_int_equal(s.key[0], THADS_OPT_LONG);
}

/* cli-1.3: a callback that refuses its option makes a misuse. */
static void
own_option_refused(void **state)
{
	char a0[] = "thads-test", a1[] = "--dry-run";
	char *argv[] = { a0, a1, NULL };
	struct thads_cli c;
	struct cap ce;
	char *e;
	int status;

	(void)state;
	PARSE_MISUSE(&tool, "thads-test: bad limit 'x'", "-n", "x");
	PARSE_MISUSE(&tool, "thads-test: bad limit '0'", "--limit=0",
	    "a.csv");

	/* Without a callback, a tool option is a misuse too. */
	thads_cli_defaults(&c);
	getopt_reset();
	cap_start(&ce, 2);
	assert_int_equal(thads_cli_parse(&tool, 2, argv, &c, NULL, NULL,
	    &status), -1);
	e = cap_end(&ce);
	assert_int_equal(status, EX_USAGE);
	assert_string_equal(e, "usage: thads-test " SYNOPSIS "\nTry "
	    "'thads-test --help' for more information.\n");
	free(e);
}

/* cli-1.4: -d/--db, --busy-timeout and --actor. */
static void
db_options(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	unsetenv("THADS_DB");
	assert_int_equal(PARSE_OK(&tool, &c, &s, "x"), 1);
	assert_string_equal(c.db, "thads.db");
	assert_int_equal(c.busy_ms, 10000);
	assert_null(c.actor);
	assert_int_equal(PARSE_OK(&tool, &c, &s, "-d", "/srv/a.db"), 3);
	assert_string_equal(c.db, "/srv/a.db");
	assert_int_equal(PARSE_OK(&tool, &c, &s, "-d/srv/b.db"), 2);
	assert_string_equal(c.db, "/srv/b.db");
	assert_int_equal(PARSE_OK(&tool, &c, &s, "--db=/srv/c.db"), 2);
	assert_string_equal(c.db, "/srv/c.db");
	assert_int_equal(PARSE_OK(&tool, &c, &s, "--db", "/srv/d.db",
	    "--busy-timeout", "250", "--actor", "Officer Lan"), 7);
	assert_string_equal(c.db, "/srv/d.db");
	assert_int_equal(c.busy_ms, 250);
	assert_string_equal(c.actor, "Officer Lan");
	assert_int_equal(PARSE_OK(&tool, &c, &s, "--busy-timeout=0"), 2);
	assert_int_equal(c.busy_ms, 0);
	assert_int_equal(PARSE_OK(&tool, &c, &s, "--busy-timeout=3600000"),
	    2);
	assert_int_equal(c.busy_ms, 3600000);
	assert_int_equal(s.n, 0);
}

/* cli-1.5: a bad --busy-timeout is a misuse. */
static void
busy_timeout_bad(void **state)
{
	(void)state;
	PARSE_MISUSE(&tool, "thads-test: bad --busy-timeout 'abc'",
	    "--busy-timeout", "abc");
	PARSE_MISUSE(&tool, "thads-test: bad --busy-timeout '-5'",
	    "--busy-timeout=-5");
	PARSE_MISUSE(&tool, "thads-test: bad --busy-timeout '3600001'",
	    "--busy-timeout", "3600001");
	PARSE_MISUSE(&tool, "thads-test: bad --busy-timeout ''",
	    "--busy-timeout=");
	PARSE_MISUSE(&tool, "thads-test: bad --busy-timeout '10s'",
	    "--busy-timeout", "10s");
	PARSE_MISUSE(&tool, "thads-test: bad --busy-timeout '+10'",
	    "--busy-timeout", "+10");
}

/* cli-1.6: -q and -v set the level of the diagnostics; -q wins. */
static void
levels(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	PARSE_OK(&tool, &c, &s, "x");
	assert_int_equal(thads_diag_get_level(), THADS_LOG_WARN);
	PARSE_OK(&tool, &c, &s, "-q");
	assert_int_equal(c.quiet, 1);
	assert_int_equal(thads_diag_get_level(), THADS_LOG_ERROR);
	PARSE_OK(&tool, &c, &s, "-v");
	assert_int_equal(thads_diag_get_level(), THADS_LOG_INFO);
	PARSE_OK(&tool, &c, &s, "-vv");
	assert_int_equal(c.verbose, 2);
	assert_int_equal(thads_diag_get_level(), THADS_LOG_DEBUG);
	PARSE_OK(&tool, &c, &s, "-v", "--verbose", "-vv");
	assert_int_equal(c.verbose, 4);
	assert_int_equal(thads_diag_get_level(), THADS_LOG_DEBUG);
	PARSE_OK(&tool, &c, &s, "-qv");
	assert_int_equal(thads_diag_get_level(), THADS_LOG_ERROR);
	PARSE_OK(&tool, &c, &s, "--verbose", "--quiet");
	assert_int_equal(thads_diag_get_level(), THADS_LOG_ERROR);
	PARSE_OK(&bare, &c, &s, "-v");
	assert_int_equal(thads_diag_get_level(), THADS_LOG_INFO);
	PARSE_OK(&tool, &c, &s, "x");
	assert_int_equal(thads_diag_get_level(), THADS_LOG_WARN);
}

/* cli-1.7: --format picks the output format, and a tool's default is
 * kept without it; an unknown format is a misuse. */
static void
formats(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	PARSE_OK(&tool, &c, &s, "x");
	assert_int_equal(c.fmt, THADS_FMT_TABLE);
	PARSE_OK(&tool, &c, &s, "-f", "csv");
	assert_int_equal(c.fmt, THADS_FMT_CSV);
	PARSE_OK(&tool, &c, &s, "--format", "jsonl");
	assert_int_equal(c.fmt, THADS_FMT_JSONL);
	PARSE_OK(&tool, &c, &s, "--format=tsv");
	assert_int_equal(c.fmt, THADS_FMT_TSV);
	PARSE_OK(&tool, &c, &s, "-fxml");
	assert_int_equal(c.fmt, THADS_FMT_XML);
	PARSE_OK(&tool, &c, &s, "-f", "csv", "-f", "table");
	assert_int_equal(c.fmt, THADS_FMT_TABLE);
	assert_int_equal(c.outflags, 0);

	PARSE_MISUSE(&tool, "thads-test: unknown format 'yaml'", "--format",
	    "yaml");
	PARSE_MISUSE(&tool, "thads-test: unknown format ''", "--format=");
	PARSE_MISUSE(&tool, "thads-test: unknown format 'json'", "-f",
	    "json");
}

/* cli-1.8: --raw and --no-header set the output flags. */
static void
out_flags(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	PARSE_OK(&tool, &c, &s, "--raw");
	assert_int_equal(c.outflags, THADS_OUT_RAW);
	PARSE_OK(&tool, &c, &s, "--no-header");
	assert_int_equal(c.outflags, THADS_OUT_NOHEADER);
	PARSE_OK(&tool, &c, &s, "--no-header", "--raw", "-f", "csv");
	assert_int_equal(c.outflags, THADS_OUT_RAW | THADS_OUT_NOHEADER);
	assert_int_equal(c.fmt, THADS_FMT_CSV);
	PARSE_MISUSE(&tool, "thads-test: bad option '--raw=yes'",
	    "--raw=yes");
}

/* cli-1.9: --help and -h print the help on stdout and stop with 0. */
static void
help(void **state)
{
	static const char *const lines[] = {
		"usage: thads-test " SYNOPSIS "\n\nExercise the option layer."
		    "\n\nOptions:\n",
		"  -n, --limit N",
		"      --dry-run",
		"      --since DATE",
		"  -d, --db FILE",
		"      --busy-timeout MS",
		"      --actor NAME",
		"  -f, --format FMT",
		"      --raw",
		"      --no-header",
		"  -h, --help",
		"  -V, --version",
		"  -q, --quiet",
		"  -v, --verbose",
		"stop after N rows\n",
		"\nSee thads-test(1).\n",
		NULL
	};
	struct thads_cli c;
	struct seen s;
	char *o, *e;
	size_t i;
	int status;

	(void)state;
	assert_int_equal(parse(&tool, &c, &s, &status, &o, &e, "--help",
	    (char *)NULL), -1);
	assert_int_equal(status, 0);
	assert_string_equal(e, "");
	assert_memory_equal(o, lines[0], strlen(lines[0]));
	for (i = 0; lines[i] != NULL; i++)
		if (strstr(o, lines[i]) == NULL)
			fail_msg("help lacks '%s':\n%s", lines[i], o);
	free(o);
	free(e);

	/* -h is the same; the options before it do not matter. */
	assert_int_equal(parse(&tool, &c, &s, &status, &o, &e, "-v", "-h",
	    (char *)NULL), -1);
	assert_int_equal(status, 0);
	assert_string_equal(e, "");
	assert_memory_equal(o, lines[0], strlen(lines[0]));
	free(o);
	free(e);

	/* A tool without the database or output flags lists neither. */
	assert_int_equal(parse(&bare, &c, &s, &status, &o, &e, "--help",
	    (char *)NULL), -1);
	assert_int_equal(status, 0);
	assert_non_null(strstr(o, "usage: thads-bare [-qv]\n"));
	assert_null(strstr(o, "--db"));
	assert_null(strstr(o, "--format"));
	assert_null(strstr(o, "--raw"));
	assert_non_null(strstr(o, "--verbose"));
	free(o);
	free(e);
}

/* cli-1.10: --version and -V print "NAME X.Y.Z" on stdout and stop with
 * 0. */
static void
version(void **state)
{
	struct thads_cli c;
	struct seen s;
	char *o, *e;
	int status;

	(void)state;
	assert_int_equal(parse(&tool, &c, &s, &status, &o, &e, "--version",
	    (char *)NULL), -1);
	assert_int_equal(status, 0);
	assert_string_equal(o, "thads-test " THADS_VERSION "\n");
	assert_string_equal(e, "");
	free(o);
	free(e);
	assert_int_equal(parse(&bare, &c, &s, &status, &o, &e, "-V",
	    (char *)NULL), -1);
	assert_int_equal(status, 0);
	assert_string_equal(o, "thads-bare " THADS_VERSION "\n");
	free(o);
	free(e);
}

/* cli-1.11: an unknown option, or a missing argument, is a misuse: the
 * usage goes to stderr and the status is 64. */
static void
unknown_option(void **state)
{
	(void)state;
	PARSE_MISUSE(&tool, "thads-test: bad option '-x'", "-x");
	PARSE_MISUSE(&tool, "thads-test: bad option '-x'", "-vx", "a.csv");
	PARSE_MISUSE(&tool, "thads-test: bad option '--frob'", "--frob");
	PARSE_MISUSE(&tool, "thads-test: bad option '--frob=1'", "--frob=1");
	PARSE_MISUSE(&tool, "thads-test: option '-d' needs an argument",
	    "-d");
	PARSE_MISUSE(&tool, "thads-test: option '-f' needs an argument",
	    "-f");
	PARSE_MISUSE(&tool,
	    "thads-test: option '--busy-timeout' needs an argument",
	    "--busy-timeout");
	PARSE_MISUSE(&tool, "thads-test: option '--since' needs an argument",
	    "--since");
}

/* cli-1.12: the database and output options exist only for tools that
 * declare them. */
static void
options_by_flags(void **state)
{
	(void)state;
	PARSE_MISUSE(&bare, "thads-test: bad option '-d'", "-d", "x.db");
	PARSE_MISUSE(&bare, "thads-test: bad option '--db'", "--db", "x.db");
	PARSE_MISUSE(&bare, "thads-test: bad option '--busy-timeout=5'",
	    "--busy-timeout=5");
	PARSE_MISUSE(&bare, "thads-test: bad option '-f'", "-f", "csv");
	PARSE_MISUSE(&bare, "thads-test: bad option '--raw'", "--raw");
	PARSE_MISUSE(&bare, "thads-test: bad option '-n'", "-n", "5");
}

/* cli-1.13: the defaults, and $THADS_DB when it is not empty. */
static void
defaults(void **state)
{
	struct thads_cli c;

	(void)state;
	memset(&c, 0x5a, sizeof(c));
	unsetenv("THADS_DB");
	thads_cli_defaults(&c);
	assert_string_equal(c.db, "thads.db");
	assert_int_equal(c.busy_ms, 10000);
	assert_null(c.actor);
	assert_int_equal(c.verbose, 0);
	assert_int_equal(c.quiet, 0);
	assert_int_equal(c.fmt, THADS_FMT_TABLE);
	assert_int_equal(c.outflags, 0);

	setenv("THADS_DB", "/var/lib/thads/main.db", 1);
	thads_cli_defaults(&c);
	assert_string_equal(c.db, "/var/lib/thads/main.db");
	setenv("THADS_DB", "", 1);
	thads_cli_defaults(&c);
	assert_string_equal(c.db, "thads.db");
	unsetenv("THADS_DB");
}

/* cli-1.14: --db overrides $THADS_DB. */
static void
db_env_override(void **state)
{
	struct thads_cli c;
	struct seen s;

	(void)state;
	setenv("THADS_DB", "/var/lib/thads/env.db", 1);
	PARSE_OK(&tool, &c, &s, "x");
	assert_string_equal(c.db, "/var/lib/thads/env.db");
	PARSE_OK(&tool, &c, &s, "-d", "cli.db");
	assert_string_equal(c.db, "cli.db");
	unsetenv("THADS_DB");
}

/* cli-1.15: the usage line and hint. */
static void
usage(void **state)
{
	struct cap ce, co;
	char *e, *o;

	(void)state;
	cap_start(&co, 1);
	cap_start(&ce, 2);
	thads_cli_usage(&tool);
	e = cap_end(&ce);
	o = cap_end(&co);
	assert_string_equal(e, "usage: thads-test " SYNOPSIS "\nTry "
	    "'thads-test --help' for more information.\n");
	assert_string_equal(o, "");
	free(e);
	free(o);
}

/*
 * cli-1.16: two parses in one process: the second must not go on with
 * the rest of a bundle ("-Vq", stopped at -V) of the first one's argv,
 * which glibc forgets only when optind is set to 0.
 */
static void
parse_twice(void **state)
{
	static char a0[] = "thads-test", a1[] = "-Vq", b1[] = "file";
	char *argv1[] = { a0, a1, NULL }, *argv2[] = { a0, b1, NULL };
	struct thads_cli c;
	struct cap co;
	int status, rc;

	(void)state;
	getopt_reset();
	thads_cli_defaults(&c);
	cap_start(&co, 1);
	rc = thads_cli_parse(&tool, 2, argv1, &c, opt_cb, NULL, &status);
	free(cap_end(&co));
	assert_int_equal(rc, -1);
	assert_int_equal(status, 0);

	thads_cli_defaults(&c);
	rc = thads_cli_parse(&tool, 2, argv2, &c, opt_cb, NULL, &status);
	assert_int_equal(c.quiet, 0);
	assert_int_equal(rc, 1);
}

/* cli-2.1: whole numbers in range are parsed. */
static void
parse_long_ok(void **state)
{
	long v;

	(void)state;
	assert_int_equal(thads_parse_long("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(thads_parse_long("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(thads_parse_long("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(thads_parse_long("-5", -5, 5, &v), 0);
	assert_int_equal(v, -5);
	assert_int_equal(thads_parse_long("-0", -1, 5, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(thads_parse_long("9223372036854775807", 0, LONG_MAX,
	    &v), 0);
	assert_true(v == LONG_MAX);
	assert_int_equal(thads_parse_long("-9223372036854775808", LONG_MIN,
	    0, &v), 0);
	assert_true(v == LONG_MIN);
}

/* cli-2.2: signs, spaces, junk, overflow and the range are refused;
 * *out is left alone. */
static void
parse_long_bad(void **state)
{
	static const char *const bad[] = {
		"", "+5", " 5", "5 ", "5x", "x5", "0x10", "1e3", "5.0", "--5",
		"- 5", "11", "9223372036854775808", "99999999999999999999",
		NULL
	};
	long v = 4242;
	size_t i;

	(void)state;
	assert_int_equal(thads_parse_long(NULL, 0, 10, &v), THADS_EDATA);
	for (i = 0; bad[i] != NULL; i++)
		if (thads_parse_long(bad[i], 0, 10, &v) != THADS_EDATA)
			fail_msg("'%s' taken for a number", bad[i]);
	assert_int_equal(v, 4242);

	/* No sign at all where min >= 0, even "-0". */
	assert_int_equal(thads_parse_long("-1", 0, 10, &v), THADS_EDATA);
	assert_int_equal(thads_parse_long("-0", 0, 10, &v), THADS_EDATA);
	assert_int_equal(thads_parse_long("-6", -5, 5, &v), THADS_EDATA);
	assert_int_equal(thads_parse_long("-9223372036854775809", LONG_MIN,
	    0, &v), THADS_EDATA);
	assert_int_equal(thads_parse_long("9223372036854775808", 0,
	    LONG_MAX, &v), THADS_EDATA);
	assert_int_equal(thads_parse_long("5", 6, 10, &v), THADS_EDATA);
	assert_int_equal(v, 4242);
}

/*
 * cli-2.3: leading white space other than ' ' is accepted,
 * because only ' ' is checked before strtol(), which skips any
 * isspace(): "\t5" and "\n+5" parse as 5 (so "--busy-timeout $'\t5'"
 * passes).
 */
static void
parse_long_space(void **state)
{
	static const char *const bad[] = {
		"\t5", "\n5", "\v5", "\f5", "\r5", "\t+5", NULL
	};
	long v = 4242;
	size_t i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		if (thads_parse_long(bad[i], 0, 10, &v) != THADS_EDATA)
			fail_msg("'%s' taken for a number", bad[i]);
	assert_int_equal(v, 4242);
}

/* cli-2.4: each code maps to its sysexits status and a text. */
static void
codes(void **state)
{
	static const struct {
		int	 code;
		int	 status;
	} want[] = {
		{ THADS_OK, 0 },
		{ THADS_ENOMEM, EX_OSERR },
		{ THADS_EUSAGE, EX_USAGE },
		{ THADS_EDATA, EX_DATAERR },
		{ THADS_ENOINPUT, EX_NOINPUT },
		{ THADS_ECANTCREAT, EX_CANTCREAT },
		{ THADS_EIO, EX_IOERR },
		{ THADS_EDB, EX_SOFTWARE },
		{ THADS_EBUSY, EX_TEMPFAIL },
		{ THADS_ECONFIG, EX_CONFIG },
		{ THADS_ESOFTWARE, EX_SOFTWARE },
		{ THADS_ETOONEW, EX_CONFIG },
		{ THADS_ELIB, EX_UNAVAILABLE },
		{ THADS_EPIPE, 141 },	/* 128 + SIGPIPE, as a shell shows */
	};
	size_t i, j, n = sizeof(want) / sizeof(want[0]);

	(void)state;
	assert_int_equal(n, 14);
	for (i = 0; i < n; i++) {
		assert_int_equal(want[i].code, -(int)i);
		assert_int_equal(thads_exit_status(want[i].code),
		    want[i].status);
		assert_true(strlen(thads_strerror(want[i].code)) > 0);
		assert_string_not_equal(thads_strerror(want[i].code),
		    "unknown error");
		for (j = 0; j < i; j++)
			assert_string_not_equal(thads_strerror(want[i].code),
			    thads_strerror(want[j].code));
	}
	assert_int_equal(EX_USAGE, 64);
	assert_int_equal(EX_DATAERR, 65);
	assert_int_equal(EX_NOINPUT, 66);
	assert_int_equal(EX_TEMPFAIL, 75);
	assert_int_equal(thads_exit_status(-14), EX_SOFTWARE);
	assert_int_equal(thads_exit_status(1), EX_SOFTWARE);
	assert_string_equal(thads_strerror(-14), "unknown error");
	assert_string_equal(thads_strerror(42), "unknown error");
	assert_string_equal(thads_strerror(THADS_OK), "success");
	assert_string_equal(thads_strerror(THADS_EBUSY), "database busy");
}

/* cli-2.5: the error record is filled, truncated safely, and cleared;
 * a NULL record is allowed. */
static void
error_record(void **state)
{
	struct thads_err err;
	char longname[400];

	(void)state;
	assert_int_equal(thads_seterr(NULL, THADS_EIO, "f", 1, "x"),
	    THADS_EIO);
	assert_int_equal(thads_seterr(&err, THADS_EDATA, "in.csv", 12,
	    "bad date '%s'", "2024-13-01"), THADS_EDATA);
	assert_int_equal(err.code, THADS_EDATA);
	assert_string_equal(err.file, "in.csv");
	assert_int_equal(err.line, 12);
	assert_string_equal(err.msg, "bad date '2024-13-01'");
	assert_int_equal(thads_seterr(&err, THADS_EDB, NULL, 0, "%s", "db"),
	    THADS_EDB);
	assert_string_equal(err.file, "");

	memset(longname, 'f', sizeof(longname));
	longname[sizeof(longname) - 1] = '\0';
	thads_seterr(&err, THADS_EIO, longname, 3, "%s", longname);
	assert_int_equal(strlen(err.file), sizeof(err.file) - 1);
	assert_int_equal(strlen(err.msg), sizeof(longname) - 1);

	thads_clearerr(&err);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	assert_string_equal(err.msg, "");
	thads_clearerr(NULL);
}

/* Run fn with stderr caught and compare with want. */
static void
expect_stderr(void (*fn)(void), const char *want)
{
	struct cap ce;
	char *e;

	cap_start(&ce, 2);
	fn();
	e = cap_end(&ce);
	assert_string_equal(e, want);
	free(e);
}

static void
say_error(void)
{
	assert_int_equal(thads_error("cannot open '%s'", "x\033[2J.csv"), -1);
}

static void
say_levels(void)
{
	thads_warn("warn %d", 1);
	thads_info("info %d", 2);
	thads_debug("debug %d", 3);
}

static void
say_report(void)
{
	struct thads_err err;

	thads_seterr(&err, THADS_EDATA, "in.csv", 12, "bad date");
	thads_report(THADS_LOG_ERROR, &err);
	thads_seterr(&err, THADS_EIO, "out.csv", 0, "cannot write");
	thads_report(THADS_LOG_WARN, &err);
	thads_seterr(&err, THADS_EBUSY, NULL, 0, "%s", "");
	thads_report(THADS_LOG_ERROR, &err);
}

/* cli-3.1: messages start with the program name, control characters
 * are replaced, and levels filter warnings, notes and debugging. */
static void
diagnostics(void **state)
{
	(void)state;
	assert_string_equal(thads_progname(), "thads-test");
	expect_stderr(say_error, "thads-test: cannot open 'x?[2J.csv'\n");

	thads_diag_level(THADS_LOG_ERROR);
	expect_stderr(say_levels, "");
	thads_diag_level(THADS_LOG_WARN);
	expect_stderr(say_levels, "thads-test: warn 1\n");
	thads_diag_level(THADS_LOG_INFO);
	expect_stderr(say_levels, "thads-test: warn 1\nthads-test: info 2\n");
	thads_diag_level(THADS_LOG_DEBUG);
	expect_stderr(say_levels, "thads-test: warn 1\nthads-test: info 2\n"
	    "thads-test: debug 3\n");

	thads_diag_level(THADS_LOG_WARN);
	expect_stderr(say_report, "thads-test: in.csv:12: bad date\n"
	    "thads-test: out.csv: cannot write\nthads-test: database busy\n");
	thads_diag_level(THADS_LOG_ERROR);
	expect_stderr(say_report, "thads-test: in.csv:12: bad date\n"
	    "thads-test: database busy\n");
	thads_diag_level(THADS_LOG_WARN);
}

/* cli-3.2: the program name is the base name of argv[0]; an empty one
 * keeps the name. */
static void
progname(void **state)
{
	(void)state;
	thads_diag_init("thads-other");
	assert_string_equal(thads_progname(), "thads-other");
	thads_diag_init("");
	assert_string_equal(thads_progname(), "thads-other");
	thads_diag_init(NULL);
	assert_string_equal(thads_progname(), "thads-other");
	thads_diag_init("./build/bin/thads-test");
	assert_string_equal(thads_progname(), "thads-test");
}

/* cli-3.3: process set-up: program name, private umask, $THADS_TZ
 * before TZ, and Asia/Ho_Chi_Minh when neither is set. */
static void
init(void **state)
{
	char *tz = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	mode_t old = umask(022);

	(void)state;
	unsetenv("TZ");
	unsetenv("THADS_TZ");
	thads_cli_init("/opt/thads/bin/thads-init");
	assert_string_equal(thads_progname(), "thads-init");
	assert_int_equal(umask(022), 077);
	assert_string_equal(getenv("TZ"), "Asia/Ho_Chi_Minh");

	setenv("TZ", "Europe/Paris", 1);
	thads_cli_init("thads-init");
	assert_string_equal(getenv("TZ"), "Europe/Paris");

	setenv("THADS_TZ", "UTC", 1);
	thads_cli_init("thads-init");
	assert_string_equal(getenv("TZ"), "UTC");

	unsetenv("THADS_TZ");
	if (tz != NULL)
		setenv("TZ", tz, 1);
	else
		unsetenv("TZ");
	free(tz);
	umask(old);
	thads_diag_init("thads-test");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(operands),
		cmocka_unit_test(own_options),
		cmocka_unit_test(own_option_refused),
		cmocka_unit_test(db_options),
		cmocka_unit_test(busy_timeout_bad),
		cmocka_unit_test(levels),
		cmocka_unit_test(formats),
		cmocka_unit_test(out_flags),
		cmocka_unit_test(help),
		cmocka_unit_test(version),
		cmocka_unit_test(unknown_option),
		cmocka_unit_test(options_by_flags),
		cmocka_unit_test(defaults),
		cmocka_unit_test(db_env_override),
		cmocka_unit_test(usage),
		cmocka_unit_test(parse_twice),
		cmocka_unit_test(parse_long_ok),
		cmocka_unit_test(parse_long_bad),
		cmocka_unit_test(parse_long_space),
		cmocka_unit_test(codes),
		cmocka_unit_test(error_record),
		cmocka_unit_test(diagnostics),
		cmocka_unit_test(progname),
		cmocka_unit_test(init),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

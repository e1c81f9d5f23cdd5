/*
 * thads-alert: compute every legal date of every dossier, explain it,
 * and warn before each one passes.  See thads-alert(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "cli.h"
#include "diag.h"
#include "paths.h"

#define SYSCONF "/etc/thads/alert.conf"

enum { O_CONFIG = 'c', O_ASOF = THADS_OPT_LONG, O_RULES, O_MINSEV,
	O_NEWONLY, O_EXITCODE, O_BY, O_REASON, O_JUDGMENT, O_CLEAR };

static const struct thads_opt opts[] = {
	{ "as-of", O_ASOF, "DATE", "compute as of DATE[ HH:MM] (default now)" },
	{ "config", O_CONFIG, "FILE", "alert configuration (default "
	    SYSCONF ")" },
	{ "rules", O_RULES, "FILE", "rule pack (default: the shipped one)" },
	{ "min-severity", O_MINSEV, "SEV", "info, warning or critical" },
	{ "new-only", O_NEWONLY, NULL, "only alerts not emitted before" },
	{ "exit-code", O_EXITCODE, NULL, "exit 1 when anything was found" },
	{ "by", O_BY, "NAME", "ack, override: the officer" },
	{ "reason", O_REASON, "TEXT", "ack, override: why" },
	{ "judgment", O_JUDGMENT, "NUMBER", "override: the judgment" },
	{ "clear", O_CLEAR, NULL, "override: remove the override" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-alert",
	"[-qv] [-c file] [-d db] [-f fmt] [--as-of date] [--exit-code] "
	"[--min-severity sev] [--new-only] [--rules file] [run | rules | "
	"check | compare | explain person | ack key --by name | override "
	"person item [date] --by name --reason text]",
	"Compute every legal date of every dossier (release, detention "
	"expiry, custody,\nreductions, early release, probation, record "
	"clearance, classification),\nexplain each step, and warn before "
	"each one passes.",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts
};

struct ctx {
	struct thads_alert_opts o;
	const char *config, *rules, *asof;
	int	 exit_code;
};

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;

	switch (key) {
	case O_ASOF: c->asof = arg; return 0;
	case O_CONFIG: c->config = arg; return 0;
	case O_RULES: c->rules = arg; return 0;
	case O_NEWONLY: c->o.new_only = 1; return 0;
	case O_EXITCODE: c->exit_code = 1; return 0;
	case O_BY: c->o.by = arg; return 0;
	case O_REASON: c->o.reason = arg; return 0;
	case O_JUDGMENT: c->o.judgment = arg; return 0;
	case O_CLEAR: c->o.clear = 1; return 0;
	case O_MINSEV:
		if ((c->o.min_sev = thads_sev_find(arg)) < 0)
			return thads_error("bad --min-severity '%s' (info, "
			    "warning, critical)", arg);
		return 0;
	}
	return -1;
}

/* The day and second of --as-of, or of now in the local time zone. */
static void
as_of(struct ctx *c)
{
	struct tm tm;
	time_t t;
	int secs;

	if (c->asof != NULL) {
		secs = thads_day_secs(c->asof);
		if (thads_day_parse(c->asof, &c->o.as_of) != 0 || secs < 0)
			thads_fatal(EX_USAGE, "bad --as-of '%s' "
			    "(YYYY-MM-DD[ HH:MM[:SS]])", c->asof);
		c->o.now = (long long)c->o.as_of * 86400 + secs;
		return;
	}
	t = time(NULL);
	localtime_r(&t, &tm);
	c->o.as_of = thads_day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	c->o.now = (long long)c->o.as_of * 86400 + tm.tm_hour * 3600 +
	    tm.tm_min * 60 + tm.tm_sec;
}

/* Configuration, time zone, rule pack: everything before the work. */
static void
setup(struct ctx *c, struct thads_alert_conf *conf, struct thads_rules **r)
{
	const char *env = getenv("THADS_ALERT_CONF"), *path = c->rules;
	char pack[4096];
	struct thads_err err;

	thads_alert_conf_defaults(conf);
	if (c->config == NULL && env != NULL && *env != '\0')
		c->config = env;
	if (c->config == NULL && access(SYSCONF, R_OK) == 0)
		c->config = SYSCONF;
	if (c->config != NULL && thads_alert_conf_load(conf, c->config,
	    &err) != 0)
		thads_die(&err);
	if (conf->tz[0] != '\0' && getenv("THADS_TZ") == NULL) {
		setenv("TZ", conf->tz, 1);
		tzset();
	}
	as_of(c);
	if (path == NULL) {
		if (thads_datafile("rules/thads-rules.ini", pack,
		    sizeof(pack)) != 0)
			thads_fatal(EX_CONFIG, "cannot find the rule pack "
			    "rules/thads-rules.ini (set THADS_DATADIR)");
		path = pack;
	}
	if (thads_rules_load(path, r, &err) != 0)
		thads_die(&err);
	c->o.rules = *r;
	c->o.conf = conf;
}

/* Run one command on an open database; returns the exit status. */
static int
dispatch(struct ctx *c, struct thads_db *db, int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "run";
	struct thads_err err;
	long found = 0;
	int rc, i;

	thads_clearerr(&err);
	if (strcmp(cmd, "run") == 0)
		rc = thads_alert_run(db, &c->o, stdout, &found, &err);
	else if (strcmp(cmd, "check") == 0)
		rc = thads_alert_check(db, &c->o, stdout, &found, &err);
	else if (strcmp(cmd, "compare") == 0)
		rc = thads_alert_compare(db, &c->o, stdout, &found, &err);
	else if (strcmp(cmd, "explain") == 0)
		for (rc = 0, i = 1; rc == 0 && i < argc; i++)
			rc = thads_alert_explain(db, &c->o, argv[i], stdout,
			    &err);
	else if (strcmp(cmd, "ack") == 0)
		for (rc = 0, i = 1; rc == 0 && i < argc; i++)
			rc = thads_alert_ack(db, &c->o, argv[i], &err);
	else
		rc = thads_alert_override(db, &c->o, argv[1], argv[2],
		    argc > 3 ? argv[3] : NULL, &err);
	if (rc != 0) {
		thads_report(THADS_LOG_ERROR, &err);
		return thads_exit_status(rc);
	}
	return c->exit_code && found > 0 ? 1 : EX_OK;
}

/* The operands a command needs; exits 64 when they are wrong. */
static unsigned
check_args(struct ctx *c, int argc, char **argv)
{
	const char *cmd = argc > 0 ? argv[0] : "run";
	int ok;

	if (!strcmp(cmd, "run") || !strcmp(cmd, "check") ||
	    !strcmp(cmd, "compare") || !strcmp(cmd, "rules"))
		ok = argc <= 1;
	else if (!strcmp(cmd, "explain"))
		ok = argc >= 2;
	else if (!strcmp(cmd, "ack"))
		ok = argc >= 2 && c->o.by != NULL;
	else if (!strcmp(cmd, "override"))
		ok = (argc == 4 || (argc == 3 && c->o.clear)) &&
		    c->o.by != NULL && c->o.reason != NULL;
	else
		ok = 0;
	if (!ok) {
		if (!strcmp(cmd, "ack"))
			thads_error("ack needs one alert KEY or more and "
			    "--by NAME");
		else if (!strcmp(cmd, "override"))
			thads_error("override needs PERSON ITEM DATE (or "
			    "PERSON ITEM --clear), --by NAME and --reason TEXT");
		else
			thads_error("bad use of '%s'", cmd);
		thads_cli_usage(&tool);
		exit(EX_USAGE);
	}
	if (!strcmp(cmd, "run") && !c->o.new_only)
		return THADS_DB_RDONLY;
	if (!strcmp(cmd, "check") || !strcmp(cmd, "compare") ||
	    !strcmp(cmd, "explain"))
		return THADS_DB_RDONLY;
	return THADS_DB_NOCREATE;
}

int
main(int argc, char **argv)
{
	struct thads_cli cli;
	struct thads_alert_conf conf;
	struct thads_rules *rules;
	struct thads_db *db;
	struct thads_err err;
	struct ctx c;
	int first, more, status;
	unsigned mode;

	thads_cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	thads_cli_defaults(&cli);
	if ((first = thads_cli_parse(&tool, argc, argv, &cli, opt, &c,
	    &status)) < 0)
		return status;
	/* Options may also follow the command: parse them too. */
	if (first < argc && (more = thads_cli_parse(&tool, argc - first,
	    argv + first, &cli, opt, &c, &status)) < 0)
		return status;
	else if (first < argc)
		memmove(argv + first + 1, argv + first + more,
		    (size_t)(argc - first - more + 1) * sizeof(char *));
	argc = first < argc ? first + 1 + (argc - first - more) : argc;
	mode = check_args(&c, argc - first, argv + first);
	c.o.fmt = cli.fmt;
	c.o.outflags = cli.outflags;
	setup(&c, &conf, &rules);
	if (first < argc && strcmp(argv[first], "rules") == 0) {
		if ((status = thads_alert_rules(&c.o, stdout, &err)) != 0) {
			thads_report(THADS_LOG_ERROR, &err);
			status = thads_exit_status(status);
		}
		thads_rules_free(rules);
		return status;
	}
	if (thads_db_open(cli.db, mode, cli.busy_ms, tool.name, &db,
	    &err) != 0)
		thads_die(&err);
	db->actor = cli.actor ? cli.actor : c.o.by;
	thads_cli_db_warn(db, cli.db);
	status = dispatch(&c, db, argc - first, argv + first);
	thads_db_close(db);
	thads_rules_free(rules);
	return status;
}

/*
 * thads-admin: create, migrate, check, back up and restore the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "admin.h"
#include "cli.h"
#include "diag.h"
#include "zio.h"

enum { O_FORCE = THADS_OPT_LONG, O_NOVERIFY };

static const struct thads_opt opts[] = {
	{ "force", O_FORCE, NULL, "backup: replace an existing file" },
	{ "no-verify", O_NOVERIFY, NULL,
	    "restore: do not require a matching checksum file" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-admin",
	"[-qv] [-d db] [-f fmt] [--force] [--no-verify] command [file]",
	"Look after the THADS database.  Commands:\n"
	"  init            create the database (or bring it up to date)\n"
	"  migrate         apply the schema migrations, print the version\n"
	"  check           integrity, foreign keys, orphan rows, the audit\n"
	"                  chain; exit 1 if anything is found\n"
	"  backup FILE     online copy to FILE (zstd when FILE ends in .zst)\n"
	"                  with FILE.sha256 beside it\n"
	"  restore FILE    verify and restore a backup over the database\n"
	"  vacuum          rebuild the file, returning free pages\n"
	"  stats           rows per table, sizes, schema version",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts
};

struct ctx {
	int	 force;
	int	 noverify;
	struct thads_cli cli;
	struct thads_out *out;
};

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;

	(void)arg;
	if (key == O_FORCE)
		c->force = 1;
	else if (key == O_NOVERIFY)
		c->noverify = 1;
	else
		return -1;
	return 0;
}

static struct thads_db *
open_db(struct ctx *c, unsigned flags)
{
	struct thads_db *db;
	struct thads_err err;

	thads_clearerr(&err);
	if (thads_db_open(c->cli.db, flags, c->cli.busy_ms, tool.name, &db,
	    &err) != 0)
		thads_die(&err);
	db->actor = c->cli.actor;
	thads_cli_db_warn(db, c->cli.db);
	return db;
}

static const struct thads_col finding_cols[] = {
	{ "check", THADS_COL_TEXT }, { "where", THADS_COL_TEXT },
	{ "problem", THADS_COL_TEXT },
};

static void
report_finding(const struct thads_finding *f, void *p)
{
	struct ctx *c = p;
	const char *v[3] = { f->check, f->where, f->what };

	(void)thads_out_row(c->out, v, NULL);	/* checked at close */
}

static int
check(struct ctx *c)
{
	struct thads_db *db = open_db(c, THADS_DB_NOCREATE);
	struct thads_err err;
	long n;

	thads_clearerr(&err);
	if (thads_out_open(stdout, c->cli.fmt, "finding", finding_cols, 3,
	    c->cli.outflags, &c->out, &err) != 0)
		thads_die(&err);
	n = thads_admin_check(db, report_finding, c, &err);
	thads_db_close(db);
	if (thads_out_close(c->out, &err) != 0)
		thads_die(&err);
	if (n < 0)
		thads_die(&err);
	thads_info("%ld problem%s found", n, n == 1 ? "" : "s");
	return n > 0 ? 1 : EX_OK;
}

static int
backup(struct ctx *c, const char *file)
{
	struct thads_db *db = open_db(c, THADS_DB_NOCREATE);
	struct thads_err err;
	struct stat sb;
	long long bytes = 0;

	thads_clearerr(&err);
	if (thads_admin_backup(db, file, c->force ? THADS_WR_FORCE : 0,
	    &bytes, &err) != 0) {
		thads_db_close(db);
		thads_die(&err);
	}
	thads_db_close(db);
	if (stat(file, &sb) == 0)
		bytes = sb.st_size;
	thads_info("backed up %s to %s (%lld bytes), checksum in %s.sha256",
	    c->cli.db, file, bytes, file);
	return EX_OK;
}

static int
restore(struct ctx *c, const char *file)
{
	struct thads_err err;

	thads_clearerr(&err);
	if (thads_admin_restore(file, c->cli.db, c->noverify, c->cli.busy_ms,
	    &err) != 0)
		thads_die(&err);
	thads_info("restored %s from %s (the previous file is kept as "
	    "%s.before-restore-*)", c->cli.db, file, c->cli.db);
	return EX_OK;
}

static const struct thads_col stat_cols[] = {
	{ "name", THADS_COL_TEXT }, { "value", THADS_COL_INT },
};

/* Counted tables, in the order people read them. */
static const char *const count_sql[][2] = {
	{ "persons", "SELECT count(*) FROM person WHERE deleted_at IS NULL" },
	{ "facilities", "SELECT count(*) FROM facility" },
	{ "episodes", "SELECT count(*) FROM episode WHERE deleted_at IS NULL" },
	{ "judgments", "SELECT count(*) FROM judgment" },
	{ "detention_orders", "SELECT count(*) FROM detention_order" },
	{ "classifications", "SELECT count(*) FROM classification" },
	{ "reductions", "SELECT count(*) FROM reduction" },
	{ "violations", "SELECT count(*) FROM violation" },
	{ "audit_entries", "SELECT count(*) FROM audit" },
	{ "schema_version", "PRAGMA user_version" },
	{ "page_size", "PRAGMA page_size" },
	{ "pages", "PRAGMA page_count" },
	{ "free_pages", "PRAGMA freelist_count" },
};

static int
stat_row(struct ctx *c, const char *name, long long v, struct thads_err *err)
{
	char num[32];
	const char *row[2] = { name, num };

	snprintf(num, sizeof(num), "%lld", v);
	return thads_out_row(c->out, row, err);
}

static int
stats(struct ctx *c)
{
	struct thads_db *db = open_db(c, THADS_DB_RDONLY);
	struct thads_err err;
	sqlite3_stmt *st;
	struct stat sb;
	size_t i;

	thads_clearerr(&err);
	if (thads_out_open(stdout, c->cli.fmt, "stat", stat_cols, 2,
	    c->cli.outflags, &c->out, &err) != 0)
		thads_die(&err);
	for (i = 0; i < sizeof(count_sql) / sizeof(count_sql[0]); i++) {
		if (thads_db_prepare(db, count_sql[i][1], &st, &err) != 0)
			thads_die(&err);
		if (sqlite3_step(st) == SQLITE_ROW)
			(void)stat_row(c, count_sql[i][0],
			    sqlite3_column_int64(st, 0), &err);
		sqlite3_finalize(st);
	}
	if (stat(c->cli.db, &sb) == 0)
		(void)stat_row(c, "file_bytes", (long long)sb.st_size, &err);
	thads_db_close(db);
	if (thads_out_close(c->out, &err) != 0)
		thads_die(&err);
	return EX_OK;
}

static int
simple(struct ctx *c, const char *cmd)
{
	struct thads_db *db = open_db(c, strcmp(cmd, "init") == 0 ? 0 :
	    THADS_DB_NOCREATE);
	struct thads_err err;

	thads_clearerr(&err);
	if (strcmp(cmd, "vacuum") == 0 && thads_db_exec(db, "VACUUM", &err))
		thads_die(&err);
	if (strcmp(cmd, "migrate") == 0)
		printf("%d\n", thads_db_schema_version());
	thads_db_close(db);
	thads_info("%s: %s done (schema version %d)", c->cli.db, cmd,
	    thads_db_schema_version());
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	const char *cmd;
	int first, status, nargs;

	thads_cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	thads_cli_defaults(&c.cli);
	if ((first = thads_cli_parse(&tool, argc, argv, &c.cli, opt, &c,
	    &status)) < 0)
		return status;
	if (first >= argc) {
		thads_error("no command given");
		thads_cli_usage(&tool);
		return EX_USAGE;
	}
	cmd = argv[first];
	nargs = argc - first - 1;
	if ((strcmp(cmd, "backup") == 0 || strcmp(cmd, "restore") == 0) &&
	    nargs == 1)
		return cmd[0] == 'b' ? backup(&c, argv[first + 1]) :
		    restore(&c, argv[first + 1]);
	if (nargs == 0 && strcmp(cmd, "check") == 0)
		return check(&c);
	if (nargs == 0 && strcmp(cmd, "stats") == 0)
		return stats(&c);
	if (nargs == 0 && (strcmp(cmd, "init") == 0 ||
	    strcmp(cmd, "migrate") == 0 || strcmp(cmd, "vacuum") == 0))
		return simple(&c, cmd);
	thads_error("unknown command or wrong arguments: '%s'", cmd);
	thads_cli_usage(&tool);
	return EX_USAGE;
}

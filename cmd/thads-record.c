/*
 * thads-record: the electronic dossier: find, show, history, access log
 * and the audit chain check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "cli.h"
#include "diag.h"
#include "dossier.h"

enum { O_ID = THADS_OPT_LONG, O_NATID, O_BORN, O_FACILITY, O_STATUS,
	O_LIMIT, O_REASON, O_PURGE };

static const struct thads_opt opts[] = {
	{ "id", O_ID, "dossier", "find: by dossier number" },
	{ "national-id", O_NATID, "number", "find: by national ID" },
	{ "born", O_BORN, "date", "find: by birth date (YYYY-MM-DD)" },
	{ "facility", O_FACILITY, "code", "find: by current facility" },
	{ "status", O_STATUS, "status", "find: by current custody status" },
	{ "limit", O_LIMIT, "n", "find: at most n results" },
	{ "reason", O_REASON, "text", "set, delete: why (audit trail)" },
	{ "purge", O_PURGE, NULL, "delete: remove for good" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-record",
	"[-qv] [-d db] [-f fmt] [--id dossier] [--national-id number] "
	    "[--born date] [--facility code] [--status status] [--limit n] "
	    "[--reason text] [--purge] command [argument ...]",
	"Look up and trace the electronic dossier.  Commands:\n"
	"  find [TEXT ...]   search by name or alias (case, accents, spacing\n"
	"                    and Đ/d ignored) and the --id, --national-id,\n"
	"                    --born, --facility and --status filters; exact\n"
	"                    name matches first\n"
	"  show ID           the whole dossier (text, or --format)\n"
	"  history ID        every change to the dossier\n"
	"  access-log ID     who consulted the dossier and when\n"
	"  set ID FIELD=VALUE ...\n"
	"                    change the dossier, validated as thads-import\n"
	"                    validates (--reason recommended)\n"
	"  delete ID         soft delete (--purge: for good); --reason\n"
	"                    required\n"
	"  verify-audit      walk the audit hash chain; exit 1 and name the\n"
	"                    first broken entry if it is broken",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts,
	NULL
};

struct ctx {
	struct thads_find q;
	int	 fmtset;
	int	 purge;
	const char *reason;
	struct thads_cli cli;
};

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;
	char *end;

	switch (key) {
	case O_ID: c->q.ext_id = arg; break;
	case O_NATID: c->q.natid = arg; break;
	case O_BORN: c->q.born = arg; break;
	case O_FACILITY: c->q.facility = arg; break;
	case O_STATUS: c->q.status = arg; break;
	case O_REASON: c->reason = arg; break;
	case O_PURGE: c->purge = 1; break;
	case O_LIMIT:
		c->q.limit = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || c->q.limit < 1) {
			thads_error("bad --limit '%s'", arg);
			return -1;
		}
		break;
	default:
		return -1;
	}
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
	return db;
}

static struct thads_out *
out_open(struct ctx *c, const char *name, const struct thads_col *cols,
    size_t n)
{
	struct thads_out *o;
	struct thads_err err;

	thads_clearerr(&err);
	if (thads_out_open(stdout, c->cli.fmt, name, cols, n, c->cli.outflags,
	    &o, &err) != 0)
		thads_die(&err);
	return o;
}

static void
out_close(struct thads_out *o, struct thads_db *db, int rc,
    struct thads_err *err)
{
	struct thads_err cerr;

	thads_clearerr(&cerr);
	if (rc != 0) {
		thads_db_close(db);
		thads_die(err);
	}
	if (o != NULL && thads_out_close(o, &cerr) != 0) {
		thads_db_close(db);
		thads_die(&cerr);
	}
}

/* Join the operands into one search text. */
static char *
join(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strncat(s, " ", len - strlen(s) - 1);
		strncat(s, argv[i], len - strlen(s) - 1);
	}
	return s;
}

static int
find(struct ctx *c, int argc, char **argv)
{
	struct thads_db *db = open_db(c, THADS_DB_RDONLY);
	struct thads_out *o;
	struct thads_err err;
	char *text = argc > 0 ? join(argc, argv) : NULL;
	long n = 0;
	int rc;

	thads_clearerr(&err);
	c->q.text = text;
	o = out_open(c, "person", thads_find_cols, THADS_FIND_NCOLS);
	rc = thads_dossier_find(db, &c->q, o, &n, &err);
	out_close(o, db, rc, &err);
	thads_db_close(db);
	free(text);
	thads_info("%ld dossier%s found", n, n == 1 ? "" : "s");
	return n > 0 ? EX_OK : 1;
}

/* show, history and access-log: one dossier, read and (but for the
 * access log itself) logged. */
static int
dossier(struct ctx *c, const char *cmd, const char *id)
{
	struct thads_db *db = open_db(c, THADS_DB_NOCREATE);
	struct thads_out *o = NULL;
	struct thads_err err;
	long long pid;
	int rc;

	thads_clearerr(&err);
	if ((rc = thads_dossier_resolve(db, id, &pid, &err)) != 0 ||
	    (strcmp(cmd, "access-log") != 0 &&
	    (rc = thads_dossier_log_access(db, pid, cmd, &err)) != 0))
		out_close(NULL, db, rc, &err);
	if (strcmp(cmd, "show") == 0) {
		if (c->fmtset)
			o = out_open(c, "item", thads_show_cols,
			    THADS_SHOW_NCOLS);
		rc = thads_dossier_show(db, pid, stdout, o, &err);
	} else if (strcmp(cmd, "history") == 0) {
		o = out_open(c, "change", thads_history_cols,
		    THADS_HISTORY_NCOLS);
		rc = thads_dossier_history(db, pid, o, &err);
	} else {
		o = out_open(c, "access", thads_access_cols,
		    THADS_ACCESS_NCOLS);
		rc = thads_dossier_access_log(db, pid, o, &err);
	}
	out_close(o, db, rc, &err);
	thads_db_close(db);
	return EX_OK;
}

/* set and delete. */
static int
change(struct ctx *c, const char *cmd, int argc, char **argv)
{
	struct thads_db *db;
	struct thads_err err;
	int rc, changed = 1;

	if (cmd[0] == 'd' && (c->reason == NULL || *c->reason == '\0')) {
		thads_error("delete needs --reason");
		return EX_USAGE;
	}
	db = open_db(c, THADS_DB_NOCREATE);
	thads_clearerr(&err);
	rc = cmd[0] == 's' ? thads_dossier_set(db, argv[0], argv + 1,
	    argc - 1, c->reason, &changed, &err) :
	    thads_dossier_delete(db, argv[0], c->reason, c->purge, &err);
	thads_db_close(db);
	if (rc != 0)
		thads_die(&err);
	thads_info("%s: %s", argv[0], !changed ? "nothing changed" :
	    cmd[0] == 's' ? "changed" : c->purge ? "purged" : "deleted");
	return EX_OK;
}

static int
verify(struct ctx *c)
{
	struct thads_db *db = open_db(c, THADS_DB_RDONLY);
	struct thads_audit_report r;
	struct thads_err err;
	int rc;

	thads_clearerr(&err);
	rc = thads_audit_verify(db, THADS_AUDIT_STRICT, &r, &err);
	thads_db_close(db);
	if (rc < 0)
		thads_die(&err);
	if (rc == 1) {
		printf("broken at entry %lld: %s\n", r.broken_id, r.what);
		return 1;
	}
	printf("ok: %lld entries, newest %lld\n", r.entries, r.last_id);
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
	c.cli.fmt = (enum thads_fmt)-1;
	if ((first = thads_cli_parse(&tool, argc, argv, &c.cli, opt, &c,
	    &status)) < 0)
		return status;
	c.fmtset = c.cli.fmt != (enum thads_fmt)-1;
	if (!c.fmtset)
		c.cli.fmt = THADS_FMT_TABLE;
	if (first >= argc) {
		thads_error("no command given");
		thads_cli_usage(&tool);
		return EX_USAGE;
	}
	cmd = argv[first];
	nargs = argc - first - 1;
	if (strcmp(cmd, "find") == 0)
		return find(&c, nargs, argv + first + 1);
	if (nargs == 1 && (strcmp(cmd, "show") == 0 ||
	    strcmp(cmd, "history") == 0 || strcmp(cmd, "access-log") == 0))
		return dossier(&c, cmd, argv[first + 1]);
	if ((nargs >= 2 && strcmp(cmd, "set") == 0) ||
	    (nargs == 1 && strcmp(cmd, "delete") == 0))
		return change(&c, cmd, nargs, argv + first + 1);
	if (nargs == 0 && strcmp(cmd, "verify-audit") == 0)
		return verify(&c);
	thads_error("unknown command or wrong operands: '%s'", cmd);
	thads_cli_usage(&tool);
	return EX_USAGE;
}

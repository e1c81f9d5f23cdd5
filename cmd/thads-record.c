/*
 * thads-record: the electronic dossier: find, show, add, set, delete,
 * history, access log, export and the audit chain check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "cli.h"
#include "days.h"
#include "diag.h"
#include "dossier.h"
#include "paths.h"
#include "record.h"
#include "rules.h"
#include "zio.h"

enum { O_ID = THADS_OPT_LONG, O_NATID, O_BORN, O_FACILITY, O_STATUS,
	O_LIMIT, O_REASON, O_PURGE, O_ALL, O_SINCE, O_FORCE };

static const struct thads_opt opts[] = {
	{ "id", O_ID, "dossier", "find: by dossier number" },
	{ "national-id", O_NATID, "number", "find: by national ID" },
	{ "born", O_BORN, "date", "find: by birth date (YYYY-MM-DD)" },
	{ "facility", O_FACILITY, "code", "find: by current facility" },
	{ "status", O_STATUS, "status", "find: by current custody status" },
	{ "limit", O_LIMIT, "n", "find: at most n results" },
	{ "reason", O_REASON, "text", "add, set, delete: why (audit trail)" },
	{ "purge", O_PURGE, NULL, "delete: remove for good" },
	{ "all", O_ALL, NULL, "export: every dossier" },
	{ "since", O_SINCE, "date", "export: dossiers changed on or after "
	    "date" },
	{ "output", 'o', "file", "export: write to file (.zst: compressed)" },
	{ "force", O_FORCE, NULL, "export: replace an existing file" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-record",
	"[-qv] [-d db] [-f fmt] [--id dossier] [--national-id number] "
	    "[--born date] [--facility code] [--status status] [--limit n] "
	    "[--reason text] [--purge] [--all] [--since date] [-o file] "
	    "[--force] command [argument ...]",
	"Look up, enter, trace and export the electronic dossier.  "
	    "Commands:\n"
	"  find [TEXT ...]   search by name or alias (case, accents, spacing\n"
	"                    and Đ/d ignored) and the --id, --national-id,\n"
	"                    --born, --facility and --status filters; exact\n"
	"                    name matches first\n"
	"  show ID           the whole dossier with its computed dates\n"
	"                    (text, or --format xml, jsonl, ...)\n"
	"  add KIND --FIELD VALUE ...\n"
	"  add KIND -        add a person, or a record of another kind to\n"
	"                    the dossier --person ID, from the options or\n"
	"                    one interchange XML record on stdin\n"
	"  history ID        every change to the dossier\n"
	"  access-log ID     who consulted the dossier and when\n"
	"  set ID FIELD=VALUE ...\n"
	"                    change the dossier, validated as thads-import\n"
	"                    validates (--reason recommended)\n"
	"  delete ID         soft delete (--purge: for good); --reason\n"
	"                    required\n"
	"  export ID ... | --all\n"
	"                    the dossiers in the interchange XML (--since,\n"
	"                    -o file, --force)\n"
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
	int	 all;
	int	 force;
	const char *since;
	const char *output;
	const char *reason;
	struct thads_cli cli;
};

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;
	int y, m, d;

	switch (key) {
	case O_ID: c->q.ext_id = arg; break;
	case O_NATID: c->q.natid = arg; break;
	case O_BORN:
		if (strlen(arg) != 10 || thads_date_parse(arg, &y, &m, &d)) {
			thads_error("bad --born '%s': not a real date "
			    "(YYYY-MM-DD, %d to %d)", arg, THADS_YEAR_MIN,
			    THADS_YEAR_MAX);
			return -1;
		}
		c->q.born = arg;
		break;
	case O_FACILITY: c->q.facility = arg; break;
	case O_STATUS:
		if ((c->q.status = thads_field_enum(F_EP_STATUS, arg)) ==
		    NULL) {
			thads_error("bad --status '%s': not a custody or "
			    "supervision status (see thads-mapping(5))", arg);
			return -1;
		}
		break;
	case O_REASON: c->reason = arg; break;
	case O_PURGE: c->purge = 1; break;
	case O_ALL: c->all = 1; break;
	case O_SINCE: c->since = arg; break;
	case O_FORCE: c->force = 1; break;
	case 'o': c->output = arg; break;
	case O_LIMIT:
		if (thads_parse_long(arg, 1, 1000000000L, &c->q.limit) != 0) {
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
	thads_cli_db_warn(db, c->cli.db);
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

/*
 * The computed dates of show, with the shipped rule pack.  Without it
 * the dossier is shown without them, and a warning says so.
 */
static int
show_dates(struct thads_db *db, long long pid, struct thads_out *o,
    struct thads_err *err)
{
	struct thads_rules *rules;
	char path[4096], today[16];
	int day, rc;

	if (thads_datafile("rules/thads-rules.ini", path, sizeof(path)) != 0) {
		thads_warn("rules/thads-rules.ini not found (set "
		    "THADS_DATADIR): no computed dates");
		return 0;
	}
	if ((rc = thads_rules_load(path, &rules, err)) != 0)
		return rc;
	thads_today(today, sizeof(today));
	if (thads_day_parse(today, &day) != 0)
		rc = thads_seterr(err, THADS_ESOFTWARE, NULL, 0,
		    "cannot read today's date '%s'", today);
	else
		rc = thads_dossier_dates(db, pid, rules, day, stdout, o, err);
	thads_rules_free(rules);
	return rc;
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
			o = out_open(c, "entry", thads_show_cols,
			    THADS_SHOW_NCOLS);
		rc = thads_dossier_show(db, pid, stdout, o, &err);
		if (rc == 0)
			rc = show_dates(db, pid, o, &err);
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
export(struct ctx *c, int argc, char **argv)
{
	struct thads_db *db;
	struct thads_export q;
	struct thads_err err;
	long n;

	if ((argc > 0) == c->all) {
		thads_error("export needs dossier numbers or --all, not both");
		return EX_USAGE;
	}
	memset(&q, 0, sizeof(q));
	q.ids = argv;
	q.nids = (size_t)argc;
	q.since = c->since;
	q.path = c->output ? c->output : "-";
	q.wrflags = THADS_WR_NOFOLLOW | (c->force ? THADS_WR_FORCE : 0);
	db = open_db(c, THADS_DB_NOCREATE);
	thads_clearerr(&err);
	if (thads_dossier_export(db, &q, &n, &err) != 0) {
		thads_db_close(db);
		/* The output's messages name it already. */
		if (c->output != NULL && strstr(err.msg, c->output) != NULL)
			err.file[0] = '\0';
		thads_die(&err);
	}
	thads_db_close(db);
	thads_info("%ld dossier%s exported", n, n == 1 ? "" : "s");
	return EX_OK;
}

/*
 * The operands of add after KIND: "--FIELD VALUE" or "--FIELD=VALUE"
 * pairs, and the options an officer may give with them (--reason,
 * --actor, -d/--db).  Anything else is an unknown field.
 */
static int
add_fields(struct ctx *c, enum thads_kind kind, int argc, char **argv,
    struct thads_rec *r, int stdin_rec)
{
	char name[128];
	const char *a, *val, *eq;
	int i, f;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			thads_error("not --field value: '%s'", a);
			return EX_USAGE;
		}
		eq = strchr(a, '=');
		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - a - 2) :
		    (int)strlen(a + 2), a + 2);
		if (eq != NULL)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		else {
			thads_error("no value for '--%s'", name);
			return EX_USAGE;
		}
		if (strcmp(name, "reason") == 0)
			c->reason = val;
		else if (strcmp(name, "actor") == 0)
			c->cli.actor = val;
		else if (strcmp(name, "db") == 0)
			c->cli.db = val;
		else if (stdin_rec) {
			thads_error("'--%s': the fields come from stdin", name);
			return EX_USAGE;
		} else if ((f = thads_dossier_field(kind, name)) < 0) {
			thads_error("unknown field '%s%s%s'", strchr(name,
			    '.') ? "" : thads_kind_name(kind), strchr(name,
			    '.') ? "" : ".", name);
			return EX_USAGE;
		} else if (*val == '\0') {
			thads_error("an empty value for '--%s'", name);
			return EX_USAGE;
		} else if (thads_rec_set(r, f, val, strlen(val)) != 0) {
			thads_error("out of memory");
			return EX_OSERR;
		}
	}
	return EX_OK;
}

/* add KIND --field value ... or add KIND - (one XML record on stdin). */
static int
add(struct ctx *c, int argc, char **argv)
{
	struct thads_db *db;
	struct thads_rec r;
	struct thads_err err;
	char xsd[4096];
	int k, havexsd, rc = EX_OK;

	for (k = 0; k < THADS_K_COUNT; k++)
		if (strcmp(argv[0], thads_kind_name(k)) == 0)
			break;
	if (k == THADS_K_COUNT) {
		thads_error("unknown kind '%s'", argv[0]);
		return EX_USAGE;
	}
	memset(&r, 0, sizeof(r));
	r.file = "command line";
	thads_clearerr(&err);
	if (argc >= 2 && strcmp(argv[1], "-") == 0) {
		if ((rc = add_fields(c, k, argc - 2, argv + 2, &r, 1)) != 0)
			return rc;
		havexsd = thads_datafile("schema/thads-interchange.xsd", xsd,
		    sizeof(xsd)) == 0;
		if (!havexsd)
			thads_warn("schema/thads-interchange.xsd not found "
			    "(set THADS_DATADIR): stdin read without it");
		if (thads_dossier_read_one("-", havexsd ? xsd : NULL, &r,
		    &err) != 0)
			thads_die(&err);
	} else
		rc = add_fields(c, k, argc - 1, argv + 1, &r, 0);
	if (rc == EX_OK) {
		db = open_db(c, THADS_DB_NOCREATE);
		if (thads_dossier_add(db, k, &r, c->reason, &err) != 0) {
			thads_db_close(db);
			thads_die(&err);
		}
		thads_db_close(db);
		thads_info("%s added", thads_kind_name(k));
	}
	thads_rec_clear(&r);
	free(r.extra);
	return rc;
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

/*
 * Where "add" stands as the command, or argc: the first word that is
 * neither an option nor an option's argument.  What follows add are its
 * --FIELD pairs, which the option parser must not see.
 */
static int
add_index(int argc, char **argv)
{
	static const char *const witharg[] = { "--db", "--format",
	    "--busy-timeout", "--actor", "--id", "--national-id", "--born",
	    "--facility", "--status", "--limit", "--reason", "--since",
	    "--output", "-d", "-f", "-o" };
	size_t k;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc && !strcmp(argv[i + 1], "add") ?
			    i + 1 : argc;
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			return strcmp(argv[i], "add") == 0 ? i : argc;
		for (k = 0; k < sizeof(witharg) / sizeof(witharg[0]); k++)
			if (strcmp(argv[i], witharg[k]) == 0) {
				i++;
				break;
			}
	}
	return argc;
}

int
main(int argc, char **argv)
{
	struct ctx c;
	const char *cmd;
	int first, status, nargs, addi;

	thads_cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	thads_cli_defaults(&c.cli);
	c.cli.fmt = (enum thads_fmt)-1;
	addi = add_index(argc, argv);
	if ((first = thads_cli_parse(&tool, addi < argc ? addi + 1 : argc,
	    argv, &c.cli, opt, &c, &status)) < 0)
		return status;
	if (addi < argc) {
		if (addi + 1 >= argc) {
			thads_error("add needs a kind");
			thads_cli_usage(&tool);
			return EX_USAGE;
		}
		return add(&c, argc - addi - 1, argv + addi + 1);
	}
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
	if (strcmp(cmd, "export") == 0)
		return export(&c, nargs, argv + first + 1);
	if (nargs == 0 && strcmp(cmd, "verify-audit") == 0)
		return verify(&c);
	thads_error("unknown command or wrong operands: '%s'", cmd);
	thads_cli_usage(&tool);
	return EX_USAGE;
}

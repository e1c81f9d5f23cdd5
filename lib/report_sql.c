/*
 * report_sql.c: an analyst's own query, read-only.
 *
 * The database is already open read-only (SQLITE_OPEN_READONLY): no
 * write can reach the file.  The authorizer adds what the open mode
 * does not cover: it refuses ATTACH and DETACH (which could open any
 * other file, even read-write), temporary tables, views and triggers,
 * transactions and savepoints, every PRAGMA but a list of ones that
 * only read, and the functions that reach outside the database
 * (load_extension, and readfile, writefile, edit, fts3_tokenizer where
 * an extension or shell might have added them).  Anything the
 * authorizer was not written for is refused, not allowed.  The
 * statement must also be one that SQLite itself calls read-only.
 *
 * With a key, the person columns that identify someone read as NULL,
 * and so does the audit trail's copy of old and new values, except
 * through the temporary view person_pseudonym, which shows each person
 * by pseudonym; the function pseudonym(x) gives the keyed hash of x
 * (thads-report --list writes the same for the same key).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_int.h"

#define PSEUDO_VIEW	"person_pseudonym"

/*
 * With a key: the persons with their pseudonym instead of their ids,
 * as the lists write it (ext_id, else "#" and the row id), and what
 * does not identify them (the year of birth, not the day).
 */
static const char pseudo_view_sql[] =
    "CREATE TEMP VIEW IF NOT EXISTS " PSEUDO_VIEW " AS"
    " SELECT id, pseudonym(coalesce(ext_id, '#' || id)) AS person, sex,"
    " substr(birth_date, 1, 4) AS birth_year, age, age_on, nationality,"
    " ethnicity, race FROM main.person WHERE deleted_at IS NULL";

struct sqlctx {
	const struct thads_report_opts *o;
	char	 refused[160];	/* what the authorizer refused, for errors */
};

static const char *const read_pragmas[] = {
	"table_info", "table_xinfo", "table_list", "index_list",
	"index_info", "index_xinfo", "foreign_key_list", "user_version",
	"schema_version", "application_id", "page_count", "page_size",
	"freelist_count", "encoding", "compile_options", "data_version",
	"function_list", "pragma_list", "collation_list", "module_list",
	"database_list", NULL
};

/* Pragmas that read with no argument only (an argument would set). */
static const char *const noarg_pragmas[] = {
	"user_version", "schema_version", "application_id", "page_size",
	"encoding", NULL
};

static const char *const bad_functions[] = {
	"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
	"zipfile", "sqlar_compress", "sqlar_uncompress", "lsmode", NULL
};

/* Person and audit columns hidden from a keyed (pseudonymous) query. */
static const char *const person_ids[] = {
	"ext_id", "national_id", "name", "name_folded", "aliases",
	"birth_date", "iris_ref", "dna_ref", "photo_ref", NULL
};
static const char *const audit_ids[] = {
	"record_key", "old", "new", "reason", NULL
};

/*
 * Other columns that name a person or hold free text about one: the
 * alert keys end in the dossier number, reasons are written by officers,
 * snapshots show faces.  Read as NULL from a keyed query.
 */
static const struct {
	const char *tbl, *col;
} other_ids[] = {
	{ "alert_seen", "key" }, { "alert_ack", "key" },
	{ "alert_ack", "reason" }, { "sentence_override", "reason" },
	{ "vid_event", "snapshot" }, { "vid_event", "snapshot_path" },
	{ "training", "certificate" },
};

static int
other_id(const char *tbl, const char *col)
{
	size_t i;

	if (tbl == NULL || col == NULL)
		return 0;
	for (i = 0; i < sizeof(other_ids) / sizeof(other_ids[0]); i++)
		if (strcasecmp(other_ids[i].tbl, tbl) == 0 &&
		    strcasecmp(other_ids[i].col, col) == 0)
			return 1;
	return 0;
}

static int
listed(const char *const *list, const char *s)
{
	if (s == NULL)
		return 0;
	for (; *list != NULL; list++)
		if (strcasecmp(*list, s) == 0)
			return 1;
	return 0;
}

static int
refuse(struct sqlctx *x, const char *what, const char *name)
{
	snprintf(x->refused, sizeof(x->refused), "%s%s%s", what,
	    name ? " " : "", name ? name : "");
	return SQLITE_DENY;
}

/* What the refused action would have done, for the message. */
static const char *
action_name(int action)
{
	switch (action) {
	case SQLITE_INSERT:
		return "(insert)";
	case SQLITE_UPDATE:
		return "(update)";
	case SQLITE_DELETE:
		return "(delete)";
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return "(transaction)";
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_VTABLE:
		return "(create)";
	}
	return "(other)";
}

static int
authorize(void *p, int action, const char *a, const char *b,
    const char *db, const char *inner)
{
	struct sqlctx *x = p;

	(void)db;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		/* The pseudonym view is the one way to the ids. */
		if (inner != NULL && strcmp(inner, PSEUDO_VIEW) == 0)
			return SQLITE_OK;
		if (x->o->key == NULL || a == NULL)
			return SQLITE_OK;
		/*
		 * The name index holds every folded name and alias: its
		 * tables are refused whole, not read as NULL, so that the
		 * analyst knows why.
		 */
		if (strncasecmp(a, "person_fts", 10) == 0)
			return refuse(x, "with a key, the name index table", a);
		if ((strcasecmp(a, "person") == 0 && listed(person_ids, b)) ||
		    (strcasecmp(a, "audit") == 0 && listed(audit_ids, b)) ||
		    other_id(a, b))
			return SQLITE_IGNORE;
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		return listed(bad_functions, b) ? refuse(x, "function", b) :
		    SQLITE_OK;
	case SQLITE_PRAGMA:
		if (!listed(read_pragmas, a) ||
		    (b != NULL && listed(noarg_pragmas, a)))
			return refuse(x, "pragma", a);
		return SQLITE_OK;
	case SQLITE_ATTACH:
		return refuse(x, "attach", NULL);
	case SQLITE_DETACH:
		return refuse(x, "detach", NULL);
	}
	return refuse(x, "a statement that is not a query",
	    action_name(action));
}

static void
pseudonym_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct thads_report_opts *o = sqlite3_user_data(ctx);
	const char *id;
	char buf[40];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	id = (const char *)sqlite3_value_text(argv[0]);
	thads_report_pseudonym(o->key, o->keylen, id ? id : "", buf,
	    sizeof(buf));
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/* Whether text s is a date YYYY-MM-DD. */
static int
is_date(const char *s)
{
	int d;

	return s != NULL && strlen(s) == 10 && rpt_day(s, &d) == 0;
}

/*
 * An output column name from a result column: letters, digits, '_',
 * '-' and '.' kept, each run of anything else one '_' and none at the
 * end ("count(*)" is "count", "avg(x + 1)" "avg_x_1"), "c" put before a
 * name that does not start with a letter or '_', so that every format
 * (xml too) takes it; "_2", "_3"... make it unique.
 */
static void
col_name(const struct rtab *t, const char *from, char *buf, size_t size)
{
	char base[100], *p, *q;
	size_t j;
	int k = 1, dup;

	if (from == NULL || *from == '\0')
		from = "column";
	/* A name must start with a letter or '_': "1" becomes "c1". */
	snprintf(base, sizeof(base), "%s%s", (*from >= 'a' && *from <= 'z') ||
	    (*from >= 'A' && *from <= 'Z') || *from == '_' ? "" : "c", from);
	for (p = q = base; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    *p == '.')
			*q++ = *p;
		else if (q > base && q[-1] != '_')
			*q++ = '_';
	}
	while (q > base + 1 && q[-1] == '_')
		q--;
	*q = '\0';
	if (base[0] == '\0' || strcmp(base, "_") == 0)
		snprintf(base, sizeof(base), "column");
	snprintf(buf, size, "%s", base);
	do {
		dup = 0;
		for (j = 0; j < t->ncols; j++)
			if (strcmp(t->cols[j].name, buf) == 0)
				dup = 1;
		if (dup)
			snprintf(buf, size, "%s_%d", base, ++k);
	} while (dup);
}

/* The output columns, their types from the first row when there is
 * one (st holds it when row is set). */
static int
columns(sqlite3_stmt *st, int row, struct rtab *t)
{
	int i, n = sqlite3_column_count(st), type;
	char name[128];

	if (n > RT_MAXCOLS)
		return -1;
	for (i = 0; i < n; i++) {
		col_name(t, sqlite3_column_name(st, i), name, sizeof(name));
		type = row ? sqlite3_column_type(st, i) : SQLITE_TEXT;
		rtab_col(t, name, type == SQLITE_INTEGER ? THADS_COL_INT :
		    type == SQLITE_FLOAT ? THADS_COL_REAL : type ==
		    SQLITE_TEXT && is_date(rpt_text(st, i)) ?
		    THADS_COL_DATE : THADS_COL_TEXT, R_TEXT);
	}
	return t->oom ? -1 : 0;
}

/* Prepare exactly one read-only statement. */
static int
prepare_one(struct thads_db *db, const char *sql, struct sqlctx *x,
    sqlite3_stmt **st, struct thads_err *err)
{
	sqlite3_stmt *more = NULL;
	const char *tail;
	int rc;

	rc = sqlite3_prepare_v2(db->h, sql, -1, st, &tail);
	if (rc != SQLITE_OK)
		return thads_seterr(err, THADS_EDATA, NULL, 0, "sql: %s%s%s",
		    x->refused[0] ? "refused: " : "", x->refused[0] ?
		    x->refused : sqlite3_errmsg(db->h), "");
	if (*st == NULL)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "sql: no statement given");
	if (sqlite3_prepare_v2(db->h, tail, -1, &more, NULL) != SQLITE_OK ||
	    more != NULL) {
		sqlite3_finalize(more);
		sqlite3_finalize(*st);
		*st = NULL;
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "sql: give one statement only");
	}
	if (!sqlite3_stmt_readonly(*st)) {
		sqlite3_finalize(*st);
		*st = NULL;
		return thads_seterr(err, THADS_EDATA, NULL, 0,
		    "sql: refused: the statement would write");
	}
	return 0;
}

static int
run(struct thads_db *db, sqlite3_stmt *st, const char *sql,
    const struct thads_report_opts *o, struct thads_out *out,
    struct thads_err *err)
{
	struct thads_table tab;
	struct thads_meta meta[2] = {
		{ "report", "sql" }, { "query", sql }
	};
	const char **vals = NULL;
	int rc, row, i, n = sqlite3_column_count(st);
	struct rtab t;

	(void)o;
	rtab_init(&t, "row", NULL);
	row = (rc = sqlite3_step(st)) == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		rc = thads_seterr(err, THADS_EDATA, NULL, 0, "sql: %s",
		    sqlite3_errmsg(db->h));
		goto out;
	}
	if (n == 0 || columns(st, row, &t) != 0 ||
	    (vals = calloc((size_t)n, sizeof(*vals))) == NULL) {
		rc = thads_seterr(err, n == 0 ? THADS_EUSAGE : THADS_ENOMEM,
		    NULL, 0, n == 0 ? "sql: the statement returns no "
		    "columns" : "sql: too many columns, or out of memory");
		goto out;
	}
	memset(&tab, 0, sizeof(tab));
	tab.name = "row";
	tab.cols = t.cols;
	tab.ncols = t.ncols;
	tab.meta = meta;
	tab.nmeta = 2;
	if ((rc = thads_out_next(out, &tab, err)) != 0)
		goto out;
	while (row) {
		for (i = 0; i < n; i++)
			vals[i] = rpt_text(st, i);
		if ((rc = thads_out_row(out, vals, err)) != 0)
			goto out;
		if ((rc = sqlite3_step(st)) != SQLITE_ROW &&
		    rc != SQLITE_DONE) {
			rc = thads_seterr(err, THADS_EDATA, NULL, 0,
			    "sql: %s", sqlite3_errmsg(db->h));
			goto out;
		}
		row = rc == SQLITE_ROW;
	}
	rc = 0;
out:
	free(vals);
	rtab_free(&t);
	return rc;
}

int
thads_report_sql(struct thads_db *db, const char *sql,
    const struct thads_report_opts *o, struct thads_out *out,
    struct thads_err *err)
{
	struct sqlctx x;
	sqlite3_stmt *st = NULL;
	int rc;

	memset(&x, 0, sizeof(x));
	x.o = o;
	if (o->key != NULL) {
		if (sqlite3_create_function(db->h, "pseudonym", 1,
		    SQLITE_UTF8 | SQLITE_DETERMINISTIC, (void *)o,
		    pseudonym_fn, NULL, NULL) != SQLITE_OK)
			return thads_db_fail(db, SQLITE_ERROR, err);
		if ((rc = thads_db_exec(db, pseudo_view_sql, err)) != 0)
			return rc;
	}
	sqlite3_set_authorizer(db->h, authorize, &x);
	if ((rc = prepare_one(db, sql, &x, &st, err)) == 0)
		rc = run(db, st, sql, o, out, err);
	sqlite3_finalize(st);
	sqlite3_set_authorizer(db->h, NULL, NULL);
	return rc;
}

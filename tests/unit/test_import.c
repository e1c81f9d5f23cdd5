/*
 * test_import.c: end-to-end tests of the importer (lib/import.h) and
 * the load driver (lib/load.h) on temporary databases: actions, keys,
 * statistics, re-admissions, conflicts, the audit trail, the admission
 * view, and all-or-nothing loads of small CSV files.
 *
 * Only the public headers are used, so that the tests hold whatever
 * the importer does inside.  Tests marked "known bug:" show a defect
 * in lib/ and are skipped so that the suite stays green; run with
 * THADS_KNOWN_BUGS=1 in the environment to see them fail.
 */
#define _GNU_SOURCE		/* nftw() */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "unit.h"

#include "thads.h"
#include "db.h"
#include "import.h"
#include "load.h"
#include "record.h"

#define TOOL "thads-test"
#define TODAY "2024-06-15"

#define KNOWN_BUG() do {						\
	if (getenv("THADS_KNOWN_BUGS") == NULL)				\
		skip();							\
} while (0)

static char tmpdir[] = "/tmp/thads-import-XXXXXX";

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rmone, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *
tpath(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void
writefile(const char *path, const char *data)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, strlen(data)),
	    (ssize_t)strlen(data));
	assert_int_equal(close(fd), 0);
}

/* The whole of a file (malloc'd). */
static char *
readfile(const char *path)
{
	char *buf;
	FILE *f;
	long n;

	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A fresh database in the temporary directory. */
static struct thads_db *
db_new(const char *name)
{
	struct thads_db *db = NULL;
	struct thads_err err;

	if (thads_db_open(tpath(name), 0, 1000, TOOL, &db, &err) != 0)
		fail_msg("cannot open %s: %s", name, err.msg);
	return db;
}

/* A database with a write transaction and an importer on it. */
struct fx {
	struct thads_db *db;
	struct thads_import *im;
};

static void
fx_open(struct fx *fx, const char *name)
{
	struct thads_err err;

	fx->db = db_new(name);
	if (thads_db_begin(fx->db, &err) != 0 ||
	    thads_import_new(fx->db, &fx->im, &err) != 0)
		fail_msg("cannot start: %s", err.msg);
}

static void
fx_close(struct fx *fx, int commit)
{
	struct thads_err err;

	thads_import_free(fx->im);
	if (commit && thads_db_commit(fx->db, &err) != 0)
		fail_msg("commit: %s", err.msg);
	thads_db_close(fx->db);
	fx->im = NULL;
	fx->db = NULL;
}

/*
 * Commit what was applied and start a new transaction for the same
 * importer.  The audit trail is only checked after a commit, since the
 * database layer may hold audit entries until then.
 */
static void
fx_checkpoint(struct fx *fx)
{
	struct thads_err err;

	if (thads_db_commit(fx->db, &err) != 0 ||
	    thads_db_begin(fx->db, &err) != 0)
		fail_msg("checkpoint: %s", err.msg);
}

/*
 * Fill r from "field=value" strings ended by NULL; "extra.NAME=value"
 * adds an extra value.  The record says it comes from in.csv line 7.
 */
static void
vmkrec(struct thads_rec *r, va_list ap)
{
	const char *s, *eq;
	char name[64];
	int f;

	memset(r, 0, sizeof(*r));
	r->file = "in.csv";
	r->line = 7;
	while ((s = va_arg(ap, const char *)) != NULL) {
		eq = strchr(s, '=');
		assert_non_null(eq);
		snprintf(name, sizeof(name), "%.*s", (int)(eq - s), s);
		if (strncmp(name, "extra.", 6) == 0) {
			assert_int_equal(thads_rec_extra(r, name + 6, eq + 1,
			    strlen(eq + 1)), 0);
			continue;
		}
		if ((f = thads_field_find(name)) < 0)
			fail_msg("no field '%s'", name);
		assert_int_equal(thads_rec_set(r, (enum thads_fid)f, eq + 1,
		    strlen(eq + 1)), 0);
	}
}

static void
mkrec(struct thads_rec *r, ...)
{
	va_list ap;

	va_start(ap, r);
	vmkrec(r, ap);
	va_end(ap);
}

static void
drop(struct thads_rec *r)
{
	thads_rec_clear(r);
	free(r->extra);
	memset(r, 0, sizeof(*r));
}

/* Validate and apply a record built from the arguments; expect rc. */
#define APPLY(fx, rc, ...) apply_rec(fx, rc, __VA_ARGS__, (char *)NULL)

static void
apply_rec(struct fx *fx, int want, ...)
{
	struct thads_rec r;
	struct thads_err err;
	va_list ap;
	int rc;

	va_start(ap, want);
	vmkrec(&r, ap);
	va_end(ap);

	if (thads_rec_validate(&r, TODAY, &err) != 0)
		fail_msg("record refused: %s", err.msg);
	thads_clearerr(&err);
	rc = thads_import_rec(fx->im, &r, &err);
	if (rc != want)
		fail_msg("import returned %d, not %d: %s", rc, want, err.msg);
	if (want == THADS_EDATA) {
		assert_string_equal(err.file, "in.csv");
		assert_int_equal(err.line, 7);
	}
	drop(&r);
}

/* The action on kind k, and its key when want_key is not NULL. */
static void
expect_act(struct fx *fx, enum thads_kind k, enum thads_action want,
    const char *want_key)
{
	const char *key = NULL;
	enum thads_action a = thads_import_action(fx->im, k, &key);

	if (a != want)
		fail_msg("%s: action %d, not %d", thads_kind_name(k), a,
		    want);
	if (want_key != NULL) {
		assert_non_null(key);
		assert_string_equal(key, want_key);
	}
}

static long long
qint(struct thads_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as text (malloc'd), NULL if
 * NULL. */
static char *
qtext(struct thads_db *db, const char *sql)
{
	const unsigned char *t;
	sqlite3_stmt *st;
	char *s;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	if (sqlite3_step(st) != SQLITE_ROW)
		fail_msg("no row: %s", sql);
	t = sqlite3_column_text(st, 0);
	s = t ? strdup((const char *)t) : NULL;
	sqlite3_finalize(st);
	return s;
}

/* Expect the first value of sql to be want (NULL for SQL NULL). */
static void
expect_text(struct thads_db *db, const char *sql, const char *want)
{
	char *s = qtext(db, sql);

	if (want == NULL && s != NULL)
		fail_msg("%s: '%s', not NULL", sql, s);
	if (want != NULL && (s == NULL || strcmp(s, want) != 0))
		fail_msg("%s: '%s', not '%s'", sql, s ? s : "NULL", want);
	free(s);
}

/* Row counts of every table, to compare before and after. */
struct counts {
	long long n[9];
};

static void
counts(struct thads_db *db, struct counts *c)
{
	static const char *const sql[9] = {
		"SELECT count(*) FROM person", "SELECT count(*) FROM facility",
		"SELECT count(*) FROM episode", "SELECT count(*) FROM judgment",
		"SELECT count(*) FROM detention_order",
		"SELECT count(*) FROM classification",
		"SELECT count(*) FROM reduction",
		"SELECT count(*) FROM violation", "SELECT count(*) FROM audit"
	};
	size_t i;

	for (i = 0; i < 9; i++)
		c->n[i] = qint(db, sql[i]);
}

static void
same_counts(const struct counts *a, const struct counts *b)
{
	size_t i;

	for (i = 0; i < 9; i++)
		if (a->n[i] != b->n[i])
			fail_msg("table %zu: %lld rows, was %lld", i, b->n[i],
			    a->n[i]);
}

static json_t *
jparse(const char *s)
{
	json_error_t je;
	json_t *j;

	if (s == NULL)
		fail_msg("no JSON");
	if ((j = json_loads(s, 0, &je)) == NULL)
		fail_msg("bad JSON '%s': %s", s, je.text);
	assert_true(json_is_object(j));
	return j;
}

/* Expect member key of the JSON object o to be the string want. */
static void
jhas(json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || !json_is_string(v))
		fail_msg("JSON lacks string '%s'", key);
	assert_string_equal(json_string_value(v), want);
}

/*
 * The old and new JSON of the last audit entry for tbl and action,
 * parsed (NULL for SQL NULL); the caller releases them.
 */
static void
last_audit(struct thads_db *db, const char *tbl, const char *action,
    json_t **old, json_t **new, char **key)
{
	char sql[256], *s;

	snprintf(sql, sizeof(sql), "SELECT old FROM audit WHERE tbl = '%s'"
	    " AND action = '%s' ORDER BY id DESC LIMIT 1", tbl, action);
	s = qtext(db, sql);
	*old = s ? jparse(s) : NULL;
	free(s);
	snprintf(sql, sizeof(sql), "SELECT new FROM audit WHERE tbl = '%s'"
	    " AND action = '%s' ORDER BY id DESC LIMIT 1", tbl, action);
	s = qtext(db, sql);
	*new = s ? jparse(s) : NULL;
	free(s);
	if (key != NULL) {
		snprintf(sql, sizeof(sql), "SELECT record_key FROM audit"
		    " WHERE tbl = '%s' AND action = '%s' ORDER BY id DESC"
		    " LIMIT 1", tbl, action);
		*key = qtext(db, sql);
	}
}

/* The person of most tests, with one custody episode. */
#define P1 "person.id=P1", "person.name=Nguyễn Văn An",		\
	"person.birth_date=1990-05-12", "person.sex=male",		\
	"person.national_id=001090000001"
#define EP1 "episode.facility=HN01", "episode.status=serving",		\
	"episode.admitted=2024-01-10 08:00"
#define EP1_KEY "P1/2024-01-10 08:00:00"

/* import-1.1: a new person with an episode inserts the person, the
 * facility and the episode, with their keys and the totals. */
static void
insert_new(void **state)
{
	const struct thads_import_stats *st;
	struct fx fx;

	(void)state;
	fx_open(&fx, "insert.db");
	APPLY(&fx, 0, P1, EP1);
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_INSERT, "P1");
	expect_act(&fx, THADS_K_FACILITY, THADS_ACT_INSERT, "HN01");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_INSERT, EP1_KEY);
	expect_act(&fx, THADS_K_JUDGMENT, THADS_ACT_NONE, NULL);
	expect_act(&fx, THADS_K_VIOLATION, THADS_ACT_NONE, NULL);

	st = thads_import_stats(fx.im);
	assert_int_equal(st->rows, 1);
	assert_int_equal(st->inserted, 1);
	assert_int_equal(st->updated, 0);
	assert_int_equal(st->unchanged, 0);
	assert_int_equal(st->readmitted, 0);
	assert_int_equal(st->probable, 0);
	assert_int_equal(st->kind_ins[THADS_K_PERSON], 1);
	assert_int_equal(st->kind_ins[THADS_K_FACILITY], 1);
	assert_int_equal(st->kind_ins[THADS_K_EPISODE], 1);
	assert_int_equal(st->kind_ins[THADS_K_JUDGMENT], 0);

	expect_text(fx.db, "SELECT ext_id || '|' || national_id || '|' ||"
	    " name || '|' || name_folded || '|' || birth_date || '|' || sex"
	    " FROM person", "P1|001090000001|Nguyễn Văn An|nguyen van an|"
	    "1990-05-12|male");
	expect_text(fx.db, "SELECT f.code || '|' || e.status || '|' ||"
	    " e.admitted || '|' || e.match FROM episode e JOIN facility f ON"
	    " f.id = e.facility_id JOIN person p ON p.id = e.person_id"
	    " WHERE p.ext_id = 'P1'", "HN01|serving|2024-01-10 08:00:00|new");
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person WHERE"
	    " created_at = updated_at AND"
	    " created_at LIKE '____-__-__T__:__:__Z'"), 1);
	fx_close(&fx, 1);
}

/* import-1.2: applying the same record again changes nothing. */
static void
reapply_same(void **state)
{
	const struct thads_import_stats *st;
	struct counts before, after;
	struct fx fx;
	enum thads_action a;

	(void)state;
	fx_open(&fx, "same.db");
	APPLY(&fx, 0, P1, EP1);
	counts(fx.db, &before);
	APPLY(&fx, 0, P1, EP1);
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_SAME, "P1");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_SAME, EP1_KEY);
	a = thads_import_action(fx.im, THADS_K_FACILITY, NULL);
	assert_true(a == THADS_ACT_NONE || a == THADS_ACT_SAME);
	counts(fx.db, &after);
	same_counts(&before, &after);

	st = thads_import_stats(fx.im);
	assert_int_equal(st->rows, 2);
	assert_int_equal(st->inserted, 1);
	assert_int_equal(st->updated, 0);
	assert_int_equal(st->unchanged, 1);
	assert_int_equal(st->kind_ins[THADS_K_EPISODE], 1);
	assert_int_equal(st->kind_upd[THADS_K_EPISODE], 0);
	fx_close(&fx, 1);
}

/* import-1.3: a changed field updates the row, and the audit trail
 * holds the old and new values of what changed, and only that. */
static void
update_changed(void **state)
{
	const struct thads_import_stats *st;
	json_t *old, *new, *v;
	struct fx fx;
	char *key;

	(void)state;
	fx_open(&fx, "update.db");
	APPLY(&fx, 0, P1, EP1);
	APPLY(&fx, 0, P1, EP1, "episode.released=2024-03-01T09:00",
	    "episode.release_reason=Transfer");
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_SAME, "P1");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_UPDATE, EP1_KEY);
	st = thads_import_stats(fx.im);
	assert_int_equal(st->updated, 1);
	assert_int_equal(st->kind_upd[THADS_K_EPISODE], 1);
	expect_text(fx.db, "SELECT released || '|' || release_reason FROM"
	    " episode", "2024-03-01 09:00:00|transfer");
	fx_checkpoint(&fx);

	last_audit(fx.db, "episode", "update", &old, &new, &key);
	assert_string_equal(key, EP1_KEY);
	jhas(new, "released", "2024-03-01 09:00:00");
	jhas(new, "release_reason", "transfer");
	assert_int_equal(json_object_size(new), 2);
	assert_non_null(old);
	v = json_object_get(old, "released");
	assert_true(v == NULL || json_is_null(v));
	assert_null(json_object_get(old, "status"));
	json_decref(old);
	json_decref(new);
	free(key);

	/* A person field, and a name whose search key changes with it. */
	APPLY(&fx, 0, "person.id=P1", "person.sex=female",
	    "person.name=Nguyễn Văn Anh");
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_UPDATE, "P1");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_NONE, NULL);
	fx_checkpoint(&fx);
	last_audit(fx.db, "person", "update", &old, &new, &key);
	assert_string_equal(key, "P1");
	jhas(old, "sex", "male");
	jhas(new, "sex", "female");
	jhas(old, "name", "Nguyễn Văn An");
	jhas(new, "name", "Nguyễn Văn Anh");
	jhas(old, "name_folded", "nguyen van an");
	jhas(new, "name_folded", "nguyen van anh");
	assert_null(json_object_get(new, "birth_date"));
	assert_null(json_object_get(new, "national_id"));
	json_decref(old);
	json_decref(new);
	free(key);
	expect_text(fx.db, "SELECT sex || '|' || name_folded FROM person",
	    "female|nguyen van anh");
	assert_int_equal(thads_import_stats(fx.im)->updated, 2);
	fx_close(&fx, 1);
}

/* import-1.4: a field absent from the record leaves the stored value
 * alone. */
static void
absent_keeps(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx, "absent.db");
	APPLY(&fx, 0, P1, EP1, "episode.custody_level=maximum",
	    "episode.released=2024-03-01", "episode.release_reason=transfer",
	    "person.aliases=An Nguyen");
	APPLY(&fx, 0, "person.id=P1", EP1);
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_SAME, "P1");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_SAME, EP1_KEY);
	APPLY(&fx, 0, "person.id=P1");
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_SAME, "P1");
	expect_text(fx.db, "SELECT national_id || '|' || name || '|' ||"
	    " birth_date || '|' || sex || '|' || aliases FROM person",
	    "001090000001|Nguyễn Văn An|1990-05-12|male|An Nguyen");
	expect_text(fx.db, "SELECT custody_level || '|' || released || '|' ||"
	    " release_reason FROM episode", "maximum|2024-03-01|transfer");
	assert_int_equal(thads_import_stats(fx.im)->unchanged, 2);
	fx_close(&fx, 1);
}

/* import-1.5: each insert is in the audit trail, with the tool, the
 * key and the inserted values as JSON. */
static void
audit_inserts(void **state)
{
	json_t *old, *new;
	struct fx fx;
	char *key;

	(void)state;
	fx_open(&fx, "audit.db");
	APPLY(&fx, 0, P1, EP1);
	fx_checkpoint(&fx);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit WHERE"
	    " action = 'insert'"), 3);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit WHERE"
	    " tool = '" TOOL "' AND os_user <> '' AND old IS NULL AND"
	    " at LIKE '____-__-__T__:__:__Z'"), 3);

	last_audit(fx.db, "person", "insert", &old, &new, &key);
	assert_null(old);
	assert_string_equal(key, "P1");
	jhas(new, "ext_id", "P1");
	jhas(new, "national_id", "001090000001");
	jhas(new, "name", "Nguyễn Văn An");
	jhas(new, "birth_date", "1990-05-12");
	jhas(new, "sex", "male");
	json_decref(new);
	free(key);

	last_audit(fx.db, "episode", "insert", &old, &new, &key);
	assert_null(old);
	assert_string_equal(key, EP1_KEY);
	jhas(new, "admitted", "2024-01-10 08:00:00");
	jhas(new, "status", "serving");
	json_decref(new);
	free(key);

	last_audit(fx.db, "facility", "insert", &old, &new, &key);
	assert_string_equal(key, "HN01");
	jhas(new, "code", "HN01");
	json_decref(new);
	free(key);

	/* The audit row ids point at the rows. */
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit a JOIN"
	    " person p ON a.tbl = 'person' AND a.row_id = p.id"), 1);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit a JOIN"
	    " episode e ON a.tbl = 'episode' AND a.row_id = e.id"), 1);

	/* Nothing is audited when nothing changes. */
	APPLY(&fx, 0, P1, EP1);
	fx_checkpoint(&fx);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit"), 3);
	fx_close(&fx, 1);
}

/* import-1.6: values that need escaping in JSON (quotes, backslashes,
 * control characters in extras) come back intact from the audit trail
 * and the episode's extra values. */
static void
json_escaping(void **state)
{
	json_t *old, *new;
	struct fx fx;
	char *s;

	(void)state;
	fx_open(&fx, "json.db");
	APPLY(&fx, 0, "person.id=P1", "person.name=Trần \"Tí\" \\ Văn",
	    EP1, "extra.note=line 1\nline 2\t\x01 \"q\" \\",
	    "extra.top_charge=PL 173");
	fx_checkpoint(&fx);
	last_audit(fx.db, "person", "insert", &old, &new, NULL);
	jhas(new, "name", "Trần \"Tí\" \\ Văn");
	json_decref(new);

	s = qtext(fx.db, "SELECT extra FROM episode");
	new = jparse(s);
	jhas(new, "note", "line 1\nline 2\t\x01 \"q\" \\");
	jhas(new, "top_charge", "PL 173");
	assert_int_equal(json_object_size(new), 2);
	json_decref(new);
	free(s);

	last_audit(fx.db, "episode", "insert", &old, &new, NULL);
	s = (char *)json_string_value(json_object_get(new, "extra"));
	assert_non_null(s);
	old = jparse(s);
	jhas(old, "note", "line 1\nline 2\t\x01 \"q\" \\");
	json_decref(old);
	json_decref(new);
	fx_close(&fx, 1);
}

/* import-2.1: a person found again by national ID gets a new episode:
 * a re-admission, not a probable one. */
static void
readmit_natid(void **state)
{
	const struct thads_import_stats *st;
	struct fx fx;

	(void)state;
	fx_open(&fx, "readmit1.db");
	APPLY(&fx, 0, P1, "episode.facility=HN01", "episode.status=serving",
	    "episode.admitted=2019-02-01", "episode.released=2020-02-01",
	    "episode.release_reason=sentence_served");
	assert_int_equal(thads_import_stats(fx.im)->readmitted, 0);
	APPLY(&fx, 0, "person.national_id=001090000001",
	    "episode.facility=HP02", "episode.status=pretrial_detention",
	    "episode.admitted=2023-05-01 14:00");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_INSERT, NULL);
	expect_act(&fx, THADS_K_FACILITY, THADS_ACT_INSERT, "HP02");
	st = thads_import_stats(fx.im);
	assert_int_equal(st->readmitted, 1);
	assert_int_equal(st->probable, 0);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person"), 1);
	expect_text(fx.db, "SELECT match FROM episode WHERE admitted ="
	    " '2023-05-01 14:00:00'", "national_id");
	expect_text(fx.db, "SELECT group_concat(prior_admissions, ',') FROM"
	    " (SELECT prior_admissions FROM admission ORDER BY admitted)",
	    "0,1");

	/* The same admission again is no new re-admission. */
	APPLY(&fx, 0, "person.national_id=001090000001",
	    "episode.facility=HP02", "episode.status=pretrial_detention",
	    "episode.admitted=2023-05-01 14:00");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_SAME, NULL);
	assert_int_equal(thads_import_stats(fx.im)->readmitted, 1);
	fx_close(&fx, 1);
}

/* import-2.2: a person found again by the folded name and the birth
 * date is a probable re-admission. */
static void
readmit_name_birth(void **state)
{
	const struct thads_import_stats *st;
	struct fx fx;

	(void)state;
	fx_open(&fx, "readmit2.db");
	APPLY(&fx, 0, "person.id=P7", "person.name=Đặng Văn Ân",
	    "person.birth_date=1985-03-04", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2018-01-01",
	    "episode.released=2019-01-01");
	APPLY(&fx, 0, "person.name=DANG VAN AN",
	    "person.birth_date=1985-03-04", "episode.facility=HN01",
	    "episode.status=temporary_custody",
	    "episode.admitted=2024-02-02 22:15");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_INSERT, NULL);
	st = thads_import_stats(fx.im);
	assert_int_equal(st->readmitted, 1);
	assert_int_equal(st->probable, 1);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person"), 1);
	expect_text(fx.db, "SELECT match FROM episode WHERE admitted ="
	    " '2024-02-02 22:15:00'", "name_birth");
	expect_text(fx.db, "SELECT prior_admissions FROM admission WHERE"
	    " admitted = '2024-02-02 22:15:00'", "1");

	/* Another birth date is another person. */
	APPLY(&fx, 0, "person.name=DANG VAN AN",
	    "person.birth_date=1985-03-05", "episode.facility=HN01",
	    "episode.status=temporary_custody", "episode.admitted=2024-02-03");
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_INSERT, NULL);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person"), 2);
	assert_int_equal(thads_import_stats(fx.im)->readmitted, 1);
	fx_close(&fx, 1);
}

/* import-2.3: when two stored persons share the name and birth date,
 * no guess is made: a new person is made. */
static void
ambiguous_name_birth(void **state)
{
	const struct thads_import_stats *st;
	struct fx fx;

	(void)state;
	fx_open(&fx, "ambiguous.db");
	APPLY(&fx, 0, "person.id=P8", "person.name=Lê Thị Hoa",
	    "person.birth_date=1992-09-02", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2020-01-01");
	/*
	 * Made by hand: through the importer the second dossier would be
	 * matched to the first on name and birth (see import-3.2).
	 */
	assert_int_equal(sqlite3_exec(fx.db->h, "INSERT INTO person (ext_id,"
	    " name, name_folded, birth_date, created_at, updated_at) VALUES"
	    " ('P9', 'LE THI HOA', 'le thi hoa', '1992-09-02', 'x', 'x')",
	    NULL, NULL, NULL), SQLITE_OK);
	APPLY(&fx, 0, "person.name=Le Thi Hoa", "person.birth_date=1992-09-02",
	    "episode.facility=HN01", "episode.status=serving",
	    "episode.admitted=2024-01-01");
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_INSERT, NULL);
	st = thads_import_stats(fx.im);
	assert_int_equal(st->readmitted, 0);
	assert_int_equal(st->probable, 0);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person"), 3);
	expect_text(fx.db, "SELECT match FROM episode WHERE admitted ="
	    " '2024-01-01'", "new");
	fx_close(&fx, 1);
}

/* import-2.4: a known person's later admission, found by dossier
 * number, is counted as a re-admission too, never as probable. */
static void
readmit_by_id(void **state)
{
	const struct thads_import_stats *st;
	struct fx fx;

	(void)state;
	fx_open(&fx, "readmit3.db");
	APPLY(&fx, 0, P1, "episode.facility=HN01", "episode.status=serving",
	    "episode.admitted=2019-02-01", "episode.released=2020-02-01");
	APPLY(&fx, 0, "person.id=P1", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2022-02-01");
	st = thads_import_stats(fx.im);
	assert_int_equal(st->readmitted, 1);
	assert_int_equal(st->probable, 0);
	expect_text(fx.db, "SELECT match FROM episode WHERE admitted ="
	    " '2022-02-01'", "id");
	fx_close(&fx, 1);
}

/* import-3.1: a dossier that claims a national ID stored for another
 * dossier is refused with THADS_EDATA, and nothing of the record is
 * written; the import goes on after it. */
static void
natid_conflict(void **state)
{
	const struct thads_import_stats *st;
	struct counts before, after;
	struct fx fx;

	(void)state;
	fx_open(&fx, "conflict.db");
	APPLY(&fx, 0, P1, EP1);
	APPLY(&fx, 0, "person.id=P2", "person.name=Phạm Thị Lan",
	    "person.birth_date=1995-01-01");
	fx_checkpoint(&fx);
	counts(fx.db, &before);
	APPLY(&fx, THADS_EDATA, "person.id=P2",
	    "person.national_id=001090000001", "person.sex=female",
	    "episode.facility=DN03", "episode.status=serving",
	    "episode.admitted=2024-02-01",
	    "judgment.number=9/2024", "judgment.date=2024-01-15",
	    "judgment.sentence_type=fixed_term", "judgment.term_years=2");
	fx_checkpoint(&fx);
	counts(fx.db, &after);
	same_counts(&before, &after);
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_NONE, NULL);
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_NONE, NULL);
	expect_text(fx.db, "SELECT national_id FROM person WHERE ext_id ="
	    " 'P2'", NULL);
	expect_text(fx.db, "SELECT sex FROM person WHERE ext_id = 'P2'", NULL);
	st = thads_import_stats(fx.im);
	assert_int_equal(st->rows, 2);
	assert_int_equal(st->inserted, 2);

	/* The transaction is still good: more records, then commit. */
	APPLY(&fx, 0, "person.id=P2", "episode.facility=DN03",
	    "episode.status=serving", "episode.admitted=2024-02-01");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_INSERT, "P2/2024-02-01");
	expect_act(&fx, THADS_K_FACILITY, THADS_ACT_INSERT, "DN03");
	fx_close(&fx, 1);

	fx.db = db_new("conflict.db");
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM episode"), 2);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM facility WHERE"
	    " code = 'DN03'"), 1);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM judgment"), 0);
	thads_db_close(fx.db);
}

/*
 * import-3.2: a record with a dossier number that is not stored and the
 * national ID of another dossier is refused (THADS_EDATA, nothing
 * written), as in import-3.1: it must not be filed under the other
 * person with its own dossier number dropped.
 */
static void
natid_conflict_new_id(void **state)
{
	struct counts before, after;
	struct fx fx;

	(void)state;
	fx_open(&fx, "conflict2.db");
	APPLY(&fx, 0, P1, EP1);
	fx_checkpoint(&fx);
	counts(fx.db, &before);
	APPLY(&fx, THADS_EDATA, "person.id=P3",
	    "person.national_id=001090000001", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2024-02-01");
	fx_checkpoint(&fx);
	counts(fx.db, &after);
	same_counts(&before, &after);
	fx_close(&fx, 0);
}

/*
 * import-3.3: a record for dossier P9 (not stored) with the name and
 * birth date of dossier P8 is not filed under P8: P9 stays findable by
 * its own dossier number.
 */
static void
name_birth_other_id(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx, "conflict4.db");
	APPLY(&fx, 0, "person.id=P8", "person.name=Lê Thị Hoa",
	    "person.birth_date=1992-09-02", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2020-01-01");
	APPLY(&fx, 0, "person.id=P9", "person.name=LE THI HOA",
	    "person.birth_date=1992-09-02", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2020-02-01");
	APPLY(&fx, 0, "person.id=P9", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2020-02-01",
	    "episode.released=2020-06-01");
	expect_act(&fx, THADS_K_PERSON, THADS_ACT_SAME, "P9");
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_UPDATE, "P9/2020-02-01");
	fx_close(&fx, 0);
}

/*
 * import-3.4: a record whose national ID differs from the stored
 * person's is not matched on the folded name and birth date (two people
 * with one name and birth date are common): a second person, the first
 * left alone.
 */
static void
name_birth_other_natid(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx, "conflict3.db");
	APPLY(&fx, 0, P1, EP1);
	APPLY(&fx, 0, "person.name=NGUYEN VAN AN",
	    "person.birth_date=1990-05-12",
	    "person.national_id=079090000002", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2024-02-01");
	expect_text(fx.db, "SELECT national_id FROM person WHERE ext_id ="
	    " 'P1'", "001090000001");
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person"), 2);
	assert_int_equal(thads_import_stats(fx.im)->probable, 0);
	fx_close(&fx, 0);
}

/* import-3.5: a value that is not UTF-8 (possible when the record does
 * not come from a reader that checks) is refused as bad data, not as
 * a failure that ends the run. */
static void
bad_utf8(void **state)
{
	struct counts before, after;
	struct thads_rec r;
	struct thads_err err;
	struct fx fx;
	int rc;

	(void)state;
	fx_open(&fx, "utf8.db");
	APPLY(&fx, 0, P1, EP1);
	counts(fx.db, &before);
	mkrec(&r, "person.id=P4", "person.name=Nguy\xff\xfen",
	    (char *)NULL);
	rc = thads_import_rec(fx.im, &r, &err);
	drop(&r);
	counts(fx.db, &after);
	same_counts(&before, &after);
	if (rc != THADS_EDATA)
		fail_msg("non-UTF-8 name: %d (%s), not THADS_EDATA", rc,
		    err.msg);
	assert_string_equal(err.file, "in.csv");
	assert_int_equal(err.line, 7);
	fx_close(&fx, 0);
}

/* import-4.1: the admission view counts earlier admissions of the same
 * person, and leaves out soft-deleted episodes. */
static void
admission_view(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx, "view.db");
	APPLY(&fx, 0, P1, "episode.facility=HN01", "episode.status=serving",
	    "episode.admitted=2021-03-01", "episode.released=2021-09-01");
	APPLY(&fx, 0, "person.id=P1", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2019-03-01",
	    "episode.released=2019-09-01");
	APPLY(&fx, 0, "person.id=P1", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2023-03-01");
	APPLY(&fx, 0, "person.id=P2", "episode.facility=HN01",
	    "episode.status=serving", "episode.admitted=2020-03-01");
	expect_text(fx.db, "SELECT group_concat(prior_admissions, ',') FROM"
	    " (SELECT prior_admissions FROM admission a JOIN person p ON"
	    " p.id = a.person_id WHERE p.ext_id = 'P1' ORDER BY admitted)",
	    "0,1,2");
	expect_text(fx.db, "SELECT prior_admissions FROM admission a JOIN"
	    " person p ON p.id = a.person_id WHERE p.ext_id = 'P2'", "0");
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM admission"), 4);

	assert_int_equal(sqlite3_exec(fx.db->h, "UPDATE episode SET"
	    " deleted_at = 'x' WHERE admitted = '2021-03-01'", NULL, NULL,
	    NULL), SQLITE_OK);
	expect_text(fx.db, "SELECT group_concat(prior_admissions, ',') FROM"
	    " (SELECT prior_admissions FROM admission a JOIN person p ON"
	    " p.id = a.person_id WHERE p.ext_id = 'P1' ORDER BY admitted)",
	    "0,1");
	fx_close(&fx, 1);
}

/* import-5.1: every kind a record can carry is inserted under its
 * person, with its natural key; the episode serves the judgment. */
static void
all_kinds(void **state)
{
	const struct thads_import_stats *st;
	struct fx fx;
	int k;

	(void)state;
	fx_open(&fx, "kinds.db");
	APPLY(&fx, 0, P1, EP1, "facility.name=Trại tạm giam Hà Nội",
	    "facility.kind=detention_centre",
	    "judgment.number=12/2023/HS-ST", "judgment.date=2023-12-01",
	    "judgment.sentence_type=fixed_term", "judgment.term_years=3",
	    "judgment.court=TAND Hà Nội",
	    "detention_order.start=2023-10-01",
	    "detention_order.end=2023-12-31",
	    "classification.period=quarter",
	    "classification.period_end=2024-05-25",
	    "classification.result=good", "reduction.date=2024-04-30",
	    "reduction.months=3", "violation.date=2024-06-01",
	    "violation.kind=curfew");
	expect_act(&fx, THADS_K_FACILITY, THADS_ACT_INSERT, "HN01");
	expect_act(&fx, THADS_K_JUDGMENT, THADS_ACT_INSERT,
	    "P1/12/2023/HS-ST");
	expect_act(&fx, THADS_K_ORDER, THADS_ACT_INSERT, "P1/2023-10-01");
	expect_act(&fx, THADS_K_CLASSIF, THADS_ACT_INSERT,
	    "P1/quarter/2024-05-25");
	expect_act(&fx, THADS_K_REDUCTION, THADS_ACT_INSERT, "P1/2024-04-30");
	expect_act(&fx, THADS_K_VIOLATION, THADS_ACT_INSERT,
	    "P1/2024-06-01/curfew");
	st = thads_import_stats(fx.im);
	for (k = 0; k < THADS_K_COUNT; k++)
		assert_int_equal(st->kind_ins[k], 1);
	assert_int_equal(st->inserted, 1);
	expect_text(fx.db, "SELECT judgment_number FROM episode",
	    "12/2023/HS-ST");
	expect_text(fx.db, "SELECT name || '|' || kind FROM facility",
	    "Trại tạm giam Hà Nội|detention_centre");
	expect_text(fx.db, "SELECT term_years || '|' || typeof(term_years)"
	    " FROM judgment", "3|integer");
	fx_checkpoint(&fx);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit WHERE"
	    " action = 'insert'"), 8);

	/* A changed facility name updates the facility. */
	APPLY(&fx, 0, "person.id=P1", "facility.code=HN01",
	    "facility.name=Trại tạm giam số 1 Hà Nội");
	expect_act(&fx, THADS_K_FACILITY, THADS_ACT_UPDATE, "HN01");
	expect_text(fx.db, "SELECT name FROM facility",
	    "Trại tạm giam số 1 Hà Nội");
	fx_close(&fx, 1);
}

/* import-6.1: the caller's transaction decides: a rollback leaves
 * nothing, a commit keeps everything. */
static void
transaction(void **state)
{
	struct thads_db *db;
	struct fx fx;

	(void)state;
	fx_open(&fx, "tx.db");
	APPLY(&fx, 0, P1, EP1);
	fx_close(&fx, 0);
	db = db_new("tx.db");
	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 0);
	thads_db_close(db);

	fx_open(&fx, "tx.db");
	APPLY(&fx, 0, P1, EP1);
	fx_close(&fx, 1);
	db = db_new("tx.db");
	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM episode"), 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 3);
	thads_db_close(db);
	thads_import_free(NULL);
}

/*
 * import-6.2: the audit trail of many records in one transaction is
 * complete and in order after the commit, and a rollback drops all of
 * it.
 */
static void
many_records(void **state)
{
	struct thads_rec r;
	struct thads_err err;
	struct fx fx;
	char id[16];
	int i;

	(void)state;
	fx_open(&fx, "many.db");
	for (i = 0; i < 150; i++) {
		snprintf(id, sizeof(id), "person.id=Q%d", i);
		mkrec(&r, id, (char *)NULL);
		if (thads_import_rec(fx.im, &r, &err) != 0)
			fail_msg("record %d: %s", i, err.msg);
		drop(&r);
	}
	fx_checkpoint(&fx);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit"), 150);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit a JOIN"
	    " person p ON a.row_id = p.id AND a.record_key = p.ext_id"), 150);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit a JOIN"
	    " audit b ON b.id = a.id + 1 WHERE b.row_id <> a.row_id + 1"), 0);

	for (i = 150; i < 250; i++) {
		snprintf(id, sizeof(id), "person.id=Q%d", i);
		mkrec(&r, id, (char *)NULL);
		assert_int_equal(thads_import_rec(fx.im, &r, &err), 0);
		drop(&r);
	}
	assert_int_equal(thads_db_rollback(fx.db), 0);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM audit"), 150);
	assert_int_equal(qint(fx.db, "SELECT count(*) FROM person"), 150);
	thads_import_free(fx.im);
	thads_db_close(fx.db);
}

/*
 * import-6.3: an importer used again after its transaction was rolled
 * back (the caller owns the transaction) does not take a rolled-back
 * facility's row id from its cache.
 */
static void
reuse_after_rollback(void **state)
{
	struct thads_err err;
	struct fx fx;

	(void)state;
	fx_open(&fx, "reuse.db");
	APPLY(&fx, 0, P1, EP1);
	assert_int_equal(thads_db_rollback(fx.db), 0);
	assert_int_equal(thads_db_begin(fx.db, &err), 0);
	APPLY(&fx, 0, P1, EP1);
	expect_act(&fx, THADS_K_EPISODE, THADS_ACT_INSERT, EP1_KEY);
	fx_close(&fx, 1);
}

/* What the load callbacks saw. */
struct seen {
	int	 bad;
	int	 applied;
	char	 file[4][256];
	long	 line[4];
	char	 msg[4][512];
};

static void
on_bad(const struct thads_err *err, void *ctx)
{
	struct seen *s = ctx;

	if (s->bad < 4) {
		snprintf(s->file[s->bad], sizeof(s->file[0]), "%s", err->file);
		s->line[s->bad] = err->line;
		snprintf(s->msg[s->bad], sizeof(s->msg[0]), "%s", err->msg);
	}
	s->bad++;
}

static void
on_applied(const struct thads_import *im, const struct thads_rec *r,
    void *ctx)
{
	struct seen *s = ctx;

	(void)im;
	(void)r;
	s->applied++;
}

static void
load_opts(struct thads_load_opts *o, struct seen *s)
{
	memset(o, 0, sizeof(*o));
	memset(s, 0, sizeof(*s));
	o->today = TODAY;
	o->bad = on_bad;
	o->applied = on_applied;
	o->ctx = s;
}

#define HEADER "person.id,person.name,person.birth_date,person.national_id," \
	"episode.facility,episode.status,episode.admitted\n"

static const char good_csv[] = HEADER
    "P1,Nguyễn Văn An,1990-05-12,001090000001,HN01,serving,"
    "2024-01-10 08:00\n"
    "P2,Lê Văn Bình,1988-11-30,,HN01,pretrial-detention,2024-02-01\n"
    "P3,Trần Thị Cúc,1979-01-01,,HP02,Serving,2024-03-05T10:00\n";

static const char bad_csv[] = HEADER
    "P4,Phạm Văn Dũng,1991-07-07,,HN01,serving,2024-01-02\n"
    "P5,Hoàng Văn Em,1990-02-30,,HN01,serving,2024-01-03\n"
    "P6,Vũ Thị Phương,1993-03-03,,HN01,serving,2024-01-04\n";

/* load-1.1: a good file is loaded whole and committed. */
static void
load_good(void **state)
{
	const struct thads_import_stats *st;
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct seen s;

	(void)state;
	writefile(tpath("good.csv"), good_csv);
	db = db_new("load1.db");
	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("good.csv"), &err), 0);
	assert_int_equal(thads_load_read(l), 3);
	assert_int_equal(thads_load_rejected(l), 0);
	st = thads_load_stats(l);
	assert_int_equal(st->rows, 3);
	assert_int_equal(st->inserted, 3);
	assert_int_equal(st->kind_ins[THADS_K_FACILITY], 2);
	assert_int_equal(s.applied, 3);
	assert_int_equal(s.bad, 0);
	assert_int_equal(thads_load_end(l, 1, &err), 0);
	assert_int_equal(db->intx, 0);

	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 3);
	assert_int_equal(qint(db, "SELECT count(*) FROM episode"), 3);
	expect_text(db, "SELECT status || '|' || admitted FROM episode e"
	    " JOIN person p ON p.id = e.person_id WHERE p.ext_id = 'P2'",
	    "pretrial_detention|2024-02-01");
	expect_text(db, "SELECT admitted FROM episode e JOIN person p ON"
	    " p.id = e.person_id WHERE p.ext_id = 'P3'",
	    "2024-03-05 10:00:00");
	expect_text(db, "SELECT national_id FROM person WHERE ext_id = 'P2'",
	    NULL);
	thads_db_close(db);
}

/* load-1.2: one bad row: it is reported once with its file and line,
 * counted, and a load ended without commit leaves the database as it
 * was. */
static void
load_all_or_nothing(void **state)
{
	struct thads_load_opts o;
	struct counts before, after;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct seen s;

	(void)state;
	writefile(tpath("good2.csv"), good_csv);
	writefile(tpath("bad.csv"), bad_csv);
	db = db_new("load2.db");
	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("good2.csv"), &err), 0);
	assert_int_equal(thads_load_end(l, 1, &err), 0);
	counts(db, &before);

	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("bad.csv"), &err), 0);
	assert_int_equal(thads_load_read(l), 3);
	assert_int_equal(thads_load_rejected(l), 1);
	assert_int_equal(s.bad, 1);
	assert_int_equal(s.applied, 2);
	assert_string_equal(s.file[0], tpath("bad.csv"));
	assert_int_equal(s.line[0], 3);
	assert_string_equal(s.msg[0], "person.birth_date: '1990-02-30' is not "
	    "a real date (YYYY-MM-DD, 1900 to 2100)");
	assert_int_equal(thads_load_stats(l)->inserted, 2);
	assert_int_equal(thads_load_end(l, 0, &err), 0);
	assert_int_equal(db->intx, 0);
	counts(db, &after);
	same_counts(&before, &after);
	assert_int_equal(qint(db, "SELECT count(*) FROM person WHERE ext_id"
	    " IN ('P4', 'P5', 'P6')"), 0);
	thads_db_close(db);
}

/* load-1.3: with a rejects file, the bad rows go there under the
 * file's header with a reason column, and the good rows are kept. */
static void
load_rejects(void **state)
{
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct stat sb;
	struct seen s;
	char *got;

	(void)state;
	writefile(tpath("bad3.csv"), bad_csv);
	db = db_new("load3.db");
	load_opts(&o, &s);
	o.rejects = tpath("rejects.csv");
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("bad3.csv"), &err), 0);
	assert_int_equal(thads_load_rejected(l), 1);
	assert_int_equal(thads_load_end(l, 1, &err), 0);

	got = readfile(tpath("rejects.csv"));
	assert_string_equal(got, "person.id,person.name,person.birth_date,"
	    "person.national_id,episode.facility,episode.status,"
	    "episode.admitted,reason\n"
	    "P5,Hoàng Văn Em,1990-02-30,,HN01,serving,2024-01-03,"
	    "\"person.birth_date: '1990-02-30' is not a real date "
	    "(YYYY-MM-DD, 1900 to 2100)\"\n");
	free(got);
	assert_int_equal(stat(tpath("rejects.csv"), &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 2);
	assert_int_equal(qint(db, "SELECT count(*) FROM person WHERE"
	    " ext_id = 'P5'"), 0);

	/* An existing rejects file is not replaced without
	 * THADS_WR_FORCE. */
	load_opts(&o, &s);
	o.rejects = tpath("rejects.csv");
	assert_true(thads_load_begin(db, &o, &l, &err) < 0);
	assert_int_equal(db->intx, 0);
	thads_db_close(db);
}

/* load-1.4: every bad row of every file is reported with its own file
 * and line: bad values, dates after today, conflicts with stored
 * records. */
static void
load_many_bad(void **state)
{
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct seen s;

	(void)state;
	writefile(tpath("a.csv"), HEADER
	    "P1,Nguyễn Văn An,1990-05-12,001090000001,HN01,serving,"
	    "2024-01-10\n"
	    "P2,Lê Văn Bình,1988-11-30,,HN01,serving,2024-06-16\n"
	    "P3,Trần Thị Cúc,1979-01-01,,HN01,serving,2024-03-05\n");
	writefile(tpath("b.csv"), HEADER
	    "\n"
	    "P3,Trần Thị Cúc,1979-01-01,001090000001,HN01,serving,"
	    "2024-03-05\n"
	    "P9,Đỗ Văn Giang,1970-01-01,,HN 01,serving,2024-03-05\n");
	db = db_new("load4.db");
	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("a.csv"), &err), 0);
	assert_int_equal(thads_load_file(l, tpath("b.csv"), &err), 0);
	assert_int_equal(thads_load_read(l), 5);
	assert_int_equal(thads_load_rejected(l), 3);
	assert_int_equal(s.bad, 3);
	assert_int_equal(s.applied, 2);

	assert_string_equal(s.file[0], tpath("a.csv"));
	assert_int_equal(s.line[0], 3);
	assert_non_null(strstr(s.msg[0], "episode.admitted: in the future"));
	assert_string_equal(s.file[1], tpath("b.csv"));
	assert_int_equal(s.line[1], 3);
	assert_non_null(strstr(s.msg[1], "national_id"));
	assert_string_equal(s.file[2], tpath("b.csv"));
	assert_int_equal(s.line[2], 4);
	assert_non_null(strstr(s.msg[2], "episode.facility: 'HN 01'"));
	assert_int_equal(thads_load_end(l, 1, &err), 0);

	/* The conflicting row left P3 as it was. */
	expect_text(db, "SELECT national_id FROM person WHERE ext_id = 'P3'",
	    NULL);
	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 2);
	thads_db_close(db);
}

/* Start a load on db of path; expect the file to stop it with code. */
static void
load_stop(struct thads_db *db, const char *path, int code, long line,
    const char *part)
{
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct seen s;

	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("good5.csv"), &err), 0);
	thads_clearerr(&err);
	assert_int_equal(thads_load_file(l, path, &err), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	if (strstr(err.msg, part) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, part);
	assert_int_equal(s.bad, 0);
	assert_int_equal(thads_load_end(l, 0, &err), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 0);
}

/* load-1.5: a file that cannot be read, is empty, or whose header
 * names an unknown column stops the load with an error; a file of a
 * header only has no rows. */
static void
load_stops(void **state)
{
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct seen s;

	(void)state;
	writefile(tpath("unknown.csv"), "person.id,person.shoe_size\nP1,44\n");
	writefile(tpath("empty.csv"), "");
	writefile(tpath("header.csv"), HEADER);
	writefile(tpath("good5.csv"), good_csv);
	db = db_new("load5.db");
	load_stop(db, tpath("missing.csv"), THADS_ENOINPUT, 0, "");
	load_stop(db, tpath("unknown.csv"), THADS_EDATA, 1,
	    "person.shoe_size");
	load_stop(db, tpath("empty.csv"), THADS_EDATA, 1, "empty");

	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	assert_int_equal(thads_load_file(l, tpath("header.csv"), &err), 0);
	assert_int_equal(thads_load_read(l), 0);
	assert_int_equal(thads_load_end(l, 1, &err), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM person"), 0);
	thads_db_close(db);
}

/* load-1.6: a load cannot start while another writer holds the
 * database: THADS_EBUSY. */
static void
load_busy(void **state)
{
	struct thads_load_opts o;
	struct thads_load *l = NULL;
	struct thads_db *a, *b;
	struct thads_err err;
	struct seen s;

	(void)state;
	a = db_new("load6.db");
	assert_int_equal(thads_db_open(tpath("load6.db"), 0, 50, TOOL, &b,
	    &err), 0);
	assert_int_equal(thads_db_begin(a, &err), 0);
	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(b, &o, &l, &err), THADS_EBUSY);
	assert_int_equal(thads_db_rollback(a), 0);
	thads_db_close(a);
	thads_db_close(b);
}

/* load-1.7: TSV is chosen by the file name; extra columns are kept
 * with the episode. */
static void
load_tsv_extra(void **state)
{
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct seen s;
	json_t *j;
	char *x;

	(void)state;
	writefile(tpath("in.tsv"), "person.id\tepisode.facility\t"
	    "episode.status\tepisode.admitted\textra.top_charge\n"
	    "P1\tHN01\tserving\t2024-01-10\tPL 173, khoản 2\n");
	db = db_new("load7.db");
	load_opts(&o, &s);
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	if (thads_load_file(l, tpath("in.tsv"), &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(thads_load_rejected(l), 0);
	assert_int_equal(thads_load_end(l, 1, &err), 0);
	x = qtext(db, "SELECT extra FROM episode");
	j = jparse(x);
	jhas(j, "top_charge", "PL 173, khoản 2");
	json_decref(j);
	free(x);
	thads_db_close(db);
}

static const char one_csv[] = "person.id,person.birth_date\n"
    "R1,1990-02-30\n";
static const char two_csv[] = "person.id,person.sex\n"
    "R2,alien\n";
static const char two_rejects[] = "person.id,person.birth_date,reason\n"
    "R1,1990-02-30,\"person.birth_date: '1990-02-30' is not a real date "
    "(YYYY-MM-DD, 1900 to 2100)\"\n"
    "person.id,person.sex,reason\n"
    "R2,alien,\"person.sex: 'alien' is not one of male, female, unknown\"\n";

/* Load one.csv then two.csv with rejects, passing each name through
 * path (a buffer of 512 bytes); return the rejects file. */
static char *
load_two(const char *dbname, char *p1, char *p2)
{
	struct thads_load_opts o;
	struct thads_load *l;
	struct thads_err err;
	struct thads_db *db;
	struct seen s;

	writefile(tpath("one.csv"), one_csv);
	writefile(tpath("two.csv"), two_csv);
	unlink(tpath("rejects2.csv"));
	db = db_new(dbname);
	load_opts(&o, &s);
	o.rejects = tpath("rejects2.csv");
	assert_int_equal(thads_load_begin(db, &o, &l, &err), 0);
	snprintf(p1, 512, "%s", tpath("one.csv"));
	assert_int_equal(thads_load_file(l, p1, &err), 0);
	snprintf(p2, 512, "%s", tpath("two.csv"));
	assert_int_equal(thads_load_file(l, p2, &err), 0);
	assert_int_equal(thads_load_rejected(l), 2);
	assert_int_equal(s.bad, 2);
	/* The rejects file is put in place only when the load commits. */
	assert_int_equal(thads_load_end(l, 1, &err), 0);
	thads_db_close(db);
	return readfile(tpath("rejects2.csv"));
}

/*
 * load-1.8: rejects from files with different headers: each file's
 * header is written before its first bad row, whatever the addresses of
 * the files' names (the reader's copy is freed with the reader).
 */
static void
load_rejects_two_files(void **state)
{
	char a[512], b[512], *got;

	(void)state;
	got = load_two("load8.db", a, b);
	assert_string_equal(got, two_rejects);
	free(got);
}

/*
 * load-1.9: the same when the caller passes the two names through one
 * buffer.
 */
static void
load_rejects_same_buffer(void **state)
{
	char a[512], *got;

	(void)state;
	got = load_two("load9.db", a, a);
	assert_string_equal(got, two_rejects);
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(insert_new),
		cmocka_unit_test(reapply_same),
		cmocka_unit_test(update_changed),
		cmocka_unit_test(absent_keeps),
		cmocka_unit_test(audit_inserts),
		cmocka_unit_test(json_escaping),
		cmocka_unit_test(readmit_natid),
		cmocka_unit_test(readmit_name_birth),
		cmocka_unit_test(ambiguous_name_birth),
		cmocka_unit_test(readmit_by_id),
		cmocka_unit_test(natid_conflict),
		cmocka_unit_test(natid_conflict_new_id),
		cmocka_unit_test(name_birth_other_id),
		cmocka_unit_test(name_birth_other_natid),
		cmocka_unit_test(bad_utf8),
		cmocka_unit_test(admission_view),
		cmocka_unit_test(all_kinds),
		cmocka_unit_test(transaction),
		cmocka_unit_test(many_records),
		cmocka_unit_test(reuse_after_rollback),
		cmocka_unit_test(load_good),
		cmocka_unit_test(load_all_or_nothing),
		cmocka_unit_test(load_rejects),
		cmocka_unit_test(load_many_bad),
		cmocka_unit_test(load_stops),
		cmocka_unit_test(load_busy),
		cmocka_unit_test(load_tsv_extra),
		cmocka_unit_test(load_rejects_two_files),
		cmocka_unit_test(load_rejects_same_buffer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

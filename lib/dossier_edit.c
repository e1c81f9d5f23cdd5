/*
 * dossier_edit.c: changing a dossier by hand (thads-record set and
 * delete).  A change is validated by thads_rec_validate() and written by
 * the import engine, exactly as thads-import does, in one transaction
 * that starts with the write lock (BEGIN IMMEDIATE): the current values
 * are read under that lock, so two officers changing one dossier at the
 * same time are served one after the other and neither change is lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "import.h"
#include "xml.h"
#include "zio.h"

/* The person columns and their fields, to start a record from. */
static const char person_sql[] =
    "SELECT ext_id, national_id, name, aliases, birth_date, age, age_on,"
    " sex, nationality, ethnicity, race, iris_ref, dna_ref, photo_ref"
    " FROM person WHERE id = ?1";
static const int person_fields[] = {
	F_PERSON_ID, F_PERSON_NATID, F_PERSON_NAME, F_PERSON_ALIASES,
	F_PERSON_BIRTH, F_PERSON_AGE, F_PERSON_AGE_ON, F_PERSON_SEX,
	F_PERSON_NATIONALITY, F_PERSON_ETHNICITY, F_PERSON_RACE,
	F_PERSON_IRIS, F_PERSON_DNA, F_PERSON_PHOTO,
};

/* Fill r with the person's current values. */
static int
load_person(struct thads_db *db, long long pid, struct thads_rec *r,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	const char *v;
	size_t i;
	int rc;

	if ((rc = thads_db_prepare(db, person_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	rc = sqlite3_step(st);
	for (i = 0; rc == SQLITE_ROW && i < sizeof(person_fields) /
	    sizeof(person_fields[0]); i++)
		if ((v = (const char *)sqlite3_column_text(st, (int)i)) &&
		    thads_rec_set(r, person_fields[i], v, strlen(v)) != 0) {
			sqlite3_finalize(st);
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : thads_db_fail(db, rc, err);
}

/*
 * Apply "field=value" (a person field may be named without "person.").
 * A person's dossier number cannot change: it is what names the dossier.
 */
static int
assign(struct thads_rec *r, const char *a, struct thads_err *err)
{
	const char *eq = strchr(a, '=');
	char name[128];
	int f;

	if (eq == NULL || eq == a || (size_t)(eq - a) >= sizeof(name) - 8)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "not field=value: '%s'", a);
	snprintf(name, sizeof(name), "%s%.*s", memchr(a, '.', (size_t)(eq -
	    a)) ? "" : "person.", (int)(eq - a), a);
	if ((f = thads_field_find(name)) < 0)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "unknown field '%s'", name);
	if (f == F_PERSON_ID)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "the dossier number cannot be changed");
	if (eq[1] == '\0')
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "an empty value for '%s' (a value cannot be cleared here)",
		    name);
	return thads_rec_set(r, f, eq + 1, strlen(eq + 1)) == 0 ? 0 :
	    thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
}

static int
apply(struct thads_db *db, struct thads_rec *r, const char *reason,
    int *changed, struct thads_err *err)
{
	struct thads_import *im;
	const struct thads_import_stats *s;
	char today[16];
	int rc;

	thads_today(today, sizeof(today));
	if ((rc = thads_rec_validate(r, today, err)) != 0)
		return rc;
	if ((rc = thads_import_new(db, &im, err)) != 0)
		return rc;
	thads_import_set_reason(im, reason);
	rc = thads_import_rec(im, r, err);
	s = thads_import_stats(im);
	*changed = s->inserted + s->updated > 0;
	thads_import_free(im);
	return rc;
}

int
thads_dossier_set(struct thads_db *db, const char *id, char *const *as,
    int n, const char *reason, int *changed, struct thads_err *err)
{
	struct thads_rec r;
	long long pid;
	int i, rc;

	memset(&r, 0, sizeof(r));
	r.file = "command line";
	*changed = 0;
	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	rc = thads_dossier_resolve(db, id, &pid, err);
	if (rc == 0)
		rc = load_person(db, pid, &r, err);
	for (i = 0; rc == 0 && i < n; i++)
		rc = assign(&r, as[i], err);
	if (rc == 0)
		rc = apply(db, &r, reason, changed, err);
	if (rc == 0)
		rc = thads_db_commit(db, err);
	if (rc != 0)
		thads_db_rollback(db);
	thads_rec_clear(&r);
	free(r.extra);
	return rc;
}

/* ---- delete ---- */

static const char *const kids[] = {
	"judgment", "episode", "detention_order", "classification",
	"reduction", "violation",
};

static const char person_json_sql[] =
    "SELECT ext_id, json_object('ext_id', ext_id, 'national_id',"
    " national_id, 'name', name, 'birth_date', birth_date, 'deleted_at',"
    " deleted_at) FROM person WHERE id = ?1";

static int
one(struct thads_db *db, const char *sql, long long pid, const char *now,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	if (now != NULL)
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

/* Soft delete: the person and the live rows under it get deleted_at. */
static int
soft(struct thads_db *db, long long pid, const char *now,
    struct thads_err *err)
{
	char sql[160];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		snprintf(sql, sizeof(sql), "UPDATE %s SET deleted_at = ?2,"
		    " updated_at = ?2 WHERE person_id = ?1 AND deleted_at IS"
		    " NULL", kids[i]);
		if ((rc = one(db, sql, pid, now, err)) != 0)
			return rc;
	}
	return one(db, "UPDATE person SET deleted_at = ?2, updated_at = ?2"
	    " WHERE id = ?1", pid, now, err);
}

/* Purge: the rows are removed for good; the audit entry stays. */
static int
purge(struct thads_db *db, long long pid, struct thads_err *err)
{
	char sql[160];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE person_id ="
		    " ?1", kids[i]);
		if ((rc = one(db, sql, pid, NULL, err)) != 0)
			return rc;
	}
	return one(db, "DELETE FROM person WHERE id = ?1", pid, NULL, err);
}

static int
person_json(struct thads_db *db, long long pid, char **key, char **js,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, person_json_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*key = strdup((const char *)sqlite3_column_text(st, 0));
		*js = strdup((const char *)sqlite3_column_text(st, 1));
		rc = *key && *js ? 0 : thads_seterr(err, THADS_ENOMEM, NULL,
		    0, "out of memory");
	} else
		rc = thads_db_fail(db, rc, err);
	sqlite3_finalize(st);
	return rc;
}

int
thads_dossier_delete(struct thads_db *db, const char *id, const char *reason,
    int purged, struct thads_err *err)
{
	char now[32], *key = NULL, *js = NULL;
	long long pid;
	int rc;

	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	thads_now_utc(now, sizeof(now));
	rc = thads_dossier_resolve(db, id, &pid, err);
	if (rc == 0)
		rc = person_json(db, pid, &key, &js, err);
	if (rc == 0)
		rc = purged ? purge(db, pid, err) : soft(db, pid, now, err);
	if (rc == 0)
		rc = thads_db_audit(db, purged ? "purge" : "delete", "person",
		    pid, key, js, NULL, reason, err);
	if (rc == 0)
		rc = thads_db_commit(db, err);
	if (rc != 0)
		thads_db_rollback(db);
	free(key);
	free(js);
	return rc;
}

/* ---- add ---- */

int
thads_dossier_field(enum thads_kind kind, const char *name)
{
	char full[128];
	size_t i, n;

	if (kind != THADS_K_PERSON && strcmp(name, "person") == 0)
		return F_PERSON_ID;
	n = (size_t)snprintf(full, sizeof(full), "%s%s%s", strchr(name, '.') ?
	    "" : thads_kind_name(kind), strchr(name, '.') ? "" : ".", name);
	if (n >= sizeof(full))
		return -1;
	for (i = 0; full[i] != '\0'; i++)
		if (full[i] == '-')
			full[i] = '_';
	return thads_field_find(full);
}

/*
 * A record of another kind than the person is added to a dossier that
 * exists: the person is found by person.id and the record completed
 * with the person's stored values, those it does not give.
 */
static int
add_person(struct thads_db *db, enum thads_kind kind, struct thads_rec *r,
    struct thads_err *err)
{
	struct thads_rec cur;
	long long pid;
	int f, rc;

	if (r->v[F_PERSON_ID] == NULL)
		return kind == THADS_K_PERSON ? 0 : thads_seterr(err,
		    THADS_EUSAGE, NULL, 0, "no dossier named (give --person "
		    "ID)");
	rc = thads_dossier_resolve(db, r->v[F_PERSON_ID], &pid, err);
	if (kind == THADS_K_PERSON)
		return rc == 0 ? thads_seterr(err, THADS_EDATA, NULL, 0,
		    "dossier '%s' exists (change it with set)",
		    r->v[F_PERSON_ID]) : rc == THADS_EDATA ? 0 : rc;
	if (rc != 0)
		return rc;
	memset(&cur, 0, sizeof(cur));
	rc = load_person(db, pid, &cur, err);
	for (f = 0; rc == 0 && f < F_COUNT; f++)
		if (thads_field(f)->kind == THADS_K_PERSON &&
		    r->v[f] == NULL && cur.v[f] != NULL &&
		    thads_rec_set(r, f, cur.v[f], strlen(cur.v[f])) != 0)
			rc = thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
	thads_rec_clear(&cur);
	free(cur.extra);
	return rc;
}

/* Validate and write r; the record must insert a new row of kind. */
static int
add_apply(struct thads_db *db, enum thads_kind kind, struct thads_rec *r,
    const char *reason, struct thads_err *err)
{
	struct thads_import *im;
	const char *key = NULL;
	char today[16];
	int rc;

	thads_today(today, sizeof(today));
	if ((rc = thads_rec_validate(r, today, err)) != 0)
		return rc;
	if ((rc = thads_import_new(db, &im, err)) != 0)
		return rc;
	thads_import_set_reason(im, reason);
	if ((rc = thads_import_rec(im, r, err)) == 0 &&
	    thads_import_action(im, kind, &key) != THADS_ACT_INSERT)
		rc = thads_seterr(err, THADS_EDATA, NULL, 0,
		    "%s '%s' exists in the dossier (change it with set)",
		    thads_kind_name(kind), key ? key : "?");
	thads_import_free(im);
	return rc;
}

int
thads_dossier_add(struct thads_db *db, enum thads_kind kind,
    struct thads_rec *r, const char *reason, struct thads_err *err)
{
	int rc;

	/* Every record of the format belongs to a person: not a facility. */
	if (kind == THADS_K_FACILITY)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "a facility "
		    "is added with an episode (add episode --facility.name "
		    "NAME --facility.kind KIND ...)");
	if (!thads_rec_has(r, kind))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "no field of %s given", thads_kind_name(kind));
	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	if ((rc = add_person(db, kind, r, err)) == 0)
		rc = add_apply(db, kind, r, reason, err);
	if (rc == 0)
		rc = thads_db_commit(db, err);
	if (rc != 0)
		thads_db_rollback(db);
	return rc;
}

int
thads_dossier_read_one(const char *path, const char *xsd,
    struct thads_rec *r, struct thads_err *err)
{
	struct thads_rd *rd;
	struct thads_xml *x = NULL;
	struct thads_rec more;
	int rc;

	memset(&more, 0, sizeof(more));
	if ((rc = thads_rd_open(path, &rd, err)) != 0)
		return rc;
	if ((rc = thads_xml_open(rd, xsd, &x, err)) == 0 &&
	    (rc = thads_xml_next(x, r, err)) == 0)
		rc = thads_seterr(err, THADS_EDATA, thads_rd_name(rd), 0,
		    "no record in '%s'", thads_rd_name(rd));
	if (rc == 1 && (rc = thads_xml_next(x, &more, err)) == 1)
		rc = thads_seterr(err, THADS_EDATA, thads_rd_name(rd),
		    more.line, "more than one record in '%s' (one dossier "
		    "child at most)", thads_rd_name(rd));
	/* The record's file name belongs to the reader, which goes. */
	r->file = "(stdin)";
	if (strcmp(path, "-") != 0)
		r->file = path;
	thads_rec_clear(&more);
	free(more.extra);
	thads_xml_close(x);
	thads_rd_close(rd);
	return rc;
}

/*
 * import.c: upserting flat records, kind by kind, with the audit trail.
 *
 * Each kind is described by a table of its columns (struct kind); one
 * generic routine finds, inserts or updates any of them.  The SQL of
 * every statement is put together once, when the importer is made, from
 * these static tables only: no value from the input ever becomes SQL
 * text, every value is bound.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "import.h"
#include "text.h"

/* Values that are not fields of the record but worked out here. */
enum {
	D_FACILITY_ID = -1,	/* episode: the facility's row id */
	D_NAME_FOLDED = -2,	/* person: search key of the name */
	D_EXTRA = -3,		/* episode: the extra values as JSON */
	D_JUDGMENT_NO = -4,	/* episode: judgment served */
	D_MATCH = -5		/* episode: how the person was found */
};

struct column {
	const char *name;
	int	 f;		/* enum thads_fid, or a D_* value */
};

struct kind {
	enum thads_kind kind;
	const char *table;
	int	 byperson;	/* has person_id, and keys within a person */
	size_t	 nkey;		/* the first nkey columns are the key */
	const struct column *cols;
	size_t	 ncols;
};

#define NCOLS(a) (sizeof(a) / sizeof(a[0]))

static const struct column person_cols[] = {
	{ "ext_id", F_PERSON_ID }, { "national_id", F_PERSON_NATID },
	{ "name", F_PERSON_NAME }, { "name_folded", D_NAME_FOLDED },
	{ "aliases", F_PERSON_ALIASES }, { "birth_date", F_PERSON_BIRTH },
	{ "age", F_PERSON_AGE }, { "age_on", F_PERSON_AGE_ON },
	{ "sex", F_PERSON_SEX }, { "nationality", F_PERSON_NATIONALITY },
	{ "ethnicity", F_PERSON_ETHNICITY }, { "race", F_PERSON_RACE },
	{ "iris_ref", F_PERSON_IRIS }, { "dna_ref", F_PERSON_DNA },
	{ "photo_ref", F_PERSON_PHOTO },
};

static const struct column facility_cols[] = {
	{ "code", F_FAC_CODE }, { "name", F_FAC_NAME },
	{ "kind", F_FAC_KIND }, { "ward", F_FAC_WARD },
};

static const struct column episode_cols[] = {
	{ "admitted", F_EP_ADMITTED }, { "facility_id", D_FACILITY_ID },
	{ "status", F_EP_STATUS }, { "released", F_EP_RELEASED },
	{ "release_reason", F_EP_REASON }, { "custody_level", F_EP_LEVEL },
	{ "judgment_number", D_JUDGMENT_NO }, { "match", D_MATCH },
	{ "extra", D_EXTRA },
};

static const struct column judgment_cols[] = {
	{ "number", F_JU_NUMBER }, { "court", F_JU_COURT },
	{ "date", F_JU_DATE }, { "offence_date", F_JU_OFFENCE_DATE },
	{ "article", F_JU_ARTICLE }, { "offence", F_JU_OFFENCE },
	{ "category", F_JU_CATEGORY }, { "sentence_type", F_JU_TYPE },
	{ "term_years", F_JU_YEARS }, { "term_months", F_JU_MONTHS },
	{ "term_days", F_JU_DAYS }, { "probation_months", F_JU_PROBATION },
	{ "start_date", F_JU_START }, { "consecutive_to", F_JU_CONSECUTIVE },
	{ "release_date_ext", F_JU_RELEASE_EXT },
};

static const struct column order_cols[] = {
	{ "start_date", F_OR_START }, { "number", F_OR_NUMBER },
	{ "issued", F_OR_ISSUED }, { "end_date", F_OR_END },
	{ "category", F_OR_CATEGORY }, { "stage", F_OR_STAGE },
};

static const struct column classif_cols[] = {
	{ "period", F_CL_PERIOD }, { "period_end", F_CL_END },
	{ "result", F_CL_RESULT },
};

static const struct column reduction_cols[] = {
	{ "date", F_RE_DATE }, { "decision", F_RE_DECISION },
	{ "years", F_RE_YEARS }, { "months", F_RE_MONTHS },
	{ "days", F_RE_DAYS }, { "judgment_number", F_RE_JUDGMENT },
};

static const struct column violation_cols[] = {
	{ "date", F_VI_DATE }, { "kind", F_VI_KIND }, { "note", F_VI_NOTE },
};

/*
 * In the order records are applied: the person and the facility first,
 * since the others refer to them; the judgment before the episode that
 * serves it.
 */
static const struct kind kinds[] = {
	{ THADS_K_PERSON, "person", 0, 1, person_cols, NCOLS(person_cols) },
	{ THADS_K_FACILITY, "facility", 0, 1, facility_cols,
	    NCOLS(facility_cols) },
	{ THADS_K_JUDGMENT, "judgment", 1, 1, judgment_cols,
	    NCOLS(judgment_cols) },
	{ THADS_K_EPISODE, "episode", 1, 1, episode_cols,
	    NCOLS(episode_cols) },
	{ THADS_K_ORDER, "detention_order", 1, 1, order_cols,
	    NCOLS(order_cols) },
	{ THADS_K_CLASSIF, "classification", 1, 2, classif_cols,
	    NCOLS(classif_cols) },
	{ THADS_K_REDUCTION, "reduction", 1, 1, reduction_cols,
	    NCOLS(reduction_cols) },
	{ THADS_K_VIOLATION, "violation", 1, 2, violation_cols,
	    NCOLS(violation_cols) },
};

#define NKINDS NCOLS(kinds)
#define MAXCOLS 16

/* The statements of one kind. */
struct stmts {
	sqlite3_stmt *find;	/* by key (person: by ext_id) */
	sqlite3_stmt *insert;
	sqlite3_stmt *update;
};

/* A small cache of facility codes, since most rows name the same few. */
#define FCACHE 32

struct thads_import {
	struct thads_db *db;
	struct stmts st[NKINDS];
	sqlite3_stmt *by_natid, *by_name;
	sqlite3_stmt *sp_begin, *sp_release, *sp_rollback;
	struct {
		char	*code;
		long long id;
	} fcache[FCACHE];
	size_t	 fnext;
	struct thads_import_stats stats;

	/* The record being applied. */
	const struct thads_rec *rec;
	long long person_id;
	const char *match;	/* how the person was found, or "new" */
	char	*vals[MAXCOLS];	/* values to write, one per column */
	char	*old[MAXCOLS];	/* values stored, one per column */
	char	 facility_id[24];
	char	*extra_json;
	char	*folded;
	char	 keys[THADS_K_COUNT][160];
	enum thads_action act[THADS_K_COUNT];
	char	 now[32];
};

/* Put together "a, b, c" or "a = ?, b = ?": each follows every name. */
static void
join(char *buf, size_t size, const struct kind *k, const char *each)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < k->ncols && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s%s", i > 0 ? ", " : "",
		    k->cols[i].name, each);
}

static int
prepare_kind(struct thads_import *im, const struct kind *k, struct stmts *s,
    struct thads_err *err)
{
	char sql[2048], cols[1024], qs[256], where[256];
	size_t i, n = 0;
	int rc;

	join(cols, sizeof(cols), k, "");
	where[0] = '\0';
	for (i = 0; i < k->nkey; i++)
		n += snprintf(where + n, sizeof(where) - n, " AND %s = ?",
		    k->cols[i].name);
	snprintf(sql, sizeof(sql), "SELECT id, %s FROM %s WHERE %s%s", cols,
	    k->table, k->byperson ? "person_id = ?" : "1", where);
	if ((rc = thads_db_prepare(im->db, sql, &s->find, err)))
		return rc;
	for (i = 0, n = 0; i < k->ncols; i++)
		n += snprintf(qs + n, sizeof(qs) - n, "?, ");
	snprintf(sql, sizeof(sql), "INSERT INTO %s (%s%s, created_at, "
	    "updated_at) VALUES (%s%s?, ?)", k->table, k->byperson ?
	    "person_id, " : "", cols, k->byperson ? "?, " : "", qs);
	if ((rc = thads_db_prepare(im->db, sql, &s->insert, err)))
		return rc;
	join(cols, sizeof(cols), k, " = ?");
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s, updated_at = ? "
	    "WHERE id = ?", k->table, cols);
	return thads_db_prepare(im->db, sql, &s->update, err);
}

static int
prepare_person(struct thads_import *im, struct thads_err *err)
{
	char sql[2048], cols[1024];
	int rc;

	join(cols, sizeof(cols), &kinds[0], "");
	snprintf(sql, sizeof(sql), "SELECT id, %s FROM person "
	    "WHERE national_id = ?", cols);
	if ((rc = thads_db_prepare(im->db, sql, &im->by_natid, err)))
		return rc;
	snprintf(sql, sizeof(sql), "SELECT id, %s FROM person "
	    "WHERE name_folded = ? AND birth_date = ? LIMIT 2", cols);
	return thads_db_prepare(im->db, sql, &im->by_name, err);
}

int
thads_import_new(struct thads_db *db, struct thads_import **out,
    struct thads_err *err)
{
	struct thads_import *im;
	size_t i;
	int rc = 0;

	if ((im = calloc(1, sizeof(*im))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	im->db = db;
	for (i = 0; i < NKINDS && rc == 0; i++)
		rc = prepare_kind(im, &kinds[i], &im->st[i], err);
	if (rc == 0)
		rc = prepare_person(im, err);
	if (rc == 0)
		rc = thads_db_prepare(db, "SAVEPOINT rec", &im->sp_begin, err);
	if (rc == 0)
		rc = thads_db_prepare(db, "RELEASE rec", &im->sp_release, err);
	if (rc == 0)
		rc = thads_db_prepare(db, "ROLLBACK TO rec", &im->sp_rollback,
		    err);
	if (rc != 0) {
		thads_import_free(im);
		return rc;
	}
	*out = im;
	return 0;
}

void
thads_import_free(struct thads_import *im)
{
	size_t i;

	if (im == NULL)
		return;
	for (i = 0; i < NKINDS; i++) {
		sqlite3_finalize(im->st[i].find);
		sqlite3_finalize(im->st[i].insert);
		sqlite3_finalize(im->st[i].update);
	}
	sqlite3_finalize(im->by_natid);
	sqlite3_finalize(im->by_name);
	sqlite3_finalize(im->sp_begin);
	sqlite3_finalize(im->sp_release);
	sqlite3_finalize(im->sp_rollback);
	for (i = 0; i < FCACHE; i++)
		free(im->fcache[i].code);
	free(im->extra_json);
	free(im->folded);
	free(im);
}

const struct thads_import_stats *
thads_import_stats(const struct thads_import *im)
{
	return &im->stats;
}

enum thads_action
thads_import_action(const struct thads_import *im, enum thads_kind k,
    const char **key)
{
	if (key != NULL)
		*key = im->keys[k];
	return im->act[k];
}

/* Run a statement that returns no row; reset it. */
static int
run(struct thads_import *im, sqlite3_stmt *st, struct thads_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return 0;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return thads_seterr(err, THADS_EDATA, im->rec->file,
		    im->rec->line, "conflicts with a stored record: %s",
		    sqlite3_errmsg(im->db->h));
	return thads_db_fail(im->db, rc, err);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void
free_old(struct thads_import *im)
{
	size_t i;

	for (i = 0; i < MAXCOLS; i++) {
		free(im->old[i]);
		im->old[i] = NULL;
	}
}

/*
 * Step a find statement: on a row, keep its id and copy the stored
 * values into im->old.  Returns 1 found, 0 not found, <0 error.  With
 * unique, a second row means the match is ambiguous: 0.
 */
static int
fetch(struct thads_import *im, sqlite3_stmt *st, const struct kind *k,
    long long *id, int unique, struct thads_err *err)
{
	const unsigned char *t;
	size_t i;
	int rc = sqlite3_step(st);

	free_old(im);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		for (i = 0; i < k->ncols; i++)
			if ((t = sqlite3_column_text(st, (int)i + 1)) != NULL &&
			    (im->old[i] = strdup((const char *)t)) == NULL)
				rc = SQLITE_NOMEM;
		if (rc == SQLITE_ROW && unique &&
		    sqlite3_step(st) == SQLITE_ROW)
			rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return thads_db_fail(im->db, rc, err);
}

/* The value of column c of kind k for the record being applied. */
static const char *
value(struct thads_import *im, const struct column *c)
{
	const struct thads_rec *r = im->rec;

	switch (c->f) {
	case D_FACILITY_ID:
		return im->facility_id;
	case D_NAME_FOLDED:
		return im->folded;
	case D_EXTRA:
		return im->extra_json;
	case D_JUDGMENT_NO:
		return r->v[F_EP_JUDGMENT] ? r->v[F_EP_JUDGMENT] :
		    r->v[F_JU_NUMBER];
	case D_MATCH:
		return im->match;
	}
	if (c->f == F_FAC_CODE && r->v[F_FAC_CODE] == NULL)
		return r->v[F_EP_FACILITY];
	return r->v[c->f];
}

/* A JSON object of the columns listed in which, from vals. */
static char *
to_json(const struct kind *k, char *const *vals, const int *which)
{
	json_t *o = json_object();
	char *s;
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < k->ncols; i++)
		if (which[i] && vals[i] != NULL)
			json_object_set_new(o, k->cols[i].name,
			    json_string(vals[i]));
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static int
audit(struct thads_import *im, const struct kind *k, const char *action,
    long long id, const int *which, struct thads_err *err)
{
	char *old = NULL, *new;
	int rc;

	new = to_json(k, im->vals, which);
	if (strcmp(action, "update") == 0)
		old = to_json(k, im->old, which);
	if (new == NULL || (old == NULL && strcmp(action, "update") == 0))
		rc = thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	else
		rc = thads_db_audit(im->db, action, k->table, id,
		    im->keys[k->kind], old, new, NULL, err);
	free(old);
	free(new);
	return rc;
}

/* Bind the person and the key columns of kind k into its find statement. */
static void
bind_key(struct thads_import *im, const struct kind *k, sqlite3_stmt *st)
{
	size_t i;
	int b = 1;

	if (k->byperson)
		sqlite3_bind_int64(st, b++, im->person_id);
	for (i = 0; i < k->nkey; i++)
		bind_text(st, b++, im->vals[i]);
}

/*
 * Find the person: by dossier number, else national ID, else folded
 * name and birth date.  Sets im->match.  Returns 1, 0 or <0.
 */
static int
match_person(struct thads_import *im, long long *id, struct thads_err *err)
{
	const struct thads_rec *r = im->rec;
	const struct kind *k = &kinds[0];
	int rc;

	im->match = "id";
	if (r->v[F_PERSON_ID] != NULL) {
		bind_text(im->st[0].find, 1, r->v[F_PERSON_ID]);
		if ((rc = fetch(im, im->st[0].find, k, id, 0, err)) != 0)
			return rc;
	}
	im->match = "national_id";
	if (r->v[F_PERSON_NATID] != NULL) {
		bind_text(im->by_natid, 1, r->v[F_PERSON_NATID]);
		if ((rc = fetch(im, im->by_natid, k, id, 0, err)) != 0)
			return rc;
	}
	im->match = "name_birth";
	if (im->folded != NULL && r->v[F_PERSON_BIRTH] != NULL) {
		bind_text(im->by_name, 1, im->folded);
		bind_text(im->by_name, 2, r->v[F_PERSON_BIRTH]);
		if ((rc = fetch(im, im->by_name, k, id, 1, err)) != 0)
			return rc;
	}
	im->match = "new";
	return 0;
}

/* The natural key of kind k as text, for messages and the audit trail. */
static void
make_key(struct thads_import *im, const struct kind *k)
{
	char *buf = im->keys[k->kind];
	size_t size = sizeof(im->keys[0]), i, n = 0;
	const char *v;

	if (k->kind == THADS_K_PERSON) {
		v = im->old[0] ? im->old[0] : im->vals[0] ? im->vals[0] :
		    im->vals[1] ? im->vals[1] : im->folded;
		snprintf(buf, size, "%s", v ? v : "?");
		return;
	}
	if (k->byperson)
		n = snprintf(buf, size, "%s", im->keys[THADS_K_PERSON]);
	for (i = 0; i < k->nkey && n < size; i++)
		n += snprintf(buf + n, size - n, "%s%s", n ? "/" : "",
		    im->vals[i] ? im->vals[i] : "");
}

static int
insert(struct thads_import *im, size_t ki, long long *id,
    struct thads_err *err)
{
	const struct kind *k = &kinds[ki];
	sqlite3_stmt *st = im->st[ki].insert;
	int which[MAXCOLS], b = 1, rc;
	size_t i;

	if (k->byperson)
		sqlite3_bind_int64(st, b++, im->person_id);
	for (i = 0; i < k->ncols; i++) {
		bind_text(st, b++, im->vals[i]);
		which[i] = 1;
	}
	bind_text(st, b++, im->now);
	bind_text(st, b, im->now);
	if ((rc = run(im, st, err)) != 0)
		return rc;
	*id = sqlite3_last_insert_rowid(im->db->h);
	im->act[k->kind] = THADS_ACT_INSERT;
	make_key(im, k);
	return audit(im, k, "insert", *id, which, err);
}

static int
update(struct thads_import *im, size_t ki, long long id,
    struct thads_err *err)
{
	const struct kind *k = &kinds[ki];
	sqlite3_stmt *st = im->st[ki].update;
	int which[MAXCOLS], changed = 0, b = 1, rc;
	size_t i;

	make_key(im, k);
	for (i = 0; i < k->ncols; i++) {
		which[i] = im->vals[i] != NULL && (im->old[i] == NULL ||
		    strcmp(im->vals[i], im->old[i]) != 0);
		changed |= which[i];
		bind_text(st, b++, which[i] ? im->vals[i] : im->old[i]);
	}
	if (!changed) {
		sqlite3_clear_bindings(st);
		im->act[k->kind] = THADS_ACT_SAME;
		return 0;
	}
	bind_text(st, b++, im->now);
	sqlite3_bind_int64(st, b, id);
	if ((rc = run(im, st, err)) != 0)
		return rc;
	im->act[k->kind] = THADS_ACT_UPDATE;
	return audit(im, k, "update", id, which, err);
}

/* Find, then insert or update, one kind of the record. */
static int
upsert(struct thads_import *im, size_t ki, long long *id,
    struct thads_err *err)
{
	const struct kind *k = &kinds[ki];
	size_t i;
	int found;

	for (i = 0; i < k->ncols; i++)
		im->vals[i] = (char *)value(im, &k->cols[i]);
	if (k->kind == THADS_K_PERSON) {
		found = match_person(im, id, err);
	} else {
		bind_key(im, k, im->st[ki].find);
		found = fetch(im, im->st[ki].find, k, id, 0, err);
	}
	if (found < 0)
		return found;
	if (!found)
		return insert(im, ki, id, err);
	for (i = 0; i < k->ncols; i++)
		if (k->cols[i].f == D_MATCH ||
		    (k->kind == THADS_K_PERSON && i == 0 && im->old[0]))
			im->vals[i] = NULL;	/* set once, on insert */
	return update(im, ki, *id, err);
}

/* The facility's row id, from the cache or by upserting it. */
static int
facility(struct thads_import *im, struct thads_err *err)
{
	const struct thads_rec *r = im->rec;
	const char *code = r->v[F_FAC_CODE] ? r->v[F_FAC_CODE] :
	    r->v[F_EP_FACILITY];
	long long id = 0;
	size_t i;
	int rc;

	if (code == NULL)
		return 0;
	for (i = 0; i < FCACHE; i++)
		if (im->fcache[i].code && strcmp(im->fcache[i].code, code) == 0)
			break;
	if (i < FCACHE && !thads_rec_has(r, THADS_K_FACILITY)) {
		id = im->fcache[i].id;
	} else {
		if ((rc = upsert(im, 1, &id, err)) != 0)
			return rc;
		i = im->fnext++ % FCACHE;
		free(im->fcache[i].code);
		if ((im->fcache[i].code = strdup(code)) == NULL)
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		im->fcache[i].id = id;
	}
	snprintf(im->facility_id, sizeof(im->facility_id), "%lld", id);
	return 0;
}

/* The extra values as one JSON object, or NULL when there are none. */
static int
extras(struct thads_import *im, struct thads_err *err)
{
	const struct thads_rec *r = im->rec;
	json_t *o;
	size_t i;

	free(im->extra_json);
	im->extra_json = NULL;
	if (r->nextra == 0)
		return 0;
	if ((o = json_object()) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	for (i = 0; i < r->nextra; i++)
		json_object_set_new(o, r->extra[i].key,
		    json_string(r->extra[i].val));
	im->extra_json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (im->extra_json == NULL)
		return thads_seterr(err, THADS_EDATA, r->file, r->line,
		    "extra values are not valid UTF-8");
	return 0;
}

/* A re-admission: a new episode for a person who already had one. */
static int
count_readmission(struct thads_import *im, long long episode_id)
{
	sqlite3_stmt *st;
	int rc;

	if (strcmp(im->match, "new") == 0 ||
	    im->act[THADS_K_EPISODE] != THADS_ACT_INSERT)
		return 0;
	if (sqlite3_prepare_v2(im->db->h, "SELECT 1 FROM episode WHERE "
	    "person_id = ? AND id <> ? LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return THADS_EDB;
	sqlite3_bind_int64(st, 1, im->person_id);
	sqlite3_bind_int64(st, 2, episode_id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW) {
		im->stats.readmitted++;
		if (strcmp(im->match, "name_birth") == 0)
			im->stats.probable++;
	}
	return 0;
}

static int
apply(struct thads_import *im, struct thads_err *err)
{
	long long id;
	size_t ki;
	int rc;

	if ((rc = upsert(im, 0, &im->person_id, err)) != 0)
		return rc;
	if ((rc = facility(im, err)) != 0)
		return rc;
	for (ki = 2; ki < NKINDS; ki++) {
		if (!thads_rec_has(im->rec, kinds[ki].kind))
			continue;
		if ((rc = upsert(im, ki, &id, err)) != 0)
			return rc;
		if (kinds[ki].kind == THADS_K_EPISODE &&
		    (rc = count_readmission(im, id)) != 0)
			return thads_db_fail(im->db, rc, err);
	}
	return 0;
}

static void
tally(struct thads_import *im)
{
	int k, ins = 0, upd = 0;

	for (k = 0; k < THADS_K_COUNT; k++) {
		if (im->act[k] == THADS_ACT_INSERT) {
			im->stats.kind_ins[k]++;
			ins = 1;
		} else if (im->act[k] == THADS_ACT_UPDATE) {
			im->stats.kind_upd[k]++;
			upd = 1;
		}
	}
	im->stats.rows++;
	if (ins)
		im->stats.inserted++;
	else if (upd)
		im->stats.updated++;
	else
		im->stats.unchanged++;
}

int
thads_import_rec(struct thads_import *im, const struct thads_rec *r,
    struct thads_err *err)
{
	int rc;

	im->rec = r;
	memset(im->act, 0, sizeof(im->act));
	memset(im->keys, 0, sizeof(im->keys));
	thads_now_utc(im->now, sizeof(im->now));
	free(im->folded);
	im->folded = NULL;
	if (r->v[F_PERSON_NAME] != NULL &&
	    (im->folded = thads_text_fold(r->v[F_PERSON_NAME])) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	if ((rc = extras(im, err)) != 0)
		return rc;
	if ((rc = run(im, im->sp_begin, err)) != 0)
		return rc;
	if ((rc = apply(im, err)) != 0) {
		(void)sqlite3_step(im->sp_rollback);	/* rc says why */
		sqlite3_reset(im->sp_rollback);
		(void)run(im, im->sp_release, NULL);
		memset(im->act, 0, sizeof(im->act));
		return rc;
	}
	if ((rc = run(im, im->sp_release, err)) != 0)
		return rc;
	tally(im);
	return 0;
}

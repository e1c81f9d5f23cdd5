/*
 * import.c: upserting flat records, kind by kind, with the audit trail.
 *
 * Each kind is described by a table of its columns (struct kind); one
 * generic routine finds, inserts or updates any of them.  The SQL of
 * every statement is put together once, when the importer is made, from
 * these static tables only: no value from the input ever becomes SQL
 * text, every value is bound.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "import.h"
#include "text.h"

/* Values that are not fields of the record but worked out here. */
enum {
	D_FACILITY_ID = -1,	/* episode: the facility's row id */
	D_NAME_FOLDED = -2,	/* person: search key of the name */
	D_EXTRA = -3,		/* episode: the extra values as JSON */
	D_JUDGMENT_NO = -4,	/* episode: judgment served */
	D_MATCH = -5,		/* episode: how the person was found */
	D_ALIASES_FOLDED = -6	/* person: search key of the aliases */
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
	{ "aliases", F_PERSON_ALIASES },
	{ "aliases_folded", D_ALIASES_FOLDED },
	{ "birth_date", F_PERSON_BIRTH },
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

/*
 * A direct-mapped cache of facility codes and their row ids: most rows
 * name one of a few facilities, and a lookup would cost a B-tree search
 * per row.  A code longer than the slot is never cached.
 */
#define FCACHE 256

struct fslot {
	char	 code[40];
	long long id;
};

/* A growable byte buffer; nomem records a failed growth. */
struct buf {
	char	*p;
	size_t	 n;
	size_t	 cap;
	int	 nomem;
};

struct thads_import {
	struct thads_db *db;
	struct stmts st[NKINDS];
	sqlite3_stmt *by_natid, *by_name, *readm;
	struct fslot fcache[FCACHE];
	unsigned long fcache_tx;	/* db->tx the cache was filled in */
	struct thads_import_stats stats;

	/* The record being applied. */
	const struct thads_rec *rec;
	unsigned has;		/* bit k: the record carries kind k */
	int	 wrote;		/* rows written for this record */
	int	 person_new;	/* the person was inserted by this record */
	long long person_id;
	const char *match;	/* how the person was found, or "new" */
	const char *vals[MAXCOLS];	/* values to write, one per column */
	const char *old[MAXCOLS];	/* values stored, one per column */
	struct buf oldbuf;	/* holds the strings of old */
	struct buf extra;	/* the extra values as JSON */
	struct xkey *xk;	/* extras() scratch: keys sorted */
	const char **xv;	/* extras() scratch: value per first place */
	size_t	 xcap;		/* room in xk and xv */
	struct buf jold, jnew;	/* audit values as JSON */
	char	 facility_id[24];
	char	*folded;
	char	*afolded;	/* the aliases, folded */
	const char *reason;	/* for the audit entries, or NULL */
	char	 keys[THADS_K_COUNT][160];
	enum thads_action act[THADS_K_COUNT];
	time_t	 now_t;
	char	 now[32];
};

static int
reserve(struct buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->n + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->n + more)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL) {
		b->nomem = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void
add(struct buf *b, const char *s, size_t len)
{
	if (reserve(b, len) != 0)
		return;
	memcpy(b->p + b->n, s, len);
	b->n += len;
}

/*
 * Add s as a JSON string (RFC 8259): quote, backslash and the control
 * characters escaped, everything else as it is.  Values reach the
 * importer as valid UTF-8 (thads_import_rec() checks), so the result
 * is valid UTF-8 too.
 */
static void
add_jstr(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;
	char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

	add(b, "\"", 1);
	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		add(b, (const char *)run, (size_t)(p - run));
		run = p + 1;
		if (*p == '"' || *p == '\\') {
			esc[1] = (char)*p;
			add(b, esc, 2);
		} else if (*p == '\n' || *p == '\t' || *p == '\r') {
			esc[1] = *p == '\n' ? 'n' : *p == '\t' ? 't' : 'r';
			add(b, esc, 2);
		} else {
			esc[1] = 'u';
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 0xf];
			add(b, esc, 6);
		}
	}
	add(b, (const char *)run, (size_t)(p - run));
	add(b, "\"", 1);
}

/* Add "key":"value" to a JSON object being built (open brace written). */
static void
add_member(struct buf *b, const char *key, const char *val)
{
	if (b->n > 1)
		add(b, ",", 1);
	add_jstr(b, key);
	add(b, ":", 1);
	add_jstr(b, val);
}

/* Start and end a JSON object; end NUL-terminates it. */
static void
obj_begin(struct buf *b)
{
	b->n = 0;
	b->nomem = 0;
	add(b, "{", 1);
}

static int
obj_end(struct buf *b)
{
	add(b, "}", 2);		/* with the NUL */
	b->n--;
	return b->nomem ? THADS_ENOMEM : 0;
}

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
	    "WHERE name_folded = ?1 AND birth_date = ?2 "
	    "AND (?3 IS NULL OR ext_id IS NULL) "
	    "AND (?4 IS NULL OR national_id IS NULL) LIMIT 2", cols);
	if ((rc = thads_db_prepare(im->db, sql, &im->by_name, err)))
		return rc;
	return thads_db_prepare(im->db, "SELECT 1 FROM episode WHERE "
	    "person_id = ? AND id <> ? LIMIT 1", &im->readm, err);
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
	sqlite3_finalize(im->readm);
	free(im->oldbuf.p);
	free(im->extra.p);
	free(im->xk);
	free(im->xv);
	free(im->jold.p);
	free(im->jnew.p);
	free(im->folded);
	free(im->afolded);
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

/*
 * Run a statement that writes one row; reset it.  A constraint failure
 * is the record's fault (THADS_EDATA) only on the record's first write:
 * see thads_import_rec() for why no later write can meet one.
 */
static int
run(struct thads_import *im, sqlite3_stmt *st, struct thads_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		im->wrote++;
		return 0;
	}
	if ((rc & 0xff) == SQLITE_CONSTRAINT && im->wrote == 0)
		return thads_seterr(err, THADS_EDATA, im->rec->file,
		    im->rec->line, "conflicts with a stored record: %s",
		    sqlite3_errmsg(im->db->h));
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return thads_seterr(err, THADS_ESOFTWARE, im->rec->file,
		    im->rec->line, "internal error: conflict after the "
		    "record's first write: %s", sqlite3_errmsg(im->db->h));
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

/*
 * Copy the stored values of the row st is on into im->old, in one
 * buffer kept from record to record.  Returns 0 or -1 out of memory.
 */
static int
keep_old(struct thads_import *im, sqlite3_stmt *st, const struct kind *k)
{
	const unsigned char *t[MAXCOLS];
	size_t len[MAXCOLS], i, n = k->ncols, total = 0;
	char *p;

	for (i = 0; i < n; i++) {
		t[i] = sqlite3_column_text(st, (int)i + 1);
		len[i] = (size_t)sqlite3_column_bytes(st, (int)i + 1);
		total += len[i] + 1;
	}
	im->oldbuf.n = 0;
	if (reserve(&im->oldbuf, total) != 0)
		return -1;
	for (i = 0, p = im->oldbuf.p; i < n; i++) {
		im->old[i] = NULL;
		if (t[i] == NULL)
			continue;
		memcpy(p, t[i], len[i]);
		p[len[i]] = '\0';
		im->old[i] = p;
		p += len[i] + 1;
	}
	return 0;
}

/*
 * Step a find statement: on a row, keep its id and its stored values in
 * im->old.  Returns 1 found, 0 not found, <0 error.  With unique, a
 * second row means the match is ambiguous: 0.
 */
static int
fetch(struct thads_import *im, sqlite3_stmt *st, const struct kind *k,
    long long *id, int unique, struct thads_err *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (keep_old(im, st, k) != 0)
			rc = SQLITE_NOMEM;
		else if (unique && sqlite3_step(st) == SQLITE_ROW)
			rc = SQLITE_DONE;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	memset(im->old, 0, sizeof(im->old));
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
		return im->facility_id[0] ? im->facility_id : NULL;
	case D_NAME_FOLDED:
		return im->folded;
	case D_ALIASES_FOLDED:
		return im->afolded;
	case D_EXTRA:
		return im->extra.n ? im->extra.p : NULL;
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

/* A JSON object of the columns listed in which, from vals, into b. */
static int
to_json(struct buf *b, const struct kind *k, const char *const *vals,
    const int *which)
{
	size_t i;

	obj_begin(b);
	for (i = 0; i < k->ncols; i++)
		if (which[i] && vals[i] != NULL)
			add_member(b, k->cols[i].name, vals[i]);
	return obj_end(b);
}

static int
audit(struct thads_import *im, const struct kind *k, int update,
    long long id, const int *which, struct thads_err *err)
{
	if (to_json(&im->jnew, k, im->vals, which) != 0 ||
	    (update && to_json(&im->jold, k, im->old, which) != 0))
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	return thads_db_audit_queue(im->db, update ? "update" : "insert",
	    k->table, id, im->keys[k->kind], update ? im->jold.p : NULL,
	    im->jnew.p, im->reason, err);
}

void
thads_import_set_reason(struct thads_import *im, const char *reason)
{
	im->reason = reason;
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
 *
 * An identifier on both sides that differs says that these are two
 * people.  A national ID found under another dossier number than the
 * record's is a conflict, refused before anything is written.  The name
 * and birth date, which two people often share, only match a person
 * whose dossier number and national ID do not contradict the record's:
 * both are then either absent from the record or absent from the
 * stored person, since an equal one would have matched before.
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
		rc = fetch(im, im->by_natid, k, id, 0, err);
		if (rc > 0 && r->v[F_PERSON_ID] != NULL && im->old[0] != NULL)
			return thads_seterr(err, THADS_EDATA, r->file, r->line,
			    "conflicts with a stored record: person.national_id"
			    " '%s' belongs to dossier '%s', not '%s'",
			    r->v[F_PERSON_NATID], im->old[0],
			    r->v[F_PERSON_ID]);
		if (rc != 0)
			return rc;
	}
	im->match = "name_birth";
	if (im->folded != NULL && r->v[F_PERSON_BIRTH] != NULL) {
		bind_text(im->by_name, 1, im->folded);
		bind_text(im->by_name, 2, r->v[F_PERSON_BIRTH]);
		bind_text(im->by_name, 3, r->v[F_PERSON_ID]);
		bind_text(im->by_name, 4, r->v[F_PERSON_NATID]);
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
	return audit(im, k, 0, *id, which, err);
}

static int
update(struct thads_import *im, size_t ki, long long id,
    struct thads_err *err)
{
	const struct kind *k = &kinds[ki];
	sqlite3_stmt *st = im->st[ki].update;
	int which[MAXCOLS], changed = 0, b = 1, rc;
	size_t i, n = k->ncols;

	make_key(im, k);
	for (i = 0; i < n; i++) {
		which[i] = im->vals[i] != NULL && (im->old[i] == NULL ||
		    strcmp(im->vals[i], im->old[i]) != 0);
		changed |= which[i];
	}
	if (!changed) {
		im->act[k->kind] = THADS_ACT_SAME;
		return 0;
	}
	for (i = 0; i < n; i++)
		bind_text(st, b++, which[i] ? im->vals[i] : im->old[i]);
	bind_text(st, b++, im->now);
	sqlite3_bind_int64(st, b, id);
	if ((rc = run(im, st, err)) != 0)
		return rc;
	im->act[k->kind] = THADS_ACT_UPDATE;
	return audit(im, k, 1, id, which, err);
}

/*
 * Find, then insert or update, one kind of the record.  Nothing can be
 * stored yet under a person that this record has just inserted, so the
 * search is skipped for the kinds that belong to one.
 */
static int
upsert(struct thads_import *im, size_t ki, long long *id,
    struct thads_err *err)
{
	const struct kind *k = &kinds[ki];
	size_t i;
	int found = 0;

	for (i = 0; i < k->ncols; i++)
		im->vals[i] = value(im, &k->cols[i]);
	if (k->kind == THADS_K_PERSON) {
		found = match_person(im, id, err);
	} else if (!k->byperson || !im->person_new) {
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

static unsigned
hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (unsigned)(h % FCACHE);
}

/*
 * The facility's row id, from the cache or by upserting it.  A record
 * that carries facility fields is always upserted, since it may change
 * them.
 */
static int
facility(struct thads_import *im, struct thads_err *err)
{
	const struct thads_rec *r = im->rec;
	const char *code = r->v[F_FAC_CODE] ? r->v[F_FAC_CODE] :
	    r->v[F_EP_FACILITY];
	struct fslot *s;
	long long id = 0;
	int rc;

	im->facility_id[0] = '\0';
	if (code == NULL)
		return 0;
	s = &im->fcache[hash(code)];
	if (s->id != 0 && strcmp(s->code, code) == 0 &&
	    !(im->has & (1u << THADS_K_FACILITY))) {
		id = s->id;
	} else {
		if ((rc = upsert(im, 1, &id, err)) != 0)
			return rc;
		s->id = 0;
		if (strlen(code) < sizeof(s->code)) {
			memcpy(s->code, code, strlen(code) + 1);
			s->id = id;
		}
	}
	snprintf(im->facility_id, sizeof(im->facility_id), "%lld", id);
	return 0;
}

/* An extra key and its place in the record, for sorting. */
struct xkey {
	const char *key;
	size_t	 i;
};

static int
xkey_cmp(const void *a, const void *b)
{
	const struct xkey *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The extra values as one JSON object, or an empty buffer when there
 * are none.  A key given twice keeps its first place and its last value.
 * Repeated keys are found by sorting, so that a record of 100,000 extra
 * columns takes n log n comparisons, not n squared.
 */
static int
extras(struct thads_import *im, struct thads_err *err)
{
	const struct thads_rec *r = im->rec;
	size_t i, j, n = r->nextra;

	im->extra.n = 0;
	if (n == 0)
		return 0;
	if (n > im->xcap) {
		free(im->xk);
		free(im->xv);
		im->xk = malloc(n * sizeof(*im->xk));
		im->xv = malloc(n * sizeof(*im->xv));
		im->xcap = im->xk && im->xv ? n : 0;
		if (im->xcap == 0)
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
	}
	for (i = 0; i < n; i++) {
		im->xk[i].key = r->extra[i].key;
		im->xk[i].i = i;
		im->xv[i] = NULL;
	}
	qsort(im->xk, n, sizeof(*im->xk), xkey_cmp);
	/* Each run of one key: its first place gets its last value. */
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(im->xk[j].key,
		    im->xk[i].key) == 0; j++)
			continue;
		im->xv[im->xk[i].i] = r->extra[im->xk[j - 1].i].val;
	}
	obj_begin(&im->extra);
	for (i = 0; i < n; i++)
		if (im->xv[i] != NULL)
			add_member(&im->extra, r->extra[i].key, im->xv[i]);
	if (obj_end(&im->extra) != 0)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	return 0;
}

/* A re-admission: a new episode for a person who already had one. */
static int
count_readmission(struct thads_import *im, long long episode_id,
    struct thads_err *err)
{
	sqlite3_stmt *st = im->readm;
	int rc;

	if (strcmp(im->match, "new") == 0 ||
	    im->act[THADS_K_EPISODE] != THADS_ACT_INSERT)
		return 0;
	sqlite3_bind_int64(st, 1, im->person_id);
	sqlite3_bind_int64(st, 2, episode_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return thads_db_fail(im->db, rc, err);
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
	long long id = 0;
	size_t ki;
	int rc;

	if ((rc = upsert(im, 0, &im->person_id, err)) != 0)
		return rc;
	im->person_new = im->act[THADS_K_PERSON] == THADS_ACT_INSERT;
	if ((rc = facility(im, err)) != 0)
		return rc;
	for (ki = 2; ki < NKINDS; ki++) {
		if (!(im->has & (1u << kinds[ki].kind)))
			continue;
		if ((rc = upsert(im, ki, &id, err)) != 0)
			return rc;
		if (kinds[ki].kind == THADS_K_EPISODE &&
		    (rc = count_readmission(im, id, err)) != 0)
			return rc;
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

/*
 * Which kinds r carries, as bits; and whether every value is valid
 * UTF-8, which the JSON of the audit trail needs.  The readers check
 * their input, but a record may also come from elsewhere.
 */
static int
survey(struct thads_import *im, struct thads_err *err)
{
	const struct thads_rec *r = im->rec;
	size_t i;
	int f;

	im->has = r->nextra ? 1u << THADS_K_EPISODE : 0;
	for (f = 0; f < F_COUNT; f++) {
		if (r->v[f] == NULL)
			continue;
		im->has |= 1u << thads_field(f)->kind;
		if (!thads_text_valid_utf8(r->v[f], strlen(r->v[f]), NULL))
			return thads_seterr(err, THADS_EDATA, r->file, r->line,
			    "%s: not valid UTF-8", thads_field(f)->name);
	}
	for (i = 0; i < r->nextra; i++)
		if (!thads_text_valid_utf8(r->extra[i].key,
		    strlen(r->extra[i].key), NULL) ||
		    !thads_text_valid_utf8(r->extra[i].val,
		    strlen(r->extra[i].val), NULL))
			return thads_seterr(err, THADS_EDATA, r->file, r->line,
			    "extra.%s: not valid UTF-8", r->extra[i].key);
	return 0;
}

/* Everything about r that can be refused before a write. */
static int
prepare_rec(struct thads_import *im, const struct thads_rec *r,
    struct thads_err *err)
{
	time_t t = time(NULL);
	int rc;

	im->rec = r;
	im->wrote = 0;
	im->person_new = 0;
	memset(im->act, 0, sizeof(im->act));
	memset(im->keys, 0, sizeof(im->keys));
	memset(im->old, 0, sizeof(im->old));
	if (t != im->now_t) {
		im->now_t = t;
		thads_now_utc(im->now, sizeof(im->now));
	}
	/*
	 * A facility cached in a transaction that was since rolled back may
	 * be gone: the cache lives as long as one transaction.
	 */
	if (im->fcache_tx != im->db->tx) {
		memset(im->fcache, 0, sizeof(im->fcache));
		im->fcache_tx = im->db->tx;
	}
	if ((rc = survey(im, err)) != 0)
		return rc;
	free(im->folded);
	free(im->afolded);
	im->folded = NULL;
	im->afolded = NULL;
	if (r->v[F_PERSON_NAME] != NULL &&
	    (im->folded = thads_text_fold(r->v[F_PERSON_NAME])) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	if (r->v[F_PERSON_ALIASES] != NULL &&
	    (im->afolded = thads_text_fold(r->v[F_PERSON_ALIASES])) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	return extras(im, err);
}

/*
 * A record that fails must leave nothing of itself behind, and a
 * savepoint per record costs more than the rest of the work (each page
 * touched is copied to the statement journal).  Instead, the writes are
 * ordered so that only the first can fail on the record's account:
 *
 * - the person comes first.  Its insert cannot meet a UNIQUE conflict,
 *   since it follows searches by dossier number and national ID that
 *   found nothing; its update can (a national ID that belongs to
 *   someone else), and it is then the record's first write, undone by
 *   SQLite as a single statement.
 * - every later row is found by its natural key, which is exactly its
 *   UNIQUE key, before it is inserted; an update never changes the key.
 * - NOT NULL and CHECK columns hold values that thads_rec_validate()
 *   requires or that the importer sets; foreign keys point at the
 *   person and facility found or inserted just before.
 * - the audit rows and everything else that can still fail (disk full,
 *   I/O, out of memory) end the load, whose transaction is then rolled
 *   back as a whole.
 *
 * run() turns a conflict after the first write into THADS_ESOFTWARE,
 * which ends the load too, so a wrong reasoning here can never commit
 * half a record.
 */
int
thads_import_rec(struct thads_import *im, const struct thads_rec *r,
    struct thads_err *err)
{
	int rc;

	if ((rc = prepare_rec(im, r, err)) != 0)
		return rc;
	if ((rc = apply(im, err)) != 0) {
		memset(im->act, 0, sizeof(im->act));
		return rc;
	}
	tally(im);
	return 0;
}

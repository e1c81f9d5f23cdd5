/*
 * alert_db.c: reading every dossier of the database for the sentence
 * engine, and the alert tables.
 *
 * A full alert pass reads each table once, in its own order (a plain
 * scan, the fastest way through SQLite), and sorts the rows into
 * per-person runs in memory: a counting sort by the person's place in
 * the person table, which is read in row id order and so is already
 * sorted for the bisection that finds that place.  Strings live in one
 * arena freed at once.
 */
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "alert_schema.h"

#define BLOCK (1 << 20)

struct blk {
	struct blk *next;
	size_t	 used, size;
	char	 data[];
};

struct thads_people {
	struct thads_dossier *p;
	size_t	 n;
	long long *ids;
	struct thads_ep *ep;
	struct thads_jud *ju;
	struct thads_ord *od;
	struct thads_cls *cl;
	struct thads_red *rd;
	struct thads_vio *vi;
	struct thads_ovr *ov;
	struct blk *mem;
};

/* A copy of s (n bytes and a NUL) in the arena. */
static char *
keepn(struct thads_people *pp, const unsigned char *s, size_t n)
{
	struct blk *b = pp->mem;

	if (s == NULL)
		return NULL;
	n++;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > BLOCK ? n : BLOCK;

		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = pp->mem;
		b->used = 0;
		b->size = size;
		pp->mem = b;
	}
	memcpy(b->data + b->used, s, n - 1);
	b->data[b->used + n - 1] = '\0';
	b->used += n;
	return b->data + b->used - n;
}

/* Column i of st, kept in the arena; NULL for SQL NULL. */
static char *
keepcol(struct thads_people *pp, sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return keepn(pp, s, s ? (size_t)sqlite3_column_bytes(st, i) : 0);
}

static int
day_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	int d;

	if (s == NULL || thads_day_parse((const char *)s, &d) != 0)
		return THADS_NODAY;
	return d;
}

static int
int_col(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return -1;
	return sqlite3_column_int(st, i);
}

static int
enum_col(sqlite3_stmt *st, int i, enum thads_fid f)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s == NULL ? -1 : thads_enum_index(f, (const char *)s);
}

/* The place of person id in the sorted ids, or -1. */
static long
place(const struct thads_people *pp, long long id)
{
	size_t lo = 0, hi = pp->n, mid;
	long long guess;

	/* Row ids are usually dense: try the place they would have. */
	if (pp->n > 0 && (guess = id - pp->ids[0]) >= 0 &&
	    guess < (long long)pp->n && pp->ids[guess] == id)
		return (long)guess;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pp->ids[mid] == id)
			return (long)mid;
		if (pp->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Rows read from one table before they are put in person order. */
struct rows {
	char	*buf;
	size_t	 size;		/* of one row */
	size_t	 n, cap;
	long	*owner;
};

static void *
add_row(struct rows *r, long owner)
{
	size_t cap;
	void *p, *q;

	if (r->n == r->cap) {
		cap = r->cap ? r->cap * 2 : 1024;
		if ((p = realloc(r->buf, cap * r->size)) == NULL)
			return NULL;
		r->buf = p;
		if ((q = realloc(r->owner, cap * sizeof(long))) == NULL)
			return NULL;
		r->owner = q;
		r->cap = cap;
	}
	r->owner[r->n] = owner;
	memset(r->buf + r->n * r->size, 0, r->size);
	return r->buf + r->n++ * r->size;
}

/*
 * Put the rows in person order into a new array (*out), and set each
 * person's pointer and count through the offsets of the dossier.
 */
static int
bucket(struct thads_people *pp, struct rows *r, void **out, size_t ptr_off,
    size_t n_off)
{
	size_t *start, i, k;
	char *dst;

	*out = NULL;
	if ((start = calloc(pp->n + 1, sizeof(size_t))) == NULL ||
	    (dst = malloc(r->n * r->size + 1)) == NULL) {
		free(start);
		return THADS_ENOMEM;
	}
	for (i = 0; i < r->n; i++)
		start[r->owner[i] + 1]++;
	for (i = 0; i < pp->n; i++)
		start[i + 1] += start[i];
	for (i = 0; i < pp->n; i++) {
		*(void **)((char *)&pp->p[i] + ptr_off) = dst +
		    start[i] * r->size;
		*(size_t *)((char *)&pp->p[i] + n_off) = start[i + 1] -
		    start[i];
	}
	for (i = 0; i < r->n; i++) {
		k = start[r->owner[i]]++;
		memcpy(dst + k * r->size, r->buf + i * r->size, r->size);
	}
	free(start);
	free(r->buf);
	free(r->owner);
	*out = dst;
	return 0;
}

typedef int row_fn(struct thads_people *pp, sqlite3_stmt *st, void *row);

/* Run sql (person_id first) and collect its rows with fn. */
static int
scan(struct thads_db *db, struct thads_people *pp, const char *sql,
    long long only, struct rows *r, row_fn *fn, struct thads_err *err)
{
	sqlite3_stmt *st;
	long owner;
	void *row;
	int rc;

	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	if (only > 0)
		sqlite3_bind_int64(st, 1, only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((owner = place(pp, sqlite3_column_int64(st, 0))) < 0)
			continue;
		if ((row = add_row(r, owner)) == NULL ||
		    fn(pp, st, row) != 0) {
			sqlite3_finalize(st);
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	return 0;
}

static int
ep_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_ep *e = p;
	const unsigned char *adm = sqlite3_column_text(st, 2);

	e->status = enum_col(st, 1, F_EP_STATUS);
	e->admitted = day_col(st, 2);
	e->admitted_s = adm ? thads_day_secs((const char *)adm) : 0;
	if (e->admitted_s < 0)
		e->admitted_s = 0;
	e->released = day_col(st, 3);
	e->reason = enum_col(st, 4, F_EP_REASON);
	e->judgment = keepcol(pp, st, 5);
	return 0;
}

static int
ju_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_jud *j = p;

	if ((j->number = keepcol(pp, st, 1)) == NULL)
		return -1;
	j->date = day_col(st, 2);
	j->offence = day_col(st, 3);
	j->start = day_col(st, 4);
	j->release_ext = day_col(st, 5);
	j->type = enum_col(st, 6, F_JU_TYPE);
	j->category = enum_col(st, 7, F_JU_CATEGORY);
	j->article = keepcol(pp, st, 8);
	j->years = int_col(st, 9);
	j->months = int_col(st, 10);
	j->days = int_col(st, 11);
	j->probation = int_col(st, 12);
	j->consecutive = keepcol(pp, st, 13);
	return 0;
}

static int
od_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_ord *o = p;

	o->number = keepcol(pp, st, 1);
	o->start = day_col(st, 2);
	o->end = day_col(st, 3);
	o->category = enum_col(st, 4, F_OR_CATEGORY);
	o->stage = enum_col(st, 5, F_OR_STAGE);
	if (o->stage >= THADS_NSTAGE)
		o->stage = -1;		/* appeal: no limit in the pack */
	return 0;
}

static int
cl_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_cls *c = p;

	(void)pp;
	c->period = enum_col(st, 1, F_CL_PERIOD);
	c->end = day_col(st, 2);
	c->result = enum_col(st, 3, F_CL_RESULT);
	return 0;
}

static int
rd_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_red *r = p;

	r->decision = keepcol(pp, st, 1);
	r->date = day_col(st, 2);
	r->years = int_col(st, 3);
	r->months = int_col(st, 4);
	r->days = int_col(st, 5);
	r->judgment = keepcol(pp, st, 6);
	return 0;
}

static int
vi_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_vio *v = p;

	v->date = day_col(st, 1);
	v->kind = keepcol(pp, st, 2);
	return 0;
}

static int
ov_row(struct thads_people *pp, sqlite3_stmt *st, void *p)
{
	struct thads_ovr *o = p;
	const unsigned char *item = sqlite3_column_text(st, 2);

	o->judgment = keepcol(pp, st, 1);
	o->item = item ? thads_item_find((const char *)item) : -1;
	o->value = day_col(st, 3);
	o->reason = keepcol(pp, st, 4);
	o->by = keepcol(pp, st, 5);
	o->at = keepcol(pp, st, 6);
	return 0;
}

#define WHERE_ONE(only) ((only) > 0 ? " AND person_id = ?1" : "")

static const struct {
	const char *sql;	/* without the WHERE for one person */
	row_fn	*fn;
	size_t	 size;
	size_t	 ptr_off, n_off, arr_off;
	int	 optional;	/* the table may not exist yet */
} tables[] = {
	{ "SELECT person_id, status, admitted, released, release_reason, "
	    "judgment_number FROM episode WHERE deleted_at IS NULL", ep_row,
	    sizeof(struct thads_ep), offsetof(struct thads_dossier, ep),
	    offsetof(struct thads_dossier, nep),
	    offsetof(struct thads_people, ep), 0 },
	{ "SELECT person_id, number, date, offence_date, start_date, "
	    "release_date_ext, sentence_type, category, article, term_years, "
	    "term_months, term_days, probation_months, consecutive_to FROM "
	    "judgment WHERE deleted_at IS NULL", ju_row,
	    sizeof(struct thads_jud), offsetof(struct thads_dossier, ju),
	    offsetof(struct thads_dossier, nju),
	    offsetof(struct thads_people, ju), 0 },
	{ "SELECT person_id, number, start_date, end_date, category, stage "
	    "FROM detention_order WHERE deleted_at IS NULL", od_row,
	    sizeof(struct thads_ord), offsetof(struct thads_dossier, od),
	    offsetof(struct thads_dossier, nod),
	    offsetof(struct thads_people, od), 0 },
	{ "SELECT person_id, period, period_end, result FROM classification "
	    "WHERE deleted_at IS NULL", cl_row, sizeof(struct thads_cls),
	    offsetof(struct thads_dossier, cl),
	    offsetof(struct thads_dossier, ncl),
	    offsetof(struct thads_people, cl), 0 },
	{ "SELECT person_id, decision, date, years, months, days, "
	    "judgment_number FROM reduction WHERE deleted_at IS NULL", rd_row,
	    sizeof(struct thads_red), offsetof(struct thads_dossier, rd),
	    offsetof(struct thads_dossier, nrd),
	    offsetof(struct thads_people, rd), 0 },
	{ "SELECT person_id, date, kind FROM violation WHERE deleted_at IS "
	    "NULL", vi_row, sizeof(struct thads_vio),
	    offsetof(struct thads_dossier, vi),
	    offsetof(struct thads_dossier, nvi),
	    offsetof(struct thads_people, vi), 0 },
	{ "SELECT person_id, judgment_number, item, value, reason, set_by, "
	    "updated_at FROM sentence_override WHERE deleted_at IS NULL",
	    ov_row, sizeof(struct thads_ovr),
	    offsetof(struct thads_dossier, ov),
	    offsetof(struct thads_dossier, nov),
	    offsetof(struct thads_people, ov), 1 },
};

static int
table_exists(struct thads_db *db, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM sqlite_master WHERE "
	    "type = 'table' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int
persons(struct thads_db *db, struct thads_people *pp, long long only,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	void *p, *q;
	int rc;

	if ((rc = thads_db_prepare(db, only > 0 ? "SELECT id, ext_id, "
	    "national_id, birth_date FROM person WHERE deleted_at IS NULL AND "
	    "id = ?1" : "SELECT id, ext_id, national_id, birth_date FROM "
	    "person WHERE deleted_at IS NULL ORDER BY id", &st, err)) != 0)
		return rc;
	if (only > 0)
		sqlite3_bind_int64(st, 1, only);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (pp->n == cap) {
			cap = cap ? cap * 2 : 1024;
			p = realloc(pp->p, cap * sizeof(*pp->p));
			if (p != NULL)
				pp->p = p;
			q = realloc(pp->ids, cap * sizeof(*pp->ids));
			if (q != NULL)
				pp->ids = q;
			if (p == NULL || q == NULL)
				break;
		}
		memset(&pp->p[pp->n], 0, sizeof(pp->p[0]));
		pp->ids[pp->n] = pp->p[pp->n].row = sqlite3_column_int64(st, 0);
		pp->p[pp->n].id = keepcol(pp, st, 1);
		pp->p[pp->n].national_id = keepcol(pp, st, 2);
		pp->p[pp->n].birth = day_col(st, 3);
		pp->n++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

static int
cmp_rd(const void *a, const void *b)
{
	const struct thads_red *x = a, *y = b;

	return (x->date > y->date) - (x->date < y->date);
}

static int
cmp_ep(const void *a, const void *b)
{
	const struct thads_ep *x = a, *y = b;

	if (x->admitted != y->admitted)
		return (x->admitted > y->admitted) -
		    (x->admitted < y->admitted);
	return (x->admitted_s > y->admitted_s) -
	    (x->admitted_s < y->admitted_s);
}

int
thads_people_load(struct thads_db *db, long long only,
    struct thads_people **out, struct thads_err *err)
{
	struct thads_people *pp;
	struct rows r;
	char sql[512];
	size_t t, i;
	int rc;

	*out = NULL;
	if ((pp = calloc(1, sizeof(*pp))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	if ((rc = persons(db, pp, only, err)) != 0)
		goto fail;
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		if (tables[t].optional &&
		    !table_exists(db, "sentence_override"))
			continue;
		snprintf(sql, sizeof(sql), "%s%s", tables[t].sql,
		    WHERE_ONE(only));
		memset(&r, 0, sizeof(r));
		r.size = tables[t].size;
		rc = scan(db, pp, sql, only, &r, tables[t].fn, err);
		if (rc == 0)
			rc = bucket(pp, &r, (void **)((char *)pp +
			    tables[t].arr_off), tables[t].ptr_off,
			    tables[t].n_off);
		if (rc != 0) {
			free(r.buf);
			free(r.owner);
			if (rc == THADS_ENOMEM)
				thads_seterr(err, rc, NULL, 0, "out of memory");
			goto fail;
		}
	}
	for (i = 0; i < pp->n; i++) {
		if (pp->p[i].nrd > 1)
			qsort(pp->p[i].rd, pp->p[i].nrd, sizeof(*pp->p[i].rd),
			    cmp_rd);
		if (pp->p[i].nep > 1)
			qsort(pp->p[i].ep, pp->p[i].nep, sizeof(*pp->p[i].ep),
			    cmp_ep);
	}
	*out = pp;
	return 0;
fail:
	thads_people_free(pp);
	return rc;
}

size_t
thads_people_count(const struct thads_people *pp)
{
	return pp->n;
}

const struct thads_dossier *
thads_people_at(const struct thads_people *pp, size_t i)
{
	return i < pp->n ? &pp->p[i] : NULL;
}

void
thads_people_free(struct thads_people *pp)
{
	struct blk *b, *n;

	if (pp == NULL)
		return;
	for (b = pp->mem; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	free(pp->p);
	free(pp->ids);
	free(pp->ep);
	free(pp->ju);
	free(pp->od);
	free(pp->cl);
	free(pp->rd);
	free(pp->vi);
	free(pp->ov);
	free(pp);
}

int
thads_person_find(struct thads_db *db, const char *who, long long *row,
    struct thads_err *err)
{
	static const char *const sql[] = {
		"SELECT id FROM person WHERE ext_id = ?1 AND "
		    "deleted_at IS NULL",
		"SELECT id FROM person WHERE national_id = ?1 AND "
		    "deleted_at IS NULL",
		"SELECT id FROM person WHERE id = ?1 AND deleted_at IS NULL",
	};
	sqlite3_stmt *st;
	size_t i;
	long v;
	int rc;

	for (i = 0; i < 3; i++) {
		if (i == 2 && (who[0] != '#' ||
		    thads_parse_long(who + 1, 1, 0x7fffffffL, &v) != 0))
			break;
		if ((rc = thads_db_prepare(db, sql[i], &st, err)) != 0)
			return rc;
		if (i == 2)
			sqlite3_bind_int64(st, 1, v);
		else
			sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*row = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			return 0;
		if (rc != SQLITE_DONE)
			return thads_db_fail(db, rc, err);
	}
	return thads_seterr(err, THADS_ENOINPUT, NULL, 0, "no person '%s' "
	    "(give person.id, the national ID, or #ROWID)", who);
}

int
thads_alert_schema_ensure(struct thads_db *db, struct thads_err *err)
{
	if (table_exists(db, "alert_seen") && table_exists(db, "alert_ack") &&
	    table_exists(db, "sentence_override"))
		return 0;
	return thads_db_exec(db, thads_schema_alert, err);
}

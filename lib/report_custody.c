/*
 * report_custody.c: population, flow and stay: who is held, who comes
 * and goes, and for how long.  The definitions are those of
 * thads-report(1); the version of each is in report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

/* Episodes open at the end of day ?1 - 1, the latest per person. */
#define OPEN_AT \
	" e.deleted_at IS NULL AND e.admitted < ?1" \
	" AND (e.released IS NULL OR e.released >= ?1)" \
	" AND NOT EXISTS (SELECT 1 FROM episode x" \
	"   WHERE x.person_id = e.person_id AND x.admitted > e.admitted" \
	"   AND x.admitted < ?1 AND (x.released IS NULL OR x.released >= ?1)" \
	"   AND x.deleted_at IS NULL)"

static const char pop_sql[] =
    "SELECT e.person_id, p.ext_id, e.status, e.custody_level, f.code,"
    " f.ward, e.admitted, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN " WHERE" OPEN_AT;

static const char pop_list_sql[] =
    "SELECT e.person_id, p.ext_id, e.status, e.custody_level, f.code,"
    " f.ward, e.admitted, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN " WHERE" OPEN_AT " ORDER BY f.code, p.ext_id, e.id";

/* The unit of a row of pop_sql, its age taken on day. */
static void
pop_unit(sqlite3_stmt *st, struct unit *u, int day)
{
	memset(u, 0, sizeof(*u));
	u->pid = sqlite3_column_int64(st, 0);
	u->ext_id = rpt_text(st, 1);
	u->status = rpt_text(st, 2);
	u->level = rpt_text(st, 3);
	u->facility = rpt_text(st, 4);
	u->ward = rpt_text(st, 5);
	rpt_unit_person(u, st, 7, day);
}

/* Bind the day after day as text to parameter i of st. */
static void
bind_day(sqlite3_stmt *st, int i, int day)
{
	char d[11];

	rpt_date(day, d);
	sqlite3_bind_text(st, i, d, -1, SQLITE_TRANSIENT);
}

/* Step st to its next row: 1 a row, 0 done, < 0 an error (reported). */
static int
next_row(struct rctx *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : rpt_dbfail(c, rc);
}

/*
 * population --list: one row per person.
 */
static int
pop_list(struct rctx *c)
{
	static const char *const names[] = {
		"person", "facility", "status", "custody_level", "admitted",
		"sex", "age", "sentence_type", "sentence_band",
		"offence_group"
	};
	char id[80], age[16];
	struct rtab t;
	sqlite3_stmt *st;
	struct unit u;
	size_t i, r;
	int rc;

	rtab_init(&t, "person", "Population on a day: persons");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		rtab_col(&t, names[i], i == 4 ? THADS_COL_DATE : i == 6 ?
		    THADS_COL_INT : THADS_COL_TEXT, R_TEXT);
	rpt_meta(c, &t);
	if ((rc = rpt_prepare(c, pop_list_sql, &st)) != 0) {
		rtab_free(&t);
		return rc;
	}
	bind_day(st, 1, c->as_of + 1);
	while ((rc = next_row(c, st)) > 0) {
		pop_unit(st, &u, c->as_of);
		if (!rpt_keep(c, u.facility, u.status))
			continue;
		rpt_person_id(c, &u, id, sizeof(id));
		snprintf(age, sizeof(age), "%d", u.age);
		r = rtab_row(&t);
		rtab_set(&t, r, 0, id);
		rtab_set(&t, r, 1, u.facility);
		rtab_set(&t, r, 2, u.status);
		rtab_set(&t, r, 3, u.level);
		rtab_set(&t, r, 4, rpt_text(st, 6));
		rtab_set(&t, r, 5, rpt_dim_value(D_SEX, &u));
		rtab_set(&t, r, 6, u.age >= 0 ? age : NULL);
		rtab_set(&t, r, 7, u.stype);
		rtab_set(&t, r, 8, rpt_dim_value(D_SENTENCE_BAND, &u));
		rtab_set(&t, r, 9, rpt_dim_value(D_OFFENCE_GROUP, &u));
	}
	sqlite3_finalize(st);
	if (rc == 0)
		rc = rtab_write(c, &t);
	rtab_free(&t);
	return rc;
}

/* The dimensions of population without --by, one block each. */
static const int long_dims[] = {
	D_FACILITY, D_STATUS, D_LEVEL, D_SEX, D_AGE_BAND, D_SENTENCE_BAND
};
#define NLONG	(sizeof(long_dims) / sizeof(long_dims[0]))

/* Set a share in per cent of row r (count in col, of total). */
static void
share(struct rtab *t, size_t r, size_t col, size_t scol, size_t total_row,
    long long n, long long total)
{
	if (total > 0)
		rtab_setf(t, r, scol, 100.0 * (double)n / (double)total, 1);
	rtab_dep(t, RT_CELL(t, r, scol), RT_CELL(t, r, col));
	rtab_dep(t, RT_CELL(t, r, scol), RT_CELL(t, total_row, col));
}

/*
 * Rows of a long table: for each dimension, its values, then the total
 * row; every block adds up to the total.
 */
static void
pop_long(struct rtab *t, struct cube **cubes, long long total)
{
	size_t d, i, n, r, first, tr, *rows;
	struct cgroup **g;

	rows = calloc(NLONG + 1, sizeof(*rows));
	if (rows == NULL) {
		t->oom = 1;
		return;
	}
	for (d = 0; d < NLONG; d++) {
		g = cube_sorted(cubes[d], &n);
		first = t->nrows;
		for (i = 0; i < n; i++) {
			r = rtab_row(t);
			rtab_set(t, r, 0, rpt_dim_name(long_dims[d]));
			rtab_set(t, r, 1, g[i]->key[0]);
			rtab_setn(t, r, 2, g[i]->acc[0]);
		}
		rows[d] = first;
	}
	tr = rtab_row(t);
	rtab_set(t, tr, 0, RPT_ALL);
	rtab_set(t, tr, 1, RPT_ALL);
	rtab_setn(t, tr, 2, total);
	rtab_setf(t, tr, 3, 100.0, 1);
	rows[NLONG] = tr;
	for (d = 0; d < NLONG; d++) {
		rtab_eq_col(t, tr, 2, rows[d], rows[d + 1]);
		for (r = rows[d]; r < rows[d + 1] && !t->oom; r++)
			share(t, r, 2, 3, tr, strtoll(t->cells[RT_CELL(t, r,
			    2)], NULL, 10), total);
	}
	free(rows);
}

/* Rows grouped by --by, then the total row. */
static void
pop_cross(struct rctx *c, struct rtab *t, struct cube *cube, long long total)
{
	struct cgroup **g;
	size_t i, k, n, r, tr;

	g = cube_sorted(cube, &n);
	if (c->nby == 0)
		n = 0;	/* the total alone */
	for (i = 0; i < n; i++) {
		r = rtab_row(t);
		for (k = 0; k < c->nby; k++)
			rtab_set(t, r, k, g[i]->key[k]);
		rtab_setn(t, r, c->nby, g[i]->acc[0]);
	}
	tr = rtab_row(t);
	for (k = 0; k < c->nby; k++)
		rtab_set(t, tr, k, RPT_ALL);
	rtab_setn(t, tr, c->nby, total);
	rtab_setf(t, tr, c->nby + 1, 100.0, 1);
	rtab_eq_col(t, tr, c->nby, 0, n);
	for (i = 0; i < n; i++)
		share(t, i, c->nby, c->nby + 1, tr, g[i]->acc[0], total);
}

static void
pop_columns(struct rctx *c, struct rtab *t, int islong)
{
	struct thads_chart *ch = &t->charts[0];
	size_t k;

	if (islong) {
		rtab_col(t, "dimension", THADS_COL_TEXT, R_DIM);
		rtab_col(t, "value", THADS_COL_TEXT, R_DIM);
	}
	for (k = 0; !islong && k < c->nby; k++)
		rtab_col(t, rpt_dim_name(c->by[k]), THADS_COL_TEXT, R_DIM);
	rtab_col(t, "persons", THADS_COL_INT, R_COUNT);
	rtab_col(t, "share_pct", THADS_COL_REAL, R_STAT);

	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = "Persons";
	ch->skip = RPT_ALL;
	ch->split = islong ? 0 : -1;
	if (islong) {
		ch->label[ch->nlabel++] = 1;
	} else {
		for (k = 0; k < c->nby; k++)
			ch->label[ch->nlabel++] = k;
		if (c->nby == 0) {
			ch->skip = NULL;
			ch->split = -1;
		}
	}
	ch->series[ch->nseries++] = islong ? 2 : c->nby;
	t->ncharts = c->nby > 0 || islong;
}

int
rpt_population(struct rctx *c)
{
	struct cube *cubes[NLONG] = { NULL };
	const char *key[CUBE_MAXKEY];
	int islong = !c->o->by_set && c->nby == 0, rc;
	size_t d, ncubes = islong ? NLONG : 1;
	long long total = 0;
	struct cgroup *g;
	sqlite3_stmt *st;
	struct rtab t;
	struct unit u;

	if (c->o->list)
		return pop_list(c);
	rtab_init(&t, "population", c->r->title);
	pop_columns(c, &t, islong);
	rpt_meta(c, &t);
	for (d = 0; d < ncubes; d++)
		if ((cubes[d] = islong ? cube_new(&long_dims[d], 1, 1) :
		    cube_new(c->by, c->nby, 1)) == NULL)
			t.oom = 1;
	if (t.oom || (rc = rpt_prepare(c, pop_sql, &st)) != 0) {
		rc = t.oom ? thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory") : rc;
		goto out;
	}
	bind_day(st, 1, c->as_of + 1);
	while ((rc = next_row(c, st)) > 0) {
		pop_unit(st, &u, c->as_of);
		if (!rpt_keep(c, u.facility, u.status))
			continue;
		total++;
		for (d = 0; d < ncubes; d++) {
			if (islong)
				key[0] = rpt_dim_value(long_dims[d], &u);
			else
				rpt_key(c, &u, key);
			if ((g = cube_get(cubes[d], key)) == NULL)
				t.oom = 1;
			else
				g->acc[0]++;
		}
	}
	sqlite3_finalize(st);
	if (rc == 0) {
		if (islong)
			pop_long(&t, cubes, total);
		else
			pop_cross(c, &t, cubes[0], total);
		rc = rtab_write(c, &t);
	}
out:
	for (d = 0; d < ncubes; d++)
		cube_free(cubes[d]);
	rtab_free(&t);
	return rc;
}

/*
 * flow.
 */

static const char *const reasons[] = {
	"sentence_served", "reduction", "amnesty", "conditional_release",
	"transfer", "death", "acquitted", "charges_dropped", "bail",
	"measure_changed", "escape", "other", "unknown"
};
#define NREASONS	(sizeof(reasons) / sizeof(reasons[0]))
#define FLOW_ACC	(2 + NREASONS)	/* admissions, releases, reasons */

static const char flow_sql[] =
    "SELECT e.person_id, e.admitted, e.released, e.release_reason,"
    " e.status, e.custody_level, f.code, f.ward, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN
    " WHERE e.deleted_at IS NULL AND ((e.admitted >= ?1 AND e.admitted < ?2)"
    " OR (e.released >= ?1 AND e.released < ?2))";

static size_t
reason_index(const char *r)
{
	size_t i;

	for (i = 0; r != NULL && i + 1 < NREASONS; i++)
		if (strcmp(reasons[i], r) == 0)
			return i;
	return NREASONS - 1;
}

struct flow {
	struct rctx	*c;
	struct rpt_periods	 per;
	struct cube	*cube;
	struct stays	*stays;
	long long	*all;	/* per period, over groups */
	int		 oom;
};

static void
flow_event(struct flow *f, const struct unit *u, int day, int what,
    size_t reason)
{
	const char *key[CUBE_MAXKEY];
	size_t p = rpt_period_of(&f->per, day);
	long long *acc[2];
	struct cgroup *g;
	int i;

	rpt_key(f->c, u, key);
	if ((g = cube_get(f->cube, key)) == NULL) {
		f->oom = 1;
		return;
	}
	acc[0] = g->acc + p * FLOW_ACC;
	acc[1] = f->all + p * FLOW_ACC;
	for (i = 0; i < 2; i++) {
		acc[i][what]++;
		if (what == 1)
			acc[i][2 + reason]++;
	}
}

/* The admission and release (if any) that a row of flow_sql makes. */
static int
flow_row(struct flow *f, sqlite3_stmt *st)
{
	const char *adm = rpt_text(st, 1), *rel = rpt_text(st, 2);
	const char *reason = rpt_text(st, 3);
	struct unit u;
	int day, yes, rc;

	memset(&u, 0, sizeof(u));
	u.pid = sqlite3_column_int64(st, 0);
	u.status = rpt_text(st, 4);
	u.level = rpt_text(st, 5);
	u.facility = rpt_text(st, 6);
	u.ward = rpt_text(st, 7);
	u.reason = reason;
	if (!rpt_is_custody(u.status) || !rpt_keep(f->c, u.facility, u.status))
		return 0;
	if (rpt_day(adm, &day) == 0 && day >= f->per.from &&
	    day <= f->per.to) {
		if ((rc = rpt_stay_continues(f->stays, u.pid, adm, &yes)))
			return rc;
		rpt_unit_person(&u, st, 8, day);
		if (!yes)
			flow_event(f, &u, day, 0, 0);
	}
	if (rpt_day(rel, &day) == 0 && day >= f->per.from &&
	    day <= f->per.to) {
		if ((rc = rpt_stay_goes_on(f->stays, u.pid, adm, rel, reason,
		    &yes)))
			return rc;
		rpt_unit_person(&u, st, 8, day);
		if (!yes)
			flow_event(f, &u, day, 1, reason_index(reason));
	}
	return f->oom ? THADS_ENOMEM : 0;
}

static void
flow_columns(struct rctx *c, struct rtab *t)
{
	struct thads_chart *ch = &t->charts[0];
	char name[64];
	size_t k, col;

	for (k = 0; k < c->nby; k++)
		rtab_col(t, rpt_dim_name(c->by[k]), THADS_COL_TEXT, R_DIM);
	col = rtab_col(t, "period", THADS_COL_TEXT, R_DIM);
	rtab_col(t, "period_start", THADS_COL_DATE, R_DIM);
	rtab_col(t, "period_end", THADS_COL_DATE, R_DIM);
	rtab_col(t, "admissions", THADS_COL_INT, R_COUNT);
	rtab_col(t, "releases", THADS_COL_INT, R_COUNT);
	for (k = 0; k < NREASONS; k++) {
		snprintf(name, sizeof(name), "released_%s", reasons[k]);
		rtab_col(t, name, THADS_COL_INT, R_COUNT);
	}
	if (c->nby > 0)
		return;
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_LINE;
	ch->title = "Admissions and releases";
	ch->label[ch->nlabel++] = col;
	ch->series[ch->nseries++] = col + 3;
	ch->series[ch->nseries++] = col + 4;
	ch->split = -1;
	ch->skip = RPT_ALL;
	t->ncharts = 1;
}

/*
 * One block of rows: a group's periods then its total, with the sums
 * that hold: releases are the sum of the reasons in every row, and the
 * total row is the sum of the periods in every column.
 */
static size_t
flow_block(struct flow *f, struct rtab *t, const char *const *key,
    const long long *acc)
{
	const struct rpt_periods *p = &f->per;
	size_t k, r, first = t->nrows, nb = f->c->nby, parts[NREASONS];
	long long sum[FLOW_ACC] = { 0 };
	char label[32];
	int s, e;

	for (k = 0; k <= p->n; k++) {
		r = rtab_row(t);
		for (s = 0; s < (int)nb; s++)
			rtab_set(t, r, (size_t)s, key[s]);
		if (k < p->n) {
			s = p->start[k] < p->from ? p->from : p->start[k];
			e = p->start[k + 1] - 1 > p->to ? p->to :
			    p->start[k + 1] - 1;
			rpt_period_label(p->start[k], p->every, label,
			    sizeof(label));
		} else {
			s = p->from;
			e = p->to;
			snprintf(label, sizeof(label), "%s", RPT_ALL);
		}
		rtab_set(t, r, nb, label);
		rpt_date(s, label);
		rtab_set(t, r, nb + 1, label);
		rpt_date(e, label);
		rtab_set(t, r, nb + 2, label);
		for (s = 0; s < (int)FLOW_ACC; s++) {
			if (k < p->n)
				sum[s] += acc[k * FLOW_ACC + (size_t)s];
			rtab_setn(t, r, nb + 3 + (size_t)s, k < p->n ?
			    acc[k * FLOW_ACC + (size_t)s] : sum[s]);
		}
		for (s = 0; s < (int)NREASONS; s++)
			parts[s] = RT_CELL(t, r, nb + 5 + (size_t)s);
		rtab_eq(t, RT_CELL(t, r, nb + 4), parts, NREASONS);
	}
	for (s = 0; s < (int)FLOW_ACC; s++)
		rtab_eq_col(t, first + p->n, nb + 3 + (size_t)s, first,
		    first + p->n);
	return first;
}

static void
flow_table(struct flow *f, struct rtab *t)
{
	const char *all[CUBE_MAXKEY] = { NULL };
	size_t i, n, k, r, col, nb = f->c->nby, *firsts, per = f->per.n + 1;
	struct cgroup **g = cube_sorted(f->cube, &n);

	if ((firsts = calloc(n + 1, sizeof(*firsts))) == NULL) {
		t->oom = 1;
		return;
	}
	for (i = 0; i < n && nb > 0; i++)
		firsts[i] = flow_block(f, t, g[i]->key, g[i]->acc);
	for (k = 0; k < nb; k++)
		all[k] = RPT_ALL;
	firsts[n] = flow_block(f, t, all, f->all);

	/* With groups, each row of the (all) block adds up the groups'. */
	for (r = 0; nb > 0 && n > 0 && r < per; r++)
		for (col = nb + 3; col < nb + 3 + FLOW_ACC; col++) {
			size_t *parts = malloc(n * sizeof(*parts));

			if (parts == NULL) {
				t->oom = 1;
				break;
			}
			for (i = 0; i < n; i++)
				parts[i] = RT_CELL(t, firsts[i] + r, col);
			rtab_eq(t, RT_CELL(t, firsts[n] + r, col), parts, n);
			free(parts);
		}
	free(firsts);
}

int
rpt_flow(struct rctx *c)
{
	struct flow f;
	sqlite3_stmt *st = NULL;
	struct rtab t;
	int rc;

	memset(&f, 0, sizeof(f));
	f.c = c;
	rtab_init(&t, "flow", c->r->title);
	flow_columns(c, &t);
	rpt_meta(c, &t);
	if (rpt_periods_init(&f.per, c->from, c->to, c->o->every) != 0 ||
	    (f.cube = cube_new(c->by, c->nby, f.per.n * FLOW_ACC)) == NULL ||
	    (f.all = calloc(f.per.n * FLOW_ACC + 1, sizeof(*f.all))) ==
	    NULL) {
		rc = thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	if ((rc = rpt_stays_open(c, &f.stays)) != 0 ||
	    (rc = rpt_prepare(c, flow_sql, &st)) != 0)
		goto out;
	bind_day(st, 1, c->from);
	bind_day(st, 2, c->to + 1);
	while ((rc = next_row(c, st)) > 0)
		if ((rc = flow_row(&f, st)) != 0)
			break;
	if (rc == THADS_ENOMEM)
		rc = thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	if (rc == 0) {
		flow_table(&f, &t);
		rc = rtab_write(c, &t);
	}
out:
	sqlite3_finalize(st);
	rpt_stays_close(f.stays);
	cube_free(f.cube);
	free(f.all);
	free(f.per.start);
	rtab_free(&t);
	return rc;
}

/*
 * stay.
 */

/*
 * One pass over the episodes for both measures: those released in the
 * period (?1, ?2) and those open at the end of the as-of day (?3), the
 * latter marked latest when no later episode of the person is open too.
 */
static const char stay_sql[] =
    "SELECT e.person_id, e.admitted, e.released, e.release_reason,"
    " e.status, e.custody_level, f.code, f.ward, " RPT_PERSON_COLS ","
    " e.released >= ?1 AND e.released < ?2,"
    " CASE WHEN e.admitted < ?3 AND (e.released IS NULL OR e.released >= ?3)"
    " THEN NOT EXISTS (SELECT 1 FROM episode x"
    "   WHERE x.person_id = e.person_id AND x.admitted > e.admitted"
    "   AND x.admitted < ?3 AND (x.released IS NULL OR x.released >= ?3)"
    "   AND x.deleted_at IS NULL) END"
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN
    " WHERE e.deleted_at IS NULL AND ((e.released >= ?1 AND e.released < ?2)"
    " OR (e.admitted < ?3 AND (e.released IS NULL OR e.released >= ?3)))";

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Quantile p of the n sorted values v: linear between the closest
 * ranks (type 7 of Hyndman and Fan: Excel's QUARTILE.INC). */
static double
quantile(const int *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)h;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (double)(v[lo + 1] - v[lo]);
}

/* The statistics columns of row r from the values of g (sorted here). */
static void
stay_stats(struct rtab *t, size_t r, size_t col, struct cgroup *g)
{
	double sum = 0;
	size_t i;

	rtab_setn(t, r, col, (long long)g->nvals);
	for (i = 1; i <= 6; i++)
		rtab_dep(t, RT_CELL(t, r, col + i), RT_CELL(t, r, col));
	if (g->nvals == 0)
		return;
	qsort(g->vals, g->nvals, sizeof(*g->vals), cmp_int);
	for (i = 0; i < g->nvals; i++)
		sum += g->vals[i];
	rtab_setf(t, r, col + 1, sum / (double)g->nvals, 1);
	rtab_setf(t, r, col + 2, quantile(g->vals, g->nvals, 0.25), 1);
	rtab_setf(t, r, col + 3, quantile(g->vals, g->nvals, 0.5), 1);
	rtab_setf(t, r, col + 4, quantile(g->vals, g->nvals, 0.75), 1);
	rtab_setn(t, r, col + 5, g->vals[0]);
	rtab_setn(t, r, col + 6, g->vals[g->nvals - 1]);
}

/* Keep length len for u in cube (and in the total group all). */
static int
stay_keep(struct rctx *c, struct cube *cube, struct cgroup *all,
    const struct unit *u, int len)
{
	const char *key[CUBE_MAXKEY];
	struct cgroup *g;

	rpt_key(c, u, key);
	if ((g = cube_get(cube, key)) == NULL || cube_keep(g, len) != 0 ||
	    cube_keep(all, len) != 0)
		return THADS_ENOMEM;
	return 0;
}

struct staysum {
	struct rctx	*c;
	struct stays	*s;
	struct cube	*cube[2];	/* released, in_custody */
	struct cgroup	*all[2];
};

/* The length of the stay that a released row of stay_sql ends. */
static int
stay_released(struct staysum *y, sqlite3_stmt *st, struct unit *u)
{
	int rc, yes, start, rel;

	if (rpt_day(rpt_text(st, 2), &rel) != 0)
		return 0;
	if ((rc = rpt_stay_goes_on(y->s, u->pid, rpt_text(st, 1),
	    rpt_text(st, 2), u->reason, &yes)) != 0 || yes)
		return rc;
	if ((rc = rpt_stay_start(y->s, u->pid, rpt_text(st, 1), &start)))
		return rc;
	rpt_unit_person(u, st, 8, rel);
	return stay_keep(y->c, y->cube[0], y->all[0], u, rel - start);
}

/* Time served so far by a person held at the end of the as-of day. */
static int
stay_current(struct staysum *y, sqlite3_stmt *st, struct unit *u)
{
	int rc, start;

	if ((rc = rpt_stay_start(y->s, u->pid, rpt_text(st, 1), &start)))
		return rc;
	rpt_unit_person(u, st, 8, y->c->as_of);
	u->reason = NULL;
	return stay_keep(y->c, y->cube[1], y->all[1], u, y->c->as_of - start);
}

static int
stay_scan(struct staysum *y)
{
	struct rctx *c = y->c;
	sqlite3_stmt *st;
	struct unit u;
	int rc;

	if ((rc = rpt_prepare(c, stay_sql, &st)) != 0)
		return rc;
	bind_day(st, 1, c->from);
	bind_day(st, 2, c->to + 1);
	bind_day(st, 3, c->as_of + 1);
	while ((rc = next_row(c, st)) > 0) {
		memset(&u, 0, sizeof(u));
		u.pid = sqlite3_column_int64(st, 0);
		u.reason = rpt_text(st, 3);
		u.status = rpt_text(st, 4);
		u.level = rpt_text(st, 5);
		u.facility = rpt_text(st, 6);
		u.ward = rpt_text(st, 7);
		if (!rpt_is_custody(u.status) ||
		    !rpt_keep(c, u.facility, u.status))
			continue;
		if (sqlite3_column_int(st, 17) &&
		    (rc = stay_released(y, st, &u)) != 0)
			break;
		if (sqlite3_column_int(st, 18) &&
		    (rc = stay_current(y, st, &u)) != 0)
			break;
	}
	sqlite3_finalize(st);
	return rc;
}

static void
stay_block(struct rctx *c, struct rtab *t, const char *measure,
    struct cube *cube, struct cgroup *all)
{
	size_t i, k, n, r, first = t->nrows;
	struct cgroup **g = cube_sorted(cube, &n);

	for (i = 0; i < n && c->nby > 0; i++) {
		r = rtab_row(t);
		rtab_set(t, r, 0, measure);
		for (k = 0; k < c->nby; k++)
			rtab_set(t, r, k + 1, g[i]->key[k]);
		stay_stats(t, r, c->nby + 1, g[i]);
	}
	r = rtab_row(t);
	rtab_set(t, r, 0, measure);
	for (k = 0; k < c->nby; k++)
		rtab_set(t, r, k + 1, RPT_ALL);
	stay_stats(t, r, c->nby + 1, all);
	if (c->nby > 0)
		rtab_eq_col(t, r, c->nby + 1, first, r);
}

static void
stay_columns(struct rctx *c, struct rtab *t)
{
	struct thads_chart *ch = &t->charts[0];
	size_t k, col;

	rtab_col(t, "measure", THADS_COL_TEXT, R_DIM);
	for (k = 0; k < c->nby; k++)
		rtab_col(t, rpt_dim_name(c->by[k]), THADS_COL_TEXT, R_DIM);
	col = rtab_col(t, "stays", THADS_COL_INT, R_COUNT);
	rtab_col(t, "mean_days", THADS_COL_REAL, R_STAT);
	rtab_col(t, "p25_days", THADS_COL_REAL, R_STAT);
	rtab_col(t, "median_days", THADS_COL_REAL, R_STAT);
	rtab_col(t, "p75_days", THADS_COL_REAL, R_STAT);
	rtab_col(t, "min_days", THADS_COL_INT, R_STAT);
	rtab_col(t, "max_days", THADS_COL_INT, R_STAT);
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = "Median and mean days";
	for (k = 0; k <= c->nby && k < THADS_CHART_MAXLABEL; k++)
		ch->label[ch->nlabel++] = k;
	ch->series[ch->nseries++] = col + 3;
	ch->series[ch->nseries++] = col + 1;
	ch->split = -1;
	ch->skip = c->nby > 0 ? RPT_ALL : NULL;
	t->ncharts = 1;
}

int
rpt_stay(struct rctx *c)
{
	const char *key[CUBE_MAXKEY] = { "released" };
	struct cube *allc = NULL;
	struct staysum y;
	struct rtab t;
	int rc = 0, i, d = D_TEXT;

	memset(&y, 0, sizeof(y));
	y.c = c;
	rtab_init(&t, "stay", c->r->title);
	stay_columns(c, &t);
	rpt_meta(c, &t);
	for (i = 0; i < 2; i++)
		if ((y.cube[i] = cube_new(c->by, c->nby, 0)) == NULL)
			t.oom = 1;
	if ((allc = cube_new(&d, 1, 0)) == NULL || t.oom ||
	    (y.all[0] = cube_get(allc, key)) == NULL) {
		rc = THADS_ENOMEM;
		goto out;
	}
	key[0] = "in_custody";
	if ((y.all[1] = cube_get(allc, key)) == NULL) {
		rc = THADS_ENOMEM;
		goto out;
	}
	if ((rc = rpt_stays_open(c, &y.s)) != 0 || (rc = stay_scan(&y)) != 0)
		goto out;
	stay_block(c, &t, "released", y.cube[0], y.all[0]);
	stay_block(c, &t, "in_custody", y.cube[1], y.all[1]);
	rc = rtab_write(c, &t);
out:
	if (rc == THADS_ENOMEM && c->err->msg[0] == '\0')
		rc = thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	rpt_stays_close(y.s);
	for (i = 0; i < 2; i++)
		cube_free(y.cube[i]);
	cube_free(allc);
	rtab_free(&t);
	return rc;
}

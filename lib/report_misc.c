/*
 * report_misc.c: classification, reductions, supervision, community,
 * training, events and releases due.  The definitions are those of
 * thads-report(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

/* The latest episode open at the end of the day given by the SQL
 * expression D (the day after it, as text, is D1). */
#define HELD_ON(who, D1) \
	"(SELECT x.id FROM episode x WHERE x.person_id = " who \
	" AND x.admitted < " D1 " AND (x.released IS NULL OR x.released >= " \
	D1 ") AND x.deleted_at IS NULL ORDER BY x.admitted DESC LIMIT 1)"

#define NOMEM(c)	thads_seterr((c)->err, THADS_ENOMEM, NULL, 0, \
			    "out of memory")

static void
bind_date(sqlite3_stmt *st, int i, int day)
{
	char d[11];

	rpt_date(day, d);
	sqlite3_bind_text(st, i, d, -1, SQLITE_TRANSIENT);
}

static void
dim_columns(struct rctx *c, struct rtab *t)
{
	size_t k;

	for (k = 0; k < c->nby; k++)
		rtab_col(t, rpt_dim_name(c->by[k]), THADS_COL_TEXT, R_DIM);
}

/* Sum the counters of rows [r0, r1) of t, columns [c0, c1), into row
 * tr, and record the sums. */
static void
total_rows(struct rtab *t, size_t tr, size_t r0, size_t r1, size_t c0,
    size_t c1)
{
	size_t col;

	for (col = c0; col < c1; col++)
		rtab_eq_col(t, tr, col, r0, r1);
}

/* A row's count columns [c0, c1) from acc. */
static void
set_counts(struct rtab *t, size_t r, size_t c0, const long long *acc,
    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rtab_setn(t, r, c0 + i, acc[i]);
}

/* Cell (r, s) is the share of (r, part) in (r, whole), in per cent. */
static void
pct(struct rtab *t, size_t r, size_t s, size_t part, size_t whole,
    long long p, long long w)
{
	if (w > 0)
		rtab_setf(t, r, s, 100.0 * (double)p / (double)w, 1);
	rtab_dep(t, RT_CELL(t, r, s), RT_CELL(t, r, part));
	rtab_dep(t, RT_CELL(t, r, s), RT_CELL(t, r, whole));
}

/*
 * Grouped counts: groups of the cube in order, then the total row; the
 * counters go to columns [c0, c0 + nacc).  Returns the total row.
 */
static size_t
grouped(struct rctx *c, struct rtab *t, struct cube *cube, size_t c0,
    size_t nacc, long long *sum)
{
	struct cgroup **g;
	size_t i, k, n, r, tr;

	memset(sum, 0, nacc * sizeof(*sum));
	g = cube_sorted(cube, &n);
	for (i = 0; i < n && c->nby > 0; i++) {
		r = rtab_row(t);
		for (k = 0; k < c->nby; k++)
			rtab_set(t, r, k, g[i]->key[k]);
		set_counts(t, r, c0, g[i]->acc, nacc);
		for (k = 0; k < nacc; k++)
			sum[k] += g[i]->acc[k];
	}
	if (c->nby == 0)
		for (i = 0; i < n; i++)
			for (k = 0; k < nacc; k++)
				sum[k] += g[i]->acc[k];
	tr = rtab_row(t);
	for (k = 0; k < c->nby; k++)
		rtab_set(t, tr, k, RPT_ALL);
	set_counts(t, tr, c0, sum, nacc);
	if (c->nby > 0)
		total_rows(t, tr, tr - n, tr, c0, c0 + nacc);
	return tr;
}

static void
bar_chart(struct rctx *c, struct rtab *t, const char *title,
    const size_t *series, size_t nseries)
{
	struct thads_chart *ch = &t->charts[t->ncharts];
	size_t k;

	if (c->nby == 0 || t->ncharts == RT_MAXCHARTS)
		return;
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = title;
	for (k = 0; k < c->nby && k < THADS_CHART_MAXLABEL; k++)
		ch->label[ch->nlabel++] = k;
	for (k = 0; k < nseries; k++)
		ch->series[ch->nseries++] = series[k];
	ch->split = -1;
	ch->skip = RPT_ALL;
	t->ncharts++;
}

/* Step st: 1 a row, 0 done, or the error. */
static int
step(struct rctx *c, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : rpt_dbfail(c, rc);
}

/*
 * classification.
 */

static const char *const results[] = { "good", "fair", "average", "poor" };

static const char cls_sql[] =
    "SELECT c.person_id, c.period, c.period_end, c.result, e.status,"
    " e.custody_level, f.code, f.ward, " RPT_PERSON_COLS
    " FROM classification c"
    " JOIN person p ON p.id = c.person_id AND p.deleted_at IS NULL"
    " LEFT JOIN episode e ON e.id = "
    HELD_ON("c.person_id", "date(c.period_end, '+1 day')")
    " LEFT JOIN facility f ON f.id = e.facility_id"
    " LEFT JOIN judgment j ON j.person_id = c.person_id"
    " AND j.number = e.judgment_number AND j.deleted_at IS NULL"
    " WHERE c.deleted_at IS NULL AND c.period_end >= ?1"
    " AND c.period_end < ?2";

static void
cls_row(struct rtab *t, size_t r, size_t c0, const long long *acc)
{
	size_t i, parts[4];

	set_counts(t, r, c0, acc, 5);
	for (i = 0; i < 4; i++) {
		parts[i] = RT_CELL(t, r, c0 + 1 + i);
		pct(t, r, c0 + 5 + i, c0 + 1 + i, c0, acc[1 + i], acc[0]);
	}
	rtab_eq(t, RT_CELL(t, r, c0), parts, 4);
}

/* Rows per assessment period: its groups, then its total. */
static void
cls_table(struct rctx *c, struct rtab *t, struct cube *cube)
{
	size_t i, j, k, n, r, first, c0 = 2 + c->nby;
	struct cgroup **g = cube_sorted(cube, &n);
	long long sum[5];

	for (i = 0; i < n; i = j) {
		memset(sum, 0, sizeof(sum));
		first = t->nrows;
		for (j = i; j < n && g[j]->key[0] == g[i]->key[0] &&
		    g[j]->key[1] == g[i]->key[1]; j++) {
			for (k = 0; k < 5; k++)
				sum[k] += g[j]->acc[k];
			if (c->nby == 0)
				continue;
			r = rtab_row(t);
			rtab_set(t, r, 0, g[j]->key[0]);
			rtab_set(t, r, 1, g[j]->key[1]);
			for (k = 0; k < c->nby; k++)
				rtab_set(t, r, 2 + k, g[j]->key[2 + k]);
			cls_row(t, r, c0, g[j]->acc);
		}
		r = rtab_row(t);
		rtab_set(t, r, 0, g[i]->key[0]);
		rtab_set(t, r, 1, g[i]->key[1]);
		for (k = 0; k < c->nby; k++)
			rtab_set(t, r, 2 + k, RPT_ALL);
		cls_row(t, r, c0, sum);
		if (c->nby > 0)
			total_rows(t, r, first, r, c0, c0 + 5);
	}
}

static void
cls_columns(struct rctx *c, struct rtab *t)
{
	struct thads_chart *ch = &t->charts[0];
	char name[32];
	size_t i, c0;

	rtab_col(t, "period_end", THADS_COL_DATE, R_DIM);
	rtab_col(t, "period", THADS_COL_TEXT, R_DIM);
	dim_columns(c, t);
	c0 = rtab_col(t, "assessed", THADS_COL_INT, R_COUNT);
	for (i = 0; i < 4; i++)
		rtab_col(t, results[i], THADS_COL_INT, R_COUNT);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "%s_pct", results[i]);
		rtab_col(t, name, THADS_COL_REAL, R_STAT);
	}
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = "Results";
	ch->label[ch->nlabel++] = 0;
	ch->label[ch->nlabel++] = 1;
	for (i = 0; i < c->nby && ch->nlabel < THADS_CHART_MAXLABEL; i++)
		ch->label[ch->nlabel++] = 2 + i;
	for (i = 0; i < 4; i++)
		ch->series[ch->nseries++] = c0 + 1 + i;
	ch->split = -1;
	ch->skip = c->nby > 0 ? RPT_ALL : NULL;
	t->ncharts = 1;
}

int
rpt_classification(struct rctx *c)
{
	int dims[CUBE_MAXKEY + 1] = { D_TEXT, D_PERIOD };
	const char *key[CUBE_MAXKEY + 1];
	struct cube *cube = NULL;
	sqlite3_stmt *st = NULL;
	struct cgroup *g;
	struct rtab t;
	struct unit u;
	size_t i;
	int rc, day;

	rtab_init(&t, "classification", c->r->title);
	cls_columns(c, &t);
	rpt_meta(c, &t);
	memcpy(dims + 2, c->by, c->nby * sizeof(*dims));
	if ((cube = cube_new(dims, c->nby + 2, 5)) == NULL) {
		rc = NOMEM(c);
		goto out;
	}
	if ((rc = rpt_prepare(c, cls_sql, &st)) != 0)
		goto out;
	bind_date(st, 1, c->from);
	bind_date(st, 2, c->to + 1);
	while ((rc = step(c, st)) > 0) {
		memset(&u, 0, sizeof(u));
		u.status = rpt_text(st, 4);
		u.level = rpt_text(st, 5);
		u.facility = rpt_text(st, 6);
		u.ward = rpt_text(st, 7);
		if (!rpt_keep(c, u.facility, u.status) ||
		    rpt_day(rpt_text(st, 2), &day) != 0)
			continue;
		rpt_unit_person(&u, st, 8, day);
		key[0] = rpt_text(st, 2);
		key[1] = rpt_text(st, 1);
		rpt_key(c, &u, key + 2);
		for (i = 0; i < 4; i++)
			if (strcmp(rpt_text(st, 3), results[i]) == 0)
				break;
		if ((g = cube_get(cube, key)) == NULL) {
			rc = NOMEM(c);
			goto out;
		}
		g->acc[0]++;
		if (i < 4)
			g->acc[1 + i]++;
	}
	if (rc == 0) {
		cls_table(c, &t, cube);
		rc = rtab_write(c, &t);
	}
out:
	sqlite3_finalize(st);
	cube_free(cube);
	rtab_free(&t);
	return rc;
}

/*
 * reductions.  Time reduced is counted in days of 30-day months (a
 * year is 12 months), and shown in months.
 */

static const char red_sql[] =
    "SELECT r.person_id, r.date, r.years, r.months, r.days, e.status,"
    " e.custody_level, f.code, f.ward, " RPT_PERSON_COLS
    " FROM reduction r"
    " JOIN person p ON p.id = r.person_id AND p.deleted_at IS NULL"
    " LEFT JOIN episode e ON e.id = "
    HELD_ON("r.person_id", "date(r.date, '+1 day')")
    " LEFT JOIN facility f ON f.id = e.facility_id"
    " LEFT JOIN judgment j ON j.person_id = r.person_id"
    " AND j.number = coalesce(r.judgment_number, e.judgment_number)"
    " AND j.deleted_at IS NULL"
    " WHERE r.deleted_at IS NULL AND r.date >= ?1 AND r.date < ?2";

/*
 * The same without the episode and the judgment, for when nothing asks
 * for the facility, the status or the sentence: the search for the
 * episode of each decision is most of the cost.
 */
static const char red_light_sql[] =
    "SELECT r.person_id, r.date, r.years, r.months, r.days, NULL, NULL,"
    " NULL, NULL, p.sex, p.birth_date, p.age, p.age_on,"
    " NULL, NULL, NULL, NULL, NULL"
    " FROM reduction r"
    " JOIN person p ON p.id = r.person_id AND p.deleted_at IS NULL"
    " WHERE r.deleted_at IS NULL AND r.date >= ?1 AND r.date < ?2";

/* Whether the reductions report needs the episode of each decision. */
static int
red_needs_episode(const struct rctx *c)
{
	size_t i;

	if (c->o->nfacility > 0 || c->o->nstatus > 0)
		return 1;
	for (i = 0; i < c->nby; i++)
		if (c->by[i] != D_SEX && c->by[i] != D_AGE_BAND)
			return 1;
	return 0;
}

struct red {
	struct rpt_periods per;
	struct cube	*cube;
	long long	*all;	/* per period: decisions, days */
};

static void
red_row(struct rctx *c, struct rtab *t, const struct red *rd,
    const char *const *key, size_t k, long long n, long long days)
{
	size_t r = rtab_row(t), i, nb = c->nby;
	char buf[32];
	int s, e;

	for (i = 0; i < nb; i++)
		rtab_set(t, r, i, key[i]);
	if (k < rd->per.n) {
		rpt_period_label(rd->per.start[k], rd->per.every, buf,
		    sizeof(buf));
		s = rd->per.start[k] < c->from ? c->from : rd->per.start[k];
		e = rd->per.start[k + 1] - 1 > c->to ? c->to :
		    rd->per.start[k + 1] - 1;
	} else {
		snprintf(buf, sizeof(buf), "%s", RPT_ALL);
		s = c->from;
		e = c->to;
	}
	rtab_set(t, r, nb, buf);
	rpt_date(s, buf);
	rtab_set(t, r, nb + 1, buf);
	rpt_date(e, buf);
	rtab_set(t, r, nb + 2, buf);
	rtab_setn(t, r, nb + 3, n);
	rtab_setf(t, r, nb + 4, (double)days / 30.0, 1);
	if (n > 0)
		rtab_setf(t, r, nb + 5, (double)days / 30.0 / (double)n, 1);
	rtab_dep(t, RT_CELL(t, r, nb + 4), RT_CELL(t, r, nb + 3));
	rtab_dep(t, RT_CELL(t, r, nb + 5), RT_CELL(t, r, nb + 3));
}

/* A group's periods and its total; returns its first row. */
static size_t
red_block(struct rctx *c, struct rtab *t, const struct red *rd,
    const char *const *key, const long long *acc)
{
	size_t k, first = t->nrows;
	long long n = 0, days = 0;

	for (k = 0; k < rd->per.n; k++) {
		red_row(c, t, rd, key, k, acc[2 * k], acc[2 * k + 1]);
		n += acc[2 * k];
		days += acc[2 * k + 1];
	}
	red_row(c, t, rd, key, rd->per.n, n, days);
	total_rows(t, first + rd->per.n, first, first + rd->per.n,
	    c->nby + 3, c->nby + 5);
	return first;
}

static void
red_table(struct rctx *c, struct rtab *t, struct red *rd)
{
	const char *all[CUBE_MAXKEY] = { NULL };
	size_t i, n, k, r, col, *first, *parts;
	struct cgroup **g = cube_sorted(rd->cube, &n);

	first = calloc(n + 1, sizeof(*first));
	parts = calloc(n + 1, sizeof(*parts));
	if (first == NULL || parts == NULL) {
		t->oom = 1;
		goto out;
	}
	for (i = 0; c->nby > 0 && i < n; i++)
		first[i] = red_block(c, t, rd, g[i]->key, g[i]->acc);
	for (k = 0; k < c->nby; k++)
		all[k] = RPT_ALL;
	first[n] = red_block(c, t, rd, all, rd->all);
	for (r = 0; c->nby > 0 && n > 0 && r <= rd->per.n; r++)
		for (col = c->nby + 3; col < c->nby + 5; col++) {
			for (i = 0; i < n; i++)
				parts[i] = RT_CELL(t, first[i] + r, col);
			rtab_eq(t, RT_CELL(t, first[n] + r, col), parts, n);
		}
out:
	free(first);
	free(parts);
}

static void
red_columns(struct rctx *c, struct rtab *t)
{
	struct thads_chart *ch = &t->charts[0];
	size_t col;

	dim_columns(c, t);
	col = rtab_col(t, "period", THADS_COL_TEXT, R_DIM);
	rtab_col(t, "period_start", THADS_COL_DATE, R_DIM);
	rtab_col(t, "period_end", THADS_COL_DATE, R_DIM);
	rtab_col(t, "decisions", THADS_COL_INT, R_COUNT);
	rtab_col(t, "months_reduced", THADS_COL_REAL, R_MAGN);
	rtab_col(t, "mean_months", THADS_COL_REAL, R_STAT);
	if (c->nby > 0)
		return;
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = "Decisions";
	ch->label[ch->nlabel++] = col;
	ch->series[ch->nseries++] = col + 3;
	ch->split = -1;
	ch->skip = RPT_ALL;
	t->ncharts = 1;
}

int
rpt_reductions(struct rctx *c)
{
	const char *key[CUBE_MAXKEY];
	sqlite3_stmt *st = NULL;
	struct cgroup *g;
	struct red rd;
	struct rtab t;
	struct unit u;
	long long days;
	int rc, day;
	size_t k;

	memset(&rd, 0, sizeof(rd));
	rtab_init(&t, "reduction", c->r->title);
	red_columns(c, &t);
	rpt_meta(c, &t);
	if (rpt_periods_init(&rd.per, c->from, c->to, c->o->every) != 0 ||
	    (rd.cube = cube_new(c->by, c->nby, 2 * rd.per.n)) == NULL ||
	    (rd.all = calloc(2 * rd.per.n + 1, sizeof(*rd.all))) == NULL) {
		rc = NOMEM(c);
		goto out;
	}
	if ((rc = rpt_prepare(c, red_needs_episode(c) ? red_sql :
	    red_light_sql, &st)) != 0)
		goto out;
	bind_date(st, 1, c->from);
	bind_date(st, 2, c->to + 1);
	while ((rc = step(c, st)) > 0) {
		memset(&u, 0, sizeof(u));
		u.status = rpt_text(st, 5);
		u.level = rpt_text(st, 6);
		u.facility = rpt_text(st, 7);
		u.ward = rpt_text(st, 8);
		if (!rpt_keep(c, u.facility, u.status) ||
		    rpt_day(rpt_text(st, 1), &day) != 0)
			continue;
		rpt_unit_person(&u, st, 9, day);
		rpt_key(c, &u, key);
		if ((g = cube_get(rd.cube, key)) == NULL) {
			rc = NOMEM(c);
			goto out;
		}
		days = 360LL * rpt_int(st, 2, 0) + 30LL * rpt_int(st, 3, 0) +
		    rpt_int(st, 4, 0);
		k = rpt_period_of(&rd.per, day);
		g->acc[2 * k]++;
		g->acc[2 * k + 1] += days;
		rd.all[2 * k]++;
		rd.all[2 * k + 1] += days;
	}
	if (rc == 0) {
		red_table(c, &t, &rd);
		rc = rtab_write(c, &t);
	}
out:
	sqlite3_finalize(st);
	cube_free(rd.cube);
	free(rd.all);
	free(rd.per.start);
	rtab_free(&t);
	return rc;
}

/*
 * supervision.
 */

#define COMMUNITY \
	"(e.status = 'suspended_sentence'" \
	" OR e.status = 'non_custodial_reform'" \
	" OR e.status = 'conditional_release' OR e.status = 'residence_ban'" \
	" OR e.status = 'probation')"

static const char sup_sql[] =
    "SELECT e.person_id, e.admitted, e.released, e.release_reason,"
    " e.status, f.code, f.ward, e.judgment_number, j.start_date,"
    " j.probation_months, j.release_date_ext, p.ext_id, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN " WHERE e.deleted_at IS NULL AND " COMMUNITY
    " ORDER BY e.person_id, e.judgment_number, e.admitted";

/* One community sentence: its episodes of the same judgment merged. */
struct sentence {
	long long	 pid;
	char		 judgment[72];
	char		 first[24];	/* first admission, as text */
	int		 start;		/* first day */
	int		 due;		/* last day, or RPT_NODAY */
	int		 ended;		/* day, or RPT_NODAY */
	char		 reason[32];
	char		 status[32];
	char		 facility[64];
	char		 ward[128];
	int		 live;
};

enum { S_DUE, S_COMPLETED, S_REVOKED, S_OTHER, S_OPEN, S_NACC };

/*
 * The scheduled last day of a community sentence, by calendar months
 * (kernel S of sentence.h: a term of M months and D days starting on S
 * ends the day before S + M months + D days): the probation period of a
 * suspended sentence or a conditional release (whose end date from
 * another system, release_date_ext, comes first), the term of the
 * others.
 */
static int
due_day(sqlite3_stmt *st, const char *status, int start)
{
	int ext, prob = rpt_int(st, 9, -1);
	int y = rpt_int(st, 17, -1), m = rpt_int(st, 18, -1);
	int d = rpt_int(st, 19, -1);

	if (strcmp(status, "conditional_release") == 0 &&
	    rpt_day(rpt_text(st, 10), &ext) == 0)
		return ext;
	if ((strcmp(status, "suspended_sentence") == 0 ||
	    strcmp(status, "conditional_release") == 0) && prob > 0)
		return rpt_add_months(start, prob) - 1;
	if (strcmp(status, "suspended_sentence") == 0 ||
	    strcmp(status, "conditional_release") == 0 ||
	    (y < 0 && m < 0 && d < 0))
		return RPT_NODAY;
	return rpt_add_months(start, 12 * (y > 0 ? y : 0) +
	    (m > 0 ? m : 0)) + (d > 0 ? d : 0) - 1;
}

static void
sup_open(struct sentence *s, sqlite3_stmt *st)
{
	const char *j = rpt_text(st, 7);

	memset(s, 0, sizeof(*s));
	s->live = 1;
	s->pid = sqlite3_column_int64(st, 0);
	snprintf(s->judgment, sizeof(s->judgment), "%s", j ? j : "");
	snprintf(s->first, sizeof(s->first), "%s", rpt_text(st, 1));
	if (rpt_day(rpt_text(st, 8), &s->start) != 0 &&
	    rpt_day(s->first, &s->start) != 0)
		s->start = RPT_NODAY;
	snprintf(s->status, sizeof(s->status), "%s", rpt_text(st, 4));
	s->due = s->start == RPT_NODAY ? RPT_NODAY :
	    due_day(st, s->status, s->start);
}

/* The last episode of the sentence gives its end and its place. */
static void
sup_last(struct sentence *s, sqlite3_stmt *st)
{
	const char *r = rpt_text(st, 3), *w = rpt_text(st, 6);

	if (rpt_day(rpt_text(st, 2), &s->ended) != 0)
		s->ended = RPT_NODAY;
	snprintf(s->reason, sizeof(s->reason), "%s", r ? r : "");
	snprintf(s->facility, sizeof(s->facility), "%s", rpt_text(st, 5));
	snprintf(s->ward, sizeof(s->ward), "%s", w ? w : "");
}

struct sup {
	struct rctx	*c;
	struct stays	*stays;
	struct cube	*cube;
	long		 undated;
};

static int
sup_count(struct sup *sp, struct sentence *s, const struct unit *pu)
{
	const char *key[CUBE_MAXKEY];
	struct rctx *c = sp->c;
	struct cgroup *g;
	struct unit u = *pu;
	int ret, limit, rc, o;

	if (s->due == RPT_NODAY) {
		sp->undated++;
		return 0;
	}
	if (s->due < c->from || s->due > c->to)
		return 0;
	u.status = s->status;
	u.facility = s->facility;
	u.ward = s->ward[0] ? s->ward : NULL;
	if (!rpt_keep(c, u.facility, u.status))
		return 0;
	if ((rc = rpt_stay_return(sp->stays, s->pid, s->first, &ret)) != 0)
		return rc;
	if (s->ended != RPT_NODAY && s->ended > c->as_of)
		s->ended = RPT_NODAY;
	limit = s->ended != RPT_NODAY ? s->ended : c->as_of;
	if (ret != RPT_NODAY && ret <= limit)
		o = S_REVOKED;
	else if (s->ended == RPT_NODAY)
		o = S_OPEN;
	else if (strcmp(s->reason, "sentence_served") == 0 ||
	    strcmp(s->reason, "reduction") == 0 ||
	    strcmp(s->reason, "amnesty") == 0)
		o = S_COMPLETED;
	else
		o = S_OTHER;
	rpt_key(c, &u, key);
	if ((g = cube_get(sp->cube, key)) == NULL)
		return THADS_ENOMEM;
	g->acc[S_DUE]++;
	g->acc[o]++;
	return 0;
}

static int
sup_gather(struct sup *sp)
{
	struct rctx *c = sp->c;
	struct sentence s;
	sqlite3_stmt *st;
	struct unit u, last;
	const char *j;
	int rc, r;

	if ((rc = rpt_prepare(c, sup_sql, &st)) != 0)
		return rc;
	memset(&s, 0, sizeof(s));
	memset(&last, 0, sizeof(last));
	while ((r = step(c, st)) > 0) {
		j = rpt_text(st, 7);
		if (!s.live || s.pid != sqlite3_column_int64(st, 0) ||
		    j == NULL || strcmp(j, s.judgment) != 0) {
			if (s.live && (rc = sup_count(sp, &s, &last)) != 0)
				break;
			sup_open(&s, st);
		}
		sup_last(&s, st);
		memset(&u, 0, sizeof(u));
		u.pid = s.pid;
		rpt_unit_person(&u, st, 12, s.due != RPT_NODAY ? s.due :
		    s.start);
		/* Only the dimension values live past the row. */
		last.sex = u.sex != NULL && strcmp(u.sex, "male") == 0 ?
		    "male" : u.sex != NULL && strcmp(u.sex, "female") == 0 ?
		    "female" : NULL;
		last.age = u.age;
	}
	if (r < 0)
		rc = r;
	else if (rc == 0 && s.live)
		rc = sup_count(sp, &s, &last);
	sqlite3_finalize(st);
	return rc;
}

int
rpt_supervision(struct rctx *c)
{
	static const char *const names[] = {
		"due", "completed", "revoked", "ended_other", "still_open"
	};
	long long sum[S_NACC];
	struct sup sp;
	struct rtab t;
	size_t i, c0 = c->nby, tr, r, parts[4], series[1];
	char buf[32];
	int rc;

	memset(&sp, 0, sizeof(sp));
	sp.c = c;
	rtab_init(&t, "supervision", c->r->title);
	dim_columns(c, &t);
	for (i = 0; i < S_NACC; i++)
		rtab_col(&t, names[i], THADS_COL_INT, R_COUNT);
	rtab_col(&t, "completed_pct", THADS_COL_REAL, R_STAT);
	series[0] = c0 + S_NACC;
	bar_chart(c, &t, "Completed (per cent of those due)", series, 1);
	rpt_meta(c, &t);
	if ((sp.cube = cube_new(c->by, c->nby, S_NACC)) == NULL) {
		rc = NOMEM(c);
		goto out;
	}
	if ((rc = rpt_stays_open(c, &sp.stays)) != 0 ||
	    (rc = sup_gather(&sp)) != 0)
		goto out;
	tr = grouped(c, &t, sp.cube, c0, S_NACC, sum);
	for (r = 0; r <= tr && !t.oom; r++) {
		for (i = 0; i < 4; i++)
			parts[i] = RT_CELL(&t, r, c0 + 1 + i);
		rtab_eq(&t, RT_CELL(&t, r, c0), parts, 4);
		pct(&t, r, c0 + S_NACC, c0 + S_COMPLETED, c0,
		    strtoll(t.cells[RT_CELL(&t, r, c0 + 1)], NULL, 10),
		    strtoll(t.cells[RT_CELL(&t, r, c0)], NULL, 10));
	}
	snprintf(buf, sizeof(buf), "%ld", sp.undated);
	rtab_meta(&t, "undated_sentences", buf);
	rc = rtab_write(c, &t);
out:
	if (rc == THADS_ENOMEM && c->err->msg[0] == '\0')
		rc = NOMEM(c);
	rpt_stays_close(sp.stays);
	cube_free(sp.cube);
	rtab_free(&t);
	return rc;
}

/*
 * community.
 */

static const char com_pop_sql[] =
    "SELECT e.person_id, p.ext_id, e.status, e.custody_level, f.code,"
    " f.ward, e.admitted, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN " WHERE e.deleted_at IS NULL AND " COMMUNITY
    " AND e.admitted < ?1 AND (e.released IS NULL OR e.released >= ?1)"
    " AND NOT EXISTS (SELECT 1 FROM episode x"
    "   WHERE x.person_id = e.person_id AND x.admitted > e.admitted"
    "   AND x.admitted < ?1 AND (x.released IS NULL OR x.released >= ?1)"
    "   AND x.deleted_at IS NULL AND (x.status = 'suspended_sentence'"
    "   OR x.status = 'non_custodial_reform'"
    "   OR x.status = 'conditional_release' OR x.status = 'residence_ban'"
    "   OR x.status = 'probation'))";

/* Violations (or monitoring events) of the period, with the episode
 * that supervised the person that day. */
static const char com_vio_sql[] =
    "SELECT v.person_id, v.date, e.status, e.custody_level, f.code,"
    " f.ward, NULL, " RPT_PERSON_COLS
    " FROM violation v"
    " JOIN person p ON p.id = v.person_id AND p.deleted_at IS NULL"
    " LEFT JOIN episode e ON e.id = "
    HELD_ON("v.person_id", "date(v.date, '+1 day')")
    " LEFT JOIN facility f ON f.id = e.facility_id"
    " LEFT JOIN judgment j ON j.person_id = v.person_id"
    " AND j.number = e.judgment_number AND j.deleted_at IS NULL"
    " WHERE v.deleted_at IS NULL AND v.date >= ?1 AND v.date < ?2"
    " ORDER BY v.person_id";

static const char com_geo_sql[] =
    "SELECT v.person_id, substr(v.start_at, 1, 10), e.status,"
    " e.custody_level, f.code, f.ward, NULL, " RPT_PERSON_COLS
    " FROM geo_event v"
    " JOIN person p ON p.id = v.person_id AND p.deleted_at IS NULL"
    " LEFT JOIN episode e ON e.id = "
    HELD_ON("v.person_id", "date(substr(v.start_at, 1, 10), '+1 day')")
    " LEFT JOIN facility f ON f.id = e.facility_id"
    " LEFT JOIN judgment j ON j.person_id = v.person_id"
    " AND j.number = e.judgment_number AND j.deleted_at IS NULL"
    " WHERE v.start_at >= ?1 AND v.start_at < ?2"
    " ORDER BY v.person_id";

enum { C_PERSONS, C_VIOLATIONS, C_VIOLATORS, C_MONITOR, C_NACC };

/* Count the rows of sql into counter a (and distinct persons into b). */
static int
com_count(struct rctx *c, struct cube *cube, const char *sql, int a, int b,
    int asof)
{
	const char *key[CUBE_MAXKEY];
	long long prev = -1;
	sqlite3_stmt *st;
	struct cgroup *g, *pg = NULL;
	struct unit u;
	int rc, day;

	if ((rc = rpt_prepare(c, sql, &st)) != 0)
		return rc;
	if (asof) {
		bind_date(st, 1, c->as_of + 1);
	} else {
		bind_date(st, 1, c->from);
		bind_date(st, 2, c->to + 1);
	}
	while ((rc = step(c, st)) > 0) {
		memset(&u, 0, sizeof(u));
		u.pid = sqlite3_column_int64(st, 0);
		u.status = rpt_text(st, 2);
		u.level = rpt_text(st, 3);
		u.facility = rpt_text(st, 4);
		u.ward = rpt_text(st, 5);
		if (rpt_day(rpt_text(st, 1), &day) != 0)
			day = c->as_of;
		if (!rpt_keep(c, u.facility, u.status))
			continue;
		rpt_unit_person(&u, st, 7, asof ? c->as_of : day);
		rpt_key(c, &u, key);
		if ((g = cube_get(cube, key)) == NULL) {
			sqlite3_finalize(st);
			return THADS_ENOMEM;
		}
		g->acc[a]++;
		/* Rows come by person: a new person or group is new. */
		if (b >= 0 && (u.pid != prev || g != pg))
			g->acc[b]++;
		prev = u.pid;
		pg = g;
	}
	sqlite3_finalize(st);
	return rc;
}

int
rpt_community(struct rctx *c)
{
	static const char *const names[] = {
		"persons", "violations", "persons_violating",
		"monitoring_events"
	};
	int geo = rpt_has_table(c, "geo_event"), rc;
	size_t i, n = geo ? C_NACC : C_NACC - 1, series[1];
	long long sum[C_NACC];
	struct cube *cube;
	struct rtab t;

	rtab_init(&t, "community", c->r->title);
	dim_columns(c, &t);
	for (i = 0; i < n; i++)
		rtab_col(&t, names[i], THADS_COL_INT, R_COUNT);
	series[0] = c->nby;
	bar_chart(c, &t, "Persons", series, 1);
	rpt_meta(c, &t);
	rtab_meta(&t, "monitoring", geo ? "geo_event" : "no monitoring "
	    "events in this database");
	if ((cube = cube_new(c->by, c->nby, C_NACC)) == NULL) {
		rtab_free(&t);
		return NOMEM(c);
	}
	rc = com_count(c, cube, com_pop_sql, C_PERSONS, -1, 1);
	if (rc == 0)
		rc = com_count(c, cube, com_vio_sql, C_VIOLATIONS,
		    C_VIOLATORS, 0);
	if (rc == 0 && geo)
		rc = com_count(c, cube, com_geo_sql, C_MONITOR, -1, 0);
	if (rc == 0) {
		grouped(c, &t, cube, c->nby, n, sum);
		rc = rtab_write(c, &t);
	} else if (rc == THADS_ENOMEM) {
		rc = NOMEM(c);
	}
	cube_free(cube);
	rtab_free(&t);
	return rc;
}

/*
 * training: the table of the migration in report_schema.h.
 */

static const char trn_sql[] =
    "SELECT t.person_id, t.kind, t.programme, t.enrolled, t.ended,"
    " t.outcome, f.code, f.ward, p.sex, p.birth_date, p.age, p.age_on,"
    " NULL, NULL, NULL, NULL, NULL"
    " FROM training t"
    " JOIN person p ON p.id = t.person_id AND p.deleted_at IS NULL"
    " LEFT JOIN facility f ON f.id = t.facility_id"
    " WHERE t.deleted_at IS NULL AND t.enrolled < ?2"
    " AND (t.ended IS NULL OR t.ended >= ?1 OR t.enrolled >= ?1)";

enum { T_ENROLLED, T_ACTIVE, T_ENDED, T_COMPLETED, T_DROPPED, T_NACC };

static void
trn_take(struct rctx *c, sqlite3_stmt *st, long long *acc)
{
	const char *outcome = rpt_text(st, 5);
	int enr, end, has_end;

	if (rpt_day(rpt_text(st, 3), &enr) != 0)
		return;
	has_end = rpt_day(rpt_text(st, 4), &end) == 0;
	acc[T_ENROLLED] += enr >= c->from && enr <= c->to;
	acc[T_ACTIVE] += enr <= c->as_of && (!has_end || end > c->as_of);
	if (!has_end || end < c->from || end > c->to)
		return;
	acc[T_ENDED]++;
	acc[T_COMPLETED] += outcome != NULL &&
	    strcmp(outcome, "completed") == 0;
	acc[T_DROPPED] += outcome != NULL && strcmp(outcome, "dropped") == 0;
}

int
rpt_training(struct rctx *c)
{
	static const char *const names[] = {
		"enrolled", "active_on_as_of", "ended", "completed", "dropped"
	};
	const char *key[CUBE_MAXKEY];
	size_t i, c0 = c->nby, tr, r, series[1];
	long long sum[T_NACC];
	sqlite3_stmt *st = NULL;
	struct cube *cube = NULL;
	struct cgroup *g;
	struct rtab t;
	struct unit u;
	int rc;

	if (!rpt_has_table(c, "training"))
		return thads_seterr(c->err, THADS_ECONFIG, NULL, 0,
		    "training: the database has no training records (no "
		    "table 'training': see thads-report(1))");
	rtab_init(&t, "training", c->r->title);
	dim_columns(c, &t);
	for (i = 0; i < T_NACC; i++)
		rtab_col(&t, names[i], THADS_COL_INT, R_COUNT);
	rtab_col(&t, "completed_pct", THADS_COL_REAL, R_STAT);
	series[0] = c0 + T_ENROLLED;
	bar_chart(c, &t, "Enrolled", series, 1);
	rpt_meta(c, &t);
	if ((cube = cube_new(c->by, c->nby, T_NACC)) == NULL) {
		rc = NOMEM(c);
		goto out;
	}
	if ((rc = rpt_prepare(c, trn_sql, &st)) != 0)
		goto out;
	bind_date(st, 1, c->from);
	bind_date(st, 2, c->to + 1);
	while ((rc = step(c, st)) > 0) {
		memset(&u, 0, sizeof(u));
		u.extra[0] = rpt_text(st, 1);
		u.extra[1] = rpt_text(st, 2);
		u.facility = rpt_text(st, 6);
		u.ward = rpt_text(st, 7);
		if (!rpt_keep(c, u.facility, NULL) && c->o->nfacility > 0)
			continue;
		rpt_unit_person(&u, st, 8, c->as_of);
		rpt_key(c, &u, key);
		if ((g = cube_get(cube, key)) == NULL) {
			rc = NOMEM(c);
			goto out;
		}
		trn_take(c, st, g->acc);
	}
	if (rc == 0) {
		tr = grouped(c, &t, cube, c0, T_NACC, sum);
		for (r = 0; r <= tr && !t.oom; r++)
			pct(&t, r, c0 + T_NACC, c0 + T_COMPLETED, c0 + T_ENDED,
			    strtoll(t.cells[RT_CELL(&t, r, c0 + T_COMPLETED)],
			    NULL, 10), strtoll(t.cells[RT_CELL(&t, r,
			    c0 + T_ENDED)], NULL, 10));
		rc = rtab_write(c, &t);
	}
out:
	sqlite3_finalize(st);
	cube_free(cube);
	rtab_free(&t);
	return rc;
}

/*
 * events: camera events (vid_event, thads-vidscan) and monitoring
 * events (geo_event, thads-geofence), by kind, place and hour of day,
 * the hour as the tools record it.
 */

static const char ev_vid_sql[] =
    "SELECT 'camera', v.type, coalesce(c.place, v.camera),"
    " substr(v.wall_start, 12, 2) FROM vid_event v"
    " LEFT JOIN vid_camera c ON c.id = v.camera"
    " WHERE v.wall_start >= ?1 AND v.wall_start < ?2";

static const char ev_geo_sql[] =
    "SELECT 'monitoring', v.type, coalesce(z.name, 'none'),"
    " substr(v.start_at, 12, 2) FROM geo_event v"
    " LEFT JOIN geo_zone z ON z.id = v.zone_id"
    " WHERE v.start_at >= ?1 AND v.start_at < ?2";

static int
ev_count(struct rctx *c, struct cube *cube, const char *sql)
{
	const char *key[3];
	sqlite3_stmt *st;
	struct cgroup *g;
	long h;
	int rc;

	if ((rc = rpt_prepare(c, sql, &st)) != 0)
		return rc;
	bind_date(st, 1, c->from);
	bind_date(st, 2, c->to + 1);
	while ((rc = step(c, st)) > 0) {
		key[0] = rpt_text(st, 0);
		key[1] = rpt_text(st, 1);
		key[2] = rpt_text(st, 2) ? rpt_text(st, 2) : "unknown";
		if (thads_parse_long(rpt_text(st, 3), 0, 23, &h) != 0)
			h = 24;
		if ((g = cube_get(cube, key)) == NULL) {
			rc = THADS_ENOMEM;
			break;
		}
		g->acc[0]++;
		g->acc[1 + h]++;
	}
	sqlite3_finalize(st);
	return rc;
}

int
rpt_events(struct rctx *c)
{
	static const int dims[3] = { D_TEXT, D_TEXT, D_TEXT };
	int vid = rpt_has_table(c, "vid_event"), rc = 0;
	int geo = rpt_has_table(c, "geo_event");
	struct cgroup **g;
	struct cube *cube;
	struct rtab t;
	char name[16];
	size_t i, k, n, r, parts[25], col;

	if (!vid && !geo)
		return thads_seterr(c->err, THADS_ECONFIG, NULL, 0,
		    "events: the database has no camera events (vid_event) "
		    "nor monitoring events (geo_event) yet");
	rtab_init(&t, "event", c->r->title);
	rtab_col(&t, "source", THADS_COL_TEXT, R_DIM);
	rtab_col(&t, "kind", THADS_COL_TEXT, R_DIM);
	rtab_col(&t, "place", THADS_COL_TEXT, R_DIM);
	col = rtab_col(&t, "events", THADS_COL_INT, R_COUNT);
	for (i = 0; i < 25; i++) {
		snprintf(name, sizeof(name), i < 24 ? "h%02zu" :
		    "hour_unknown", i);
		rtab_col(&t, name, THADS_COL_INT, R_COUNT);
	}
	rpt_meta(c, &t);
	if ((cube = cube_new(dims, 3, 26)) == NULL) {
		rtab_free(&t);
		return NOMEM(c);
	}
	if (vid)
		rc = ev_count(c, cube, ev_vid_sql);
	if (rc == 0 && geo)
		rc = ev_count(c, cube, ev_geo_sql);
	g = cube_sorted(cube, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		r = rtab_row(&t);
		for (k = 0; k < 3; k++)
			rtab_set(&t, r, k, g[i]->key[k]);
		set_counts(&t, r, col, g[i]->acc, 26);
		for (k = 0; k < 25; k++)
			parts[k] = RT_CELL(&t, r, col + 1 + k);
		rtab_eq(&t, RT_CELL(&t, r, col), parts, 25);
	}
	if (rc == 0)
		rc = rtab_write(c, &t);
	else if (rc == THADS_ENOMEM)
		rc = NOMEM(c);
	cube_free(cube);
	rtab_free(&t);
	return rc;
}

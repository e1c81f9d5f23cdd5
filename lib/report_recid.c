/*
 * report_recid.c: recidivism, the statistical rate: of the persons
 * released in a period, the share re-admitted to custody within 1, 2
 * and 3 years.  Definition recidivism/1 (thads-report(1) writes it out):
 *
 *   The cohort: every person with a release from custody dated in the
 *   period (and not after the as-of day) that is the end of a stay
 *   (report_stay.c), whose last status was not temporary custody, and
 *   whose reason is not transfer (to another authority), death or
 *   escape.  Each person counts once, at the first such release in the
 *   period (offender-based, not release-based).
 *
 *   A return: the first admission after that release to a custody
 *   episode whose status is not temporary custody, dated no later than
 *   the as-of day.  Returned within k years: the return falls on or
 *   before the release day plus k calendar years (29 February plus one
 *   year is 28 February).
 *
 *   Windows: for a group, the k-year window is complete when every
 *   member's k years have passed by the as-of day; not started when no
 *   member has yet reached k - 1 years (it would say nothing the
 *   (k-1)-year figure does not), and then it is not reported; in
 *   progress otherwise.  The rate is always returned / cohort, so it
 *   can only grow with k and, while in progress, with time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

static const char cohort_sql[] =
    "SELECT e.person_id, e.released, e.release_reason, e.status,"
    " e.custody_level, f.code, f.ward, p.ext_id, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN
    " WHERE e.deleted_at IS NULL AND e.released >= ?1 AND e.released < ?2";

struct member {
	long long	 pid;
	int		 rel;		/* day of release */
	char		 released[24];	/* its text, for the search */
	int		 ret;		/* day of return, or RPT_NODAY */
	const char	*key[CUBE_MAXKEY];
	const char	*ext_id;	/* --list: interned */
	const char	*facility;
	const char	*status;
	const char	*reason;
};

struct cohort {
	struct rctx	*c;
	struct member	*m;
	size_t		 n;
	size_t		 cap;
	size_t		*slot;		/* pid -> member + 1, open addressing */
	size_t		 nslots;
	struct strpool	*pool;
	int		 oom;
};

/* Whether a release starts a cohort member. */
static int
qualifies(const struct unit *u)
{
	return rpt_is_custody(u->status) &&
	    strcmp(u->status, "temporary_custody") != 0 &&
	    (u->reason == NULL || (strcmp(u->reason, "transfer") != 0 &&
	    strcmp(u->reason, "death") != 0 &&
	    strcmp(u->reason, "escape") != 0));
}

static size_t
hash_pid(long long pid, size_t nslots)
{
	return (size_t)(((unsigned long long)pid * 0x9E3779B97F4A7C15ULL) >>
	    20) & (nslots - 1);
}

static int
rehash(struct cohort *k)
{
	size_t i, j, n = k->nslots ? k->nslots * 2 : 1024, *s;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < k->n; i++) {
		j = hash_pid(k->m[i].pid, n);
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = i + 1;
	}
	free(k->slot);
	k->slot = s;
	k->nslots = n;
	return 0;
}

/* The member for pid: found, or added (*isnew); NULL when out of memory. */
static struct member *
find(struct cohort *k, long long pid, int *isnew)
{
	struct member *m;
	size_t j, cap;

	*isnew = 0;
	if (2 * (k->n + 1) > k->nslots && rehash(k) != 0)
		return NULL;
	for (j = hash_pid(pid, k->nslots); k->slot[j] != 0;
	    j = (j + 1) & (k->nslots - 1))
		if (k->m[k->slot[j] - 1].pid == pid)
			return &k->m[k->slot[j] - 1];
	if (k->n == k->cap) {
		cap = k->cap ? k->cap * 2 : 1024;
		if ((m = reallocarray(k->m, cap, sizeof(*m))) == NULL)
			return NULL;
		k->m = m;
		k->cap = cap;
	}
	k->slot[j] = k->n + 1;
	m = &k->m[k->n++];
	memset(m, 0, sizeof(*m));
	m->pid = pid;
	*isnew = 1;
	return m;
}

static const char *
keep(struct cohort *k, const char *s)
{
	const char *p;

	if (s == NULL)
		return NULL;
	if ((p = rpt_intern(k->pool, s)) == NULL)
		k->oom = 1;
	return p;
}

/* Take a row of cohort_sql: a new member, or an earlier release. */
static void
take(struct cohort *k, sqlite3_stmt *st)
{
	const char *key[CUBE_MAXKEY];
	struct member *m;
	struct unit u;
	int rel, isnew;
	size_t i;

	memset(&u, 0, sizeof(u));
	u.pid = sqlite3_column_int64(st, 0);
	u.reason = rpt_text(st, 2);
	u.status = rpt_text(st, 3);
	u.level = rpt_text(st, 4);
	u.facility = rpt_text(st, 5);
	u.ward = rpt_text(st, 6);
	u.ext_id = rpt_text(st, 7);
	if (!qualifies(&u) || !rpt_keep(k->c, u.facility, u.status) ||
	    rpt_day(rpt_text(st, 1), &rel) != 0)
		return;
	if ((m = find(k, u.pid, &isnew)) == NULL) {
		k->oom = 1;
		return;
	}
	if (!isnew && (m->rel < rel || (m->rel == rel &&
	    strcmp(m->released, rpt_text(st, 1)) <= 0)))
		return;
	rpt_unit_person(&u, st, 8, rel);
	m->rel = rel;
	snprintf(m->released, sizeof(m->released), "%s", rpt_text(st, 1));
	rpt_key(k->c, &u, key);
	for (i = 0; i < k->c->nby; i++)
		m->key[i] = keep(k, key[i]);
	m->ext_id = keep(k, u.ext_id);
	m->facility = keep(k, u.facility);
	m->status = keep(k, u.status);
	m->reason = keep(k, rpt_dim_value(D_REASON, &u));
}

/* Build the cohort and find each member's return. */
static int
gather(struct cohort *k)
{
	struct rctx *c = k->c;
	struct stays *s = NULL;
	sqlite3_stmt *st;
	char d[11];
	int rc, to = c->to < c->as_of ? c->to : c->as_of;
	size_t i;

	if ((k->pool = rpt_pool_new()) == NULL)
		return THADS_ENOMEM;
	if ((rc = rpt_prepare(c, cohort_sql, &st)) != 0)
		return rc;
	rpt_date(c->from, d);
	sqlite3_bind_text(st, 1, d, -1, SQLITE_TRANSIENT);
	rpt_date(to + 1, d);
	sqlite3_bind_text(st, 2, d, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !k->oom)
		take(k, st);
	sqlite3_finalize(st);
	if (k->oom)
		return THADS_ENOMEM;
	if (rc != SQLITE_DONE)
		return rpt_dbfail(c, rc);
	if ((rc = rpt_stays_open(c, &s)) != 0)
		return rc;
	for (i = 0; i < k->n && rc == 0; i++) {
		rc = rpt_stay_return(s, k->m[i].pid, k->m[i].released,
		    &k->m[i].ret);
		if (k->m[i].ret != RPT_NODAY && k->m[i].ret > c->as_of)
			k->m[i].ret = RPT_NODAY;
	}
	rpt_stays_close(s);
	return rc;
}

/*
 * Counters of a group: members, first and last release day, then for
 * each window the members followed for all of it and those returned.
 */
#define A_N		0
#define A_MIN		1
#define A_MAX		2
#define A_FOLLOWED(w)	(3 + 2 * (w))
#define A_RETURNED(w)	(4 + 2 * (w))

static void
count(const struct rctx *c, long long *acc, const struct member *m)
{
	size_t w;
	int end;

	if (acc[A_N] == 0 || m->rel < acc[A_MIN])
		acc[A_MIN] = m->rel;
	if (acc[A_N] == 0 || m->rel > acc[A_MAX])
		acc[A_MAX] = m->rel;
	acc[A_N]++;
	for (w = 0; w < c->o->nwindows; w++) {
		end = rpt_add_months(m->rel, 12 * c->o->windows[w]);
		acc[A_FOLLOWED(w)] += end <= c->as_of;
		acc[A_RETURNED(w)] += m->ret != RPT_NODAY && m->ret <= end;
	}
}

static const char *
window_status(const struct rctx *c, const long long *acc, int years)
{
	if (acc[A_N] == 0)
		return NULL;
	if (rpt_add_months((int)acc[A_MAX], 12 * years) <= c->as_of)
		return "complete";
	if (c->as_of < rpt_add_months((int)acc[A_MIN], 12 * (years - 1)))
		return "not_started";
	return "in_progress";
}

static void
columns(struct rctx *c, struct rtab *t)
{
	struct thads_chart *ch = &t->charts[0];
	char name[32];
	size_t k, w, col;

	for (k = 0; k < c->nby; k++)
		rtab_col(t, rpt_dim_name(c->by[k]), THADS_COL_TEXT, R_DIM);
	col = rtab_col(t, "released", THADS_COL_INT, R_COUNT);
	for (w = 0; w < c->o->nwindows; w++) {
		snprintf(name, sizeof(name), "status_%dy", c->o->windows[w]);
		rtab_col(t, name, THADS_COL_TEXT, R_TEXT);
		snprintf(name, sizeof(name), "followed_%dy", c->o->windows[w]);
		rtab_col(t, name, THADS_COL_INT, R_COUNT);
		snprintf(name, sizeof(name), "returned_%dy", c->o->windows[w]);
		rtab_col(t, name, THADS_COL_INT, R_COUNT);
		snprintf(name, sizeof(name), "rate_%dy_pct", c->o->windows[w]);
		rtab_col(t, name, THADS_COL_REAL, R_STAT);
	}
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = "Re-admitted (per cent of the cohort)";
	for (k = 0; k < c->nby; k++)
		ch->label[ch->nlabel++] = k;
	if (c->nby == 0)
		ch->label[ch->nlabel++] = col;
	for (w = 0; w < c->o->nwindows && w < THADS_CHART_MAXSERIES; w++)
		ch->series[ch->nseries++] = col + 4 + 4 * w;
	ch->split = -1;
	ch->skip = c->nby > 0 ? RPT_ALL : NULL;
	t->ncharts = 1;
}

static void
row(struct rctx *c, struct rtab *t, const char *const *key,
    const long long *acc)
{
	size_t k, w, r = rtab_row(t), col = c->nby;
	const char *st;

	for (k = 0; k < c->nby; k++)
		rtab_set(t, r, k, key[k]);
	rtab_setn(t, r, col, acc[A_N]);
	for (w = 0; w < c->o->nwindows; w++) {
		k = col + 1 + 4 * w;
		st = window_status(c, acc, c->o->windows[w]);
		rtab_set(t, r, k, st);
		rtab_dep(t, RT_CELL(t, r, k + 3), RT_CELL(t, r, k + 2));
		rtab_dep(t, RT_CELL(t, r, k + 3), RT_CELL(t, r, col));
		if (st == NULL || strcmp(st, "not_started") == 0)
			continue;
		rtab_setn(t, r, k + 1, acc[A_FOLLOWED(w)]);
		rtab_setn(t, r, k + 2, acc[A_RETURNED(w)]);
		rtab_setf(t, r, k + 3, 100.0 * (double)acc[A_RETURNED(w)] /
		    (double)acc[A_N], 1);
	}
}

static int
table(struct cohort *k, struct rtab *t)
{
	struct rctx *c = k->c;
	size_t nacc = 3 + 2 * c->o->nwindows, i, n, col;
	const char *all[CUBE_MAXKEY];
	long long *total;
	struct cgroup **g, *grp = NULL;
	struct cube *cube;
	int oom = 0;

	if ((cube = cube_new(c->by, c->nby, nacc)) == NULL ||
	    (total = calloc(nacc, sizeof(*total))) == NULL) {
		cube_free(cube);
		return THADS_ENOMEM;
	}
	for (i = 0; i < k->n && !oom; i++) {
		if ((grp = cube_get(cube, k->m[i].key)) == NULL) {
			oom = 1;
			break;
		}
		count(c, grp->acc, &k->m[i]);
		count(c, total, &k->m[i]);
	}
	g = cube_sorted(cube, &n);
	for (i = 0; c->nby > 0 && i < n; i++)
		row(c, t, g[i]->key, g[i]->acc);
	for (i = 0; i < c->nby; i++)
		all[i] = RPT_ALL;
	row(c, t, all, total);
	for (col = c->nby; c->nby > 0 && col < t->ncols; col++)
		if (t->role[col] == R_COUNT)
			rtab_eq_col(t, t->nrows - 1, col, 0, t->nrows - 1);
	free(total);
	cube_free(cube);
	return oom ? THADS_ENOMEM : 0;
}

/* --list: the cohort, one row per person. */
static void
list(struct cohort *k, struct rtab *t)
{
	static const char *const names[] = {
		"person", "released", "facility", "status", "reason",
		"returned", "days_to_return"
	};
	struct unit u;
	char id[80], d[11];
	size_t i, r;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		rtab_col(t, names[i], i == 1 || i == 5 ? THADS_COL_DATE :
		    i == 6 ? THADS_COL_INT : THADS_COL_TEXT, R_TEXT);
	for (i = 0; i < k->n; i++) {
		memset(&u, 0, sizeof(u));
		u.pid = k->m[i].pid;
		u.ext_id = k->m[i].ext_id;
		rpt_person_id(k->c, &u, id, sizeof(id));
		r = rtab_row(t);
		rtab_set(t, r, 0, id);
		rpt_date(k->m[i].rel, d);
		rtab_set(t, r, 1, d);
		rtab_set(t, r, 2, k->m[i].facility);
		rtab_set(t, r, 3, k->m[i].status);
		rtab_set(t, r, 4, k->m[i].reason);
		if (k->m[i].ret == RPT_NODAY)
			continue;
		rpt_date(k->m[i].ret, d);
		rtab_set(t, r, 5, d);
		rtab_setn(t, r, 6, k->m[i].ret - k->m[i].rel);
	}
}

static int
by_release(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->rel != y->rel)
		return x->rel < y->rel ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

int
rpt_recidivism(struct rctx *c)
{
	struct cohort k;
	struct rtab t;
	int rc;

	memset(&k, 0, sizeof(k));
	k.c = c;
	rtab_init(&t, c->o->list ? "member" : "recidivism", c->r->title);
	if (!c->o->list)
		columns(c, &t);
	if ((rc = gather(&k)) == 0) {
		if (c->o->list) {
			if (k.n > 1)
				qsort(k.m, k.n, sizeof(*k.m), by_release);
			list(&k, &t);
		} else {
			rc = table(&k, &t);
		}
	}
	if (rc == 0) {
		rpt_meta(c, &t);
		rc = rtab_write(c, &t);
	} else if (rc == THADS_ENOMEM) {
		rc = thads_seterr(c->err, rc, NULL, 0, "out of memory");
	}
	free(k.m);
	free(k.slot);
	rpt_pool_free(k.pool);
	rtab_free(&t);
	return rc;
}

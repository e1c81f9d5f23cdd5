/*
 * report_due.c: releases-due, from the release dates of the sentence
 * engine (sentence.h) with the rule pack (rules/thads-rules.ini), the
 * same dates thads-alert(1) warns about.
 *
 * Definition releases-due/1: the persons held at the end of the as-of
 * day in an episode with the status serving, whose fixed term (the
 * chain of judgments the episode serves, as the engine links them:
 * consecutive sentences, reductions, credit for time held, the cap)
 * has a release date in the period, counted by the facility holding
 * them and the month of that date.  The period is by default the twelve
 * months after the as-of day.  A release date already passed while the
 * person is still held is not in the table; the metadata field
 * overdue counts those, and life and death sentences, which have no
 * release date, are left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "paths.h"
#include "rules.h"
#include "sentence.h"
#include "report_int.h"

/* Persons held and serving at the end of the as-of day. */
static const char held_sql[] =
    "SELECT e.person_id, p.ext_id, e.status, e.custody_level, f.code,"
    " f.ward, e.admitted, " RPT_PERSON_COLS
    " FROM episode e JOIN facility f ON f.id = e.facility_id"
    RPT_PERSON_JOIN " WHERE e.deleted_at IS NULL AND e.status = 'serving'"
    " AND e.admitted < ?1 AND (e.released IS NULL OR e.released >= ?1)"
    " AND NOT EXISTS (SELECT 1 FROM episode x"
    "   WHERE x.person_id = e.person_id AND x.admitted > e.admitted"
    "   AND x.admitted < ?1 AND (x.released IS NULL OR x.released >= ?1)"
    "   AND x.deleted_at IS NULL)"
    " ORDER BY e.person_id";

struct held {
	long long	 pid;
	const char	*key[CUBE_MAXKEY];	/* interned */
	const char	*ext_id;
	const char	*facility;
	int		 release;	/* day, or RPT_NODAY */
	const char	*judgment;
};

struct due {
	struct rctx	*c;
	struct held	*h;
	size_t		 n;
	size_t		 cap;
	struct strpool	*pool;
	struct rpt_periods per;
	long		 overdue;
	long		 undated;
	int		 oom;
};

static const char *
keep(struct due *d, const char *s)
{
	const char *p;

	if (s == NULL)
		return NULL;
	if ((p = rpt_intern(d->pool, s)) == NULL)
		d->oom = 1;
	return p;
}

/* The persons held and serving, in person order, with their groups. */
static int
held(struct due *d)
{
	const char *key[CUBE_MAXKEY];
	struct rctx *c = d->c;
	sqlite3_stmt *st;
	struct held *h;
	struct unit u;
	char day[11];
	size_t i;
	int rc;

	if ((rc = rpt_prepare(c, held_sql, &st)) != 0)
		return rc;
	rpt_date(c->as_of + 1, day);
	sqlite3_bind_text(st, 1, day, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !d->oom) {
		memset(&u, 0, sizeof(u));
		u.pid = sqlite3_column_int64(st, 0);
		u.ext_id = rpt_text(st, 1);
		u.status = rpt_text(st, 2);
		u.level = rpt_text(st, 3);
		u.facility = rpt_text(st, 4);
		u.ward = rpt_text(st, 5);
		if (!rpt_keep(c, u.facility, u.status))
			continue;
		rpt_unit_person(&u, st, 7, c->as_of);
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 1024;
			if ((h = reallocarray(d->h, d->cap, sizeof(*h))) ==
			    NULL) {
				d->oom = 1;
				break;
			}
			d->h = h;
		}
		h = &d->h[d->n++];
		memset(h, 0, sizeof(*h));
		h->pid = u.pid;
		h->release = RPT_NODAY;
		rpt_key(c, &u, key);
		for (i = 0; i < c->nby; i++)
			h->key[i] = keep(d, key[i]);
		h->ext_id = keep(d, u.ext_id);
		h->facility = keep(d, u.facility);
	}
	sqlite3_finalize(st);
	if (d->oom)
		return THADS_ENOMEM;
	return rc == SQLITE_DONE ? 0 : rpt_dbfail(c, rc);
}

static struct held *
find(struct due *d, long long pid)
{
	size_t lo = 0, hi = d->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (d->h[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n && d->h[lo].pid == pid ? &d->h[lo] : NULL;
}

/*
 * The release date of the fixed term that the held episode serves:
 * among the heads of the chains the engine computed, the fixed term
 * named by the episode (or, when it names none, the one that started
 * last), as thads-alert(1) picks it.
 */
static int
release_of(const struct thads_dossier *dos, const struct thads_sentences *s,
    const char **judgment)
{
	const struct thads_ep *e;
	const struct thads_sres *r;
	int best = -1;
	size_t i;

	if (s->held < 0)
		return RPT_NODAY;
	e = &dos->ep[s->held];
	for (i = 0; i < dos->nju; i++) {
		r = &s->j[i];
		if (r->head != (int)i || !r->ok ||
		    dos->ju[i].type != THADS_P_FIXED)
			continue;
		if (e->judgment != NULL &&
		    strcmp(e->judgment, dos->ju[i].number) != 0)
			continue;
		if (best < 0 || r->v[THADS_I_START] >
		    s->j[best].v[THADS_I_START])
			best = (int)i;
	}
	if (best < 0 || s->j[best].life ||
	    s->j[best].v[THADS_I_RELEASE] == THADS_NODAY)
		return RPT_NODAY;
	*judgment = dos->ju[best].number;
	return s->j[best].v[THADS_I_RELEASE];
}

/* Run the engine on every dossier of a person held and serving. */
static int
dates(struct due *d)
{
	struct thads_people *people = NULL;
	const struct thads_dossier *dos;
	struct thads_rules *rules = NULL;
	struct thads_sentences s;
	struct rctx *c = d->c;
	const char *jn;
	char pack[4096];
	struct held *h;
	size_t i, n;
	int rc;

	if (thads_datafile("rules/thads-rules.ini", pack, sizeof(pack)) != 0)
		return thads_seterr(c->err, THADS_ECONFIG, NULL, 0,
		    "releases-due: no rule pack (rules/thads-rules.ini)");
	if ((rc = thads_rules_load(pack, &rules, c->err)) != 0)
		return rc;
	if ((rc = thads_people_load(c->db, 0, &people, c->err)) != 0) {
		thads_rules_free(rules);
		return rc;
	}
	memset(&s, 0, sizeof(s));
	n = thads_people_count(people);
	for (i = 0; i < n && rc == 0; i++) {
		dos = thads_people_at(people, i);
		if ((h = find(d, dos->row)) == NULL)
			continue;
		if ((rc = thads_sentence_run(rules, dos, c->as_of, &s)) != 0)
			break;
		jn = NULL;
		h->release = release_of(dos, &s, &jn);
		h->judgment = keep(d, jn);
	}
	thads_sentences_free(&s);
	thads_people_free(people);
	thads_rules_free(rules);
	if (rc == THADS_ENOMEM || d->oom)
		return thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	return rc;
}

static void
due_row(struct due *d, struct rtab *t, const char *const *key, size_t k,
    long long n)
{
	struct rctx *c = d->c;
	size_t r = rtab_row(t), i;
	char buf[32];
	int s, e;

	for (i = 0; i < c->nby; i++)
		rtab_set(t, r, i, key[i]);
	if (k < d->per.n) {
		rpt_period_label(d->per.start[k], d->per.every, buf,
		    sizeof(buf));
		s = d->per.start[k] < c->from ? c->from : d->per.start[k];
		e = d->per.start[k + 1] - 1 > c->to ? c->to :
		    d->per.start[k + 1] - 1;
	} else {
		snprintf(buf, sizeof(buf), "%s", RPT_ALL);
		s = c->from;
		e = c->to;
	}
	rtab_set(t, r, c->nby, buf);
	rpt_date(s, buf);
	rtab_set(t, r, c->nby + 1, buf);
	rpt_date(e, buf);
	rtab_set(t, r, c->nby + 2, buf);
	rtab_setn(t, r, c->nby + 3, n);
}

/* A group's periods and its total; returns the first row. */
static size_t
due_block(struct due *d, struct rtab *t, const char *const *key,
    const long long *acc)
{
	size_t k, first = t->nrows;
	long long sum = 0;

	for (k = 0; k < d->per.n; k++) {
		due_row(d, t, key, k, acc[k]);
		sum += acc[k];
	}
	due_row(d, t, key, d->per.n, sum);
	rtab_eq_col(t, first + d->per.n, d->c->nby + 3, first,
	    first + d->per.n);
	return first;
}

static int
table(struct due *d, struct rtab *t)
{
	const char *all[CUBE_MAXKEY] = { NULL };
	struct rctx *c = d->c;
	size_t i, n, r, *first = NULL, *parts = NULL;
	long long *sum = NULL;
	struct cgroup **g, *grp;
	struct cube *cube;

	if ((cube = cube_new(c->by, c->nby, d->per.n + 1)) == NULL)
		return THADS_ENOMEM;
	sum = calloc(d->per.n + 1, sizeof(*sum));
	for (i = 0; sum != NULL && i < d->n; i++) {
		if (d->h[i].release == RPT_NODAY)
			d->undated++;
		else if (d->h[i].release < c->as_of)
			d->overdue++;
		if (d->h[i].release == RPT_NODAY ||
		    d->h[i].release < c->from || d->h[i].release > c->to)
			continue;
		if ((grp = cube_get(cube, d->h[i].key)) == NULL)
			break;
		grp->acc[rpt_period_of(&d->per, d->h[i].release)]++;
		sum[rpt_period_of(&d->per, d->h[i].release)]++;
	}
	g = cube_sorted(cube, &n);
	first = calloc(n + 1, sizeof(*first));
	parts = calloc(n + 1, sizeof(*parts));
	if (sum == NULL || first == NULL || parts == NULL || i < d->n) {
		t->oom = 1;
		goto out;
	}
	for (i = 0; c->nby > 0 && i < n; i++)
		first[i] = due_block(d, t, g[i]->key, g[i]->acc);
	for (i = 0; i < c->nby; i++)
		all[i] = RPT_ALL;
	first[n] = due_block(d, t, all, sum);
	for (r = 0; c->nby > 0 && n > 0 && r <= d->per.n; r++) {
		for (i = 0; i < n; i++)
			parts[i] = RT_CELL(t, first[i] + r, c->nby + 3);
		rtab_eq(t, RT_CELL(t, first[n] + r, c->nby + 3), parts, n);
	}
out:
	free(sum);
	free(first);
	free(parts);
	cube_free(cube);
	return t->oom ? THADS_ENOMEM : 0;
}

static int
by_release(const void *a, const void *b)
{
	const struct held *x = a, *y = b;

	if (x->release != y->release)
		return x->release < y->release ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* --list: the persons due for release in the period, by date. */
static void
list(struct due *d, struct rtab *t)
{
	char id[80], day[11];
	struct unit u;
	size_t i, r;

	rtab_col(t, "person", THADS_COL_TEXT, R_TEXT);
	rtab_col(t, "facility", THADS_COL_TEXT, R_TEXT);
	rtab_col(t, "release", THADS_COL_DATE, R_TEXT);
	rtab_col(t, "judgment", THADS_COL_TEXT, R_TEXT);
	if (d->n > 1)
		qsort(d->h, d->n, sizeof(*d->h), by_release);
	for (i = 0; i < d->n; i++) {
		if (d->h[i].release == RPT_NODAY ||
		    d->h[i].release < d->c->from ||
		    d->h[i].release > d->c->to)
			continue;
		memset(&u, 0, sizeof(u));
		u.pid = d->h[i].pid;
		u.ext_id = d->h[i].ext_id;
		rpt_person_id(d->c, &u, id, sizeof(id));
		rpt_date(d->h[i].release, day);
		r = rtab_row(t);
		rtab_set(t, r, 0, id);
		rtab_set(t, r, 1, d->h[i].facility);
		rtab_set(t, r, 2, day);
		rtab_set(t, r, 3, d->h[i].judgment);
	}
}

static void
columns(struct rctx *c, struct rtab *t)
{
	struct thads_chart *ch = &t->charts[0];
	size_t k, col;

	for (k = 0; k < c->nby; k++)
		rtab_col(t, rpt_dim_name(c->by[k]), THADS_COL_TEXT, R_DIM);
	col = rtab_col(t, "period", THADS_COL_TEXT, R_DIM);
	rtab_col(t, "period_start", THADS_COL_DATE, R_DIM);
	rtab_col(t, "period_end", THADS_COL_DATE, R_DIM);
	rtab_col(t, "releases_due", THADS_COL_INT, R_COUNT);
	memset(ch, 0, sizeof(*ch));
	ch->kind = THADS_CHART_BAR;
	ch->title = "Releases due";
	for (k = 0; k < c->nby && k + 1 < THADS_CHART_MAXLABEL; k++)
		ch->label[ch->nlabel++] = k;
	ch->label[ch->nlabel++] = col;
	ch->series[ch->nseries++] = col + 3;
	ch->split = -1;
	ch->skip = RPT_ALL;
	t->ncharts = 1;
}

int
rpt_releases_due(struct rctx *c)
{
	struct due d;
	struct rtab t;
	char buf[32];
	int rc;

	/* The coming months, unless a period is given. */
	if (c->o->from[0] == '\0' && c->o->to[0] == '\0') {
		c->from = c->as_of + 1;
		c->to = rpt_add_months(c->as_of, 12);
	}
	memset(&d, 0, sizeof(d));
	d.c = c;
	rtab_init(&t, c->o->list ? "person" : "releases_due", c->r->title);
	if (!c->o->list)
		columns(c, &t);
	if ((d.pool = rpt_pool_new()) == NULL ||
	    rpt_periods_init(&d.per, c->from, c->to, c->o->every) != 0)
		rc = THADS_ENOMEM;
	else if ((rc = held(&d)) == 0 && (rc = dates(&d)) == 0) {
		if (c->o->list)
			list(&d, &t);
		else
			rc = table(&d, &t);
	}
	if (rc == 0) {
		rpt_meta(c, &t);
		snprintf(buf, sizeof(buf), "%ld", d.overdue);
		rtab_meta(&t, "overdue", buf);
		snprintf(buf, sizeof(buf), "%ld", d.undated);
		rtab_meta(&t, "no_release_date", buf);
		rc = rtab_write(c, &t);
	} else if (rc == THADS_ENOMEM) {
		rc = thads_seterr(c->err, rc, NULL, 0, "out of memory");
	}
	free(d.h);
	free(d.per.start);
	rpt_pool_free(d.pool);
	rtab_free(&t);
	return rc;
}

/*
 * sentence.c: the per-sentence computations of sentence.h.
 *
 * Judgments that run one after the other (judgment.consecutive_to)
 * form a chain, computed as one aggregated sentence from the first
 * one's start; a judgment alone is a chain of one.  Every result of a
 * chain is copied to each of its judgments.
 *
 * Each computation takes its figures from the pack as in force on the
 * date that governs it (thads-alert(1), "Which date governs"): the
 * date of the judgment (the latest of a chain), the first day of a
 * detention order, the admission to custody, the day after the end of
 * the penalty for record clearance.  A figure not yet in force on that
 * date stops the computation (problem S118) rather than letting a
 * later law decide an older case.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sentence.h"

static const char *const item_names[THADS_NITEM] = {
	"start", "release", "reduction_first", "reduction_round",
	"early_release_first", "early_release_round", "probation_end",
	"reform_end", "penalty_end", "clearance", "detention_expiry",
	"detention_limit", "detention_max", "extension_request",
	"custody_end", "custody_max", "classification_next",
	"classification_last"
};

enum {
	P_RELEASE_BEFORE, P_OVERLAP, P_OFFENCE_AFTER, P_CREDIT, P_ZERO,
	P_CONS_MISSING, P_CONS_CYCLE, P_CONS_BRANCH, P_CONS_TYPE,
	P_TERM_RANGE, P_SUSP_LIMIT, P_PROBATION, P_RED_UNATTACHED,
	P_ORDER_LIMIT, P_NO_START, P_MIN_SERVED, P_NO_JUDGMENT, P_NO_FIGURE,
	P_ORDER_CATEGORY, P_OVR_UNKNOWN
};

static const struct {
	const char *code, *name;
	int	 error;
} ptab[] = {
	{ "S101", "release-before-admission", 1 },
	{ "S102", "overlapping-detention", 1 },
	{ "S103", "offence-after-judgment", 1 },
	{ "S104", "credit-exceeds-term", 0 },
	{ "S105", "zero-term", 1 },
	{ "S106", "consecutive-missing", 1 },
	{ "S107", "consecutive-cycle", 1 },
	{ "S108", "consecutive-branch", 1 },
	{ "S109", "consecutive-type", 1 },
	{ "S110", "term-out-of-range", 0 },
	{ "S111", "suspended-over-limit", 0 },
	{ "S112", "probation-out-of-range", 0 },
	{ "S113", "reduction-unattached", 1 },
	{ "S114", "order-over-limit", 0 },
	{ "S115", "no-start", 1 },
	{ "S116", "below-minimum-served", 0 },
	{ "S117", "serving-without-judgment", 0 },
	{ "S118", "no-figure", 1 },
	{ "S119", "order-without-category", 0 },
	{ "S120", "override-unknown-judgment", 0 },
};

/* One computation: the inputs, the results, scratch space. */
struct run {
	const struct thads_rules *r;
	const struct thads_dossier *d;
	struct thads_sentences *s;
	int	 as_of;
	int	 rc;		/* THADS_ENOMEM once an allocation failed */
	int	*prev, *next, *bad, *start, *owner;	/* scratch */
	char	 dbuf[8][THADS_DAYBUF];
	int	 di;
};

/* A date as text, from a small ring of buffers (8 per message). */
static const char *
ds(struct run *u, int day)
{
	u->di = (u->di + 1) % 8;
	return thads_day_fmt(day, u->dbuf[u->di]);
}

/* A duration in words: "3 months", "1 year 6 months", "72 hours". */
static const char *
durs(const struct thads_dur *t, char *buf, size_t size)
{
	int y = t->months / 12, m = t->months % 12, n = 0;

	buf[0] = '\0';
	if (y)
		n += snprintf(buf + n, size - (size_t)n, "%d year%s", y,
		    y == 1 ? "" : "s");
	if (m && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%s%d month%s",
		    n ? " " : "", m, m == 1 ? "" : "s");
	if (t->days && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%s%d day%s",
		    n ? " " : "", t->days, t->days == 1 ? "" : "s");
	if (t->hours && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%s%d hour%s",
		    n ? " " : "", t->hours, t->hours == 1 ? "" : "s");
	if (n == 0)
		snprintf(buf, size, "0 days");
	return buf;
}

/* "3y6m" / "10d" for a term of months and days. */
static const char *
terms(int months, int days, char *buf, size_t size)
{
	struct thads_dur t = { months, days, 0 };

	if (months < 0 || days < 0) {
		snprintf(buf, size, "%d months %d days", months, days);
		return buf;
	}
	return durs(&t, buf, size);
}

const char *
thads_item_name(int item)
{
	return item >= 0 && item < THADS_NITEM ? item_names[item] : "note";
}

int
thads_item_find(const char *name)
{
	int i;

	for (i = 0; i < THADS_NITEM; i++)
		if (strcmp(item_names[i], name) == 0)
			return i;
	return -1;
}

int
thads_item_overridable(int item)
{
	return item >= THADS_I_START && item <= THADS_I_CLEARANCE;
}

int
thads_enum_index(enum thads_fid f, const char *word)
{
	const struct thads_field *fd = thads_field(f);
	int i;

	if (fd == NULL || fd->values == NULL || word == NULL)
		return -1;
	for (i = 0; fd->values[i] != NULL; i++)
		if (fd->values[i][0] == word[0] &&
		    strcmp(fd->values[i], word) == 0)
			return i;
	return -1;
}

static void *
grow(struct run *u, void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	if ((q = realloc(p, n * size)) == NULL) {
		u->rc = THADS_ENOMEM;
		return NULL;
	}
	*cap = n;
	return q;
}

/*
 * Append an explanation step.  Callers go through STEP(), which tests
 * first whether steps are wanted: the arguments format dates, and a
 * full alert pass must not pay for text nobody reads.
 */
#define STEP(u, ...) do {						\
	if ((u)->s->ex != NULL)						\
		step((u), __VA_ARGS__);					\
} while (0)

static void
step(struct run *u, int j, int item, int date, const struct thads_fig *f,
    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
step(struct run *u, int j, int item, int date, const struct thads_fig *f,
    const char *fmt, ...)
{
	struct thads_explain *ex = u->s->ex;
	struct thads_step *st;
	va_list ap;
	void *p;

	if (ex == NULL)
		return;
	if ((p = grow(u, ex->s, &ex->cap, ex->n + 1, sizeof(*st))) == NULL)
		return;
	ex->s = p;
	st = &ex->s[ex->n++];
	snprintf(st->judgment, sizeof(st->judgment), "%s",
	    j >= 0 ? u->d->ju[j].number : "");
	st->item = item;
	st->date = date;
	st->fig = f ? f->id : -1;
	snprintf(st->basis, sizeof(st->basis), "%s%s", f ? f->basis : "",
	    f && f->confirm ? " (to confirm)" : "");
	va_start(ap, fmt);
	vsnprintf(st->text, sizeof(st->text), fmt, ap);
	va_end(ap);
}

static void
problem(struct run *u, int j, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
problem(struct run *u, int j, int code, const char *fmt, ...)
{
	struct thads_problems *pb = u->s->pb;
	struct thads_problem *p;
	va_list ap;
	void *q;

	if (pb == NULL)
		return;
	if ((q = grow(u, pb->p, &pb->cap, pb->n + 1, sizeof(*p))) == NULL)
		return;
	pb->p = q;
	p = &pb->p[pb->n++];
	p->code = ptab[code].code;
	p->name = ptab[code].name;
	p->error = ptab[code].error;
	snprintf(p->judgment, sizeof(p->judgment), "%s",
	    j >= 0 ? u->d->ju[j].number : "");
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

/*
 * The figure in force on day, or NULL after reporting S118 and, with
 * block, marking judgment j as not computed.  Without block only the
 * dates that need the figure are left out.
 */
static const struct thads_fig *
fig_in(struct run *u, int j, int id, int day, int block)
{
	const struct thads_fig *f = thads_rules_get(u->r, id, day);

	if (f == NULL) {
		problem(u, j, P_NO_FIGURE, "no figure '%s' in force on %s: "
		    "the rule pack starts later", thads_fig_name(id),
		    ds(u, day));
		if (j >= 0 && block)
			u->bad[j] = 1;
	}
	return f;
}

static const struct thads_fig *
fig(struct run *u, int j, int id, int day)
{
	return fig_in(u, j, id, day, 1);
}

/* ceil(n * num / den) for n >= 0. */
static int
part(int n, const struct thads_fig *f)
{
	return (int)(((long long)n * f->num + f->den - 1) / f->den);
}

static int
in_chain(struct run *u, int h, const char *number)
{
	int j;

	if (number == NULL)
		return 0;
	for (j = h; j >= 0; j = u->next[j])
		if (strcmp(u->d->ju[j].number, number) == 0)
			return 1;
	return 0;
}

static int
find_judgment(const struct thads_dossier *d, const char *number)
{
	size_t i;

	for (i = 0; number != NULL && i < d->nju; i++)
		if (strcmp(d->ju[i].number, number) == 0)
			return (int)i;
	return -1;
}

/* ---- chains ---- */

static void
link_chains(struct run *u)
{
	const struct thads_dossier *d = u->d;
	int n = (int)d->nju, i, k, steps;

	for (i = 0; i < n; i++) {
		u->prev[i] = u->next[i] = -1;
		u->bad[i] = 0;
	}
	for (i = 0; i < n; i++) {
		if (d->ju[i].consecutive == NULL)
			continue;
		k = find_judgment(d, d->ju[i].consecutive);
		if (k < 0 || k == i) {
			problem(u, i, P_CONS_MISSING, "follows judgment '%s', "
			    "which is not in the dossier",
			    d->ju[i].consecutive);
			u->bad[i] = 1;
		} else if (u->next[k] >= 0) {
			problem(u, i, P_CONS_BRANCH, "follows '%s', as '%s' "
			    "already does", d->ju[k].number,
			    d->ju[u->next[k]].number);
			u->bad[i] = u->bad[k] = 1;
		} else {
			u->prev[i] = k;
			u->next[k] = i;
		}
	}
	for (i = 0; i < n; i++) {
		for (k = u->prev[i], steps = 0; k >= 0 && k != i &&
		    steps <= n; k = u->prev[k])
			steps++;
		if (k == i || steps > n) {
			problem(u, i, P_CONS_CYCLE, "the judgments it follows "
			    "lead back to it");
			u->bad[i] = 1;
			u->prev[i] = -1;	/* break the loop */
		}
	}
	for (i = 0; i < n; i++)
		if (u->prev[i] >= 0 && (d->ju[i].type != THADS_P_FIXED ||
		    d->ju[u->prev[i]].type != THADS_P_FIXED)) {
			problem(u, i, P_CONS_TYPE, "only fixed-term prison "
			    "sentences are aggregated one after the other");
			u->bad[i] = 1;
		}
}

static int
head_of(struct run *u, int i)
{
	int steps = 0;

	while (u->prev[i] >= 0 && steps++ <= (int)u->d->nju)
		i = u->prev[i];
	return i;
}

/* ---- start and credit ---- */

/*
 * The first day of chain h: judgment.start; else the admission of the
 * first episode of status want linked to a judgment of the chain; else
 * of the first such episode, linked to no judgment, admitted on or
 * after the judgment date.
 */
static int
find_start(struct run *u, int h, int want, const char **how)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e, *best = NULL;
	size_t i;

	if (d->ju[h].start != THADS_NODAY) {
		*how = "judgment.start as given";
		return d->ju[h].start;
	}
	for (i = 0; i < d->nep; i++) {
		e = &d->ep[i];
		if (e->status == want && in_chain(u, h, e->judgment) &&
		    (best == NULL || e->admitted < best->admitted))
			best = e;
	}
	if (best != NULL) {
		*how = "admission of the episode that serves it";
		return best->admitted;
	}
	for (i = 0; i < d->nep; i++) {
		e = &d->ep[i];
		if (e->status == want && e->judgment == NULL &&
		    e->admitted >= d->ju[h].date &&
		    (best == NULL || e->admitted < best->admitted))
			best = e;
	}
	if (best != NULL) {
		*how = "admission of the first episode after the judgment "
		    "(no episode names the judgment)";
		return best->admitted;
	}
	return THADS_NODAY;
}

/*
 * Which chain each custody or detention episode is credited to: the
 * one its episode.judgment names; an episode that names none goes to
 * the chain with the earliest start on or after the episode's end.
 */
static void
assign_credit(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e;
	int i, j, best, end;

	for (i = 0; i < (int)d->nep; i++) {
		e = &d->ep[i];
		u->owner[i] = -1;
		if (e->status != THADS_S_CUSTODY &&
		    e->status != THADS_S_DETENTION)
			continue;
		if (e->judgment != NULL) {
			j = find_judgment(d, e->judgment);
			u->owner[i] = j >= 0 ? head_of(u, j) : -1;
			continue;
		}
		end = e->released != THADS_NODAY ? e->released : e->admitted;
		for (best = -1, j = 0; j < (int)d->nju; j++) {
			if (u->prev[j] >= 0 || u->start[j] == THADS_NODAY ||
			    u->start[j] < end)
				continue;
			if (best < 0 || u->start[j] < u->start[best])
				best = j;
		}
		u->owner[i] = best;
	}
}

static const char *
status_name(int st)
{
	const struct thads_field *f = thads_field(F_EP_STATUS);

	return st >= 0 && st <= THADS_S_PROBATION ? f->values[st] : "?";
}

/* Days held before start S that are credited to chain h. */
static int
held_days(struct run *u, int h, int S)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e;
	int i, end, n, total = 0;

	for (i = 0; i < (int)d->nep; i++) {
		if (u->owner[i] != h)
			continue;
		e = &d->ep[i];
		end = e->released != THADS_NODAY ? e->released : S;
		if (end > S)
			end = S;
		n = end - e->admitted;
		if (n <= 0)
			continue;
		total += n;
		STEP(u, h, -1, THADS_NODAY, NULL, "held: %s from %s to %s "
		    "(the day of release not counted) = %d days",
		    status_name(e->status), ds(u, e->admitted), ds(u, end), n);
	}
	return total;
}

/* Reductions of chain h: months and days, and how many were granted. */
static int
reductions(struct run *u, int h, int skip, int *rm, int *rd)
{
	const struct thads_dossier *d = u->d;
	const struct thads_red *x;
	char b[64];
	int i, n = 0, m, dd;

	*rm = *rd = 0;
	for (i = 0; i < (int)d->nrd; i++) {
		x = &d->rd[i];
		if (!in_chain(u, h, x->judgment) && !(x->judgment == NULL &&
		    u->owner[d->nep + (size_t)i] == h))
			continue;
		if (n++ < skip)
			continue;
		m = 12 * (x->years > 0 ? x->years : 0) +
		    (x->months > 0 ? x->months : 0);
		dd = x->days > 0 ? x->days : 0;
		*rm += m;
		*rd += dd;
		STEP(u, h, -1, THADS_NODAY, NULL, "reduction of %s on %s "
		    "(decision %s)", terms(m, dd, b, sizeof(b)),
		    ds(u, x->date), x->decision ? x->decision : "-");
	}
	return n;
}

/*
 * Reductions that name no judgment belong to the only chain of prison
 * or reform; with several such chains they cannot be placed (S113).
 * The owner of reduction i is kept in owner[nep + i].
 */
static void
assign_reductions(struct run *u)
{
	const struct thads_dossier *d = u->d;
	int i, j, only = -1, n = 0;

	for (j = 0; j < (int)d->nju; j++)
		if (u->prev[j] < 0 && d->ju[j].type != THADS_P_WARNING &&
		    d->ju[j].type != THADS_P_FINE) {
			only = j;
			n++;
		}
	for (i = 0; i < (int)d->nrd; i++) {
		u->owner[d->nep + (size_t)i] = -1;
		if (d->rd[i].judgment != NULL) {
			if (find_judgment(d, d->rd[i].judgment) >= 0)
				continue;
			problem(u, -1, P_RED_UNATTACHED, "reduction of %s "
			    "names judgment '%s', which is not in the dossier",
			    ds(u, d->rd[i].date), d->rd[i].judgment);
		} else if (n == 1) {
			u->owner[d->nep + (size_t)i] = only;
			continue;
		} else
			problem(u, -1, P_RED_UNATTACHED, "reduction of %s "
			    "names no judgment and the person has %d sentences",
			    ds(u, d->rd[i].date), n);
		/* Which sentence it shortens is unknown: compute none. */
		for (j = 0; j < (int)d->nju; j++)
			if (d->ju[j].type != THADS_P_WARNING &&
			    d->ju[j].type != THADS_P_FINE)
				u->bad[j] = 1;
	}
}

/* ---- record clearance ---- */

static int
court_only(const struct thads_fig *f, const char *article)
{
	int a = 0, i, n = 0;

	if (article == NULL)
		return 0;
	while (*article >= '0' && *article <= '9' && n < 6) {
		a = a * 10 + (*article++ - '0');
		n++;
	}
	for (i = 0; n > 0 && i < f->n; i++)
		if (a >= f->lo[i] && a <= f->hi[i])
			return 1;
	return 0;
}

/* The wait figure for chain h: its duration in *w. */
static const struct thads_fig *
clearance_wait(struct run *u, int h, int S, int G, struct thads_dur *w,
    const char **why)
{
	const struct thads_jud *j = &u->d->ju[h];
	struct thads_sres *r = &u->s->j[h];
	const struct thads_fig *f;
	int id, i, end;

	switch (j->type) {
	case THADS_P_WARNING: id = THADS_F_CL_WARNING; break;
	case THADS_P_FINE: id = THADS_F_CL_FINE; break;
	case THADS_P_REFORM: id = THADS_F_CL_REFORM; break;
	case THADS_P_SUSPENDED: id = THADS_F_CL_SUSPENDED; break;
	case THADS_P_LIFE: case THADS_P_DEATH: id = THADS_F_CL_LIFE; break;
	default: id = THADS_F_CL_PRISON; break;
	}
	if ((f = fig(u, -1, id, G)) == NULL)
		return NULL;
	*why = thads_fig_name(id);
	if (id != THADS_F_CL_PRISON) {
		*w = f->dur;
		return f;
	}
	end = thads_ks_end(S, r->months, r->days);
	for (i = 0; i < f->n; i++)
		if (f->tiers[i].open ||
		    end <= thads_ks_end(S, f->tiers[i].upto.months,
		    f->tiers[i].upto.days)) {
			*w = f->tiers[i].wait;
			return f;
		}
	return NULL;
}

static void
clearance(struct run *u, int h, int S, int E)
{
	const struct thads_dossier *d = u->d;
	const struct thads_fig *f, *c;
	struct thads_sres *r = &u->s->j[h];
	struct thads_dur w;
	const char *why = "";
	char b[64], t[64];
	int G = E + 1, C, k, off;

	r->calc[THADS_I_PENALTY_END] = E;
	if (E == THADS_NODAY)
		return;
	if ((c = fig(u, -1, THADS_F_CL_COURT, G)) == NULL)
		return;
	if (court_only(c, d->ju[h].article)) {
		STEP(u, h, THADS_I_CLEARANCE, THADS_NODAY, c, "no clearance "
		    "by law: article %s is cleared only by a court",
		    d->ju[h].article);
		return;
	}
	if ((f = clearance_wait(u, h, S, G, &w, &why)) == NULL)
		return;
	C = thads_ks_end(G, w.months, w.days);
	STEP(u, h, THADS_I_CLEARANCE, C, f, "record clearance: %s%s%s: wait "
	    "%s from the day after the penalty ends: %s + %s = %s",
	    why, d->ju[h].type == THADS_P_FIXED ? " for a term of " : "",
	    d->ju[h].type == THADS_P_FIXED ? terms(r->months, r->days, t,
	    sizeof(t)) : "", durs(&w, b, sizeof(b)), ds(u, G), b, ds(u, C));
	for (k = 0; k < (int)d->nju; k++) {
		if (head_of(u, k) == h)
			continue;
		off = d->ju[k].offence != THADS_NODAY ? d->ju[k].offence :
		    d->ju[k].date;
		if (off > E && off < C) {
			STEP(u, h, THADS_I_CLEARANCE, THADS_NODAY, NULL, "no "
			    "clearance: new offence on %s (judgment %s) before "
			    "%s", ds(u, off), d->ju[k].number, ds(u, C));
			return;
		}
	}
	r->calc[THADS_I_CLEARANCE] = C;
}

/* ---- the sentences ---- */

static int
pos(int v)
{
	return v > 0 ? v : 0;
}

/* Months (years folded in) and days of judgment j's term. */
static void
term_of(const struct thads_jud *j, int *m, int *d)
{
	*m = 12 * pos(j->years) + pos(j->months);
	*d = pos(j->days);
}

/* The chain's term summed, and the date that governs it (the latest). */
static int
chain_term(struct run *u, int h, int *M, int *D)
{
	const struct thads_dossier *d = u->d;
	char b[64];
	int j, m, dd, G = d->ju[h].date;

	*M = *D = 0;
	for (j = h; j >= 0; j = u->next[j]) {
		term_of(&d->ju[j], &m, &dd);
		*M += m;
		*D += dd;
		if (d->ju[j].date > G)
			G = d->ju[j].date;
		STEP(u, h, -1, THADS_NODAY, NULL, "term imposed by judgment "
		    "%s of %s: %s%s", d->ju[j].number, ds(u, d->ju[j].date),
		    terms(m, dd, b, sizeof(b)), j != h ? ", to run after the "
		    "one before" : "");
	}
	return G;
}

/* The first day a fraction f of a term of L days is served. */
static int
served_at(int S, int C, int L, const struct thads_fig *f)
{
	return S - C + part(L, f);
}

/* The release date of a term, with the arithmetic explained. */
static int
release_of(struct run *u, int h, int S, int M, int D, int C, int item)
{
	int a = thads_add_months(S, M), rel = a + D - 1 - C;

	STEP(u, h, item, rel, NULL, "%s: %s + %d months = %s; %+d days = %s; "
	    "the last day is included: - 1 = %s; less %d days of credit = %s",
	    item == THADS_I_RELEASE ? "release" : "end of the term",
	    ds(u, S), M, ds(u, a), D, ds(u, a + D), ds(u, a + D - 1), C,
	    ds(u, rel));
	return rel;
}

/* Credit less than the term, or the term is served at its start. */
static int
clamp_start(struct run *u, int h, int S, int rel, int C, int L)
{
	if (rel >= S)
		return rel;
	if (C > L)
		problem(u, h, P_CREDIT, "%d days of credit exceed the term of "
		    "%d days", C, L);
	STEP(u, h, -1, S, NULL, "the credit and reductions cover the whole "
	    "term: it is served on its first day, %s", ds(u, S));
	return S;
}

/* The fraction for the first reduction: higher after a new offence. */
static const struct thads_fig *
first_fraction(struct run *u, int h, int S, int G)
{
	const struct thads_dossier *d = u->d;
	const struct thads_fig *f, *g = NULL;
	int j, id;

	if ((f = fig(u, h, THADS_F_RED_FIRST, G)) == NULL)
		return NULL;
	for (j = u->next[h]; j >= 0; j = u->next[j]) {
		if (d->ju[j].offence == THADS_NODAY || d->ju[j].offence < S)
			continue;
		id = d->ju[j].category >= THADS_CAT_VERY ?
		    THADS_F_RED_NEW_SERIOUS : THADS_F_RED_NEW;
		if ((g = fig(u, h, id, G)) == NULL)
			return NULL;
		if ((long long)g->num * f->den > (long long)f->num * g->den) {
			STEP(u, h, -1, THADS_NODAY, g, "judgment %s was for an "
			    "offence of %s, committed while serving: the "
			    "first reduction needs %s of the term",
			    d->ju[j].number, ds(u, d->ju[j].offence),
			    g->value);
			f = g;
		}
	}
	return f;
}

/* The first review round on or after X, if it comes before rel. */
static void
round_after(struct run *u, int h, int item, int id, int X, int rel)
{
	const struct thads_fig *f = thads_rules_get(u->r, id, X);
	int R = thads_rules_date(u->r, id, X, 1);

	if (R == THADS_NODAY || R > rel) {
		STEP(u, h, item, THADS_NODAY, f, "no review round from %s to "
		    "the end on %s", ds(u, X), ds(u, rel));
		return;
	}
	u->s->j[h].calc[item] = R;
	STEP(u, h, item, R, f, "the first review round on or after %s: %s",
	    ds(u, X), ds(u, R));
}

static void
reduction_dates(struct run *u, int h, int S, int C, int L, int rel,
    const struct thads_fig *f)
{
	struct thads_sres *r = &u->s->j[h];
	int X = served_at(S, C, L, f);

	if (X > rel) {
		STEP(u, h, THADS_I_RED_FIRST, THADS_NODAY, f, "no reduction: "
		    "%s of the term would be served on %s, after the release",
		    f->value, ds(u, X));
		return;
	}
	STEP(u, h, THADS_I_RED_FIRST, X, f, "first reduction: %s of the term "
	    "of %d days = %d days (rounded up), served from %s with %d days "
	    "of credit: %s + %d - %d = %s", f->value, L, part(L, f),
	    ds(u, S), C, ds(u, S), part(L, f), C, ds(u, X));
	r->calc[THADS_I_RED_FIRST] = X;
	round_after(u, h, THADS_I_RED_ROUND, THADS_F_RED_ROUNDS, X, rel);
}

static void
early_dates(struct run *u, int h, int S, int C, int L, int rel, int G)
{
	const struct thads_fig *f, *sp, *age;
	struct thads_sres *r = &u->s->j[h];
	int X, X3, old, birth = u->d->birth;

	if ((f = fig_in(u, h, THADS_F_ER_FRACTION, G, 0)) == NULL ||
	    (sp = fig_in(u, h, THADS_F_ER_SPECIAL, G, 0)) == NULL ||
	    (age = fig_in(u, h, THADS_F_ER_AGE, G, 0)) == NULL)
		return;
	X = served_at(S, C, L, f);
	STEP(u, h, THADS_I_ER_FIRST, X, f, "early release: %s of the term of "
	    "%d days = %d days (rounded up): %s + %d - %d = %s", f->value, L,
	    part(L, f), ds(u, S), part(L, f), C, ds(u, X));
	if (birth != THADS_NODAY) {
		old = thads_ks_end(birth, age->dur.months, age->dur.days);
		X3 = served_at(S, C, L, sp);
		if (old < X3)
			old = X3;
		if (old < X) {
			STEP(u, h, THADS_I_ER_FIRST, old, sp, "aged %s on %s: "
			    "%s of the term is enough from %s", age->value,
			    ds(u, thads_ks_end(birth, age->dur.months,
			    age->dur.days)), sp->value, ds(u, old));
			X = old;
		}
	}
	if (X > rel) {
		STEP(u, h, THADS_I_ER_FIRST, THADS_NODAY, NULL, "no early "
		    "release: the term ends on %s", ds(u, rel));
		return;
	}
	r->calc[THADS_I_ER_FIRST] = X;
	round_after(u, h, THADS_I_ER_ROUND, THADS_F_ER_ROUNDS, X, rel);
}

/* An amnesty release before the computed date ends the penalty. */
static int
penalty_end(struct run *u, int h, int rel)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e;
	size_t i;

	for (i = 0; i < d->nep; i++) {
		e = &d->ep[i];
		if (e->status == THADS_S_SERVING &&
		    e->released != THADS_NODAY &&
		    e->reason == THADS_R_AMNESTY && e->released < rel &&
		    (e->judgment == NULL || in_chain(u, h, e->judgment))) {
			STEP(u, h, THADS_I_PENALTY_END, e->released, NULL,
			    "released by amnesty on %s: the penalty ends then",
			    ds(u, e->released));
			return e->released;
		}
	}
	return rel;
}

/* A person on conditional release is on probation to the term's end. */
static void
conditional(struct run *u, int h, int rel)
{
	const struct thads_ep *e;

	if (u->s->held < 0)
		return;
	e = &u->d->ep[u->s->held];
	if (e->status != THADS_S_CONDITIONAL ||
	    (e->judgment != NULL && !in_chain(u, h, e->judgment)))
		return;
	u->s->j[h].calc[THADS_I_PROBATION_END] = rel;
	STEP(u, h, THADS_I_PROBATION_END, rel, NULL, "conditional early "
	    "release from %s: probation for the rest of the term, to %s "
	    "(PC Art. 66(3))", ds(u, e->admitted), ds(u, rel));
}

static void
fixed(struct run *u, int h)
{
	const struct thads_fig *cap, *ratio, *minsv, *first;
	struct thads_sres *r = &u->s->j[h];
	const char *how = "";
	char b[64], c[64];
	int S, M, D, G, End, Ecap, L, C, rm, rd, n, rel;

	G = chain_term(u, h, &M, &D);
	if ((cap = fig(u, h, THADS_F_CAP, G)) == NULL ||
	    (ratio = fig(u, h, THADS_F_CREDIT_PRISON, G)) == NULL ||
	    (minsv = fig(u, h, THADS_F_RED_MIN, G)) == NULL)
		return;
	S = find_start(u, h, THADS_S_SERVING, &how);
	r->calc[THADS_I_START] = S;
	STEP(u, h, THADS_I_START, S, NULL, "start %s: %s", ds(u, S), how);
	End = thads_ks_end(S, M, D);
	Ecap = thads_ks_end(S, cap->dur.months, cap->dur.days);
	if (End > Ecap) {
		r->capped = 1;
		STEP(u, h, -1, Ecap, cap, "the aggregate %s would end on %s, "
		    "after the cap of %s (%s): the term is %s", terms(M, D, b,
		    sizeof(b)), ds(u, End - 1), cap->value, ds(u, Ecap - 1),
		    durs(&cap->dur, c, sizeof(c)));
		M = cap->dur.months;
		D = cap->dur.days;
		End = Ecap;
	}
	r->months = M;
	r->days = D;
	L = End - S;
	C = held_days(u, h, S) * (int)ratio->count;
	STEP(u, h, -1, THADS_NODAY, ratio, "credit: %d days, at %ld day%s of "
	    "prison per day held", C, ratio->count, ratio->count == 1 ? "" :
	    "s");
	n = reductions(u, h, 0, &rm, &rd);
	r->credit = C;
	r->rmonths = rm;
	r->rdays = rd;
	rel = release_of(u, h, S, M - rm, D - rd, C, THADS_I_RELEASE);
	rel = clamp_start(u, h, S, rel, C, L);
	r->calc[THADS_I_RELEASE] = rel;
	if (n > 0 && rel - S + 1 + C < part(L, minsv))
		problem(u, h, P_MIN_SERVED, "reductions leave %d days served "
		    "of a term of %d days: less than %s", rel - S + 1 + C, L,
		    minsv->value);
	if ((first = first_fraction(u, h, S, G)) == NULL)
		return;
	reduction_dates(u, h, S, C, L, rel, first);
	early_dates(u, h, S, C, L, rel, G);
	conditional(u, h, rel);
	clearance(u, h, S, penalty_end(u, h, rel));
}

static void
life(struct run *u, int h)
{
	const struct thads_dossier *d = u->d;
	const struct thads_jud *j = &d->ju[h];
	const struct thads_fig *term, *minsv, *first, *ratio;
	struct thads_sres *r = &u->s->j[h];
	const char *how = "";
	int S, C, n, need, rm, rd, rel, X, floor_;

	if ((term = fig(u, h, THADS_F_LIFE_TERM, j->date)) == NULL ||
	    (minsv = fig(u, h, THADS_F_LIFE_MIN, j->date)) == NULL ||
	    (first = fig(u, h, THADS_F_RED_FIRST_LIFE, j->date)) == NULL ||
	    (ratio = fig(u, h, THADS_F_CREDIT_PRISON, j->date)) == NULL)
		return;
	S = find_start(u, h, THADS_S_SERVING, &how);
	if (S == THADS_NODAY)
		S = find_start(u, h, THADS_S_AWAITING, &how);
	r->calc[THADS_I_START] = S;
	STEP(u, h, THADS_I_START, S, NULL, "start %s: %s", ds(u, S), how);
	C = held_days(u, h, S) * (int)ratio->count;
	r->credit = C;
	need = j->type == THADS_P_DEATH ? 2 : 1;
	n = reductions(u, h, need, &rm, &rd);
	if (j->type == THADS_P_DEATH && n >= 1)
		STEP(u, h, -1, THADS_NODAY, NULL, "the death sentence was "
		    "commuted to life imprisonment (PC Art. 40)");
	if (n < need) {
		r->life = 1;
		if (j->type == THADS_P_DEATH && n == 0) {
			STEP(u, h, THADS_I_RELEASE, THADS_NODAY, NULL, "death "
			    "sentence: no release date, reduction or early "
			    "release until commuted");
			return;
		}
		X = thads_ks_end(S, first->dur.months, first->dur.days) - C;
		r->calc[THADS_I_RED_FIRST] = X;
		STEP(u, h, THADS_I_RELEASE, THADS_NODAY, NULL, "life "
		    "imprisonment: no release date until commuted");
		STEP(u, h, THADS_I_RED_FIRST, X, first, "first reduction "
		    "after %s served: %s + %s - %d days of credit = %s",
		    first->value, ds(u, S), first->value, C, ds(u, X));
		round_after(u, h, THADS_I_RED_ROUND, THADS_F_RED_ROUNDS, X,
		    INT_MAX);
		return;
	}
	STEP(u, h, -1, THADS_NODAY, term, "life imprisonment commuted to %s "
	    "by the %s reduction", term->value, need == 2 ? "second" :
	    "first");
	r->months = term->dur.months;
	r->days = term->dur.days;
	r->rmonths = rm;
	r->rdays = rd;
	rel = release_of(u, h, S, term->dur.months - rm, term->dur.days - rd,
	    C, THADS_I_RELEASE);
	floor_ = thads_ks_last(S, minsv->dur.months, minsv->dur.days) - C;
	if (rel < floor_)
		problem(u, h, P_MIN_SERVED, "reductions bring the release to "
		    "%s, before %s actually served (%s)", ds(u, rel),
		    minsv->value, ds(u, floor_));
	r->calc[THADS_I_RELEASE] = rel;
	X = thads_ks_end(S, first->dur.months, first->dur.days) - C;
	r->calc[THADS_I_RED_FIRST] = X;
	STEP(u, h, THADS_I_RED_FIRST, X, first, "reductions considered from "
	    "%s served: %s", first->value, ds(u, X));
	round_after(u, h, THADS_I_RED_ROUND, THADS_F_RED_ROUNDS, X, rel);
	clearance(u, h, S, penalty_end(u, h, rel));
}

static void
suspended(struct run *u, int h)
{
	const struct thads_jud *j = &u->d->ju[h];
	const struct thads_fig *fac, *lo, *hi;
	struct thads_sres *r = &u->s->j[h];
	char b[64];
	int S, M, D, Pm, Pd, rm, rd, end, e;

	if ((fac = fig(u, h, THADS_F_SUSP_FACTOR, j->date)) == NULL ||
	    (lo = fig(u, h, THADS_F_SUSP_MIN, j->date)) == NULL ||
	    (hi = fig(u, h, THADS_F_SUSP_PMAX, j->date)) == NULL)
		return;
	S = j->start != THADS_NODAY ? j->start : j->date;
	r->calc[THADS_I_START] = S;
	STEP(u, h, THADS_I_START, S, NULL, "probation counted from %s, %s",
	    ds(u, S), j->start != THADS_NODAY ? "judgment.start as given" :
	    "the date of the judgment (PC Art. 65(1))");
	term_of(j, &M, &D);
	r->months = M;
	r->days = D;
	if (j->probation >= 0) {
		Pm = j->probation;
		Pd = 0;
		STEP(u, h, -1, THADS_NODAY, NULL, "probation of %d months, as "
		    "the judgment sets it", Pm);
	} else {
		Pm = (int)fac->count * M;
		Pd = (int)fac->count * D;
		e = thads_ks_end(S, Pm, Pd);
		STEP(u, h, -1, THADS_NODAY, fac, "probation not given: %ld x "
		    "the term %s = %s", fac->count, terms(M, D, b, sizeof(b)),
		    terms(Pm, Pd, b, sizeof(b)));
		if (e < thads_ks_end(S, lo->dur.months, lo->dur.days)) {
			Pm = lo->dur.months;
			Pd = lo->dur.days;
			STEP(u, h, -1, THADS_NODAY, lo, "raised to the "
			    "minimum, %s", lo->value);
		} else if (e > thads_ks_end(S, hi->dur.months, hi->dur.days)) {
			Pm = hi->dur.months;
			Pd = hi->dur.days;
			STEP(u, h, -1, THADS_NODAY, hi, "lowered to the "
			    "maximum, %s", hi->value);
		}
	}
	if (reductions(u, h, 0, &rm, &rd) > 0)
		STEP(u, h, -1, THADS_NODAY, NULL, "probation shortened by %s",
		    terms(rm, rd, b, sizeof(b)));
	r->rmonths = rm;
	r->rdays = rd;
	end = release_of(u, h, S, Pm - rm, Pd - rd, 0,
	    THADS_I_PROBATION_END);
	if (end < S)
		end = S;
	r->calc[THADS_I_PROBATION_END] = end;
	clearance(u, h, S, end);
}

static void
reform(struct run *u, int h)
{
	const struct thads_jud *j = &u->d->ju[h];
	const struct thads_fig *ratio, *first;
	struct thads_sres *r = &u->s->j[h];
	const char *how = "";
	int S, M, D, L, C, rm, rd, end;

	if ((ratio = fig(u, h, THADS_F_CREDIT_REFORM, j->date)) == NULL ||
	    (first = fig(u, h, THADS_F_RED_FIRST, j->date)) == NULL)
		return;
	S = find_start(u, h, THADS_S_REFORM, &how);
	r->calc[THADS_I_START] = S;
	STEP(u, h, THADS_I_START, S, NULL, "start %s: %s", ds(u, S), how);
	term_of(j, &M, &D);
	r->months = M;
	r->days = D;
	L = thads_ks_end(S, M, D) - S;
	C = held_days(u, h, S) * (int)ratio->count;
	r->credit = C;
	STEP(u, h, -1, THADS_NODAY, ratio, "credit: %d days, at %ld days of "
	    "non-custodial reform per day held", C, ratio->count);
	(void)reductions(u, h, 0, &rm, &rd);
	r->rmonths = rm;
	r->rdays = rd;
	end = release_of(u, h, S, M - rm, D - rd, C, THADS_I_REFORM_END);
	end = clamp_start(u, h, S, end, C, L);
	r->calc[THADS_I_REFORM_END] = end;
	reduction_dates(u, h, S, C, L, end, first);
	clearance(u, h, S, end);
}

/* A warning or a fine: the penalty is done on the day of judgment. */
static void
minor(struct run *u, int h)
{
	const struct thads_jud *j = &u->d->ju[h];

	STEP(u, h, THADS_I_PENALTY_END, j->date, NULL, "a %s is executed "
	    "when pronounced: the penalty ends on %s (to confirm for a fine: "
	    "the day it was paid is not recorded)", j->type ==
	    THADS_P_WARNING ? "warning" : "fine", ds(u, j->date));
	clearance(u, h, j->date, j->date);
}

static void
compute(struct run *u, int h)
{
	switch (u->d->ju[h].type) {
	case THADS_P_FIXED:
		fixed(u, h);
		break;
	case THADS_P_LIFE:
	case THADS_P_DEATH:
		life(u, h);
		break;
	case THADS_P_SUSPENDED:
		suspended(u, h);
		break;
	case THADS_P_REFORM:
		reform(u, h);
		break;
	case THADS_P_WARNING:
	case THADS_P_FINE:
		minor(u, h);
		break;
	default:
		STEP(u, h, -1, THADS_NODAY, NULL, "no dates are computed for "
		    "this penalty");
		break;
	}
}

/* ---- the person: episodes, detention, custody, classification ---- */

static void
episodes(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e, *f;
	size_t i, k;
	int held = -1;

	for (i = 0; i < d->nep; i++) {
		e = &d->ep[i];
		if (e->released != THADS_NODAY && e->released < e->admitted) {
			problem(u, -1, P_RELEASE_BEFORE, "episode admitted %s "
			    "released %s", ds(u, e->admitted),
			    ds(u, e->released));
			for (k = 0; k < d->nju; k++)
				u->bad[k] = 1;
		}
		/* Held on the as-of day: admitted by then, not yet released. */
		if (e->admitted <= u->as_of && (e->released == THADS_NODAY ||
		    e->released > u->as_of) && (held < 0 ||
		    e->admitted >= d->ep[held].admitted))
			held = (int)i;
		if (e->status != THADS_S_CUSTODY &&
		    e->status != THADS_S_DETENTION)
			continue;
		for (k = i + 1; k < d->nep; k++) {
			f = &d->ep[k];
			if ((f->status != THADS_S_CUSTODY &&
			    f->status != THADS_S_DETENTION) ||
			    !((f->admitted >= e->admitted &&
			    (e->released == THADS_NODAY ||
			    f->admitted < e->released)) ||
			    (e->admitted >= f->admitted &&
			    (f->released == THADS_NODAY ||
			    e->admitted < f->released))))
				continue;
			problem(u, -1, P_OVERLAP, "held episodes from %s and "
			    "from %s overlap", ds(u, e->admitted),
			    ds(u, f->admitted));
			for (k = 0; k < d->nju; k++)
				u->bad[k] = 1;
			break;
		}
	}
	u->s->held = held;
	if (held >= 0 && d->ep[held].status == THADS_S_SERVING &&
	    d->nju == 0)
		problem(u, -1, P_NO_JUDGMENT, "serving since %s, but no "
		    "judgment is on file", ds(u, d->ep[held].admitted));
}

static const char *
cat_name(int c)
{
	static const char *const n[THADS_NCAT] = {
		"less serious", "serious", "very serious", "especially serious"
	};

	return c >= 0 && c < THADS_NCAT ? n[c] : "?";
}

static const char *
stage_name(int st)
{
	const struct thads_field *f = thads_field(F_OR_STAGE);

	return st >= 0 && st < THADS_NSTAGE ? f->values[st] : "?";
}

/* Orders overlapping another: S102, and no limit is computed. */
static int
orders_overlap(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ord *a, *b;
	size_t i, k;

	for (i = 0; i < d->nod; i++)
		for (k = 0; k < d->nod; k++) {
			a = &d->od[i];
			b = &d->od[k];
			if (i == k || b->start < a->start ||
			    (b->start == a->start && k < i) ||
			    b->start > a->end)
				continue;
			problem(u, -1, P_OVERLAP, "detention orders from %s "
			    "(to %s) and from %s overlap", ds(u, a->start),
			    ds(u, a->end), ds(u, b->start));
			return 1;
		}
	return 0;
}

/*
 * The orders of one stage that follow each other without a gap make
 * one detention; its limit counts from the first one's first day.
 */
static int
first_order(struct run *u, int cur)
{
	const struct thads_dossier *d = u->d;
	size_t k, steps;
	int first = cur, moved = 1;

	for (steps = 0; moved && steps <= d->nod; steps++) {
		moved = 0;
		for (k = 0; k < d->nod; k++)
			if ((int)k != first &&
			    d->od[k].stage == d->od[cur].stage &&
			    d->od[k].start < d->od[first].start &&
			    d->od[k].end >= d->od[first].start - 1) {
				first = (int)k;
				moved = 1;
			}
	}
	return first;
}

/* Days of custody just before day S1, which the detention absorbs. */
static int
custody_before(struct run *u, int S1)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e, *best = NULL;
	size_t i;

	for (i = 0; i < d->nep; i++) {
		e = &d->ep[i];
		if (e->status != THADS_S_CUSTODY || e->admitted > S1 ||
		    (e->released != THADS_NODAY && e->released < S1 - 1))
			continue;
		if (best == NULL || e->admitted > best->admitted)
			best = e;
	}
	if (best == NULL)
		return 0;
	STEP(u, -1, -1, THADS_NODAY, NULL, "temporary custody from %s to the "
	    "detention on %s: %d days", ds(u, best->admitted), ds(u, S1),
	    S1 - best->admitted);
	return S1 - best->admitted;
}

static void
limits(struct run *u, int cur)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ord *o = &d->od[cur];
	const struct thads_fig *base, *ext, *n;
	char b[64];
	int first, S1, C, bd, md, last, max, cat = o->category;
	size_t k;

	first = first_order(u, cur);
	S1 = d->od[first].start;
	if (cat < 0)
		cat = d->od[first].category;
	if (o->stage < 0 || cat < 0) {
		if (cat < 0)
			problem(u, -1, P_ORDER_CATEGORY, "order of %s has no "
			    "crime category: its limit is not checked",
			    ds(u, o->start));
		STEP(u, -1, THADS_I_DET_LIMIT, THADS_NODAY, NULL, "no legal "
		    "limit computed: %s", cat < 0 ? "crime category not "
		    "recorded" : "stage not recorded, or appeal");
		return;
	}
	if ((base = fig(u, -1, thads_fig_det(o->stage, THADS_DET_BASE, cat),
	    S1)) == NULL ||
	    (ext = fig(u, -1, thads_fig_det(o->stage, THADS_DET_EXTENSION,
	    cat), S1)) == NULL ||
	    (n = fig(u, -1, thads_fig_det(o->stage, THADS_DET_EXTENSIONS,
	    cat), S1)) == NULL)
		return;
	C = custody_before(u, S1);
	bd = thads_kd_days(&base->dur);
	last = thads_kd_last(S1, bd, C);
	STEP(u, -1, THADS_I_DET_LIMIT, last, base, "detention, %s crime (%s): "
	    "%s = %d days counted from %s inclusive, less %d days of custody "
	    "= %d days: last day %s", cat_name(cat), stage_name(o->stage),
	    durs(&base->dur, b, sizeof(b)), bd, ds(u, S1), C, bd - C,
	    ds(u, last));
	md = bd + (int)n->count * thads_kd_days(&ext->dur);
	max = thads_kd_last(S1, md, C);
	STEP(u, -1, THADS_I_DET_MAX, max, ext, "with %ld extension%s of at "
	    "most %s: %d days in all, less %d days of custody: last day %s",
	    n->count, n->count == 1 ? "" : "s", durs(&ext->dur, b,
	    sizeof(b)), md, C, ds(u, max));
	u->s->p[THADS_I_DET_LIMIT] = last;
	u->s->p[THADS_I_DET_MAX] = max;
	for (k = 0; k < d->nod; k++)
		if (d->od[k].stage == o->stage && d->od[k].start >= S1 &&
		    d->od[k].end > max)
			problem(u, -1, P_ORDER_LIMIT, "order of %s runs "
			    "to %s, past the legal maximum %s",
			    ds(u, d->od[k].start), ds(u, d->od[k].end),
			    ds(u, max));
}

static void
detention(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const struct thads_fig *rq;
	char b[64];
	int cur = -1, req, moved;
	size_t i;

	for (i = 0; i < d->nod; i++)
		if (cur < 0 || d->od[i].end > d->od[cur].end ||
		    (d->od[i].end == d->od[cur].end &&
		    d->od[i].start > d->od[cur].start))
			cur = (int)i;
	if (cur < 0)
		return;
	u->s->order = cur;
	u->s->p[THADS_I_DET_EXPIRY] = d->od[cur].end;
	STEP(u, -1, THADS_I_DET_EXPIRY, d->od[cur].end, NULL, "detention "
	    "order %s%sfrom %s: its last day, as written on the order, is %s",
	    d->od[cur].number ? d->od[cur].number : "",
	    d->od[cur].number ? " " : "", ds(u, d->od[cur].start),
	    ds(u, d->od[cur].end));
	if ((rq = fig(u, -1, THADS_F_DET_REQUEST, d->od[cur].end)) != NULL) {
		req = thads_kp_deadline(u->r, d->od[cur].end, rq->dur.months,
		    rq->dur.days, -1, 1, &moved);
		u->s->p[THADS_I_DET_REQUEST] = req;
		STEP(u, -1, THADS_I_DET_REQUEST, req, rq, "the extension "
		    "request is due %s before: %s%s", durs(&rq->dur, b,
		    sizeof(b)), ds(u, req), moved ? " (moved back to a "
		    "working day)" : "");
	}
	if (orders_overlap(u))
		return;
	limits(u, cur);
}

/* Whole days of a time in seconds, rounding down. */
static int
day_of(long long t)
{
	return (int)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

static void
custody(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ep *e = NULL;
	const struct thads_fig *base, *ext, *n;
	struct thads_dur all;
	long long at;
	char b[64];
	size_t i;
	int s;

	for (i = 0; i < d->nep; i++)
		if (d->ep[i].status == THADS_S_CUSTODY &&
		    d->ep[i].released == THADS_NODAY &&
		    (e == NULL || d->ep[i].admitted >= e->admitted)) {
			e = &d->ep[i];
			u->s->custody = (int)i;
		}
	if (e == NULL ||
	    (base = fig(u, -1, THADS_F_CUSTODY_BASE, e->admitted)) == NULL ||
	    (ext = fig(u, -1, THADS_F_CUSTODY_EXT, e->admitted)) == NULL ||
	    (n = fig(u, -1, THADS_F_CUSTODY_EXTS, e->admitted)) == NULL)
		return;
	at = (long long)e->admitted * 86400 + e->admitted_s;
	u->s->custody_end = thads_kd_until(at, &base->dur);
	all = base->dur;
	all.months += (int)n->count * ext->dur.months;
	all.days += (int)n->count * ext->dur.days;
	all.hours += (int)n->count * ext->dur.hours;
	u->s->custody_max = thads_kd_until(at, &all);
	u->s->p[THADS_I_CUSTODY_END] = day_of(u->s->custody_end);
	u->s->p[THADS_I_CUSTODY_MAX] = day_of(u->s->custody_max);
	s = (int)(u->s->custody_end - (long long)day_of(u->s->custody_end) *
	    86400);
	STEP(u, -1, THADS_I_CUSTODY_END, u->s->p[THADS_I_CUSTODY_END], base,
	    "temporary custody from %s %02d:%02d: %s = %d hours, to %s "
	    "%02d:%02d", ds(u, e->admitted), e->admitted_s / 3600,
	    e->admitted_s / 60 % 60, durs(&base->dur, b, sizeof(b)),
	    thads_kd_days(&base->dur) *
	    24 + base->dur.hours, ds(u, u->s->p[THADS_I_CUSTODY_END]),
	    s / 3600, s / 60 % 60);
	STEP(u, -1, THADS_I_CUSTODY_MAX, u->s->p[THADS_I_CUSTODY_MAX], ext,
	    "with %ld extensions of %s at most: to %s", n->count,
	    durs(&ext->dur, b, sizeof(b)),
	    ds(u, u->s->p[THADS_I_CUSTODY_MAX]));
}

static void
classification(struct run *u)
{
	const struct thads_ep *e;
	int next, last;

	if (u->s->held < 0)
		return;
	e = &u->d->ep[u->s->held];
	if (e->status != THADS_S_SERVING)
		return;
	/* The same for everyone on the day: worked out once. */
	if (u->s->qrules != u->r || u->s->qcached != u->as_of) {
		u->s->qrules = u->r;
		u->s->qnext = thads_rules_date(u->r, THADS_F_CLASS_QUARTERS,
		    u->as_of, 1);
		u->s->qlast = thads_rules_date(u->r, THADS_F_CLASS_QUARTERS,
		    u->as_of, -1);
		u->s->qcached = u->as_of;
	}
	next = u->s->qnext;
	last = u->s->qlast;
	u->s->p[THADS_I_CLASS_NEXT] = next;
	u->s->p[THADS_I_CLASS_LAST] = last;
	STEP(u, -1, THADS_I_CLASS_NEXT, next, thads_rules_get(u->r,
	    THADS_F_CLASS_QUARTERS, u->as_of), "next quarter closes %s; "
	    "the last closed %s", ds(u, next), ds(u, last));
}

/* ---- checks, overrides, the run ---- */

static void
check_range(struct run *u, int j, int lo_id, int hi_id, const char *what)
{
	const struct thads_jud *jd = &u->d->ju[j];
	const struct thads_fig *lo, *hi;
	char b[64];
	int m, dd, end;

	if ((lo = fig(u, j, lo_id, jd->date)) == NULL ||
	    (hi = fig(u, j, hi_id, jd->date)) == NULL)
		return;
	term_of(jd, &m, &dd);
	end = thads_ks_end(jd->date, m, dd);
	if (end < thads_ks_end(jd->date, lo->dur.months, lo->dur.days) ||
	    end > thads_ks_end(jd->date, hi->dur.months, hi->dur.days))
		problem(u, j, P_TERM_RANGE, "%s of %s is outside %s to %s",
		    what, terms(m, dd, b, sizeof(b)), lo->value, hi->value);
}

static void
check_judgment(struct run *u, int j)
{
	const struct thads_jud *jd = &u->d->ju[j];
	const struct thads_fig *f;
	int m, dd;

	if (jd->offence != THADS_NODAY && jd->offence > jd->date) {
		problem(u, j, P_OFFENCE_AFTER, "offence of %s is after the "
		    "judgment of %s", ds(u, jd->offence), ds(u, jd->date));
		u->bad[j] = 1;
	}
	term_of(jd, &m, &dd);
	if ((jd->type == THADS_P_FIXED || jd->type == THADS_P_REFORM ||
	    jd->type == THADS_P_SUSPENDED) && m == 0 && dd == 0) {
		problem(u, j, P_ZERO, "a %s sentence of no length",
		    thads_field(F_JU_TYPE)->values[jd->type]);
		u->bad[j] = 1;
		return;
	}
	if (jd->type == THADS_P_FIXED)
		check_range(u, j, THADS_F_FIXED_MIN, THADS_F_FIXED_MAX,
		    "prison term");
	else if (jd->type == THADS_P_REFORM)
		check_range(u, j, THADS_F_REFORM_MIN, THADS_F_REFORM_MAX,
		    "non-custodial reform");
	if (jd->type != THADS_P_SUSPENDED)
		return;
	if ((f = fig(u, j, THADS_F_SUSP_MAX, jd->date)) != NULL &&
	    thads_ks_end(jd->date, m, dd) > thads_ks_end(jd->date,
	    f->dur.months, f->dur.days))
		problem(u, j, P_SUSP_LIMIT, "a suspended term of %d months "
		    "%d days is more than %s", m, dd, f->value);
	if (jd->probation >= 0 &&
	    ((f = fig(u, j, THADS_F_SUSP_MIN, jd->date)) == NULL ||
	    jd->probation < f->dur.months ||
	    (f = fig(u, j, THADS_F_SUSP_PMAX, jd->date)) == NULL ||
	    jd->probation > f->dur.months))
		problem(u, j, P_PROBATION, "probation of %d months is outside "
		    "the bounds", jd->probation);
}

static void
overrides(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const struct thads_ovr *o;
	struct thads_sres *r;
	size_t i;
	int j, h, k;

	for (i = 0; i < d->nov; i++) {
		o = &d->ov[i];
		if ((j = find_judgment(d, o->judgment)) < 0) {
			problem(u, -1, P_OVR_UNKNOWN, "override of %s names "
			    "judgment '%s', which is not in the dossier",
			    thads_item_name(o->item), o->judgment);
			continue;
		}
		if (!thads_item_overridable(o->item))
			continue;
		h = u->s->j[j].head;
		for (k = h; k >= 0; k = u->next[k]) {
			r = &u->s->j[k];
			r->v[o->item] = o->value;
			r->ovr[o->item] = (int)i;
		}
		STEP(u, h, o->item, o->value, NULL, "override: %s set to %s by "
		    "%s on %s (reason: %s); computed: %s",
		    thads_item_name(o->item), ds(u, o->value),
		    o->by ? o->by : "?", o->at ? o->at : "?",
		    o->reason ? o->reason : "", ds(u,
		    u->s->j[j].calc[o->item]));
	}
}

static int
needs_start(int type)
{
	return type == THADS_P_FIXED || type == THADS_P_LIFE ||
	    type == THADS_P_REFORM;
}

/* Each head's start, needed before credit can be placed. */
static void
starts(struct run *u)
{
	const struct thads_dossier *d = u->d;
	const char *how;
	int j, want;

	for (j = 0; j < (int)d->nju; j++) {
		u->start[j] = THADS_NODAY;
		if (u->prev[j] >= 0)
			continue;
		want = d->ju[j].type == THADS_P_REFORM ? THADS_S_REFORM :
		    THADS_S_SERVING;
		u->start[j] = find_start(u, j, want, &how);
		if (u->start[j] == THADS_NODAY && d->ju[j].type == THADS_P_LIFE)
			u->start[j] = find_start(u, j, THADS_S_AWAITING, &how);
		if (d->ju[j].type == THADS_P_SUSPENDED)
			u->start[j] = d->ju[j].start != THADS_NODAY ?
			    d->ju[j].start : d->ju[j].date;
		if (u->start[j] == THADS_NODAY && needs_start(d->ju[j].type)) {
			problem(u, j, P_NO_START, "no start: neither "
			    "judgment.start nor an episode that serves it");
			u->bad[j] = 1;
		}
	}
}

static int
prepare(struct run *u)
{
	const struct thads_dossier *d = u->d;
	struct thads_sentences *s = u->s;
	size_t need = 5 * d->nju + d->nep + d->nrd + 1, i;
	void *p;
	int k;

	if ((p = grow(u, s->j, &s->cap, d->nju + 1, sizeof(*s->j))) == NULL)
		return THADS_ENOMEM;
	s->j = p;
	if ((p = grow(u, s->tmp, &s->tmpcap, need, sizeof(int))) == NULL)
		return THADS_ENOMEM;
	s->tmp = p;
	u->prev = s->tmp;
	u->next = u->prev + d->nju;
	u->bad = u->next + d->nju;
	u->start = u->bad + d->nju;
	u->owner = u->start + d->nju;
	for (i = 0; i < d->nju; i++) {
		s->j[i].ok = 0;
		s->j[i].head = (int)i;
		s->j[i].credit = s->j[i].months = s->j[i].days = 0;
		s->j[i].capped = s->j[i].rmonths = s->j[i].rdays = 0;
		s->j[i].life = 0;
		for (k = 0; k < THADS_NITEM; k++) {
			s->j[i].v[k] = s->j[i].calc[k] = THADS_NODAY;
			s->j[i].ovr[k] = -1;
		}
	}
	for (k = 0; k < THADS_NITEM; k++)
		s->p[k] = THADS_NODAY;
	s->held = s->order = s->custody = -1;
	s->custody_end = s->custody_max = -1;
	return 0;
}

int
thads_sentence_run(const struct thads_rules *r,
    const struct thads_dossier *d, int as_of, struct thads_sentences *s)
{
	struct run u;
	int j, k, h;

	memset(&u, 0, sizeof(u));
	u.r = r;
	u.d = d;
	u.s = s;
	u.as_of = as_of;
	if (prepare(&u) != 0)
		return THADS_ENOMEM;
	link_chains(&u);
	episodes(&u);
	for (j = 0; j < (int)d->nju; j++)
		check_judgment(&u, j);
	starts(&u);
	assign_credit(&u);
	assign_reductions(&u);
	for (j = 0; j < (int)d->nju; j++)
		if (u.bad[j])
			u.bad[head_of(&u, j)] = 1;
	for (h = 0; h < (int)d->nju; h++)
		if (u.prev[h] < 0 && !u.bad[h])
			compute(&u, h);
	for (j = 0; j < (int)d->nju; j++) {
		h = head_of(&u, j);
		if (j != h)
			s->j[j] = s->j[h];
		s->j[j].head = h;
		s->j[j].ok = !u.bad[h];
		for (k = 0; k < THADS_NITEM; k++)
			s->j[j].v[k] = s->j[j].ok ? s->j[j].calc[k] :
			    THADS_NODAY;
	}
	detention(&u);
	custody(&u);
	classification(&u);
	overrides(&u);
	return u.rc;
}

void
thads_sentences_free(struct thads_sentences *s)
{
	free(s->j);
	free(s->tmp);
	s->j = NULL;
	s->tmp = NULL;
	s->cap = s->tmpcap = 0;
	s->qrules = NULL;
}

void
thads_explain_free(struct thads_explain *ex)
{
	free(ex->s);
	ex->s = NULL;
	ex->n = ex->cap = 0;
}

void
thads_problems_free(struct thads_problems *pb)
{
	free(pb->p);
	pb->p = NULL;
	pb->n = pb->cap = 0;
}

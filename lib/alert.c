/*
 * alert.c: the alert rules and their configuration.
 *
 * A rule fires from the first day of its lead time to its date, and a
 * rule about a duty not done (a person still held, a certificate not
 * recorded) goes on firing after the date, with negative days left,
 * until the dossier changes.  thads-alert(1) documents each rule.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

static const struct {
	const char *name;
	int	 sev;
	struct thads_dur lead;
	const char *basis;
	const char *doc;
} rtab[THADS_NARULE] = {
	{ "detention_expiring", THADS_SEV_WARNING, { 0, 15, 0 },
	    "CPC Art. 173(3): the extension request is due 10 days before",
	    "a detention order ends; the person is held" },
	{ "detention_expired", THADS_SEV_CRITICAL, { 0, 0, 0 },
	    "CPC Art. 173: nobody is held past the order's last day",
	    "the order has ended and the person is still held" },
	{ "detention_no_order", THADS_SEV_WARNING, { 0, 0, 0 },
	    "CPC Art. 119, 173: detention needs an order",
	    "held in pre-trial detention with no order on file" },
	{ "custody_ending", THADS_SEV_WARNING, { 0, 0, 12 },
	    "CPC Art. 118: 3 days, extendable twice by 3 days",
	    "temporary custody ends (critical once past its term)" },
	{ "release_preparation", THADS_SEV_INFO, { 2, 0, 0 },
	    "LECJ Art. 46 (to confirm): prepare release and reintegration",
	    "the release comes: notify the commune, prepare papers" },
	{ "release_due", THADS_SEV_WARNING, { 0, 15, 0 },
	    "LECJ Art. 46: release on the last day of the term",
	    "the release date comes (critical once passed, still held)" },
	{ "reduction_round", THADS_SEV_INFO, { 0, 30, 0 },
	    "PC Art. 63; rounds to confirm (Resolution 01/2018/NQ-HDTP)",
	    "eligible for the next sentence-reduction round" },
	{ "early_release_review", THADS_SEV_INFO, { 0, 30, 0 },
	    "PC Art. 66",
	    "eligible for conditional early release at the next review" },
	{ "classification_due", THADS_SEV_WARNING, { 0, 10, 0 },
	    "LECJ Art. 35 (quarter dates to confirm)",
	    "a quarter closes (or closed) without a classification result" },
	{ "completion_missing", THADS_SEV_WARNING, { 0, 15, 0 },
	    "LECJ (certificate of completion; article to confirm); PC Art. 70",
	    "a community sentence ends without a completion certificate" },
	{ "record_clearance", THADS_SEV_INFO, { 0, 0, 0 },
	    "PC Art. 70",
	    "the criminal record clearance date is reached" },
	{ "em_proposal", THADS_SEV_WARNING, { 0, 0, 0 },
	    "DOMAIN.md: one breach of a community sentence (basis to confirm)",
	    "a violation on a community sentence: propose monitoring" },
};

static const char *const sevs[] = { "info", "warning", "critical" };

const char *
thads_arule_name(int rule)
{
	return rule >= 0 && rule < THADS_NARULE ? rtab[rule].name : "?";
}

int
thads_arule_find(const char *name)
{
	int i;

	for (i = 0; i < THADS_NARULE; i++)
		if (strcmp(rtab[i].name, name) == 0)
			return i;
	return -1;
}

const char *
thads_arule_basis(int rule)
{
	return rule >= 0 && rule < THADS_NARULE ? rtab[rule].basis : "";
}

const char *
thads_arule_doc(int rule)
{
	return rule >= 0 && rule < THADS_NARULE ? rtab[rule].doc : "";
}

const char *
thads_sev_name(int sev)
{
	return sev >= 0 && sev <= THADS_SEV_CRITICAL ? sevs[sev] : "?";
}

int
thads_sev_find(const char *name)
{
	int i;

	for (i = 0; i <= THADS_SEV_CRITICAL; i++)
		if (strcmp(sevs[i], name) == 0)
			return i;
	return -1;
}

void
thads_alert_conf_defaults(struct thads_alert_conf *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < THADS_NARULE; i++) {
		c->r[i].enabled = 1;
		c->r[i].lead = rtab[i].lead;
		c->r[i].sev = rtab[i].sev;
	}
}

/* "15d", "2m", "12h", "1m15d": a lead time. */
static int
parse_lead(const char *s, struct thads_dur *d)
{
	long v;
	char num[16];
	size_t n;

	memset(d, 0, sizeof(*d));
	if (*s == '\0')
		return -1;
	while (*s) {
		n = strspn(s, "0123456789");
		if (n == 0 || n >= sizeof(num))
			return -1;
		memcpy(num, s, n);
		num[n] = '\0';
		if (thads_parse_long(num, 0, 100000, &v) != 0)
			return -1;
		s += n;
		switch (*s++) {
		case 'y': d->months += 12 * (int)v; break;
		case 'm': d->months += (int)v; break;
		case 'd': d->days += (int)v; break;
		case 'h': d->hours += (int)v; break;
		default: return -1;
		}
	}
	return 0;
}

static void
trim(char *s)
{
	size_t n = strlen(s);
	char *p = s + strspn(s, " \t");

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	memmove(s, p, strlen(p) + 1);
}

static int
conf_line(struct thads_alert_conf *c, const char *sect, char *key,
    char *val, const char *path, long line, struct thads_err *err)
{
	struct thads_arule_conf *rc;
	int r, v;

	if (strcmp(sect, "alert") == 0) {
		if (strcmp(key, "timezone") != 0)
			return thads_seterr(err, THADS_ECONFIG, path, line,
			    "unknown key '%s' in [alert]", key);
		snprintf(c->tz, sizeof(c->tz), "%s", val);
		return 0;
	}
	if ((r = thads_arule_find(sect)) < 0)
		return thads_seterr(err, THADS_ECONFIG, path, line,
		    "unknown rule [%s]", sect);
	rc = &c->r[r];
	if (strcmp(key, "lead") == 0 && parse_lead(val, &rc->lead) == 0)
		return 0;
	if (strcmp(key, "severity") == 0 && (v = thads_sev_find(val)) >= 0) {
		rc->sev = v;
		return 0;
	}
	if (strcmp(key, "enabled") == 0 && (strcmp(val, "yes") == 0 ||
	    strcmp(val, "no") == 0)) {
		rc->enabled = strcmp(val, "yes") == 0;
		return 0;
	}
	return thads_seterr(err, THADS_ECONFIG, path, line,
	    "bad '%s = %s' in [%s] (lead: 15d, 2m, 12h; severity: info, "
	    "warning, critical; enabled: yes, no)", key, val, sect);
}

int
thads_alert_conf_load(struct thads_alert_conf *c, const char *path,
    struct thads_err *err)
{
	char buf[512], sect[64] = "", *eq, *p;
	long line = 0;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "cannot open configuration: %s", strerror(errno));
	while (rc == 0 && fgets(buf, sizeof(buf), fp) != NULL) {
		line++;
		trim(buf);
		if (buf[0] == '\0' || buf[0] == '#' || buf[0] == ';')
			continue;
		if (buf[0] == '[') {
			if ((p = strchr(buf, ']')) == NULL || p[1] != '\0' ||
			    p - buf - 1 >= (long)sizeof(sect)) {
				rc = thads_seterr(err, THADS_ECONFIG, path,
				    line, "bad section '%.60s'", buf);
				break;
			}
			*p = '\0';
			snprintf(sect, sizeof(sect), "%.63s", buf + 1);
			continue;
		}
		if ((eq = strchr(buf, '=')) == NULL || sect[0] == '\0') {
			rc = thads_seterr(err, THADS_ECONFIG, path, line,
			    "expected KEY = VALUE under a [section]");
			break;
		}
		*eq++ = '\0';
		trim(buf);
		trim(eq);
		rc = conf_line(c, sect, buf, eq, path, line, err);
	}
	fclose(fp);
	return rc;
}

/* ---- the rules ---- */

struct thads_ablk {
	struct thads_ablk *next;
	size_t	 used, size;
	char	 data[];
};

/* A copy of s in the alerts' arena, or NULL when out of memory. */
static const char *
keep(struct thads_alerts *o, const char *s, size_t n)
{
	struct thads_ablk *b = o->mem;
	size_t size;

	if (b == NULL || b->size - b->used < n + 1) {
		size = n + 1 > 65536 ? n + 1 : 65536;
		if ((b = malloc(sizeof(*b) + size)) == NULL)
			return NULL;
		b->next = o->mem;
		b->used = 0;
		b->size = size;
		o->mem = b;
	}
	memcpy(b->data + b->used, s, n);
	b->data[b->used + n] = '\0';
	b->used += n + 1;
	return b->data + b->used - n - 1;
}

void
thads_alert_key(const struct thads_alert *a, char *buf, size_t size)
{
	char d[THADS_DAYBUF];

	snprintf(buf, size, "%s:%s:%s", thads_arule_name(a->rule),
	    thads_day_fmt(a->date, d), a->person);
}

struct ctx {
	const struct thads_alert_conf *c;
	const struct thads_rules *r;
	const struct thads_dossier *d;
	const struct thads_sentences *s;
	int	 as_of;
	long long now;
	struct thads_alerts *out;
	char	 who[65];
	const char *kept;	/* who, in the alerts' arena */
	int	 rc;
};

static void
emit(struct ctx *x, int rule, int sev, int date, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
emit(struct ctx *x, int rule, int sev, int date, const char *fmt, ...)
{
	struct thads_alerts *o = x->out;
	struct thads_alert *a;
	char reason[300];
	va_list ap;
	size_t cap;
	int n;
	void *p;

	if (x->kept == NULL &&
	    (x->kept = keep(o, x->who, strlen(x->who))) == NULL) {
		x->rc = THADS_ENOMEM;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (o->n == o->cap) {
		cap = o->cap ? o->cap * 2 : 64;
		if ((p = realloc(o->a, cap * sizeof(*a))) == NULL) {
			x->rc = THADS_ENOMEM;
			return;
		}
		o->a = p;
		o->cap = cap;
	}
	a = &o->a[o->n];
	a->rule = (short)rule;
	a->sev = (short)sev;
	a->date = date;
	/* An alert without a date (its reason) has no days left either. */
	a->days_left = date == THADS_NODAY ? 0 : date - x->as_of;
	a->row = x->d->row;
	a->person = x->kept;
	if ((a->reason = keep(o, reason, (size_t)n < sizeof(reason) ?
	    (size_t)n : sizeof(reason) - 1)) == NULL) {
		x->rc = THADS_ENOMEM;
		return;
	}
	o->n++;
}

/* The first day of the lead time of rule for a date. */
static int
lead_start(const struct ctx *x, int rule, int date)
{
	const struct thads_dur *l = &x->c->r[rule].lead;

	return thads_add_months(date, -l->months) - l->days -
	    (l->hours + 23) / 24;
}

static int
on(const struct ctx *x, int rule)
{
	return x->c->r[rule].enabled;
}

static int
sev(const struct ctx *x, int rule)
{
	return x->c->r[rule].sev;
}

/* The open episode, or NULL. */
static const struct thads_ep *
held(const struct ctx *x)
{
	return x->s->held >= 0 ? &x->d->ep[x->s->held] : NULL;
}

static const char *
D(int day, char *buf)
{
	return thads_day_fmt(day, buf);
}

static void
detention(struct ctx *x)
{
	const struct thads_ep *e = held(x);
	char a[THADS_DAYBUF], b[THADS_DAYBUF];
	int E = x->s->p[THADS_I_DET_EXPIRY];

	if (e == NULL || e->status != THADS_S_DETENTION)
		return;
	if (x->d->nod == 0) {
		if (on(x, THADS_A_DET_NO_ORDER))
			emit(x, THADS_A_DET_NO_ORDER,
			    sev(x, THADS_A_DET_NO_ORDER), e->admitted,
			    "held in pre-trial detention since %s with no "
			    "detention order on file", D(e->admitted, a));
		return;
	}
	if (E < x->as_of) {
		if (on(x, THADS_A_DET_EXPIRED))
			emit(x, THADS_A_DET_EXPIRED,
			    sev(x, THADS_A_DET_EXPIRED), E, "detention order "
			    "ended %s and the person is still held (%d days)",
			    D(E, a), x->as_of - E);
		return;
	}
	if (on(x, THADS_A_DET_EXPIRING) &&
	    x->as_of >= lead_start(x, THADS_A_DET_EXPIRING, E))
		emit(x, THADS_A_DET_EXPIRING, sev(x, THADS_A_DET_EXPIRING), E,
		    "detention order ends %s; the extension request is due "
		    "%s", D(E, a), D(x->s->p[THADS_I_DET_REQUEST], b));
}

static void
custody(struct ctx *x)
{
	const struct thads_sentences *s = x->s;
	const struct thads_dur *l = &x->c->r[THADS_A_CUSTODY].lead;
	long long from, left;
	char a[THADS_DAYBUF];
	int secs;

	if (s->custody < 0 || !on(x, THADS_A_CUSTODY))
		return;
	from = s->custody_end - ((long long)thads_kd_days(l) * 24 +
	    l->hours) * 3600;
	if (x->now < from)
		return;
	secs = (int)(s->custody_end % 86400);
	left = s->custody_end - x->now;
	if (left > 0)
		emit(x, THADS_A_CUSTODY, sev(x, THADS_A_CUSTODY),
		    s->p[THADS_I_CUSTODY_END], "temporary custody ends %s "
		    "%02d:%02d, in %lld h", D(s->p[THADS_I_CUSTODY_END], a),
		    secs / 3600, secs / 60 % 60, (left + 3599) / 3600);
	else if (x->now < s->custody_max)
		emit(x, THADS_A_CUSTODY, THADS_SEV_CRITICAL,
		    s->p[THADS_I_CUSTODY_END], "temporary custody passed its "
		    "term at %s %02d:%02d: an extension must be on file",
		    D(s->p[THADS_I_CUSTODY_END], a), secs / 3600,
		    secs / 60 % 60);
	else
		emit(x, THADS_A_CUSTODY, THADS_SEV_CRITICAL,
		    s->p[THADS_I_CUSTODY_END], "temporary custody is past its "
		    "maximum (%s): release or detain", D(s->p[
		    THADS_I_CUSTODY_MAX], a));
}

/* The chain a held or supervised episode serves, or -1. */
static int
served_chain(const struct ctx *x, const struct thads_ep *e, int want)
{
	const struct thads_dossier *d = x->d;
	const struct thads_sres *r;
	size_t i;
	int best = -1;

	for (i = 0; i < d->nju; i++) {
		r = &x->s->j[i];
		if (r->head != (int)i || !r->ok || d->ju[i].type < 0)
			continue;
		if (want == THADS_P_FIXED && d->ju[i].type != THADS_P_FIXED &&
		    d->ju[i].type != THADS_P_LIFE &&
		    d->ju[i].type != THADS_P_DEATH)
			continue;
		if (want != THADS_P_FIXED && d->ju[i].type != want)
			continue;
		if (e->judgment != NULL && strcmp(e->judgment,
		    d->ju[i].number) != 0)
			continue;
		if (best < 0 || r->v[THADS_I_START] >
		    x->s->j[best].v[THADS_I_START])
			best = (int)i;
	}
	return best;
}

static int
reductions_in(const struct ctx *x, int h, int year)
{
	const struct thads_dossier *d = x->d;
	size_t i;
	int n = 0, j;

	for (i = 0; i < d->nrd; i++) {
		if (thads_day_year(d->rd[i].date) != year)
			continue;
		for (j = 0; j < (int)d->nju; j++)
			if (x->s->j[j].head == h && d->rd[i].judgment != NULL &&
			    strcmp(d->rd[i].judgment, d->ju[j].number) == 0)
				n++;
		if (d->rd[i].judgment == NULL)
			n++;
	}
	return n;
}

static void
rounds(struct ctx *x, int h, int rel)
{
	const struct thads_sres *r = &x->s->j[h];
	const struct thads_fig *per;
	char a[THADS_DAYBUF], b[THADS_DAYBUF];
	int R;

	/* The same for everyone: computed once per as-of day. */
	if (x->out->cached != x->as_of || x->out->red_round == 0) {
		x->out->red_round = thads_rules_date(x->r, THADS_F_RED_ROUNDS,
		    x->as_of, 1);
		x->out->er_round = thads_rules_date(x->r, THADS_F_ER_ROUNDS,
		    x->as_of, 1);
		x->out->cached = x->as_of;
	}
	R = x->out->red_round;
	if (on(x, THADS_A_REDUCTION) && R != THADS_NODAY &&
	    x->as_of >= lead_start(x, THADS_A_REDUCTION, R) &&
	    r->v[THADS_I_RED_FIRST] != THADS_NODAY &&
	    r->v[THADS_I_RED_FIRST] <= R && (rel == THADS_NODAY || rel > R) &&
	    (per = thads_rules_get(x->r, THADS_F_RED_PER_YEAR, R)) != NULL &&
	    reductions_in(x, h, thads_day_year(R)) < per->count)
		emit(x, THADS_A_REDUCTION, sev(x, THADS_A_REDUCTION), R,
		    "eligible for the reduction round of %s (judgment %s; "
		    "eligible since %s)", D(R, a), x->d->ju[h].number,
		    D(r->v[THADS_I_RED_FIRST], b));
	R = x->out->er_round;
	if (on(x, THADS_A_EARLY) && R != THADS_NODAY &&
	    x->as_of >= lead_start(x, THADS_A_EARLY, R) &&
	    r->v[THADS_I_ER_FIRST] != THADS_NODAY &&
	    r->v[THADS_I_ER_FIRST] <= R && rel != THADS_NODAY && rel > R)
		emit(x, THADS_A_EARLY, sev(x, THADS_A_EARLY), R,
		    "eligible for conditional early release at the review of "
		    "%s (judgment %s; eligible since %s)", D(R, a),
		    x->d->ju[h].number, D(r->v[THADS_I_ER_FIRST], b));
}

static void
serving(struct ctx *x)
{
	const struct thads_ep *e = held(x);
	char a[THADS_DAYBUF];
	int h, R;

	if (e == NULL || e->status != THADS_S_SERVING ||
	    (h = served_chain(x, e, THADS_P_FIXED)) < 0)
		return;
	R = x->s->j[h].v[THADS_I_RELEASE];
	rounds(x, h, R);
	if (R == THADS_NODAY)
		return;
	if (R < x->as_of) {
		if (on(x, THADS_A_RELEASE_DUE))
			emit(x, THADS_A_RELEASE_DUE, THADS_SEV_CRITICAL, R,
			    "release date %s has passed and the person is "
			    "still held (%d days)", D(R, a), x->as_of - R);
		return;
	}
	if (on(x, THADS_A_RELEASE_DUE) &&
	    x->as_of >= lead_start(x, THADS_A_RELEASE_DUE, R)) {
		emit(x, THADS_A_RELEASE_DUE, sev(x, THADS_A_RELEASE_DUE), R,
		    "release on %s (judgment %s)", D(R, a),
		    x->d->ju[h].number);
		return;
	}
	if (on(x, THADS_A_RELEASE_PREP) &&
	    x->as_of >= lead_start(x, THADS_A_RELEASE_PREP, R))
		emit(x, THADS_A_RELEASE_PREP, sev(x, THADS_A_RELEASE_PREP), R,
		    "release on %s: prepare release papers and "
		    "reintegration with the commune", D(R, a));
}

static int
classified(const struct ctx *x, int end)
{
	size_t i;

	for (i = 0; i < x->d->ncl; i++)
		if (x->d->cl[i].end == end)
			return 1;
	return 0;
}

static void
classification(struct ctx *x)
{
	const struct thads_ep *e = held(x);
	const struct thads_sentences *s = x->s;
	char a[THADS_DAYBUF];
	int Q = s->p[THADS_I_CLASS_NEXT], L = s->p[THADS_I_CLASS_LAST], P;

	if (e == NULL || e->status != THADS_S_SERVING ||
	    !on(x, THADS_A_CLASSIF))
		return;
	if (L != THADS_NODAY && !classified(x, L)) {
		/* Only for someone held for the whole of that quarter. */
		P = thads_rules_date(x->r, THADS_F_CLASS_QUARTERS, L, -1);
		if (P != THADS_NODAY && e->admitted <= P)
			emit(x, THADS_A_CLASSIF, sev(x, THADS_A_CLASSIF), L,
			    "the quarter closed %s with no classification "
			    "result recorded", D(L, a));
	}
	if (Q != THADS_NODAY && x->as_of >= lead_start(x, THADS_A_CLASSIF, Q)
	    && !classified(x, Q) && e->admitted < Q)
		emit(x, THADS_A_CLASSIF, sev(x, THADS_A_CLASSIF), Q,
		    "the quarter closes %s: classification result due",
		    D(Q, a));
}

static void
community(struct ctx *x)
{
	const struct thads_ep *e = held(x);
	char a[THADS_DAYBUF];
	int h = -1, E = THADS_NODAY;

	if (e == NULL)
		return;
	if (e->status == THADS_S_SUSPENDED &&
	    (h = served_chain(x, e, THADS_P_SUSPENDED)) >= 0)
		E = x->s->j[h].v[THADS_I_PROBATION_END];
	else if (e->status == THADS_S_REFORM &&
	    (h = served_chain(x, e, THADS_P_REFORM)) >= 0)
		E = x->s->j[h].v[THADS_I_REFORM_END];
	else if (e->status == THADS_S_CONDITIONAL &&
	    (h = served_chain(x, e, THADS_P_FIXED)) >= 0)
		E = x->s->j[h].v[THADS_I_PROBATION_END];
	if (E == THADS_NODAY || !on(x, THADS_A_COMPLETION))
		return;
	if (E < x->as_of)
		emit(x, THADS_A_COMPLETION, sev(x, THADS_A_COMPLETION), E,
		    "%s ended %s and no completion certificate is recorded "
		    "(the supervision is still open)",
		    thads_field(F_EP_STATUS)->values[e->status], D(E, a));
	else if (x->as_of >= lead_start(x, THADS_A_COMPLETION, E))
		emit(x, THADS_A_COMPLETION, THADS_SEV_INFO, E, "%s ends %s: "
		    "prepare the completion certificate",
		    thads_field(F_EP_STATUS)->values[e->status], D(E, a));
}

static void
monitoring(struct ctx *x)
{
	const struct thads_ep *e = held(x);
	const struct thads_vio *v = NULL;
	char a[THADS_DAYBUF];
	size_t i;

	if (e == NULL || !on(x, THADS_A_EM) || (e->status != THADS_S_SUSPENDED
	    && e->status != THADS_S_REFORM && e->status != THADS_S_CONDITIONAL
	    && e->status != THADS_S_RESIDENCE_BAN &&
	    e->status != THADS_S_PROBATION))
		return;
	for (i = 0; i < x->d->nvi; i++)
		if (x->d->vi[i].date >= e->admitted &&
		    x->d->vi[i].date <= x->as_of &&
		    (v == NULL || x->d->vi[i].date < v->date))
			v = &x->d->vi[i];
	if (v != NULL)
		emit(x, THADS_A_EM, sev(x, THADS_A_EM), v->date, "violation "
		    "'%s' on %s during %s: propose electronic monitoring",
		    v->kind ? v->kind : "?", D(v->date, a),
		    thads_field(F_EP_STATUS)->values[e->status]);
}

static void
clearance(struct ctx *x)
{
	const struct thads_sres *r;
	char a[THADS_DAYBUF];
	size_t i;
	int C;

	if (!on(x, THADS_A_CLEARANCE) || x->s->held >= 0)
		return;
	for (i = 0; i < x->d->nju; i++) {
		r = &x->s->j[i];
		C = r->v[THADS_I_CLEARANCE];
		if (r->head != (int)i || C == THADS_NODAY ||
		    x->as_of < lead_start(x, THADS_A_CLEARANCE, C))
			continue;
		emit(x, THADS_A_CLEARANCE, sev(x, THADS_A_CLEARANCE), C,
		    "criminal record of judgment %s cleared by law on %s: "
		    "issue the certificate", x->d->ju[i].number, D(C, a));
	}
}

void
thads_person_label(const struct thads_dossier *d, char *buf, size_t size)
{
	if (d->id != NULL)
		snprintf(buf, size, "%s", d->id);
	else if (d->national_id != NULL)
		snprintf(buf, size, "%s", d->national_id);
	else
		snprintf(buf, size, "#%lld", d->row);
}

int
thads_alert_person(const struct thads_alert_conf *c,
    const struct thads_rules *r, const struct thads_dossier *d,
    const struct thads_sentences *s, int as_of, long long now,
    struct thads_alerts *out)
{
	struct ctx x;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.r = r;
	x.d = d;
	x.s = s;
	x.as_of = as_of;
	x.now = now;
	x.out = out;
	thads_person_label(d, x.who, sizeof(x.who));
	detention(&x);
	custody(&x);
	serving(&x);
	classification(&x);
	community(&x);
	monitoring(&x);
	clearance(&x);
	return x.rc;
}

void
thads_alerts_free(struct thads_alerts *a)
{
	struct thads_ablk *b, *n;

	for (b = a->mem; b != NULL; b = n) {
		n = b->next;
		free(b);
	}
	free(a->a);
	a->a = NULL;
	a->mem = NULL;
	a->n = a->cap = 0;
}

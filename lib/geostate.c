/*
 * geostate.c: the state machines of one monitored person, driven by
 * fixes in time order (geofence.h explains how the run gets them into
 * that order).
 *
 * A fix first moves the person-level events (signal lost, low battery,
 * tamper), then meets the jump filter, and only an accepted fix moves
 * the zone machines.  For each zone a fix is "clearly" on one side when
 * it is beyond the boundary by more than its accuracy plus the margin
 * (inside a small zone, by more than half the zone's inscribed radius
 * when that is less), and ambiguous otherwise.  A side changes only
 * after a run of at least min_fixes clear fixes over at least min_secs:
 * a clear fix on the old side ends the run, an ambiguous one extends it
 * without counting.  The event then starts (or ends) at the run's first
 * fix.  An exclusion zone is the exception on the way in: the first fix
 * inside it (buffer included) raises the event at once, and so does a
 * straight segment between two fixes outside it that passes through it
 * (a transit); leaving it is debounced like the rest.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "geofence_int.h"
#include "geotime.h"

#define MS(s)	((int64_t)(s) * 1000)

static double
acc_of(const struct thads_gf *g, const struct pfix *f)
{
	return isnan(f->acc) ? g->o.r.default_acc : f->acc;
}

static void
ev_start(struct gfev *e, enum thads_ev_type type, int64_t start,
    int64_t confirmed, int seq)
{
	memset(e, 0, sizeof(*e));
	e->open = 1;
	e->type = type;
	e->start = start;
	e->end = -1;
	e->confirmed = confirmed;
	e->maxd = NAN;
	e->seq = seq;
	e->conf = -1;
	e->dirty = 1;
}

static int
raise_ev(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct gfev *e, struct thads_err *err)
{
	g->st.events++;
	p->changed = 1;
	return gf_event(g, p, zs, e, 0, err);
}

static int
end_ev(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct gfev *e, int64_t end, struct thads_err *err)
{
	e->end = end < e->start ? e->start : end;
	e->open = 0;
	p->changed = 1;
	return gf_event(g, p, zs, e, 1, err);
}

static void
maxd(struct gfev *e, double d)
{
	if (isnan(e->maxd) || d > e->maxd)
		e->maxd = d;
	e->dirty = 1;
}

int
thads_gf_too_fast(double alat, double alon, double aacc, int64_t ta,
    double lat, double lon, double acc, int64_t t, double max_kmh)
{
	double d = thads_geo_distance(alon, alat, lon, lat) - aacc - acc;
	double dt = (double)(t - ta) / 1000;

	if (d <= 0)
		return 0;
	if (dt <= 0)
		return 1;
	return d / dt * 3.6 > max_kmh;
}

/* --- person-level events ----------------------------------------------- */

static int
signal(struct thads_gf *g, struct gfperson *p, const struct pfix *f,
    struct thads_err *err)
{
	int rc = 0;

	if (p->sig.open)
		rc = end_ev(g, p, NULL, &p->sig, f->t, err);
	else if (p->prev >= 0 && f->t - p->prev > MS(g->o.r.gap_secs)) {
		ev_start(&p->sig, THADS_EV_SIGNAL_LOST, p->prev, f->t, 0);
		p->sig.conf = 1;
		g->st.events++;
		rc = end_ev(g, p, NULL, &p->sig, f->t, err);
	}
	if (f->t > p->prev)
		p->prev = f->t;
	return rc;
}

/* A device report that opens at on and closes at off. */
static int
report_flag(struct thads_gf *g, struct gfperson *p, struct gfev *e,
    enum thads_ev_type type, int on, int off, int64_t t,
    struct thads_err *err)
{
	if (!e->open && on) {
		ev_start(e, type, t, t, 0);
		e->conf = 1;
		e->nfix = 1;
		return raise_ev(g, p, NULL, e, err);
	}
	if (e->open && off)
		return end_ev(g, p, NULL, e, t, err);
	if (e->open) {
		e->nfix++;
		e->dirty = 1;
	}
	return 0;
}

static int
device(struct thads_gf *g, struct gfperson *p, const struct pfix *f,
    struct thads_err *err)
{
	int low = g->o.r.battery_low, rc = 0;

	if (f->battery >= 0)
		rc = report_flag(g, p, &p->bat, THADS_EV_LOW_BATTERY,
		    f->battery < low, f->battery >= low + 5, f->t, err);
	if (rc == 0 && f->tamper >= 0)
		rc = report_flag(g, p, &p->tam, THADS_EV_TAMPER,
		    f->tamper == 1, f->tamper == 0, f->t, err);
	return rc;
}

/* --- sides and runs ---------------------------------------------------- */

static void
run_add(struct run *r, int64_t t, int clear, double d, int seq)
{
	if (!r->on) {
		memset(r, 0, sizeof(*r));
		r->on = 1;
		r->t0 = t;
		r->seq = seq;
	}
	r->nfix++;
	r->n += clear;
	if (d > r->maxd)
		r->maxd = d;
}

static int
run_done(const struct thads_gf *g, const struct run *r, int64_t t)
{
	return r->on && r->n >= g->o.r.min_fixes &&
	    t - r->t0 >= MS(g->o.r.min_secs);
}

/*
 * The side machine of an inclusion zone (and of a curfew's home):
 * returns 1 when leaving is confirmed, -1 when the return is, 0
 * otherwise; the run that decided it is copied to *r.
 */
static int
incl_side(struct thads_gf *g, struct zst *zs, const struct pfix *f,
    const struct thads_zloc *loc, int *k, struct run *r)
{
	double thr = acc_of(g, f) + g->o.r.margin;
	int out = !zs->viol && !loc->inside && loc->dist > thr, in = 0;

	if (zs->viol && loc->inside)
		in = loc->dist > thr ||
		    loc->dist > thads_zone_inradius(zs->z) / 2;
	if ((!zs->viol && out) || (zs->viol && in)) {
		if (!zs->run.on)
			(*k)++;
		run_add(&zs->run, f->t, 1, out ? loc->dist : 0, *k);
	} else if (zs->viol ? !loc->inside : loc->inside)
		zs->run.on = 0;
	else if (zs->run.on)
		run_add(&zs->run, f->t, 0, zs->viol ? 0 : loc->dist, *k);
	if (!run_done(g, &zs->run, f->t))
		return 0;
	*r = zs->run;
	zs->run.on = 0;
	zs->viol = !zs->viol;
	return zs->viol ? 1 : -1;
}

static int
abscond(struct thads_gf *g, struct gfperson *p, struct zst *zs, int64_t now,
    struct thads_err *err)
{
	struct gfev *a = &zs->abs, *e = &zs->ev;

	if (!e->open)
		return 0;
	if (a->open) {
		a->nfix = e->nfix;
		a->nclear = e->nclear;
		a->maxd = e->maxd;
		a->dirty = 1;
		return 0;
	}
	if (now - e->start < MS(g->o.r.abscond_secs) &&
	    !(e->maxd >= g->o.r.abscond_m))
		return 0;
	ev_start(a, THADS_EV_ABSCONDING, e->start, now, e->seq);
	a->nfix = e->nfix;
	a->nclear = e->nclear;
	a->maxd = e->maxd;
	return raise_ev(g, p, zs, a, err);
}

static int
inclusion(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    const struct pfix *f, const struct thads_zloc *loc, int *k,
    struct thads_err *err)
{
	double thr = acc_of(g, f) + g->o.r.margin;
	struct run r;
	int s, rc = 0;

	if (zs->viol) {
		zs->ev.nfix++;
		zs->ev.dirty = 1;
		if (!loc->inside) {
			maxd(&zs->ev, loc->dist);
			zs->ev.nclear += loc->dist > thr;
		}
	}
	s = incl_side(g, zs, f, loc, k, &r);
	if (s == 1) {
		ev_start(&zs->ev, THADS_EV_LEFT_INCLUSION, r.t0, f->t, r.seq);
		zs->ev.nfix = r.nfix;
		zs->ev.nclear = r.n;
		zs->ev.maxd = r.maxd;
		rc = raise_ev(g, p, zs, &zs->ev, err);
	} else if (s == -1) {
		zs->ev.nfix -= r.nfix;
		if (zs->abs.open) {
			zs->abs.nfix = zs->ev.nfix;
			rc = end_ev(g, p, zs, &zs->abs, r.t0, err);
		}
		if (rc == 0)
			rc = end_ev(g, p, zs, &zs->ev, r.t0, err);
	}
	if (rc == 0)
		rc = abscond(g, p, zs, f->t, err);
	return rc;
}

/* The straight path from the last accepted fix passes through zs. */
static int
transit(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    const struct pfix *f, int *k, struct thads_err *err)
{
	const struct pfix *a = &p->anchor;
	double depth = 0, acc;
	int hit;

	if (!p->have_anchor || zs->raw != 0 ||
	    f->t - a->t > MS(g->o.r.gap_secs))
		return 0;
	hit = thads_zone_crossed(g->geo, zs->z, a->lon, a->lat, f->lon,
	    f->lat, &depth);
	if (hit < 0)
		return thads_seterr(err, THADS_ELIB, NULL, 0, "GEOS failed on "
		    "zone '%s'", zs->z->name);
	if (hit == 0)
		return 0;
	ev_start(&zs->ev, THADS_EV_ENTERED_EXCLUSION, a->t, f->t, ++(*k));
	zs->ev.transit = 1;
	zs->ev.maxd = depth;
	acc = (acc_of(g, a) + acc_of(g, f)) / 2;
	zs->ev.conf = round(100 * depth / (depth + acc)) / 100;
	g->st.events++;
	return end_ev(g, p, zs, &zs->ev, f->t, err);
}

static int
exclusion(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    const struct pfix *f, const struct thads_zloc *loc, int *k,
    struct thads_err *err)
{
	double acc = acc_of(g, f), thr = acc + g->o.r.margin;
	struct run *r = &zs->run;

	if (!zs->viol) {
		if (!loc->inside)
			return transit(g, p, zs, f, k, err);
		ev_start(&zs->ev, THADS_EV_ENTERED_EXCLUSION, f->t, f->t,
		    ++(*k));
		zs->ev.nfix = 1;
		zs->ev.nclear = loc->dist > acc;
		zs->ev.maxd = loc->dist;
		zs->viol = 1;
		r->on = 0;
		return raise_ev(g, p, zs, &zs->ev, err);
	}
	zs->ev.nfix++;
	zs->ev.dirty = 1;
	if (loc->inside) {
		maxd(&zs->ev, loc->dist);
		zs->ev.nclear += loc->dist > acc;
		r->on = 0;
	} else
		run_add(r, f->t, loc->dist > thr, 0, 0);
	if (r->on && r->n == 0)
		r->on = 0;	/* a run starts with a clear fix */
	if (!run_done(g, r, f->t))
		return 0;
	r->on = 0;
	zs->viol = 0;
	zs->ev.nfix -= r->nfix;
	return end_ev(g, p, zs, &zs->ev, r->t0, err);
}

/* --- curfews ----------------------------------------------------------- */

/* The window containing t or the next one; 0, or -1 when none. */
static int
window(struct zst *zs, int64_t t, int64_t *wo, int64_t *wc)
{
	return thads_curfew_window(zs->z->curfew, zs->z->tz ? zs->z->tz :
	    THADS_GEO_DEFAULT_TZ, t, wo, wc) == 0 ? 0 : -1;
}

static int
cf_open(struct thads_gf *g, struct gfperson *p, struct zst *zs, int64_t now,
    struct thads_err *err)
{
	ev_start(&zs->cev, THADS_EV_CURFEW, zs->cf_start, now, 0);
	zs->cev.nfix = zs->cf_nfix;
	zs->cev.nclear = zs->cf_nclear;
	zs->cev.maxd = zs->cf_nfix > 0 ? zs->cf_maxd : NAN;
	if (zs->cf_nfix == 0)
		zs->cev.conf = 0.5;	/* out before, no fix since */
	zs->cf = CF_OPEN;
	return raise_ev(g, p, zs, &zs->cev, err);
}

/*
 * At time tau, with what is known of the home side: a curfew breach is
 * pending when the person is out (confirmed) during a window, and opens
 * once it has lasted the grace period.  A return home under way (a run
 * back) defers the decision.
 */
static int
cf_eval(struct thads_gf *g, struct gfperson *p, struct zst *zs, int64_t tau,
    struct thads_err *err)
{
	int64_t wo, wc, start;

	if (zs->cf == CF_OPEN || (zs->viol && zs->run.on))
		return 0;
	if (!zs->viol || window(zs, tau, &wo, &wc) != 0 || wo > tau) {
		zs->cf = CF_NONE;
		return 0;
	}
	start = zs->out_since > wo ? zs->out_since : wo;
	if (zs->cf == CF_NONE || zs->cf_start != start) {
		zs->cf = CF_PENDING;
		zs->cf_start = start;
		zs->cf_close = wc;
		zs->cf_nfix = zs->cf_nclear = 0;
		zs->cf_maxd = 0;
		if (start == zs->out_since) {	/* left during the window */
			zs->cf_nfix = zs->out_n;
			zs->cf_nclear = zs->out_clear;
			zs->cf_maxd = zs->out_maxd;
		}
	}
	if (tau - zs->cf_start >= MS(g->o.r.grace_secs))
		return cf_open(g, p, zs, tau, err);
	return 0;
}

/* The window of the breach closes at wc. */
static int
cf_closing(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct thads_err *err)
{
	int64_t wc = zs->cf_close;
	int rc = 0;

	if (zs->cf == CF_PENDING && zs->viol && !zs->run.on &&
	    wc - zs->cf_start >= MS(g->o.r.grace_secs))
		rc = cf_open(g, p, zs, wc, err);
	if (rc == 0 && zs->cf == CF_OPEN)
		rc = end_ev(g, p, zs, &zs->cev, wc, err);
	zs->cf = CF_NONE;
	return rc;
}

/* Move a curfew zone's clock to t: windows opening and closing. */
static int
cf_advance(struct thads_gf *g, struct gfperson *p, struct zst *zs, int64_t t,
    struct thads_err *err)
{
	int64_t tau = zs->last, wo, wc;
	int guard, rc = 0;

	if (tau < 0 || t <= tau) {
		if (tau < t)
			zs->last = t;
		return 0;
	}
	for (guard = 0; rc == 0 && guard < 100000; guard++) {
		if (zs->cf != CF_NONE && zs->cf_close <= t) {
			tau = zs->cf_close;
			rc = cf_closing(g, p, zs, err);
			continue;
		}
		if (window(zs, tau, &wo, &wc) != 0 || wo > t)
			break;
		if (wo > tau) {
			tau = wo;
			rc = cf_eval(g, p, zs, tau, err);
			continue;
		}
		if (wc > t)
			break;
		tau = wc;	/* a window we were not out in */
	}
	zs->last = t;
	if (rc == 0)
		rc = cf_eval(g, p, zs, t, err);
	return rc;
}

static int
curfew(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    const struct pfix *f, const struct thads_zloc *loc, int *k,
    struct thads_err *err)
{
	double thr = acc_of(g, f) + g->o.r.margin;
	struct run r;
	int s, rc = 0;

	if (zs->cf != CF_NONE) {
		zs->cf_nfix++;
		if (!loc->inside) {
			zs->cf_nclear += loc->dist > thr;
			if (loc->dist > zs->cf_maxd)
				zs->cf_maxd = loc->dist;
		}
	}
	if (zs->cf == CF_OPEN) {
		zs->cev.nfix = zs->cf_nfix;
		zs->cev.nclear = zs->cf_nclear;
		zs->cev.maxd = zs->cf_maxd;
		zs->cev.dirty = 1;
	}
	s = incl_side(g, zs, f, loc, k, &r);
	if (s == 1) {
		zs->out_since = r.t0;
		zs->out_n = r.nfix;
		zs->out_clear = r.n;
		zs->out_maxd = r.maxd;
	}
	if (s == -1 && zs->cf == CF_OPEN) {
		zs->cev.nfix -= r.nfix;
		rc = end_ev(g, p, zs, &zs->cev, r.t0, err);
		zs->cf = CF_NONE;
	} else if (s == -1 && zs->cf == CF_PENDING) {
		if (r.t0 - zs->cf_start >= MS(g->o.r.grace_secs) &&
		    (rc = cf_open(g, p, zs, f->t, err)) == 0) {
			zs->cev.nfix -= r.nfix;
			rc = end_ev(g, p, zs, &zs->cev, r.t0, err);
		}
		zs->cf = CF_NONE;
	}
	if (rc == 0)
		rc = cf_eval(g, p, zs, f->t, err);
	return rc;
}

/* --- zones ------------------------------------------------------------- */

static int
valid_at(const struct zst *zs, int64_t t)
{
	return t >= zs->from && (zs->to < 0 || t < zs->to);
}

/* The assignment ended: close what is open at its end. */
static int
expire(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct thads_err *err)
{
	int rc = 0;

	if (zs->abs.open)
		rc = end_ev(g, p, zs, &zs->abs, zs->to, err);
	if (rc == 0 && zs->ev.open)
		rc = end_ev(g, p, zs, &zs->ev, zs->to, err);
	if (rc == 0 && zs->cev.open)
		rc = end_ev(g, p, zs, &zs->cev, zs->to, err);
	zs->viol = 0;
	zs->run.on = 0;
	zs->cf = CF_NONE;
	return rc;
}

/* How much of the distance to the boundary the machine will look at,
 * given which side the fix is on (see thads_zone_locate()). */
static double
need_for(const struct zst *zs, int inside)
{
	enum thads_zone_kind kind = zs->z->kind;
	int events = zs->ev.open || zs->cf != CF_NONE;

	if (zs->viol && (kind != THADS_ZONE_CURFEW || events))
		return INFINITY;
	if (zs->run.on && kind == THADS_ZONE_INCLUSION)
		return INFINITY;
	switch (kind) {
	case THADS_ZONE_EXCLUSION:
		return inside ? INFINITY : -1;	/* an entry: how deep */
	case THADS_ZONE_INCLUSION:
		return inside ? -1 : INFINITY;	/* a way out: how far */
	default:
		if (zs->viol)
			return inside ? INFINITY : -1;	/* home again? */
		/* Leaving: exact, for the breach that may follow. */
		return inside ? -1 : INFINITY;
	}
}

static void
remember(struct zst *zs, const struct pfix *f, const struct thads_zloc *loc)
{
	zs->cache = 1;
	zs->clat = f->lat;
	zs->clon = f->lon;
	zs->cdist = loc->dist;
	zs->cin = loc->inside;
	zs->hits = zs->misses = 0;
}

/*
 * Locate f against zs, computing the distance to the boundary only when
 * the state machine will look at it: a distance costs a search of the
 * zone's edges, a containment test less.  The last exact distance is
 * kept: a fix that moved less than it from that point is on the same
 * side, at no less than the difference, with no test at all; persons
 * stay put most of the day, so most fixes are answered so.  The
 * distance is taken again on a miss when the last one served, or after
 * a few misses, so that a person on the move does not pay for it on
 * every fix.
 */
static int
locate(struct thads_gf *g, struct zst *zs, const struct pfix *f,
    struct thads_zloc *loc)
{
	const struct thads_zone *z = zs->z;
	double need, moved;

	if (zs->cache && z->radius == 0) {
		moved = thads_zone_moved(z, zs->clon, zs->clat, f->lon, f->lat);
		need = need_for(zs, zs->cin);
		if (moved < zs->cdist && (need < 0 || (isfinite(need) &&
		    zs->cdist - moved > need))) {
			loc->inside = zs->cin;
			loc->dist = need < 0 ? 0 : zs->cdist - moved;
			zs->hits++;
			return 0;
		}
		zs->misses++;
	}
	if (z->radius == 0 && (!zs->cache || zs->hits >= 2 || zs->misses >= 8)) {
		if (thads_zone_locate(g->geo, z, f->lon, f->lat, INFINITY,
		    loc) != 0)
			return THADS_ELIB;
		remember(zs, f, loc);
		return 0;
	}
	if (thads_zone_locate(g->geo, z, f->lon, f->lat, -1, loc) != 0)
		return THADS_ELIB;
	if ((need = need_for(zs, loc->inside)) < 0)
		return 0;
	if (thads_zone_locate(g->geo, z, f->lon, f->lat, need, loc) != 0)
		return THADS_ELIB;
	if (isinf(need))
		remember(zs, f, loc);
	return 0;
}

static int
zone_step(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    const struct pfix *f, const struct thads_zloc *loc, int *k,
    struct thads_err *err)
{
	int rc;

	switch (zs->z->kind) {
	case THADS_ZONE_INCLUSION:
		rc = inclusion(g, p, zs, f, loc, k, err);
		break;
	case THADS_ZONE_EXCLUSION:
		rc = exclusion(g, p, zs, f, loc, k, err);
		break;
	default:
		rc = curfew(g, p, zs, f, loc, k, err);
		break;
	}
	zs->raw = loc->inside;
	return rc;
}

/*
 * The rank of a zone's change at this fix: leaving first, then no
 * change, then entering, so that when one fix leaves zone A and enters
 * zone B the exit is ordered before the entry.
 */
static int
rank(const struct zst *zs, const struct thads_zloc *loc)
{
	if (zs->raw == 1 && !loc->inside)
		return 0;
	if (zs->raw == 0 && loc->inside)
		return 2;
	return 1;
}

#define LOCAL_ZONES	64

static int
accept(struct thads_gf *g, struct gfperson *p, const struct pfix *f,
    struct thads_err *err)
{
	struct thads_zloc loc[LOCAL_ZONES];
	size_t i, n = p->nz < LOCAL_ZONES ? p->nz : LOCAL_ZONES;
	int pass, k = 0, rc = 0, rk[LOCAL_ZONES];

	for (i = 0; i < n && rc == 0; i++) {
		struct zst *zs = &p->z[i];

		loc[i].inside = -1;
		if (!valid_at(zs, f->t)) {
			if (zs->to >= 0 && f->t >= zs->to && (zs->ev.open ||
			    zs->cev.open || zs->viol))
				rc = expire(g, p, zs, err);
			continue;
		}
		if (zs->z->kind == THADS_ZONE_CURFEW)
			rc = cf_advance(g, p, zs, f->t, err);
		if (rc == 0 && locate(g, zs, f, &loc[i]) != 0)
			rc = thads_seterr(err, THADS_ELIB, NULL, 0, "GEOS "
			    "failed on zone '%s'", zs->z->name);
	}
	for (i = 0; i < n; i++)
		rk[i] = loc[i].inside >= 0 ? rank(&p->z[i], &loc[i]) : -1;
	for (pass = 0; pass < 3 && rc == 0; pass++)
		for (i = 0; i < n && rc == 0; i++)
			if (rk[i] == pass)
				rc = zone_step(g, p, &p->z[i], f, &loc[i], &k,
				    err);
	p->anchor = *f;
	p->have_anchor = 1;
	p->changed = 1;
	return rc;
}

/* --- the jump filter --------------------------------------------------- */

static int
too_fast(const struct thads_gf *g, const struct pfix *a, const struct pfix *f)
{
	return thads_gf_too_fast(a->lat, a->lon, acc_of(g, a), a->t, f->lat,
	    f->lon, acc_of(g, f), f->t, g->o.r.max_kmh);
}

static int
jump(struct thads_gf *g, struct gfperson *p, const struct pfix *f,
    struct thads_err *err)
{
	int want = g->o.r.reanchor < 1 ? 1 : g->o.r.reanchor > GF_MAXFAR ?
	    GF_MAXFAR : g->o.r.reanchor, i, n, rc = 0;

	if (!p->have_anchor || !too_fast(g, &p->anchor, f)) {
		g->st.outliers += p->nfar;
		p->nfar = 0;
		return accept(g, p, f, err);
	}
	if (p->nfar > 0 && too_fast(g, &p->far[p->nfar - 1], f)) {
		g->st.outliers += p->nfar;
		p->nfar = 0;
	}
	p->far[p->nfar++] = *f;
	p->changed = 1;
	if (p->nfar < want)
		return 0;
	n = p->nfar;
	p->nfar = 0;
	g->st.reanchored++;
	for (i = 0; i < n && rc == 0; i++)
		rc = accept(g, p, &p->far[i], err);
	return rc;
}

int
gf_process(struct thads_gf *g, struct gfperson *p, const struct pfix *f,
    struct thads_err *err)
{
	int rc;

	if ((rc = signal(g, p, f, err)) != 0 ||
	    (rc = device(g, p, f, err)) != 0)
		return rc;
	if (f->t > p->processed)
		p->processed = f->t;
	p->changed = 1;
	return jump(g, p, f, err);
}

int
gf_finish(struct thads_gf *g, struct gfperson *p, int64_t until,
    struct thads_err *err)
{
	size_t i;
	int rc = 0;

	if (until < 0)
		return 0;
	if (!p->sig.open && p->prev >= 0 && until - p->prev >
	    MS(g->o.r.gap_secs)) {
		ev_start(&p->sig, THADS_EV_SIGNAL_LOST, p->prev, until, 0);
		p->sig.conf = 1;
		rc = raise_ev(g, p, NULL, &p->sig, err);
	}
	for (i = 0; i < p->nz && rc == 0; i++) {
		struct zst *zs = &p->z[i];

		if (!valid_at(zs, until))
			continue;
		if (zs->z->kind == THADS_ZONE_CURFEW)
			rc = cf_advance(g, p, zs, until, err);
		else if (zs->z->kind == THADS_ZONE_INCLUSION)
			rc = abscond(g, p, zs, until, err);
	}
	return rc;
}

typedef int openfn(struct thads_gf *, struct gfperson *, struct zst *,
    struct gfev *, void *, struct thads_err *);

/* Every open event of p, with fn(zone state or NULL, event, ctx). */
static int
each_open(struct thads_gf *g, struct gfperson *p, openfn *fn, void *ctx,
    struct thads_err *err)
{
	struct gfev *pe[3] = { &p->sig, &p->bat, &p->tam };
	size_t i;
	int k, rc = 0;

	for (k = 0; k < 3 && rc == 0; k++)
		if (pe[k]->open)
			rc = fn(g, p, NULL, pe[k], ctx, err);
	for (i = 0; i < p->nz && rc == 0; i++) {
		struct zst *zs = &p->z[i];

		if (zs->ev.open)
			rc = fn(g, p, zs, &zs->ev, ctx, err);
		if (rc == 0 && zs->abs.open)
			rc = fn(g, p, zs, &zs->abs, ctx, err);
		if (rc == 0 && zs->cev.open)
			rc = fn(g, p, zs, &zs->cev, ctx, err);
	}
	return rc;
}

static int
store_dirty(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct gfev *e, void *ctx, struct thads_err *err)
{
	(void)ctx;
	return e->dirty ? gf_event(g, p, zs, e, 0, err) : 0;
}

struct openev {
	struct zst *zs;
	struct gfev *e;
};

struct openlist {
	struct openev *v;
	size_t	 n, cap;
};

static int
collect(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct gfev *e, void *ctx, struct thads_err *err)
{
	struct openlist *l = ctx;
	struct openev *v;

	(void)g;
	(void)p;
	(void)err;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		if ((v = realloc(l->v, l->cap * sizeof(*v))) == NULL)
			return THADS_ENOMEM;
		l->v = v;
	}
	l->v[l->n].zs = zs;
	l->v[l->n++].e = e;
	return 0;
}

static int
by_start(const void *a, const void *b)
{
	const struct gfev *x = ((const struct openev *)a)->e;
	const struct gfev *y = ((const struct openev *)b)->e;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->seq - y->seq;
}

int
gf_store_open(struct thads_gf *g, struct gfperson *p, struct thads_err *err)
{
	return each_open(g, p, store_dirty, NULL, err);
}

/* Report p's open events in the order they started. */
int
gf_report_open(struct thads_gf *g, struct gfperson *p)
{
	struct openlist l;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = each_open(g, p, collect, &l, NULL);
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), by_start);
	for (i = 0; i < l.n; i++)
		gf_report(g, p, l.v[i].zs, l.v[i].e);
	free(l.v);
	return rc;
}

void
gf_reset(struct gfperson *p)
{
	size_t i;

	for (i = 0; i < p->nz; i++) {
		struct zst *zs = &p->z[i];

		zs->raw = -1;
		zs->viol = 0;
		memset(&zs->run, 0, sizeof(zs->run));
		memset(&zs->ev, 0, sizeof(zs->ev));
		memset(&zs->abs, 0, sizeof(zs->abs));
		memset(&zs->cev, 0, sizeof(zs->cev));
		zs->cf = CF_NONE;
		zs->out_since = -1;
		zs->last = -1;
	}
	memset(&p->sig, 0, sizeof(p->sig));
	memset(&p->bat, 0, sizeof(p->bat));
	memset(&p->tam, 0, sizeof(p->tam));
	p->have_anchor = 0;
	p->nfar = 0;
	p->prev = p->processed = -1;
	p->changed = 1;
}

/* --- saving and loading the state -------------------------------------- */

static double
nn(double v)
{
	return isnan(v) ? -1 : v;
}

static json_t *
ev_json(const struct gfev *e)
{
	if (!e->open)
		return json_null();
	return json_pack("[i,I,I,f,I,I,i,i,f]", e->type, (json_int_t)e->start,
	    (json_int_t)e->confirmed, nn(e->maxd), (json_int_t)e->nfix,
	    (json_int_t)e->nclear, e->transit, e->seq, e->conf);
}

static void
ev_load(struct gfev *e, json_t *j)
{
	json_int_t start = 0, conf = 0, nfix = 0, nclear = 0;
	int type = 0, transit = 0, seq = 0;
	double md = -1, c = -1;

	memset(e, 0, sizeof(*e));
	if (!json_is_array(j) || json_unpack(j, "[i,I,I,f,I,I,i,i,f]", &type,
	    &start, &conf, &md, &nfix, &nclear, &transit, &seq, &c) != 0)
		return;
	ev_start(e, (enum thads_ev_type)type, start, conf, seq);
	e->maxd = md < 0 ? NAN : md;
	e->nfix = (long)nfix;
	e->nclear = (long)nclear;
	e->transit = transit;
	e->conf = c;
	e->dirty = 0;
}

static json_t *
fix_json(const struct pfix *f)
{
	return json_pack("[I,f,f,f,i,i]", (json_int_t)f->t, f->lat, f->lon,
	    nn(f->acc), f->battery, f->tamper);
}

static int
fix_load(struct pfix *f, json_t *j)
{
	json_int_t t;
	double acc;

	if (json_unpack(j, "[I,f,f,f,i,i]", &t, &f->lat, &f->lon, &acc,
	    &f->battery, &f->tamper) != 0)
		return -1;
	f->t = t;
	f->acc = acc < 0 ? NAN : acc;
	return 0;
}

static json_t *
zone_json(const struct zst *zs)
{
	const struct run *r = &zs->run;

	return json_pack("{s:I,s:I,s:i,s:i,s:[i,I,I,I,f,i],s:o,s:o,s:I,s:i,"
	    "s:I,s:I,s:I,s:I,s:f,s:o,s:I,s:I,s:I,s:f}",
	    "zone", (json_int_t)zs->z->id, "from", (json_int_t)zs->from,
	    "raw", zs->raw, "viol", zs->viol,
	    "run", r->on, (json_int_t)r->t0, (json_int_t)r->n,
	    (json_int_t)r->nfix, r->maxd, r->seq,
	    "ev", ev_json(&zs->ev), "abs", ev_json(&zs->abs),
	    "out", (json_int_t)zs->out_since, "cf", zs->cf,
	    "cfs", (json_int_t)zs->cf_start, "cfc", (json_int_t)zs->cf_close,
	    "cfn", (json_int_t)zs->cf_nfix, "cfx", (json_int_t)zs->cf_nclear,
	    "cfm", zs->cf_maxd, "cev", ev_json(&zs->cev),
	    "last", (json_int_t)zs->last, "outn", (json_int_t)zs->out_n,
	    "outc", (json_int_t)zs->out_clear, "outm", zs->out_maxd);
}

char *
gf_state_save(const struct gfperson *p)
{
	json_t *o, *zones, *far;
	char *s;
	size_t i;
	int k;

	zones = json_array();
	far = json_array();
	for (i = 0; i < p->nz; i++)
		json_array_append_new(zones, zone_json(&p->z[i]));
	for (k = 0; k < p->nfar; k++)
		json_array_append_new(far, fix_json(&p->far[k]));
	o = json_pack("{s:i,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "v", 1,
	    "processed", (json_int_t)p->processed, "prev", (json_int_t)p->prev,
	    "anchor", p->have_anchor ? fix_json(&p->anchor) : json_null(),
	    "far", far, "sig", ev_json(&p->sig), "bat", ev_json(&p->bat),
	    "tam", ev_json(&p->tam), "zones", zones);
	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static void
zone_load(struct zst *zs, json_t *j)
{
	json_int_t t0 = 0, n = 0, nfix = 0, v;
	struct run *r = &zs->run;

	(void)json_unpack(json_object_get(j, "run"), "[i,I,I,I,f,i]", &r->on,
	    &t0, &n, &nfix, &r->maxd, &r->seq);	/* absent: no run */
	r->t0 = t0;
	r->n = (long)n;
	r->nfix = (long)nfix;
	zs->raw = (int)json_integer_value(json_object_get(j, "raw"));
	zs->viol = (int)json_integer_value(json_object_get(j, "viol"));
	ev_load(&zs->ev, json_object_get(j, "ev"));
	ev_load(&zs->abs, json_object_get(j, "abs"));
	ev_load(&zs->cev, json_object_get(j, "cev"));
	zs->out_since = json_integer_value(json_object_get(j, "out"));
	zs->cf = (int)json_integer_value(json_object_get(j, "cf"));
	zs->cf_start = json_integer_value(json_object_get(j, "cfs"));
	zs->cf_close = json_integer_value(json_object_get(j, "cfc"));
	zs->cf_nfix = (long)json_integer_value(json_object_get(j, "cfn"));
	zs->cf_nclear = (long)json_integer_value(json_object_get(j, "cfx"));
	zs->cf_maxd = json_real_value(json_object_get(j, "cfm"));
	v = json_integer_value(json_object_get(j, "last"));
	zs->last = v;
	zs->out_n = (long)json_integer_value(json_object_get(j, "outn"));
	zs->out_clear = (long)json_integer_value(json_object_get(j, "outc"));
	zs->out_maxd = json_real_value(json_object_get(j, "outm"));
}

void
gf_state_load(struct gfperson *p, const char *text)
{
	json_t *o = json_loads(text, 0, NULL), *z, *a;
	size_t i, k;
	long long zid;
	int64_t from;

	if (o == NULL)
		return;
	p->processed = json_integer_value(json_object_get(o, "processed"));
	p->prev = json_integer_value(json_object_get(o, "prev"));
	p->have_anchor = fix_load(&p->anchor, json_object_get(o, "anchor"))
	    == 0;
	json_array_foreach(json_object_get(o, "far"), k, a)
		if (p->nfar < GF_MAXFAR && fix_load(&p->far[p->nfar], a) == 0)
			p->nfar++;
	ev_load(&p->sig, json_object_get(o, "sig"));
	ev_load(&p->bat, json_object_get(o, "bat"));
	ev_load(&p->tam, json_object_get(o, "tam"));
	json_array_foreach(json_object_get(o, "zones"), k, z) {
		zid = json_integer_value(json_object_get(z, "zone"));
		from = json_integer_value(json_object_get(z, "from"));
		for (i = 0; i < p->nz; i++)
			if (p->z[i].z->id == zid && p->z[i].from == from)
				zone_load(&p->z[i], z);
	}
	json_decref(o);
}

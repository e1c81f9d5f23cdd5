/*
 * geofence.c: a check run (geofence.h): who a fix belongs to, storing
 * it, the reorder window, late fixes and their re-evaluation, commits,
 * and handing events to the caller.  The state machines themselves are
 * in geostate.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geofence_int.h"

#define MS(s)		((int64_t)(s) * 1000)
#define BATCH		(1 << 20)	/* fixes stored per batch */
#define CLOCK_EVERY	4096		/* fixes between clock reads */

static const char *const evnames[THADS_EV_N] = { "left_inclusion",
	"entered_exclusion", "curfew", "signal_lost", "low_battery", "tamper",
	"absconding" };

void
thads_gf_defaults(struct thads_gf_rules *r)
{
	r->margin = 20;
	r->min_fixes = 3;
	r->min_secs = 60;
	r->max_kmh = 200;
	r->reanchor = 3;
	r->reorder_secs = 300;
	r->gap_secs = 900;
	r->battery_low = 15;
	r->abscond_secs = 7200;
	r->abscond_m = 5000;
	r->grace_secs = 300;
	r->default_acc = 15;
}

const char *
thads_gf_event_name(enum thads_ev_type t)
{
	return (unsigned)t < THADS_EV_N ? evnames[t] : "unknown";
}

/* --- maps -------------------------------------------------------------- */

/* Who an id is: a person, or a device's holders over time. */
struct period {
	long long person;
	int64_t	 from, to;
};

struct identry {
	uint64_t h;		/* hash of the id */
	char	*id;
	long long person;	/* 0: none (or see per) */
	struct gfperson *p;	/* person's state, once loaded */
	struct period *per;
	size_t	 nper;
	int	 warned;
};

struct idmap {
	struct identry *e;
	size_t	 cap, n;
};

struct i64map {
	long long *k;		/* 0 marks a free slot: ids start at 1 */
	void	**v;
	size_t	 cap, n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static uint64_t
hash_i64(long long k)
{
	uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15ULL;

	return h ^ (h >> 29);
}

static int
i64_grow(struct i64map *m)
{
	struct i64map n;
	size_t i, j;

	n.cap = m->cap ? 2 * m->cap : 1024;
	n.n = m->n;
	if ((n.k = calloc(n.cap, sizeof(*n.k))) == NULL ||
	    (n.v = calloc(n.cap, sizeof(*n.v))) == NULL) {
		free(n.k);
		return -1;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->k[i] == 0)
			continue;
		for (j = hash_i64(m->k[i]) & (n.cap - 1); n.k[j] != 0;
		    j = (j + 1) & (n.cap - 1))
			continue;
		n.k[j] = m->k[i];
		n.v[j] = m->v[i];
	}
	free(m->k);
	free(m->v);
	m->k = n.k;
	m->v = n.v;
	m->cap = n.cap;
	return 0;
}

static void *
i64_get(const struct i64map *m, long long k)
{
	size_t j;

	if (m->cap == 0)
		return NULL;
	for (j = hash_i64(k) & (m->cap - 1); m->k[j] != 0;
	    j = (j + 1) & (m->cap - 1))
		if (m->k[j] == k)
			return m->v[j];
	return NULL;
}

static int
i64_put(struct i64map *m, long long k, void *v)
{
	size_t j;

	if ((m->n + 1) * 2 > m->cap && i64_grow(m) != 0)
		return -1;
	for (j = hash_i64(k) & (m->cap - 1); m->k[j] != 0;
	    j = (j + 1) & (m->cap - 1))
		continue;
	m->k[j] = k;
	m->v[j] = v;
	m->n++;
	return 0;
}

static int
id_grow(struct idmap *m)
{
	struct identry *e;
	size_t cap = m->cap ? 2 * m->cap : 1024, i, j;

	if ((e = calloc(cap, sizeof(*e))) == NULL)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (m->e[i].id == NULL)
			continue;
		for (j = m->e[i].h & (cap - 1); e[j].id != NULL;
		    j = (j + 1) & (cap - 1))
			continue;
		e[j] = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = cap;
	return 0;
}

/* The entry of id, or a new empty one (NULL when out of memory). */
static struct identry *
id_slot(struct idmap *m, const char *id, int *isnew)
{
	uint64_t h = hash_str(id);
	size_t j;

	*isnew = 0;
	if ((m->n + 1) * 2 > m->cap && id_grow(m) != 0)
		return NULL;
	for (j = h & (m->cap - 1); m->e[j].id != NULL;
	    j = (j + 1) & (m->cap - 1))
		if (m->e[j].h == h && strcmp(m->e[j].id, id) == 0)
			return &m->e[j];
	if ((m->e[j].id = strdup(id)) == NULL)
		return NULL;
	m->e[j].h = h;
	m->n++;
	*isnew = 1;
	return &m->e[j];
}

/* --- who a fix belongs to ---------------------------------------------- */

static int
nomem(struct thads_err *err)
{
	return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
}

static int
add_period(long long person, int64_t from, int64_t to, void *ctx)
{
	struct identry *e = ctx;
	struct period *p = realloc(e->per, (e->nper + 1) * sizeof(*p));

	if (p == NULL)
		return THADS_ENOMEM;
	e->per = p;
	p[e->nper].person = person;
	p[e->nper].from = from;
	p[e->nper].to = to;
	e->nper++;
	return 0;
}

static void
note(struct thads_gf *g, const char *fmt, const char *arg)
{
	struct thads_err e;

	if (g->o.note == NULL)
		return;
	thads_clearerr(&e);
	snprintf(e.msg, sizeof(e.msg), fmt, arg);
	g->o.note(&e, g->o.ctx);
}

/* The person of fix f into *person (0 when none); its entry in *ep. */
static int
resolve(struct thads_gf *g, const struct thads_fix *f, long long *person,
    struct identry **ep, struct thads_err *err)
{
	struct identry *e;
	size_t i;
	int isnew, rc;

	*person = 0;
	if ((e = *ep = id_slot(g->ids, f->id, &isnew)) == NULL)
		return nomem(err);
	if (isnew) {
		if ((rc = thads_geodb_device(g->gdb, f->id, add_period, e,
		    err)) != 0)
			return rc == THADS_ENOMEM ? nomem(err) : rc;
		if (e->nper == 0 && (rc = thads_geodb_person(g->gdb, f->id,
		    &e->person, err)) < 0)
			return rc;
	}
	for (i = 0; i < e->nper; i++)
		if (f->t >= e->per[i].from && (e->per[i].to < 0 ||
		    f->t < e->per[i].to))
			*person = e->per[i].person;
	if (e->nper == 0)
		*person = e->person;
	if (*person == 0 && !e->warned) {
		e->warned = 1;
		note(g, e->nper ? "device '%s' has no holder at some fix "
		    "times: those fixes are dropped" : "no person or device "
		    "'%s': its fixes are dropped", f->id);
	}
	return 0;
}

/* --- persons ----------------------------------------------------------- */

/*
 * A zone is read and prepared once per run, when the first fix of a
 * person bound by it comes: its WKT parsed again, an exclusion zone's
 * buffer computed again, GEOS's indexes built.  Known shortcoming: that
 * is paid on every run, however few fixes it reads; with twenty
 * thousand zones of about a hundred vertices it is some 4 s of CPU and
 * 500 MiB of memory (bench/RESULTS.md).
 */
static int
zone_get(struct thads_gf *g, long long id, struct thads_zone **out,
    struct thads_err *err)
{
	int rc;

	if ((*out = i64_get(g->zones, id)) != NULL)
		return 0;
	if ((rc = thads_geodb_zone(g->gdb, g->geo, id, out, err)) != 0)
		return rc;
	if (i64_put(g->zones, id, *out) != 0) {
		thads_zone_free(g->geo, *out);
		return nomem(err);
	}
	return 0;
}

struct addctx {
	struct thads_gf *g;
	struct gfperson *p;
	struct thads_err *err;
};

static int
add_zone(long long zone, int64_t from, int64_t to, void *ctx)
{
	struct addctx *a = ctx;
	struct gfperson *p = a->p;
	struct zst *z = realloc(p->z, (p->nz + 1) * sizeof(*z));
	int rc;

	if (z == NULL)
		return nomem(a->err);
	p->z = z;
	z = &p->z[p->nz];
	memset(z, 0, sizeof(*z));
	if ((rc = zone_get(a->g, zone, &z->z, a->err)) != 0)
		return rc;
	z->from = from;
	z->to = to;
	z->raw = -1;
	z->out_since = -1;
	z->last = -1;
	p->nz++;
	return 0;
}

static void
person_free(struct gfperson *p)
{
	if (p == NULL)
		return;
	free(p->z);
	free(p->buf);
	free(p->rep);
	free(p);
}

static int
person_get(struct thads_gf *g, long long id, struct gfperson **out,
    struct thads_err *err)
{
	struct gfperson *p;
	struct addctx a;
	char *state = NULL;
	int rc;

	if ((*out = i64_get(g->persons, id)) != NULL)
		return 0;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return nomem(err);
	p->id = id;
	p->processed = p->prev = p->wm = p->dirty_from = -1;
	a.g = g;
	a.p = p;
	a.err = err;
	if ((rc = thads_geodb_person_ext(g->db, id, p->ext, sizeof(p->ext),
	    err)) < 0 || (rc = thads_geodb_assignments(g->gdb, id, add_zone,
	    &a, err)) != 0 || (rc = thads_geodb_state_get(g->gdb, id, &state,
	    err)) != 0) {
		person_free(p);
		return rc;
	}
	if (state != NULL)
		gf_state_load(p, state);
	free(state);
	if (i64_put(g->persons, id, p) != 0) {
		person_free(p);
		return nomem(err);
	}
	g->st.persons++;
	*out = p;
	return 0;
}

/* --- events ------------------------------------------------------------ */

static double
confidence(const struct gfev *e)
{
	if (e->conf >= 0)
		return e->conf;
	if (e->nfix <= 0)
		return 1;
	return round(100.0 * (double)e->nclear / (double)e->nfix) / 100;
}

int
gf_event(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    struct gfev *e, int final, struct thads_err *err)
{
	struct thads_geodb_event de;
	int rc;

	de.person = p->id;
	de.zone = zs ? zs->z->id : 0;
	de.type = thads_gf_event_name(e->type);
	de.start = e->start;
	de.end = e->open ? -1 : e->end;
	de.confirmed = e->confirmed;
	de.maxdist = e->maxd;
	de.fixes = e->nfix < 0 ? 0 : e->nfix;
	de.confidence = confidence(e);
	de.transit = e->transit;
	de.seq = e->seq;
	if ((rc = thads_geodb_event_put(g->gdb, &de, err)) != 0)
		return rc;
	e->dirty = 0;
	if (final)
		gf_report(g, p, zs, e);
	return 0;
}

void
gf_report(struct thads_gf *g, struct gfperson *p, struct zst *zs,
    const struct gfev *e)
{
	struct thads_gf_event ev;
	struct gfrep *r;
	long long zid = zs ? zs->z->id : 0;
	int64_t end = e->open ? -1 : e->end;
	size_t i;

	for (i = 0; i < p->nrep; i++) {
		r = &p->rep[i];
		if (r->type == (int)e->type && r->zone == zid &&
		    r->start == e->start && r->end == end &&
		    r->nfix == e->nfix)
			return;	/* found again by a re-evaluation */
	}
	if (p->nrep == p->repcap) {
		size_t cap = p->repcap ? 2 * p->repcap : 8;

		if ((r = realloc(p->rep, cap * sizeof(*r))) != NULL) {
			p->rep = r;
			p->repcap = cap;
		}
	}
	if (p->nrep < p->repcap) {
		r = &p->rep[p->nrep++];
		r->type = (int)e->type;
		r->zone = zid;
		r->start = e->start;
		r->end = end;
		r->nfix = e->nfix;
	}
	if (g->o.event == NULL)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.person = p->id;
	ev.person_ext = p->ext;
	ev.zone = zs ? zs->z->name : NULL;
	ev.type = e->type;
	ev.start = e->start;
	ev.end = end;
	ev.confirmed = e->confirmed;
	ev.maxdist = e->maxd;
	ev.fixes = e->nfix < 0 ? 0 : e->nfix;
	ev.confidence = confidence(e);
	ev.transit = e->transit;
	ev.seq = e->seq;
	g->o.event(&ev, g->o.ctx);
}

/* --- storing fixes ----------------------------------------------------- */

static int
flush_batch(struct thads_gf *g, struct thads_err *err)
{
	long stored;
	int rc;

	if (g->nbatch == 0)
		return 0;
	rc = thads_geodb_put_fixes(g->gdb, g->batch, g->nbatch, &stored, err);
	g->st.stored += stored;
	g->st.duplicates += (long)g->nbatch - stored;
	g->nbatch = 0;
	return rc;
}

static void
to_db(const struct thads_gf *g, long long person, const struct pfix *f,
    struct thads_geodb_fix *d)
{
	d->person = person;
	d->t = f->t;
	d->lat = f->lat;
	d->lon = f->lon;
	d->acc = f->acc;
	d->battery = f->battery;
	d->tamper = f->tamper;
	d->source = g->source;
}

/*
 * --- the reorder window --------------------------------------------------
 *
 * A fix waits in its person's window until a fix newer by the reorder
 * window has come, and is processed at the next checkpoint (every batch
 * of fixes, or every commit of a followed pipe): person by person, all
 * of a person's fixes at once.  Processing fixes later than they could
 * be changes nothing in the result, and going through one person's
 * fixes together keeps that person's zones in the processor's caches:
 * with thousands of persons interleaved in the input, a zone test on
 * cold memory costs ten times one on warm (bench/RESULTS.md).
 */

/* Insert f in time order: 0, 1 when the window already has its time. */
static int
buf_insert(struct gfperson *p, const struct pfix *f)
{
	struct pfix *b;
	size_t i, cap;

	for (i = p->nbuf; i > 0 && p->buf[i - 1].t >= f->t; i--)
		if (p->buf[i - 1].t == f->t)
			return 1;
	if (p->nbuf == p->bufcap) {
		cap = p->bufcap ? 2 * p->bufcap : 8;
		if ((b = realloc(p->buf, cap * sizeof(*b))) == NULL)
			return THADS_ENOMEM;
		p->buf = b;
		p->bufcap = cap;
	}
	memmove(p->buf + i + 1, p->buf + i, (p->nbuf - i) * sizeof(*b));
	p->buf[i] = *f;
	p->nbuf++;
	return 0;
}

/* Process the fixes of p's window up to time upto. */
static int
release(struct thads_gf *g, struct gfperson *p, int64_t upto,
    struct thads_err *err)
{
	size_t n = 0;
	int rc = 0;

	while (n < p->nbuf && p->buf[n].t <= upto && rc == 0)
		rc = gf_process(g, p, &p->buf[n++], err);
	if (n > 0) {
		memmove(p->buf, p->buf + n, (p->nbuf - n) * sizeof(*p->buf));
		p->nbuf -= n;
	}
	return rc;
}

/* A fix older than the newest processed one: store it, mark p. */
static int
late(struct thads_gf *g, struct gfperson *p, const struct pfix *f,
    struct thads_err *err)
{
	struct thads_geodb_fix d;
	long stored;
	int rc;

	if ((rc = flush_batch(g, err)) != 0)
		return rc;
	to_db(g, p->id, f, &d);
	if ((rc = thads_geodb_put_fixes(g->gdb, &d, 1, &stored, err)) != 0)
		return rc;
	if (stored == 0) {
		g->st.duplicates++;
		return 0;
	}
	g->st.stored++;
	g->st.late++;
	if (p->dirty_from < 0 || f->t < p->dirty_from)
		p->dirty_from = f->t;
	return 0;
}

/* --- re-evaluation ----------------------------------------------------- */

struct replay {
	struct thads_gf *g;
	struct gfperson *p;
	struct thads_err *err;
};

static int
replay_fix(const struct thads_geodb_fix *d, void *ctx)
{
	struct replay *r = ctx;
	struct pfix f;

	f.t = d->t;
	f.lat = d->lat;
	f.lon = d->lon;
	f.acc = d->acc;
	f.battery = d->battery;
	f.tamper = d->tamper;
	return gf_process(r->g, r->p, &f, r->err);
}

/*
 * Re-evaluate p from a little before its earliest late fix: from the
 * start of any event still running then, with the state reset to
 * "nothing open" (true at that instant, since no event straddles it)
 * and the jump filter anchored on the last stored fix before it.
 */
static int
replay(struct thads_gf *g, struct gfperson *p, struct thads_err *err)
{
	struct thads_geodb_fix d;
	struct replay r;
	int64_t from;
	size_t i;
	int rc;

	if ((rc = release(g, p, INT64_MAX, err)) != 0 ||
	    (rc = flush_batch(g, err)) != 0 ||
	    (rc = gf_store_open(g, p, err)) != 0 ||
	    (rc = thads_geodb_replay_start(g->gdb, p->id, p->dirty_from,
	    &from, err)) != 0 ||
	    (rc = thads_geodb_events_drop(g->gdb, p->id, from, err)) != 0)
		return rc;
	p->dirty_from = -1;
	gf_reset(p);
	if ((rc = thads_geodb_fix_before(g->gdb, p->id, from, &d, err)) < 0)
		return rc;
	if (rc == 1) {
		p->prev = p->processed = d.t;
		p->anchor.t = d.t;
		p->anchor.lat = d.lat;
		p->anchor.lon = d.lon;
		p->anchor.acc = d.acc;
		p->anchor.battery = d.battery;
		p->anchor.tamper = d.tamper;
		p->have_anchor = 1;
		for (i = 0; i < p->nz; i++)
			p->z[i].last = d.t;
	}
	r.g = g;
	r.p = p;
	r.err = err;
	g->replaying = 1;
	rc = thads_geodb_fixes(g->gdb, p->id, from, -1, replay_fix, &r, err);
	g->replaying = 0;
	g->st.replays++;
	return rc;
}

/* --- commits ----------------------------------------------------------- */

static int
save_state(struct thads_gf *g, struct gfperson *p, struct thads_err *err)
{
	char *s;
	int rc;

	if ((rc = gf_store_open(g, p, err)) != 0 || !p->changed)
		return rc;
	if ((s = gf_state_save(p)) == NULL)
		return nomem(err);
	rc = thads_geodb_state_put(g->gdb, p->id, s, err);
	free(s);
	p->changed = 0;
	return rc;
}

struct loadall {
	struct thads_gf *g;
	struct thads_err *err;
};

static int
load_one(long long person, void *ctx)
{
	struct loadall *l = ctx;
	struct gfperson *p;

	return person_get(l->g, person, &p, l->err);
}

/*
 * Store what waits, re-evaluate the persons with late fixes, save the
 * states that changed, and make it all durable.  A person's window is
 * also emptied of fixes far behind the newest fix of any person, so
 * that a device that falls silent while the input goes on (a receiver's
 * log followed with tail -F) still has its last fixes processed.
 */
static int
checkpoint(struct thads_gf *g, int64_t upto, int last,
    struct thads_err *err)
{
	struct gfperson *p;
	struct loadall l;
	size_t i;
	int rc = 0;

	/*
	 * The end of the observation concerns every person monitored, not
	 * only those with fixes in this run: a monitor that fell silent
	 * sends none.
	 */
	l.g = g;
	l.err = err;
	if (last && g->o.until >= 0 && (rc = thads_geodb_monitored(g->gdb,
	    load_one, &l, err)) != 0)
		return rc;
	for (i = 0; i < g->persons->cap && rc == 0; i++) {
		if (g->persons->k[i] == 0)
			continue;
		p = g->persons->v[i];
		if (p->nbuf > 0)
			rc = release(g, p, p->wm - MS(g->o.r.reorder_secs) >
			    upto ? p->wm - MS(g->o.r.reorder_secs) : upto,
			    err);
		if (rc == 0 && p->dirty_from >= 0)
			rc = replay(g, p, err);
		if (rc == 0 && last)
			rc = gf_finish(g, p, g->o.until, err);
	}
	if (rc == 0)
		rc = flush_batch(g, err);
	/*
	 * The states are saved at the end, and at each commit of a pipe.
	 * Between the commits of a file they need not be: a run cut short
	 * leaves the old states, and checking the file again redoes the
	 * same work from them (stored fixes are not stored twice, events
	 * are updated in place).  A pipe cannot be read again.
	 */
	for (i = 0; i < g->persons->cap && rc == 0 && (last || g->stream);
	    i++)
		if (g->persons->k[i] != 0)
			rc = save_state(g, g->persons->v[i], err);
	if (rc != 0 || last)
		return rc;
	if ((rc = thads_db_commit(g->db, err)) == 0)
		rc = thads_db_begin(g->db, err);
	return rc;
}

static double
wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t gwm_of(const struct thads_gf *g);

static int
tick(struct thads_gf *g, struct thads_err *err)
{
	double now;

	g->pending = 1;
	if (g->nbatch < BATCH && !g->stream && ++g->sincecheck < CLOCK_EVERY)
		return 0;
	g->sincecheck = 0;
	now = wall();
	if (g->nbatch < BATCH && (!g->stream ||
	    (now - g->lastcommit) * 1000 < g->o.commit_ms))
		return 0;
	g->lastcommit = now;
	g->pending = 0;
	return checkpoint(g, gwm_of(g) - 2 * MS(g->o.r.reorder_secs), 0,
	    err);
}

long
thads_gf_idle(struct thads_gf *g)
{
	double now = wall(), due = g->lastcommit + g->o.commit_ms / 1000.0;
	int rc;

	if (g->failed || !g->pending)
		return -1;
	if (now < due)
		return (long)((due - now) * 1000) + 1;
	g->lastcommit = now;
	g->pending = 0;
	thads_clearerr(&g->ferr);
	if ((rc = checkpoint(g, gwm_of(g) - 2 * MS(g->o.r.reorder_secs), 0,
	    &g->ferr)) != 0)
		g->failed = rc;
	return -1;
}

/* --- the run ----------------------------------------------------------- */

/* The newest fix time of any person. */
static int64_t
gwm_of(const struct thads_gf *g)
{
	int64_t m = -1;
	size_t i;

	for (i = 0; i < g->persons->cap; i++)
		if (g->persons->k[i] != 0 &&
		    ((struct gfperson *)g->persons->v[i])->wm > m)
			m = ((struct gfperson *)g->persons->v[i])->wm;
	return m;
}

int
thads_gf_begin(struct thads_db *db, const struct thads_gf_opts *o,
    struct thads_gf **out, struct thads_err *err)
{
	struct thads_gf *g;
	int rc;

	*out = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->ids = calloc(1, sizeof(*g->ids))) == NULL ||
	    (g->persons = calloc(1, sizeof(*g->persons))) == NULL ||
	    (g->zones = calloc(1, sizeof(*g->zones))) == NULL ||
	    (g->batch = malloc(BATCH * sizeof(*g->batch))) == NULL ||
	    i64_grow(g->persons) != 0) {
		if (g != NULL) {
			free(g->ids);
			free(g->persons);
			free(g->zones);
			free(g->batch);
		}
		free(g);
		return nomem(err);
	}
	g->db = db;
	g->o = *o;
	if (g->o.commit_ms <= 0)
		g->o.commit_ms = 2000;
	g->lastcommit = wall();
	/*
	 * A run writes millions of rows: a larger page cache (64 MiB)
	 * keeps the B-tree pages of every person's recent fixes in memory
	 * between batches, and fewer WAL checkpoints mean fewer syncs.
	 * Both are bounded: memory does not grow with the input.  A cache
	 * four times larger was no faster on three million fixes of
	 * ten thousand persons, and only held more memory.
	 */
	if ((rc = thads_db_exec(db, "PRAGMA cache_size = -65536; "
	    "PRAGMA wal_autocheckpoint = 16384", err)) != 0 ||
	    (rc = thads_geo_new(&g->geo, err)) != 0 ||
	    (rc = thads_geodb_open(db, &g->gdb, err)) != 0 ||
	    (rc = thads_db_begin(db, err)) != 0) {
		(void)thads_gf_end(g, 0, NULL, NULL);	/* only frees */
		return rc;
	}
	*out = g;
	return 0;
}

int
thads_gf_input(struct thads_gf *g, const char *name, const char *fmt,
    int stream, struct thads_err *err)
{
	g->stream = stream;
	return thads_geodb_source(g->gdb, name, fmt, &g->source, err);
}

int
thads_gf_input_done(struct thads_gf *g, long skipped, struct thads_err *err)
{
	return thads_geodb_source_done(g->gdb, g->source, g->st.read, skipped,
	    err);
}

int
thads_gf_fix(struct thads_gf *g, const struct thads_fix *f,
    struct thads_err *err)
{
	struct gfperson *p;
	struct identry *e;
	long long person;
	struct pfix pf;
	int rc;

	if (g->failed) {
		if (err != NULL)
			*err = g->ferr;
		return g->failed;
	}
	g->st.read++;
	if ((rc = resolve(g, f, &person, &e, err)) != 0)
		return rc;
	if (person == 0) {
		g->st.unknown++;
		return tick(g, err);
	}
	if ((p = e->nper == 0 ? e->p : NULL) == NULL &&
	    (rc = person_get(g, person, &p, err)) != 0)
		return rc;
	if (e->nper == 0)
		e->p = p;	/* an id of one person: no lookup next time */
	pf.t = f->t;
	pf.lat = f->lat;
	pf.lon = f->lon;
	pf.acc = f->acc;
	pf.battery = f->battery;
	pf.tamper = f->tamper;
	if (f->t <= p->processed)
		rc = late(g, p, &pf, err);
	else if ((rc = buf_insert(p, &pf)) == 1) {
		g->st.duplicates++;
		rc = 0;
	} else if (rc == 0) {
		to_db(g, person, &pf, &g->batch[g->nbatch++]);
		if (pf.t > p->wm)
			p->wm = pf.t;
	} else
		rc = nomem(err);
	return rc != 0 ? rc : tick(g, err);
}

const struct thads_gf_stats *
thads_gf_stats(const struct thads_gf *g)
{
	return &g->st;
}

static int
by_id(const void *a, const void *b)
{
	const struct gfperson *x = *(struct gfperson *const *)a;
	const struct gfperson *y = *(struct gfperson *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Report the events still open, person by person in id order. */
static void
report_open(struct thads_gf *g)
{
	struct gfperson **all;
	size_t i, n = 0;

	if ((all = malloc((g->persons->n + 1) * sizeof(*all))) == NULL)
		return;
	for (i = 0; i < g->persons->cap; i++)
		if (g->persons->k[i] != 0)
			all[n++] = g->persons->v[i];
	qsort(all, n, sizeof(*all), by_id);
	for (i = 0; i < n; i++)
		(void)gf_report_open(g, all[i]);
	free(all);
}

static void
free_all(struct thads_gf *g)
{
	size_t i;

	for (i = 0; g->persons && i < g->persons->cap; i++)
		if (g->persons->k[i] != 0)
			person_free(g->persons->v[i]);
	for (i = 0; g->zones && i < g->zones->cap; i++)
		if (g->zones->k[i] != 0)
			thads_zone_free(g->geo, g->zones->v[i]);
	for (i = 0; g->ids && i < g->ids->cap; i++) {
		free(g->ids->e[i].id);
		free(g->ids->e[i].per);
	}
	if (g->persons != NULL) {
		free(g->persons->k);
		free(g->persons->v);
	}
	if (g->zones != NULL) {
		free(g->zones->k);
		free(g->zones->v);
	}
	if (g->ids != NULL)
		free(g->ids->e);
	free(g->ids);
	free(g->persons);
	free(g->zones);
	free(g->batch);
	thads_geodb_close(g->gdb);
	thads_geo_free(g->geo);
	free(g);
}

int
thads_gf_end(struct thads_gf *g, int commit, struct thads_gf_stats *st,
    struct thads_err *err)
{
	int rc = 0;

	if (g == NULL)
		return 0;
	if (g->failed) {
		if (err != NULL)
			*err = g->ferr;
		rc = g->failed;
		commit = 0;
	}
	if (commit && g->db->intx) {
		rc = checkpoint(g, INT64_MAX, 1, err);
		if (rc == 0)
			rc = thads_db_commit(g->db, err);
		if (rc == 0)
			report_open(g);
	}
	if (st != NULL)
		*st = g->st;
	if (g->db->intx)
		thads_db_rollback(g->db);
	free_all(g);
	return rc;
}

/*
 * vidwatch.c: watch mode (vidwatch.h).
 *
 * Threads: per camera one reader (the only one that touches the
 * stream) and one analyser (the only one that touches the camera's
 * analysis and event book); the sink (database, stdout) is shared and
 * guarded by one mutex.  The queue between a reader and its analyser
 * holds frames and state changes ("lost", "back"); when it is full the
 * oldest frame is dropped, never a state change, so its length is at
 * most the frame bound plus the few state changes in flight.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thads.h"
#include "vidwatch.h"

#define MAXCAMS	64
#define QSTATES	8		/* room for state changes past the frames */

enum { Q_FRAME, Q_LOST, Q_BACK };

struct qitem {
	int	 kind;
	struct thads_vframe *f;
	double	 wall;
	char	 why[160];
};

struct cam {
	struct watch *w;
	struct thads_vcam cam;
	char	 url[512];
	pthread_t reader, analyser;
	int	 started;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct qitem *q;	/* ring */
	int	 qcap, qhead, qlen, qframes;
	long	 dropped;	/* frames dropped by a full queue */
	long	 skipped;	/* frames left out by the skip factor */
	long	 received;
	int	 skip;		/* keep every skip-th frame */
	double	 in_fps;	/* frames the camera sends a second */
	int	 done;		/* the reader has stopped */

	/* Analyser side. */
	struct thads_vrun *run;
	struct thads_vbook *lost;	/* "lost" events */
	double	 lost_since;	/* watch time of the loss */
	int	 w_, h_;
	double	 wall0, pts0;	/* drift anchor */
	double	 last_drift_log;
	long	 analysed;
	double	 busy;		/* seconds spent analysing */
	double	 rate_t0;
	long	 rate_n;
	int	 failed;	/* a fatal error, in err */
	struct thads_err err;
};

struct watch {
	const struct thads_vwatch_opts *o;
	struct thads_vsink *sink;
	pthread_mutex_t sink_mu;
	volatile int stopping;
	double	 t0;
	int	 ncams;
	struct cam *cams;
};

void
thads_vwatch_defaults(struct thads_vwatch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 5000;
	o->backoff_max = 30;
	o->queue = 4;
	o->rate_every = 60;
}

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wallclock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
stopping(struct watch *w)
{
	if (w->o->stop != NULL && *w->o->stop)
		w->stopping = 1;
	if (w->o->run_for > 0 && mono() - w->t0 >= w->o->run_for)
		w->stopping = 1;
	return w->stopping;
}

/* Sleep up to s seconds, waking early when the watch stops. */
static void
nap(struct watch *w, double s)
{
	double end = mono() + s;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	while (mono() < end && !stopping(w))
		nanosleep(&ts, NULL);
}

static void
say(struct watch *w, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct watch *w, int level, const char *fmt, ...)
{
	char buf[600];
	va_list ap;

	if (w->o->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	w->o->log(level, "%s", buf);
}

/* ---- The queue. ---- */

static void
push(struct cam *c, int kind, struct thads_vframe *f, double wall,
    const char *why)
{
	struct qitem *it;
	int i, k;

	pthread_mutex_lock(&c->mu);
	if (kind == Q_FRAME && c->qframes >= c->w->o->queue) {
		/* Drop the oldest frame, keeping any state change. */
		for (i = 0; i < c->qlen; i++) {
			k = (c->qhead + i) % c->qcap;
			if (c->q[k].kind != Q_FRAME)
				continue;
			thads_vframe_free(c->q[k].f);
			for (; i + 1 < c->qlen; i++)
				c->q[(c->qhead + i) % c->qcap] =
				    c->q[(c->qhead + i + 1) % c->qcap];
			c->qlen--;
			c->qframes--;
			c->dropped++;
			break;
		}
	}
	if (c->qlen >= c->qcap) {	/* only if states pile up: drop it */
		pthread_mutex_unlock(&c->mu);
		thads_vframe_free(f);
		return;
	}
	it = &c->q[(c->qhead + c->qlen) % c->qcap];
	it->kind = kind;
	it->f = f;
	it->wall = wall;
	snprintf(it->why, sizeof(it->why), "%s", why ? why : "");
	c->qlen++;
	c->qframes += kind == Q_FRAME;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

/* Take the next item; 0 when the reader is done and the queue empty. */
static int
pop(struct cam *c, struct qitem *out)
{
	struct timespec ts;

	pthread_mutex_lock(&c->mu);
	while (c->qlen == 0 && !c->done) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000 * 1000;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
	if (c->qlen == 0) {
		pthread_mutex_unlock(&c->mu);
		return 0;
	}
	*out = c->q[c->qhead];
	c->qhead = (c->qhead + 1) % c->qcap;
	c->qlen--;
	c->qframes -= out->kind == Q_FRAME;
	pthread_mutex_unlock(&c->mu);
	return 1;
}

/* ---- The reader. ---- */

/* Read frames until the stream fails or the watch stops. */
static void
read_stream(struct cam *c, struct thads_vsrc *s)
{
	struct thads_vframe *f;
	struct thads_err e;
	double t0 = mono();
	long n = 0;
	int got, skip;

	for (;;) {
		if (stopping(c->w))
			return;
		thads_clearerr(&e);
		if ((got = thads_vsrc_read(s, &f, &e)) != 1) {
			push(c, Q_LOST, NULL, wallclock(), got == 0 ?
			    "end of stream" : e.msg);
			return;
		}
		n++;
		pthread_mutex_lock(&c->mu);
		c->received++;
		if (mono() - t0 > 1)
			c->in_fps = n / (mono() - t0);
		skip = c->skip > 0 ? c->skip : 1;
		pthread_mutex_unlock(&c->mu);
		if (n % skip != 0) {
			thads_vframe_free(f);
			pthread_mutex_lock(&c->mu);
			c->skipped++;
			pthread_mutex_unlock(&c->mu);
			continue;
		}
		push(c, Q_FRAME, f, wallclock(), NULL);
	}
}

static void *
reader(void *arg)
{
	struct cam *c = arg;
	struct thads_vsrc *s;
	struct thads_err e;
	double backoff = 1;
	int lost = 0;

	while (!stopping(c->w)) {
		thads_clearerr(&e);
		if (thads_vsrc_open(c->url, c->w->o->timeout_ms, &s, &e) != 0) {
			if (!lost)
				push(c, Q_LOST, NULL, wallclock(), e.msg);
			lost = 1;
			say(c->w, 1, "camera %s: cannot connect; retry in "
			    "%.0f s", c->cam.id, backoff);
			nap(c->w, backoff);
			backoff = fmin(2 * backoff, c->w->o->backoff_max);
			continue;
		}
		if (lost)
			push(c, Q_BACK, NULL, wallclock(), NULL);
		backoff = 1;
		read_stream(c, s);
		thads_vsrc_close(s);
		if (stopping(c->w))
			break;
		lost = 1;	/* read_stream() queued the loss */
		say(c->w, 2, "camera %s: stream failed; reconnecting in %.0f "
		    "s", c->cam.id, backoff);
		nap(c->w, backoff);
		backoff = fmin(2 * backoff, c->w->o->backoff_max);
	}
	pthread_mutex_lock(&c->mu);
	c->done = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* ---- The analyser. ---- */

static int
sink_event(struct thads_vevent *ev, int closed, void *ctx,
    struct thads_err *err)
{
	struct cam *c = ctx;
	int rc;

	pthread_mutex_lock(&c->w->sink_mu);
	rc = thads_vsink_event(ev, closed, c->w->sink, err);
	pthread_mutex_unlock(&c->w->sink_mu);
	if (rc == 0)
		say(c->w, 1, "camera %s: %s %s in zone %s", c->cam.id,
		    thads_vetype_name(ev->type), closed ? "ended" : "started",
		    ev->zone);
	return rc;
}

static int
start_run(struct cam *c, const struct thads_vframe *f)
{
	struct thads_vsrc_info info;
	struct thads_vrun_opts ro = c->w->o->scan->run;

	if (c->run != NULL && c->w_ == thads_vframe_width(f) &&
	    c->h_ == thads_vframe_height(f))
		return 0;
	if (c->run != NULL && thads_vrun_close(c->run, &c->err) != 0)
		return -1;
	c->run = NULL;
	memset(&info, 0, sizeof(info));
	info.width = c->w_ = thads_vframe_width(f);
	info.height = c->h_ = thads_vframe_height(f);
	info.fps = c->in_fps > 0 ? c->in_fps : 25;
	info.frames = -1;
	ro.fn = sink_event;
	ro.ctx = c;
	ro.annotate = NULL;	/* one file per camera would be needed */
	return thads_vrun_open(&c->cam, c->url, &info, &ro, &c->run, &c->err);
}

/* Log a drift between the clock and the stream's own time. */
static void
drift(struct cam *c, double pts, double wall)
{
	double d = (wall - c->wall0) - (pts - c->pts0);

	if (c->wall0 == 0 || pts < c->pts0) {
		c->wall0 = wall;
		c->pts0 = pts;
		return;
	}
	if (fabs(d) > 2) {
		if (wall - c->last_drift_log > 60) {
			say(c->w, 1, "camera %s: stream time and clock drift "
			    "apart by %.1f s", c->cam.id, d);
			c->last_drift_log = wall;
		}
		c->wall0 = wall;
		c->pts0 = pts;
	}
}

/* Keep every k-th frame where k follows what the analysis can do. */
static void
adapt(struct cam *c, double spent)
{
	double now = mono(), can, rate;
	int k;

	c->busy += spent;
	c->rate_n++;
	if (c->rate_t0 == 0)
		c->rate_t0 = now;
	if (c->busy <= 0 || c->analysed % 10 != 0)
		return;
	can = c->analysed / c->busy;	/* frames a second at full load */
	pthread_mutex_lock(&c->mu);
	k = c->in_fps > 0 ? (int)ceil(c->in_fps / (0.8 * can)) : 1;
	c->skip = k < 1 ? 1 : k > 50 ? 50 : k;
	pthread_mutex_unlock(&c->mu);
	if (now - c->rate_t0 >= c->w->o->rate_every) {
		rate = c->rate_n / (now - c->rate_t0);
		say(c->w, 1, "camera %s: analysing %.1f frames/s of %.1f sent "
		    "(every %d, %ld dropped by the full queue)", c->cam.id,
		    rate, c->in_fps, c->skip, c->dropped);
		c->rate_t0 = now;
		c->rate_n = 0;
	}
}

static int
lost_state(struct cam *c, const struct qitem *it)
{
	struct thads_vdecision d;
	double pts = mono() - c->w->t0;

	memset(&d, 0, sizeof(d));
	d.cond = 1;
	d.expected = -1;
	d.confidence = 1;
	if (it->kind == Q_LOST)
		c->lost_since = pts;
	d.value = pts - c->lost_since;
	snprintf(d.detail, sizeof(d.detail), "%.95s", it->why);
	say(c->w, it->kind == Q_LOST ? 0 : 1, "camera %s: %s%s%s", c->cam.id,
	    it->kind == Q_LOST ? "camera lost" : "camera back",
	    it->why[0] ? ": " : "", it->why);
	/* The loss runs until the camera is back, then closes at once. */
	if (thads_vbook_update(c->lost, "*", THADS_VE_LOST, 1, c->lost_since,
	    &d, NULL, pts, it->wall, &c->err) != 0)
		return -1;
	return it->kind == Q_BACK ? thads_vbook_flush(c->lost, -1, &c->err) :
	    0;
}

static void *
analyser(void *arg)
{
	struct cam *c = arg;
	struct qitem it;
	double t;
	int rc = 0;

	while (rc == 0 && pop(c, &it)) {
		if (it.kind != Q_FRAME) {
			rc = lost_state(c, &it);
			continue;
		}
		if ((rc = start_run(c, it.f)) == 0) {
			drift(c, thads_vframe_pts(it.f), it.wall);
			t = mono();
			rc = thads_vrun_frame(c->run, it.f, it.wall, &c->err);
			c->analysed++;
			adapt(c, mono() - t);
		}
		thads_vframe_free(it.f);
	}
	if (rc != 0) {
		c->failed = 1;
		c->w->stopping = 1;
	}
	while (pop(c, &it))	/* the reader may still queue a little */
		thads_vframe_free(it.f);
	return NULL;
}

/* ---- Setting up. ---- */

static int
add_cam(struct watch *w, const struct thads_vscan_opts *so, const char *id,
    const char *url, struct thads_err *err)
{
	struct cam *c = &w->cams[w->ncams];
	const struct thads_vcam *known = so->cams ? thads_vcams_find(so->cams,
	    id) : NULL;
	int i, rc;

	memset(c, 0, sizeof(*c));
	c->w = w;
	if (known != NULL)
		c->cam = *known;
	else
		thads_vcam_default(&c->cam, id);
	for (i = 0; i < so->noverset; i++)
		if ((rc = thads_vparams_assign(&c->cam.p, so->overset[i], err)))
			return rc;
	snprintf(c->url, sizeof(c->url), "%s", url);
	c->qcap = w->o->queue + QSTATES;
	c->skip = 1;
	if ((c->q = calloc((size_t)c->qcap, sizeof(*c->q))) == NULL ||
	    (c->lost = thads_vbook_new(c->cam.id, url, 0, 85, sink_event, c)) ==
	    NULL) {
		free(c->q);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	}
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	w->ncams++;
	return 0;
}

static int
collect(struct watch *w, int argc, char **argv, struct thads_err *err)
{
	const struct thads_vscan_opts *so = w->o->scan;
	char id[THADS_VIDLEN];
	const char *eq;
	int i, rc;

	for (i = 0; i < argc; i++) {
		if (w->ncams >= MAXCAMS)
			return thads_seterr(err, THADS_EUSAGE, NULL, 0,
			    "more than %d cameras", MAXCAMS);
		eq = strchr(argv[i], '=');
		if (eq != NULL && eq < strstr(argv[i], "://") &&
		    (size_t)(eq - argv[i]) < sizeof(id)) {
			snprintf(id, sizeof(id), "%.*s", (int)(eq - argv[i]),
			    argv[i]);
			rc = add_cam(w, so, id, eq + 1, err);
		} else {
			snprintf(id, sizeof(id), "cam%d", i + 1);
			rc = add_cam(w, so, id, argv[i], err);
		}
		if (rc != 0)
			return rc;
	}
	for (i = 0; argc == 0 && so->cams && i < so->cams->n; i++)
		if (so->cams->cam[i].url[0] != '\0' && w->ncams < MAXCAMS &&
		    (rc = add_cam(w, so, so->cams->cam[i].id,
		    so->cams->cam[i].url, err)) != 0)
			return rc;
	if (w->ncams == 0)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "no camera to "
		    "watch: give ID=URL, or import cameras with a url");
	return 0;
}

/* A loss still open when the watch stops lasts until now. */
static int
end_loss(struct cam *c, struct thads_err *err)
{
	const struct thads_vevent *open[1];
	struct thads_vdecision d;
	double pts = mono() - c->w->t0;

	if (thads_vbook_open(c->lost, open, 1) == 1) {
		memset(&d, 0, sizeof(d));
		d.cond = 1;
		d.expected = -1;
		d.confidence = 1;
		d.value = pts - c->lost_since;
		snprintf(d.detail, sizeof(d.detail), "%s", open[0]->detail);
		if (thads_vbook_update(c->lost, "*", THADS_VE_LOST, 1,
		    c->lost_since, &d, NULL, pts, wallclock(), err) != 0)
			return err ? err->code : -1;
	}
	return thads_vbook_flush(c->lost, -1, err);
}

static int
finish(struct watch *w, struct thads_err *err)
{
	int i, rc = 0;

	for (i = 0; i < w->ncams; i++) {
		struct cam *c = &w->cams[i];
		if (c->started) {
			pthread_join(c->reader, NULL);
			pthread_join(c->analyser, NULL);
		}
		if (c->failed && rc == 0 && err != NULL) {
			*err = c->err;
			rc = c->err.code ? c->err.code : THADS_ESOFTWARE;
		}
		if (rc == 0 && c->lost != NULL)
			rc = end_loss(c, err);
		if (c->run != NULL) {
			int r2 = thads_vrun_close(c->run, rc ? NULL : err);
			rc = rc ? rc : r2;
		}
		say(w, 1, "camera %s: %ld frames received, %ld analysed, %ld "
		    "skipped, %ld dropped", c->cam.id, c->received,
		    c->analysed, c->skipped, c->dropped);
		thads_vbook_free(c->lost);
		free(c->q);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
	}
	return rc;
}

int
thads_vwatch_run(const struct thads_vwatch_opts *o, int argc, char **argv,
    struct thads_vsink *sink, struct thads_err *err)
{
	struct watch w;
	int i, rc;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.sink = sink;
	w.t0 = mono();
	pthread_mutex_init(&w.sink_mu, NULL);
	if ((w.cams = calloc(MAXCAMS, sizeof(*w.cams))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	rc = collect(&w, argc, argv, err);
	for (i = 0; rc == 0 && i < w.ncams; i++) {
		struct cam *c = &w.cams[i];
		say(&w, 1, "camera %s: watching %s", c->cam.id, c->url);
		if (pthread_create(&c->reader, NULL, reader, c) != 0)
			break;
		if (pthread_create(&c->analyser, NULL, analyser, c) != 0) {
			w.stopping = 1;
			pthread_join(c->reader, NULL);
			break;
		}
		c->started = 1;
	}
	if (rc == 0 && i < w.ncams)
		rc = thads_seterr(err, THADS_ESOFTWARE, NULL, 0,
		    "cannot start threads: %s", strerror(errno));
	while (rc == 0 && !stopping(&w))
		nap(&w, 0.2);
	w.stopping = 1;
	if (rc == 0)
		rc = finish(&w, err);
	else
		(void)finish(&w, NULL);
	free(w.cams);
	pthread_mutex_destroy(&w.sink_mu);
	return rc;
}

/*
 * videvent.c: hold filters and the event book of videvent.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "videvent.h"

static const char *const names[THADS_VE_COUNT] = {
	"motion", "quiet", "intrusion", "gathering", "loitering", "fight",
	"fire", "smoke", "headcount", "tamper", "lost"
};

static const char *const units[THADS_VE_COUNT] = {
	"area", "area", "people", "people", "seconds", "jerk", "area",
	"area", "people", "measure", "seconds"
};

const char *
thads_vetype_name(int type)
{
	return type >= 0 && type < THADS_VE_COUNT ? names[type] : "unknown";
}

const char *
thads_vetype_unit(int type)
{
	return type >= 0 && type < THADS_VE_COUNT ? units[type] : "";
}

int
thads_vetype_parse(const char *s)
{
	int i;

	for (i = 0; i < THADS_VE_COUNT; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

void
thads_vhold_reset(struct thads_vhold *h)
{
	h->since = -1;
	h->last = -1;
	h->on = 0;
}

int
thads_vhold_step(struct thads_vhold *h, int cond, double t, double duration,
    double release, double *start)
{
	if (cond) {
		if (h->since < 0 || t - h->last > release)
			h->since = t;
		h->last = t;
		if (t - h->since >= duration)
			h->on = 1;
	} else if (h->since >= 0 && t - h->last > release) {
		h->since = -1;
		h->on = 0;
	}
	if (start != NULL)
		*start = h->since;
	return h->on;
}

/* One slot per zone and type: the event open or waiting to merge. */
struct slot {
	char	 zone[64];
	int	 type;
	struct thads_vevent ev;
	int	 live;		/* holds an event */
	int	 on;		/* the state is on now */
};

struct thads_vbook {
	char	 camera[64];
	char	 source[512];
	double	 gap;
	int	 quality;
	thads_vevent_fn *fn;
	void	*ctx;
	struct slot *s;
	size_t	 n, cap;
};

struct thads_vbook *
thads_vbook_new(const char *camera, const char *source, double gap,
    int quality, thads_vevent_fn *fn, void *ctx)
{
	struct thads_vbook *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	snprintf(b->camera, sizeof(b->camera), "%s", camera);
	snprintf(b->source, sizeof(b->source), "%s", source);
	b->gap = gap;
	b->quality = quality;
	b->fn = fn;
	b->ctx = ctx;
	return b;
}

static struct slot *
find(struct thads_vbook *b, const char *zone, int type)
{
	struct slot *s;
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->s[i].type == type && strcmp(b->s[i].zone, zone) == 0)
			return &b->s[i];
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		if ((s = realloc(b->s, cap * sizeof(*s))) == NULL)
			return NULL;
		b->s = s;
		b->cap = cap;
	}
	s = &b->s[b->n++];
	memset(s, 0, sizeof(*s));
	snprintf(s->zone, sizeof(s->zone), "%s", zone);
	s->type = type;
	return s;
}

static void
take_peak(struct thads_vevent *ev, const struct thads_vdecision *d,
    const struct thads_vframe *f)
{
	ev->peak = d->value;
	ev->confidence = d->confidence;
	ev->box = d->box;
	ev->expected = d->expected;
	snprintf(ev->detail, sizeof(ev->detail), "%s", d->detail);
	if (f != NULL) {
		thads_vframe_free(ev->snap);
		ev->snap = thads_vframe_ref(f);
	}
}

/* Hand the slot's event over as final and empty the slot. */
static int
finish(struct thads_vbook *b, struct slot *s, struct thads_err *err)
{
	int rc = 0;

	s->ev.closed = 1;
	if (b->fn != NULL)
		rc = b->fn(&s->ev, 1, b->ctx, err);
	thads_vframe_free(s->ev.snap);
	s->ev.snap = NULL;
	s->live = 0;
	return rc;
}

static void
open_event(struct thads_vbook *b, struct slot *s, double start,
    double pts, double wall)
{
	struct thads_vevent *ev = &s->ev;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->camera, sizeof(ev->camera), "%s", b->camera);
	snprintf(ev->zone, sizeof(ev->zone), "%s", s->zone);
	snprintf(ev->source, sizeof(ev->source), "%s", b->source);
	ev->type = s->type;
	ev->v_start = start >= 0 && start <= pts ? start : pts;
	ev->w_start = wall - (pts - ev->v_start);
	ev->v_end = pts;
	ev->w_end = wall;
	ev->peak = -1e300;
	ev->expected = -1;
	ev->quality = b->quality;
	s->live = 1;
}

int
thads_vbook_update(struct thads_vbook *b, const char *zone, int type,
    int on, double start, const struct thads_vdecision *d,
    const struct thads_vframe *f, double pts, double wall,
    struct thads_err *err)
{
	struct slot *s = find(b, zone, type);
	int rc;

	if (s == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	if (!on) {
		s->on = 0;
		return 0;
	}
	if (s->live && !s->on && pts - s->ev.v_end > b->gap &&
	    (rc = finish(b, s, err)) != 0)
		return rc;
	if (!s->live) {
		open_event(b, s, start, pts, wall);
		take_peak(&s->ev, d, f);
		s->on = 1;
		return b->fn != NULL ? b->fn(&s->ev, 0, b->ctx, err) : 0;
	}
	s->on = 1;
	s->ev.v_end = pts;
	s->ev.w_end = wall;
	if (d->value > s->ev.peak)
		take_peak(&s->ev, d, f);
	return 0;
}

int
thads_vbook_instant(struct thads_vbook *b, const char *zone, int type,
    const struct thads_vdecision *d, const struct thads_vframe *f,
    double pts, double wall, struct thads_err *err)
{
	struct slot *s = find(b, zone, type);
	int rc;

	if (s == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	if (s->live && (rc = finish(b, s, err)) != 0)
		return rc;
	open_event(b, s, pts, pts, wall);
	take_peak(&s->ev, d, f);
	if (b->fn != NULL && (rc = b->fn(&s->ev, 0, b->ctx, err)) != 0)
		return rc;
	return finish(b, s, err);
}

int
thads_vbook_flush(struct thads_vbook *b, double pts, struct thads_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < b->n; i++) {
		struct slot *s = &b->s[i];
		if (!s->live || (pts >= 0 && (s->on ||
		    pts - s->ev.v_end <= b->gap)))
			continue;
		if ((rc = finish(b, s, err)) != 0)
			return rc;
	}
	return 0;
}

int
thads_vbook_open(const struct thads_vbook *b, const struct thads_vevent **out,
    int max)
{
	size_t i;
	int n = 0;

	for (i = 0; i < b->n && n < max; i++)
		if (b->s[i].live && b->s[i].on)
			out[n++] = &b->s[i].ev;
	return n;
}

void
thads_vbook_free(struct thads_vbook *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		thads_vframe_free(b->s[i].ev.snap);
	free(b->s);
	free(b);
}

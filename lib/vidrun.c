/*
 * vidrun.c: one camera's analysis of one source (vidrun.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "thads.h"
#include "viddetect.h"
#include "vidrun.h"

struct thads_vrun {
	struct thads_vcam cam;
	struct thads_vrun_opts o;
	struct thads_vsrc_info info;
	struct thads_vis *vis;
	struct thads_vbook *book;
	struct thads_vwriter *ann;
	struct thads_vtracker tr;
	struct thads_vhold hold[THADS_VMAXZONES + 1][THADS_VE_COUNT];
	struct thads_vrun_stats st;
	double	 last_people;	/* pts of the last look for people */
	double	 last_wall;	/* wall time of the last frame, or -1 */
	double	 last_pts;
	int	 still;		/* a picture: one frame, no durations */
	struct thads_vmeas m;
};

static unsigned
allowed(const struct thads_vrun *r)
{
	const struct thads_vparams *p = &r->cam.p;
	unsigned w = 0;

	if (p->motion.on || p->people.on || p->fight.on)
		w |= THADS_VW_MOTION;
	if (p->fire.on)
		w |= THADS_VW_FIRE;
	if (p->smoke.on)
		w |= THADS_VW_SMOKE;
	if (p->fight.on)
		w |= THADS_VW_FLOW;
	if (p->people.on)
		w |= THADS_VW_PEOPLE | THADS_VW_FULLSCAN;
	if (p->tamper.on)
		w |= THADS_VW_TAMPER;
	return r->o.detectors ? w & r->o.detectors : w;
}

int
thads_vrun_open(const struct thads_vcam *cam, const char *source,
    const struct thads_vsrc_info *info, const struct thads_vrun_opts *o,
    struct thads_vrun **out, struct thads_err *err)
{
	struct thads_vpoly zones[THADS_VMAXZONES];
	struct thads_vrun *r;
	int i, k, rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	r->cam = *cam;
	r->o = *o;
	r->info = *info;
	if (r->info.fps <= 0)
		r->info.fps = 25;
	for (i = 0; i < cam->nzones; i++)
		zones[i] = cam->zone[i].poly;
	for (i = 0; i <= THADS_VMAXZONES; i++)
		for (k = 0; k < THADS_VE_COUNT; k++)
			thads_vhold_reset(&r->hold[i][k]);
	thads_vtracker_init(&r->tr);
	r->last_people = -1e9;
	r->last_wall = -1;
	r->still = info->frames == 1;
	rc = thads_vis_open(&cam->p, info->width, info->height, r->info.fps,
	    zones, cam->nzones, cam->mask, cam->nmasks, &r->vis, err);
	if (rc == 0 && (r->book = thads_vbook_new(cam->id, source,
	    cam->p.event.gap, (int)cam->p.event.quality, o->fn, o->ctx)) ==
	    NULL)
		rc = thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	if (rc == 0 && o->annotate != NULL)
		rc = thads_vwriter_open(o->annotate, info->width, info->height,
		    r->info.fps, o->force, &r->ann, err);
	if (rc != 0) {
		thads_vis_close(r->vis);
		thads_vbook_free(r->book);
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int
thads_vrun_prime(struct thads_vrun *r, const struct thads_vframe *f,
    struct thads_err *err)
{
	return thads_vis_prime(r->vis, f, err);
}

int
thads_vrun_prime_end(struct thads_vrun *r, struct thads_err *err)
{
	return thads_vis_prime_end(r->vis, err);
}

const struct thads_vrun_stats *
thads_vrun_stats(const struct thads_vrun *r)
{
	return &r->st;
}

static int
minute_of(double wall)
{
	time_t t = (time_t)floor(wall);
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	return tm.tm_hour * 60 + tm.tm_min;
}

/* Whether a roll call of zone z falls in (last, wall]; its index. */
static int
roll_due(const struct thads_vrun *r, int z, double wall)
{
	const struct thads_vzone *zn = &r->cam.zone[z];
	int i, m0, m1;

	if (r->last_wall < 0 || wall - r->last_wall > 3600)
		return -1;
	m0 = minute_of(r->last_wall);
	m1 = minute_of(wall);
	if (m0 == m1)
		return -1;
	for (i = 0; i < zn->nroll; i++)
		if (m1 == zn->roll_min[i])
			return i;
	return -1;
}

/* Feed one decision through its hold filter into the book. */
static int
feed(struct thads_vrun *r, int z, int type, const struct thads_vdecision *d,
    double duration, double release, const struct thads_vframe *f,
    double wall, struct thads_err *err)
{
	struct thads_vhold *h = &r->hold[z < 0 ? THADS_VMAXZONES : z][type];
	const char *zone = z < 0 ? "*" : r->cam.zone[z].id;
	double pts = thads_vframe_pts(f), start;
	int on;

	on = thads_vhold_step(h, d->cond, pts, r->still ? 0 : duration,
	    release, &start);
	return thads_vbook_update(r->book, zone, type, on && d->cond, start, d,
	    f, pts, wall, err);
}

static int
zone_rules(struct thads_vrun *r, int z, const struct thads_vframe *f,
    double wall, struct thads_err *err)
{
	const struct thads_vparams *p = &r->cam.p;
	const struct thads_vzone *zn = &r->cam.zone[z];
	struct thads_vdecision d;
	double rel = 1.5, prel = 1.5 * p->people.every + 0.5;
	int quiet, rc = 0, people_on = (allowed(r) & THADS_VW_PEOPLE) != 0;

	quiet = thads_vzone_quiet(zn, minute_of(wall));
	thads_vmotion_decide(&p->motion, &r->m, z, zn, &d);
	if ((allowed(r) & THADS_VW_MOTION) && p->motion.on &&
	    (quiet || p->motion.events))
		rc = feed(r, z, quiet ? THADS_VE_QUIET : THADS_VE_MOTION, &d,
		    p->motion.duration, rel, f, wall, err);
	if (rc == 0 && (allowed(r) & THADS_VW_FIRE)) {
		thads_vfire_decide(&p->fire, &r->m, z, zn, &d);
		rc = feed(r, z, THADS_VE_FIRE, &d, p->fire.duration, rel, f,
		    wall, err);
	}
	if (rc == 0 && (allowed(r) & THADS_VW_SMOKE)) {
		thads_vsmoke_decide(&p->smoke, &r->m, z, zn, &d);
		rc = feed(r, z, THADS_VE_SMOKE, &d, p->smoke.duration, rel, f,
		    wall, err);
	}
	if (rc == 0 && (allowed(r) & THADS_VW_FLOW)) {
		thads_vfight_decide(&p->fight, &r->m, &r->tr, zn, &d);
		rc = feed(r, z, THADS_VE_FIGHT, &d, p->fight.duration, rel, f,
		    wall, err);
	}
	if (rc == 0 && zn->restricted) {
		thads_vintrusion_decide(&r->tr, &r->m, people_on, zn, z, &d);
		rc = feed(r, z, THADS_VE_INTRUSION, &d, p->people.intrusion,
		    prel, f, wall, err);
	}
	if (rc == 0 && zn->max_people > 0) {
		thads_vgathering_decide(&r->tr, &r->m, people_on, zn, z, &d);
		rc = feed(r, z, THADS_VE_GATHERING, &d, zn->gathering, prel, f,
		    wall, err);
	}
	if (rc == 0 && zn->loiter > 0 && people_on) {
		thads_vloiter_decide(&r->tr, zn, z, thads_vframe_pts(f), &d);
		rc = feed(r, z, THADS_VE_LOITERING, &d, 0, prel, f, wall, err);
	}
	return rc;
}

/* Draw what was seen on the frame into the annotated video. */
static int
annotate(struct thads_vrun *r, const struct thads_vframe *f,
    struct thads_err *err)
{
	struct thads_vdraw d[THADS_VMAXZONES * 2 + THADS_VMAXBLOBS +
	    THADS_VMAXPEOPLE + 32];
	const struct thads_vevent *open[32];
	char labels[32][96];
	size_t n = 0;
	int i, no;

	memset(d, 0, sizeof(d));
	for (i = 0; i < r->cam.nzones; i++) {
		d[n].kind = THADS_VD_ZONE;
		d[n++].poly = &r->cam.zone[i].poly;
	}
	for (i = 0; i < r->cam.nmasks; i++) {
		d[n].kind = THADS_VD_MASK;
		d[n++].poly = &r->cam.mask[i];
	}
	for (i = 0; i < r->m.nblobs; i++) {
		d[n].kind = THADS_VD_BLOB;
		d[n++].box = r->m.blob[i].box;
	}
	for (i = 0; i < r->tr.n; i++) {
		d[n].kind = THADS_VD_PERSON;
		d[n++].box = r->tr.t[i].box;
	}
	no = thads_vbook_open(r->book, open, 32);
	for (i = 0; i < no; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%s %s",
		    thads_vetype_name(open[i]->type), open[i]->zone);
		d[n].kind = THADS_VD_EVENT;
		d[n].box = open[i]->box;
		d[n++].label = labels[i];
	}
	return thads_vwriter_write(r->ann, f, d, n, err);
}

static unsigned
wanted(struct thads_vrun *r, double pts, double wall, int *roll)
{
	unsigned w = allowed(r);
	int z;

	if ((w & THADS_VW_PEOPLE) && pts - r->last_people >=
	    r->cam.p.people.every - 1e-6)
		r->last_people = pts;
	else
		w &= ~THADS_VW_PEOPLE;
	*roll = 0;
	for (z = 0; z < r->cam.nzones; z++)
		if (roll_due(r, z, wall) >= 0)
			*roll = 1;
	/* A picture has no motion to search around: look everywhere. */
	if ((!*roll && !r->still) || !(allowed(r) & THADS_VW_FULLSCAN))
		w &= ~THADS_VW_FULLSCAN;
	return w;
}

static int
headcounts(struct thads_vrun *r, const struct thads_vframe *f, double wall,
    struct thads_err *err)
{
	struct thads_vdecision d;
	int z, i, rc;

	for (z = 0; z < r->cam.nzones; z++) {
		if ((i = roll_due(r, z, wall)) < 0)
			continue;
		thads_vheadcount_decide(&r->m, &r->cam.zone[z],
		    r->cam.zone[z].roll_expected[i], &d);
		if ((rc = thads_vbook_instant(r->book, r->cam.zone[z].id,
		    THADS_VE_HEADCOUNT, &d, f, thads_vframe_pts(f), wall,
		    err)) != 0)
			return rc;
	}
	return 0;
}

int
thads_vrun_frame(struct thads_vrun *r, const struct thads_vframe *f,
    double wall, struct thads_err *err)
{
	const struct thads_vparams *p = &r->cam.p;
	double pts = thads_vframe_pts(f);
	struct thads_vdecision d;
	unsigned want;
	int z, rc, roll;

	want = wanted(r, pts, wall, &roll);
	if ((rc = thads_vis_analyse(r->vis, f, want, &r->m, err)) != 0)
		return rc;
	if (r->o.trace != NULL)
		r->o.trace(r->cam.id, pts, &r->m);
	if (r->m.corrupt) {
		r->st.corrupt++;
		return r->ann ? annotate(r, f, err) : 0;
	}
	r->st.frames++;
	r->st.light += r->m.light_change;
	r->st.people_looks += r->m.people_done;
	r->st.grey += r->m.grey;
	thads_vtracker_update(&r->tr, &r->m, r->cam.zone, r->cam.nzones, pts,
	    p->people.keep);
	for (z = 0, rc = 0; z < r->cam.nzones && rc == 0; z++)
		rc = zone_rules(r, z, f, wall, err);
	if (rc == 0 && (allowed(r) & THADS_VW_TAMPER)) {
		thads_vtamper_decide(&p->tamper, &r->m, &d);
		rc = feed(r, -1, THADS_VE_TAMPER, &d, p->tamper.duration, 1.5,
		    f, wall, err);
	}
	if (rc == 0 && roll)
		rc = headcounts(r, f, wall, err);
	if (rc == 0)
		rc = thads_vbook_flush(r->book, pts, err);
	if (rc == 0 && r->ann != NULL)
		rc = annotate(r, f, err);
	r->last_wall = wall;
	r->last_pts = pts;
	return rc;
}

int
thads_vrun_state(struct thads_vrun *r, int type, int on, const char *detail,
    double pts, double wall, struct thads_err *err)
{
	struct thads_vdecision d;

	memset(&d, 0, sizeof(d));
	d.cond = on;
	d.expected = -1;
	d.confidence = 1;
	snprintf(d.detail, sizeof(d.detail), "%s", detail ? detail : "");
	if (on)
		d.value = pts - r->last_pts;
	return thads_vbook_update(r->book, "*", type, on, pts, &d, NULL, pts,
	    wall, err);
}

int
thads_vrun_close(struct thads_vrun *r, struct thads_err *err)
{
	int rc, rc2;

	if (r == NULL)
		return 0;
	rc = thads_vbook_flush(r->book, -1, err);
	rc2 = thads_vwriter_close(r->ann, rc ? NULL : err);
	thads_vis_close(r->vis);
	thads_vbook_free(r->book);
	free(r);
	return rc ? rc : rc2;
}

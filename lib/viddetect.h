/*
 * viddetect.h: the detectors' decisions, one unit each.
 *
 * The shim (vision.h) measures a frame; each function here reads those
 * measures with its own parameters (vidparam.h) and says whether its
 * condition holds on the frame, how strongly, and where.  Durations are
 * applied afterwards by hold filters (videvent.h), so each function
 * looks at one frame only, apart from the people tracker, which keeps
 * the people seen over the last people.keep seconds.
 *
 * Every function fills d completely; d->cond is 0 when the detector has
 * nothing to say on this frame (no colour for fire, a broken frame).
 */
#ifndef THADS_VIDDETECT_H
#define THADS_VIDDETECT_H

#include "vidcam.h"
#include "videvent.h"
#include "vision.h"

/* vidmotion.c: activity in a zone (motion, quiet-hours activity). */
void	thads_vmotion_decide(const struct thads_vp_motion *p,
	    const struct thads_vmeas *m, int z, const struct thads_vzone *zone,
	    struct thads_vdecision *d);

/* vidfire.c: flickering flame-coloured area in a zone.  The frame must
 * have colour: on a grey (IR) frame d->cond is 0 and d->detail says so. */
void	thads_vfire_decide(const struct thads_vp_fire *p,
	    const struct thads_vmeas *m, int z, const struct thads_vzone *zone,
	    struct thads_vdecision *d);

/* vidsmoke.c: slow, grey, texture-losing area in a zone. */
void	thads_vsmoke_decide(const struct thads_vp_smoke *p,
	    const struct thads_vmeas *m, int z, const struct thads_vzone *zone,
	    struct thads_vdecision *d);

/* vidtamper.c: the camera covered, blurred or moved (whole frame). */
void	thads_vtamper_decide(const struct thads_vp_tamper *p,
	    const struct thads_vmeas *m, struct thads_vdecision *d);

/* vidtrack.c: people seen lately, matched from one look to the next. */
#define THADS_VMAXTRACKS 64

struct thads_vtrack {
	int	 id;
	struct thads_vbox box;	/* last seen */
	double	 first, last;	/* seconds */
	double	 in_since[THADS_VMAXZONES];	/* in zone since, or -1 */
};

struct thads_vtracker {
	int	 n;
	int	 next_id;
	struct thads_vtrack t[THADS_VMAXTRACKS];
};

void	thads_vtracker_init(struct thads_vtracker *tr);

/*
 * Take the people of m (when m->people_done) at time t: match each to
 * the nearest track of similar size, start tracks for the others, drop
 * tracks unseen for keep seconds, and follow which zones each track's
 * feet are in.
 */
void	thads_vtracker_update(struct thads_vtracker *tr,
	    const struct thads_vmeas *m, const struct thads_vzone *zones,
	    int nzones, double t, double keep);

/* The number of live tracks whose box meets box grown by half. */
int	thads_vtracker_near(const struct thads_vtracker *tr,
	    const struct thads_vbox *box);

/* vidpeople.c: intrusion, gathering, loitering, headcount. */

/*
 * The people in zone z: live tracks whose feet are in it, or, when the
 * people detector is off, the moving blobs whose bottom middle is.
 */
int	thads_vpeople_count(const struct thads_vtracker *tr,
	    const struct thads_vmeas *m, int people_on,
	    const struct thads_vzone *zone, int z, struct thads_vbox *box);

void	thads_vintrusion_decide(const struct thads_vtracker *tr,
	    const struct thads_vmeas *m, int people_on,
	    const struct thads_vzone *zone, int z, struct thads_vdecision *d);

void	thads_vgathering_decide(const struct thads_vtracker *tr,
	    const struct thads_vmeas *m, int people_on,
	    const struct thads_vzone *zone, int z, struct thads_vdecision *d);

/* Loitering: one track in the zone at least zone->loiter seconds. */
void	thads_vloiter_decide(const struct thads_vtracker *tr,
	    const struct thads_vzone *zone, int z, double t,
	    struct thads_vdecision *d);

/* Headcount from a full look (m->people_done) against expected. */
void	thads_vheadcount_decide(const struct thads_vmeas *m,
	    const struct thads_vzone *zone, int expected,
	    struct thads_vdecision *d);

/* vidfight.c: fast, jerky, disordered motion where people are. */
void	thads_vfight_decide(const struct thads_vp_fight *p,
	    const struct thads_vmeas *m, const struct thads_vtracker *tr,
	    const struct thads_vzone *zone, struct thads_vdecision *d);

#endif /* THADS_VIDDETECT_H */

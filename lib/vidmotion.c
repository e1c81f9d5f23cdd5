/*
 * vidmotion.c: activity in a zone, the motion and quiet-hours detector.
 *
 * The shim has already dropped what is not motion: shadows, pixels that
 * did not stay foreground (rain, speckle), blobs below motion.min-area,
 * masks, learned overlays, the global shift of a shaking camera, and
 * every frame while the background settles after a lighting change.
 * What is left in the zone is activity.
 */
#include <stdio.h>
#include <string.h>

#include "viddetect.h"

void
thads_vmotion_decide(const struct thads_vp_motion *p,
    const struct thads_vmeas *m, int z, const struct thads_vzone *zone,
    struct thads_vdecision *d)
{
	double area;

	memset(d, 0, sizeof(*d));
	d->expected = -1;
	if (!p->on || m->corrupt || m->settling > 0 || z >= m->nzones)
		return;
	area = m->zone[z].motion * zone->area;
	d->cond = area > 0 && area >= p->min_area;
	d->value = area;
	d->box = m->zone[z].motion_box;
	/* Twice the smallest blob is as sure as motion gets. */
	d->confidence = p->min_area > 0 ? (float)(area / (4 * p->min_area)) +
	    0.5f : 1;
	if (d->confidence > 1)
		d->confidence = 1;
}

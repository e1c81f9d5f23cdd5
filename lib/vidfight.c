/*
 * vidfight.c: the fight detector's decision.
 *
 * A scuffle moves fast, changes direction from one frame to the next
 * and goes every way at once; walking, even running, is fast but keeps
 * its direction.  So a moving blob is violent when its mean speed is at
 * least fight.min-speed and its jerk (the mean change of the flow
 * between two frames, in the same unit) at least fight.min-jerk.  And
 * it is a fight only where people are: at least fight.min-people seen
 * near the blob in the last people.keep seconds (two people who met
 * are one blob, and the detector often loses them while they grapple;
 * the tracker still remembers them).
 */
#include <stdio.h>
#include <string.h>

#include "viddetect.h"

void
thads_vfight_decide(const struct thads_vp_fight *p,
    const struct thads_vmeas *m, const struct thads_vtracker *tr,
    const struct thads_vzone *zone, struct thads_vdecision *d)
{
	int i, near;

	memset(d, 0, sizeof(*d));
	d->expected = -1;
	if (!p->on || m->corrupt || m->settling > 0)
		return;
	for (i = 0; i < m->nblobs; i++) {
		const struct thads_vblob *b = &m->blob[i];
		if (b->flow < p->min_speed || b->jerk < p->min_jerk ||
		    !thads_vpoly_contains(&zone->poly, b->box.x + b->box.w / 2,
		    b->box.y + b->box.h / 2))
			continue;
		near = thads_vtracker_near(tr, &b->box);
		if (near < p->min_people)
			continue;
		if (b->jerk > d->value) {
			d->cond = 1;
			d->value = b->jerk;
			d->box = b->box;
			d->confidence = b->disorder > 0.5 ? 0.8f : 0.6f;
			snprintf(d->detail, sizeof(d->detail), "%d people, "
			    "speed %.2f, jerk %.2f, disorder %.2f", near,
			    b->flow, b->jerk, b->disorder);
		}
	}
}

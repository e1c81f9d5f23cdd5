/*
 * vidsmoke.c: the smoke detector's decision.
 *
 * The shim marks a pixel as smoke-like when, against a slow background
 * (smoke.tau), it has changed by more than smoke.delta, is grey (below
 * smoke.max-sat, on colour frames), has lost texture (at most
 * smoke.texture of the background's, or brightened a smooth sky), has
 * not been crossed by a fast mover for two seconds, and has stayed so
 * for about a second.  Smoke does not need colour; on grey frames the
 * saturation test is left out.
 */
#include <stdio.h>
#include <string.h>

#include "viddetect.h"

void
thads_vsmoke_decide(const struct thads_vp_smoke *p,
    const struct thads_vmeas *m, int z, const struct thads_vzone *zone,
    struct thads_vdecision *d)
{
	double area;

	memset(d, 0, sizeof(*d));
	d->expected = -1;
	if (!p->on || m->corrupt || z >= m->nzones)
		return;
	area = m->zone[z].smoke * zone->area;
	d->cond = area > 0 && area >= p->min_area;
	d->value = area;
	d->box = m->zone[z].smoke_box;
	d->confidence = p->min_area > 0 ? (float)(0.4 + area /
	    (10 * p->min_area)) : 1;
	if (d->confidence > 1)
		d->confidence = 1;
	if (m->grey)
		snprintf(d->detail, sizeof(d->detail), "grey frame: no "
		    "saturation test");
}

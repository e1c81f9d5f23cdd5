/*
 * vidfire.c: the fire detector's decision.
 *
 * The shim keeps, per pixel, how often it has been flame-coloured (red
 * above fire.red-min, R >= G > B, red well above blue) and how often
 * its brightness jumped while it was, over the last half second; a
 * pixel that is often both is a fire pixel.  A flag or a red jacket is
 * flame-coloured but steady, a flickering lamp is not flame-coloured;
 * a flame is both.  Fire needs colour: on a grey (IR) frame this
 * detector says so rather than guess.
 */
#include <stdio.h>
#include <string.h>

#include "viddetect.h"

void
thads_vfire_decide(const struct thads_vp_fire *p, const struct thads_vmeas *m,
    int z, const struct thads_vzone *zone, struct thads_vdecision *d)
{
	double area;

	memset(d, 0, sizeof(*d));
	d->expected = -1;
	if (!p->on || m->corrupt || z >= m->nzones)
		return;
	if (m->grey || m->zone[z].fire < 0) {
		snprintf(d->detail, sizeof(d->detail),
		    "no colour: fire not checked");
		return;
	}
	area = m->zone[z].fire * zone->area;
	d->cond = area > 0 && area >= p->min_area;
	d->value = area;
	d->box = m->zone[z].fire_box;
	d->confidence = p->min_area > 0 ? (float)(0.5 + area /
	    (8 * p->min_area)) : 1;
	if (d->confidence > 1)
		d->confidence = 1;
}

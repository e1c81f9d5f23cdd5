/*
 * vidtamper.c: the tamper detector's decision, for the whole camera.
 *
 * Three measures from the shim, each scaled so that lighting does not
 * move it: contrast (luma deviation: a hand or a cloth over the lens
 * leaves almost none), sharpness (edge energy over brightness, against
 * a reference kept while nothing was wrong: spray or a smeared lens
 * lose it) and overlap (the share of today's edges where the reference
 * had edges, after contrast is normalised: a turned camera keeps few).
 * People walking change few edges; lights switched off keep the edges
 * where they were.
 */
#include <stdio.h>
#include <string.h>

#include "viddetect.h"

void
thads_vtamper_decide(const struct thads_vp_tamper *p,
    const struct thads_vmeas *m, struct thads_vdecision *d)
{
	memset(d, 0, sizeof(*d));
	d->expected = -1;
	if (!p->on || m->corrupt || m->contrast < 0)
		return;
	d->box.w = d->box.h = 1;
	if (m->contrast < p->min_contrast) {
		d->cond = 1;
		d->value = 1 - m->contrast / p->min_contrast;
		snprintf(d->detail, sizeof(d->detail), "covered: contrast "
		    "%.1f", m->contrast);
	} else if (m->sharpness >= 0 && m->sharpness < p->min_sharpness) {
		d->cond = 1;
		d->value = 1 - m->sharpness / p->min_sharpness;
		snprintf(d->detail, sizeof(d->detail), "blurred: sharpness "
		    "%.2f", m->sharpness);
	} else if (m->overlap >= 0 && m->overlap < p->min_overlap) {
		d->cond = 1;
		d->value = 1 - m->overlap / p->min_overlap;
		snprintf(d->detail, sizeof(d->detail), "moved: edges in place "
		    "%.2f", m->overlap);
	}
	d->confidence = (float)(0.5 + d->value / 2);
}

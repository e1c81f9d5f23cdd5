/*
 * vidpeople.c: the people rules of a zone: intrusion, gathering,
 * loitering and the roll-call headcount.
 *
 * A person is in a zone when the bottom middle of the box (the feet) is:
 * a zone drawn on the floor then works whatever the person's height.
 * People come from the tracker, so a person the detector misses on one
 * look is still counted for people.keep seconds.  With the people
 * detector off, each moving blob counts as one person: cruder, but a
 * perimeter zone still catches a climber.
 */
#include <stdio.h>
#include <string.h>

#include "viddetect.h"

static void
add_box(struct thads_vbox *u, const struct thads_vbox *b)
{
	float x1, y1;

	if (u->w <= 0) {
		*u = *b;
		return;
	}
	x1 = u->x + u->w > b->x + b->w ? u->x + u->w : b->x + b->w;
	y1 = u->y + u->h > b->y + b->h ? u->y + u->h : b->y + b->h;
	u->x = u->x < b->x ? u->x : b->x;
	u->y = u->y < b->y ? u->y : b->y;
	u->w = x1 - u->x;
	u->h = y1 - u->y;
}

int
thads_vpeople_count(const struct thads_vtracker *tr,
    const struct thads_vmeas *m, int people_on,
    const struct thads_vzone *zone, int z, struct thads_vbox *box)
{
	int i, n = 0;

	memset(box, 0, sizeof(*box));
	if (!people_on) {
		for (i = 0; i < m->nblobs; i++) {
			const struct thads_vbox *b = &m->blob[i].box;
			if (thads_vpoly_contains(&zone->poly, b->x + b->w / 2,
			    b->y + b->h)) {
				add_box(box, b);
				n++;
			}
		}
		return n;
	}
	for (i = 0; i < tr->n; i++)
		if (z < THADS_VMAXZONES && tr->t[i].in_since[z] >= 0) {
			add_box(box, &tr->t[i].box);
			n++;
		}
	return n;
}

static void
clear(struct thads_vdecision *d)
{
	memset(d, 0, sizeof(*d));
	d->expected = -1;
}

void
thads_vintrusion_decide(const struct thads_vtracker *tr,
    const struct thads_vmeas *m, int people_on,
    const struct thads_vzone *zone, int z, struct thads_vdecision *d)
{
	int n;

	clear(d);
	if (!zone->restricted || m->corrupt)
		return;
	n = thads_vpeople_count(tr, m, people_on, zone, z, &d->box);
	d->cond = n > 0;
	d->value = n;
	d->confidence = people_on ? 0.8f : 0.5f;
	if (!people_on)
		snprintf(d->detail, sizeof(d->detail), "moving blobs, people "
		    "detector off");
}

void
thads_vgathering_decide(const struct thads_vtracker *tr,
    const struct thads_vmeas *m, int people_on,
    const struct thads_vzone *zone, int z, struct thads_vdecision *d)
{
	int n;

	clear(d);
	if (zone->max_people <= 0 || m->corrupt)
		return;
	n = thads_vpeople_count(tr, m, people_on, zone, z, &d->box);
	d->cond = n > zone->max_people;
	d->value = n;
	d->expected = zone->max_people;
	d->confidence = n > zone->max_people + 1 ? 0.9f : 0.7f;
	snprintf(d->detail, sizeof(d->detail), "%d people, limit %d", n,
	    zone->max_people);
}

void
thads_vloiter_decide(const struct thads_vtracker *tr,
    const struct thads_vzone *zone, int z, double t,
    struct thads_vdecision *d)
{
	int i;
	double longest = 0;

	clear(d);
	if (zone->loiter <= 0 || z >= THADS_VMAXZONES)
		return;
	for (i = 0; i < tr->n; i++)
		if (tr->t[i].in_since[z] >= 0 &&
		    t - tr->t[i].in_since[z] > longest) {
			longest = t - tr->t[i].in_since[z];
			d->box = tr->t[i].box;
		}
	d->cond = longest >= zone->loiter;
	d->value = longest;
	d->confidence = 0.7f;
}

void
thads_vheadcount_decide(const struct thads_vmeas *m,
    const struct thads_vzone *zone, int expected, struct thads_vdecision *d)
{
	int i, n = 0;

	clear(d);
	if (!m->people_done)
		return;
	for (i = 0; i < m->npeople; i++) {
		const struct thads_vbox *b = &m->person[i].box;
		if (thads_vpoly_contains(&zone->poly, b->x + b->w / 2,
		    b->y + b->h)) {
			add_box(&d->box, b);
			n++;
		}
	}
	d->cond = 1;
	d->value = n;
	d->expected = expected;
	d->confidence = 0.6f;
	snprintf(d->detail, sizeof(d->detail), "%d counted, %d expected%s",
	    n, expected, n == expected ? "" : ": check");
}

/*
 * vidtrack.c: the people tracker of viddetect.h.
 *
 * Looks for people come every people.every seconds, so a track is a
 * chain of boxes seconds apart.  A new box continues the nearest live
 * track whose last box is of a similar height and whose centre is
 * within one box height: people walk about a height a second at most.
 * Greedy matching, nearest pairs first, is enough for the few people a
 * camera sees at once.
 */
#include <math.h>
#include <string.h>

#include "viddetect.h"

void
thads_vtracker_init(struct thads_vtracker *tr)
{
	memset(tr, 0, sizeof(*tr));
	tr->next_id = 1;
}

static double
dist(const struct thads_vbox *a, const struct thads_vbox *b)
{
	double dx = (a->x + a->w / 2) - (b->x + b->w / 2);
	double dy = (a->y + a->h / 2) - (b->y + b->h / 2);
	double h = (a->h + b->h) / 2;

	if (h <= 0 || a->h > 1.6 * b->h || b->h > 1.6 * a->h)
		return INFINITY;
	return sqrt(dx * dx + dy * dy) / h;
}

static void
follow_zones(struct thads_vtrack *k, const struct thads_vzone *zones,
    int nzones, double t)
{
	float fx = k->box.x + k->box.w / 2, fy = k->box.y + k->box.h;
	int z;

	for (z = 0; z < nzones && z < THADS_VMAXZONES; z++) {
		if (!thads_vpoly_contains(&zones[z].poly, fx, fy))
			k->in_since[z] = -1;
		else if (k->in_since[z] < 0)
			k->in_since[z] = t;
	}
}

static void
add_track(struct thads_vtracker *tr, const struct thads_vbox *b, double t)
{
	struct thads_vtrack *k;
	int z;

	if (tr->n >= THADS_VMAXTRACKS)
		return;
	k = &tr->t[tr->n++];
	memset(k, 0, sizeof(*k));
	k->id = tr->next_id++;
	k->box = *b;
	k->first = k->last = t;
	for (z = 0; z < THADS_VMAXZONES; z++)
		k->in_since[z] = -1;
}

void
thads_vtracker_update(struct thads_vtracker *tr, const struct thads_vmeas *m,
    const struct thads_vzone *zones, int nzones, double t, double keep)
{
	int used[THADS_VMAXPEOPLE] = { 0 }, taken[THADS_VMAXTRACKS] = { 0 };
	int i, k, bi, bk;
	double best, d;

	if (!m->people_done)
		return;
	for (;;) {
		best = 1.0;
		bi = bk = -1;
		for (i = 0; i < m->npeople; i++)
			for (k = 0; k < tr->n; k++) {
				if (used[i] || taken[k])
					continue;
				d = dist(&m->person[i].box, &tr->t[k].box);
				if (d < best) {
					best = d;
					bi = i;
					bk = k;
				}
			}
		if (bi < 0)
			break;
		used[bi] = taken[bk] = 1;
		tr->t[bk].box = m->person[bi].box;
		tr->t[bk].last = t;
	}
	for (i = 0; i < m->npeople; i++)
		if (!used[i])
			add_track(tr, &m->person[i].box, t);
	for (k = 0; k < tr->n;) {
		if (t - tr->t[k].last > keep || tr->t[k].last > t) {
			tr->t[k] = tr->t[--tr->n];
			continue;
		}
		follow_zones(&tr->t[k], zones, nzones, t);
		k++;
	}
}

int
thads_vtracker_near(const struct thads_vtracker *tr,
    const struct thads_vbox *box)
{
	float x0 = box->x - box->w / 2, x1 = box->x + box->w * 1.5f;
	float y0 = box->y - box->h / 2, y1 = box->y + box->h * 1.5f;
	int k, n = 0;

	for (k = 0; k < tr->n; k++) {
		const struct thads_vbox *b = &tr->t[k].box;
		if (b->x < x1 && b->x + b->w > x0 && b->y < y1 &&
		    b->y + b->h > y0)
			n++;
	}
	return n;
}

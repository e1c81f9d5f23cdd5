/*
 * sentence_kernel.c: the two date kernels of sentence.h.
 *
 * They are kept apart from the rest of the engine so that each can be
 * read against its written rule, and tested on its own.
 */
#include "sentence.h"

int
thads_kd_days(const struct thads_dur *t)
{
	return 30 * t->months + t->days;
}

int
thads_kd_last(int start, int days, int deduct)
{
	return start + days - deduct - 1;
}

long long
thads_kd_until(long long at, const struct thads_dur *t)
{
	return at + ((long long)thads_kd_days(t) * 24 + t->hours) * 3600;
}

int
thads_ks_end(int start, int months, int days)
{
	return thads_add_months(start, months) + days;
}

int
thads_ks_last(int start, int months, int days)
{
	return thads_ks_end(start, months, days) - 1;
}

int
thads_kp_deadline(const struct thads_rules *r, int event, int months,
    int days, int dir, int shift, int *moved)
{
	int end, step = dir < 0 ? -1 : 1, n = 0;

	end = thads_add_months(event, step * months) + step * days;
	/* A year is about 250 working days: 30 days off in a row cannot be. */
	while (shift && thads_rules_day_off(r, end) && n < 30) {
		end += step;
		n++;
	}
	if (moved != NULL)
		*moved = n;
	return end;
}

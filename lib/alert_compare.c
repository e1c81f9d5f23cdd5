/*
 * alert_compare.c: thads-alert compare.  Where the dossier carries a
 * release date computed by another system (judgment.release_date_ext),
 * list every judgment whose date differs from ours, with our steps and
 * the counting convention, among the usual ones, that gives theirs.
 * This is how a new calculator earns trust: every difference is either
 * a known convention or a case to look at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"

static const struct thads_col cols[] = {
	{ "person", THADS_COL_TEXT }, { "judgment", THADS_COL_TEXT },
	{ "theirs", THADS_COL_DATE }, { "ours", THADS_COL_DATE },
	{ "difference", THADS_COL_INT }, { "their_convention", THADS_COL_TEXT },
	{ "our_explanation", THADS_COL_TEXT },
};

/* Months added the way some date libraries do: 31 January + 1 = 3 March. */
static int
add_overflow(int day, int months)
{
	int y, m, d, t;

	thads_day_ymd(day, &y, &m, &d);
	t = y * 12 + m - 1 + months;
	return thads_day(t / 12, t % 12 + 1, 1) + d - 1;
}

/* The uncapped sum of the terms of the chain headed by h. */
static void
uncapped(const struct thads_dossier *d, const struct thads_sentences *s,
    int h, int *M, int *D)
{
	size_t i;

	*M = *D = 0;
	for (i = 0; i < d->nju; i++)
		if (s->j[i].head == h) {
			*M += 12 * (d->ju[i].years > 0 ? d->ju[i].years : 0) +
			    (d->ju[i].months > 0 ? d->ju[i].months : 0);
			*D += d->ju[i].days > 0 ? d->ju[i].days : 0;
		}
}

/*
 * Which convention gives their date from the same facts, or a note
 * that none does.
 */
static void
convention(const struct thads_dossier *d, const struct thads_sentences *s,
    int h, int theirs, char *buf, size_t size)
{
	const struct thads_sres *r = &s->j[h];
	int S = r->v[THADS_I_START], ours = r->v[THADS_I_RELEASE];
	int M = r->months - r->rmonths, D = r->days - r->rdays, C = r->credit;
	int UM, UD;

	uncapped(d, s, h, &UM, &UD);
	if (theirs == ours + 1)
		snprintf(buf, size, "the day after our last day: they give "
		    "the first day of freedom (end day not included)");
	else if (C > 0 && theirs == ours + C)
		snprintf(buf, size, "the %d days of credit not deducted", C);
	else if ((r->rmonths || r->rdays) && theirs == thads_ks_last(S,
	    r->months, r->days) - C)
		snprintf(buf, size, "the reductions (%d months %d days) not "
		    "applied", r->rmonths, r->rdays);
	else if (theirs == S + 30 * M + D - 1 - C)
		snprintf(buf, size, "months counted as 30 days, as for "
		    "detention");
	else if (theirs == add_overflow(S, M) + D - 1 - C)
		snprintf(buf, size, "months added with overflow (31 January + "
		    "1 month = 3 March) instead of the month-end rule");
	else if (r->capped && theirs == thads_ks_last(S, UM - r->rmonths,
	    UD - r->rdays) - C)
		snprintf(buf, size, "the aggregate not capped");
	else
		snprintf(buf, size, "no known convention gives their date: "
		    "check the facts (start, credit, reductions)");
}

/* Our steps for the chain of judgment j, joined. */
static void
steps(const struct thads_explain *ex, const char *const *numbers,
    size_t nn, char *buf, size_t size)
{
	size_t i, k, n = 0;

	buf[0] = '\0';
	for (i = 0; i < ex->n && n + 1 < size; i++) {
		for (k = 0; k < nn; k++)
			if (strcmp(ex->s[i].judgment, numbers[k]) == 0)
				break;
		if (k == nn)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "; " : "",
		    ex->s[i].text);
	}
}

static int
person(const struct thads_alert_opts *o, const struct thads_dossier *d,
    struct thads_sentences *s, struct thads_out *out, long *found,
    struct thads_err *err)
{
	struct thads_explain ex;
	const char *v[7], *nums[64];
	char who[65], a[THADS_DAYBUF], b[THADS_DAYBUF], diff[16];
	char conv[200], expl[2048];
	size_t i, k, nn;
	int rc = 0, h, ours;

	memset(&ex, 0, sizeof(ex));
	s->ex = &ex;
	if (thads_sentence_run(o->rules, d, o->as_of, s) != 0) {
		s->ex = NULL;
		thads_explain_free(&ex);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	s->ex = NULL;
	thads_person_label(d, who, sizeof(who));
	for (i = 0; rc == 0 && i < d->nju; i++) {
		h = s->j[i].head;
		ours = s->j[i].v[THADS_I_RELEASE];
		if (d->ju[i].release_ext == THADS_NODAY ||
		    d->ju[i].release_ext == ours)
			continue;
		for (k = nn = 0; k < d->nju && nn < 64; k++)
			if (s->j[k].head == h)
				nums[nn++] = d->ju[k].number;
		if (ours == THADS_NODAY)
			snprintf(conv, sizeof(conv), "we compute no release "
			    "date: see thads-alert check");
		else
			convention(d, s, h, d->ju[i].release_ext, conv,
			    sizeof(conv));
		steps(&ex, nums, nn, expl, sizeof(expl));
		snprintf(diff, sizeof(diff), "%d", ours == THADS_NODAY ? 0 :
		    d->ju[i].release_ext - ours);
		v[0] = who;
		v[1] = d->ju[i].number;
		v[2] = thads_day_fmt(d->ju[i].release_ext, a);
		v[3] = ours == THADS_NODAY ? NULL : thads_day_fmt(ours, b);
		v[4] = ours == THADS_NODAY ? NULL : diff;
		v[5] = conv;
		v[6] = expl;
		rc = thads_out_row(out, v, err);
		(*found)++;
	}
	thads_explain_free(&ex);
	return rc;
}

int
thads_alert_compare(struct thads_db *db, const struct thads_alert_opts *o,
    FILE *fp, long *found, struct thads_err *err)
{
	struct thads_people *pp;
	struct thads_sentences s;
	struct thads_out *out;
	const struct thads_dossier *d;
	size_t i, k;
	int rc;

	*found = 0;
	if ((rc = thads_people_load(db, 0, &pp, err)) != 0)
		return rc;
	memset(&s, 0, sizeof(s));
	if ((rc = thads_out_open(fp, o->fmt, "difference", cols, 7,
	    o->outflags, &out, err)) != 0)
		goto done;
	for (i = 0; rc == 0 && i < thads_people_count(pp); i++) {
		d = thads_people_at(pp, i);
		for (k = 0; k < d->nju; k++)
			if (d->ju[k].release_ext != THADS_NODAY)
				break;
		if (k < d->nju)
			rc = person(o, d, &s, out, found, err);
	}
	if (rc != 0)
		(void)thads_out_close(out, NULL);	/* already failing */
	else
		rc = thads_out_close(out, err);
done:
	thads_sentences_free(&s);
	thads_people_free(pp);
	return rc;
}

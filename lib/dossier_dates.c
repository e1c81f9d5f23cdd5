/*
 * dossier_dates.c: the computed dates of a dossier (thads-record show),
 * from the sentence engine that thads-alert uses: the same loader
 * (alert_db.c), the same rule pack, the same kernels.
 */
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "days.h"
#include "dossier.h"

/* One date as text, or as the row (computed, item, field, value). */
static int
put(const char *field, const char *val, long item, FILE *fp,
    struct thads_out *o, struct thads_err *err)
{
	const char *v[THADS_SHOW_NCOLS];
	char num[24];

	if (o == NULL) {
		fprintf(fp, "  %-18s %s\n", field, val);
		return 0;
	}
	snprintf(num, sizeof(num), "%ld", item);
	v[0] = "computed";
	v[1] = num;
	v[2] = field;
	v[3] = val;
	return thads_out_row(o, v, err);
}

/* The dates of one block: dates[THADS_NITEM], NODAY left out. */
static int
block(const int *dates, const char *judgment, long item, FILE *fp,
    struct thads_out *o, struct thads_err *err)
{
	char buf[THADS_DAYBUF];
	int i, rc = 0, any = 0;

	for (i = 0; i < THADS_NITEM; i++)
		any |= dates[i] != THADS_NODAY;
	if (!any)
		return 0;
	if (o == NULL)
		fprintf(fp, "computed %ld\n", item);
	if (judgment != NULL)
		rc = put("judgment", judgment, item, fp, o, err);
	for (i = 0; rc == 0 && i < THADS_NITEM; i++)
		if (dates[i] != THADS_NODAY)
			rc = put(thads_item_name(i), thads_day_fmt(dates[i],
			    buf), item, fp, o, err);
	return rc;
}

int
thads_dossier_dates(struct thads_db *db, long long pid,
    const struct thads_rules *rules, int as_of, FILE *fp,
    struct thads_out *o, struct thads_err *err)
{
	struct thads_people *pp;
	const struct thads_dossier *d;
	struct thads_sentences s;
	long item = 0;
	size_t i;
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = thads_people_load(db, pid, &pp, err)) != 0)
		return rc;
	if ((d = thads_people_at(pp, 0)) == NULL) {
		thads_people_free(pp);
		return 0;
	}
	if (thads_sentence_run(rules, d, as_of, &s) != 0) {
		thads_people_free(pp);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	rc = block(s.p, NULL, ++item, fp, o, err);
	for (i = 0; rc == 0 && i < d->nju; i++)
		if (s.j[i].ok)
			rc = block(s.j[i].v, d->ju[i].number, ++item, fp, o,
			    err);
	thads_sentences_free(&s);
	thads_people_free(pp);
	if (rc == 0 && o == NULL && ferror(fp))
		return thads_seterr(err, THADS_EIO, NULL, 0, "write error");
	return rc;
}

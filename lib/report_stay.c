/*
 * report_stay.c: stays.  A stay is what a person lives as one time in
 * custody: the custody episodes (temporary custody, pre-trial
 * detention, serving, awaiting execution) that follow each other
 * through transfers between facilities.
 *
 * Definition stays/1.  Order a person's custody episodes by admission.
 * Episode B continues episode A when A is the custody episode just
 * before B, A was released with the reason "transfer", and B was
 * admitted no later than the day after A's release date.  A stay starts
 * with an episode that continues none, and ends with the release of an
 * episode that nothing continues: that release is the stay's release,
 * and its reason the stay's reason.  Community episodes are never part
 * of a stay.
 *
 * The questions are answered with one index search each, on the unique
 * (person_id, admitted) index of episode, so that a report pays for
 * the episodes of its period and not for the whole table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define MAXCHAIN	1000	/* transfers in one stay: a guard */

struct stays {
	struct rctx	*c;
	sqlite3_stmt	*prev;
	sqlite3_stmt	*next;
};

static const char prev_sql[] =
    "SELECT admitted, released, release_reason, status FROM episode"
    " WHERE person_id = ?1 AND admitted < ?2 AND deleted_at IS NULL"
    " ORDER BY admitted DESC";

static const char next_sql[] =
    "SELECT admitted, status FROM episode"
    " WHERE person_id = ?1 AND admitted > ?2 AND deleted_at IS NULL"
    " ORDER BY admitted";

int
rpt_stays_open(struct rctx *c, struct stays **out)
{
	struct stays *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	s->c = c;
	if ((rc = rpt_prepare(c, prev_sql, &s->prev)) != 0 ||
	    (rc = rpt_prepare(c, next_sql, &s->next)) != 0) {
		rpt_stays_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
rpt_stays_close(struct stays *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->prev);
	sqlite3_finalize(s->next);
	free(s);
}

/*
 * Step st to the first custody episode (column col holds the status).
 * Returns SQLITE_ROW, SQLITE_DONE or an error code.
 */
static int
custody_row(sqlite3_stmt *st, int col)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (rpt_is_custody(rpt_text(st, col)))
			break;
	return rc;
}

/* Whether the previous episode (the current row of prev) leads into an
 * episode admitted on day adm. */
static int
leads_into(sqlite3_stmt *prev, int adm)
{
	const char *reason = rpt_text(prev, 2);
	int rel;

	return reason != NULL && strcmp(reason, "transfer") == 0 &&
	    rpt_day(rpt_text(prev, 1), &rel) == 0 && adm <= rel + 1;
}

int
rpt_stay_continues(struct stays *s, long long pid, const char *admitted,
    int *yes)
{
	int rc, adm;

	*yes = 0;
	if (rpt_day(admitted, &adm) != 0)
		return 0;
	sqlite3_bind_int64(s->prev, 1, pid);
	sqlite3_bind_text(s->prev, 2, admitted, -1, SQLITE_STATIC);
	rc = custody_row(s->prev, 3);
	if (rc == SQLITE_ROW)
		*yes = leads_into(s->prev, adm);
	sqlite3_reset(s->prev);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    rpt_dbfail(s->c, rc);
}

int
rpt_stay_goes_on(struct stays *s, long long pid, const char *admitted,
    const char *released, const char *reason, int *yes)
{
	int rc, rel, next;

	*yes = 0;
	if (reason == NULL || strcmp(reason, "transfer") != 0 ||
	    rpt_day(released, &rel) != 0)
		return 0;
	sqlite3_bind_int64(s->next, 1, pid);
	sqlite3_bind_text(s->next, 2, admitted, -1, SQLITE_STATIC);
	rc = custody_row(s->next, 1);
	if (rc == SQLITE_ROW)
		*yes = rpt_day(rpt_text(s->next, 0), &next) == 0 &&
		    next <= rel + 1;
	sqlite3_reset(s->next);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    rpt_dbfail(s->c, rc);
}

int
rpt_stay_start(struct stays *s, long long pid, const char *admitted,
    int *day)
{
	char cur[32];
	int rc = SQLITE_DONE, adm, n;

	if (rpt_day(admitted, day) != 0)
		return 0;
	snprintf(cur, sizeof(cur), "%s", admitted);
	for (n = 0; n < MAXCHAIN; n++) {
		adm = *day;
		sqlite3_bind_int64(s->prev, 1, pid);
		sqlite3_bind_text(s->prev, 2, cur, -1, SQLITE_TRANSIENT);
		rc = custody_row(s->prev, 3);
		if (rc != SQLITE_ROW || !leads_into(s->prev, adm) ||
		    rpt_day(rpt_text(s->prev, 0), day) != 0) {
			*day = adm;
			break;
		}
		snprintf(cur, sizeof(cur), "%s", rpt_text(s->prev, 0));
		sqlite3_reset(s->prev);
	}
	sqlite3_reset(s->prev);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    rpt_dbfail(s->c, rc);
}

int
rpt_stay_return(struct stays *s, long long pid, const char *after, int *day)
{
	const char *st;
	int rc;

	*day = RPT_NODAY;
	sqlite3_bind_int64(s->next, 1, pid);
	sqlite3_bind_text(s->next, 2, after, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s->next)) == SQLITE_ROW) {
		st = rpt_text(s->next, 1);
		if (rpt_is_custody(st) &&
		    strcmp(st, "temporary_custody") != 0) {
			if (rpt_day(rpt_text(s->next, 0), day) != 0)
				*day = RPT_NODAY;
			break;
		}
	}
	sqlite3_reset(s->next);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    rpt_dbfail(s->c, rc);
}

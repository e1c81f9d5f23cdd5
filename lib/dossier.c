/*
 * dossier.c: finding, showing and tracing a person's dossier.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dossier.h"
#include "text.h"

const struct thads_col thads_find_cols[] = {
	{ "dossier", THADS_COL_TEXT }, { "national_id", THADS_COL_TEXT },
	{ "name", THADS_COL_TEXT }, { "aliases", THADS_COL_TEXT },
	{ "birth_date", THADS_COL_DATE }, { "facility", THADS_COL_TEXT },
	{ "status", THADS_COL_TEXT }, { "match", THADS_COL_TEXT },
	{ "row", THADS_COL_INT },
};

const struct thads_col thads_show_cols[] = {
	{ "section", THADS_COL_TEXT }, { "item", THADS_COL_INT },
	{ "field", THADS_COL_TEXT }, { "value", THADS_COL_TEXT },
};

const struct thads_col thads_history_cols[] = {
	{ "entry", THADS_COL_INT }, { "at", THADS_COL_TEXT },
	{ "who", THADS_COL_TEXT }, { "tool", THADS_COL_TEXT },
	{ "action", THADS_COL_TEXT }, { "table", THADS_COL_TEXT },
	{ "old", THADS_COL_TEXT }, { "new", THADS_COL_TEXT },
	{ "reason", THADS_COL_TEXT },
};

const struct thads_col thads_access_cols[] = {
	{ "at", THADS_COL_TEXT }, { "who", THADS_COL_TEXT },
	{ "actor", THADS_COL_TEXT }, { "tool", THADS_COL_TEXT },
	{ "action", THADS_COL_TEXT },
};

/*
 * The search.  Its head and tail are fixed; the conditions between them
 * are chosen from cond_sql by what the query gives, each binding its
 * own numbered parameter.  The current episode of a person is the
 * latest admission that is not deleted.
 *
 * A name search ranks exact matches first, then the shortest names (the
 * fewest words besides those searched for).  FTS5's bm25 rank would
 * cost more than the whole rest of the search on a large database with
 * names as common as Vietnamese ones, where one word matches a third of
 * the persons.  Unless the facility or the status filters, the matches
 * are found, ordered and cut to the limit on the person alone
 * (find_inner), and only those rows look up their episode.
 */
static const char find_head_fts[] =
    "SELECT p.ext_id, p.national_id, p.name, p.aliases, p.birth_date,"
    " f.code, e.status,"
    " CASE WHEN p.name_folded = ?1 THEN 'exact' ELSE 'partial' END, p.id"
    " FROM person_fts JOIN person p ON p.id = person_fts.rowid";
static const char find_head[] =
    "SELECT p.ext_id, p.national_id, p.name, p.aliases, p.birth_date,"
    " f.code, e.status,"
    " CASE WHEN p.name_folded = ?1 THEN 'exact' ELSE 'partial' END, p.id"
    " FROM person p";
static const char find_inner[] =
    " JOIN (SELECT p.id FROM person_fts JOIN person p"
    " ON p.id = person_fts.rowid WHERE p.deleted_at IS NULL";
static const char find_inner_end[] = ") AS m ON m.id = p.id";
static const char find_join[] =
    " LEFT JOIN episode e ON e.id = (SELECT x.id FROM episode x"
    " WHERE x.person_id = p.id AND x.deleted_at IS NULL"
    " ORDER BY x.admitted DESC LIMIT 1)"
    " LEFT JOIN facility f ON f.id = e.facility_id"
    " WHERE p.deleted_at IS NULL";
static const char *const cond_sql[] = {
	" AND person_fts MATCH ?2",
	" AND p.ext_id = ?3",
	" AND p.national_id = ?4",
	" AND p.birth_date = ?5",
	" AND f.code = ?6",
	" AND e.status = ?7",
};
static const char find_order_fts[] =
    " ORDER BY p.name_folded = ?1 DESC, length(p.name_folded),"
    " p.name_folded, p.id LIMIT ?8";
static const char find_order[] =
    " ORDER BY p.name_folded = ?1 DESC, p.name_folded, p.id LIMIT ?8";

/* "nguyen van a" as the FTS5 query "nguyen" "van" "a". */
static char *
fts_query(const char *folded)
{
	size_t n = strlen(folded);
	char *q = malloc(3 * n + 3), *p = q;
	const char *s;

	if (q == NULL)
		return NULL;
	*p++ = '"';
	for (s = folded; *s != '\0'; s++) {
		if (*s == ' ') {
			*p++ = '"';
			*p++ = ' ';
			*p++ = '"';
		} else if (*s == '"') {
			*p++ = '"';
			*p++ = '"';
		} else
			*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Append the conditions of cond_sql[from..to) whose values v gives. */
static size_t
conds(char *sql, size_t size, size_t n, const char *const *v, size_t from,
    size_t to)
{
	for (; from < to; from++)
		if (v[from] != NULL && n < size)
			n += (size_t)snprintf(sql + n, size - n, "%s",
			    cond_sql[from]);
	return n;
}

static int
find_prepare(struct thads_db *db, const struct thads_find *q, int fts,
    sqlite3_stmt **st, struct thads_err *err)
{
	const char *v[6] = { fts ? "" : NULL, q->ext_id, q->natid, q->born,
	    q->facility, q->status };
	char sql[4096];
	size_t n;

	if (fts && q->facility == NULL && q->status == NULL) {
		n = (size_t)snprintf(sql, sizeof(sql), "%s%s", find_head,
		    find_inner);
		n = conds(sql, sizeof(sql), n, v, 0, 4);
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s%s%s",
		    find_order_fts, find_inner_end, find_join);
	} else {
		n = (size_t)snprintf(sql, sizeof(sql), "%s%s",
		    fts ? find_head_fts : find_head, find_join);
		n = conds(sql, sizeof(sql), n, v, 0, 6);
	}
	if (n < sizeof(sql))
		snprintf(sql + n, sizeof(sql) - n, "%s",
		    fts ? find_order_fts : find_order);
	return thads_db_prepare(db, sql, st, err);
}

static int
find_rows(struct thads_db *db, sqlite3_stmt *st, struct thads_out *o,
    long *n, struct thads_err *err)
{
	const char *v[THADS_FIND_NCOLS];
	int rc, i;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < THADS_FIND_NCOLS; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if ((rc = thads_out_row(o, v, err)) != 0)
			return rc;
		(*n)++;
	}
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

int
thads_dossier_find(struct thads_db *db, const struct thads_find *q,
    struct thads_out *o, long *n, struct thads_err *err)
{
	char *folded = NULL, *match = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	*n = 0;
	if (q->text != NULL) {
		if ((folded = thads_text_fold(q->text)) == NULL)
			return errno == EILSEQ ? thads_seterr(err, THADS_EDATA,
			    NULL, 0, "search text is not valid UTF-8") :
			    thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		if (*folded == '\0') {
			free(folded);
			folded = NULL;
		} else if ((match = fts_query(folded)) == NULL) {
			free(folded);
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		}
	}
	if (folded == NULL && q->ext_id == NULL && q->natid == NULL &&
	    q->born == NULL && q->facility == NULL && q->status == NULL)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "nothing to search by");
	if ((rc = find_prepare(db, q, folded != NULL, &st, err)) == 0) {
		bind_opt(st, 1, folded);
		bind_opt(st, 2, match);
		bind_opt(st, 3, q->ext_id);
		bind_opt(st, 4, q->natid);
		bind_opt(st, 5, q->born);
		bind_opt(st, 6, q->facility);
		bind_opt(st, 7, q->status);
		sqlite3_bind_int64(st, 8, q->limit > 0 ? q->limit : -1);
		rc = find_rows(db, st, o, n, err);
	}
	sqlite3_finalize(st);
	free(folded);
	free(match);
	return rc;
}

int
thads_dossier_resolve(struct thads_db *db, const char *id, long long *pid,
    struct thads_err *err)
{
	static const char sql[] =
	    "SELECT id FROM person WHERE deleted_at IS NULL AND (ext_id = ?1"
	    " OR (substr(?1, 1, 1) = '#' AND id = CAST(substr(?1, 2) AS"
	    " INTEGER))) ORDER BY ext_id = ?1 DESC LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*pid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	return thads_seterr(err, THADS_EDATA, NULL, 0, "unknown dossier '%s'",
	    id);
}

/* ---- show ---- */

/*
 * The sections of a dossier: a title and the query of its rows, each
 * taking the person's row id as ?1.  Bookkeeping columns and the folded
 * search keys are left out.
 */
static const char *const sections[][2] = {
	{ "person", "SELECT ext_id AS dossier, national_id, name, aliases,"
	    " birth_date, age, age_on, sex, nationality, ethnicity, race,"
	    " iris_ref, dna_ref, photo_ref FROM person WHERE id = ?1" },
	{ "judgment", "SELECT number, court, date, offence_date, article,"
	    " offence, category, sentence_type, term_years, term_months,"
	    " term_days, probation_months, start_date, consecutive_to,"
	    " release_date_ext FROM judgment WHERE person_id = ?1"
	    " AND deleted_at IS NULL ORDER BY date, id" },
	{ "episode", "SELECT f.code AS facility, f.name AS facility_name,"
	    " a.status, a.admitted, a.released, a.release_reason,"
	    " a.custody_level, a.judgment_number, a.prior_admissions,"
	    " a.extra FROM admission a JOIN facility f ON f.id = a.facility_id"
	    " WHERE a.person_id = ?1 ORDER BY a.admitted, a.id" },
	{ "detention_order", "SELECT number, issued, start_date, end_date,"
	    " category, stage FROM detention_order WHERE person_id = ?1"
	    " AND deleted_at IS NULL ORDER BY start_date, id" },
	{ "classification", "SELECT period, period_end, result"
	    " FROM classification WHERE person_id = ?1 AND deleted_at IS NULL"
	    " ORDER BY period, id" },
	{ "reduction", "SELECT decision, date, years, months, days,"
	    " judgment_number FROM reduction WHERE person_id = ?1"
	    " AND deleted_at IS NULL ORDER BY date, id" },
	{ "violation", "SELECT date, kind, note FROM violation"
	    " WHERE person_id = ?1 AND deleted_at IS NULL ORDER BY date, id" },
};

/* One row of a section, as text or as (section, item, field, value). */
static int
show_row(sqlite3_stmt *st, const char *sect, long item, FILE *fp,
    struct thads_out *o, struct thads_err *err)
{
	const char *v[THADS_SHOW_NCOLS];
	char num[24];
	int i, rc;

	snprintf(num, sizeof(num), "%ld", item);
	if (o == NULL)
		fprintf(fp, "%s%s %ld\n", item == 1 && *sect != 'p' ? "" : "",
		    sect, item);
	for (i = 0; i < sqlite3_column_count(st); i++) {
		if (sqlite3_column_type(st, i) == SQLITE_NULL)
			continue;
		v[0] = sect;
		v[1] = num;
		v[2] = sqlite3_column_name(st, i);
		v[3] = (const char *)sqlite3_column_text(st, i);
		if (o == NULL)
			fprintf(fp, "  %-18s %s\n", v[2], v[3]);
		else if ((rc = thads_out_row(o, v, err)) != 0)
			return rc;
	}
	return 0;
}

int
thads_dossier_show(struct thads_db *db, long long pid, FILE *fp,
    struct thads_out *o, struct thads_err *err)
{
	sqlite3_stmt *st;
	size_t i;
	long item;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(sections) / sizeof(sections[0]);
	    i++) {
		if ((rc = thads_db_prepare(db, sections[i][1], &st, err)) != 0)
			return rc;
		sqlite3_bind_int64(st, 1, pid);
		item = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if ((rc = show_row(st, sections[i][0], ++item, fp, o,
			    err)) != 0)
				break;
		rc = rc == SQLITE_DONE ? 0 : rc > 0 ? thads_db_fail(db, rc,
		    err) : rc;
		sqlite3_finalize(st);
	}
	if (rc == 0 && o == NULL && ferror(fp))
		return thads_seterr(err, THADS_EIO, NULL, 0, "write error");
	return rc;
}

/* ---- history and access log ---- */

/*
 * The entries of a dossier: those of the person row, and those of rows
 * that belong to the person (by row id while they exist, by the natural
 * key, which starts with the dossier number, once purged).
 */
static const char history_sql[] =
    "SELECT a.id, a.at, coalesce(a.actor, a.os_user), a.tool, a.action,"
    " a.tbl, a.old, a.new, a.reason FROM audit a, person p"
    " WHERE p.id = ?1 AND ((a.tbl = 'person' AND a.row_id = p.id)"
    " OR a.record_key = p.ext_id OR a.record_key LIKE"
    " replace(replace(p.ext_id, '%', '\\%'), '_', '\\_') || '/%' ESCAPE '\\'"
    " OR (a.tbl = 'judgment' AND a.row_id IN"
    "  (SELECT id FROM judgment WHERE person_id = p.id))"
    " OR (a.tbl = 'episode' AND a.row_id IN"
    "  (SELECT id FROM episode WHERE person_id = p.id))"
    " OR (a.tbl = 'detention_order' AND a.row_id IN"
    "  (SELECT id FROM detention_order WHERE person_id = p.id))"
    " OR (a.tbl = 'classification' AND a.row_id IN"
    "  (SELECT id FROM classification WHERE person_id = p.id))"
    " OR (a.tbl = 'reduction' AND a.row_id IN"
    "  (SELECT id FROM reduction WHERE person_id = p.id))"
    " OR (a.tbl = 'violation' AND a.row_id IN"
    "  (SELECT id FROM violation WHERE person_id = p.id)))"
    " ORDER BY a.id";
static const char access_sql[] =
    "SELECT at, os_user, actor, tool, action FROM access_log"
    " WHERE person_id = ?1 ORDER BY id";
static const char log_sql[] =
    "INSERT INTO access_log (at, tool, os_user, actor, action, person_id)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static int
rows(struct thads_db *db, const char *sql, long long pid, int ncols,
    struct thads_out *o, struct thads_err *err)
{
	const char *v[16];
	sqlite3_stmt *st;
	int rc, i;

	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, pid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < ncols; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if ((rc = thads_out_row(o, v, err)) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	return rc > 0 ? thads_db_fail(db, rc, err) : rc;
}

int
thads_dossier_history(struct thads_db *db, long long pid,
    struct thads_out *o, struct thads_err *err)
{
	return rows(db, history_sql, pid, THADS_HISTORY_NCOLS, o, err);
}

int
thads_dossier_access_log(struct thads_db *db, long long pid,
    struct thads_out *o, struct thads_err *err)
{
	return rows(db, access_sql, pid, THADS_ACCESS_NCOLS, o, err);
}

int
thads_dossier_log_access(struct thads_db *db, long long pid,
    const char *action, struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	if ((rc = thads_db_prepare(db, log_sql, &st, err)) != 0) {
		thads_db_rollback(db);
		return rc;
	}
	thads_now_utc(now, sizeof(now));
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, db->tool, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, db->user, -1, SQLITE_STATIC);
	if (db->actor != NULL)
		sqlite3_bind_text(st, 4, db->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, pid);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		rc = thads_db_fail(db, rc, err);
		thads_db_rollback(db);
		return rc;
	}
	if ((rc = thads_db_commit(db, err)) != 0)
		thads_db_rollback(db);
	return rc;
}

/*
 * dossier_export.c: writing dossiers in the interchange XML (thads-record
 * export), the format that thads-import reads back.
 *
 * The document is written with libxml2's xmlTextWriter into a zio writer
 * (plain or zstd).  It holds nothing that changes from run to run (no
 * time stamp, no row ids), and every list is in the order of its natural
 * key, so that exporting, importing into an empty database and exporting
 * again gives the same bytes.  Soft-deleted rows are left out.
 *
 * The whole export runs in one write transaction: the list of dossiers,
 * the access log entries that say they were exported and the document
 * all see the same data, and a failed export logs nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "dossier.h"
#include "record.h"
#include "zio.h"

#define NS "urn:thads:interchange:1"
#define WFAIL 1		/* a write failed, see write_fail() */

/*
 * The kinds of a dossier in the order they are written, each as a query
 * taking the person's row id as ?1 whose columns are the fields first,
 * first + 1, ... of the field table (record.h), in that order.  The
 * episode's last column is its extras as a JSON object.  Facilities come
 * first so that the episodes find their names and kinds on import;
 * judgments come before the episodes that serve them.
 */
struct kind {
	const char *elem;
	int	 first;		/* enum thads_fid */
	int	 nf;
	const char *sql;
};

static const struct kind kinds[] = {
	{ "person", F_PERSON_ID, F_PERSON_PHOTO - F_PERSON_ID + 1,
	    "SELECT ext_id, national_id, name, aliases, birth_date, age,"
	    " age_on, sex, nationality, ethnicity, race, iris_ref, dna_ref,"
	    " photo_ref FROM person WHERE id = ?1" },
	{ "facility", F_FAC_CODE, F_FAC_WARD - F_FAC_CODE + 1,
	    "SELECT DISTINCT f.code, f.name, f.kind, f.ward FROM episode e"
	    " JOIN facility f ON f.id = e.facility_id WHERE e.person_id = ?1"
	    " AND e.deleted_at IS NULL ORDER BY f.code" },
	{ "judgment", F_JU_NUMBER, F_JU_RELEASE_EXT - F_JU_NUMBER + 1,
	    "SELECT number, court, date, offence_date, article, offence,"
	    " category, sentence_type, term_years, term_months, term_days,"
	    " probation_months, start_date, consecutive_to, release_date_ext"
	    " FROM judgment WHERE person_id = ?1 AND deleted_at IS NULL"
	    " ORDER BY date, number" },
	{ "episode", F_EP_FACILITY, F_EP_JUDGMENT - F_EP_FACILITY + 1,
	    "SELECT f.code, e.status, e.admitted, e.released,"
	    " e.release_reason, e.custody_level, e.judgment_number, e.extra"
	    " FROM episode e JOIN facility f ON f.id = e.facility_id"
	    " WHERE e.person_id = ?1 AND e.deleted_at IS NULL"
	    " ORDER BY e.admitted" },
	{ "detention_order", F_OR_NUMBER, F_OR_STAGE - F_OR_NUMBER + 1,
	    "SELECT number, issued, start_date, end_date, category, stage"
	    " FROM detention_order WHERE person_id = ?1 AND deleted_at IS NULL"
	    " ORDER BY start_date" },
	{ "classification", F_CL_PERIOD, F_CL_RESULT - F_CL_PERIOD + 1,
	    "SELECT period, period_end, result FROM classification"
	    " WHERE person_id = ?1 AND deleted_at IS NULL"
	    " ORDER BY period_end, period" },
	{ "reduction", F_RE_DECISION, F_RE_JUDGMENT - F_RE_DECISION + 1,
	    "SELECT decision, date, years, months, days, judgment_number"
	    " FROM reduction WHERE person_id = ?1 AND deleted_at IS NULL"
	    " ORDER BY date" },
	{ "violation", F_VI_DATE, F_VI_NOTE - F_VI_DATE + 1,
	    "SELECT date, kind, note FROM violation WHERE person_id = ?1"
	    " AND deleted_at IS NULL ORDER BY date, kind" },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/*
 * The dossiers to export: live persons, changed on or after ?1 when it
 * is given (the person or any row under it), one person when ?2 is
 * given, by dossier number.
 */
static const char list_sql[] =
    "SELECT p.id FROM person p WHERE p.deleted_at IS NULL"
    " AND (?2 IS NULL OR p.id = ?2) AND (?1 IS NULL OR p.updated_at >= ?1"
    " OR EXISTS (SELECT 1 FROM episode x WHERE x.person_id = p.id"
    "  AND x.updated_at >= ?1)"
    " OR EXISTS (SELECT 1 FROM judgment x WHERE x.person_id = p.id"
    "  AND x.updated_at >= ?1)"
    " OR EXISTS (SELECT 1 FROM detention_order x WHERE x.person_id = p.id"
    "  AND x.updated_at >= ?1)"
    " OR EXISTS (SELECT 1 FROM classification x WHERE x.person_id = p.id"
    "  AND x.updated_at >= ?1)"
    " OR EXISTS (SELECT 1 FROM reduction x WHERE x.person_id = p.id"
    "  AND x.updated_at >= ?1)"
    " OR EXISTS (SELECT 1 FROM violation x WHERE x.person_id = p.id"
    "  AND x.updated_at >= ?1))"
    " ORDER BY p.ext_id IS NULL, p.ext_id, p.id";
static const char extra_sql[] =
    "SELECT key, CAST(value AS TEXT) FROM json_each(?1)";
static const char log_sql[] =
    "INSERT INTO access_log (at, tool, os_user, actor, action, person_id)"
    " VALUES (?1, ?2, ?3, ?4, 'export', ?5)";

struct ex {
	struct thads_db *db;
	struct thads_wr *w;
	xmlTextWriterPtr xw;
	sqlite3_stmt *st[NKINDS];
	sqlite3_stmt *extra;
	struct thads_err werr;	/* the zio writer's error, if any */
	long long *pid;
	size_t	 npid, cap;
};

/*
 * Add pid to the list; with dedup, only when it is not there yet (a
 * dossier named twice).  The whole list is never searched for --all.
 */
static int
add_pid(struct ex *x, long long pid, int dedup, struct thads_err *err)
{
	long long *p;
	size_t i;

	for (i = 0; dedup && i < x->npid; i++)
		if (x->pid[i] == pid)
			return 0;
	if (x->pid == NULL || x->npid == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 64;
		if ((p = realloc(x->pid, x->cap * sizeof(*p))) == NULL)
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		x->pid = p;
	}
	x->pid[x->npid++] = pid;
	return 0;
}

/* Add the persons of list_sql for since and one (0: every person). */
static int
list(struct ex *x, const char *since, long long one, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(x->db, list_sql, &st, err)) != 0)
		return rc;
	if (since != NULL)
		sqlite3_bind_text(st, 1, since, -1, SQLITE_STATIC);
	if (one > 0)
		sqlite3_bind_int64(st, 2, one);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = add_pid(x, sqlite3_column_int64(st, 0), one > 0,
		    err)) != 0)
			break;
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;
	return rc > 0 ? thads_db_fail(x->db, rc, err) : rc;
}

static int
log_access(struct ex *x, struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	size_t i;
	int rc = SQLITE_DONE;

	if ((rc = thads_db_prepare(x->db, log_sql, &st, err)) != 0)
		return rc;
	thads_now_utc(now, sizeof(now));
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, x->db->tool, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, x->db->user, -1, SQLITE_STATIC);
	if (x->db->actor != NULL)
		sqlite3_bind_text(st, 4, x->db->actor, -1, SQLITE_STATIC);
	for (i = 0, rc = SQLITE_DONE; rc == SQLITE_DONE && i < x->npid; i++) {
		sqlite3_bind_int64(st, 5, x->pid[i]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(x->db, rc, err);
}

/* libxml2's output goes to the zio writer; its error is kept. */
static int
io_write(void *ctx, const char *buf, int len)
{
	struct ex *x = ctx;

	if (x->werr.code != 0 ||
	    thads_wr_write(x->w, buf, (size_t)len, &x->werr) != 0)
		return -1;
	return len;
}

static int
io_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
elem(struct ex *x, const char *name, const char *val)
{
	return xmlTextWriterWriteElement(x->xw, BAD_CAST name,
	    BAD_CAST val) < 0 ? -1 : 0;
}

/* The extras of an episode, <extra name="KEY">VALUE</extra>. */
static int
extras(struct ex *x, const char *js)
{
	xmlTextWriterPtr w = x->xw;
	int rc, bad = 0;

	sqlite3_bind_text(x->extra, 1, js, -1, SQLITE_STATIC);
	while (!bad && (rc = sqlite3_step(x->extra)) == SQLITE_ROW)
		bad = xmlTextWriterStartElement(w, BAD_CAST "extra") < 0 ||
		    xmlTextWriterWriteAttribute(w, BAD_CAST "name",
		    sqlite3_column_text(x->extra, 0)) < 0 ||
		    (sqlite3_column_type(x->extra, 1) != SQLITE_NULL &&
		    xmlTextWriterWriteString(w,
		    sqlite3_column_text(x->extra, 1)) < 0) ||
		    xmlTextWriterEndElement(w) < 0;
	sqlite3_reset(x->extra);
	return bad || (rc != SQLITE_ROW && rc != SQLITE_DONE) ? -1 : 0;
}

/* One row of kind k as its element.  Returns 0, -1 for a write error. */
static int
row(struct ex *x, const struct kind *k, sqlite3_stmt *st)
{
	const char *name, *v;
	int i;

	if (xmlTextWriterStartElement(x->xw, BAD_CAST k->elem) < 0)
		return -1;
	for (i = 0; i < k->nf; i++) {
		if ((v = (const char *)sqlite3_column_text(st, i)) == NULL)
			continue;
		name = strchr(thads_field(k->first + i)->name, '.') + 1;
		if (elem(x, name, v) != 0)
			return -1;
	}
	if (k->first == F_EP_FACILITY && (v = (const char *)
	    sqlite3_column_text(st, k->nf)) != NULL && extras(x, v) != 0)
		return -1;
	return xmlTextWriterEndElement(x->xw) < 0 ? -1 : 0;
}

/*
 * One dossier.  Returns 0, THADS_EDB or THADS_EBUSY, or WFAIL for a
 * write error (write_fail() tells libxml2's failures from the zio
 * writer's).
 */
static int
dossier(struct ex *x, long long pid, struct thads_err *err)
{
	size_t i;
	int rc = 0, wrc = 0;

	if (xmlTextWriterStartElement(x->xw, BAD_CAST "dossier") < 0)
		return WFAIL;
	for (i = 0; rc == 0 && wrc == 0 && i < NKINDS; i++) {
		sqlite3_bind_int64(x->st[i], 1, pid);
		while (wrc == 0 && (rc = sqlite3_step(x->st[i])) == SQLITE_ROW)
			wrc = row(x, &kinds[i], x->st[i]);
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
		    thads_db_fail(x->db, rc, err);
		sqlite3_reset(x->st[i]);
	}
	if (rc != 0)
		return rc;
	if (wrc != 0 || xmlTextWriterEndElement(x->xw) < 0)
		return WFAIL;
	return 0;
}

static int
write_fail(struct ex *x, struct thads_err *err)
{
	if (x->werr.code != 0) {
		*err = x->werr;
		return x->werr.code;
	}
	return thads_seterr(err, THADS_ELIB, thads_wr_name(x->w), 0,
	    "cannot write '%s': libxml2 failed", thads_wr_name(x->w));
}

static int
document(struct ex *x, long *n, struct thads_err *err)
{
	xmlOutputBufferPtr ob;
	size_t i;
	int rc;

	if ((ob = xmlOutputBufferCreateIO(io_write, io_close, x, NULL)) ==
	    NULL || (x->xw = xmlNewTextWriter(ob)) == NULL) {
		if (ob != NULL)
			xmlOutputBufferClose(ob);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	if (xmlTextWriterSetIndent(x->xw, 1) < 0 ||
	    xmlTextWriterSetIndentString(x->xw, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(x->xw, "1.0", "UTF-8", NULL) < 0 ||
	    xmlTextWriterStartElement(x->xw, BAD_CAST "thads") < 0 ||
	    xmlTextWriterWriteAttribute(x->xw, BAD_CAST "xmlns",
	    BAD_CAST NS) < 0 ||
	    xmlTextWriterWriteAttribute(x->xw, BAD_CAST "version",
	    BAD_CAST "1") < 0)
		return write_fail(x, err);
	for (i = 0; i < x->npid; i++) {
		if ((rc = dossier(x, x->pid[i], err)) == WFAIL)
			return write_fail(x, err);
		if (rc != 0)
			return rc;
		(*n)++;
	}
	if (xmlTextWriterEndDocument(x->xw) < 0 ||
	    xmlTextWriterFlush(x->xw) < 0 || x->werr.code != 0)
		return write_fail(x, err);
	return 0;
}

static int
prepare(struct ex *x, struct thads_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < NKINDS; i++)
		if ((rc = thads_db_prepare(x->db, kinds[i].sql, &x->st[i],
		    err)) != 0)
			return rc;
	return thads_db_prepare(x->db, extra_sql, &x->extra, err);
}

static void
cleanup(struct ex *x)
{
	size_t i;

	if (x->xw != NULL)
		xmlFreeTextWriter(x->xw);
	for (i = 0; i < NKINDS; i++)
		sqlite3_finalize(x->st[i]);
	sqlite3_finalize(x->extra);
	free(x->pid);
}

/* Which dossiers: the named ones (changed since, when given), or all. */
static int
select_dossiers(struct ex *x, const struct thads_export *q,
    struct thads_err *err)
{
	long long pid;
	size_t i;
	int rc;

	if (q->nids == 0)
		return list(x, q->since, 0, err);
	for (i = 0; i < q->nids; i++) {
		if ((rc = thads_dossier_resolve(x->db, q->ids[i], &pid,
		    err)) != 0)
			return rc;
		if ((rc = list(x, q->since, pid, err)) != 0)
			return rc;
	}
	return 0;
}

int
thads_dossier_export(struct thads_db *db, const struct thads_export *q,
    long *n, struct thads_err *err)
{
	struct ex x;
	int rc, wrc, y, m, d;

	memset(&x, 0, sizeof(x));
	x.db = db;
	*n = 0;
	if (q->since != NULL && thads_date_parse(q->since, &y, &m, &d) != 0)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad --since date '%s' (YYYY-MM-DD)", q->since);
	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	if ((rc = select_dossiers(&x, q, err)) == 0 &&
	    (rc = log_access(&x, err)) == 0 &&
	    (rc = prepare(&x, err)) == 0 &&
	    (rc = thads_wr_open(q->path, q->wrflags, &x.w, err)) == 0) {
		rc = document(&x, n, err);
		if (x.xw != NULL)
			xmlFreeTextWriter(x.xw);
		x.xw = NULL;
		if ((wrc = thads_wr_close(x.w, rc == 0 ? err : NULL)) != 0 &&
		    rc == 0)
			rc = wrc;
		if (rc == 0)
			rc = thads_db_commit(db, err);
		/* A partial file, or one whose export was not logged, goes. */
		if (rc != 0 && strcmp(q->path, "-") != 0)
			(void)remove(q->path);
	}
	cleanup(&x);
	if (rc != 0)
		thads_db_rollback(db);
	return rc;
}

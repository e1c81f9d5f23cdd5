/*
 * geoops.c: zone import, listings and the check loop (geoops.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csv.h"
#include "geodb.h"
#include "geoops.h"
#include "geotime.h"
#include "zio.h"

#define MAX_ZONE_FILE	(256L * 1024 * 1024)

int
thads_geo_time_arg(const char *s, int64_t *ms)
{
	struct timespec ts;
	char buf[32];

	if (s == NULL)
		return THADS_EDATA;
	if (strcmp(s, "now") == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		*ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		return 0;
	}
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		snprintf(buf, sizeof(buf), "%sT00:00:00", s);
		return thads_time_parse(buf, NULL, ms);
	}
	return thads_time_parse(s, NULL, ms);
}

/* --- zones ------------------------------------------------------------- */

/* The whole of path in a malloc'd buffer. */
static int
slurp(const char *path, char **text, size_t *len, struct thads_err *err)
{
	struct thads_rd *rd;
	size_t cap = 65536, n = 0;
	char *b, *t;
	long got;
	int rc;

	*text = NULL;
	if ((rc = thads_rd_open(path, &rd, err)) != 0)
		return rc;
	if ((b = malloc(cap)) == NULL) {
		thads_rd_close(rd);
		thads_seterr(err, THADS_ENOMEM, path, 0, "out of memory");
		return THADS_ENOMEM;
	}
	while ((got = thads_rd_read(rd, b + n, cap - n - 1, err)) > 0) {
		n += (size_t)got;
		if (n > (size_t)MAX_ZONE_FILE) {
			got = THADS_EDATA;
			thads_seterr(err, THADS_EDATA, path, 0, "zone file "
			    "larger than 256 MiB");
			break;
		}
		if (n + 1 < cap)
			continue;
		if ((t = realloc(b, 2 * cap)) == NULL) {
			got = THADS_ENOMEM;
			thads_seterr(err, THADS_ENOMEM, path, 0,
			    "out of memory");
			break;
		}
		b = t;
		cap *= 2;
	}
	thads_rd_close(rd);
	if (got < 0) {
		free(b);
		return (int)got;
	}
	b[n] = '\0';
	*text = b;
	*len = n;
	return 0;
}

int
thads_geo_import_zones(struct thads_db *db, const char *path,
    const char *fmt, const struct thads_zdef *dflt, const char *name_prop,
    struct thads_geo_counts *cnt, struct thads_err *err)
{
	struct thads_geo *geo = NULL;
	struct thads_zdef *defs = NULL;
	struct thads_zone **z = NULL;
	size_t n = 0, i, len = 0;
	char *text;
	int rc, action;

	if ((rc = slurp(path, &text, &len, err)) != 0)
		return rc;
	if (fmt == NULL)
		fmt = thads_zdefs_guess(path, text, len);
	if ((rc = thads_geo_new(&geo, err)) != 0 ||
	    (rc = thads_zdefs_read(geo, fmt, text, len, path, dflt, name_prop,
	    &defs, &n, err)) != 0)
		goto out;
	if ((z = calloc(n, sizeof(*z))) == NULL) {
		rc = thads_seterr(err, THADS_ENOMEM, path, 0, "out of memory");
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		if ((rc = thads_zone_compile(geo, &defs[i], &z[i], err)) != 0 &&
		    err != NULL && err->file[0] == '\0')
			snprintf(err->file, sizeof(err->file), "%s", path);
	for (i = 0; i < n && rc == 0; i++)
		for (size_t k = 0; k < i && rc == 0; k++)
			if (strcmp(z[i]->name, z[k]->name) == 0)
				rc = thads_seterr(err, THADS_EDATA, path,
				    defs[i].line, "two zones named '%s' in the "
				    "file", z[i]->name);
	if (rc != 0 || (rc = thads_db_begin(db, err)) != 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++) {
		rc = thads_geodb_zone_put(db, z[i], path, &action, err);
		cnt->inserted += action == 1;
		cnt->updated += action == 2;
		cnt->unchanged += action == 3;
	}
	if (rc == 0)
		rc = thads_db_commit(db, err);
	else
		thads_db_rollback(db);
out:
	for (i = 0; z != NULL && i < n; i++)
		thads_zone_free(geo, z[i]);
	free(z);
	thads_zdefs_free(defs, n);
	thads_geo_free(geo);
	free(text);
	return rc;
}

/* The column of name in the header row h, or -1. */
static int
column(const struct thads_row *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->f[i], name) == 0)
			return (int)i;
	return -1;
}

/* A row's time in column c, or dflt when the column or cell is empty. */
static int
row_time(const struct thads_row *r, int c, int64_t dflt, int64_t *ms)
{
	*ms = dflt;
	if (c < 0 || (size_t)c >= r->n || r->len[c] == 0)
		return 0;
	return thads_geo_time_arg(r->f[c], ms);
}

static int
assign_rows(struct thads_db *db, struct thads_csv *csv, const char *path,
    int64_t now, struct thads_geo_counts *n, struct thads_err *err)
{
	struct thads_row h, r;
	int cp, cz, cf, ct, rc, action;
	int64_t from, to;

	if ((rc = thads_csv_next(csv, &h, err)) <= 0)
		return rc < 0 ? rc : thads_seterr(err, THADS_EDATA, path, 1,
		    "empty file: want a header person,zone[,from,to]");
	cp = column(&h, "person");
	cz = column(&h, "zone");
	cf = column(&h, "from");
	ct = column(&h, "to");
	if (cp < 0 || cz < 0)
		return thads_seterr(err, THADS_EDATA, path, h.line, "the "
		    "header needs person and zone columns");
	while ((rc = thads_csv_next(csv, &r, err)) == 1) {
		if ((size_t)(cp > cz ? cp : cz) >= r.n)
			return thads_seterr(err, THADS_EDATA, path, r.line,
			    "too few fields");
		if (row_time(&r, cf, -1, &from) || row_time(&r, ct, -1, &to) ||
		    (to >= 0 && to <= from))
			return thads_seterr(err, THADS_EDATA, path, r.line,
			    "bad from or to");
		if ((rc = thads_geodb_assign(db, r.f[cp], r.f[cz], from, to,
		    now, &action, err)) != 0) {
			if (err != NULL && err->file[0] == '\0') {
				snprintf(err->file, sizeof(err->file), "%s",
				    path);
				err->line = r.line;
			}
			return rc;
		}
		n->inserted += action == 1;
		n->updated += action == 2;
		n->unchanged += action == 3;
	}
	return rc;
}

int
thads_geo_assign_file(struct thads_db *db, const char *path,
    int64_t now, struct thads_geo_counts *n, struct thads_err *err)
{
	struct thads_rd *rd;
	struct thads_csv *csv;
	int rc;

	if ((rc = thads_rd_open(path, &rd, err)) != 0)
		return rc;
	if ((rc = thads_csv_open(rd, ',', 0, &csv, err)) != 0) {
		thads_rd_close(rd);
		return rc;
	}
	if ((rc = thads_db_begin(db, err)) == 0) {
		rc = assign_rows(db, csv, path, now, n, err);
		if (rc == 0)
			rc = thads_db_commit(db, err);
		else
			thads_db_rollback(db);
	}
	thads_csv_close(csv);
	thads_rd_close(rd);
	return rc;
}

const struct thads_col thads_geo_zone_cols[] = {
	{ "zone", THADS_COL_TEXT }, { "kind", THADS_COL_TEXT },
	{ "radius_m", THADS_COL_REAL }, { "buffer_m", THADS_COL_REAL },
	{ "schedule", THADS_COL_TEXT }, { "tz", THADS_COL_TEXT },
	{ "persons", THADS_COL_TEXT },
};
const size_t thads_geo_nzone_cols = 7;

const struct thads_col thads_geo_event_cols[] = {
	{ "person", THADS_COL_TEXT }, { "zone", THADS_COL_TEXT },
	{ "type", THADS_COL_TEXT }, { "start", THADS_COL_TEXT },
	{ "end", THADS_COL_TEXT }, { "confirmed", THADS_COL_TEXT },
	{ "max_distance_m", THADS_COL_REAL }, { "fixes", THADS_COL_INT },
	{ "confidence", THADS_COL_REAL }, { "transit", THADS_COL_BOOL },
};
const size_t thads_geo_nevent_cols = 10;

/* Run st and write each row of its ncol text columns to out. */
static int
rows(struct thads_db *db, sqlite3_stmt *st, size_t ncol,
    struct thads_out *out, struct thads_err *err)
{
	const char *v[16];
	size_t i;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < ncol; i++)
			v[i] = (const char *)sqlite3_column_text(st, (int)i);
		if ((rc = thads_out_row(out, v, err)) != 0) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

int
thads_geo_list_zones(struct thads_db *db, struct thads_out *out,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, "SELECT z.name, z.kind, "
	    "nullif(z.radius_m, 0), z.buffer_m, z.schedule, CASE WHEN "
	    "z.kind = 'curfew' THEN coalesce(nullif(z.tz, ''), ?1) END, "
	    "(SELECT group_concat(ext_id, ';') FROM (SELECT DISTINCT "
	    "p.ext_id FROM geo_assignment a JOIN person p ON p.id = "
	    "a.person_id WHERE a.zone_id = z.id AND a.deleted_at IS NULL "
	    "ORDER BY p.ext_id)) FROM geo_zone z WHERE z.deleted_at IS NULL "
	    "ORDER BY z.name", &st, err)) != 0)
		return rc;
	/* A curfew stored without a zone is judged in the default one. */
	sqlite3_bind_text(st, 1, THADS_GEO_DEFAULT_TZ, -1, SQLITE_STATIC);
	return rows(db, st, thads_geo_nzone_cols, out, err);
}

/* One event as row values; times in local time with their offset. */
static int
event_out(struct thads_out *out, const char *person, const char *zone,
    const char *type, int64_t start, int64_t end, int64_t conf,
    double maxd, long fixes, double confidence, int transit,
    struct thads_err *err)
{
	char s[40], e[40], c[40], md[32], fx[24], cf[16];
	const char *v[10];

	thads_time_format(start, 0, s, sizeof(s));
	if (end >= 0)
		thads_time_format(end, 0, e, sizeof(e));
	thads_time_format(conf, 0, c, sizeof(c));
	snprintf(md, sizeof(md), "%.1f", maxd);
	snprintf(fx, sizeof(fx), "%ld", fixes);
	snprintf(cf, sizeof(cf), "%.2f", confidence);
	v[0] = person;
	v[1] = zone;
	v[2] = type;
	v[3] = s;
	v[4] = end >= 0 ? e : NULL;
	v[5] = c;
	v[6] = isnan(maxd) ? NULL : md;
	v[7] = fx;
	v[8] = cf;
	v[9] = transit ? "true" : "false";
	return thads_out_row(out, v, err);
}

int
thads_geo_event_row(struct thads_out *out, const struct thads_gf_event *ev,
    struct thads_err *err)
{
	return event_out(out, ev->person_ext, ev->zone,
	    thads_gf_event_name(ev->type), ev->start, ev->end, ev->confirmed,
	    ev->maxdist, ev->fixes, ev->confidence, ev->transit, err);
}

int
thads_geo_list_events(struct thads_db *db, const char *person,
    int64_t from, int64_t to, struct thads_out *out, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, "SELECT p.ext_id, z.name, e.type, "
	    "e.start_ms, e.end_ms, e.confirmed_ms, e.max_distance_m, e.fixes,"
	    " e.confidence, e.transit FROM geo_event e JOIN person p ON "
	    "p.id = e.person_id LEFT JOIN geo_zone z ON z.id = e.zone_id "
	    "WHERE (?1 IS NULL OR p.ext_id = ?1) AND (?2 < 0 OR e.end_ms IS "
	    "NULL OR e.end_ms > ?2) AND (?3 < 0 OR e.start_ms < ?3) "
	    "ORDER BY e.start_ms, e.seq, e.id", &st, err)) != 0)
		return rc;
	if (person != NULL)
		sqlite3_bind_text(st, 1, person, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = event_out(out, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    sqlite3_column_int64(st, 3),
		    sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
		    sqlite3_column_type(st, 6) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 6),
		    (long)sqlite3_column_int64(st, 7),
		    sqlite3_column_double(st, 8), sqlite3_column_int(st, 9),
		    err);
		if (rc != 0) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

int
thads_geo_wrflags(int force)
{
	return THADS_WR_ATOMIC | THADS_WR_NOFOLLOW | (force ? THADS_WR_FORCE :
	    0);
}

/* --- checking tracks --------------------------------------------------- */

static void
bad_input(const struct thads_geo_check *c, const struct thads_err *e,
    struct thads_geo_checked *out)
{
	if (out->bad_inputs++ == 0)
		out->bad_code = e->code ? e->code : THADS_EDATA;
	if (c->bad_input != NULL)
		c->bad_input(e, c->ctx);
}

static long
idle(void *g)
{
	return thads_gf_idle(g);
}

/* Read one input into the run: 0, or an error that ends the run. */
static int
check_one(struct thads_gf *g, const char *path,
    const struct thads_geo_check *c, struct thads_geo_checked *out,
    struct thads_err *err)
{
	struct thads_trk_opts o = c->trk;
	struct thads_trk *t;
	struct thads_fix f;
	struct thads_err e;
	long nfix = 0;
	int rc;

	o.idle = idle;
	o.idle_ctx = g;
	thads_clearerr(&e);
	if (strcmp(path, "-") != 0 && thads_geo_archive_verify(path, &e) < 0) {
		bad_input(c, &e, out);
		return 0;
	}
	if ((rc = thads_trk_open(path, &o, &t, &e)) != 0) {
		if (rc == THADS_ENOMEM) {
			*err = e;
			return rc;
		}
		bad_input(c, &e, out);
		return 0;
	}
	if ((rc = thads_gf_input(g, thads_trk_name(t), thads_trk_format(t),
	    thads_trk_stream(t), err)) != 0) {
		thads_trk_close(t);
		return rc;
	}
	/*
	 * A stop asked for by a signal ends a file at once; a pipe has
	 * been cut off by then (see thads-geofence.c) and is read to the
	 * end of what was received.
	 */
	while ((c->stop == NULL || !*c->stop || thads_trk_stream(t)) &&
	    (rc = thads_trk_next(t, &f, &e)) == 1) {
		nfix++;
		if ((rc = thads_gf_fix(g, &f, err)) != 0) {
			thads_trk_close(t);
			return rc;
		}
	}
	/* Records, none of them usable: not a track, or a broken one. */
	if (rc == 0 && nfix == 0 && thads_trk_skipped(t) > 0)
		rc = thads_seterr(&e, THADS_EDATA, thads_trk_name(t), 0,
		    "no fix could be read: %ld records skipped",
		    thads_trk_skipped(t));
	if (rc < 0)
		bad_input(c, &e, out);
	out->skipped += thads_trk_skipped(t);
	rc = thads_gf_input_done(g, thads_trk_skipped(t), err);
	thads_trk_close(t);
	return rc;
}

int
thads_geo_check(struct thads_db *db, char *const *paths, int n,
    const struct thads_geo_check *c, struct thads_geo_checked *out,
    struct thads_err *err)
{
	struct thads_gf *g;
	int i, rc;

	memset(out, 0, sizeof(*out));
	if ((rc = thads_gf_begin(db, &c->gf, &g, err)) != 0)
		return rc;
	for (i = 0; i < n && rc == 0; i++)
		if (c->stop == NULL || !*c->stop)
			rc = check_one(g, paths[i], c, out, err);
	if (rc != 0) {
		(void)thads_gf_end(g, 0, &out->st, NULL);	/* rolls back */
		return rc;
	}
	return thads_gf_end(g, 1, &out->st, err);
}

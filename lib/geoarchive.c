/*
 * geoarchive.c: moving old fixes out of the database (geoops.h).
 *
 * The archive is the fix CSV that thads-geofence check reads (id, time,
 * lat, lon, accuracy, battery, tamper; the id is the person's dossier
 * number), compressed with zstd, whose frame carries its own checksum of
 * the content.  A SHA-256 of the file as written goes beside it and
 * into the database, so that an archive can be checked years later
 * with sha256sum(1) alone.  The whole move happens inside one write
 * transaction: no fix can be added under the cut-off between the copy
 * and the delete, and a failure anywhere leaves the database as it was.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "csv.h"
#include "geodb.h"
#include "geoops.h"
#include "geotime.h"
#include "gpsfix.h"
#include "zio.h"

static const char select_sql[] =
    "SELECT p.ext_id, f.t, f.lat, f.lon, f.acc, f.battery, f.tamper "
    "FROM geo_fix f JOIN person p ON p.id = f.person_id WHERE f.t < ? "
    "ORDER BY f.person_id, f.t";

/* SHA-256 of the file at path, as 64 hex digits and a NUL. */
static int
sha256_file(const char *path, char *hex, struct thads_err *err)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char buf[65536], d[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	ssize_t n;
	int fd, i;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return thads_seterr(err, THADS_ENOINPUT, path, 0, "cannot "
		    "open '%s': %s", path, strerror(errno));
	sha256_init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&ctx, (size_t)n, buf);
	close(fd);
	if (n < 0)
		return thads_seterr(err, THADS_EIO, path, 0, "cannot read "
		    "'%s': %s", path, strerror(errno));
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, d);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

static int
field(struct thads_csvw *cw, const char *s)
{
	return thads_csvw_field(cw, s, strlen(s));
}

/* One fix row: id, time, lat, lon, accuracy, battery, tamper. */
static int
write_row(struct thads_csvw *cw, sqlite3_stmt *st)
{
	char t[40], lat[32], lon[32], acc[32] = "", bat[8] = "", tam[4] = "";
	const char *id = (const char *)sqlite3_column_text(st, 0);
	int rc;

	thads_time_format(sqlite3_column_int64(st, 1), 1, t, sizeof(t));
	snprintf(lat, sizeof(lat), "%.17g", sqlite3_column_double(st, 2));
	snprintf(lon, sizeof(lon), "%.17g", sqlite3_column_double(st, 3));
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		snprintf(acc, sizeof(acc), "%.17g",
		    sqlite3_column_double(st, 4));
	if (sqlite3_column_type(st, 5) != SQLITE_NULL)
		snprintf(bat, sizeof(bat), "%d", sqlite3_column_int(st, 5));
	if (sqlite3_column_type(st, 6) != SQLITE_NULL)
		snprintf(tam, sizeof(tam), "%d", sqlite3_column_int(st, 6));
	if ((rc = field(cw, id ? id : "")) || (rc = field(cw, t)) ||
	    (rc = field(cw, lat)) || (rc = field(cw, lon)) ||
	    (rc = field(cw, acc)) || (rc = field(cw, bat)) ||
	    (rc = field(cw, tam)))
		return rc;
	return thads_csvw_end_row(cw);
}

struct range {
	long	 n;
	int64_t	 first, last;
};

/* Write the fixes before the cut-off to path. */
static int
write_archive(struct thads_db *db, int64_t before, const char *path,
    int force, struct range *r, struct thads_err *err)
{
	static const char *const head[] = { "id", "time", "lat", "lon",
	    "accuracy", "battery", "tamper" };
	struct thads_wr *w;
	struct thads_csvw *cw = NULL;
	sqlite3_stmt *st = NULL;
	int64_t t;
	int rc, k, step = SQLITE_DONE;

	if ((rc = thads_wr_open(path, thads_geo_wrflags(force), &w, err)))
		return rc;
	if ((rc = thads_csvw_open(w, ',', THADS_CSVW_LF, &cw)) != 0 ||
	    (rc = thads_db_prepare(db, select_sql, &st, err)) != 0)
		goto out;
	for (k = 0; k < 7 && rc == 0; k++)
		rc = field(cw, head[k]);
	if (rc == 0)
		rc = thads_csvw_end_row(cw);
	sqlite3_bind_int64(st, 1, before);
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		t = sqlite3_column_int64(st, 1);
		if (r->n == 0 || t < r->first)
			r->first = t;
		if (r->n == 0 || t > r->last)
			r->last = t;
		r->n++;
		rc = write_row(cw, st);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = thads_db_fail(db, step, err);
out:
	sqlite3_finalize(st);
	if (thads_csvw_close(cw, rc ? NULL : err) != 0 && rc == 0)
		rc = err ? err->code : THADS_EIO;
	if (rc != 0)
		thads_wr_abort(w);	/* the target stays as it was */
	else if (thads_wr_close(w, err) != 0)
		rc = err->code;
	return rc;
}

/* Read the archive back: as many fixes as written, none skipped. */
static int
read_back(const char *path, long want, struct thads_err *err)
{
	struct thads_trk_opts o;
	struct thads_trk *t;
	struct thads_fix f;
	long n = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	o.fmt = THADS_TRK_CSV;
	o.ahead = -1;		/* every fix written was accepted once */
	if ((rc = thads_trk_open(path, &o, &t, err)) != 0)
		return rc;
	while ((rc = thads_trk_next(t, &f, err)) == 1)
		n++;
	if (rc == 0 && (n != want || thads_trk_skipped(t) != 0))
		rc = thads_seterr(err, THADS_EIO, path, 0, "archive read back "
		    "gives %ld fixes (%ld skipped), %ld were written", n,
		    thads_trk_skipped(t), want);
	thads_trk_close(t);
	return rc;
}

/*
 * Open path.sha256 before anything is written, so that a checksum file
 * that cannot be replaced (a symbolic link, say) stops the archive
 * before it is in place.
 */
static int
open_sum(const char *path, struct thads_wr **w, struct thads_err *err)
{
	char side[4200];

	snprintf(side, sizeof(side), "%s.sha256", path);
	return thads_wr_open(side, thads_geo_wrflags(1), w, err);
}

static int
write_sum(struct thads_wr *w, const char *path, const char *hex,
    struct thads_err *err)
{
	const char *base = strrchr(path, '/');
	int rc;

	if ((rc = thads_wr_printf(w, err, "%s  %s\n", hex, base ? base + 1 :
	    path)) != 0)
		thads_wr_abort(w);
	else if (thads_wr_close(w, err) != 0)
		rc = err->code;
	return rc;
}

/* Delete the archived fixes and record the archive. */
static int
record(struct thads_db *db, int64_t before, const char *path,
    const struct range *r, const char *hex, struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32], what[128];
	int rc;

	if ((rc = thads_db_prepare(db, "DELETE FROM geo_fix WHERE t < ?", &st,
	    err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, before);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	if (sqlite3_changes(db->h) != r->n)
		return thads_seterr(err, THADS_EDB, NULL, 0, "fixes changed "
		    "while archiving: nothing deleted");
	thads_now_utc(now, sizeof(now));
	if ((rc = thads_db_prepare(db, "INSERT INTO geo_archive (path, "
	    "before_ms, fixes, first_ms, last_ms, sha256, created_at, tool, "
	    "os_user) VALUES (?,?,?,?,?,?,?,?,?)", &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int64(st, 3, r->n);
	sqlite3_bind_int64(st, 4, r->first);
	sqlite3_bind_int64(st, 5, r->last);
	sqlite3_bind_text(st, 6, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, db->tool ? db->tool : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, db->user, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	snprintf(what, sizeof(what), "{\"fixes\":%ld,\"sha256\":\"%s\"}",
	    r->n, hex);
	return thads_db_audit(db, "purge", "geo_fix",
	    sqlite3_last_insert_rowid(db->h), path, NULL, what,
	    "archived", err);
}

int
thads_geo_archive(struct thads_db *db, int64_t before, const char *path,
    int force, long *count, char *hex, struct thads_err *err)
{
	struct thads_wr *sum;
	struct range r;
	int rc;

	memset(&r, 0, sizeof(r));
	*count = 0;
	if ((rc = open_sum(path, &sum, err)) != 0)
		return rc;
	if ((rc = thads_db_begin(db, err)) != 0) {
		thads_wr_abort(sum);
		return rc;
	}
	/*
	 * The archive is complete on disk (synced, renamed into place, the
	 * directory synced) when write_archive() returns; only then, and
	 * once it reads back whole, are the rows deleted.
	 */
	if ((rc = write_archive(db, before, path, force, &r, err)) != 0 ||
	    (rc = read_back(path, r.n, err)) != 0 ||
	    (rc = sha256_file(path, hex, err)) != 0) {
		thads_wr_abort(sum);
		thads_db_rollback(db);
		return rc;
	}
	if ((rc = write_sum(sum, path, hex, err)) != 0 ||
	    (rc = record(db, before, path, &r, hex, err)) != 0 ||
	    (rc = thads_db_commit(db, err)) != 0) {
		thads_db_rollback(db);
		return rc;
	}
	*count = r.n;
	return 0;
}

int
thads_geo_archive_verify(const char *path, struct thads_err *err)
{
	char side[4200], want[80], got[72];
	FILE *fp;
	int rc;

	snprintf(side, sizeof(side), "%s.sha256", path);
	if ((fp = fopen(side, "r")) == NULL)
		return errno == ENOENT ? 0 : thads_seterr(err, THADS_ENOINPUT,
		    side, 0, "cannot open '%s': %s", side, strerror(errno));
	rc = fgets(want, sizeof(want), fp) != NULL && strlen(want) > 64;
	fclose(fp);
	if (!rc)
		return thads_seterr(err, THADS_EDATA, side, 1, "not a "
		    "sha256sum line");
	want[64] = '\0';
	if ((rc = sha256_file(path, got, err)) != 0)
		return rc;
	if (strcmp(want, got) != 0)
		return thads_seterr(err, THADS_EDATA, path, 0, "SHA-256 does "
		    "not match '%s': the archive is damaged", side);
	return 1;
}

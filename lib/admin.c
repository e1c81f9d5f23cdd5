/*
 * admin.c: checks, backups and restores of the database file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "admin.h"
#include "audit.h"
#include "paths.h"
#include "zio.h"

#define CHUNK (64 * 1024)

int
thads_admin_sha256(const char *path, char *hex, struct thads_err *err)
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	unsigned char *buf;
	ssize_t n;
	int fd, i;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "cannot open: %s", strerror(errno));
	if ((buf = malloc(CHUNK)) == NULL) {
		close(fd);
		return thads_seterr(err, THADS_ENOMEM, path, 0, "out of memory");
	}
	sha256_init(&ctx);
	while ((n = read(fd, buf, CHUNK)) > 0)
		sha256_update(&ctx, (size_t)n, buf);
	free(buf);
	close(fd);
	if (n < 0)
		return thads_seterr(err, THADS_EIO, path, 0, "cannot read: %s",
		    strerror(errno));
	sha256_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	return 0;
}

/* ---- checks ---- */

struct checker {
	struct thads_db *db;
	void	(*fn)(const struct thads_finding *, void *);
	void	*ctx;
	long	 n;
};

static void
finding(struct checker *c, const char *check, const char *where,
    const char *what)
{
	struct thads_finding f;

	f.check = check;
	snprintf(f.where, sizeof(f.where), "%s", where ? where : "");
	snprintf(f.what, sizeof(f.what), "%s", what ? what : "");
	c->n++;
	if (c->fn)
		c->fn(&f, c->ctx);
}

static int
integrity(struct checker *c, struct thads_err *err)
{
	sqlite3_stmt *st;
	const char *msg;
	int rc;

	if ((rc = thads_db_prepare(c->db, "PRAGMA integrity_check", &st,
	    err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		msg = (const char *)sqlite3_column_text(st, 0);
		if (msg != NULL && strcmp(msg, "ok") != 0)
			finding(c, "integrity", NULL, msg);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(c->db, rc, err);
}

static int
foreign_keys(struct checker *c, struct thads_err *err)
{
	sqlite3_stmt *st;
	char where[128], what[128];
	int rc;

	if ((rc = thads_db_prepare(c->db, "PRAGMA foreign_key_check", &st,
	    err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(where, sizeof(where), "%s row %lld",
		    sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1));
		snprintf(what, sizeof(what), "refers to a missing %s",
		    sqlite3_column_text(st, 2));
		finding(c, "foreign_key", where, what);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(c->db, rc, err);
}

/*
 * Live rows under a deleted person or facility: a soft delete that did
 * not reach everything that hangs from the record.
 */
static const char *const orphan_sql[] = {
	"SELECT 'episode', e.id, 'belongs to deleted person ' || p.id"
	" FROM episode e JOIN person p ON p.id = e.person_id"
	" WHERE e.deleted_at IS NULL AND p.deleted_at IS NOT NULL",
	"SELECT 'judgment', j.id, 'belongs to deleted person ' || p.id"
	" FROM judgment j JOIN person p ON p.id = j.person_id"
	" WHERE j.deleted_at IS NULL AND p.deleted_at IS NOT NULL",
	"SELECT 'detention_order', o.id, 'belongs to deleted person ' ||"
	" p.id FROM detention_order o JOIN person p ON p.id = o.person_id"
	" WHERE o.deleted_at IS NULL AND p.deleted_at IS NOT NULL",
	"SELECT 'episode', e.id, 'held in deleted facility ' || f.code"
	" FROM episode e JOIN facility f ON f.id = e.facility_id"
	" WHERE e.deleted_at IS NULL AND f.deleted_at IS NOT NULL",
	"SELECT 'episode', e.id, 'released before admitted'"
	" FROM episode e WHERE e.released < e.admitted",
};

static int
orphans(struct checker *c, struct thads_err *err)
{
	sqlite3_stmt *st;
	char where[128];
	size_t i;
	int rc = SQLITE_DONE;

	for (i = 0; i < sizeof(orphan_sql) / sizeof(orphan_sql[0]); i++) {
		if ((rc = thads_db_prepare(c->db, orphan_sql[i], &st, err)))
			return rc;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			snprintf(where, sizeof(where), "%s row %lld",
			    sqlite3_column_text(st, 0),
			    sqlite3_column_int64(st, 1));
			finding(c, "orphan", where,
			    (const char *)sqlite3_column_text(st, 2));
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return thads_db_fail(c->db, rc, err);
	}
	return 0;
}

/*
 * The audit hash chain: its first broken link, if any.  A missing head
 * file is not a finding here, since a copy checked before a restore has
 * none; thads-record verify-audit insists on it.
 */
static int
audit_chain(struct checker *c, struct thads_err *err)
{
	struct thads_audit_report r;
	char where[64];
	int rc;

	if ((rc = thads_audit_verify(c->db, 0, &r, err)) < 0)
		return rc;
	if (rc == 1) {
		snprintf(where, sizeof(where), "audit row %lld", r.broken_id);
		finding(c, "audit_chain", where, r.what);
	}
	return 0;
}

long
thads_admin_check(struct thads_db *db,
    void (*fn)(const struct thads_finding *, void *), void *ctx,
    struct thads_err *err)
{
	struct checker c = { db, fn, ctx, 0 };
	int rc;

	if ((rc = integrity(&c, err)) != 0)
		return rc;
	/* The other checks read tables that a damaged file may not hold. */
	if (c.n > 0)
		return c.n;
	if ((rc = foreign_keys(&c, err)) != 0 || (rc = orphans(&c, err)) != 0 ||
	    (rc = audit_chain(&c, err)) != 0)
		return rc;
	return c.n;
}

/* ---- backup ---- */

/* Copy db into the (empty) file at tmp with the online backup API. */
static int
copy_online(struct thads_db *db, const char *tmp, struct thads_err *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(dst, 10000);
		if ((b = sqlite3_backup_init(dst, "main", db->h, "main")) ==
		    NULL) {
			rc = sqlite3_errcode(dst);
		} else {
			/* One step: one read transaction, one snapshot. */
			while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
			    rc == SQLITE_LOCKED)
				sqlite3_sleep(50);
			sqlite3_backup_finish(b);
			if (rc == SQLITE_DONE)
				rc = sqlite3_errcode(dst);
		}
	}
	if (rc != SQLITE_OK)
		thads_seterr(err, THADS_EIO, tmp, 0, "backup failed: %s",
		    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	if (dst != NULL && sqlite3_close(dst) != SQLITE_OK && rc == SQLITE_OK)
		rc = thads_seterr(err, THADS_EIO, tmp, 0, "cannot close");
	return rc == SQLITE_OK ? 0 : THADS_EIO;
}

/* Stream the file at from into the writer w. */
static int
pipe_file(const char *from, struct thads_wr *w, long long *bytes,
    struct thads_err *err)
{
	struct thads_rd *rd;
	char *buf;
	long n;
	int rc = 0;

	if ((rc = thads_rd_open(from, &rd, err)) != 0)
		return rc;
	if ((buf = malloc(CHUNK)) == NULL) {
		thads_rd_close(rd);
		return thads_seterr(err, THADS_ENOMEM, from, 0, "out of memory");
	}
	*bytes = 0;
	while ((n = thads_rd_read(rd, buf, CHUNK, err)) > 0 && rc == 0) {
		rc = thads_wr_write(w, buf, (size_t)n, err);
		*bytes += n;
	}
	free(buf);
	thads_rd_close(rd);
	return n < 0 ? (int)n : rc;
}

/* Write "HEX  NAME\n" into path.sha256, as sha256sum(1) does. */
static int
write_sum(const char *path, struct thads_err *err)
{
	struct thads_wr *w;
	char hex[72], sum[4200];
	const char *base = strrchr(path, '/');
	int rc;

	if ((rc = thads_admin_sha256(path, hex, err)) != 0)
		return rc;
	snprintf(sum, sizeof(sum), "%s.sha256", path);
	if ((rc = thads_wr_open(sum, THADS_WR_FORCE | THADS_WR_NOFOLLOW, &w,
	    err)) != 0)
		return rc;
	rc = thads_wr_printf(w, err, "%s  %s\n", hex, base ? base + 1 : path);
	if (thads_wr_close(w, err) != 0 && rc == 0)
		rc = err->code;
	return rc;
}

static int
compress_into(const char *tmpdb, const char *path, int flags,
    long long *bytes, struct thads_err *err)
{
	struct thads_wr *w;
	char tmpz[4200];
	struct stat sb;
	int rc;

	if ((rc = thads_temp_beside(path, ".zst", tmpz, sizeof(tmpz), NULL,
	    err)) != 0)
		return rc;
	rc = thads_wr_open(tmpz, THADS_WR_FORCE | THADS_WR_NOFOLLOW, &w, err);
	if (rc == 0) {
		rc = pipe_file(tmpdb, w, bytes, err);
		if (thads_wr_close(w, err) != 0 && rc == 0)
			rc = err->code;
	}
	if (rc == 0 && !(flags & THADS_WR_FORCE) && lstat(path, &sb) == 0)
		rc = thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "exists (use --force)");
	if (rc == 0 && rename(tmpz, path) != 0)
		rc = thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot rename into place: %s", strerror(errno));
	if (rc != 0)
		(void)unlink(tmpz);	/* a partial copy helps nobody */
	return rc;
}

int
thads_admin_backup(struct thads_db *db, const char *path, int flags,
    long long *bytes, struct thads_err *err)
{
	char tmpdb[4200];
	struct stat sb;
	size_t n = strlen(path);
	int rc;

	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "not a regular file: refused as a backup");
	if (!(flags & THADS_WR_FORCE) && lstat(path, &sb) == 0)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "exists (use --force)");
	if ((rc = thads_temp_beside(path, "", tmpdb, sizeof(tmpdb), NULL,
	    err)) != 0)
		return rc;
	if ((rc = copy_online(db, tmpdb, err)) == 0) {
		if (n > 4 && strcmp(path + n - 4, ".zst") == 0) {
			rc = compress_into(tmpdb, path, flags, bytes, err);
		} else if (rename(tmpdb, path) != 0) {
			rc = thads_seterr(err, THADS_ECANTCREAT, path, 0,
			    "cannot rename into place: %s", strerror(errno));
		} else if (stat(path, &sb) == 0) {
			*bytes = sb.st_size;
		}
	}
	(void)unlink(tmpdb);	/* gone already unless compressed or failed */
	if (rc == 0)
		rc = write_sum(path, err);
	return rc;
}

/* ---- restore ---- */

static int
verify_sum(const char *from, struct thads_err *err)
{
	char sumpath[4200], want[80], hex[72];
	FILE *fp;
	int rc;

	snprintf(sumpath, sizeof(sumpath), "%s.sha256", from);
	if ((fp = fopen(sumpath, "r")) == NULL)
		return thads_seterr(err, THADS_ENOINPUT, sumpath, 0,
		    "no checksum file (restore with --no-verify to skip the "
		    "check)");
	rc = fscanf(fp, "%64s", want) == 1 ? 0 : THADS_EDATA;
	fclose(fp);
	if (rc != 0 || strlen(want) != 64)
		return thads_seterr(err, THADS_EDATA, sumpath, 1,
		    "not a SHA-256 checksum line");
	if ((rc = thads_admin_sha256(from, hex, err)) != 0)
		return rc;
	if (strcmp(hex, want) != 0)
		return thads_seterr(err, THADS_EDATA, from, 0,
		    "checksum mismatch: the backup is damaged or not the one "
		    "%s describes", sumpath);
	return 0;
}

/* Open the restored copy and see that it is sound and not too new. */
static int
check_copy(const char *from, const char *tmp, struct thads_err *err)
{
	struct thads_db *db;
	struct thads_err cerr;
	long n;
	int rc;

	/* Read-write, so that an older schema is brought up to date here. */
	thads_clearerr(&cerr);
	rc = thads_db_open(tmp, THADS_DB_NOCREATE, 1000, "thads-admin", &db,
	    &cerr);
	if (rc == THADS_ETOONEW)
		return thads_seterr(err, rc, from, 0, "%s", cerr.msg);
	if (rc != 0)
		return thads_seterr(err, THADS_EDATA, from, 0,
		    "not a THADS database backup: %s", cerr.msg);
	thads_clearerr(&cerr);
	n = thads_admin_check(db, NULL, NULL, &cerr);
	thads_db_close(db);
	if (n < 0)
		return thads_seterr(err, THADS_EDATA, from, 0,
		    "the backup cannot be checked: %s", cerr.msg);
	if (n > 0)
		return thads_seterr(err, THADS_EDATA, from, 0,
		    "the backup fails its checks (%ld problems)", n);
	return 0;
}

/*
 * Take the database for ourselves: in exclusive locking mode the lock
 * of the first write transaction is kept after it ends, so no other
 * program can read or write until *h is closed.  Then fold the WAL into
 * the main file, so that nothing committed is left outside it, and leave
 * WAL mode: closing *h later must not touch a WAL file by name, since by
 * then the name belongs to the restored database.  Fails with
 * THADS_EBUSY while another program is using the database.
 */
static int
quiesce(const char *dbpath, long busy_ms, sqlite3 **h,
    struct thads_err *err)
{
	static const char *const steps[] = {
		"PRAGMA locking_mode = EXCLUSIVE", "BEGIN EXCLUSIVE", "COMMIT",
		"PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA journal_mode = DELETE"
	};
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_OK, busy = 0;

	*h = NULL;
	if (access(dbpath, F_OK) != 0)
		return 0;
	if (sqlite3_open_v2(dbpath, h, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return thads_seterr(err, THADS_EIO, dbpath, 0,
		    "cannot open the database to replace");
	sqlite3_busy_timeout(*h, (int)busy_ms);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && !rc && !busy;
	    i++) {
		if ((rc = sqlite3_prepare_v2(*h, steps[i], -1, &st, NULL)))
			break;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			busy |= sqlite3_column_count(st) == 3 &&
			    sqlite3_column_int(st, 0) != 0;
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc == SQLITE_OK && !busy)
		return 0;
	sqlite3_close(*h);
	*h = NULL;
	return thads_seterr(err, THADS_EBUSY, dbpath, 0,
	    "database in use: stop the other THADS programs first");
}

/* Keep the database being replaced as DB.before-restore-TIME. */
static int
set_aside(const char *dbpath, struct thads_err *err)
{
	char aside[4200], stamp[32];
	struct tm tm;
	time_t t = time(NULL);

	if (access(dbpath, F_OK) != 0)
		return 0;
	int n;

	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* Two restores within a second get -1, -2, ... */
	for (n = 0; n < 100; n++) {
		if (n == 0)
			snprintf(aside, sizeof(aside), "%s.before-restore-%s",
			    dbpath, stamp);
		else
			snprintf(aside, sizeof(aside), "%s.before-restore-%s-%d",
			    dbpath, stamp, n);
		if (link(dbpath, aside) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	return thads_seterr(err, THADS_ECANTCREAT, aside, 0,
	    "cannot keep the current database: %s", strerror(errno));
}

static int
unpack(const char *from, const char *tmp, struct thads_err *err)
{
	struct thads_wr *w;
	long long bytes;
	int rc;

	if ((rc = thads_wr_open(tmp, THADS_WR_FORCE | THADS_WR_NOFOLLOW, &w,
	    err)) != 0)
		return rc;
	rc = pipe_file(from, w, &bytes, err);
	if (thads_wr_close(w, err) != 0 && rc == 0)
		rc = err->code;
	return rc;
}

/*
 * The restored trail is the truth from now on: its newest entry becomes
 * the audit head, or the next write would be reported as a break.
 */
static int
restore_head(const char *dbpath, struct thads_err *err)
{
	struct thads_db *db;
	int rc;

	rc = thads_db_open(dbpath, THADS_DB_NOCREATE, 1000, "thads-admin", &db,
	    err);
	if (rc == 0)
		rc = thads_audit_sync_head(db, err);
	thads_db_close(db);
	return rc;
}

int
thads_admin_restore(const char *from, const char *dbpath, int noverify,
    long busy_ms, struct thads_err *err)
{
	char tmp[4200], side[4300];
	sqlite3 *lock = NULL;
	int rc;

	if (!noverify && (rc = verify_sum(from, err)) != 0)
		return rc;
	if ((rc = thads_temp_beside(dbpath, "", tmp, sizeof(tmp), NULL,
	    err)) != 0)
		return rc;
	if ((rc = unpack(from, tmp, err)) == 0 &&
	    (rc = check_copy(from, tmp, err)) == 0 &&
	    (rc = quiesce(dbpath, busy_ms, &lock, err)) == 0) {
		/* The old side files describe the old file: remove them
		 * while it is still locked, before its name is reused. */
		snprintf(side, sizeof(side), "%s-wal", dbpath);
		(void)unlink(side);
		snprintf(side, sizeof(side), "%s-shm", dbpath);
		(void)unlink(side);
		if ((rc = set_aside(dbpath, err)) == 0 &&
		    rename(tmp, dbpath) != 0)
			rc = thads_seterr(err, THADS_ECANTCREAT, dbpath, 0,
			    "cannot rename into place: %s", strerror(errno));
	}
	if (rc != 0)
		(void)unlink(tmp);	/* the database was not touched */
	if (lock != NULL)
		sqlite3_close(lock);
	/* After the lock is given up, since this opens the file again. */
	if (rc == 0)
		rc = restore_head(dbpath, err);
	return rc;
}

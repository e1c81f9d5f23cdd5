/*
 * audit.c: the hash chain of the audit trail and its verification.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "audit.h"

static const char chain_sql[] =
    "SELECT id, prev_hash, hash, at, tool, os_user, actor, action, tbl,"
    " row_id, record_key, old, new, reason FROM audit ORDER BY id";
static const char last_sql[] =
    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";

/* Hash one field: "N" for NULL, else its length, ':' and its bytes. */
static void
put(struct sha256_ctx *ctx, const char *s)
{
	char len[32];
	int n;

	if (s == NULL) {
		sha256_update(ctx, 2, (const uint8_t *)"N;");
		return;
	}
	n = snprintf(len, sizeof(len), "%zu:", strlen(s));
	sha256_update(ctx, (size_t)n, (const uint8_t *)len);
	sha256_update(ctx, strlen(s), (const uint8_t *)s);
	sha256_update(ctx, 1, (const uint8_t *)";");
}

void
thads_audit_hash(const char *prev, long long id, long long rowid,
    const char *const f[THADS_AU_NF], char out[THADS_AUDIT_HEX])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char num[32];
	int i;

	sha256_init(&ctx);
	put(&ctx, "thads-audit-1");
	put(&ctx, prev);
	snprintf(num, sizeof(num), "%lld", id);
	put(&ctx, num);
	snprintf(num, sizeof(num), "%lld", rowid);
	put(&ctx, num);
	for (i = 0; i < THADS_AU_NF; i++)
		put(&ctx, f[i]);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

int
thads_audit_head_path(const char *dbpath, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s.audit-head", dbpath);

	return n < 0 || (size_t)n >= size ? THADS_EUSAGE : 0;
}

/* Replace the head file of dbpath with line, through a rename. */
static int
put_head(const char *dbpath, const char *line, struct thads_err *err)
{
	char path[4200], tmp[4300];
	size_t n = strlen(line);
	int fd, ok;

	if (thads_audit_head_path(dbpath, path, sizeof(path)) != 0)
		return thads_seterr(err, THADS_ECANTCREAT, dbpath, 0,
		    "audit head file name too long");
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0)
		return thads_seterr(err, THADS_ECANTCREAT, tmp, 0,
		    "cannot create the audit head file: %s", strerror(errno));
	ok = write(fd, line, n) == (ssize_t)n;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		(void)unlink(tmp);
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot write the audit head file: %s", strerror(errno));
	}
	return 0;
}

int
thads_audit_write_head(const char *dbpath, long long id, const char *hash,
    struct thads_err *err)
{
	char line[128];

	snprintf(line, sizeof(line), "%lld %s\n", id, hash);
	return put_head(dbpath, line, err);
}

int
thads_audit_write_pending(const char *dbpath, long long id,
    const char *hash, long long oldid, const char *oldhash,
    struct thads_err *err)
{
	char line[256];

	snprintf(line, sizeof(line), "%lld %s %lld %s\n", id, hash, oldid,
	    oldhash);
	return put_head(dbpath, line, err);
}

int
thads_audit_lock_head(const char *dbpath, struct thads_err *err)
{
	char path[4300];
	int fd, n;

	n = snprintf(path, sizeof(path), "%s.audit-head.lock", dbpath);
	if (n < 0 || (size_t)n >= sizeof(path))
		return thads_seterr(err, THADS_ECANTCREAT, dbpath, 0,
		    "audit head file name too long");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot open the audit head lock: %s", strerror(errno));
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			(void)close(fd);
			return thads_seterr(err, THADS_ECANTCREAT, path, 0,
			    "cannot lock the audit head: %s", strerror(errno));
		}
	}
	return fd;
}

void
thads_audit_unlock_head(int fd)
{
	if (fd >= 0)
		(void)close(fd);	/* closing drops the lock */
}

/* The newest entry: *id 0 and hash the genesis value when none. */
static int
last_entry(struct thads_db *db, long long *id, char *hash,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	const unsigned char *h;
	int rc;

	*id = 0;
	snprintf(hash, THADS_AUDIT_HEX, "%s", THADS_AUDIT_GENESIS);
	if ((rc = thads_db_prepare(db, last_sql, &st, err)) != 0)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		h = sqlite3_column_text(st, 1);
		snprintf(hash, THADS_AUDIT_HEX, "%s", h ? (const char *)h : "");
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

int
thads_audit_sync_head(struct thads_db *db, struct thads_err *err)
{
	char hash[THADS_AUDIT_HEX];
	long long id;
	int rc;

	if ((rc = last_entry(db, &id, hash, err)) != 0)
		return rc;
	return thads_audit_write_head(db->path, id, hash, err);
}

static int
broken(struct thads_audit_report *r, long long id, const char *fmt,
    long long n)
{
	r->broken_id = id;
	snprintf(r->what, sizeof(r->what), fmt, n);
	return 1;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/*
 * Whether the entry's values are of the kinds the writer stores: texts
 * without a NUL byte (the hash covers a text up to its first NUL, so
 * bytes hidden behind one would go unseen) and an integer row id (the
 * hash covers its value, which NULL or a text would fake).
 */
static int
plain(sqlite3_stmt *st)
{
	int i, n = sqlite3_column_count(st);
	const unsigned char *t;

	if (sqlite3_column_type(st, 9) != SQLITE_INTEGER)
		return 0;
	for (i = 1; i < n; i++) {
		if (i == 9 || sqlite3_column_type(st, i) == SQLITE_NULL)
			continue;
		t = sqlite3_column_text(st, i);
		if (t == NULL || strlen((const char *)t) !=
		    (size_t)sqlite3_column_bytes(st, i))
			return 0;
	}
	return 1;
}

/* Check one entry against the one before; 1 and r filled if broken. */
static int
link_ok(sqlite3_stmt *st, long long *previd, char *prev,
    struct thads_audit_report *r)
{
	static const int cols[THADS_AU_NF] = { 3, 4, 5, 6, 7, 8, 10, 11, 12,
	    13 };
	const char *f[THADS_AU_NF];
	char want[THADS_AUDIT_HEX];
	const char *ph = col(st, 1), *h = col(st, 2);
	long long id = sqlite3_column_int64(st, 0);
	int i;

	if (id != *previd + 1)
		return broken(r, *previd + 1, "entry %lld is missing",
		    *previd + 1);
	if (!plain(st))
		return broken(r, id, "entry %lld holds a value THADS never "
		    "writes (a NUL byte inside a text, or a row id that is not "
		    "an integer): it was changed", id);
	if (ph == NULL || strcmp(ph, prev) != 0)
		return broken(r, id, "its link to entry %lld does not match: "
		    "an entry was changed, removed or moved", id - 1);
	for (i = 0; i < THADS_AU_NF; i++)
		f[i] = col(st, cols[i]);
	thads_audit_hash(prev, id, sqlite3_column_int64(st, 9), f, want);
	if (h == NULL || strcmp(h, want) != 0)
		return broken(r, id, "its content does not match its hash "
		    "(entry %lld was changed)", id);
	*previd = id;
	snprintf(prev, THADS_AUDIT_HEX, "%s", h);
	return 0;
}

/*
 * Compare the end of the chain with the head file.  A head file of two
 * entries was left by a writer stopped while it committed: the newest
 * entry may be either, as the commit did or did not happen.
 */
static int
head_ok(struct thads_db *db, unsigned flags, const char *last,
    struct thads_audit_report *r)
{
	char path[4200], hash[THADS_AUDIT_HEX], hash2[THADS_AUDIT_HEX];
	long long id, id2;
	FILE *fp;
	int n;

	if (thads_audit_head_path(db->path, path, sizeof(path)) != 0 ||
	    (fp = fopen(path, "re")) == NULL) {
		if (!(flags & THADS_AUDIT_STRICT) || r->last_id == 0)
			return 0;
		return broken(r, r->last_id, "the audit head file is missing "
		    "(newest entry %lld cannot be confirmed)", r->last_id);
	}
	n = fscanf(fp, "%lld %64s %lld %64s", &id, hash, &id2, hash2);
	fclose(fp);
	if (n != 2 && n != 4)
		return broken(r, r->last_id, "the audit head file is damaged "
		    "(newest entry %lld)", r->last_id);
	if (n == 4 && id2 == r->last_id && strcmp(hash2, last) == 0)
		return 0;
	if (id > r->last_id)
		return broken(r, r->last_id + 1, "entry %lld and those after "
		    "it are missing (the head file names a newer one)",
		    r->last_id + 1);
	if (id < r->last_id)
		return broken(r, id + 1, "entry %lld and those after it were "
		    "not written by THADS (the head file names an older one)",
		    id + 1);
	if (strcmp(hash, last) != 0)
		return broken(r, id, "entry %lld does not match the hash in "
		    "the audit head file", id);
	return 0;
}

int
thads_audit_verify(struct thads_db *db, unsigned flags,
    struct thads_audit_report *r, struct thads_err *err)
{
	char prev[THADS_AUDIT_HEX];
	sqlite3_stmt *st;
	long long previd = 0;
	int rc, bad = 0;

	memset(r, 0, sizeof(*r));
	snprintf(prev, sizeof(prev), "%s", THADS_AUDIT_GENESIS);
	if ((rc = thads_db_prepare(db, chain_sql, &st, err)) != 0)
		return rc;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->entries++;
		bad = link_ok(st, &previd, prev, r);
	}
	sqlite3_finalize(st);
	if (bad)
		return 1;
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	r->last_id = previd;
	return head_ok(db, flags, prev, r);
}

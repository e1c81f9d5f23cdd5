/*
 * db.c: opening the database, transactions and the audit trail.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "schema.h"

#define AUDIT_INSERT \
    "INSERT INTO audit (at, tool, os_user, actor, action, tbl, row_id," \
    " record_key, old, new, reason, id, prev_hash, hash) VALUES"

static const char audit_sql[] = AUDIT_INSERT
    " (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
static const char audit_many_sql[] = AUDIT_INSERT;

/*
 * The audit queue.  The strings of the queued entries are kept in one
 * buffer, by offset, so that once the buffer has grown to the size of a
 * batch, queueing allocates nothing.  The multi-row statement binds the
 * tool, the OS user and the actor once (?1 to ?3) and AUDIT_PER values
 * for each entry.
 */
#define AUDIT_BATCH	64
#define AUDIT_PER	11
#define NOSTR		((size_t)-1)

enum { Q_AT, Q_ACTION, Q_TBL, Q_KEY, Q_OLD, Q_NEW, Q_REASON, Q_NSTR };

struct thads_auditq {
	size_t	 off[AUDIT_BATCH][Q_NSTR];
	long long rowid[AUDIT_BATCH];
	int	 n;
	char	*buf;
	size_t	 len;
	size_t	 cap;
	sqlite3_stmt *many;
	time_t	 now_t;
	char	 now[32];
};

int
thads_db_schema_version(void)
{
	return thads_schema_version();
}

int
thads_db_fail(struct thads_db *db, int rc, struct thads_err *err)
{
	const char *msg = db && db->h ? sqlite3_errmsg(db->h) :
	    sqlite3_errstr(rc);
	int prim = rc & 0xff, sys;

	if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
		return thads_seterr(err, THADS_EDATA, db ? db->path : NULL, 0,
		    "damaged or not a database: %s", msg);
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return thads_seterr(err, THADS_EBUSY, db ? db->path : NULL, 0,
		    "database is locked (busy timeout passed): %s", msg);
	/* What the system said is worth more than "disk I/O error". */
	sys = db && db->h ? sqlite3_system_errno(db->h) : 0;
	if (prim == SQLITE_FULL || (prim == SQLITE_IOERR &&
	    (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)))
		return thads_seterr(err, THADS_EIO, db ? db->path : NULL, 0,
		    "cannot write the database: %s",
		    sys ? strerror(sys) : "disk full");
	if (prim == SQLITE_IOERR)
		return thads_seterr(err, THADS_EIO, db ? db->path : NULL, 0,
		    "cannot read or write the database: %s (%s)", msg,
		    sys ? strerror(sys) : "is the disk full or failing?");
	if (prim == SQLITE_READONLY || prim == SQLITE_CANTOPEN)
		return thads_seterr(err, THADS_ECANTCREAT, db ? db->path : NULL,
		    0, "cannot write the database: %s%s%s (check the "
		    "permissions of the file and of its directory)", msg,
		    sys ? ": " : "", sys ? strerror(sys) : "");
	return thads_seterr(err, THADS_EDB, db ? db->path : NULL, 0,
	    "database error: %s", msg);
}

int
thads_db_exec(struct thads_db *db, const char *sql, struct thads_err *err)
{
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : thads_db_fail(db, rc, err);
}

int
thads_db_prepare(struct thads_db *db, const char *sql, sqlite3_stmt **st,
    struct thads_err *err)
{
	int rc = sqlite3_prepare_v2(db->h, sql, -1, st, NULL);

	return rc == SQLITE_OK ? 0 : thads_db_fail(db, rc, err);
}

int
thads_db_begin(struct thads_db *db, struct thads_err *err)
{
	int rc = thads_db_exec(db, "BEGIN IMMEDIATE", err);

	db->chain_loaded = 0;
	db->chain_dirty = 0;
	if (rc == 0) {
		db->intx = 1;
		db->tx++;
	}
	return rc;
}

/*
 * The head file is written before COMMIT, while this process still holds
 * the write lock, so that two writers cannot leave it out of order.  It
 * then names both the entry the chain ended on and the one it ends on
 * now, since a crash may stop the program before or after the COMMIT;
 * once COMMIT is through, the old entry is dropped from it.  The head
 * lock keeps the next writer from writing its own head file between our
 * COMMIT and that last write.  When the COMMIT fails, the head file is
 * put back.  A failure of the last write alone leaves the two-entry
 * file, which still verifies: the commit is not reported as failed.
 */
int
thads_db_commit(struct thads_db *db, struct thads_err *err)
{
	int rc = thads_db_audit_flush(db, err);
	int head = rc == 0 && db->chain_dirty;
	int lock = -1;

	if (head && (lock = thads_audit_lock_head(db->path, err)) < 0)
		rc = lock;
	if (head && rc == 0)
		rc = thads_audit_write_pending(db->path, db->chain_id,
		    db->chain_hash, db->chain_id0, db->chain_hash0, err);
	if (rc == 0)
		rc = thads_db_exec(db, "COMMIT", err);
	if (head && lock >= 0)
		(void)thads_audit_write_head(db->path, rc == 0 ? db->chain_id :
		    db->chain_id0, rc == 0 ? db->chain_hash : db->chain_hash0,
		    NULL);
	thads_audit_unlock_head(lock);
	if (rc == 0) {
		db->intx = 0;
		db->chain_loaded = 0;
		db->chain_dirty = 0;
	}
	return rc;
}

int
thads_db_rollback(struct thads_db *db)
{
	int rc;

	if (db->auditq != NULL) {
		db->auditq->n = 0;
		db->auditq->len = 0;
	}
	db->chain_loaded = 0;
	db->chain_dirty = 0;
	if (!db->intx)
		return 0;
	db->intx = 0;
	rc = sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : THADS_EDB;
}

/*
 * Create the file first with mode 0600 when it does not exist, so that
 * SQLite (which copies the main file's mode onto the -wal and -shm files)
 * never makes it readable by others, whatever the umask.
 */
static int
create_private(const char *path, struct thads_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot create database: %s", strerror(errno));
	if (fchmod(fd, 0600) != 0 || close(fd) != 0)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot create database: %s", strerror(errno));
	return 0;
}

static int
check_file(struct thads_db *db, const char *path, unsigned flags,
    struct thads_err *err)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		if (errno != ENOENT || (flags & (THADS_DB_RDONLY |
		    THADS_DB_NOCREATE)))
			return thads_seterr(err, THADS_ENOINPUT, path, 0,
			    "cannot open database: %s", strerror(errno));
		return create_private(path, err);
	}
	if (!S_ISREG(sb.st_mode))
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "not a regular file");
	db->world_readable = (sb.st_mode & 077) != 0;
	return 0;
}

/* Bring the schema up to date in one transaction. */
static int
user_version(struct thads_db *db, int *have, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, "PRAGMA user_version", &st, err)))
		return rc;
	rc = sqlite3_step(st);
	*have = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : thads_db_fail(db, rc, err);
}

/*
 * The application id THADS writes in the database header (PRAGMA
 * application_id), "THAD" in ASCII, so that a SQLite file of another
 * program is told apart from a THADS database and never migrated into
 * one.
 */
#define THADS_APPLICATION_ID	0x54484144

static int
pragma_int(struct thads_db *db, const char *sql, int *out,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, sql, &st, err)))
		return rc;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : thads_db_fail(db, rc, err);
}

/*
 * Refuse a database that another program made: one with a schema but no
 * THADS version, or a version without the THADS application id.
 */
static int
foreign(struct thads_db *db, int have, struct thads_err *err)
{
	int app, n, rc;

	if ((rc = pragma_int(db, "PRAGMA application_id", &app, err)) ||
	    (rc = pragma_int(db, "SELECT count(*) FROM sqlite_master", &n,
	    err)))
		return rc;
	if (have == 0 && n > 0)
		return thads_seterr(err, THADS_EDATA, db->path, 0,
		    "not a THADS database: it holds %d tables or other objects "
		    "of another program; nothing changed", n);
	if (have > 0 && app != THADS_APPLICATION_ID)
		return thads_seterr(err, THADS_EDATA, db->path, 0,
		    "not a THADS database (application id 0x%08x); nothing "
		    "changed", (unsigned)app);
	return 0;
}

static int
migrate(struct thads_db *db, int readonly, struct thads_err *err)
{
	char sql[64];
	int have, want = thads_schema_version(), rc;

	if ((rc = user_version(db, &have, err)))
		return rc;
	if (have > want)
		return thads_seterr(err, THADS_ETOONEW, db->path, 0,
		    "database schema version %d is newer than this program's "
		    "(%d): use a newer THADS", have, want);
	if (have == want)
		return 0;
	if (readonly)
		return thads_seterr(err, THADS_EDB, db->path, 0,
		    "database schema version %d needs migration to %d: open it "
		    "read-write once (thads-admin migrate)", have, want);
	if ((rc = thads_db_begin(db, err)))
		return rc;
	/*
	 * Read the version again under the write lock: another program
	 * opening a new database at the same moment may have migrated it
	 * while this one waited.
	 */
	if ((rc = user_version(db, &have, err)))
		goto fail;
	if (have == 0 && (rc = foreign(db, have, err)))
		goto fail;
	if (have >= want) {
		thads_db_rollback(db);
		return have > want ? thads_seterr(err, THADS_ETOONEW, db->path,
		    0, "database schema version %d is newer than this "
		    "program's (%d): use a newer THADS", have, want) : 0;
	}
	for (; have < want; have++)
		if ((rc = thads_db_exec(db, thads_schema_migration(have),
		    err)))
			goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", want);
	if ((rc = thads_db_exec(db, sql, err)))
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
	    THADS_APPLICATION_ID);
	if ((rc = thads_db_exec(db, sql, err)))
		goto fail;
	return thads_db_commit(db, err);
fail:
	thads_db_rollback(db);
	return rc;
}

static int
pragmas(struct thads_db *db, int readonly, long busy_ms,
    struct thads_err *err)
{
	int have, rc;

	sqlite3_busy_timeout(db->h, busy_ms > 0x7fffffff ? 0x7fffffff :
	    (int)busy_ms);
	/* Before anything is written to it, not even the journal mode. */
	if ((rc = user_version(db, &have, err)) ||
	    (rc = foreign(db, have, err)))
		return rc;
	if ((rc = thads_db_exec(db, "PRAGMA foreign_keys = ON", err)))
		return rc;
	/*
	 * 32 MiB of page cache: a large import touches indexes all over the
	 * file, and with SQLite's default of 2 MiB it spends its time writing
	 * and re-reading spilled pages.  This is most of the tools' memory.
	 */
	if ((rc = thads_db_exec(db, "PRAGMA cache_size = -32768", err)))
		return rc;
	if (readonly)
		return 0;
	if ((rc = thads_db_exec(db, "PRAGMA journal_mode = WAL", err)))
		return rc;
	return thads_db_exec(db, "PRAGMA synchronous = FULL", err);
}

static void
set_user(struct thads_db *db)
{
	struct passwd pw, *res = NULL;
	char buf[1024];

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 &&
	    res != NULL)
		snprintf(db->user, sizeof(db->user), "%s", pw.pw_name);
	else
		snprintf(db->user, sizeof(db->user), "uid%ld",
		    (long)geteuid());
}

/*
 * Whether the database can only be read as a file that nobody changes:
 * its directory is not writable (a read-only directory or file system)
 * and no WAL or shared-memory file is beside it.  SQLite cannot then
 * create the shared-memory file that reading a WAL database needs, but
 * nobody else can change the database either: a writer would need to
 * create the same files.
 */
static int
frozen(const char *path)
{
	char dir[4200], side[4300];
	const char *slash = strrchr(path, '/');
	int n;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if ((n = snprintf(dir, sizeof(dir), "%.*s",
	    (int)(slash - path) + (slash == path), path)) < 0 ||
	    (size_t)n >= sizeof(dir))
		return 0;
	if (access(dir, W_OK) == 0)
		return 0;
	snprintf(side, sizeof(side), "%s-wal", path);
	if (access(side, F_OK) == 0)
		return 0;
	snprintf(side, sizeof(side), "%s-shm", path);
	return access(side, F_OK) != 0;
}

/* path as a "file:" URI with immutable=1, escaped; NULL if too long. */
static char *
immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), i, j = 0;
	char *u = malloc(n * 3 + 32);

	if (u == NULL)
		return NULL;
	j = (size_t)snprintf(u, 8, "file:");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c == '%' || c == '?' || c == '#' || c < 0x20) {
			u[j++] = '%';
			u[j++] = hex[c >> 4];
			u[j++] = hex[c & 15];
		} else {
			u[j++] = (char)c;
		}
	}
	snprintf(u + j, 32, "?immutable=1");
	return u;
}

static int
open_handle(struct thads_db *db, const char *path, int *ro,
    struct thads_err *err)
{
	int oflags = *ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	char *uri = NULL;
	int rc;

	oflags |= SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	if (frozen(path) && (uri = immutable_uri(path)) != NULL) {
		*ro = 1;
		oflags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
		    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX;
	}
	rc = sqlite3_open_v2(uri ? uri : path, &db->h, oflags, NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return thads_seterr(err, *ro ? THADS_ENOINPUT :
		    THADS_ECANTCREAT, path, 0, "cannot open database: %s",
		    db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
	return 0;
}

int
thads_db_open(const char *path, unsigned flags, long busy_ms,
    const char *tool, struct thads_db **out, struct thads_err *err)
{
	struct thads_db *db;
	int ro = (flags & THADS_DB_RDONLY) != 0, rc;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL ||
	    (db->path = strdup(path)) == NULL) {
		free(db);
		return thads_seterr(err, THADS_ENOMEM, path, 0, "out of memory");
	}
	db->tool = tool;
	set_user(db);
	/*
	 * SQLite's count of the memory it uses takes a global mutex on
	 * every allocation, some 5 % of a large import; no tool reads it.
	 * This only works before SQLite is first used in the process and
	 * is otherwise refused, harmlessly.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if ((rc = check_file(db, path, flags, err)))
		goto fail;
	/*
	 * NOMUTEX: a connection is only ever used by the thread that opened
	 * it, so SQLite's per-call locking of the connection is not needed.
	 */
	if ((rc = open_handle(db, path, &ro, err)) != 0)
		goto fail;
	sqlite3_extended_result_codes(db->h, 1);
	if ((rc = pragmas(db, ro, busy_ms, err)) ||
	    (rc = migrate(db, ro, err)))
		goto fail;
	*out = db;
	return 0;
fail:
	thads_db_close(db);
	return rc;
}

void
thads_db_close(struct thads_db *db)
{
	if (db == NULL)
		return;
	thads_db_rollback(db);
	sqlite3_finalize(db->audit_st);
	if (db->auditq != NULL) {
		sqlite3_finalize(db->auditq->many);
		free(db->auditq->buf);
		free(db->auditq);
	}
	if (db->h != NULL)
		sqlite3_close_v2(db->h);
	free(db->path);
	free(db);
}

void
thads_now_utc(char *buf, size_t size)
{
	struct tm tm;
	time_t t = time(NULL);

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
thads_today(char *buf, size_t size)
{
	struct tm tm;
	time_t t = time(NULL);

	localtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Read the newest entry of the chain, once per transaction. */
static int
chain_load(struct thads_db *db, struct thads_err *err)
{
	static const char sql[] =
	    "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st;
	const unsigned char *h;
	int rc;

	if (db->chain_loaded)
		return 0;
	db->chain_id = 0;
	snprintf(db->chain_hash, sizeof(db->chain_hash), "%s",
	    THADS_AUDIT_GENESIS);
	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db->chain_id = sqlite3_column_int64(st, 0);
		h = sqlite3_column_text(st, 1);
		snprintf(db->chain_hash, sizeof(db->chain_hash), "%s",
		    h ? (const char *)h : "");
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	db->chain_id0 = db->chain_id;
	memcpy(db->chain_hash0, db->chain_hash, sizeof(db->chain_hash));
	db->chain_loaded = 1;
	return 0;
}

/*
 * Link the next entry into the chain: its id and the previous hash into
 * *id and prev, its own hash into hash.  The chain moves on at once; a
 * failed INSERT fails the transaction, which drops the chain state.
 */
static void
chain_next(struct thads_db *db, const char *const f[THADS_AU_NF],
    long long rowid, long long *id, char *prev, char *hash)
{
	*id = db->chain_id + 1;
	memcpy(prev, db->chain_hash, THADS_AUDIT_HEX);
	thads_audit_hash(prev, *id, rowid, f, hash);
	db->chain_id = *id;
	memcpy(db->chain_hash, hash, THADS_AUDIT_HEX);
	db->chain_dirty = 1;
}

/* Write one entry with the single-row statement. */
static int
write_one(struct thads_db *db, const char *at, const char *action,
    const char *tbl, long long rowid, const char *key, const char *old,
    const char *new, const char *reason, struct thads_err *err)
{
	const char *f[THADS_AU_NF] = { at, db->tool, db->user, db->actor,
	    action, tbl, key, old, new, reason };
	char prev[THADS_AUDIT_HEX], hash[THADS_AUDIT_HEX];
	sqlite3_stmt *st;
	long long id;
	int rc;

	if ((rc = chain_load(db, err)) != 0)
		return rc;
	if (db->audit_st == NULL &&
	    (rc = thads_db_prepare(db, audit_sql, &db->audit_st, err)))
		return rc;
	st = db->audit_st;
	bind_text(st, 1, at);
	bind_text(st, 2, db->tool);
	bind_text(st, 3, db->user);
	bind_text(st, 4, db->actor);
	bind_text(st, 5, action);
	bind_text(st, 6, tbl);
	sqlite3_bind_int64(st, 7, rowid);
	bind_text(st, 8, key);
	bind_text(st, 9, old);
	bind_text(st, 10, new);
	bind_text(st, 11, reason);
	chain_next(db, f, rowid, &id, prev, hash);
	sqlite3_bind_int64(st, 12, id);
	bind_text(st, 13, prev);
	bind_text(st, 14, hash);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE) {
		/* Not written: the chain must not move past it. */
		db->chain_loaded = 0;
		return thads_db_fail(db, rc, err);
	}
	return 0;
}

int
thads_db_audit(struct thads_db *db, const char *action, const char *tbl,
    long long rowid, const char *key, const char *old, const char *new,
    const char *reason, struct thads_err *err)
{
	char now[32];
	int rc, own = !db->intx;

	if ((rc = thads_db_audit_flush(db, err)) != 0)
		return rc;
	if (own && (rc = thads_db_begin(db, err)) != 0)
		return rc;
	thads_now_utc(now, sizeof(now));
	rc = write_one(db, now, action, tbl, rowid, key, old, new, reason,
	    err);
	if (own && rc == 0)
		rc = thads_db_commit(db, err);
	if (own && rc != 0)
		thads_db_rollback(db);
	return rc;
}

static int
prepare_many(struct thads_db *db, struct thads_err *err)
{
	char sql[16384];
	size_t n;
	int i, b;

	n = (size_t)snprintf(sql, sizeof(sql), "%s", audit_many_sql);
	for (i = 0; i < AUDIT_BATCH && n < sizeof(sql); i++) {
		b = 4 + i * AUDIT_PER;
		n += (size_t)snprintf(sql + n, sizeof(sql) - n, "%s(?%d,?1,?2,"
		    "?3,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d,?%d)", i ? "," : " ",
		    b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8,
		    b + 9, b + 10);
	}
	return thads_db_prepare(db, sql, &db->auditq->many, err);
}

/* Copy s into the queue's buffer; its offset, or NOSTR for NULL. */
static int
keep(struct thads_auditq *q, const char *s, size_t *off)
{
	size_t len, cap;
	char *p;

	*off = NOSTR;
	if (s == NULL)
		return 0;
	len = strlen(s) + 1;
	if (q->len + len > q->cap) {
		cap = q->cap ? q->cap : 16384;
		while (cap < q->len + len)
			cap *= 2;
		if ((p = realloc(q->buf, cap)) == NULL)
			return -1;
		q->buf = p;
		q->cap = cap;
	}
	memcpy(q->buf + q->len, s, len);
	*off = q->len;
	q->len += len;
	return 0;
}

static const char *
qstr(const struct thads_auditq *q, int i, int which)
{
	size_t off = q->off[i][which];

	return off == NOSTR ? NULL : q->buf + off;
}

/* Write a full queue with the multi-row statement. */
static int
write_many(struct thads_db *db, struct thads_err *err)
{
	struct thads_auditq *q = db->auditq;
	char prev[THADS_AUDIT_HEX], hash[THADS_AUDIT_HEX];
	const char *f[THADS_AU_NF];
	sqlite3_stmt *st;
	long long id;
	int i, b, rc;

	if (q->many == NULL && (rc = prepare_many(db, err)) != 0)
		return rc;
	if ((rc = chain_load(db, err)) != 0)
		return rc;
	st = q->many;
	bind_text(st, 1, db->tool);
	bind_text(st, 2, db->user);
	bind_text(st, 3, db->actor);
	for (i = 0; i < q->n; i++) {
		b = 4 + i * AUDIT_PER;
		bind_text(st, b, qstr(q, i, Q_AT));
		bind_text(st, b + 1, qstr(q, i, Q_ACTION));
		bind_text(st, b + 2, qstr(q, i, Q_TBL));
		sqlite3_bind_int64(st, b + 3, q->rowid[i]);
		bind_text(st, b + 4, qstr(q, i, Q_KEY));
		bind_text(st, b + 5, qstr(q, i, Q_OLD));
		bind_text(st, b + 6, qstr(q, i, Q_NEW));
		bind_text(st, b + 7, qstr(q, i, Q_REASON));
		f[THADS_AU_AT] = qstr(q, i, Q_AT);
		f[THADS_AU_TOOL] = db->tool;
		f[THADS_AU_USER] = db->user;
		f[THADS_AU_ACTOR] = db->actor;
		f[THADS_AU_ACTION] = qstr(q, i, Q_ACTION);
		f[THADS_AU_TBL] = qstr(q, i, Q_TBL);
		f[THADS_AU_KEY] = qstr(q, i, Q_KEY);
		f[THADS_AU_OLD] = qstr(q, i, Q_OLD);
		f[THADS_AU_NEW] = qstr(q, i, Q_NEW);
		f[THADS_AU_REASON] = qstr(q, i, Q_REASON);
		chain_next(db, f, q->rowid[i], &id, prev, hash);
		sqlite3_bind_int64(st, b + 8, id);
		sqlite3_bind_text(st, b + 9, prev, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, b + 10, hash, -1, SQLITE_TRANSIENT);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db->chain_loaded = 0;
		return thads_db_fail(db, rc, err);
	}
	return 0;
}

/* Write a queue that is not full, one entry at a time. */
static int
write_each(struct thads_db *db, struct thads_err *err)
{
	struct thads_auditq *q = db->auditq;
	int i, rc = 0;

	for (i = 0; i < q->n && rc == 0; i++)
		rc = write_one(db, qstr(q, i, Q_AT), qstr(q, i, Q_ACTION),
		    qstr(q, i, Q_TBL), q->rowid[i], qstr(q, i, Q_KEY),
		    qstr(q, i, Q_OLD), qstr(q, i, Q_NEW), qstr(q, i, Q_REASON),
		    err);
	return rc;
}

int
thads_db_audit_flush(struct thads_db *db, struct thads_err *err)
{
	struct thads_auditq *q = db->auditq;
	int rc;

	if (q == NULL || q->n == 0)
		return 0;
	rc = q->n == AUDIT_BATCH ? write_many(db, err) : write_each(db, err);
	q->n = 0;
	q->len = 0;
	return rc;
}

int
thads_db_audit_queue(struct thads_db *db, const char *action,
    const char *tbl, long long rowid, const char *key, const char *old,
    const char *new, const char *reason, struct thads_err *err)
{
	struct thads_auditq *q;
	size_t *off;
	time_t t = time(NULL);

	if (db->auditq == NULL &&
	    (db->auditq = calloc(1, sizeof(*db->auditq))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	q = db->auditq;
	if (t != q->now_t) {
		q->now_t = t;
		thads_now_utc(q->now, sizeof(q->now));
	}
	off = q->off[q->n];
	if (keep(q, q->now, &off[Q_AT]) || keep(q, action, &off[Q_ACTION]) ||
	    keep(q, tbl, &off[Q_TBL]) || keep(q, key, &off[Q_KEY]) ||
	    keep(q, old, &off[Q_OLD]) || keep(q, new, &off[Q_NEW]) ||
	    keep(q, reason, &off[Q_REASON]))
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	q->rowid[q->n++] = rowid;
	return q->n == AUDIT_BATCH ? thads_db_audit_flush(db, err) : 0;
}

/*
 * test_db.c: unit tests for lib/db.c: creating and opening the database
 * file, its pragmas and schema version, read-only and missing files,
 * locks and the busy timeout, the audit trail and the clock helpers.
 * Every database lives in a temporary directory.
 */
#define _GNU_SOURCE		/* nftw() */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

#include "thads.h"
#include "db.h"
#include "record.h"

#define TOOL "thads-test"

static char tmpdir[] = "/tmp/thads-db-XXXXXX";

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rmone, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path in the temporary directory; two may be in use at once. */
static const char *
tpath(const char *name)
{
	static char buf[2][512];
	static int i;

	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

/* Open path read-write with a short busy timeout, or fail the test. */
static struct thads_db *
open_ok(const char *path, unsigned flags)
{
	struct thads_db *db = NULL;
	struct thads_err err;
	int rc;

	thads_clearerr(&err);
	rc = thads_db_open(path, flags, 100, TOOL, &db, &err);
	if (rc != 0)
		fail_msg("cannot open '%s' (%d): %s", path, rc, err.msg);
	assert_non_null(db);
	return db;
}

/* The first column of the first row of sql, as an integer. */
static long long
qint(struct thads_db *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The same as text, into buf; "(null)" for NULL. */
static const char *
qtext(struct thads_db *db, const char *sql, char *buf, size_t size)
{
	const unsigned char *t;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	t = sqlite3_column_text(st, 0);
	snprintf(buf, size, "%s", t ? (const char *)t : "(null)");
	sqlite3_finalize(st);
	return buf;
}

static void
exec_ok(struct thads_db *db, const char *sql)
{
	struct thads_err err;

	if (thads_db_exec(db, sql, &err) != 0)
		fail_msg("%s: %s", sql, err.msg);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Whether s matches pat, where '9' in pat stands for any digit. */
static int
shape(const char *s, const char *pat)
{
	for (; *pat != '\0'; s++, pat++) {
		if (*pat == '9' ? (*s < '0' || *s > '9') : *s != *pat)
			return 0;
	}
	return *s == '\0';
}

/* db-1.1: a new database file is created with mode 0600 even under
 * umask 0, and so are its -wal and -shm files. */
static void
create_private(void **state)
{
	struct thads_db *db;
	struct stat sb;
	mode_t old;

	(void)state;
	old = umask(0);
	db = open_ok(tpath("new.db"), 0);
	umask(old);
	assert_int_equal(stat(tpath("new.db"), &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(db->world_readable, 0);
	assert_int_equal(db->intx, 0);
	assert_string_equal(db->path, tpath("new.db"));
	assert_string_equal(db->tool, TOOL);

	/* The WAL files exist while the database is open. */
	assert_int_equal(stat(tpath("new.db-wal"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(stat(tpath("new.db-shm"), &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	thads_db_close(db);
}

/* db-1.2: WAL mode, synchronous=FULL and foreign keys are in effect. */
static void
pragmas(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	char buf[64];

	(void)state;
	db = open_ok(tpath("pragmas.db"), 0);
	assert_string_equal(qtext(db, "PRAGMA journal_mode", buf,
	    sizeof(buf)), "wal");
	assert_int_equal(qint(db, "PRAGMA synchronous"), 2);
	assert_int_equal(qint(db, "PRAGMA foreign_keys"), 1);

	/* A row that points at no person is refused. */
	assert_int_equal(thads_db_exec(db, "INSERT INTO judgment (person_id,"
	    " number, date, sentence_type, created_at, updated_at) VALUES"
	    " (99, 'J1', '2024-01-01', 'fine', 'x', 'x')", &err), THADS_EDB);
	assert_non_null(strstr(err.msg, "FOREIGN KEY"));
	assert_int_equal(qint(db, "SELECT count(*) FROM judgment"), 0);
	thads_db_close(db);
}

/* db-1.3: the schema is at thads_db_schema_version(); opening again does
 * not migrate again and keeps the data. */
static void
schema_version(void **state)
{
	struct thads_db *db;
	long long sv;

	(void)state;
	assert_true(thads_db_schema_version() >= 1);
	db = open_ok(tpath("version.db"), 0);
	assert_int_equal(qint(db, "PRAGMA user_version"),
	    thads_db_schema_version());
	exec_ok(db, "INSERT INTO facility (code, created_at, updated_at)"
	    " VALUES ('HN01', 'x', 'x')");
	sv = qint(db, "PRAGMA schema_version");
	assert_int_equal(qint(db, "SELECT count(*) FROM sqlite_master WHERE"
	    " name = 'admission'"), 1);
	thads_db_close(db);

	db = open_ok(tpath("version.db"), THADS_DB_NOCREATE);
	assert_int_equal(qint(db, "PRAGMA user_version"),
	    thads_db_schema_version());
	assert_int_equal(qint(db, "PRAGMA schema_version"), sv);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility"), 1);
	thads_db_close(db);

	db = open_ok(tpath("version.db"), THADS_DB_RDONLY);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility"), 1);
	thads_db_close(db);
}

/* db-1.4: a database from a newer THADS is refused, naming both
 * versions, and is left as it was. */
static void
too_new(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	char sql[64], want[128];
	int v = thads_db_schema_version();
	unsigned flags[2] = { 0, THADS_DB_RDONLY };
	size_t i;

	(void)state;
	db = open_ok(tpath("new-schema.db"), 0);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
	exec_ok(db, sql);
	thads_db_close(db);

	for (i = 0; i < 2; i++) {
		db = (struct thads_db *)1;
		assert_int_equal(thads_db_open(tpath("new-schema.db"),
		    flags[i], 100, TOOL, &db, &err), THADS_ETOONEW);
		assert_null(db);
		assert_int_equal(err.code, THADS_ETOONEW);
		snprintf(want, sizeof(want), "version %d is newer than this "
		    "program's (%d)", v + 1, v);
		if (strstr(err.msg, want) == NULL)
			fail_msg("'%s' lacks '%s'", err.msg, want);
		assert_string_equal(err.file, tpath("new-schema.db"));
	}
	assert_int_equal(thads_exit_status(THADS_ETOONEW), 78);
}

/* db-1.5: read-only and no-create opens of a missing file fail with
 * THADS_ENOINPUT and create nothing. */
static void
missing_file(void **state)
{
	struct thads_db *db;
	struct thads_err err;

	(void)state;
	thads_clearerr(&err);
	assert_int_equal(thads_db_open(tpath("absent.db"), THADS_DB_RDONLY,
	    100, TOOL, &db, &err), THADS_ENOINPUT);
	assert_null(db);
	assert_string_equal(err.file, tpath("absent.db"));
	assert_non_null(strstr(err.msg, strerror(ENOENT)));
	assert_int_equal(access(tpath("absent.db"), F_OK), -1);

	assert_int_equal(thads_db_open(tpath("absent.db"), THADS_DB_NOCREATE,
	    100, TOOL, &db, &err), THADS_ENOINPUT);
	assert_null(db);
	assert_int_equal(access(tpath("absent.db"), F_OK), -1);
}

/* db-1.6: a path in a missing directory cannot be created; a directory
 * is not a database. */
static void
cannot_create(void **state)
{
	struct thads_db *db;
	struct thads_err err;

	(void)state;
	assert_int_equal(thads_db_open(tpath("nodir/x.db"), 0, 100, TOOL,
	    &db, &err), THADS_ECANTCREAT);
	assert_null(db);
	assert_int_equal(err.code, THADS_ECANTCREAT);
	assert_string_equal(err.file, tpath("nodir/x.db"));
	assert_non_null(strstr(err.msg, strerror(ENOENT)));

	assert_int_equal(mkdir(tpath("adir.db"), 0700), 0);
	assert_int_equal(thads_db_open(tpath("adir.db"), 0, 100, TOOL, &db,
	    &err), THADS_ENOINPUT);
	assert_null(db);
	assert_non_null(strstr(err.msg, "not a regular file"));
}

/* db-1.7: a read-only handle reads but cannot write; a read-only open
 * of a database that needs migrating is refused and leaves it alone. */
static void
read_only(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	struct stat sb;
	int fd;

	(void)state;
	db = open_ok(tpath("ro.db"), 0);
	exec_ok(db, "INSERT INTO facility (code, created_at, updated_at)"
	    " VALUES ('HN01', 'x', 'x')");
	thads_db_close(db);

	db = open_ok(tpath("ro.db"), THADS_DB_RDONLY);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility"), 1);
	/* Cannot write: 73, as for any file that cannot be written. */
	assert_int_equal(thads_db_exec(db, "INSERT INTO facility (code,"
	    " created_at, updated_at) VALUES ('HN02', 'x', 'x')", &err),
	    THADS_ECANTCREAT);
	assert_non_null(strstr(err.msg, "readonly"));
	assert_int_equal(thads_db_audit(db, "insert", "facility", 1, "HN02",
	    NULL, "{}", NULL, &err), THADS_ECANTCREAT);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility"), 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 0);
	thads_db_close(db);

	/* An empty file is a database at version 0. */
	fd = open(tpath("empty.db"), O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(thads_db_open(tpath("empty.db"), THADS_DB_RDONLY,
	    100, TOOL, &db, &err), THADS_EDB);
	assert_null(db);
	assert_non_null(strstr(err.msg, "needs migration"));
	assert_int_equal(stat(tpath("empty.db"), &sb), 0);
	assert_int_equal(sb.st_size, 0);

	/* Read-write, it is migrated. */
	db = open_ok(tpath("empty.db"), THADS_DB_NOCREATE);
	assert_int_equal(qint(db, "PRAGMA user_version"),
	    thads_db_schema_version());
	thads_db_close(db);
}

/* db-1.8: a file that others may read is flagged, one kept private is
 * not. */
static void
world_readable(void **state)
{
	struct thads_db *db;

	(void)state;
	db = open_ok(tpath("wr.db"), 0);
	thads_db_close(db);

	assert_int_equal(chmod(tpath("wr.db"), 0644), 0);
	db = open_ok(tpath("wr.db"), 0);
	assert_int_equal(db->world_readable, 1);
	thads_db_close(db);

	assert_int_equal(chmod(tpath("wr.db"), 0640), 0);
	db = open_ok(tpath("wr.db"), THADS_DB_RDONLY);
	assert_int_equal(db->world_readable, 1);
	thads_db_close(db);

	assert_int_equal(chmod(tpath("wr.db"), 0600), 0);
	db = open_ok(tpath("wr.db"), 0);
	assert_int_equal(db->world_readable, 0);
	thads_db_close(db);
}

/* db-2.1: a writer waits for the busy timeout and then gets
 * THADS_EBUSY; once the lock is released it gets it. */
static void
busy(void **state)
{
	struct thads_db *a, *b, *c;
	struct thads_err err;
	double t0, ms;

	(void)state;
	a = open_ok(tpath("busy.db"), 0);
	b = open_ok(tpath("busy.db"), 0);
	assert_int_equal(thads_db_exec(a, "BEGIN IMMEDIATE", &err), 0);

	t0 = now_ms();
	assert_int_equal(thads_db_begin(b, &err), THADS_EBUSY);
	ms = now_ms() - t0;
	if (ms < 90 || ms > 1000)
		fail_msg("waited %.0f ms for a 100 ms busy timeout", ms);
	assert_int_equal(err.code, THADS_EBUSY);
	assert_non_null(strstr(err.msg, "locked"));
	assert_int_equal(b->intx, 0);

	/* Readers are not blocked by the writer. */
	c = open_ok(tpath("busy.db"), THADS_DB_RDONLY);
	assert_int_equal(qint(c, "SELECT count(*) FROM person"), 0);
	thads_db_close(c);

	assert_int_equal(thads_db_exec(a, "COMMIT", &err), 0);
	assert_int_equal(thads_db_begin(b, &err), 0);
	assert_int_equal(b->intx, 1);
	assert_int_equal(thads_db_commit(b, &err), 0);
	assert_int_equal(b->intx, 0);
	thads_db_close(a);
	thads_db_close(b);
}

/* db-2.2: opening a database that needs migrating while another process
 * writes waits, then fails with THADS_EBUSY. */
static void
busy_migrate(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	sqlite3 *h;
	double t0, ms;

	(void)state;
	assert_int_equal(sqlite3_open(tpath("busy2.db"), &h), SQLITE_OK);
	/* Empty on disk (a table of another program would be refused). */
	assert_int_equal(sqlite3_exec(h, "PRAGMA journal_mode = WAL;"
	    " BEGIN IMMEDIATE; CREATE TABLE x (a)", NULL, NULL, NULL),
	    SQLITE_OK);
	t0 = now_ms();
	assert_int_equal(thads_db_open(tpath("busy2.db"), 0, 100, TOOL, &db,
	    &err), THADS_EBUSY);
	ms = now_ms() - t0;
	if (ms < 90 || ms > 1000)
		fail_msg("waited %.0f ms for a 100 ms busy timeout", ms);
	assert_null(db);
	assert_int_equal(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	db = open_ok(tpath("busy2.db"), 0);
	assert_int_equal(qint(db, "PRAGMA user_version"),
	    thads_db_schema_version());
	thads_db_close(db);
}

/* db-2.3: commit keeps, rollback and close without commit drop. */
static void
transactions(void **state)
{
	struct thads_db *db;
	struct thads_err err;

	(void)state;
	db = open_ok(tpath("tx.db"), 0);
	assert_int_equal(thads_db_rollback(db), 0);	/* none open */
	assert_int_equal(thads_db_begin(db, &err), 0);
	assert_int_equal(db->intx, 1);
	exec_ok(db, "INSERT INTO facility (code, created_at, updated_at)"
	    " VALUES ('A', 'x', 'x')");
	assert_int_equal(thads_db_rollback(db), 0);
	assert_int_equal(db->intx, 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility"), 0);

	assert_int_equal(thads_db_begin(db, &err), 0);
	exec_ok(db, "INSERT INTO facility (code, created_at, updated_at)"
	    " VALUES ('B', 'x', 'x')");
	assert_int_equal(thads_db_commit(db, &err), 0);

	assert_int_equal(thads_db_begin(db, &err), 0);
	exec_ok(db, "INSERT INTO facility (code, created_at, updated_at)"
	    " VALUES ('C', 'x', 'x')");
	thads_db_close(db);

	db = open_ok(tpath("tx.db"), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility"), 1);
	assert_int_equal(qint(db, "SELECT count(*) FROM facility WHERE"
	    " code = 'B'"), 1);
	thads_db_close(db);
	thads_db_close(NULL);
}

/* db-2.4: SQL errors come back as THADS_EDB with SQLite's message; lock
 * codes as THADS_EBUSY. */
static void
errors(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	sqlite3_stmt *st = NULL;

	(void)state;
	db = open_ok(tpath("err.db"), 0);
	assert_int_equal(thads_db_prepare(db, "SELEKT 1", &st, &err),
	    THADS_EDB);
	assert_null(st);
	assert_non_null(strstr(err.msg, "syntax error"));
	assert_string_equal(err.file, tpath("err.db"));
	assert_int_equal(thads_db_prepare(db, "SELECT * FROM nope", &st,
	    &err), THADS_EDB);
	assert_non_null(strstr(err.msg, "no such table: nope"));
	assert_int_equal(thads_db_prepare(db, "SELECT 1", &st, &err), 0);
	sqlite3_finalize(st);
	assert_int_equal(thads_db_exec(db, "COMMIT", &err), THADS_EDB);

	assert_int_equal(thads_db_fail(db, SQLITE_BUSY, &err), THADS_EBUSY);
	assert_int_equal(thads_db_fail(db, SQLITE_BUSY_SNAPSHOT, &err),
	    THADS_EBUSY);
	assert_int_equal(thads_db_fail(db, SQLITE_LOCKED, &err),
	    THADS_EBUSY);
	/* A damaged file is bad input data, not a fault of the program. */
	assert_int_equal(thads_db_fail(db, SQLITE_CORRUPT, &err), THADS_EDATA);
	assert_int_equal(thads_db_fail(db, SQLITE_NOTADB, &err), THADS_EDATA);
	/* A full disk and an I/O error are write errors (74). */
	assert_int_equal(thads_db_fail(db, SQLITE_FULL, &err), THADS_EIO);
	assert_non_null(strstr(err.msg, "cannot write the database"));
	assert_int_equal(thads_db_fail(NULL, SQLITE_IOERR, &err), THADS_EIO);
	assert_non_null(strstr(err.msg, sqlite3_errstr(SQLITE_IOERR)));
	assert_string_equal(err.file, "");
	thads_db_close(db);
}

/* db-3.1: an audit entry carries the time, tool, OS user, actor,
 * action, table, row, key, old and new values and reason. */
static void
audit(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	struct passwd *pw;
	char buf[256], want[256], user[64];

	(void)state;
	pw = getpwuid(geteuid());
	if (pw != NULL)
		snprintf(user, sizeof(user), "%s", pw->pw_name);
	else
		snprintf(user, sizeof(user), "uid%ld", (long)geteuid());

	db = open_ok(tpath("audit.db"), 0);
	assert_string_equal(db->user, user);
	assert_int_equal(thads_db_begin(db, &err), 0);
	assert_int_equal(thads_db_audit(db, "update", "person", 42, "P-1",
	    "{\"name\":\"An\"}", "{\"name\":\"Ân\"}", "typo", &err), 0);
	db->actor = "officer-7";
	assert_int_equal(thads_db_audit(db, "insert", "episode", 7,
	    "P-1/2024-01-10", NULL, "{\"status\":\"serving\"}", NULL, &err),
	    0);
	assert_int_equal(thads_db_commit(db, &err), 0);

	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 2);
	assert_true(shape(qtext(db, "SELECT at FROM audit WHERE id = 1", buf,
	    sizeof(buf)), "9999-99-99T99:99:99Z"));
	snprintf(want, sizeof(want), "%s|%s|NULL|update|person|42|P-1|"
	    "{\"name\":\"An\"}|{\"name\":\"Ân\"}|typo", TOOL, user);
	assert_string_equal(qtext(db, "SELECT tool || '|' || os_user || '|' ||"
	    " coalesce(actor, 'NULL') || '|' || action || '|' || tbl || '|' ||"
	    " row_id || '|' || record_key || '|' || coalesce(old, 'NULL') ||"
	    " '|' || new || '|' || coalesce(reason, 'NULL') FROM audit"
	    " WHERE id = 1", buf, sizeof(buf)), want);
	assert_string_equal(qtext(db, "SELECT actor || '|' || action || '|' ||"
	    " tbl || '|' || row_id || '|' || record_key || '|' ||"
	    " coalesce(old, 'NULL') || '|' || new || '|' ||"
	    " coalesce(reason, 'NULL') FROM audit WHERE id = 2", buf,
	    sizeof(buf)), "officer-7|insert|episode|7|P-1/2024-01-10|NULL|"
	    "{\"status\":\"serving\"}|NULL");
	assert_string_equal(qtext(db, "SELECT tool FROM audit WHERE id = 2",
	    buf, sizeof(buf)), TOOL);
	assert_string_equal(qtext(db, "SELECT os_user FROM audit WHERE id = 2",
	    buf, sizeof(buf)), user);

	/* Outside the allowed actions, or without a key: refused, and the
	 * next entry still goes in. */
	assert_int_equal(thads_db_audit(db, "frob", "person", 1, "P-1", NULL,
	    NULL, NULL, &err), THADS_EDB);
	assert_non_null(strstr(err.msg, "CHECK"));
	assert_int_equal(thads_db_audit(db, "delete", "person", 1, NULL, NULL,
	    NULL, NULL, &err), THADS_EDB);
	assert_int_equal(thads_db_audit(db, "purge", "person", 1, "P-1",
	    "{}", NULL, "retention", &err), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 3);
	thads_db_close(db);
}

/* db-3.2: an audit entry written inside a transaction that is rolled
 * back is gone with it. */
static void
audit_rollback(void **state)
{
	struct thads_db *db;
	struct thads_err err;

	(void)state;
	db = open_ok(tpath("audit2.db"), 0);
	assert_int_equal(thads_db_begin(db, &err), 0);
	assert_int_equal(thads_db_audit(db, "insert", "person", 1, "P-1",
	    NULL, "{}", NULL, &err), 0);
	assert_int_equal(thads_db_rollback(db), 0);
	assert_int_equal(qint(db, "SELECT count(*) FROM audit"), 0);
	thads_db_close(db);
}

/* db-4.1: today is a local "YYYY-MM-DD" date, now a UTC
 * "YYYY-MM-DDTHH:MM:SSZ" time. */
static void
clock_shapes(void **state)
{
	char today[16], now[32], a[32], b[32];
	struct tm tm;
	time_t t0, t1;
	int y, m, d;

	(void)state;
	t0 = time(NULL);
	thads_today(today, sizeof(today));
	thads_now_utc(now, sizeof(now));
	t1 = time(NULL);
	assert_true(shape(today, "9999-99-99"));
	assert_int_equal(thads_date_parse(today, &y, &m, &d), 0);
	assert_true(shape(now, "9999-99-99T99:99:99Z"));

	localtime_r(&t0, &tm);
	strftime(a, sizeof(a), "%Y-%m-%d", &tm);
	localtime_r(&t1, &tm);
	strftime(b, sizeof(b), "%Y-%m-%d", &tm);
	assert_true(strcmp(today, a) == 0 || strcmp(today, b) == 0);
	gmtime_r(&t0, &tm);
	strftime(a, sizeof(a), "%Y-%m-%dT%H:%M:%SZ", &tm);
	gmtime_r(&t1, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	assert_true(strcmp(now, a) >= 0 && strcmp(now, b) <= 0);

	/* The minimum sizes of the contract are enough. */
	thads_now_utc(a, 21);
	assert_int_equal(strlen(a), 20);
	thads_today(b, 11);
	assert_int_equal(strlen(b), 10);
}

/* db-5.1: a symbolic link is refused as the database path, whether it
 * points at a database or nowhere; nothing is created through it. */
static void
symlink_refused(void **state)
{
	struct thads_db *db;
	struct thads_err err;
	int rc;

	(void)state;
	db = open_ok(tpath("real.db"), 0);
	thads_db_close(db);
	assert_int_equal(symlink(tpath("real.db"), tpath("link.db")), 0);

	rc = thads_db_open(tpath("link.db"), 0, 100, TOOL, &db, &err);
	assert_true(rc == THADS_ECANTCREAT || rc == THADS_ENOINPUT);
	assert_null(db);
	assert_int_equal(err.code, rc);
	assert_string_equal(err.file, tpath("link.db"));
	assert_int_equal(thads_db_open(tpath("link.db"), THADS_DB_RDONLY, 100,
	    TOOL, &db, &err), THADS_ENOINPUT);
	assert_null(db);

	assert_int_equal(symlink(tpath("target.db"), tpath("dangling.db")),
	    0);
	rc = thads_db_open(tpath("dangling.db"), 0, 100, TOOL, &db, &err);
	assert_true(rc == THADS_ECANTCREAT || rc == THADS_ENOINPUT);
	assert_null(db);
	assert_int_equal(access(tpath("target.db"), F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_private),
		cmocka_unit_test(pragmas),
		cmocka_unit_test(schema_version),
		cmocka_unit_test(too_new),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(cannot_create),
		cmocka_unit_test(read_only),
		cmocka_unit_test(world_readable),
		cmocka_unit_test(busy),
		cmocka_unit_test(busy_migrate),
		cmocka_unit_test(transactions),
		cmocka_unit_test(errors),
		cmocka_unit_test(audit),
		cmocka_unit_test(audit_rollback),
		cmocka_unit_test(clock_shapes),
		cmocka_unit_test(symlink_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * test_audit_mutation.c: the audit hash chain against 1,000 random
 * tamperings.  A trail of a few hundred entries is written through the
 * library (single entries and the batched queue, with and without an
 * actor, reasons and JSON values); then, 1,000 times, one mutation is
 * made inside a transaction on the same connection, the chain is
 * checked as thads-admin check checks it, and the transaction is rolled
 * back.  The mutations come from a seeded generator, so that a failure
 * can be replayed:
 *
 *	flip		one byte of one column of one entry (a bit of an
 *			integer column; a NULL column given a byte)
 *	nul		bytes appended to a text column behind a NUL, which
 *			a C string would not see; or a row id made NULL
 *	delete		one entry, anywhere, the newest included
 *	insert		a copy of an entry put anywhere (the ids after it
 *			moved up), or appended with a correct hash, as a
 *			forger who knows the hash function would
 *	reorder		two entries swapped
 *
 * Each must be caught: 1,000 out of 1,000.
 */
#define _GNU_SOURCE		/* nftw() */

#include <sys/stat.h>

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "admin.h"
#include "audit.h"
#include "db.h"

#define MUTATIONS	1000
#define SEED		20261204ULL

static char tmpdir[] = "/tmp/thads-auditmut-XXXXXX";
static struct thads_db *db;
static uint64_t rng = SEED;

static const char *const cols[] = {
	"id", "at", "tool", "os_user", "actor", "action", "tbl", "row_id",
	"record_key", "old", "new", "reason", "prev_hash", "hash"
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static uint64_t
next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static long long
pick(long long n)
{
	return (long long)(next() % (uint64_t)n);
}

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
exec_ok(const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* A trail written the way the tools write it. */
static int
setup(void **state)
{
	static const char *const actions[] = { "insert", "update", "delete",
	    "purge" };
	struct thads_err err;
	char path[256], key[32], old[128], new[128];
	int t, i, rc = 0;

	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/a.db", tmpdir);
	thads_clearerr(&err);
	if (thads_db_open(path, 0, 1000, "thads-test", &db, &err) != 0)
		return -1;
	for (t = 0; t < 6 && rc == 0; t++) {
		db->actor = t % 2 ? "officer-7" : NULL;
		rc = thads_db_begin(db, &err);
		for (i = 0; i < 70 && rc == 0; i++) {
			snprintf(key, sizeof(key), "HS%05d", t * 100 + i);
			snprintf(old, sizeof(old), "{\"name\":\"Lê Văn %d\"}", i);
			snprintf(new, sizeof(new), "{\"name\":\"Lê Thị %d\","
			    "\"n\":%d}", i, t);
			if (t < 3)
				rc = thads_db_audit_queue(db, actions[i % 4],
				    "person", t * 100 + i, key, i % 3 ? old :
				    NULL, new, i % 5 ? NULL : "correction",
				    &err);
			else
				rc = thads_db_audit(db, actions[i % 4],
				    i % 2 ? "episode" : "person", t * 100 + i,
				    key, old, i % 4 ? new : NULL, "court order",
				    &err);
		}
		if (rc == 0)
			rc = thads_db_commit(db, &err);
	}
	db->actor = NULL;
	exec_ok("PRAGMA ignore_check_constraints = ON");
	return rc;
}

static int
teardown(void **state)
{
	(void)state;
	thads_db_close(db);
	return nftw(tmpdir, rmone, 16, FTW_DEPTH | FTW_PHYS);
}

static long long
scalar(const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Run sql with the texts or integers given; 0 or SQLite's code. */
static int
run(const char *sql, const char *text, int textlen, long long a,
    long long b)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL)) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
	if (text != NULL)
		sqlite3_bind_text(st, 1, text, textlen, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, a);
	sqlite3_bind_int64(st, 3, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : rc;
}

static int
id_taken(long long id)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE id = "
	    "%lld", id);
	return scalar(sql) > 0;
}

/* Flip one byte (or bit) of one column of entry id. */
static int
flip(long long id, char *what, size_t size)
{
	const char *col = cols[pick(NCOLS)];
	char sql[256], *buf;
	sqlite3_stmt *st;
	long long v, nv;
	int type, len, pos;

	snprintf(sql, sizeof(sql), "SELECT %s FROM audit WHERE id = %lld",
	    col, id);
	assert_int_equal(sqlite3_prepare_v2(db->h, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	type = sqlite3_column_type(st, 0);
	snprintf(sql, sizeof(sql), "UPDATE audit SET %s = ?1 WHERE id = ?2",
	    col);
	if (type == SQLITE_INTEGER) {
		v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		/* A new id must be free and positive: a move, not a clash. */
		do
			nv = v ^ (1LL << pick(20));
		while (strcmp(col, "id") == 0 && (nv <= 0 ||
		    id_taken(nv)));
		snprintf(what, size, "flip a bit of %s of entry %lld", col, id);
		if (strcmp(col, "id") == 0)
			return run("UPDATE audit SET id = ?2 WHERE id = ?3",
			    NULL, 0, nv, id);
		snprintf(sql, sizeof(sql), "UPDATE audit SET %s = ?2 WHERE "
		    "id = ?3", col);
		return run(sql, NULL, 0, nv, id);
	}
	len = sqlite3_column_bytes(st, 0);
	buf = malloc((size_t)len + 2);
	assert_non_null(buf);
	if (type == SQLITE_NULL) {
		len = 1;
		buf[0] = (char)('a' + pick(26));
		snprintf(what, size, "give NULL %s of entry %lld a byte", col,
		    id);
	} else {
		memcpy(buf, sqlite3_column_text(st, 0), (size_t)len);
		pos = (int)pick(len);
		buf[pos] ^= (char)(1 + pick(255));
		snprintf(what, size, "flip byte %d of %s of entry %lld", pos,
		    col, id);
	}
	sqlite3_finalize(st);
	snprintf(sql, sizeof(sql), "UPDATE audit SET %s = ?1 WHERE id = ?2",
	    col);
	len = run(sql, buf, len, id, 0);
	free(buf);
	return len;
}

/* Append a NUL and a byte to a text column of entry id. */
static int
nul(long long id, char *what, size_t size)
{
	static const char *const text[] = { "at", "tool", "os_user",
	    "action", "tbl", "record_key", "prev_hash", "hash" };
	const char *col = text[pick(8)];
	char sql[256];

	if (pick(8) == 0) {
		snprintf(what, size, "set row_id of entry %lld to NULL", id);
		return run("UPDATE audit SET row_id = NULL WHERE id = ?2",
		    NULL, 0, id, 0);
	}

	snprintf(what, size, "append a NUL and a byte to %s of entry %lld",
	    col, id);
	snprintf(sql, sizeof(sql), "UPDATE audit SET %s = CAST(%s || "
	    "char(0) || 'x' AS TEXT) WHERE id = ?2", col, col);
	return run(sql, NULL, 0, id, 0);
}

/* Put a copy of entry from at id at, moving the later entries up. */
static int
insert_at(long long from, long long at, char *what, size_t size)
{
	snprintf(what, size, "insert a copy of entry %lld as entry %lld",
	    from, at);
	exec_ok("CREATE TEMP TABLE IF NOT EXISTS cp AS SELECT * FROM audit "
	    "WHERE 0");
	exec_ok("DELETE FROM cp");
	if (run("INSERT INTO cp SELECT * FROM audit WHERE id = ?2", NULL, 0,
	    from, 0) != 0)
		return -1;
	exec_ok("UPDATE audit SET id = -id - 1000000");
	if (run("UPDATE audit SET id = -id - 1000000 + (-id - 1000000 >= ?2)"
	    " WHERE id < 0", NULL, 0, at, 0) != 0)
		return -1;
	return run("INSERT INTO audit SELECT ?2, at, tool, os_user, actor, "
	    "action, tbl, row_id, record_key, old, new, reason, prev_hash, "
	    "hash FROM cp", NULL, 0, at, 0);
}

/*
 * Append a copy of entry from with a correct link and hash: only the
 * head file outside the database can tell.
 */
static int
forge_tail(long long from, char *what, size_t size)
{
	char prev[THADS_AUDIT_HEX], hash[THADS_AUDIT_HEX];
	const char *f[THADS_AU_NF];
	static const int fcols[THADS_AU_NF] = { 1, 2, 3, 4, 5, 6, 8, 9, 10,
	    11 };
	long long last = scalar("SELECT max(id) FROM audit"), rowid;
	sqlite3_stmt *st;
	int i, rc;

	snprintf(what, size, "append a well-formed copy of entry %lld",
	    from);
	assert_int_equal(sqlite3_prepare_v2(db->h, "SELECT hash FROM audit "
	    "WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, last);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(prev, sizeof(prev), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db->h, "SELECT * FROM audit "
	    "WHERE id = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, from);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	for (i = 0; i < THADS_AU_NF; i++)
		f[i] = (const char *)sqlite3_column_text(st, fcols[i]);
	rowid = sqlite3_column_int64(st, 7);
	thads_audit_hash(prev, last + 1, rowid, f, hash);
	sqlite3_finalize(st);
	exec_ok("CREATE TEMP TABLE IF NOT EXISTS cp AS SELECT * FROM audit "
	    "WHERE 0");
	exec_ok("DELETE FROM cp");
	run("INSERT INTO cp SELECT * FROM audit WHERE id = ?2", NULL, 0,
	    from, 0);
	rc = run("UPDATE cp SET id = ?2, prev_hash = ?1", prev, -1, last + 1,
	    0);
	if (rc == 0)
		rc = run("UPDATE cp SET hash = ?1", hash, -1, 0, 0);
	if (rc == 0)
		rc = run("INSERT INTO audit SELECT * FROM cp", NULL, 0, 0, 0);
	return rc;
}

static int
swap(long long a, long long b, char *what, size_t size)
{
	snprintf(what, size, "swap entries %lld and %lld", a, b);
	if (run("UPDATE audit SET id = -1 WHERE id = ?2", NULL, 0, a, 0) ||
	    run("UPDATE audit SET id = ?2 WHERE id = ?3", NULL, 0, a, b))
		return -1;
	return run("UPDATE audit SET id = ?2 WHERE id = -1", NULL, 0, b, 0);
}

static int
mutate(int kind, char *what, size_t size)
{
	long long n = scalar("SELECT max(id) FROM audit");
	long long a = 1 + pick(n), b;

	switch (kind) {
	case 0:
		return flip(a, what, size);
	case 1:
		return nul(a, what, size);
	case 2:
		snprintf(what, size, "delete entry %lld", a);
		return run("DELETE FROM audit WHERE id = ?2", NULL, 0, a, 0);
	case 3:
		return pick(2) ? forge_tail(a, what, size) :
		    insert_at(a, 1 + pick(n + 1), what, size);
	default:
		do
			b = 1 + pick(n);
		while (b == a);
		return swap(a, b, what, size);
	}
}

static void
every_mutation_is_caught(void **state)
{
	static const char *const kinds[] = { "flip", "nul", "delete",
	    "insert", "reorder" };
	struct thads_audit_report r;
	struct thads_err err;
	char what[200];
	long caught = 0, n, per[5] = { 0 }, tried[5] = { 0 };
	int i, kind;

	(void)state;
	thads_clearerr(&err);
	assert_int_equal(thads_admin_check(db, NULL, NULL, &err), 0);
	assert_int_equal(thads_audit_verify(db, THADS_AUDIT_STRICT, &r, &err),
	    0);
	assert_true(r.entries >= 400);
	/* An entry whose row id is 0 must not pass for one with NULL. */
	assert_int_equal(scalar("SELECT row_id FROM audit WHERE id = 1"), 0);
	exec_ok("BEGIN");
	assert_int_equal(run("UPDATE audit SET row_id = NULL WHERE id = 1",
	    NULL, 0, 0, 0), 0);
	assert_true(thads_admin_check(db, NULL, NULL, &err) > 0);
	exec_ok("ROLLBACK");
	for (i = 0; i < MUTATIONS; i++) {
		/* Byte flips are the most varied: half of the draws. */
		kind = pick(10) < 5 ? 0 : 1 + (int)pick(4);
		exec_ok("BEGIN");
		if (mutate(kind, what, sizeof(what)) != 0)
			fail_msg("mutation %d (%s) could not be made: %s", i,
			    what, sqlite3_errmsg(db->h));
		tried[kind]++;
		n = thads_admin_check(db, NULL, NULL, &err);
		if (n > 0) {
			caught++;
			per[kind]++;
		} else {
			print_message("not caught: mutation %d: %s\n", i, what);
		}
		exec_ok("ROLLBACK");
	}
	for (kind = 0; kind < 5; kind++)
		print_message("%s: %ld of %ld caught\n", kinds[kind],
		    per[kind], tried[kind]);
	print_message("%ld of %d mutations caught\n", caught, MUTATIONS);
	assert_int_equal(thads_admin_check(db, NULL, NULL, &err), 0);
	assert_int_equal(caught, MUTATIONS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_mutation_is_caught),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/*
 * db.h: the THADS database.
 *
 * One SQLite file holds everything.  It is created with mode 0600, runs
 * in WAL mode with synchronous=FULL and foreign keys on, and waits for a
 * lock up to a busy timeout so that overlapping cron jobs queue instead
 * of failing.  Every write transaction starts with BEGIN IMMEDIATE, so a
 * writer either gets the write lock at the start or waits for it; it can
 * never fail half-way for want of it.
 *
 * The schema is versioned with PRAGMA user_version.  Opening a database
 * applies the missing migrations in one transaction; a database written
 * by a newer THADS is refused.
 */
#ifndef THADS_DB_H
#define THADS_DB_H

#include <sqlite3.h>

#include "thads.h"

#define THADS_DB_RDONLY	0x1	/* open read-only; the file must exist */
#define THADS_DB_NOCREATE 0x2	/* read-write, but the file must exist */

struct thads_db {
	sqlite3	*h;
	char	*path;
	int	 intx;		/* inside a write transaction */
	unsigned long tx;	/* write transactions begun so far */
	int	 world_readable;	/* group or others may read or write it */
	const char *tool;	/* for the audit trail */
	char	 user[64];	/* OS user, for the audit trail */
	const char *actor;	/* --actor, or NULL */
	sqlite3_stmt *audit_st;	/* prepared once, reused */
	struct thads_auditq *auditq;	/* entries not yet written */
	/* The audit hash chain (audit.h), read once per transaction. */
	int	 chain_loaded;	/* chain_id and chain_hash are current */
	int	 chain_dirty;	/* entries written in this transaction */
	long long chain_id;	/* newest entry */
	char	 chain_hash[65];
	long long chain_id0;	/* newest entry when the transaction began */
	char	 chain_hash0[65];
};

/* The schema version this build writes. */
int	thads_db_schema_version(void);

/*
 * Open (creating it when allowed) the database at path and bring its
 * schema up to date.  tool names the program in the audit trail.
 * Returns 0 and sets *out, or THADS_ENOINPUT (missing file with
 * THADS_DB_RDONLY or THADS_DB_NOCREATE), THADS_ECANTCREAT, THADS_ETOONEW,
 * THADS_EBUSY or THADS_EDB.  Free with thads_db_close().
 */
int	thads_db_open(const char *path, unsigned flags, long busy_ms,
	    const char *tool, struct thads_db **out, struct thads_err *err);

/* Roll back any open transaction and close.  db may be NULL. */
void	thads_db_close(struct thads_db *db);

/*
 * BEGIN IMMEDIATE, COMMIT, ROLLBACK.  Return 0, THADS_EBUSY or THADS_EDB.
 * A commit that wrote audit entries first rewrites the audit head file
 * (audit.h), while it still holds the write lock, and can also fail with
 * THADS_ECANTCREAT, after which the transaction must be rolled back.
 */
int	thads_db_begin(struct thads_db *db, struct thads_err *err);
int	thads_db_commit(struct thads_db *db, struct thads_err *err);
int	thads_db_rollback(struct thads_db *db);

/* Run SQL without results (schema, pragmas).  0, THADS_EBUSY, THADS_EDB. */
int	thads_db_exec(struct thads_db *db, const char *sql,
	    struct thads_err *err);

/*
 * Prepare a statement; on failure fill err with SQLite's message.
 * Returns 0 or THADS_EDB.
 */
int	thads_db_prepare(struct thads_db *db, const char *sql,
	    sqlite3_stmt **st, struct thads_err *err);

/*
 * Turn the SQLite result code rc into a THADS error, filling err:
 * THADS_EBUSY (locked), THADS_EDATA (damaged file), THADS_EIO (a full
 * disk, a file size limit, an I/O error), THADS_ECANTCREAT (a read-only
 * database or directory), else THADS_EDB.  The other functions of this
 * header that say they return THADS_EDB may return these as well.
 */
int	thads_db_fail(struct thads_db *db, int rc, struct thads_err *err);

/*
 * Append an entry to the audit trail, inside the caller's transaction:
 * action is "insert", "update", "delete" or "purge"; tbl and rowid name
 * the record, key is its natural key as text; old and new are JSON
 * objects of the values before and after (NULL when there is none).
 * The entry carries the time, the tool, the OS user and the actor, and
 * is linked into the audit hash chain (audit.h).  Outside a transaction
 * it runs in one of its own.
 */
int	thads_db_audit(struct thads_db *db, const char *action,
	    const char *tbl, long long rowid, const char *key, const char *old,
	    const char *new, const char *reason, struct thads_err *err);

/*
 * Queue an entry for the audit trail, inside a write transaction, with
 * the same arguments as thads_db_audit(): the strings are copied, and
 * the queue is written as
 * one multi-row INSERT when it is full, which costs much less than one
 * statement per entry on a large import.  thads_db_commit() and
 * thads_db_audit() write what is queued first, and thads_db_rollback()
 * drops it, so entries keep their order and live or die with their
 * transaction.  The time of an entry is that of the call.  Returns 0,
 * THADS_ENOMEM, or the error of writing a full queue (THADS_EDB,
 * THADS_EBUSY), after which the transaction must be rolled back.
 */
int	thads_db_audit_queue(struct thads_db *db, const char *action,
	    const char *tbl, long long rowid, const char *key, const char *old,
	    const char *new, const char *reason, struct thads_err *err);

/* Write the queued audit entries now.  Returns as thads_db_audit(). */
int	thads_db_audit_flush(struct thads_db *db, struct thads_err *err);

/* Current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21). */
void	thads_now_utc(char *buf, size_t size);

/* Today's date in the local time zone as "YYYY-MM-DD" (buf >= 11). */
void	thads_today(char *buf, size_t size);

#endif /* THADS_DB_H */

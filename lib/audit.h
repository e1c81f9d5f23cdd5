/*
 * audit.h: the tamper-evident audit trail.
 *
 * Each audit entry carries prev_hash, the hash of the entry before it
 * (64 zeros for the first), and hash, the SHA-256 of prev_hash and of
 * all its other columns, its id included.  Editing an entry breaks its
 * own hash; deleting, inserting or reordering entries breaks the link
 * of the entry after.  Deleting the newest entries breaks nothing inside
 * the database, so the newest id and hash are also kept outside it, in
 * the head file "DB.audit-head" (mode 0600) beside the database, which
 * thads_db_commit() rewrites twice: before COMMIT, while it still holds
 * the write lock, with both the old and the new newest entry (either is
 * then accepted), and after COMMIT with the new one alone.
 */
#ifndef THADS_AUDIT_H
#define THADS_AUDIT_H

#include <stddef.h>

#include "db.h"

#define THADS_AUDIT_HEX	65	/* a hex SHA-256 and its NUL */
#define THADS_AUDIT_GENESIS \
    "0000000000000000000000000000000000000000000000000000000000000000"

/* The columns of an entry that are hashed, besides id and row_id. */
enum {
	THADS_AU_AT, THADS_AU_TOOL, THADS_AU_USER, THADS_AU_ACTOR,
	THADS_AU_ACTION, THADS_AU_TBL, THADS_AU_KEY, THADS_AU_OLD,
	THADS_AU_NEW, THADS_AU_REASON, THADS_AU_NF
};

/*
 * The hash of entry id: f holds its THADS_AU_NF texts (NULL for SQL
 * NULL), prev the hash of the entry before.  Writes 64 hex digits and
 * a NUL into out.  Every field is written with its length first, so
 * that no two different entries hash the same text.
 */
void	thads_audit_hash(const char *prev, long long id, long long rowid,
	    const char *const f[THADS_AU_NF], char out[THADS_AUDIT_HEX]);

/* The head file of the database at dbpath into buf: 0 or THADS_EUSAGE. */
int	thads_audit_head_path(const char *dbpath, char *buf, size_t size);

/*
 * Replace the head file of dbpath with "ID HASH\n", through a private
 * temporary file and a rename.  Returns 0 or THADS_ECANTCREAT.
 */
int	thads_audit_write_head(const char *dbpath, long long id,
	    const char *hash, struct thads_err *err);

/*
 * The head file of a commit in progress: "ID HASH OLDID OLDHASH\n", the
 * newest entry once the commit is done and the newest before it.  A
 * writer killed between this and its final thads_audit_write_head()
 * leaves a file that accepts either end of the chain, so that a crash
 * is not mistaken for tampering.  Returns 0 or THADS_ECANTCREAT.
 */
int	thads_audit_write_pending(const char *dbpath, long long id,
	    const char *hash, long long oldid, const char *oldhash,
	    struct thads_err *err);

/*
 * Take the lock that orders the head file writes of concurrent writers
 * ("DB.audit-head.lock", mode 0600): a commit holds it from its pending
 * line to its final one, which it writes after COMMIT has already let
 * the next writer in.  Returns a descriptor for
 * thads_audit_unlock_head(), or THADS_ECANTCREAT (negative).
 */
int	thads_audit_lock_head(const char *dbpath, struct thads_err *err);
void	thads_audit_unlock_head(int fd);

/*
 * Rewrite the head file from the newest entry of db (after a restore,
 * whose older trail is the truth from then on).  Returns 0, THADS_EDB
 * or THADS_ECANTCREAT.
 */
int	thads_audit_sync_head(struct thads_db *db, struct thads_err *err);

/* What a walk of the chain found. */
struct thads_audit_report {
	long long entries;	/* entries read */
	long long last_id;	/* newest entry, 0 for none */
	long long broken_id;	/* first broken entry, 0 when sound */
	char	 what[256];	/* why it is broken */
};

#define THADS_AUDIT_STRICT 0x1	/* a missing head file is a break */

/*
 * Walk the chain of db from its first entry and compare its end with the
 * head file.  Returns 0 when it is sound, 1 when it is broken (r says
 * where and why: for a deleted tail, broken_id is the first missing id),
 * or THADS_EDB.  Without THADS_AUDIT_STRICT a missing head file is
 * accepted (a copy being checked before a restore has none).
 */
int	thads_audit_verify(struct thads_db *db, unsigned flags,
	    struct thads_audit_report *r, struct thads_err *err);

#endif /* THADS_AUDIT_H */

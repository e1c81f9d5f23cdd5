/*
 * admin.h: looking after the database file: checks, backups, restores.
 *
 * A backup is taken with SQLite's online backup API, so it is consistent
 * even while other programs write: the copy is of one committed state.
 * It is written to a temporary file beside the target, optionally
 * compressed with zstd, and renamed into place only when complete; a
 * checksum file "TARGET.sha256" (the format of sha256sum(1)) is written
 * beside it.  A restore goes the other way: the checksum is verified,
 * the copy is decompressed into a new file beside the database, its
 * integrity and schema version are checked, and only then is it renamed
 * over the database.
 */
#ifndef THADS_ADMIN_H
#define THADS_ADMIN_H

#include "db.h"

/* One finding of a check. */
struct thads_finding {
	const char *check;	/* "integrity", "foreign_key", "orphan", ... */
	char	 where[128];	/* table and row, or "" */
	char	 what[384];	/* the problem */
};

/*
 * Run the checks: SQLite's integrity check, the foreign key check, rows
 * whose person or facility is missing or deleted, the schema version
 * and the audit hash chain (audit.h; finding "audit_chain" at the first
 * broken entry).  fn is called for each finding.  Returns the number of
 * findings (0 when the database is sound), or a negative code when the
 * checks could not run.
 */
long	thads_admin_check(struct thads_db *db,
	    void (*fn)(const struct thads_finding *f, void *ctx), void *ctx,
	    struct thads_err *err);

/*
 * Copy db to path (compressed when path ends in ".zst") and write
 * path.sha256.  flags are THADS_WR_* (THADS_WR_FORCE to replace an
 * existing backup).  On success *bytes is the size written.
 */
int	thads_admin_backup(struct thads_db *db, const char *path, int flags,
	    long long *bytes, struct thads_err *err);

/*
 * Restore the backup at from over the database file dbpath.  The
 * checksum file from.sha256 must match unless noverify is set.  Nothing
 * is replaced unless the copy opens, passes SQLite's integrity check
 * and has a schema version this program can read.  Returns 0, or
 * THADS_ENOINPUT, THADS_EDATA (checksum mismatch, corrupt copy),
 * THADS_ETOONEW, THADS_EBUSY (the database is in use), THADS_EIO.
 */
int	thads_admin_restore(const char *from, const char *dbpath,
	    int noverify, long busy_ms, struct thads_err *err);

/*
 * The SHA-256 of the file at path as 64 hex digits into hex (>= 65
 * bytes).  Returns 0, THADS_ENOINPUT or THADS_EIO.
 */
int	thads_admin_sha256(const char *path, char *hex, struct thads_err *err);

#endif /* THADS_ADMIN_H */

/*
 * dossier.h: the electronic dossier of thads-record: finding a person,
 * showing the whole dossier, its history and who consulted it.
 *
 * A dossier is named by the person's dossier number (person.ext_id) or,
 * failing that, by "#N", the person's row id.  Soft-deleted persons
 * (deleted_at set) are not found.
 */
#ifndef THADS_DOSSIER_H
#define THADS_DOSSIER_H

#include <stdio.h>

#include "db.h"
#include "out.h"

/*
 * The person row id of dossier id into *pid.  Returns 0, or THADS_EDATA
 * ("unknown dossier") or THADS_EDB.
 */
int	thads_dossier_resolve(struct thads_db *db, const char *id,
	    long long *pid, struct thads_err *err);

/* A search: every member that is not NULL must match. */
struct thads_find {
	const char *text;	/* words of a name or alias */
	const char *ext_id;	/* dossier number */
	const char *natid;	/* national ID */
	const char *born;	/* birth date YYYY-MM-DD */
	const char *facility;	/* code of the current facility */
	const char *status;	/* status of the current episode */
	long	 limit;		/* at most this many rows, 0 for all */
};

/* The columns thads_dossier_find() writes. */
extern const struct thads_col thads_find_cols[];
#define THADS_FIND_NCOLS 9

/*
 * Search and write one row per person to o, exact name matches (folded,
 * text.h) first, then partial ones (every word of the name or of an
 * alias) by FTS5 rank.  *n gets the number of rows.  Returns 0,
 * THADS_EUSAGE (nothing to search by), THADS_EDATA (text not UTF-8),
 * THADS_ENOMEM, THADS_EDB or the output layer's error.
 */
int	thads_dossier_find(struct thads_db *db, const struct thads_find *q,
	    struct thads_out *o, long *n, struct thads_err *err);

/*
 * The whole dossier of person pid: as text blocks on fp when o is NULL,
 * else as rows (section, item, field, value) to o, opened with
 * thads_show_cols.  Returns 0, THADS_EIO, THADS_EDB or o's error.
 */
extern const struct thads_col thads_show_cols[];
#define THADS_SHOW_NCOLS 4
int	thads_dossier_show(struct thads_db *db, long long pid, FILE *fp,
	    struct thads_out *o, struct thads_err *err);

/* Every audit entry of the dossier, oldest first (thads_history_cols). */
extern const struct thads_col thads_history_cols[];
#define THADS_HISTORY_NCOLS 9
int	thads_dossier_history(struct thads_db *db, long long pid,
	    struct thads_out *o, struct thads_err *err);

/* Who consulted the dossier, oldest first (thads_access_cols). */
extern const struct thads_col thads_access_cols[];
#define THADS_ACCESS_NCOLS 5
int	thads_dossier_access_log(struct thads_db *db, long long pid,
	    struct thads_out *o, struct thads_err *err);

/*
 * Record in its own transaction that the dossier was consulted: action
 * is "show", "history" or "export".  Returns 0, THADS_EBUSY or THADS_EDB.
 */
int	thads_dossier_log_access(struct thads_db *db, long long pid,
	    const char *action, struct thads_err *err);

/*
 * Change the dossier id by "field=value" assignments (as[0..n-1]; a
 * person field may be named without "person."): the person's current
 * values are read, the assignments applied, the record validated by
 * thads_rec_validate() and written by the import engine, audited with
 * reason, all in one transaction holding the write lock.  *changed is 1
 * when something changed.  Returns 0, THADS_EUSAGE (unknown field, not
 * field=value), THADS_EDATA (unknown dossier, bad value), THADS_EBUSY,
 * THADS_EDB or THADS_ENOMEM; nothing is written on error.
 */
int	thads_dossier_set(struct thads_db *db, const char *id,
	    char *const *as, int n, const char *reason, int *changed,
	    struct thads_err *err);

/*
 * Delete the dossier id with an audit entry ("delete", or "purge" with
 * the person's identity as old value) carrying reason.  A soft delete
 * sets deleted_at on the person and its rows: they leave lookups and
 * reports but stay in the history.  A purge removes them for good.
 * Returns 0, THADS_EDATA (unknown dossier), THADS_EBUSY or THADS_EDB
 * (other tools' rows still refer to the person); nothing is written on
 * error.
 */
int	thads_dossier_delete(struct thads_db *db, const char *id,
	    const char *reason, int purged, struct thads_err *err);

#endif /* THADS_DOSSIER_H */

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
#include "record.h"

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
 * alias) shortest name first.  *n gets the number of rows.  Returns 0,
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

/*
 * The field that name stands for in "thads-record add kind --name": a
 * field of kind ("number", "birth-date": '-' counts as '_'), a full
 * "kind.field" name, or "person" for person.id when kind is not the
 * person.  Returns the field (enum thads_fid) or -1.
 */
int	thads_dossier_field(enum thads_kind kind, const char *name);

/*
 * Add a record of kind to the database: a new person (whose person.id,
 * when given, must be new), or a new row of another kind in the dossier
 * named by r's person.id, r then taking the person's stored values for
 * the person fields it lacks.  r is validated by thads_rec_validate()
 * and written by the import engine, as thads-import does, and audited
 * with reason, in one transaction.  A facility is not a kind that can be
 * added alone: it belongs to no dossier, and comes with an episode.
 * Returns 0, THADS_EUSAGE (kind is the facility, no field of kind, no
 * dossier named), THADS_EDATA (unknown dossier, a bad value, a
 * record that exists already), THADS_EBUSY, THADS_EDB or THADS_ENOMEM;
 * nothing is written on error.
 */
int	thads_dossier_add(struct thads_db *db, enum thads_kind kind,
	    struct thads_rec *r, const char *reason, struct thads_err *err);

/*
 * Read the one record of path ("-": standard input), interchange XML
 * validated against xsd when it is not NULL, into r (zeroed by the
 * caller, cleared with thads_rec_clear()).  Returns 0, THADS_EDATA (no
 * record, more than one, bad XML), or the reader's errors.
 */
int	thads_dossier_read_one(const char *path, const char *xsd,
	    struct thads_rec *r, struct thads_err *err);

struct thads_rules;

/*
 * The dates the sentence engine computes for person pid with the rule
 * pack rules, as of day as_of (days.h): the person's (detention,
 * custody, next classification) and each judgment's (release,
 * reductions, early release, probation, clearance), as text blocks
 * "computed N" on fp when o is NULL, else as rows (computed, N, field,
 * value) to o.  Dates the dossier does not allow are left out.  Returns
 * 0, THADS_ENOMEM, THADS_EIO, THADS_EDB or o's error.
 */
int	thads_dossier_dates(struct thads_db *db, long long pid,
	    const struct thads_rules *rules, int as_of, FILE *fp,
	    struct thads_out *o, struct thads_err *err);

/* What to export: the dossiers named, or every live one. */
struct thads_export {
	char *const *ids;	/* dossier numbers or "#N" */
	size_t	 nids;		/* 0: every dossier */
	const char *since;	/* "YYYY-MM-DD": changed that day or later */
	const char *path;	/* output file, ".zst" compressed; "-" stdout */
	int	 wrflags;	/* THADS_WR_* for the file (zio.h) */
};

/*
 * Write the dossiers of q to q->path in the interchange XML
 * (schema/thads-interchange.xsd), the same bytes for the same data, and
 * record in the access log that each was exported, in one transaction.
 * *n gets the number of dossiers written.  Returns 0, THADS_EUSAGE (a
 * bad since date), THADS_EDATA (unknown dossier), THADS_ECANTCREAT (the
 * output exists, is a symlink, cannot be created), THADS_EIO, THADS_ELIB,
 * THADS_EBUSY, THADS_EDB or THADS_ENOMEM; on error nothing is logged
 * and a file begun is removed.
 */
int	thads_dossier_export(struct thads_db *db, const struct thads_export *q,
	    long *n, struct thads_err *err);

#endif /* THADS_DOSSIER_H */

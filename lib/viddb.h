/*
 * viddb.h: thads-vidscan's cameras and events in the database.
 */
#ifndef THADS_VIDDB_H
#define THADS_VIDDB_H

#include <stdio.h>

#include "db.h"
#include "out.h"
#include "vidcam.h"
#include "videvent.h"

/*
 * Create the vidscan tables (vidschema.h) when the database lacks them,
 * in one transaction.  Once lib/schema.c lists the migration this finds
 * them there and does nothing.  Returns 0, THADS_EDB, THADS_EBUSY.
 */
int	thads_vdb_ensure(struct thads_db *db, struct thads_err *err);

/*
 * Store the cameras of c (inserting or replacing by id), each with its
 * camera element, in one transaction, with an audit entry each.
 * Returns 0, THADS_EDB, THADS_EBUSY, THADS_ENOMEM.
 */
int	thads_vdb_cameras_store(struct thads_db *db,
	    const struct thads_vcams *c, struct thads_err *err);

/*
 * Load the stored cameras into out (empty when there are none), each
 * checked again against the schema xsd.  Returns 0, THADS_EDB,
 * THADS_ECONFIG (a stored camera no longer valid), THADS_ENOMEM.
 */
int	thads_vdb_cameras_load(struct thads_db *db, const char *xsd,
	    struct thads_vcams *out, struct thads_err *err);

/*
 * Write an event: when it opens, insert it (a duplicate of an event
 * stored by an earlier scan of the same source is left alone and
 * ev->rowid set to -1); when it closes, update its end, peak, box and
 * snapshot.  The snapshot (JPEG bytes, may be NULL) goes into the row,
 * or, when snapdir is not NULL, into a file there whose path the row
 * keeps; sha256 is its hex digest.  Returns 0, THADS_EDB, THADS_EBUSY,
 * THADS_ECANTCREAT.
 */
int	thads_vdb_event(struct thads_db *db, struct thads_vevent *ev,
	    int closed, const unsigned char *jpeg, size_t jpeglen,
	    const char *sha256, const char *snapdir, struct thads_err *err);

/*
 * Write the stored events to fp in format fmt (the columns of
 * thads_vsink_cols), oldest first: those starting at or after since
 * ("YYYY-MM-DD HH:MM:SS" or a prefix; NULL for all) of type (NULL for
 * all).  Returns 0, THADS_EDB, THADS_EIO.
 */
int	thads_vdb_list(struct thads_db *db, const char *since,
	    const char *type, FILE *fp, enum thads_fmt fmt, unsigned flags,
	    struct thads_err *err);

/* "YYYY-MM-DD HH:MM:SS" local time of t (seconds since the epoch). */
void	thads_vdb_time(double t, char *buf, size_t size);

/* The SHA-256 of len bytes at p as 64 hex digits and a NUL. */
void	thads_vsha256(const unsigned char *p, size_t len, char hex[65]);

#endif /* THADS_VIDDB_H */

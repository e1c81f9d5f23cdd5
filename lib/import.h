/*
 * import.h: writing flat records into the database.
 *
 * The importer takes records that thads_rec_validate() has accepted and
 * upserts each kind they carry, keyed on its natural key:
 *
 *	person		person.id, else person.national_id, else the folded
 *			name with the birth date (a probable match)
 *	facility	facility.code (or episode.facility)
 *	episode		person and admission date-time
 *	judgment	person and judgment number
 *	detention_order	person and first day
 *	classification	person, period and its last day
 *	reduction	person and decision date
 *	violation	person, date and kind
 *
 * A field absent from the record leaves the stored value alone; a
 * present one that differs replaces it.  Each insert and each change is
 * written to the audit trail with the old and new values (queued, see
 * thads_db_audit_queue(), and written at the latest by the commit).  A
 * record that is refused leaves nothing behind: the writes are ordered
 * so that only the first can fail on the record's account (see
 * import.c).  The caller owns the surrounding transaction and decides
 * whether to commit.
 *
 * A person who is found again through the national ID or the name and
 * birth date, and gets a new admission, is a re-admission: the new
 * episode is linked to the same person and notes how the match was made
 * ("name_birth" marks a probable one).  Identifiers that differ on the
 * two sides tell two people apart: a national ID stored under another
 * dossier number than the record's is refused as a conflict, and the
 * name and birth date never match a person whose dossier number or
 * national ID differs from the record's.
 */
#ifndef THADS_IMPORT_H
#define THADS_IMPORT_H

#include "db.h"
#include "record.h"

enum thads_action {
	THADS_ACT_NONE,		/* the record did not carry this kind */
	THADS_ACT_INSERT,
	THADS_ACT_UPDATE,
	THADS_ACT_SAME		/* present, unchanged */
};

struct thads_import_stats {
	long	 rows;		/* records applied */
	long	 inserted;	/* records that inserted something */
	long	 updated;	/* records that changed something, no insert */
	long	 unchanged;	/* records that changed nothing */
	long	 readmitted;	/* new admissions of known persons */
	long	 probable;	/* of which matched on name and birth only */
	long	 kind_ins[THADS_K_COUNT];
	long	 kind_upd[THADS_K_COUNT];
};

struct thads_import;

/*
 * Prepare an importer on db, which must stay open and inside a write
 * transaction while records are applied.  Returns 0, THADS_ENOMEM or
 * THADS_EDB.
 */
int	thads_import_new(struct thads_db *db, struct thads_import **out,
	    struct thads_err *err);

/*
 * Apply one validated record.  Returns 0; THADS_EDATA when the record
 * conflicts with what is stored (a national ID that belongs to another
 * person, say) or holds a value that is not valid UTF-8, with nothing
 * of it written; or another negative code for a failure that must end
 * the run and roll back its transaction (disk full, busy, out of
 * memory, THADS_ESOFTWARE for a conflict met after the record's first
 * write, which would be a bug).
 */
int	thads_import_rec(struct thads_import *im, const struct thads_rec *r,
	    struct thads_err *err);

/*
 * What the last applied record did to kind k, and the natural key of
 * that kind as text (valid until the next record).
 */
enum thads_action thads_import_action(const struct thads_import *im,
	    enum thads_kind k, const char **key);

/* Running totals. */
const struct thads_import_stats *thads_import_stats(
	    const struct thads_import *im);

/* Finalize the statements and free.  im may be NULL. */
void	thads_import_free(struct thads_import *im);

/*
 * The reason written with every audit entry from now on (thads-record
 * gives the officer's --reason); reason is not copied and must outlive
 * its use.  NULL, the default, writes none.
 */
void	thads_import_set_reason(struct thads_import *im, const char *reason);

#endif /* THADS_IMPORT_H */

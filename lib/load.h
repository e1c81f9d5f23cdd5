/*
 * load.h: loading input files into the database, the work of
 * thads-import.
 *
 * A load is one write transaction over any number of files.  Each file
 * is read (CSV, TSV or interchange XML, plain or zstd), each row turned
 * into a flat record (through a mapping file, or by its interchange
 * column names), validated, and upserted.  A bad row is reported through
 * a callback with its file, line, field and reason, and the load goes on
 * so that every bad row is reported in one run.  At the end the caller
 * commits or rolls back: all or nothing by default, or with a rejects
 * file, the good rows and a file of the bad ones.
 */
#ifndef THADS_LOAD_H
#define THADS_LOAD_H

#include "import.h"

enum thads_infmt { THADS_IN_AUTO, THADS_IN_CSV, THADS_IN_TSV, THADS_IN_XML };

struct thads_load_opts {
	const char *map;	/* mapping file, NULL for the interchange */
	const char *rejects;	/* rejects file, NULL for all-or-nothing */
	unsigned rejects_flags;	/* THADS_WR_* for the rejects file */
	enum thads_infmt infmt;	/* AUTO: by the name (.xml, .tsv, .csv) */
	const char *xsd;	/* schema for XML input, NULL to skip */
	const char *today;	/* "YYYY-MM-DD": no date after it */

	/* Called for every bad row; may be NULL. */
	void	(*bad)(const struct thads_err *err, void *ctx);
	/* Called after each applied record (for --dry-run listings). */
	void	(*applied)(const struct thads_import *im,
		    const struct thads_rec *r, void *ctx);
	/* Called now and then with rows read and bytes consumed/known. */
	void	(*progress)(long rows, long long done, long long total,
		    void *ctx);
	void	*ctx;
};

struct thads_load;

/*
 * Start a load on db: BEGIN IMMEDIATE and prepare the importer.  Returns
 * 0, THADS_EBUSY, THADS_EDB, THADS_ECONFIG (a bad mapping file: err says
 * where) or THADS_ECANTCREAT (the rejects file).
 */
int	thads_load_begin(struct thads_db *db, const struct thads_load_opts *o,
	    struct thads_load **out, struct thads_err *err);

/*
 * Load one file ("-" for stdin).  Returns 0 when the file was read to
 * its end (bad rows are counted, not returned), or a negative code when
 * the load cannot go on: unreadable or corrupt input (THADS_ENOINPUT,
 * THADS_EDATA for a broken stream, a bad header or an unknown column),
 * THADS_ECONFIG (the mapping does not fit the file), THADS_EIO,
 * THADS_EDB, THADS_EBUSY.
 */
int	thads_load_file(struct thads_load *l, const char *path,
	    struct thads_err *err);

/* Rows read, records rejected so far. */
long	thads_load_read(const struct thads_load *l);
long	thads_load_rejected(const struct thads_load *l);

/* The importer's totals. */
const struct thads_import_stats *thads_load_stats(const struct thads_load *l);

/*
 * End the load: commit when commit is set, else roll back; close the
 * rejects file.  Returns 0 or the commit's error.  Frees l.
 */
int	thads_load_end(struct thads_load *l, int commit, struct thads_err *err);

#endif /* THADS_LOAD_H */

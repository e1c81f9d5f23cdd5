/*
 * report.h: the statistics of thads-report(1).
 *
 * Each report turns the database into one table, written as the next
 * table of a document of the output layer (out.h), with metadata that
 * names the report, the version of its definition and the options that
 * shaped it, so that a figure can always be traced to the rule that
 * made it.  The definitions themselves are written out in
 * thads-report(1); a change to one is a new version.
 *
 * Counting units.  Custody episodes of one person that follow each
 * other through a transfer are one stay (see report_stay.c): every
 * count of admissions, releases and lengths of stay is a count of
 * stays, never of episodes.  Population counts persons.
 *
 * Reports read the database only; they work on a connection opened
 * with THADS_DB_RDONLY.
 */
#ifndef THADS_REPORT_H
#define THADS_REPORT_H

#include <stddef.h>

#include "db.h"
#include "out.h"

#define THADS_REPORT_MAXBY	4	/* fields of --by */
#define THADS_REPORT_MAXLIST	32	/* values of --facility, --status */
#define THADS_REPORT_MAXWIN	6	/* recidivism windows */

enum thads_every {
	THADS_EVERY_DAY,
	THADS_EVERY_WEEK,	/* ISO weeks, Monday to Sunday */
	THADS_EVERY_MONTH,
	THADS_EVERY_QUARTER,
	THADS_EVERY_YEAR
};

struct thads_report_opts {
	char	 as_of[11];	/* YYYY-MM-DD: the day the figures are for */
	char	 from[11];	/* first day of the period, "": the default */
	char	 to[11];	/* last day of the period, "" for the default */
	enum thads_every every;
	int	 every_set;	/* --every given */
	int	 windows_set;	/* --windows given */
	const char *by[THADS_REPORT_MAXBY];
	size_t	 nby;
	int	 by_set;	/* --by given (possibly empty: no grouping) */
	const char *facility[THADS_REPORT_MAXLIST];
	size_t	 nfacility;
	const char *status[THADS_REPORT_MAXLIST];
	size_t	 nstatus;
	long	 suppress;	/* 0, or hide counts from 1 to suppress - 1 */
	int	 list;		/* persons rather than counts */
	const unsigned char *key;	/* --pseudonymize key, or NULL */
	size_t	 keylen;
	int	 windows[THADS_REPORT_MAXWIN];	/* recidivism, years */
	size_t	 nwindows;
};

/* What a report takes, besides --as-of, --facility, --status. */
#define THADS_RPT_PERIOD	0x01	/* --from, --to */
#define THADS_RPT_EVERY		0x02	/* --every */
#define THADS_RPT_LIST		0x04	/* --list */
#define THADS_RPT_COUNTS	0x08	/* a table of counts: --suppress */
#define THADS_RPT_WINDOWS	0x10	/* --windows */

struct thads_report {
	const char *name;	/* "population" */
	const char *version;	/* of the definition: "population/1" */
	const char *title;	/* a heading */
	const char *summary;	/* one line for --help */
	unsigned flags;		/* THADS_RPT_* */
	const char *const *dims;	/* --by fields it takes, NULL-ended */
	const char *const *by_default;	/* without --by, NULL-ended */
};

/* The reports, in the order of the manual; *n gets their number. */
const struct thads_report *thads_report_list(size_t *n);

/* The report called name, or NULL. */
const struct thads_report *thads_report_find(const char *name);

/*
 * Fill o with the defaults: as of today (local time), no period (each
 * report then takes the twelve months that end on the as-of day), every
 * month, no grouping or filter, windows of 1, 2 and 3 years.
 */
void	thads_report_defaults(struct thads_report_opts *o);

/*
 * Check that o suits report r: every --by field is one of r's, --list
 * is one of its forms and comes without --suppress or --by, the dates
 * are real and the period is not reversed.  A period, --every or
 * --windows that r has no use for is ignored (several reports share
 * one command line); the caller may check that some report uses them.
 * Returns 0 or THADS_EUSAGE with the reason in err.
 */
int	thads_report_check(const struct thads_report *r,
	    const struct thads_report_opts *o, struct thads_err *err);

/*
 * Compute report r on db and write it to out as its next table (see
 * thads_out_next()).  Returns 0, THADS_EUSAGE (as thads_report_check()),
 * THADS_EDB or THADS_EBUSY (a query failed), THADS_ENOMEM, THADS_ECONFIG
 * (the database lacks what the report needs: a table, or the sentence
 * engine), THADS_ELIB, or an error of the output layer.
 */
int	thads_report_run(struct thads_db *db, const struct thads_report *r,
	    const struct thads_report_opts *o, struct thads_out *out,
	    struct thads_err *err);

/*
 * Write the metadata that report r carries with options o as rows
 * (report, key, value) of out's current table, which the caller opened
 * with three columns: what --meta writes beside a csv file, which holds
 * data only.  Returns 0 or as thads_report_run().
 */
int	thads_report_meta(const struct thads_report *r,
	    const struct thads_report_opts *o, struct thads_out *out,
	    struct thads_err *err);

/*
 * The analyst's query: run the one SQL statement sql on db with an
 * authorizer that allows reading only (no write of any kind, no ATTACH
 * or DETACH, no PRAGMA other than a list of read-only ones, no function
 * that reads or writes files), and write its rows to out as the next
 * table, named "row", its column types taken from the first row (an
 * integer, a real, text that is a date "YYYY-MM-DD", else text).  With
 * a key (o->key), the identifying columns of person (ext_id,
 * national_id, name, ...) read as NULL, the temporary view
 * person_pseudonym shows each person by pseudonym, and the SQL function
 * pseudonym(x) gives the keyed hash of x.  Returns 0, THADS_EUSAGE
 * (not exactly one statement), THADS_EDATA (the statement is refused
 * or fails: err says why), or as thads_report_run().
 */
int	thads_report_sql(struct thads_db *db, const char *sql,
	    const struct thads_report_opts *o, struct thads_out *out,
	    struct thads_err *err);

/*
 * The keyed pseudonym of an identifier: HMAC-SHA-256 of id under key,
 * as 32 lower-case hex digits (the first 128 bits) into buf (at least
 * 33 bytes).  The same key and id always give the same pseudonym.
 */
void	thads_report_pseudonym(const unsigned char *key, size_t keylen,
	    const char *id, char *buf, size_t size);

/* Parse "day", "week", "month", "quarter", "year".  0 or THADS_EUSAGE. */
int	thads_report_every(const char *s, enum thads_every *out);

#endif /* THADS_REPORT_H */

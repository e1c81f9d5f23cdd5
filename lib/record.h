/*
 * record.h: the THADS interchange record.
 *
 * Every input, whatever its source (the interchange CSV, the interchange
 * XML, a foreign export read through a mapping file), becomes a stream
 * of flat records.  A flat record holds at most one value for each
 * canonical field, named "kind.field" ("person.national_id",
 * "episode.admitted").  One record may carry several kinds at once: a
 * person with a judgment and a custody episode.  The person fields are
 * what ties the kinds together; every record names its person.
 *
 * Source columns that have no canonical field may be kept as extras,
 * "extra.NAME", stored with the custody episode so that nothing the
 * source said is lost.
 *
 * The field table in fields.c is the single description of the format:
 * the importer, the validator, the XML schema check and the
 * documentation all follow it.
 */
#ifndef THADS_RECORD_H
#define THADS_RECORD_H

#include <stddef.h>

#include "thads.h"

enum thads_kind {
	THADS_K_PERSON,
	THADS_K_FACILITY,
	THADS_K_EPISODE,
	THADS_K_JUDGMENT,
	THADS_K_ORDER,		/* detention order */
	THADS_K_CLASSIF,	/* classification result */
	THADS_K_REDUCTION,
	THADS_K_VIOLATION,
	THADS_K_COUNT
};

enum thads_ftype {
	THADS_T_TEXT,		/* free text, one line */
	THADS_T_CODE,		/* an identifier: letters, digits, . _ / - */
	THADS_T_NATID,		/* national ID: 9 or 12 digits */
	THADS_T_DATE,		/* YYYY-MM-DD */
	THADS_T_DATETIME,	/* YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] */
	THADS_T_INT,		/* whole number >= 0 */
	THADS_T_ENUM,		/* one of the listed words */
	THADS_T_LIST		/* texts separated by ';' */
};

struct thads_field {
	const char *name;	/* "person.national_id" */
	enum thads_kind kind;
	enum thads_ftype type;
	const char *const *values;	/* THADS_T_ENUM: NULL-ended list */
	long	 max;		/* THADS_T_INT upper bound, or text length */
	const char *doc;	/* one line for the documentation */
};

/* Field numbers: indexes into the table of fields.c. */
enum thads_fid {
	F_PERSON_ID, F_PERSON_NATID, F_PERSON_NAME, F_PERSON_ALIASES,
	F_PERSON_BIRTH, F_PERSON_AGE, F_PERSON_AGE_ON, F_PERSON_SEX,
	F_PERSON_NATIONALITY, F_PERSON_ETHNICITY, F_PERSON_RACE,
	F_PERSON_IRIS, F_PERSON_DNA, F_PERSON_PHOTO,

	F_FAC_CODE, F_FAC_NAME, F_FAC_KIND, F_FAC_WARD,

	F_EP_FACILITY, F_EP_STATUS, F_EP_ADMITTED, F_EP_RELEASED,
	F_EP_REASON, F_EP_LEVEL, F_EP_JUDGMENT,

	F_JU_NUMBER, F_JU_COURT, F_JU_DATE, F_JU_OFFENCE_DATE,
	F_JU_ARTICLE, F_JU_OFFENCE, F_JU_CATEGORY, F_JU_TYPE, F_JU_YEARS,
	F_JU_MONTHS, F_JU_DAYS, F_JU_PROBATION, F_JU_START,
	F_JU_CONSECUTIVE, F_JU_RELEASE_EXT,

	F_OR_NUMBER, F_OR_ISSUED, F_OR_START, F_OR_END, F_OR_CATEGORY,
	F_OR_STAGE,

	F_CL_PERIOD, F_CL_END, F_CL_RESULT,

	F_RE_DECISION, F_RE_DATE, F_RE_YEARS, F_RE_MONTHS, F_RE_DAYS,
	F_RE_JUDGMENT,

	F_VI_DATE, F_VI_KIND, F_VI_NOTE,

	F_COUNT
};

/* One extra value: a source column kept under "extra.NAME". */
struct thads_kv {
	char	*key;
	char	*val;
};

/*
 * A flat record.  v[f] is NULL when field f is absent and "" never: an
 * empty source cell counts as absent.  Strings are owned by the record.
 * file and line say where the record came from, for messages.
 */
struct thads_rec {
	char	*v[F_COUNT];
	struct thads_kv *extra;
	size_t	 nextra;
	size_t	 extracap;
	const char *file;
	long	 line;
};

/* The kind's name as used in field names and XML: "detention_order". */
const char *thads_kind_name(enum thads_kind kind);

/* The field table entry for f. */
const struct thads_field *thads_field(enum thads_fid f);

/* The field called name ("person.id"), or -1. */
int	thads_field_find(const char *name);

/*
 * The canonical spelling of an enumerated value, or NULL when word is
 * not one of f's values.  Matching ignores case and treats '-' and ' '
 * as '_'.
 */
const char *thads_field_enum(enum thads_fid f, const char *word);

/*
 * Store a copy of val (len bytes) as field f, replacing what was there.
 * An empty value clears the field.  Returns 0 or THADS_ENOMEM.
 */
int	thads_rec_set(struct thads_rec *r, enum thads_fid f, const char *val,
	    size_t len);

/* Add an extra value.  Returns 0 or THADS_ENOMEM. */
int	thads_rec_extra(struct thads_rec *r, const char *key, const char *val,
	    size_t len);

/* Whether r carries any field of kind k. */
int	thads_rec_has(const struct thads_rec *r, enum thads_kind k);

/* Free every value and extra and leave r empty (file and line kept). */
void	thads_rec_clear(struct thads_rec *r);

/*
 * Check r against the format: types, enumerations, real dates, ID
 * formats, and the rules that tie fields together (a release not before
 * the admission, a birth not in the future, what each kind requires).
 * Values are rewritten to their canonical spelling (enumerations, dates).
 * today is "YYYY-MM-DD".  On the first problem, returns THADS_EDATA with
 * err->msg naming the field and the reason; err->file and err->line are
 * taken from the record.
 */
int	thads_rec_validate(struct thads_rec *r, const char *today,
	    struct thads_err *err);

/* Years of the dates taken; a date outside them is a typing error. */
#define THADS_YEAR_MIN	1900
#define THADS_YEAR_MAX	2100

/*
 * Parse a date written YYYY-MM-DD, checking that the day exists and that
 * the year is from THADS_YEAR_MIN to THADS_YEAR_MAX.  Stores year, month
 * and day.  Returns 0 or THADS_EDATA.
 */
int	thads_date_parse(const char *s, int *y, int *m, int *d);

/* Days in month m of year y. */
int	thads_date_mdays(int y, int m);

#endif /* THADS_RECORD_H */

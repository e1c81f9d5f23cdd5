/*
 * rules.h: the rule pack, the figures of the law as data.
 *
 * The pack (rules/thads-rules.ini, installed under the data directory)
 * gives every figure the sentence engine uses a legal basis and the
 * date it came into force; a figure may have several versions, and a
 * case takes the version in force on the date that governs it.  The
 * pack also holds the first day of each Lunar New Year and the weekdays
 * off work, for the review rounds and the working-day rule.
 *
 * The code knows the figures by number (enum thads_fig_id) and by name;
 * it never knows their values.  A pack must give every figure at least
 * one version: a missing or unknown figure is a configuration error,
 * so that a typing error in the pack cannot silently drop a rule.
 */
#ifndef THADS_RULES_H
#define THADS_RULES_H

#include <stddef.h>

#include "thads.h"

/* Crime categories, stages and the parts of a detention limit. */
enum { THADS_CAT_LESS, THADS_CAT_SERIOUS, THADS_CAT_VERY, THADS_CAT_ESP,
	THADS_NCAT };
enum { THADS_STAGE_INVESTIGATION, THADS_STAGE_PROSECUTION,
	THADS_STAGE_TRIAL, THADS_NSTAGE };
enum { THADS_DET_BASE, THADS_DET_EXTENSION, THADS_DET_EXTENSIONS,
	THADS_NDET };

enum thads_fig_id {
	THADS_F_CUSTODY_BASE,
	THADS_F_CUSTODY_EXT,
	THADS_F_CUSTODY_EXTS,
	/* THADS_NSTAGE x THADS_NDET x THADS_NCAT: see thads_fig_det(). */
	THADS_F_DET,
	THADS_F_DET_REQUEST = THADS_F_DET + THADS_NSTAGE * THADS_NDET *
	    THADS_NCAT,
	THADS_F_FIXED_MIN,
	THADS_F_FIXED_MAX,
	THADS_F_CAP,
	THADS_F_REFORM_MIN,
	THADS_F_REFORM_MAX,
	THADS_F_CREDIT_PRISON,
	THADS_F_CREDIT_REFORM,
	THADS_F_SUSP_MAX,
	THADS_F_SUSP_FACTOR,
	THADS_F_SUSP_MIN,
	THADS_F_SUSP_PMAX,
	THADS_F_LIFE_TERM,
	THADS_F_LIFE_MIN,
	THADS_F_RED_FIRST,
	THADS_F_RED_FIRST_LIFE,
	THADS_F_RED_MIN,
	THADS_F_RED_NEW,
	THADS_F_RED_NEW_SERIOUS,
	THADS_F_RED_ROUNDS,
	THADS_F_RED_PER_YEAR,
	THADS_F_ER_FRACTION,
	THADS_F_ER_SPECIAL,
	THADS_F_ER_AGE,
	THADS_F_ER_ROUNDS,
	THADS_F_CL_WARNING,
	THADS_F_CL_FINE,
	THADS_F_CL_REFORM,
	THADS_F_CL_SUSPENDED,
	THADS_F_CL_PRISON,
	THADS_F_CL_LIFE,
	THADS_F_CL_COURT,
	THADS_F_CLASS_QUARTERS,
	THADS_F_HOLIDAY_YEARS,
	THADS_F_COUNT
};

/* The figure of a detention limit: stage, part, crime category. */
#define thads_fig_det(stage, part, cat) \
	(THADS_F_DET + ((stage) * THADS_NDET + (part)) * THADS_NCAT + (cat))

enum thads_fig_kind {
	THADS_FK_DURATION,	/* 3d, 72h, 2m, 1y6m */
	THADS_FK_FRACTION,	/* 1/3 */
	THADS_FK_COUNT,		/* 2 */
	THADS_FK_DATES,		/* 04-30,09-02,tet */
	THADS_FK_TIERS,		/* 5y:2y,15y:3y,*:5y */
	THADS_FK_RANGES,	/* 108-122,421-425 */
	THADS_FK_YEARS		/* 2018-2027 */
};

/*
 * A duration as written: years are kept as 12 months.  Which kernel
 * reads it decides what a month is (30 days or a calendar month).
 */
struct thads_dur {
	int	 months;
	int	 days;
	int	 hours;
};

#define THADS_FIG_MAXLIST 16

/* A day of the year in a date list: month * 100 + day, or 0 for Tết. */
#define THADS_MD_TET 0

struct thads_tier {
	int	 open;		/* '*': no upper limit */
	struct thads_dur upto;	/* the term, up to and including */
	struct thads_dur wait;
};

/* One version of one figure. */
struct thads_fig {
	int	 id;		/* enum thads_fig_id */
	int	 from;		/* day number: first day in force */
	long	 line;		/* line of the pack */
	int	 confirm;	/* marked "(to confirm)" */
	char	 value[64];	/* as written */
	char	 basis[200];	/* legal basis, without the mark */
	struct thads_dur dur;	/* THADS_FK_DURATION */
	int	 num, den;	/* THADS_FK_FRACTION */
	long	 count;		/* THADS_FK_COUNT */
	int	 n;		/* entries in md, tiers or lo/hi */
	int	 md[THADS_FIG_MAXLIST];	/* THADS_FK_DATES */
	struct thads_tier tiers[THADS_FIG_MAXLIST];	/* THADS_FK_TIERS */
	int	 lo[THADS_FIG_MAXLIST], hi[THADS_FIG_MAXLIST];
				/* THADS_FK_RANGES, THADS_FK_YEARS */
};

struct thads_holiday {
	int	 day;
	char	 what[96];
};

struct thads_rules;

/* The full name of a figure ("detention.investigation.base.serious"). */
const char *thads_fig_name(int id);

/* The kind of value a figure takes. */
enum thads_fig_kind thads_fig_kind(int id);

/*
 * Load the pack at path.  Returns 0 and sets *out (free with
 * thads_rules_free()), or THADS_ENOINPUT (cannot open), THADS_ENOMEM or
 * THADS_ECONFIG with err naming the file and line.
 */
int	thads_rules_load(const char *path, struct thads_rules **out,
	    struct thads_err *err);

/*
 * Read a further file into a loaded pack, as if appended to it: new
 * versions of figures, more Tết dates and holidays.  Used for local
 * amendments and by the tests of a change in the law.  Returns as
 * thads_rules_load(); on error the pack is left as it was before.
 */
int	thads_rules_add(struct thads_rules *r, const char *path,
	    struct thads_err *err);

/* Free a pack; r may be NULL. */
void	thads_rules_free(struct thads_rules *r);

/* The pack's path, and the name and version from its [pack] section. */
const char *thads_rules_path(const struct thads_rules *r);
const char *thads_rules_name(const struct thads_rules *r);
const char *thads_rules_version(const struct thads_rules *r);

/*
 * The version of figure id in force on day (the latest one whose first
 * day is on or before it), or NULL when the figure was not yet in force.
 */
const struct thads_fig *thads_rules_get(const struct thads_rules *r,
	    int id, int day);

/* Every version of every figure, in the pack's order: count and item. */
size_t	thads_rules_count(const struct thads_rules *r);
const struct thads_fig *thads_rules_at(const struct thads_rules *r,
	    size_t i);

/* The first day of the Lunar New Year of year, or THADS_NODAY. */
int	thads_rules_tet(const struct thads_rules *r, int year);

/* The holidays, sorted by day; *n gets their number. */
const struct thads_holiday *thads_rules_holidays(const struct thads_rules *r,
	    size_t *n);

/* Whether the holiday table covers year. */
int	thads_rules_covers(const struct thads_rules *r, int year);

/* Whether day is off work: a Saturday, a Sunday or a listed holiday. */
int	thads_rules_day_off(const struct thads_rules *r, int day);

/*
 * The first date on or after day (dir > 0), or the last date strictly
 * before day (dir < 0), of the date-list figure id (review rounds,
 * quarter ends), each year's dates taken from the version in force on
 * 1 January of that year.  THADS_NODAY when there is none within three
 * years (no version in force, or no Tết date for a year that needs it).
 */
int	thads_rules_date(const struct thads_rules *r, int id, int day,
	    int dir);

/* Format a duration as the pack writes it ("1y6m", "3d", "72h"). */
void	thads_dur_fmt(const struct thads_dur *d, char *buf, size_t size);

#endif /* THADS_RULES_H */

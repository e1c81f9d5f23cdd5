/*
 * report_int.h: what the report modules share (report*.c); callers use
 * report.h.
 *
 * A report fills a result table (struct rtab) whose columns have roles:
 * dimensions, counts, magnitudes and statistics derived from counts.
 * The table also records which cells add up to which (a total row, a
 * column that is the sum of others) and which cells are computed from
 * which, so that --suppress can hide small counts and every cell that
 * would give them away (report_supp.c) before the table is written.
 *
 * Memory errors in the table and cube builders are sticky: a failed
 * call sets oom and is otherwise a no-op, and the report checks oom
 * once at the end.
 */
#ifndef THADS_REPORT_INT_H
#define THADS_REPORT_INT_H

#include <stddef.h>

#include <sqlite3.h>

#include "report.h"

/* ---- Days: numbers of days since 1970-01-01 ---- */

#define RPT_NODAY	(-1000000)

/* The day of "YYYY-MM-DD..." (a date, or the date of a date-time). */
int	rpt_day(const char *s, int *day);

/* "YYYY-MM-DD" of day into buf (at least 11 bytes). */
void	rpt_date(int day, char *buf);

/* Year, month and day of a day number. */
void	rpt_civil(int day, int *y, int *m, int *d);

/* The day number of y-m-d (d may be past the month's end: clamped). */
int	rpt_make_day(int y, int m, int d);

/*
 * day plus months calendar months: the same day number, or the month's
 * last day when it has no such day (31 January plus one month is 28 or
 * 29 February; 29 February plus one year is 28 February).
 */
int	rpt_add_months(int day, int months);

/* Whole years from day a to day b (an age), by the rule above. */
int	rpt_years_between(int a, int b);

/* The first day of the period of kind e that holds day. */
int	rpt_period_start(int day, enum thads_every e);

/* The first day of the period after the one starting on start. */
int	rpt_period_next(int start, enum thads_every e);

/* The period's label: 2024-03-05, 2024-W10, 2024-03, 2024-Q1, 2024. */
void	rpt_period_label(int start, enum thads_every e, char *buf,
	    size_t size);

/* The periods of kind every that cover [from, to]: start[k] is the
 * first day of period k (the first may begin before from), start[n]
 * the day after the last. */
struct rpt_periods {
	enum thads_every every;
	int	 from, to;
	int	*start;
	size_t	 n;
};

/* Fill p; -1 when out of memory.  Free p->start. */
int	rpt_periods_init(struct rpt_periods *p, int from, int to,
	    enum thads_every e);

/* The period that holds day (which is in [from, to]). */
size_t	rpt_period_of(const struct rpt_periods *p, int day);

/* ---- Dimensions: the fields of --by ---- */

enum rpt_dim {
	D_FACILITY, D_WARD, D_STATUS, D_LEVEL, D_SEX, D_AGE_BAND,
	D_SENTENCE_BAND, D_OFFENCE_GROUP, D_REASON, D_SENTENCE_TYPE,
	D_PERIOD, D_RESULT, D_KIND, D_PROGRAMME, D_TEXT, D_COUNT
};

#define RPT_ALL		"(all)"		/* the total row's dimensions */

/* What is known of the unit being counted: a person, a stay. */
struct unit {
	long long	 pid;		/* person.id */
	const char	*ext_id;	/* person.ext_id, or NULL */
	const char	*facility;	/* facility.code */
	const char	*ward;		/* facility.ward, or NULL */
	const char	*status;	/* episode.status */
	const char	*level;		/* episode.custody_level */
	const char	*reason;	/* episode.release_reason */
	const char	*sex;
	int		 age;		/* whole years on the day, -1 unknown */
	const char	*stype;		/* judgment.sentence_type */
	int		 term_months;	/* judgment term, -1 unknown */
	const char	*article;	/* judgment.article */
	const char	*extra[3];	/* report's own: period, result... */
};

/* The dimension called name, or -1. */
int	rpt_dim_find(const char *name);

/* The name of a dimension. */
const char *rpt_dim_name(int dim);

/* The value of dimension dim for u: never NULL ("unknown" or "none"). */
const char *rpt_dim_value(int dim, const struct unit *u);

/* Compare two values of dim in the order people read them. */
int	rpt_dim_cmp(int dim, const char *a, const char *b);

/*
 * u's age on day: from the birth date when known, else from an age
 * recorded on a day (plus the whole years since); -1 when neither.
 */
int	rpt_age(const char *birth, int age, const char *age_on, int day);

/* A term of years, months and days (each -1 when absent) in whole
 * months, a day being 1/30 of a month; -1 when all are absent. */
int	rpt_term_months(int years, int months, int days);

/* Whether an episode status is custody (not a community sentence). */
int	rpt_is_custody(const char *status);

/* ---- The report's run ---- */

struct rctx {
	struct thads_db *db;
	const struct thads_report *r;
	const struct thads_report_opts *o;
	int		 as_of;		/* days */
	int		 from, to;	/* the period, inclusive */
	int		 by[THADS_REPORT_MAXBY];
	size_t		 nby;
	struct thads_out *out;
	struct thads_err *err;
};

/* Whether u passes --facility and --status. */
int	rpt_keep(const struct rctx *c, const char *facility,
	    const char *status);

/* Prepare sql on the report's database, failing as thads_db_prepare(). */
int	rpt_prepare(struct rctx *c, const char *sql, sqlite3_stmt **st);

/* Fail with the database's error for the SQLite code rc. */
int	rpt_dbfail(struct rctx *c, int rc);

/* Whether the database has table name (or view). */
int	rpt_has_table(struct rctx *c, const char *name);

/* A column's text, or NULL. */
const char *rpt_text(sqlite3_stmt *st, int col);

/* A column's integer, or def when NULL. */
int	rpt_int(sqlite3_stmt *st, int col, int def);

/* Fill the unit's person and judgment fields from columns at first:
 * sex, birth_date, age, age_on, sentence_type, term_years,
 * term_months, term_days, article (9 columns), the age taken on day. */
void	rpt_unit_person(struct unit *u, sqlite3_stmt *st, int first, int day);

/* The SQL columns that rpt_unit_person() reads, for "SELECT ..., "
 * with the person as p and the judgment as j. */
#define RPT_PERSON_COLS \
	"p.sex, p.birth_date, p.age, p.age_on, j.sentence_type, " \
	"j.term_years, j.term_months, j.term_days, j.article"

/* The join for them, from an episode e. */
#define RPT_PERSON_JOIN \
	" JOIN person p ON p.id = e.person_id AND p.deleted_at IS NULL" \
	" LEFT JOIN judgment j ON j.person_id = e.person_id" \
	" AND j.number = e.judgment_number AND j.deleted_at IS NULL"

/* ---- Stays: custody episodes joined by transfers (report_stay.c) ---- */

struct stays;

int	rpt_stays_open(struct rctx *c, struct stays **out);
void	rpt_stays_close(struct stays *s);

/*
 * Whether the custody episode of person pid admitted at admitted
 * continues an earlier one (*yes): its person's previous custody
 * episode ended with a transfer on the day before or the same day (or
 * after it, if the records overlap).
 */
int	rpt_stay_continues(struct stays *s, long long pid,
	    const char *admitted, int *yes);

/*
 * Whether the released custody episode (pid, admitted) with reason
 * reason goes on in another (*yes): reason is transfer and the person's
 * next custody episode starts no later than the day after release.
 */
int	rpt_stay_goes_on(struct stays *s, long long pid, const char *admitted,
	    const char *released, const char *reason, int *yes);

/* The first day of the stay that (pid, admitted) belongs to. */
int	rpt_stay_start(struct stays *s, long long pid, const char *admitted,
	    int *day);

/*
 * The day of the person's first admission after after (a date-time)
 * to a custody episode that is not temporary custody, or RPT_NODAY.
 */
int	rpt_stay_return(struct stays *s, long long pid, const char *after,
	    int *day);

/* ---- Result tables ---- */

enum rpt_role {
	R_DIM,		/* a grouping value */
	R_COUNT,	/* a count of persons or stays: suppressed if small */
	R_MAGN,		/* a sum over the counted units */
	R_STAT,		/* a share, rate, mean or quantile */
	R_TEXT		/* anything else */
};

#define RT_MAXCOLS	48
#define RT_MAXMETA	16
#define RT_MAXCHARTS	4

struct rtab_eq {	/* cell margin = sum of the cells in parts */
	size_t		 margin;
	size_t		*parts;
	size_t		 nparts;
};

struct rtab {
	const char	*name;
	const char	*title;
	struct thads_col cols[RT_MAXCOLS];
	int		 role[RT_MAXCOLS];
	size_t		 ncols;
	char		**cells;	/* nrows * ncols, NULL missing */
	size_t		 nrows;
	size_t		 caprows;
	struct rtab_eq	*eqs;
	size_t		 neqs;
	size_t		 capeqs;
	size_t		(*deps)[2];	/* derived cell, a source cell */
	size_t		 ndeps;
	size_t		 capdeps;
	struct thads_meta meta[RT_MAXMETA];
	size_t		 nmeta;
	struct thads_chart charts[RT_MAXCHARTS];
	size_t		 ncharts;
	int		 oom;
};

void	rtab_init(struct rtab *t, const char *name, const char *title);
void	rtab_free(struct rtab *t);

/* Add a column (name copied); returns its index. */
size_t	rtab_col(struct rtab *t, const char *name, enum thads_coltype type,
	    int role);

/* Add an empty row; returns its index. */
size_t	rtab_row(struct rtab *t);

/* Set a cell: a copy of s (NULL: missing), a whole number, a real
 * with prec decimals. */
void	rtab_set(struct rtab *t, size_t row, size_t col, const char *s);
void	rtab_setn(struct rtab *t, size_t row, size_t col, long long v);
void	rtab_setf(struct rtab *t, size_t row, size_t col, double v, int prec);

/* The cell number of (row, col). */
#define RT_CELL(t, row, col)	((row) * (t)->ncols + (col))

/* Record that cell margin is the sum of parts (copied). */
void	rtab_eq(struct rtab *t, size_t margin, const size_t *parts,
	    size_t nparts);

/* Record that cell derived is computed from cell source. */
void	rtab_dep(struct rtab *t, size_t derived, size_t source);

/* Add metadata (both copied). */
void	rtab_meta(struct rtab *t, const char *key, const char *value);

/* Record the column total: cell (total, col) = sum over rows [r0, r1). */
void	rtab_eq_col(struct rtab *t, size_t total, size_t col, size_t r0,
	    size_t r1);

/*
 * Suppress (when c->o->suppress) and write t through c->out.  Returns 0
 * or an error, with err filled.
 */
int	rtab_write(struct rctx *c, struct rtab *t);

/* The standard metadata of the report. */
void	rpt_meta(struct rctx *c, struct rtab *t);

/* ---- Grouping ---- */

/* A pool of strings, each kept once: rpt_intern() returns the pool's
 * copy of s (NULL when out of memory), valid until rpt_pool_free(). */
struct strpool;
struct strpool *rpt_pool_new(void);
void	rpt_pool_free(struct strpool *p);
const char *rpt_intern(struct strpool *p, const char *s);

#define CUBE_MAXKEY	(THADS_REPORT_MAXBY + 1)

struct cube;

struct cgroup {
	const struct cube *owner;
	const char	*key[CUBE_MAXKEY];
	long long	*acc;		/* the cube's nacc counters */
	int		*vals;		/* kept values (stay lengths) */
	size_t		 nvals;
	size_t		 capvals;
};

/* A cube of groups keyed by the values of ndims dimensions (dims). */
struct cube *cube_new(const int *dims, size_t ndims, size_t nacc);
void	cube_free(struct cube *c);

/* The group for key (values copied once), or NULL when out of memory. */
struct cgroup *cube_get(struct cube *c, const char *const *key);

/* Keep value v in g; -1 when out of memory. */
int	cube_keep(struct cgroup *g, int v);

/* The groups in the dimensions' order; the array is the cube's. */
struct cgroup **cube_sorted(struct cube *c, size_t *n);

/* The key of u for the dimensions of c (dims must be set). */
void	rpt_key(const struct rctx *c, const struct unit *u, const char **key);

/* ---- Reports (one function each) ---- */

int	rpt_population(struct rctx *c);
int	rpt_flow(struct rctx *c);
int	rpt_stay(struct rctx *c);
int	rpt_classification(struct rctx *c);
int	rpt_reductions(struct rctx *c);
int	rpt_recidivism(struct rctx *c);
int	rpt_supervision(struct rctx *c);
int	rpt_community(struct rctx *c);
int	rpt_training(struct rctx *c);
int	rpt_events(struct rctx *c);
int	rpt_releases_due(struct rctx *c);

/* The person column of a list: ext_id, or the pseudonym with a key. */
void	rpt_person_id(const struct rctx *c, const struct unit *u, char *buf,
	    size_t size);

#endif /* THADS_REPORT_INT_H */

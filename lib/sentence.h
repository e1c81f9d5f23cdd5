/*
 * sentence.h: the sentence engine.  From one person's dossier and the
 * rule pack it computes every legal date (release, detention expiry,
 * end of custody, first reduction and early-release dates and their
 * review rounds, end of probation or non-custodial reform, record
 * clearance, next classification), explains each step, and reports
 * what in the dossier prevents a date from being computed.
 *
 * Two date kernels do all the arithmetic; thads-alert(1) writes them
 * down and the golden corpus (testdata/sentence/) tests them.
 *
 * Kernel D, detention and custody (CPC 2015 Art. 134, 173): a month is
 * 30 days; every calendar day counts, weekends and holidays too; the
 * first day of the period is day 1; nothing moves for a day off.  A
 * period of N days starting on S has S + N - 1 as its last day.  Days
 * of temporary custody come off the detention that follows.  Custody
 * itself is counted in hours from the admission.
 *
 * Kernel S, sentence terms and procedural time limits: calendar months
 * with the month-end rule of days.h.  A term of M months and D days
 * that starts on S (its first day, served) runs to the day before
 * S + M months + D days: that day is its last day, included in the
 * term, and is the release date.  Years are 12 months; the months of a
 * term are added in one step (S + 13 months, not S + 1 year + 1 month).
 * A procedural time limit counts from the day after the event: E plus
 * N days, or E plus M months (same day number, or the month's last
 * day), and moves to the next working day when it ends on a day off
 * (to the working day before, for a limit counted backwards).
 */
#ifndef THADS_SENTENCE_H
#define THADS_SENTENCE_H

#include <stddef.h>

#include "days.h"
#include "record.h"
#include "rules.h"

/* episode.status values, in the order of fields.c. */
enum { THADS_S_CUSTODY, THADS_S_DETENTION, THADS_S_SERVING,
	THADS_S_AWAITING, THADS_S_SUSPENDED, THADS_S_REFORM,
	THADS_S_CONDITIONAL, THADS_S_RESIDENCE_BAN, THADS_S_PROBATION };

/* episode.release_reason values. */
enum { THADS_R_SERVED, THADS_R_REDUCTION, THADS_R_AMNESTY,
	THADS_R_CONDITIONAL, THADS_R_TRANSFER, THADS_R_DEATH,
	THADS_R_ACQUITTED, THADS_R_DROPPED, THADS_R_BAIL, THADS_R_CHANGED,
	THADS_R_ESCAPE, THADS_R_OTHER };

/* judgment.sentence_type values. */
enum { THADS_P_WARNING, THADS_P_FINE, THADS_P_REFORM, THADS_P_SUSPENDED,
	THADS_P_FIXED, THADS_P_LIFE, THADS_P_DEATH, THADS_P_RESIDENCE_BAN,
	THADS_P_PROBATION, THADS_P_EXPULSION };

/* classification.period values. */
enum { THADS_PER_QUARTER, THADS_PER_HALF, THADS_PER_YEAR };

/*
 * The index of word in the enumerated values of field f (the order of
 * fields.c, which the enums above follow), or -1.
 */
int	thads_enum_index(enum thads_fid f, const char *word);

/* ---- The two kernels ---- */

/* Kernel D: days in a duration, a month being 30 days. */
int	thads_kd_days(const struct thads_dur *t);

/* Kernel D: last day of a period of days days from start, less deduct. */
int	thads_kd_last(int start, int days, int deduct);

/* Kernel D in hours: the end (seconds) of a custody term from at. */
long long thads_kd_until(long long at, const struct thads_dur *t);

/* Kernel S: the day after a term of months and days from start. */
int	thads_ks_end(int start, int months, int days);

/* Kernel S: the last day of a term of months and days from start. */
int	thads_ks_last(int start, int months, int days);

/*
 * Kernel S, procedural time limits: the last day of a limit of months
 * and days counted from the day after event (dir > 0) or backwards
 * from event (dir < 0).  With shift, a day off moves the end to the
 * next (dir > 0) or previous (dir < 0) working day, and *moved (may be
 * NULL) gets the number of days it moved.
 */
int	thads_kp_deadline(const struct thads_rules *r, int event, int months,
	    int days, int dir, int shift, int *moved);

/* ---- The dossier ---- */

struct thads_ep {		/* custody or supervision episode */
	int	 status;	/* THADS_S_*, -1 unknown */
	int	 admitted;	/* day */
	int	 admitted_s;	/* seconds after midnight (0: date only) */
	int	 released;	/* day, THADS_NODAY while open */
	int	 reason;	/* THADS_R_*, -1 */
	const char *judgment;	/* number of the judgment served, or NULL */
};

struct thads_jud {		/* judgment */
	const char *number;
	int	 date;		/* day of judgment */
	int	 offence;	/* day of the offence, or NODAY */
	int	 start;		/* judgment.start, or NODAY */
	int	 release_ext;	/* date computed elsewhere, or NODAY */
	int	 type;		/* THADS_P_*, -1 */
	int	 category;	/* THADS_CAT_*, -1 */
	const char *article;
	int	 years, months, days;	/* term; -1 when absent */
	int	 probation;	/* months, -1 */
	const char *consecutive;	/* number it follows, or NULL */
};

struct thads_ord {		/* detention order */
	const char *number;
	int	 start, end;	/* first and last day, as written */
	int	 category;	/* THADS_CAT_*, -1 */
	int	 stage;		/* THADS_STAGE_*, -1 (appeal counts as -1) */
};

struct thads_cls {		/* classification result */
	int	 period;	/* THADS_PER_* */
	int	 end;		/* last day of the period */
	int	 result;
};

struct thads_red {		/* reduction decision */
	const char *decision;
	int	 date;
	int	 years, months, days;	/* -1 when absent */
	const char *judgment;	/* number, or NULL */
};

struct thads_vio {		/* violation */
	int	 date;
	const char *kind;
};

/* The computed dates, by name. */
enum thads_item {
	THADS_I_START,		/* first day of the term */
	THADS_I_RELEASE,	/* last day of the prison term */
	THADS_I_RED_FIRST,	/* first day a reduction may be considered */
	THADS_I_RED_ROUND,	/* the review round on or after it */
	THADS_I_ER_FIRST,	/* first day early release may be considered */
	THADS_I_ER_ROUND,
	THADS_I_PROBATION_END,	/* suspended sentence, conditional release */
	THADS_I_REFORM_END,	/* non-custodial reform */
	THADS_I_PENALTY_END,	/* end of the main penalty */
	THADS_I_CLEARANCE,	/* criminal record cleared */
	THADS_I_DET_EXPIRY,	/* person: last day of the current order */
	THADS_I_DET_LIMIT,	/* its base limit by law */
	THADS_I_DET_MAX,	/* the limit with every extension */
	THADS_I_DET_REQUEST,	/* the extension request is due */
	THADS_I_CUSTODY_END,	/* person: end of temporary custody */
	THADS_I_CUSTODY_MAX,
	THADS_I_CLASS_NEXT,	/* next quarter closing */
	THADS_I_CLASS_LAST,	/* the last quarter closed */
	THADS_NITEM
};

/* The item's name ("release"), and the item named name, or -1. */
const char *thads_item_name(int item);
int	thads_item_find(const char *name);

/* Whether an officer may override the item (the judgment's dates). */
int	thads_item_overridable(int item);

struct thads_ovr {		/* an officer's override of a date */
	const char *judgment;	/* number */
	int	 item;		/* THADS_I_* */
	int	 value;		/* the date */
	const char *reason, *by, *at;
};

/*
 * One person's dossier.  The arrays belong to whoever filled them; the
 * engine only reads.  The reductions must be in date order: the first
 * ones of a life or death sentence are its commutations.  The other
 * lists may be in any order.
 */
struct thads_dossier {
	long long row;		/* person.id in the database */
	const char *id;		/* the agency's number, or NULL */
	const char *national_id;
	int	 birth;		/* day of birth, or NODAY */
	struct thads_ep *ep;	size_t nep;
	struct thads_jud *ju;	size_t nju;
	struct thads_ord *od;	size_t nod;
	struct thads_cls *cl;	size_t ncl;
	struct thads_red *rd;	size_t nrd;
	struct thads_vio *vi;	size_t nvi;
	struct thads_ovr *ov;	size_t nov;
};

/* ---- Explanations and problems ---- */

struct thads_step {
	char	 judgment[65];	/* "" for the person */
	int	 item;		/* THADS_I_*, or -1 for a note */
	int	 date;		/* the date the step arrives at, or NODAY */
	int	 fig;		/* figure used, or -1 */
	char	 text[400];
	char	 basis[224];	/* the figure's legal basis, or "" */
};

struct thads_explain {
	struct thads_step *s;
	size_t	 n, cap;
};

struct thads_problem {
	const char *code;	/* "S101" */
	const char *name;	/* "release-before-admission" */
	int	 error;		/* 1: the dates it touches are not computed */
	char	 judgment[65];
	char	 msg[300];
};

struct thads_problems {
	struct thads_problem *p;
	size_t	 n, cap;
};

/* ---- The results ---- */

struct thads_sres {		/* one judgment */
	int	 ok;		/* its dates were computed */
	int	 head;		/* index of the first judgment of its chain */
	int	 credit;	/* days credited (after the ratio) */
	int	 months, days;	/* term imposed: chain total, after the cap */
	int	 capped;
	int	 rmonths, rdays;	/* reductions */
	int	 life;		/* still life or death: no release date */
	int	 v[THADS_NITEM];	/* in effect (overrides applied) */
	int	 calc[THADS_NITEM];	/* as computed */
	int	 ovr[THADS_NITEM];	/* index in the dossier's ov, or -1 */
};

struct thads_sentences {
	struct thads_sres *j;	/* one per judgment of the dossier */
	size_t	 cap;
	int	 p[THADS_NITEM];	/* the person's dates */
	int	 held;		/* index of the open episode, or -1 */
	int	 order;		/* index of the current order, or -1 */
	int	 custody;	/* index of the open custody episode, or -1 */
	long long custody_end;	/* seconds since 1970 (local), or -1 */
	long long custody_max;
	struct thads_explain *ex;	/* steps, when wanted, else NULL */
	struct thads_problems *pb;	/* problems, when wanted, else NULL */
	int	*tmp;		/* the engine's scratch space */
	size_t	 tmpcap;
	const struct thads_rules *qrules;	/* quarter ends cached for */
	int	 qcached, qnext, qlast;	/* one pack and one as-of day */
};

/*
 * Compute every date of dossier d with the pack r, as of day as_of (for
 * the next classification).  s may be reused from person to person: it
 * grows as needed and is freed by thads_sentences_free().  When s->ex
 * or s->pb is set, steps or problems are appended to it (the caller
 * empties it between persons).  Returns 0, or THADS_ENOMEM.
 */
int	thads_sentence_run(const struct thads_rules *r,
	    const struct thads_dossier *d, int as_of,
	    struct thads_sentences *s);

/* Free what s holds (not s itself, nor s->ex or s->pb). */
void	thads_sentences_free(struct thads_sentences *s);

/* Free the steps or problems held; the structs themselves stay. */
void	thads_explain_free(struct thads_explain *ex);
void	thads_problems_free(struct thads_problems *pb);

#endif /* THADS_SENTENCE_H */

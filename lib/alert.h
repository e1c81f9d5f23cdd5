/*
 * alert.h: thads-alert's rules, their configuration, and the commands
 * built on the sentence engine (run, explain, check, compare, ack,
 * override, rules).
 *
 * Each rule looks at one computed date of a person and raises an alert
 * from the first day of its lead time: a date D with a lead of 15 days
 * alerts from D - 15 on (D - 2 months for a lead in months, by the
 * sentence kernel; hours for custody).  An alert has a severity, a
 * stable key "RULE:DATE:PERSON", the person, the date, the days left
 * (negative when overdue) and a one-line reason.
 */
#ifndef THADS_ALERT_H
#define THADS_ALERT_H

#include <stdio.h>

#include "db.h"
#include "out.h"
#include "rules.h"
#include "sentence.h"

enum thads_arule {
	THADS_A_DET_EXPIRING,	/* detention order ending */
	THADS_A_DET_EXPIRED,	/* order ended, person still held */
	THADS_A_DET_NO_ORDER,	/* held in detention, no order on file */
	THADS_A_CUSTODY,	/* temporary custody ending */
	THADS_A_RELEASE_PREP,	/* reintegration preparation window */
	THADS_A_RELEASE_DUE,	/* release date near, or passed */
	THADS_A_REDUCTION,	/* eligible for the next reduction round */
	THADS_A_EARLY,		/* eligible for early-release review */
	THADS_A_CLASSIF,	/* quarter closing without a result */
	THADS_A_COMPLETION,	/* community sentence ended, no certificate */
	THADS_A_CLEARANCE,	/* record clearance date reached */
	THADS_A_EM,		/* violation on a community sentence */
	THADS_NARULE
};

enum { THADS_SEV_INFO, THADS_SEV_WARNING, THADS_SEV_CRITICAL };

struct thads_arule_conf {
	int	 enabled;
	struct thads_dur lead;	/* months, days, hours */
	int	 sev;		/* THADS_SEV_* */
};

struct thads_alert_conf {
	struct thads_arule_conf r[THADS_NARULE];
	char	 tz[64];	/* [alert] timezone, or "" */
};

/* A rule's name ("detention_expiring"), and the rule named name or -1. */
const char *thads_arule_name(int rule);
int	thads_arule_find(const char *name);

/* The legal basis and one-line purpose of a rule, for rules and man. */
const char *thads_arule_basis(int rule);
const char *thads_arule_doc(int rule);

/* "info", "warning", "critical", and back (-1 when unknown). */
const char *thads_sev_name(int sev);
int	thads_sev_find(const char *name);

/* The built-in defaults (the man page lists them). */
void	thads_alert_conf_defaults(struct thads_alert_conf *c);

/*
 * Read an INI configuration over c: an [alert] section (timezone) and
 * one section per rule (lead, severity, enabled).  Returns 0,
 * THADS_ENOINPUT or THADS_ECONFIG with the file and line in err.
 */
int	thads_alert_conf_load(struct thads_alert_conf *c, const char *path,
	    struct thads_err *err);

/*
 * One alert, kept small since a large pass holds a million of them: the
 * strings live in the arena of their struct thads_alerts, and the key
 * is made when needed (thads_alert_key()).
 */
struct thads_alert {
	int	 date;		/* the day the alert concerns */
	int	 days_left;	/* date - as-of, negative when overdue; 0
				   when date is THADS_NODAY */
	short	 sev;
	short	 rule;
	long long row;		/* the person's row id, for the order */
	const char *person;
	const char *reason;
};

struct thads_ablk;

struct thads_alerts {
	struct thads_alert *a;
	size_t	 n, cap;
	struct thads_ablk *mem;	/* the strings */
	int	 cached;	/* the as-of day the rounds below are for */
	int	 red_round, er_round;	/* the next rounds on or after it */
};

/* The key "RULE:DATE:PERSON" of a, into buf (160 bytes are enough). */
void	thads_alert_key(const struct thads_alert *a, char *buf, size_t size);

/*
 * The alerts of one person whose dates s holds, as of day as_of and
 * second now (seconds since 1970 in local time, for custody), appended
 * to out.  Returns 0 or THADS_ENOMEM.
 */
int	thads_alert_person(const struct thads_alert_conf *c,
	    const struct thads_rules *r, const struct thads_dossier *d,
	    const struct thads_sentences *s, int as_of, long long now,
	    struct thads_alerts *out);

void	thads_alerts_free(struct thads_alerts *a);

/* ---- the dossiers of a database (alert_db.c) ---- */

struct thads_people;

/*
 * Load every person (only > 0: the person with that row id) with the
 * whole dossier, each list sorted by date.  Returns 0, THADS_ENOMEM or
 * THADS_EDB.  Free with thads_people_free().
 */
int	thads_people_load(struct thads_db *db, long long only,
	    struct thads_people **out, struct thads_err *err);
size_t	thads_people_count(const struct thads_people *p);
const struct thads_dossier *thads_people_at(const struct thads_people *p,
	    size_t i);
void	thads_people_free(struct thads_people *p);

/*
 * The row id of the person called who: person.id, else national ID,
 * else "#ROWID".  Returns 0, THADS_ENOINPUT (no such person) or
 * THADS_EDB.
 */
int	thads_person_find(struct thads_db *db, const char *who,
	    long long *row, struct thads_err *err);

/* The person's name for messages and keys: id, national ID or #row. */
void	thads_person_label(const struct thads_dossier *d, char *buf,
	    size_t size);

/* Create the alert tables when missing (read-write databases). */
int	thads_alert_schema_ensure(struct thads_db *db, struct thads_err *err);

/* ---- the commands (alert_cmd.c) ---- */

struct thads_alert_opts {
	const struct thads_rules *rules;
	const struct thads_alert_conf *conf;
	int	 as_of;		/* day */
	long long now;		/* seconds since 1970, local */
	int	 min_sev;
	int	 new_only;
	enum thads_fmt fmt;
	unsigned outflags;
	const char *by;		/* ack, override: the officer */
	const char *reason;
	const char *judgment;	/* override: the judgment */
	int	 clear;		/* override: remove it */
};

/*
 * The alert pass over the whole database: alerts not acknowledged, at
 * or above min_sev, sorted by date, written to fp; with new_only only
 * those never emitted before, which are then recorded.  *emitted gets
 * their number.  Returns 0 or a THADS_E* code with err filled.
 */
int	thads_alert_run(struct thads_db *db, const struct thads_alert_opts *o,
	    FILE *fp, long *emitted, struct thads_err *err);

/* Every step of every date of person who, with rule and basis. */
int	thads_alert_explain(struct thads_db *db,
	    const struct thads_alert_opts *o, const char *who, FILE *fp,
	    struct thads_err *err);

/* The validation problems of every person; *found gets their number. */
int	thads_alert_check(struct thads_db *db,
	    const struct thads_alert_opts *o, FILE *fp, long *found,
	    struct thads_err *err);

/*
 * Every judgment whose judgment.release_date_ext differs from the
 * release date computed here, with both explanations.
 */
int	thads_alert_compare(struct thads_db *db,
	    const struct thads_alert_opts *o, FILE *fp, long *found,
	    struct thads_err *err);

/* Acknowledge the alert key (o->by, o->reason). */
int	thads_alert_ack(struct thads_db *db, const struct thads_alert_opts *o,
	    const char *key, struct thads_err *err);

/* Set (or with o->clear remove) an override of item for person who. */
int	thads_alert_override(struct thads_db *db,
	    const struct thads_alert_opts *o, const char *who,
	    const char *item, const char *date, struct thads_err *err);

/* The rule pack in force on o->as_of, and the alert rules as set. */
int	thads_alert_rules(const struct thads_alert_opts *o, FILE *fp,
	    struct thads_err *err);

#endif /* THADS_ALERT_H */

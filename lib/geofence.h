/*
 * geofence.h: checking GPS tracks against the zones persons are bound
 * by, and raising the events an officer acts on.
 *
 * A check run takes fixes in any order, from any number of inputs:
 *
 * 1. The fix's id is resolved to a person: a device given to a person
 *    at the fix's time (thads_geodb_device_put()), else a person's
 *    dossier number.  Fixes of unknown ids are counted and dropped.
 * 2. A fix already stored for that person at that time is a duplicate
 *    and is dropped; every other fix is stored as evidence.
 * 3. Fixes wait in a per-person reorder window, so that fixes arriving
 *    out of order within it are processed in time order.  A fix older
 *    than one already processed (a device flushing stored points, a
 *    second file) is a late fix: the person's events from a little
 *    before it are re-evaluated from the stored fixes at the end of the
 *    run, in time order, so that the final state follows the newest fix.
 * 4. Processed in time order, each fix passes the jump filter, then
 *    moves one state machine per person and zone (see geostate.c and
 *    thads-geofence(1) for the rules).
 *
 * Events are written to the database as soon as they are raised, and
 * updated as they go on and when they end; each is handed to the
 * caller's callback once, when it ends, or at the end of the run while
 * still open.  A person's state is saved at the end of the run (and at
 * each intermediate commit), so that the next run carries on.
 */
#ifndef THADS_GEOFENCE_H
#define THADS_GEOFENCE_H

#include <stdint.h>

#include "db.h"
#include "gpsfix.h"

struct thads_gf;

/* The rules, with their defaults (thads_gf_defaults()). */
struct thads_gf_rules {
	double	 margin;	/* 20 m added to a fix's accuracy */
	int	 min_fixes;	/* 3 fixes beyond, to start or end a breach */
	long	 min_secs;	/* 60 s beyond, likewise */
	double	 max_kmh;	/* 200 km/h: faster is an outlier */
	int	 reanchor;	/* 3 consistent far fixes re-anchor */
	long	 reorder_secs;	/* 300 s reorder window */
	long	 gap_secs;	/* 900 s without a fix: signal lost */
	int	 battery_low;	/* 15 %: low battery (ends at 20 %) */
	long	 abscond_secs;	/* 7200 s outside the inclusion zone */
	double	 abscond_m;	/* or 5000 m beyond it: absconding */
	long	 grace_secs;	/* 300 s of curfew grace */
	double	 default_acc;	/* 15 m for a fix that gives none */
};

enum thads_ev_type {
	THADS_EV_LEFT_INCLUSION,
	THADS_EV_ENTERED_EXCLUSION,
	THADS_EV_CURFEW,
	THADS_EV_SIGNAL_LOST,
	THADS_EV_LOW_BATTERY,
	THADS_EV_TAMPER,
	THADS_EV_ABSCONDING,
	THADS_EV_N
};

/* An event as handed to the caller. */
struct thads_gf_event {
	long long person;
	const char *person_ext;	/* dossier number */
	const char *zone;	/* zone name, NULL for person-level events */
	enum thads_ev_type type;
	int64_t	 start;		/* ms */
	int64_t	 end;		/* ms, -1 while open */
	int64_t	 confirmed;	/* when it was raised (fix time) */
	double	 maxdist;	/* metres beyond the boundary, NAN: n/a */
	long	 fixes;		/* fixes during the event */
	double	 confidence;	/* 0 to 1 */
	int	 transit;	/* an exclusion zone crossed between fixes */
	int	 seq;		/* order among events starting together */
};

struct thads_gf_opts {
	struct thads_gf_rules r;
	int64_t	 until;		/* end of the observation (ms), -1: none */
	long	 commit_ms;	/* commit at most this often (wall clock) */
	/* An event ended, or is still open at the end of the run. */
	void	(*event)(const struct thads_gf_event *ev, void *ctx);
	/* A note for the user (an unknown id, a late fix), may be NULL. */
	void	(*note)(const struct thads_err *e, void *ctx);
	void	*ctx;
};

struct thads_gf_stats {
	long	 read;		/* fixes handed in */
	long	 stored;	/* new fixes stored as evidence */
	long	 duplicates;	/* dropped as already stored */
	long	 unknown;	/* dropped: id of no person */
	long	 late;		/* older than the person's newest processed */
	long	 outliers;	/* rejected by the jump filter */
	long	 reanchored;	/* jumps accepted after consistent fixes */
	long	 replays;	/* persons re-evaluated for late fixes */
	long	 events;	/* events raised (open or ended) */
	long	 persons;	/* persons seen */
};

/* The default rules. */
void	thads_gf_defaults(struct thads_gf_rules *r);

/* "left_inclusion", "entered_exclusion", "curfew", "signal_lost",
 * "low_battery", "tamper", "absconding". */
const char *thads_gf_event_name(enum thads_ev_type t);

/*
 * Start a run on db (which must have the geofence tables: see
 * thads_geodb_setup()).  Opens a write transaction.  Returns 0 and
 * *out, THADS_EBUSY, THADS_EDB, THADS_ELIB (GEOS) or THADS_ENOMEM.
 */
int	thads_gf_begin(struct thads_db *db, const struct thads_gf_opts *o,
	    struct thads_gf **out, struct thads_err *err);

/*
 * The fixes that follow come from input name in format fmt.  stream is
 * set for a pipe or a terminal, whose fixes may trickle in: the run
 * then commits at least every opts.commit_ms, so that events reach the
 * database while the input goes on; a file is committed every million
 * fixes or so.
 */
int	thads_gf_input(struct thads_gf *g, const char *name, const char *fmt,
	    int stream, struct thads_err *err);

/* The input is over: skipped records, for its record. */
int	thads_gf_input_done(struct thads_gf *g, long skipped,
	    struct thads_err *err);

/*
 * Take one fix.  Returns 0, or a negative code when the run cannot go
 * on (THADS_EDB, THADS_EBUSY, THADS_ENOMEM, THADS_ELIB; a zone that no
 * longer compiles is THADS_EDATA).
 */
int	thads_gf_fix(struct thads_gf *g, const struct thads_fix *f,
	    struct thads_err *err);

/*
 * End the run: process what waits in the reorder windows, re-evaluate
 * the persons with late fixes, apply the end of the observation, save
 * every state, and commit (or roll back when commit is 0).  The final
 * counts go to *st when st is not NULL.  Frees g.  Returns 0 or the
 * first error.
 */
int	thads_gf_end(struct thads_gf *g, int commit,
	    struct thads_gf_stats *st, struct thads_err *err);

/*
 * The input is idle (a pipe with nothing to read for now): commit what
 * waits, when the last commit is older than opts.commit_ms, so that
 * events reach the database while the input stays open.  Returns the
 * milliseconds until it wants to be called again, or -1 when nothing
 * waits.  An error is kept, and returned by the next thads_gf_fix() or
 * thads_gf_end().
 */
long	thads_gf_idle(struct thads_gf *g);

/* The counts so far. */
const struct thads_gf_stats *thads_gf_stats(const struct thads_gf *g);

/*
 * The jump filter's test: whether going from (alat, alon) at ta with
 * accuracy aacc to the fix (lat, lon) at t with accuracy acc needs more
 * than max_kmh, once both accuracies are taken off the distance.
 */
int	thads_gf_too_fast(double alat, double alon, double aacc, int64_t ta,
	    double lat, double lon, double acc, int64_t t, double max_kmh);

#endif /* THADS_GEOFENCE_H */

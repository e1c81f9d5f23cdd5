/*
 * geodb.h: the database side of electronic monitoring: zones, their
 * assignment to persons, devices, the fixes kept as evidence, events,
 * the state of each person's monitoring between runs, and archives.
 *
 * Times are INTEGER milliseconds since 1970 UTC in the *_ms and t
 * columns (a fix table of millions of rows is kept compact and fast);
 * events also carry start_at and end_at as ISO 8601 UTC text
 * ("2024-05-01T15:00:00Z") for readers that want text.
 */
#ifndef THADS_GEODB_H
#define THADS_GEODB_H

#include <stdint.h>

#include "db.h"
#include "geozone.h"

struct thads_fix;
struct thads_geodb;

/*
 * The geofence tables, as one schema migration (the fifth of
 * schema.c).  Every statement is CREATE ... IF NOT EXISTS, so it may
 * also be applied by thads_geodb_setup() to a database made by a build
 * without it.
 */
extern const char thads_schema_geofence[];

/*
 * Make sure the geofence tables exist: apply thads_schema_geofence in a
 * transaction when the database lacks them.  Returns 0, THADS_EDB or
 * THADS_EBUSY.
 */
int	thads_geodb_setup(struct thads_db *db, struct thads_err *err);

/*
 * Prepare the statements used while checking tracks.  Returns 0 and
 * *out (free with thads_geodb_close()), THADS_EDB or THADS_ENOMEM.
 */
int	thads_geodb_open(struct thads_db *db, struct thads_geodb **out,
	    struct thads_err *err);
void	thads_geodb_close(struct thads_geodb *g);

/* The id of the person whose dossier number (person.ext_id) is ext,
 * into *id: 1 found, 0 not, or a negative code. */
int	thads_geodb_person(struct thads_geodb *g, const char *ext,
	    long long *id, struct thads_err *err);

/* The dossier number of person id into buf: 1, 0 (no such person), or a
 * negative code. */
int	thads_geodb_person_ext(struct thads_db *db, long long id, char *buf,
	    size_t size, struct thads_err *err);

/* A device's holders: calls fn for each (person, from, to), to -1 when
 * open.  Returns 0 or a negative code. */
int	thads_geodb_device(struct thads_geodb *g, const char *device,
	    int (*fn)(long long person, int64_t from, int64_t to, void *ctx),
	    void *ctx, struct thads_err *err);

/* Every person under monitoring (with a zone assigned or a saved
 * state): fn(person id).  Returns 0, fn's non-zero value or an error. */
int	thads_geodb_monitored(struct thads_geodb *g,
	    int (*fn)(long long person, void *ctx), void *ctx,
	    struct thads_err *err);

/* A person's zone assignments: fn(zone id, from, to or -1). */
int	thads_geodb_assignments(struct thads_geodb *g, long long person,
	    int (*fn)(long long zone, int64_t from, int64_t to, void *ctx),
	    void *ctx, struct thads_err *err);

/* Load and compile zone id.  Returns as thads_zone_load(), or
 * THADS_EDB; THADS_EDATA when there is no such zone. */
int	thads_geodb_zone(struct thads_geodb *g, struct thads_geo *geo,
	    long long id, struct thads_zone **out, struct thads_err *err);

/*
 * Store zone z (compiled from its definition) under its name: insert,
 * or update when the name exists and something differs.  *action is 1
 * inserted, 2 updated, 3 unchanged.  The audit trail gets the change.
 * Inside the caller's transaction.  Returns 0, THADS_EDB, THADS_EBUSY.
 */
int	thads_geodb_zone_put(struct thads_db *db, const struct thads_zone *z,
	    const char *source, int *action, struct thads_err *err);

/*
 * Assign the zone called zone to the person whose dossier number is
 * person, valid from from (ms) to to (ms, -1: open).  from -1 means
 * "from now" (now in ms): the start of the person's assignment to that
 * zone still valid at now if there is one, else now itself; monitoring
 * never reaches back before an assignment was made unless asked to.
 * The same person, zone and start again changes the end.  *action as
 * for zone_put.
 * Returns 0, THADS_EDATA (no such person or zone), THADS_EDB.
 */
int	thads_geodb_assign(struct thads_db *db, const char *person,
	    const char *zone, int64_t from, int64_t to, int64_t now,
	    int *action, struct thads_err *err);

/* Give device to person from from to to (-1 open).  As assign. */
int	thads_geodb_device_put(struct thads_db *db, const char *device,
	    const char *person, int64_t from, int64_t to, int *action,
	    struct thads_err *err);

/* Record an input read by a check run; its id into *id. */
int	thads_geodb_source(struct thads_geodb *g, const char *name,
	    const char *format, long long *id, struct thads_err *err);

/* Update a source's counts at the end of its read. */
int	thads_geodb_source_done(struct thads_geodb *g, long long id,
	    long fixes, long skipped, struct thads_err *err);

/* One stored fix, for thads_geodb_fixes(). */
struct thads_geodb_fix {
	long long person;
	int64_t	 t;
	double	 lat, lon, acc;	/* acc NAN when unknown */
	int	 battery, tamper;	/* -1 when unknown */
	long long source;
};

/*
 * Store fixes (any order): INSERT OR IGNORE on (person, t), in an
 * order that keeps the B-tree writes local.  Sorts fx in place.  The
 * number stored (duplicates are not) into *stored.  Returns 0,
 * THADS_EDB or THADS_EBUSY.
 */
int	thads_geodb_put_fixes(struct thads_geodb *g,
	    struct thads_geodb_fix *fx, size_t n, long *stored,
	    struct thads_err *err);

/* Call fn for each stored fix of person with from <= t < to, in time
 * order (to -1: no end).  Returns 0, fn's non-zero value, or an error. */
int	thads_geodb_fixes(struct thads_geodb *g, long long person,
	    int64_t from, int64_t to,
	    int (*fn)(const struct thads_geodb_fix *fx, void *ctx), void *ctx,
	    struct thads_err *err);

/* The last stored fix of person before t into *fx: 1, 0 none, or an
 * error. */
int	thads_geodb_fix_before(struct thads_geodb *g, long long person,
	    int64_t t, struct thads_geodb_fix *fx, struct thads_err *err);

/* An event as stored. */
struct thads_geodb_event {
	long long person;
	long long zone;		/* 0 when the event has no zone */
	const char *type;
	int64_t	 start, end;	/* end -1 while open */
	int64_t	 confirmed;
	double	 maxdist;	/* NAN when it does not apply */
	long	 fixes;
	double	 confidence;
	int	 transit;
	int	 seq;
};

/* Insert or update (by person, zone, type, start) an event. */
int	thads_geodb_event_put(struct thads_geodb *g,
	    const struct thads_geodb_event *e, struct thads_err *err);

/*
 * The earliest start of the events of person that are open at t or
 * overlap it, repeated until no event straddles the result: where a
 * re-evaluation from t must begin.  Result in *from (t itself when no
 * event straddles it).
 */
int	thads_geodb_replay_start(struct thads_geodb *g, long long person,
	    int64_t t, int64_t *from, struct thads_err *err);

/* Delete the events of person that start at or after t. */
int	thads_geodb_events_drop(struct thads_geodb *g, long long person,
	    int64_t t, struct thads_err *err);

/* The saved state of person (a JSON text, malloc'd) or NULL. */
int	thads_geodb_state_get(struct thads_geodb *g, long long person,
	    char **json, struct thads_err *err);
int	thads_geodb_state_put(struct thads_geodb *g, long long person,
	    const char *json, struct thads_err *err);

#endif /* THADS_GEODB_H */

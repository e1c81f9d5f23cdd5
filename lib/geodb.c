/*
 * geodb.c: the geofence tables (geodb.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geodb.h"
#include "geotime.h"

/*
 * The fix table has no foreign key to person: the check run resolves
 * each fix's person before storing it, and a foreign key would cost one
 * more B-tree search for every one of millions of fixes.  It has no
 * rowid either: the key (person, t) is the table, which makes duplicate
 * fixes cost nothing to drop and keeps a person's track together on
 * disk for plots and re-evaluation.
 */
const char thads_schema_geofence[] =
"CREATE TABLE IF NOT EXISTS geo_zone (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL UNIQUE,\n"
"  kind TEXT NOT NULL\n"
"    CHECK (kind = 'inclusion' OR kind = 'exclusion' OR kind = 'curfew'),\n"
"  wkt TEXT NOT NULL,\n"
"  radius_m REAL NOT NULL DEFAULT 0,\n"
"  buffer_m REAL NOT NULL DEFAULT 0,\n"
"  schedule TEXT, tz TEXT, source TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT\n"
");\n"
"CREATE TABLE IF NOT EXISTS geo_assignment (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  zone_id INTEGER NOT NULL REFERENCES geo_zone (id),\n"
"  valid_from INTEGER NOT NULL, valid_to INTEGER,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, zone_id, valid_from)\n"
");\n"
"CREATE TABLE IF NOT EXISTS geo_device (\n"
"  id INTEGER PRIMARY KEY,\n"
"  device TEXT NOT NULL,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  valid_from INTEGER NOT NULL, valid_to INTEGER,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,\n"
"  UNIQUE (device, valid_from)\n"
");\n"
"CREATE TABLE IF NOT EXISTS geo_source (\n"
"  id INTEGER PRIMARY KEY,\n"
"  name TEXT NOT NULL, format TEXT NOT NULL, read_at TEXT NOT NULL,\n"
"  tool TEXT, os_user TEXT, fixes INTEGER, skipped INTEGER\n"
");\n"
"CREATE TABLE IF NOT EXISTS geo_fix (\n"
"  person_id INTEGER NOT NULL,\n"
"  t INTEGER NOT NULL,\n"
"  lat REAL NOT NULL, lon REAL NOT NULL, acc REAL,\n"
"  battery INTEGER, tamper INTEGER, source_id INTEGER,\n"
"  PRIMARY KEY (person_id, t)\n"
") WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS geo_event (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  zone_id INTEGER REFERENCES geo_zone (id),\n"
"  zkey INTEGER NOT NULL,\n"
"  type TEXT NOT NULL\n"
"    CHECK (type = 'left_inclusion' OR type = 'entered_exclusion'\n"
"      OR type = 'curfew' OR type = 'signal_lost'\n"
"      OR type = 'low_battery' OR type = 'tamper'\n"
"      OR type = 'absconding'),\n"
"  start_ms INTEGER NOT NULL, end_ms INTEGER,\n"
"  confirmed_ms INTEGER NOT NULL,\n"
"  start_at TEXT NOT NULL, end_at TEXT,\n"
"  max_distance_m REAL, fixes INTEGER NOT NULL,\n"
"  confidence REAL NOT NULL,\n"
"  transit INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,\n"
"  UNIQUE (person_id, zkey, type, start_ms)\n"
");\n"
"CREATE INDEX IF NOT EXISTS geo_event_start ON geo_event (start_ms);\n"
"CREATE TABLE IF NOT EXISTS geo_state (\n"
"  person_id INTEGER PRIMARY KEY REFERENCES person (id),\n"
"  state TEXT NOT NULL, updated_at TEXT NOT NULL\n"
");\n"
"CREATE TABLE IF NOT EXISTS geo_archive (\n"
"  id INTEGER PRIMARY KEY,\n"
"  path TEXT NOT NULL, before_ms INTEGER NOT NULL,\n"
"  fixes INTEGER NOT NULL, first_ms INTEGER, last_ms INTEGER,\n"
"  sha256 TEXT NOT NULL, created_at TEXT NOT NULL,\n"
"  tool TEXT, os_user TEXT\n"
");\n";

static const char person_sql[] =
    "SELECT id FROM person WHERE ext_id = ? AND deleted_at IS NULL";
static const char device_sql[] =
    "SELECT person_id, valid_from, valid_to FROM geo_device "
    "WHERE device = ? ORDER BY valid_from";
static const char assign_sql[] =
    "SELECT zone_id, valid_from, valid_to FROM geo_assignment "
    "WHERE person_id = ? AND deleted_at IS NULL "
    "ORDER BY zone_id, valid_from";
static const char zone_sql[] =
    "SELECT name, kind, wkt, radius_m, buffer_m, schedule, tz "
    "FROM geo_zone WHERE id = ?";
static const char fix_sql[] =
    "INSERT OR IGNORE INTO geo_fix (person_id, t, lat, lon, acc, battery,"
    " tamper, source_id) VALUES (?,?,?,?,?,?,?,?)";
static const char fixes_sql[] =
    "SELECT person_id, t, lat, lon, acc, battery, tamper, source_id "
    "FROM geo_fix WHERE person_id = ?1 AND t >= ?2 AND (?3 < 0 OR t < ?3) "
    "ORDER BY t";
static const char before_sql[] =
    "SELECT person_id, t, lat, lon, acc, battery, tamper, source_id "
    "FROM geo_fix WHERE person_id = ? AND t < ? ORDER BY t DESC LIMIT 1";
static const char event_sql[] =
    "INSERT INTO geo_event (person_id, zone_id, zkey, type, start_ms,"
    " end_ms, confirmed_ms, start_at, end_at, max_distance_m, fixes,"
    " confidence, transit, seq, created_at, updated_at)"
    " VALUES (?1, nullif(?2, 0), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
    " ?11, ?12, ?13, ?14, ?14)"
    " ON CONFLICT (person_id, zkey, type, start_ms) DO UPDATE SET"
    " end_ms = excluded.end_ms, end_at = excluded.end_at,"
    " max_distance_m = excluded.max_distance_m, fixes = excluded.fixes,"
    " confidence = excluded.confidence, transit = excluded.transit,"
    " seq = excluded.seq,"
    " updated_at = CASE WHEN end_ms IS excluded.end_ms"
    "   AND fixes = excluded.fixes"
    "   AND max_distance_m IS excluded.max_distance_m"
    "   THEN updated_at ELSE excluded.updated_at END";
static const char straddle_sql[] =
    "SELECT min(start_ms) FROM geo_event WHERE person_id = ?1"
    " AND start_ms < ?2 AND (end_ms IS NULL OR end_ms >= ?2)";
static const char drop_sql[] =
    "DELETE FROM geo_event WHERE person_id = ? AND start_ms >= ?";
static const char state_get_sql[] =
    "SELECT state FROM geo_state WHERE person_id = ?";
static const char state_put_sql[] =
    "INSERT INTO geo_state (person_id, state, updated_at) VALUES (?,?,?)"
    " ON CONFLICT (person_id) DO UPDATE SET state = excluded.state,"
    " updated_at = excluded.updated_at";
static const char source_sql[] =
    "INSERT INTO geo_source (name, format, read_at, tool, os_user)"
    " VALUES (?,?,?,?,?)";
static const char source_done_sql[] =
    "UPDATE geo_source SET fixes = ?, skipped = ? WHERE id = ?";

enum { S_PERSON, S_DEVICE, S_ASSIGN, S_ZONE, S_FIX, S_FIXES, S_BEFORE,
	S_EVENT, S_STRADDLE, S_DROP, S_STGET, S_STPUT, S_SOURCE, S_SRCDONE,
	S_N };

static const char *const sqls[S_N] = { person_sql, device_sql, assign_sql,
	zone_sql, fix_sql, fixes_sql, before_sql, event_sql, straddle_sql,
	drop_sql, state_get_sql, state_put_sql, source_sql, source_done_sql };

/*
 * Fixes are stored FIX_ROWS at a time by one multi-row INSERT: a row
 * then costs a quarter less than with one statement each.
 */
#define FIX_ROWS	32

struct thads_geodb {
	struct thads_db *db;
	sqlite3_stmt *st[S_N];
	sqlite3_stmt *fixn;	/* FIX_ROWS rows at once */
};

int
thads_geodb_setup(struct thads_db *db, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc, have;

	if ((rc = thads_db_prepare(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'geo_archive'", &st, err)) != 0)
		return rc;
	have = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (have)
		return 0;
	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	if ((rc = thads_db_exec(db, thads_schema_geofence, err)) != 0) {
		thads_db_rollback(db);
		return rc;
	}
	return thads_db_commit(db, err);
}

static int
prepare_fixn(struct thads_geodb *g, struct thads_err *err)
{
	static const char row[] = ",(?,?,?,?,?,?,?,?)";
	char sql[sizeof(fix_sql) + FIX_ROWS * sizeof(row)];
	size_t n = sizeof(fix_sql) - 1;
	int i;

	memcpy(sql, fix_sql, n);
	for (i = 1; i < FIX_ROWS; i++) {
		memcpy(sql + n, row, sizeof(row) - 1);
		n += sizeof(row) - 1;
	}
	sql[n] = '\0';
	return thads_db_prepare(g->db, sql, &g->fixn, err);
}

int
thads_geodb_open(struct thads_db *db, struct thads_geodb **out,
    struct thads_err *err)
{
	struct thads_geodb *g;
	int i, rc;

	*out = NULL;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	g->db = db;
	for (i = 0; i < S_N; i++)
		if ((rc = thads_db_prepare(db, sqls[i], &g->st[i], err))) {
			thads_geodb_close(g);
			return rc;
		}
	if ((rc = prepare_fixn(g, err)) != 0) {
		thads_geodb_close(g);
		return rc;
	}
	*out = g;
	return 0;
}

void
thads_geodb_close(struct thads_geodb *g)
{
	int i;

	if (g == NULL)
		return;
	for (i = 0; i < S_N; i++)
		sqlite3_finalize(g->st[i]);
	sqlite3_finalize(g->fixn);
	free(g);
}

/* Reset st after use and turn a step's result into 0 or an error. */
static int
done(struct thads_geodb *g, sqlite3_stmt *st, int rc, struct thads_err *err)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK)
		return 0;
	return thads_db_fail(g->db, rc, err);
}

int
thads_geodb_person(struct thads_geodb *g, const char *ext, long long *id,
    struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_PERSON];
	int rc, found = 0;

	sqlite3_bind_text(st, 1, ext, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		found = 1;
	}
	if ((rc = done(g, st, rc, err)) != 0)
		return rc;
	return found;
}

int
thads_geodb_person_ext(struct thads_db *db, long long id, char *buf,
    size_t size, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	if ((rc = thads_db_prepare(db, "SELECT ext_id FROM person WHERE id = ?",
	    &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		snprintf(buf, size, "%s", sqlite3_column_text(st, 0) ?
		    (const char *)sqlite3_column_text(st, 0) : "");
		found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	return found;
}

static int64_t
col_ms(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 :
	    sqlite3_column_int64(st, i);
}

/* Run st (bound) and call fn(id, from, to, ctx) for each row. */
static int
each_period(struct thads_geodb *g, sqlite3_stmt *st,
    int (*fn)(long long, int64_t, int64_t, void *), void *ctx,
    struct thads_err *err)
{
	int rc, cb = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW && cb == 0)
		cb = fn(sqlite3_column_int64(st, 0), sqlite3_column_int64(st,
		    1), col_ms(st, 2), ctx);
	if ((rc = done(g, st, rc, err)) != 0)
		return rc;
	return cb;
}

int
thads_geodb_device(struct thads_geodb *g, const char *device,
    int (*fn)(long long, int64_t, int64_t, void *), void *ctx,
    struct thads_err *err)
{
	sqlite3_bind_text(g->st[S_DEVICE], 1, device, -1, SQLITE_STATIC);
	return each_period(g, g->st[S_DEVICE], fn, ctx, err);
}

int
thads_geodb_monitored(struct thads_geodb *g,
    int (*fn)(long long, void *), void *ctx, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc, cb = 0;

	if ((rc = thads_db_prepare(g->db, "SELECT person_id FROM "
	    "geo_assignment WHERE deleted_at IS NULL UNION SELECT person_id "
	    "FROM geo_state ORDER BY 1", &st, err)) != 0)
		return rc;
	while (cb == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		cb = fn(sqlite3_column_int64(st, 0), ctx);
	sqlite3_finalize(st);
	if (cb != 0)
		return cb;
	return rc == SQLITE_DONE ? 0 : thads_db_fail(g->db, rc, err);
}

int
thads_geodb_assignments(struct thads_geodb *g, long long person,
    int (*fn)(long long, int64_t, int64_t, void *), void *ctx,
    struct thads_err *err)
{
	sqlite3_bind_int64(g->st[S_ASSIGN], 1, person);
	return each_period(g, g->st[S_ASSIGN], fn, ctx, err);
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int
thads_geodb_zone(struct thads_geodb *g, struct thads_geo *geo, long long id,
    struct thads_zone **out, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_ZONE];
	enum thads_zone_kind kind = THADS_ZONE_INCLUSION;
	int rc;

	*out = NULL;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if ((rc = done(g, st, rc, err)) != 0)
			return rc;
		return thads_seterr(err, THADS_EDATA, NULL, 0, "no zone %lld",
		    id);
	}
	(void)thads_zone_kind_parse(col_text(st, 1), &kind);	/* CHECKed */
	rc = thads_zone_load(geo, id, col_text(st, 0), kind, col_text(st, 2),
	    sqlite3_column_double(st, 3), sqlite3_column_double(st, 4),
	    col_text(st, 5), col_text(st, 6), out, err);
	sqlite3_reset(st);
	return rc;
}

/* Bind text or NULL. */
static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_ms(sqlite3_stmt *st, int i, int64_t ms)
{
	if (ms >= 0)
		sqlite3_bind_int64(st, i, ms);
	else
		sqlite3_bind_null(st, i);
}

static int
same_text(const char *a, const char *b)
{
	return (a == NULL || *a == '\0') ? (b == NULL || *b == '\0') :
	    b != NULL && strcmp(a, b) == 0;
}

/* A zone as a JSON object for the audit trail (malloc'd). */
static char *
zone_json(const char *kind, const char *wkt, double radius, double buffer,
    const char *schedule, const char *tz)
{
	char *s = NULL;
	size_t n = strlen(wkt) + 300 + (schedule ? strlen(schedule) : 0);

	if ((s = malloc(n)) != NULL)
		snprintf(s, n, "{\"kind\":\"%s\",\"radius_m\":%.10g,"
		    "\"buffer_m\":%.10g,\"schedule\":%s%s%s,\"tz\":%s%s%s,"
		    "\"wkt\":\"%s\"}", kind, radius, buffer,
		    schedule ? "\"" : "", schedule ? schedule : "null",
		    schedule ? "\"" : "", tz ? "\"" : "", tz ? tz : "null",
		    tz ? "\"" : "", wkt);
	return s;
}

/*
 * The zone stored under z's name: its id into *id (0 when none), whether
 * it is the same as z, and its old values for the audit trail (*old,
 * malloc'd, NULL when none).
 */
static int
zone_find(struct thads_db *db, const struct thads_zone *z, long long *id,
    int *same, char **old, struct thads_err *err)
{
	const char *kind = thads_zone_kind_name(z->kind);
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	*same = 0;
	*old = NULL;
	if ((rc = thads_db_prepare(db, "SELECT id, kind, wkt, radius_m, "
	    "buffer_m, schedule, tz FROM geo_zone WHERE name = ?", &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, z->name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*same = same_text(col_text(st, 1), kind) &&
		    same_text(col_text(st, 2), z->wkt) &&
		    sqlite3_column_double(st, 3) == z->radius &&
		    sqlite3_column_double(st, 4) == z->buffer &&
		    same_text(col_text(st, 5), z->schedule) &&
		    same_text(col_text(st, 6), z->tz);
		*old = zone_json(col_text(st, 1), col_text(st, 2),
		    sqlite3_column_double(st, 3),
		    sqlite3_column_double(st, 4), col_text(st, 5),
		    col_text(st, 6));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	return 0;
}

/* Insert z, or update the row of the same name (id not 0). */
static int
zone_write(struct thads_db *db, const struct thads_zone *z, long long id,
    const char *source, struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	thads_now_utc(now, sizeof(now));
	if ((rc = thads_db_prepare(db, id == 0 ?
	    "INSERT INTO geo_zone (kind, wkt, radius_m, buffer_m, schedule, "
	    "tz, source, name, created_at, updated_at) VALUES "
	    "(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9)" :
	    "UPDATE geo_zone SET kind = ?1, wkt = ?2, radius_m = ?3, "
	    "buffer_m = ?4, schedule = ?5, tz = ?6, source = ?7, "
	    "updated_at = ?9, deleted_at = NULL WHERE name = ?8", &st,
	    err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, thads_zone_kind_name(z->kind), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 2, z->wkt, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, z->radius);
	sqlite3_bind_double(st, 4, z->buffer);
	bind_text(st, 5, z->schedule);
	bind_text(st, 6, z->tz);
	bind_text(st, 7, source);
	sqlite3_bind_text(st, 8, z->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

int
thads_geodb_zone_put(struct thads_db *db, const struct thads_zone *z,
    const char *source, int *action, struct thads_err *err)
{
	char *old, *new;
	long long id;
	int rc, same;

	if ((rc = zone_find(db, z, &id, &same, &old, err)) != 0)
		return rc;
	*action = id == 0 ? 1 : same ? 3 : 2;
	if (!same && (rc = zone_write(db, z, id, source, err)) == 0) {
		if (id == 0)
			id = sqlite3_last_insert_rowid(db->h);
		new = zone_json(thads_zone_kind_name(z->kind), z->wkt,
		    z->radius, z->buffer, z->schedule, z->tz);
		rc = thads_db_audit(db, *action == 1 ? "insert" : "update",
		    "geo_zone", id, z->name, old, new, source, err);
		free(new);
	}
	free(old);
	return rc;
}

/* The id of zone name or of person ext: 1, 0 (none), or an error. */
static int
find_id(struct thads_db *db, const char *sql, const char *key,
    long long *id, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		found = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	return found;
}

/*
 * Insert a period row (assignment or device) or change its end.  sel
 * finds it by (key, person, from), ins and upd write it.
 */
static int
put_period(struct thads_db *db, const char *tbl, const char *sel,
    const char *ins, const char *upd, long long key, const char *skey,
    long long person, int64_t from, int64_t to, const char *what,
    int *action, struct thads_err *err)
{
	sqlite3_stmt *st;
	long long id = 0;
	int64_t oldto = -1;
	char now[32], old[96], new[96];
	int rc;

	thads_now_utc(now, sizeof(now));
	if ((rc = thads_db_prepare(db, sel, &st, err)) != 0)
		return rc;
	if (skey != NULL)
		sqlite3_bind_text(st, 1, skey, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_int64(st, 3, from);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		oldto = col_ms(st, 1);
	}
	sqlite3_finalize(st);
	*action = id == 0 ? 1 : oldto == to ? 3 : 2;
	if (*action == 3)
		return 0;
	if ((rc = thads_db_prepare(db, id ? upd : ins, &st, err)) != 0)
		return rc;
	if (skey != NULL)
		sqlite3_bind_text(st, 1, skey, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, key);
	sqlite3_bind_int64(st, 2, person);
	sqlite3_bind_int64(st, 3, from);
	bind_ms(st, 4, to);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	if (id == 0)
		id = sqlite3_last_insert_rowid(db->h);
	snprintf(old, sizeof(old), "{\"valid_to\":%lld}", (long long)oldto);
	snprintf(new, sizeof(new), "{\"valid_from\":%lld,\"valid_to\":%lld}",
	    (long long)from, (long long)to);
	return thads_db_audit(db, *action == 1 ? "insert" : "update", tbl, id,
	    what, *action == 1 ? NULL : old, new, NULL, err);
}

/*
 * The start of an assignment given without one: that of the person's
 * assignment to the zone still valid at now, so that giving it again
 * (with an end, say) changes it instead of adding another; else now.
 */
static int
start_now(struct thads_db *db, long long zid, long long pid, int64_t now,
    int64_t *from, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*from = now;
	if ((rc = thads_db_prepare(db, "SELECT max(valid_from) FROM "
	    "geo_assignment WHERE zone_id = ?1 AND person_id = ?2 AND "
	    "deleted_at IS NULL AND valid_from <= ?3 AND (valid_to IS NULL "
	    "OR valid_to > ?3)", &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, zid);
	sqlite3_bind_int64(st, 2, pid);
	sqlite3_bind_int64(st, 3, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) != SQLITE_NULL)
		*from = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : thads_db_fail(db, rc, err);
}

int
thads_geodb_assign(struct thads_db *db, const char *person,
    const char *zone, int64_t from, int64_t to, int64_t now, int *action,
    struct thads_err *err)
{
	long long pid = 0, zid = 0;
	char what[300];
	int rc;

	if ((rc = find_id(db, person_sql, person, &pid, err)) <= 0)
		return rc < 0 ? rc : thads_seterr(err, THADS_EDATA, NULL, 0,
		    "unknown person '%s' (import the dossier first)", person);
	if ((rc = find_id(db, "SELECT id FROM geo_zone WHERE name = ? AND "
	    "deleted_at IS NULL", zone, &zid, err)) <= 0)
		return rc < 0 ? rc : thads_seterr(err, THADS_EDATA, NULL, 0,
		    "unknown zone '%s' (zones import it first)", zone);
	if (from < 0 && (rc = start_now(db, zid, pid, now, &from, err)) != 0)
		return rc;
	if (to >= 0 && to <= from)
		return thads_seterr(err, THADS_EDATA, NULL, 0, "the end of "
		    "%s/%s is not after its start (without --from it starts "
		    "now)", person, zone);
	snprintf(what, sizeof(what), "%s/%s", person, zone);
	return put_period(db, "geo_assignment",
	    "SELECT id, valid_to FROM geo_assignment WHERE zone_id = ?1 AND "
	    "person_id = ?2 AND valid_from = ?3",
	    "INSERT INTO geo_assignment (zone_id, person_id, valid_from, "
	    "valid_to, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?5)",
	    "UPDATE geo_assignment SET valid_to = ?4, updated_at = ?5, "
	    "deleted_at = NULL WHERE zone_id = ?1 AND person_id = ?2 AND "
	    "valid_from = ?3", zid, NULL, pid, from, to, what, action, err);
}

int
thads_geodb_device_put(struct thads_db *db, const char *device,
    const char *person, int64_t from, int64_t to, int *action,
    struct thads_err *err)
{
	long long pid = 0;
	char what[300];
	int rc;

	if ((rc = find_id(db, person_sql, person, &pid, err)) <= 0)
		return rc < 0 ? rc : thads_seterr(err, THADS_EDATA, NULL, 0,
		    "unknown person '%s' (import the dossier first)", person);
	snprintf(what, sizeof(what), "%s/%s", device, person);
	return put_period(db, "geo_device",
	    "SELECT id, valid_to FROM geo_device WHERE device = ?1 AND "
	    "person_id = ?2 AND valid_from = ?3",
	    "INSERT INTO geo_device (device, person_id, valid_from, valid_to, "
	    "created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?5)",
	    "UPDATE geo_device SET valid_to = ?4, updated_at = ?5 WHERE "
	    "device = ?1 AND person_id = ?2 AND valid_from = ?3", 0, device,
	    pid, from, to, what, action, err);
}

int
thads_geodb_source(struct thads_geodb *g, const char *name,
    const char *format, long long *id, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_SOURCE];
	char now[32];
	int rc;

	thads_now_utc(now, sizeof(now));
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, format, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	bind_text(st, 4, g->db->tool);
	sqlite3_bind_text(st, 5, g->db->user, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	*id = sqlite3_last_insert_rowid(g->db->h);
	if ((rc = done(g, st, rc, err)) != 0)
		return rc;
	/*
	 * The run in the audit trail, which also records --actor: the fixes
	 * and events it stores carry its source id, not their writer.
	 */
	return thads_db_audit(g->db, "insert", "geo_source", *id, name, NULL,
	    NULL, format, err);
}

int
thads_geodb_source_done(struct thads_geodb *g, long long id, long fixes,
    long skipped, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_SRCDONE];

	sqlite3_bind_int64(st, 1, fixes);
	sqlite3_bind_int64(st, 2, skipped);
	sqlite3_bind_int64(st, 3, id);
	return done(g, st, sqlite3_step(st), err);
}

static int
fix_cmp(const void *a, const void *b)
{
	const struct thads_geodb_fix *x = a, *y = b;

	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Bind fix fx as row k (0-based) of st. */
static void
bind_fix(sqlite3_stmt *st, int k, const struct thads_geodb_fix *fx)
{
	int j = 8 * k;

	sqlite3_bind_int64(st, j + 1, fx->person);
	sqlite3_bind_int64(st, j + 2, fx->t);
	sqlite3_bind_double(st, j + 3, fx->lat);
	sqlite3_bind_double(st, j + 4, fx->lon);
	if (isnan(fx->acc))
		sqlite3_bind_null(st, j + 5);
	else
		sqlite3_bind_double(st, j + 5, fx->acc);
	if (fx->battery >= 0)
		sqlite3_bind_int(st, j + 6, fx->battery);
	else
		sqlite3_bind_null(st, j + 6);
	if (fx->tamper >= 0)
		sqlite3_bind_int(st, j + 7, fx->tamper);
	else
		sqlite3_bind_null(st, j + 7);
	sqlite3_bind_int64(st, j + 8, fx->source);
}

int
thads_geodb_put_fixes(struct thads_geodb *g, struct thads_geodb_fix *fx,
    size_t n, long *stored, struct thads_err *err)
{
	sqlite3_stmt *st;
	size_t i = 0;
	int k, rows, rc;

	*stored = 0;
	if (n > 1)
		qsort(fx, n, sizeof(*fx), fix_cmp);
	while (i < n) {
		rows = n - i >= FIX_ROWS ? FIX_ROWS : 1;
		st = rows > 1 ? g->fixn : g->st[S_FIX];
		for (k = 0; k < rows; k++)
			bind_fix(st, k, &fx[i + (size_t)k]);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return thads_db_fail(g->db, rc, err);
		*stored += sqlite3_changes(g->db->h);
		i += (size_t)rows;
	}
	return 0;
}

static void
row_fix(sqlite3_stmt *st, struct thads_geodb_fix *fx)
{
	fx->person = sqlite3_column_int64(st, 0);
	fx->t = sqlite3_column_int64(st, 1);
	fx->lat = sqlite3_column_double(st, 2);
	fx->lon = sqlite3_column_double(st, 3);
	fx->acc = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN :
	    sqlite3_column_double(st, 4);
	fx->battery = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 5);
	fx->tamper = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 6);
	fx->source = sqlite3_column_int64(st, 7);
}

int
thads_geodb_fixes(struct thads_geodb *g, long long person, int64_t from,
    int64_t to, int (*fn)(const struct thads_geodb_fix *, void *),
    void *ctx, struct thads_err *err)
{
	sqlite3_stmt *st;
	struct thads_geodb_fix fx;
	int rc, cb = 0;

	/*
	 * A statement of its own: fn may store fixes or events, which use
	 * the shared statements, while this one is stepping.
	 */
	if ((rc = thads_db_prepare(g->db, fixes_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, person);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	while (cb == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_fix(st, &fx);
		cb = fn(&fx, ctx);
	}
	sqlite3_finalize(st);
	if (cb != 0)
		return cb;
	if (rc != SQLITE_DONE)
		return thads_db_fail(g->db, rc, err);
	return 0;
}

int
thads_geodb_fix_before(struct thads_geodb *g, long long person, int64_t t,
    struct thads_geodb_fix *fx, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_BEFORE];
	int rc, found = 0;

	sqlite3_bind_int64(st, 1, person);
	sqlite3_bind_int64(st, 2, t);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_fix(st, fx);
		found = 1;
	}
	if ((rc = done(g, st, rc, err)) != 0)
		return rc;
	return found;
}

int
thads_geodb_event_put(struct thads_geodb *g,
    const struct thads_geodb_event *e, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_EVENT];
	char now[32], start[40], end[40];

	thads_now_utc(now, sizeof(now));
	thads_time_format(e->start, 1, start, sizeof(start));
	sqlite3_bind_int64(st, 1, e->person);
	sqlite3_bind_int64(st, 2, e->zone);
	sqlite3_bind_text(st, 3, e->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, e->start);
	bind_ms(st, 5, e->end);
	sqlite3_bind_int64(st, 6, e->confirmed);
	sqlite3_bind_text(st, 7, start, -1, SQLITE_TRANSIENT);
	if (e->end >= 0) {
		thads_time_format(e->end, 1, end, sizeof(end));
		sqlite3_bind_text(st, 8, end, -1, SQLITE_TRANSIENT);
	} else
		sqlite3_bind_null(st, 8);
	if (isnan(e->maxdist))
		sqlite3_bind_null(st, 9);
	else
		sqlite3_bind_double(st, 9, round(e->maxdist * 10) / 10);
	sqlite3_bind_int64(st, 10, e->fixes);
	sqlite3_bind_double(st, 11, e->confidence);
	sqlite3_bind_int(st, 12, e->transit);
	sqlite3_bind_int(st, 13, e->seq);
	sqlite3_bind_text(st, 14, now, -1, SQLITE_TRANSIENT);
	return done(g, st, sqlite3_step(st), err);
}

int
thads_geodb_replay_start(struct thads_geodb *g, long long person, int64_t t,
    int64_t *from, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_STRADDLE];
	int64_t m;
	int rc;

	*from = t;
	for (;;) {
		sqlite3_bind_int64(st, 1, person);
		sqlite3_bind_int64(st, 2, *from);
		m = -1;
		if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    sqlite3_column_type(st, 0) != SQLITE_NULL)
			m = sqlite3_column_int64(st, 0);
		if ((rc = done(g, st, rc, err)) != 0)
			return rc;
		if (m < 0 || m >= *from)
			return 0;
		*from = m;
	}
}

int
thads_geodb_events_drop(struct thads_geodb *g, long long person, int64_t t,
    struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_DROP];

	sqlite3_bind_int64(st, 1, person);
	sqlite3_bind_int64(st, 2, t);
	return done(g, st, sqlite3_step(st), err);
}

int
thads_geodb_state_get(struct thads_geodb *g, long long person, char **json,
    struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_STGET];
	int rc;

	*json = NULL;
	sqlite3_bind_int64(st, 1, person);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (*json = strdup(col_text(st, 0) ? col_text(st, 0) : "")) ==
	    NULL) {
		sqlite3_reset(st);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	return done(g, st, rc, err);
}

int
thads_geodb_state_put(struct thads_geodb *g, long long person,
    const char *json, struct thads_err *err)
{
	sqlite3_stmt *st = g->st[S_STPUT];
	char now[32];

	thads_now_utc(now, sizeof(now));
	sqlite3_bind_int64(st, 1, person);
	sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
	return done(g, st, sqlite3_step(st), err);
}

/*
 * viddb.c: cameras and events in the database (viddb.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>

#include "viddb.h"
#include "vidscan.h"
#include "vidschema.h"

static const char has_tables_sql[] =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
    "name IN ('vid_camera', 'vid_event')";

static const char camera_sql[] =
    "INSERT INTO vid_camera (id, place, url, config, created_at, "
    "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (id) DO "
    "UPDATE SET place = ?2, url = ?3, config = ?4, updated_at = ?5";

static const char cameras_sql[] =
    "SELECT id, config FROM vid_camera ORDER BY id";

static const char insert_sql[] =
    "INSERT OR IGNORE INTO vid_event (camera, zone, type, source, "
    "video_start, video_end, wall_start, wall_end, peak, unit, expected, "
    "confidence, box_x, box_y, box_w, box_h, detail, open, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15, ?16, ?17, 1, ?18)";

/* An event that an interrupted scan of the same source left open. */
static const char reopen_sql[] =
    "SELECT id FROM vid_event WHERE source = ?1 AND camera = ?2 AND "
    "zone = ?3 AND type = ?4 AND video_start = ?5 AND open = 1";

static const char close_sql[] =
    "UPDATE vid_event SET video_end = ?2, wall_end = ?3, peak = ?4, "
    "expected = ?5, confidence = ?6, box_x = ?7, box_y = ?8, box_w = ?9, "
    "box_h = ?10, detail = ?11, snapshot = ?12, snapshot_path = ?13, "
    "snapshot_sha256 = ?14, open = 0 WHERE id = ?1";

void
thads_vsha256(const unsigned char *p, size_t len, char hex[65])
{
	struct sha256_ctx ctx;
	unsigned char d[SHA256_DIGEST_SIZE];
	int i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, p);
	sha256_digest(&ctx, sizeof(d), d);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void
thads_vdb_time(double t, char *buf, size_t size)
{
	time_t s = (time_t)floor(t);
	struct tm tm;

	if (localtime_r(&s, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "%.0f", t);
}

static int
step_done(struct thads_db *db, sqlite3_stmt *st, struct thads_err *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = thads_db_fail(db, rc, err);
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	return 0;
}

int
thads_vdb_ensure(struct thads_db *db, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc, n;

	if ((rc = thads_db_prepare(db, has_tables_sql, &st, err)) != 0)
		return rc;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		rc = thads_db_fail(db, rc, err);
		sqlite3_finalize(st);
		return rc;
	}
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (n == 2)
		return 0;
	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	if ((rc = thads_db_exec(db, thads_schema_vidscan, err)) != 0) {
		thads_db_rollback(db);
		return rc;
	}
	return thads_db_commit(db, err);
}

static int
store_one(struct thads_db *db, const struct thads_vcam *c, const char *xml,
    const char *now, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, camera_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, c->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, c->place, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, xml, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(db, st, err)) != 0)
		return rc;
	return thads_db_audit(db, "update", "vid_camera",
	    sqlite3_last_insert_rowid(db->h), c->id, NULL, NULL,
	    "cameras import", err);
}

int
thads_vdb_cameras_store(struct thads_db *db, const struct thads_vcams *c,
    struct thads_err *err)
{
	char now[32];
	int i, rc;

	thads_vdb_time((double)time(NULL), now, sizeof(now));
	if ((rc = thads_db_begin(db, err)) != 0)
		return rc;
	for (i = 0; i < c->n; i++)
		if ((rc = store_one(db, &c->cam[i], c->xml[i], now, err)) != 0) {
			thads_db_rollback(db);
			return rc;
		}
	return thads_db_commit(db, err);
}

static int
append(struct thads_vcams *out, const struct thads_vcams *one)
{
	struct thads_vcam *c;
	char **x;

	if ((c = realloc(out->cam, (size_t)(out->n + 1) * sizeof(*c))) == NULL)
		return THADS_ENOMEM;
	out->cam = c;
	if ((x = realloc(out->xml, (size_t)(out->n + 1) * sizeof(*x))) == NULL)
		return THADS_ENOMEM;
	out->xml = x;
	if ((out->xml[out->n] = strdup(one->xml[0])) == NULL)
		return THADS_ENOMEM;
	out->cam[out->n++] = one->cam[0];
	return 0;
}

int
thads_vdb_cameras_load(struct thads_db *db, const char *xsd,
    struct thads_vcams *out, struct thads_err *err)
{
	struct thads_vcams one;
	sqlite3_stmt *st;
	const char *id, *xml;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = thads_db_prepare(db, cameras_sql, &st, err)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = (const char *)sqlite3_column_text(st, 0);
		xml = (const char *)sqlite3_column_text(st, 1);
		rc = thads_vcams_parse(xml, strlen(xml), id, xsd, &one, err);
		if (rc == 0 && one.n == 1 && (rc = append(out, &one)) != 0)
			thads_seterr(err, rc, NULL, 0, "out of memory");
		thads_vcams_free(&one);
		if (rc != 0) {
			sqlite3_finalize(st);
			thads_vcams_free(out);
			return rc;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = thads_db_fail(db, rc, err);
		thads_vcams_free(out);
	} else
		rc = 0;
	sqlite3_finalize(st);
	return rc;
}

/* Write the snapshot under dir; its path into path. */
static int
snap_file(const struct thads_vevent *ev, const unsigned char *jpeg,
    size_t len, const char *dir, char *path, size_t size,
    struct thads_err *err)
{
	char when[32], *p;
	ssize_t w;
	size_t off = 0;
	int fd;

	thads_vdb_time(ev->w_start, when, sizeof(when));
	for (p = when; *p; p++)
		if (*p == ' ' || *p == ':')
			*p = *p == ' ' ? 'T' : '-';
	snprintf(path, size, "%s/%s-%s-%s-%s-%.3f.jpg", dir, ev->camera,
	    when, thads_vetype_name(ev->type), ev->zone, ev->v_start);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    0600)) < 0)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot create snapshot: %s", strerror(errno));
	while (off < len) {
		if ((w = write(fd, jpeg + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return thads_seterr(err, THADS_EIO, path, 0,
			    "cannot write snapshot: %s", strerror(errno));
		}
		off += (size_t)w;
	}
	if (close(fd) != 0)
		return thads_seterr(err, THADS_EIO, path, 0,
		    "cannot write snapshot: %s", strerror(errno));
	return 0;
}

static void
bind_box(sqlite3_stmt *st, int i, const struct thads_vbox *b)
{
	if (b->w <= 0) {
		for (int k = 0; k < 4; k++)
			sqlite3_bind_null(st, i + k);
		return;
	}
	sqlite3_bind_double(st, i, b->x);
	sqlite3_bind_double(st, i + 1, b->y);
	sqlite3_bind_double(st, i + 2, b->w);
	sqlite3_bind_double(st, i + 3, b->h);
}

/*
 * The event is stored already.  When an earlier scan stopped before it
 * closed it (killed, or a full disk), this scan takes it over and closes
 * it; otherwise it is left alone (rowid stays -1).
 */
static int
reopen(struct thads_db *db, struct thads_vevent *ev, struct thads_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = thads_db_prepare(db, reopen_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, ev->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ev->camera, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, ev->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, thads_vetype_name(ev->type), -1,
	    SQLITE_STATIC);
	sqlite3_bind_double(st, 5, ev->v_start);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ev->rowid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    thads_db_fail(db, rc, err);
}

static int
insert(struct thads_db *db, struct thads_vevent *ev, struct thads_err *err)
{
	char ws[32], we[32], now[32];
	sqlite3_stmt *st;
	int rc;

	thads_vdb_time(ev->w_start, ws, sizeof(ws));
	thads_vdb_time(ev->w_end, we, sizeof(we));
	thads_now_utc(now, sizeof(now));
	if ((rc = thads_db_prepare(db, insert_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_text(st, 1, ev->camera, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, ev->zone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, thads_vetype_name(ev->type), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev->source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 5, ev->v_start);
	sqlite3_bind_double(st, 6, ev->v_end);
	sqlite3_bind_text(st, 7, ws, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, we, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 9, ev->peak);
	sqlite3_bind_text(st, 10, thads_vetype_unit(ev->type), -1,
	    SQLITE_STATIC);
	if (ev->expected >= 0)
		sqlite3_bind_int(st, 11, ev->expected);
	sqlite3_bind_double(st, 12, ev->confidence);
	bind_box(st, 13, &ev->box);
	sqlite3_bind_text(st, 17, ev->detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 18, now, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(db, st, err)) != 0)
		return rc;
	ev->rowid = sqlite3_changes(db->h) > 0 ?
	    sqlite3_last_insert_rowid(db->h) : -1;
	return ev->rowid < 0 ? reopen(db, ev, err) : 0;
}

/*
 * The audit entry of an event opened or closed, which records who ran
 * the scan (tool, OS user, --actor); the key names the event.
 */
static int
audit_event(struct thads_db *db, const struct thads_vevent *ev,
    const char *action, struct thads_err *err)
{
	char key[1024];

	snprintf(key, sizeof(key), "%.100s/%.100s/%s@%.3f %.700s", ev->camera,
	    ev->zone, thads_vetype_name(ev->type), ev->v_start, ev->source);
	return thads_db_audit(db, action, "vid_event", ev->rowid, key, NULL,
	    NULL, NULL, err);
}

static int
store_event(struct thads_db *db, struct thads_vevent *ev, int closed,
    const unsigned char *jpeg, size_t jpeglen, const char *sha256,
    const char *snapdir, struct thads_err *err);

/* One transaction for the event and its audit entry. */
int
thads_vdb_event(struct thads_db *db, struct thads_vevent *ev, int closed,
    const unsigned char *jpeg, size_t jpeglen, const char *sha256,
    const char *snapdir, struct thads_err *err)
{
	int own = !db->intx, rc;

	if (own && (rc = thads_db_begin(db, err)) != 0)
		return rc;
	rc = store_event(db, ev, closed, jpeg, jpeglen, sha256, snapdir, err);
	if (own && rc == 0)
		rc = thads_db_commit(db, err);
	if (own && rc != 0)
		thads_db_rollback(db);
	return rc;
}

static int
store_event(struct thads_db *db, struct thads_vevent *ev, int closed,
    const unsigned char *jpeg, size_t jpeglen, const char *sha256,
    const char *snapdir, struct thads_err *err)
{
	char we[32], path[4096];
	sqlite3_stmt *st;
	int rc;

	if (!closed || ev->rowid == 0) {
		if ((rc = insert(db, ev, err)) != 0 || (ev->rowid > 0 &&
		    (rc = audit_event(db, ev, "insert", err)) != 0) || !closed)
			return rc;
	}
	if (ev->rowid < 0)
		return 0;	/* stored by an earlier scan */
	path[0] = '\0';
	if (jpeg != NULL && snapdir != NULL &&
	    (rc = snap_file(ev, jpeg, jpeglen, snapdir, path,
	    sizeof(path), err)) != 0)
		return rc;
	thads_vdb_time(ev->w_end, we, sizeof(we));
	if ((rc = thads_db_prepare(db, close_sql, &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, ev->rowid);
	sqlite3_bind_double(st, 2, ev->v_end);
	sqlite3_bind_text(st, 3, we, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 4, ev->peak);
	if (ev->expected >= 0)
		sqlite3_bind_int(st, 5, ev->expected);
	sqlite3_bind_double(st, 6, ev->confidence);
	bind_box(st, 7, &ev->box);
	sqlite3_bind_text(st, 11, ev->detail, -1, SQLITE_TRANSIENT);
	if (jpeg != NULL && snapdir == NULL)
		sqlite3_bind_blob(st, 12, jpeg, (int)jpeglen, SQLITE_STATIC);
	if (path[0] != '\0')
		sqlite3_bind_text(st, 13, path, -1, SQLITE_TRANSIENT);
	if (sha256 != NULL)
		sqlite3_bind_text(st, 14, sha256, -1, SQLITE_TRANSIENT);
	if ((rc = step_done(db, st, err)) != 0)
		return rc;
	return audit_event(db, ev, "update", err);
}

static const char list_sql[] =
    "SELECT CASE open WHEN 1 THEN 'open' ELSE 'closed' END, camera, zone, "
    "type, wall_start, wall_end, printf('%.2f', video_start), "
    "printf('%.2f', video_end), printf('%.4g', peak), unit, expected, "
    "printf('%.2f', confidence), CASE WHEN box_w IS NULL THEN NULL ELSE "
    "printf('%.3f %.3f %.3f %.3f', box_x, box_y, box_w, box_h) END, "
    "detail, snapshot_sha256, source FROM vid_event "
    "WHERE (?1 IS NULL OR wall_start >= ?1) AND (?2 IS NULL OR type = ?2) "
    "ORDER BY wall_start, id";

int
thads_vdb_list(struct thads_db *db, const char *since, const char *type,
    FILE *fp, enum thads_fmt fmt, unsigned flags, struct thads_err *err)
{
	struct thads_out *out;
	sqlite3_stmt *st;
	const char *v[16];
	int i, rc;

	if ((rc = thads_db_prepare(db, list_sql, &st, err)) != 0)
		return rc;
	if (since != NULL)
		sqlite3_bind_text(st, 1, since, -1, SQLITE_TRANSIENT);
	if (type != NULL)
		sqlite3_bind_text(st, 2, type, -1, SQLITE_TRANSIENT);
	if ((rc = thads_out_open(fp, fmt, "event", thads_vsink_cols,
	    thads_vsink_ncols, flags, &out, err)) != 0) {
		sqlite3_finalize(st);
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < 16; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if (thads_out_row(out, v, err) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		rc = thads_db_fail(db, rc, err);
	else
		rc = 0;
	sqlite3_finalize(st);
	if (thads_out_close(out, rc ? NULL : err) != 0 && rc == 0)
		rc = err->code;
	return rc;
}

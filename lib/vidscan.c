/*
 * vidscan.c: batch mode and the event sink (vidscan.h).
 *
 * A recording is read twice.  The first pass samples frames over its
 * first seconds (o->prime) and takes their median as the starting
 * background, so that someone already moving in the first frame, or a
 * fire already burning, is not learned as background and missed; the
 * second pass analyses every o->every-th frame from the start.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "thads.h"
#include "viddb.h"
#include "vidscan.h"

const struct thads_col thads_vsink_cols[] = {
	{ "state", THADS_COL_TEXT }, { "camera", THADS_COL_TEXT },
	{ "zone", THADS_COL_TEXT }, { "type", THADS_COL_TEXT },
	{ "start", THADS_COL_TEXT }, { "end", THADS_COL_TEXT },
	{ "video_start", THADS_COL_REAL }, { "video_end", THADS_COL_REAL },
	{ "peak", THADS_COL_REAL }, { "unit", THADS_COL_TEXT },
	{ "expected", THADS_COL_INT }, { "confidence", THADS_COL_REAL },
	{ "box", THADS_COL_TEXT }, { "detail", THADS_COL_TEXT },
	{ "snapshot_sha256", THADS_COL_TEXT }, { "source", THADS_COL_TEXT },
};
const size_t thads_vsink_ncols = sizeof(thads_vsink_cols) /
    sizeof(thads_vsink_cols[0]);

static int
row(struct thads_vsink *s, const struct thads_vevent *ev, int closed,
    const char *sha, struct thads_err *err)
{
	char ws[32], we[32], vs[32], ve[32], pk[32], ex[16], cf[16], box[64];
	const char *v[16];
	int rc;

	thads_vdb_time(ev->w_start, ws, sizeof(ws));
	thads_vdb_time(ev->w_end, we, sizeof(we));
	snprintf(vs, sizeof(vs), "%.2f", ev->v_start);
	snprintf(ve, sizeof(ve), "%.2f", ev->v_end);
	snprintf(pk, sizeof(pk), "%.4g", ev->peak);
	snprintf(ex, sizeof(ex), "%d", ev->expected);
	snprintf(cf, sizeof(cf), "%.2f", ev->confidence);
	snprintf(box, sizeof(box), "%.3f %.3f %.3f %.3f", ev->box.x,
	    ev->box.y, ev->box.w, ev->box.h);
	v[0] = closed ? "closed" : "open";
	v[1] = ev->camera;
	v[2] = ev->zone;
	v[3] = thads_vetype_name(ev->type);
	v[4] = ws;
	v[5] = we;
	v[6] = vs;
	v[7] = ve;
	v[8] = pk;
	v[9] = thads_vetype_unit(ev->type);
	v[10] = ev->expected >= 0 ? ex : NULL;
	v[11] = cf;
	v[12] = ev->box.w > 0 ? box : NULL;
	v[13] = ev->detail[0] ? ev->detail : NULL;
	v[14] = sha;
	v[15] = ev->source;
	if ((rc = thads_out_row(s->out, v, err)) != 0)
		return rc;
	/* Watch mode: the command centre must see the row now. */
	if (s->fp != NULL && fflush(s->fp) != 0)
		return thads_seterr(err, THADS_EIO, NULL, 0,
		    "cannot write output: %s", strerror(errno));
	return 0;
}

int
thads_vsink_event(struct thads_vevent *ev, int closed, void *ctx,
    struct thads_err *err)
{
	struct thads_vsink *s = ctx;
	unsigned char *jpeg = NULL;
	size_t len = 0;
	char sha[65];
	int rc = 0;

	sha[0] = '\0';
	if (closed && ev->snap != NULL) {
		if ((rc = thads_vframe_jpeg(ev->snap, &ev->box, ev->quality,
		    &jpeg, &len, err)) != 0)
			return rc;
		thads_vsha256(jpeg, len, sha);
	}
	if (s->db != NULL)
		rc = thads_vdb_event(s->db, ev, closed, jpeg, len,
		    sha[0] ? sha : NULL, s->snapdir, err);
	free(jpeg);
	if (rc == 0 && s->out != NULL && (closed || s->opens))
		rc = row(s, ev, closed, sha[0] ? sha : NULL, err);
	if (rc == 0 && closed) {
		s->nevents++;
		if (ev->type >= 0 && ev->type < THADS_VE_COUNT)
			s->ntype[ev->type]++;
	}
	return rc;
}

/* The name of the folder holding path, into buf. */
static void
parent_name(const char *path, char *buf, size_t size)
{
	char tmp[PATH_MAX];
	char *slash, *base;

	snprintf(tmp, sizeof(tmp), "%s", path);
	if ((slash = strrchr(tmp, '/')) == NULL) {
		snprintf(buf, size, "default");
		return;
	}
	*slash = '\0';
	base = strrchr(tmp, '/');
	snprintf(buf, size, "%.63s", base ? base + 1 : tmp);
	if (buf[0] == '\0' || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
		snprintf(buf, size, "default");
}

int
thads_vscan_camera(const struct thads_vscan_opts *o, const char *path,
    struct thads_vcam *cam, struct thads_err *err)
{
	const struct thads_vcam *c = NULL;
	char dir[THADS_VIDLEN];
	int i, rc;

	parent_name(path, dir, sizeof(dir));
	if (o->camera != NULL) {
		if (o->cams != NULL && o->cams->n > 0 &&
		    (c = thads_vcams_find(o->cams, o->camera)) == NULL) {
			thads_vcam_default(cam, o->camera);
			return thads_seterr(err, THADS_ECONFIG, NULL, 0,
			    "no camera '%s' in the camera file or database",
			    o->camera);
		}
	} else if (o->cams != NULL)
		c = thads_vcams_find(o->cams, dir);
	if (c != NULL)
		*cam = *c;
	else
		thads_vcam_default(cam, o->camera ? o->camera : dir);
	for (i = 0; i < o->noverset; i++)
		if ((rc = thads_vparams_assign(&cam->p, o->overset[i], err)))
			return rc;
	return 0;
}

static int
is_media(const char *name)
{
	static const char *const ext[] = { ".mp4", ".avi", ".mkv", ".mov",
	    ".ts", ".m4v", ".mpg", ".mpeg", ".webm", ".flv", ".wmv", ".3gp",
	    ".h264", ".mjpeg", ".jpg", ".jpeg", ".png", ".bmp", ".ppm",
	    ".pgm", ".tif", ".tiff", ".webp" };
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL || name[0] == '.')
		return 0;
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return 1;
	return 0;
}

/* Wall time of the first frame: --start, else the file's mtime less its
 * length (a recorder closes the file when the recording ends). */
static double
start_of(const char *path, const struct thads_vscan_opts *o,
    const struct thads_vsrc_info *info)
{
	struct stat st;
	double len = info->fps > 0 && info->frames > 0 ?
	    info->frames / info->fps : 0;

	if (o->start >= 0)
		return o->start;
	if (stat(path, &st) != 0)
		return (double)time(NULL);
	return (double)st.st_mtime - len;
}

static int
prime(struct thads_vrun *r, const char *path, const struct thads_vscan_opts *o,
    const struct thads_vsrc_info *info, struct thads_err *err)
{
	struct thads_vsrc *s;
	struct thads_vframe *f;
	double fps = info->fps > 0 ? info->fps : 25;
	long step, i, n = (long)(o->prime * fps);
	int rc = 0, got;

	if (info->frames > 0 && n > info->frames)
		n = info->frames;
	if (n < 5)
		return 0;
	step = n / 15 > 0 ? n / 15 : 1;
	if (thads_vsrc_open(path, 0, &s, err) != 0)
		return 0;	/* the main pass reports it */
	for (i = 0; i < n && rc == 0; i++) {
		if (i % step != 0) {
			got = thads_vsrc_skip(s, err);
		} else if ((got = thads_vsrc_read(s, &f, err)) == 1) {
			rc = thads_vrun_prime(r, f, err);
			thads_vframe_free(f);
		}
		if (got <= 0)
			break;
	}
	thads_vsrc_close(s);
	return rc ? rc : thads_vrun_prime_end(r, err);
}

/* The main pass.  Returns 0, or -1 with err set for a fatal error
 * (database, output), or the code of a read error (file failed). */
static int
frames(struct thads_vrun *r, struct thads_vsrc *s, double wall0, long every,
    struct thads_vscan_stats *st, struct thads_err *err, int *fatal)
{
	struct thads_vframe *f;
	long i;
	int got, rc, bad = 0;

	for (i = 0;; i++) {
		if (i % every != 0) {
			got = thads_vsrc_skip(s, err);
		} else if ((got = thads_vsrc_read(s, &f, err)) == 1) {
			rc = thads_vrun_frame(r, f, wall0 + thads_vframe_pts(f),
			    err);
			st->video_s = thads_vframe_pts(f);
			thads_vframe_free(f);
			if (rc != 0) {
				*fatal = 1;
				return rc;
			}
		}
		if (got == 0)
			return 0;
		/* A decoder error mid-file: skip on, up to a limit. */
		if (got < 0 && ++bad > 25)
			return got;
	}
}

static int
scan_file(const char *path, const struct thads_vscan_opts *o,
    struct thads_vsink *sink, struct thads_vscan_stats *st,
    struct thads_err *err, int *fatal)
{
	struct thads_vsrc_info info;
	struct thads_vsrc *s;
	struct thads_vrun *r;
	struct thads_vcam cam;
	struct thads_vrun_opts ro = o->run;
	double t0 = (double)clock() / CLOCKS_PER_SEC, vs = st->video_s;
	int rc, rc2;

	*fatal = 0;
	if ((rc = thads_vscan_camera(o, path, &cam, err)) != 0) {
		*fatal = 1;
		return rc;
	}
	if ((rc = thads_vsrc_open(path, 0, &s, err)) != 0)
		return rc;
	thads_vsrc_describe(s, &info);
	if (o->note != NULL)
		o->note("%s: camera %s, %dx%d, %.1f fps, %ld frames", path,
		    cam.id, info.width, info.height, info.fps, info.frames);
	ro.fn = thads_vsink_event;
	ro.ctx = sink;
	if ((rc = thads_vrun_open(&cam, path, &info, &ro, &r, err)) != 0) {
		thads_vsrc_close(s);
		*fatal = ro.annotate != NULL;
		return rc;
	}
	st->video_s = 0;
	rc = prime(r, path, o, &info, err);
	if (rc == 0)
		rc = frames(r, s, start_of(path, o, &info), o->every > 0 ?
		    o->every : 1, st, err, fatal);
	else
		*fatal = 1;
	st->frames += thads_vrun_stats(r)->frames;
	st->corrupt += thads_vrun_stats(r)->corrupt;
	if (thads_vrun_stats(r)->grey > 0 && o->note != NULL &&
	    (ro.detectors == 0 || (ro.detectors & THADS_VW_FIRE)))
		o->note("%s: %d frames without colour: fire not checked on "
		    "them", path, thads_vrun_stats(r)->grey);
	rc2 = thads_vrun_close(r, rc ? NULL : err);
	if (rc == 0 && rc2 != 0) {
		rc = rc2;
		*fatal = 1;
	}
	thads_vsrc_close(s);
	st->video_s += vs;
	st->cpu_s += (double)clock() / CLOCKS_PER_SEC - t0;
	return rc;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int scan(const char *, const struct thads_vscan_opts *,
    struct thads_vsink *, struct thads_vscan_stats *,
    void (*)(const struct thads_err *), struct thads_err *, int);

static int
scan_dir(const char *path, const struct thads_vscan_opts *o,
    struct thads_vsink *sink, struct thads_vscan_stats *st,
    void (*err_fn)(const struct thads_err *), struct thads_err *err,
    int depth)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL, **nn, full[PATH_MAX];
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (d == NULL)
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "cannot open folder: %s", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				rc = THADS_ENOMEM;
				break;
			}
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) == NULL) {
			rc = THADS_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0 && n > 0)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n && rc == 0; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		rc = scan(full, o, sink, st, err_fn, err, depth + 1);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc == THADS_ENOMEM && err->code == 0)
		thads_seterr(err, rc, NULL, 0, "out of memory");
	return rc;
}

static int
scan(const char *path, const struct thads_vscan_opts *o,
    struct thads_vsink *sink, struct thads_vscan_stats *st,
    void (*err_fn)(const struct thads_err *), struct thads_err *err,
    int depth)
{
	struct stat sb;
	int rc, fatal = 0;

	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (depth > 8)
			return 0;
		return scan_dir(path, o, sink, st, err_fn, err, depth);
	}
	if (depth > 0 && !is_media(path))
		return 0;
	st->files++;
	thads_clearerr(err);
	rc = scan_file(path, o, sink, st, err, &fatal);
	if (rc == 0 || fatal)
		return rc;
	st->failed++;
	if (err_fn != NULL)
		err_fn(err);
	thads_clearerr(err);
	return 0;
}

int
thads_vscan_path(const char *path, const struct thads_vscan_opts *o,
    struct thads_vsink *sink, struct thads_vscan_stats *st,
    void (*err_fn)(const struct thads_err *), struct thads_err *err)
{
	return scan(path, o, sink, st, err_fn, err, 0);
}

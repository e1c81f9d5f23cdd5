/*
 * gpsfix.c: the track readers (gpsfix.h).
 *
 * One struct thads_trk reads one input.  Every format ends in fill(),
 * which checks the values of one record as text and builds the fix, so
 * that the rules (ranges, the 0,0 of receivers without a fix, time
 * stamps with or without an offset) are the same whatever the format.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "csv.h"
#include "geotime.h"
#include "geoxml.h"
#include "gpsfix.h"
#include "map.h"
#include "nmea.h"
#include "record.h"
#include "zio.h"

#define MAX_LINE	(1024 * 1024)
#define SNIFF		512

enum col { C_ID, C_TIME, C_LAT, C_LON, C_ACC, C_BAT, C_TAMPER, C_N };

static const char *const colnames[C_N][6] = {
	{ "id", "device", "device_id", "person", "person_id", NULL },
	{ "time", "timestamp", "t", NULL },
	{ "lat", "latitude", NULL },
	{ "lon", "lng", "longitude", NULL },
	{ "accuracy", "acc", "hacc", NULL },
	{ "battery", "bat", NULL },
	{ "tamper", NULL },
};

static const char *const fmtnames[] = { "auto", "csv", "jsonl", "gpx",
	"nmea" };

struct thads_trk {
	struct thads_rd *rd;
	struct thads_trk_opts o;
	enum thads_trkfmt fmt;
	char	*name;
	long	 skipped;
	struct thads_tcache tc;
	int64_t	 limit;		/* newest fix time accepted without a
				   look at the clock (plausible()) */
	char	 tbuf[40];

	/* Lines (JSON Lines, NMEA). */
	char	*lb;
	size_t	 lbcap, lbstart, lbend;
	int	 lbeof;
	long	 line;

	/* CSV. */
	struct thads_csv *csv;
	int	 col[C_N];	/* column of each value, -1 when absent */
	int	 empty;		/* the input holds nothing at all */
	size_t	 ncols;
	struct thads_rec rec;

	/* GPX. */
	struct thads_gxml *gx;
	int	 inpt;		/* inside a trkpt */
	int	 field;		/* collecting: 1 time, 2 hdop */
	char	 ftext[2][64];
	char	*ptlat, *ptlon;
	long	 ptline;
	int	 rootseen;

	/* NMEA. */
	struct thads_nmea *nmea;
	int	 nmeaend;
};

static void
skip(struct thads_trk *t, struct thads_err *e)
{
	t->skipped++;
	if (e->file[0] == '\0')
		snprintf(e->file, sizeof(e->file), "%s", t->name);
	if (t->o.skip != NULL)
		t->o.skip(e, t->o.ctx);
}

/*
 * The common case of a number, "-12.3456789": an optional sign, at most
 * 15 significant digits and no exponent.  Such a mantissa is exact in a
 * double, and so is 10^k for k <= 22, so one division gives the
 * correctly rounded value (Clinger's fast path) four times faster than
 * strtod(3).  Returns 0, or -1 to hand the text to strtod(3).
 */
static int
fastnum(const char *s, double *v)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16 };
	uint64_t m = 0;
	int neg = 0, nd = 0, frac = -1;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++nd > 15)
				return -1;
			m = m * 10 + (uint64_t)(*s - '0');
			if (frac >= 0)
				frac++;
		} else if (*s == '.' && frac < 0)
			frac = 0;
		else
			return -1;
	}
	if (nd == 0)
		return -1;
	*v = (double)m / p10[frac > 0 ? frac : 0];
	if (neg)
		*v = -*v;
	return 0;
}

/* A number from text: 0, or -1 when s is not one. */
static int
num(const char *s, double *v)
{
	char *end;

	if (fastnum(s, v) == 0)
		return 0;
	while (*s == ' ')
		s++;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return end == s || *end != '\0' || !isfinite(*v) ? -1 : 0;
}

static int
flag(const char *s)
{
	if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "yes") == 0)
		return 1;
	if (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0 ||
	    strcasecmp(s, "no") == 0)
		return 0;
	return -1;
}

static int
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/*
 * Build f from the text values v[C_*] (NULL or "" when absent).  Returns
 * 0, or THADS_EDATA with the reason in err (the record is skipped).
 */
static int
fill(struct thads_trk *t, const char *const *v, long line,
    struct thads_fix *f, struct thads_err *err)
{
	double x;
	const char *id = !empty(v[C_ID]) ? v[C_ID] : t->o.id;

	memset(f, 0, sizeof(*f));
	f->line = line;
	if (empty(id))
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "no device or person id");
	if (strlen(id) >= sizeof(f->id))
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "id longer than %zu bytes", sizeof(f->id) - 1);
	memcpy(f->id, id, strlen(id) + 1);
	if (empty(v[C_TIME]) || thads_time_parse(v[C_TIME], &t->tc, &f->t))
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "bad time '%.40s'", v[C_TIME] ? v[C_TIME] : "");
	if (empty(v[C_LAT]) || num(v[C_LAT], &f->lat) || fabs(f->lat) > 90)
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "bad latitude '%.40s'", v[C_LAT] ? v[C_LAT] : "");
	if (empty(v[C_LON]) || num(v[C_LON], &f->lon) || fabs(f->lon) > 180)
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "bad longitude '%.40s'", v[C_LON] ? v[C_LON] : "");
	if (f->lat == 0 && f->lon == 0)
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "position 0,0: the receiver had no fix");
	f->acc = NAN;
	if (!empty(v[C_ACC]) && (num(v[C_ACC], &f->acc) || f->acc < 0))
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "bad accuracy '%.40s'", v[C_ACC]);
	f->battery = -1;
	if (!empty(v[C_BAT])) {
		if (num(v[C_BAT], &x) || x < 0 || x > 100)
			return thads_seterr(err, THADS_EDATA, t->name, line,
			    "bad battery '%.40s' (percent)", v[C_BAT]);
		f->battery = (int)lround(x);
	}
	f->tamper = -1;
	if (!empty(v[C_TAMPER]) && (f->tamper = flag(v[C_TAMPER])) < 0)
		return thads_seterr(err, THADS_EDATA, t->name, line,
		    "bad tamper flag '%.40s' (1/0, true/false, yes/no)",
		    v[C_TAMPER]);
	return 0;
}

/* --- lines ------------------------------------------------------------- */

/* The next line, without its end: 1, 0 at the end, or an error. */
static int
next_line(struct thads_trk *t, char **line, struct thads_err *err)
{
	char *nl, *b;
	long n;

	for (;;) {
		nl = t->lbend > t->lbstart ? memchr(t->lb + t->lbstart, '\n',
		    t->lbend - t->lbstart) : NULL;
		if (nl != NULL || (t->lbeof && t->lbend > t->lbstart)) {
			if (nl == NULL)
				nl = t->lb + t->lbend;
			*nl = '\0';
			*line = t->lb + t->lbstart;
			t->lbstart = (size_t)(nl - t->lb) + 1;
			if (nl > *line && nl[-1] == '\r')
				nl[-1] = '\0';
			t->line++;
			return 1;
		}
		if (t->lbeof)
			return 0;
		if (t->lbstart > 0) {
			memmove(t->lb, t->lb + t->lbstart, t->lbend -
			    t->lbstart);
			t->lbend -= t->lbstart;
			t->lbstart = 0;
		}
		if (t->lbend + 1 >= t->lbcap) {
			if (t->lbcap >= MAX_LINE) {
				thads_seterr(err, THADS_EDATA, t->name,
				    t->line + 1, "line longer than 1 MiB");
				return THADS_EDATA;
			}
			if ((b = realloc(t->lb, t->lbcap ? 2 * t->lbcap :
			    65536)) == NULL) {
				thads_seterr(err, THADS_ENOMEM, t->name, 0,
				    "out of memory");
				return THADS_ENOMEM;
			}
			t->lb = b;
			t->lbcap = t->lbcap ? 2 * t->lbcap : 65536;
		}
		n = thads_rd_read(t->rd, t->lb + t->lbend, t->lbcap -
		    t->lbend - 1, err);
		if (n < 0)
			return (int)n;
		if (n == 0)
			t->lbeof = 1;
		t->lbend += (size_t)n;
	}
}

/* --- CSV --------------------------------------------------------------- */

static int
find_columns(struct thads_trk *t, const struct thads_row *h,
    struct thads_err *err)
{
	size_t i;
	int c, k;

	for (c = 0; c < C_N; c++)
		t->col[c] = -1;
	for (i = 0; i < h->n; i++)
		for (c = 0; c < C_N; c++)
			for (k = 0; colnames[c][k] != NULL; k++)
				if (strcasecmp(h->f[i], colnames[c][k]) == 0 &&
				    t->col[c] < 0)
					t->col[c] = (int)i;
	t->ncols = h->n;
	for (c = C_ID; c <= C_LON; c++)
		if (t->col[c] < 0 && (c != C_ID || t->o.id == NULL))
			return thads_seterr(err, THADS_EDATA, t->name,
			    h->line, "no '%s' column in the header (a track "
			    "in CSV needs %s time, lat, lon)", colnames[c][0],
			    t->o.id ? "" : "id,");
	return 0;
}

static int
csv_open(struct thads_trk *t, struct thads_err *err)
{
	struct thads_row row;
	int delim = t->o.map ? thads_map_delim(t->o.map) : ',';
	int rc, k, skiprows = t->o.map ? thads_map_skip(t->o.map) : 0;

	if ((rc = thads_csv_open(t->rd, delim, 0, &t->csv, err)) != 0)
		return rc;
	for (k = 0; k < skiprows; k++)
		if ((rc = thads_csv_next(t->csv, &row, err)) <= 0)
			return rc < 0 ? rc : thads_seterr(err, THADS_EDATA,
			    t->name, 0, "empty input");
	if (t->o.map != NULL && !thads_map_header(t->o.map))
		return thads_map_bind(t->o.map, NULL, t->name, err);
	if ((rc = thads_csv_next(t->csv, &row, err)) < 0)
		return rc;
	if (rc == 0) {
		t->empty = 1;	/* no fix, and nothing wrong */
		return 0;
	}
	if (t->o.map != NULL)
		return thads_map_bind(t->o.map, &row, t->name, err);
	return find_columns(t, &row, err);
}

/* The value of a mapped record for column c. */
static const char *
mapped(const struct thads_rec *r, enum col c)
{
	static const char *const keys[C_N] = { "id", "time", "lat", "lon",
	    "accuracy", "battery", "tamper" };
	size_t i;

	if (c == C_ID && r->v[F_PERSON_ID] != NULL)
		return r->v[F_PERSON_ID];
	for (i = 0; i < r->nextra; i++)
		if (strcmp(r->extra[i].key, keys[c]) == 0)
			return r->extra[i].val;
	return NULL;
}

static int
csv_next(struct thads_trk *t, struct thads_fix *f, struct thads_err *err)
{
	struct thads_row row;
	struct thads_err e;
	const char *v[C_N] = { NULL };
	int rc, c;

	if (t->empty)
		return 0;
	for (;;) {
		if ((rc = thads_csv_next(t->csv, &row, err)) <= 0)
			return rc;
		thads_clearerr(&e);
		if (t->o.map != NULL) {
			thads_rec_clear(&t->rec);
			if ((rc = thads_map_apply(t->o.map, &row, t->name,
			    &t->rec, &e)) == 1)
				continue;
			if (rc == THADS_ENOMEM)
				return thads_seterr(err, rc, t->name, 0,
				    "out of memory");
			for (c = 0; c < C_N; c++)
				v[c] = rc == 0 ? mapped(&t->rec, c) : NULL;
		} else if (row.n == 1 && row.len[0] == 0) {
			continue;
		} else if (row.n != t->ncols) {
			rc = thads_seterr(&e, THADS_EDATA, t->name, row.line,
			    "%zu fields, the header has %zu", row.n,
			    t->ncols);
		} else {
			rc = 0;
			for (c = 0; c < C_N; c++)
				v[c] = t->col[c] >= 0 ? row.f[t->col[c]] :
				    NULL;
		}
		if (rc == 0 && fill(t, v, row.line, f, &e) == 0)
			return 1;
		skip(t, &e);
	}
}

/* --- JSON Lines -------------------------------------------------------- */

static const char *
jval(json_t *o, enum col c, char *buf, size_t size)
{
	json_t *v = NULL;
	int k;

	for (k = 0; colnames[c][k] != NULL && v == NULL; k++)
		v = json_object_get(o, colnames[c][k]);
	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, size, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, size, "%d", json_is_true(v));
	else
		return "?";
	return buf;
}

static int
jsonl_next(struct thads_trk *t, struct thads_fix *f, struct thads_err *err)
{
	char *line, buf[C_N][48];
	const char *v[C_N];
	struct thads_err e;
	json_error_t je;
	json_t *o;
	int rc, c;

	for (;;) {
		if ((rc = next_line(t, &line, err)) <= 0)
			return rc;
		while (isspace((unsigned char)*line))
			line++;
		if (*line == '\0')
			continue;
		thads_clearerr(&e);
		if ((o = json_loads(line, 0, &je)) == NULL ||
		    !json_is_object(o)) {
			thads_seterr(&e, THADS_EDATA, t->name, t->line,
			    "not a JSON object: %s", o ? "" : je.text);
			json_decref(o);
			skip(t, &e);
			continue;
		}
		for (c = 0; c < C_N; c++)
			v[c] = jval(o, c, buf[c], sizeof(buf[c]));
		rc = fill(t, v, t->line, f, &e);
		json_decref(o);
		if (rc == 0)
			return 1;
		skip(t, &e);
	}
}

/* --- GPX --------------------------------------------------------------- */

static void
gpx_reset(struct thads_trk *t)
{
	free(t->ptlat);
	free(t->ptlon);
	t->ptlat = t->ptlon = NULL;
	t->ftext[0][0] = t->ftext[1][0] = '\0';
	t->inpt = 0;
	t->field = 0;
}

static int
gpx_point(struct thads_trk *t, struct thads_fix *f)
{
	const char *v[C_N] = { NULL };
	struct thads_err e;
	double hdop;

	thads_clearerr(&e);
	v[C_TIME] = t->ftext[0];
	v[C_LAT] = t->ptlat;
	v[C_LON] = t->ptlon;
	if (t->ftext[0][0] == '\0')
		thads_seterr(&e, THADS_EDATA, t->name, t->ptline, "track "
		    "point without a time: skipped");
	else if (fill(t, v, t->ptline, f, &e) == 0) {
		if (num(t->ftext[1], &hdop) == 0 && hdop > 0)
			f->acc = hdop * (t->o.hdop_m > 0 ? t->o.hdop_m :
			    THADS_HDOP_M);
		gpx_reset(t);
		return 1;
	}
	gpx_reset(t);
	skip(t, &e);
	return 0;
}

static int
gpx_start(struct thads_trk *t, const char *el, struct thads_err *err)
{
	if (!t->rootseen) {
		t->rootseen = 1;
		if (strcmp(el, "gpx") != 0)
			return thads_seterr(err, THADS_EDATA, t->name,
			    thads_gxml_line(t->gx), "not GPX: the root "
			    "element is <%.40s>", el);
		return 0;
	}
	if (strcmp(el, "trkpt") == 0) {
		gpx_reset(t);
		t->inpt = 1;
		t->ptline = thads_gxml_line(t->gx);
		t->ptlat = thads_gxml_attr(t->gx, "lat");
		t->ptlon = thads_gxml_attr(t->gx, "lon");
	} else if (t->inpt && strcmp(el, "time") == 0) {
		t->field = 1;
		t->ftext[0][0] = '\0';
	} else if (t->inpt && strcmp(el, "hdop") == 0) {
		t->field = 2;
		t->ftext[1][0] = '\0';
	}
	return 0;
}

static void
gpx_text(struct thads_trk *t, const char *s)
{
	char *dst = t->ftext[t->field - 1];
	size_t n = strlen(dst);

	while (n == 0 && isspace((unsigned char)*s))
		s++;
	snprintf(dst + n, sizeof(t->ftext[0]) - n, "%s", s);
	n = strlen(dst);
	while (n > 0 && isspace((unsigned char)dst[n - 1]))
		dst[--n] = '\0';
}

static int
gpx_next(struct thads_trk *t, struct thads_fix *f, struct thads_err *err)
{
	const char *el;
	int k, rc;

	for (;;) {
		if ((k = thads_gxml_next(t->gx, err)) <= 0) {
			if (k == 0 && !t->rootseen)
				return thads_seterr(err, THADS_EDATA, t->name,
				    1, "not GPX: empty document");
			return k;
		}
		if (k == THADS_GX_TEXT) {
			if (t->field)
				gpx_text(t, thads_gxml_text(t->gx));
			continue;
		}
		el = thads_gxml_name(t->gx);
		if (k == THADS_GX_START) {
			if ((rc = gpx_start(t, el, err)) != 0)
				return rc;
		} else if (strcmp(el, "time") == 0 ||
		    strcmp(el, "hdop") == 0)
			t->field = 0;
		else if (t->inpt && strcmp(el, "trkpt") == 0 &&
		    gpx_point(t, f) == 1)
			return 1;
	}
}

/* --- NMEA -------------------------------------------------------------- */

static int
nmea_next(struct thads_trk *t, struct thads_fix *f, struct thads_err *err)
{
	struct thads_err e;
	char *line;
	long dropped;
	int rc;

	for (;;) {
		if (thads_nmea_pop(t->nmea, f) == 1) {
			if (t->o.id == NULL)
				return thads_seterr(err, THADS_EUSAGE, t->name,
				    0, "NMEA gives no device id: give one");
			snprintf(f->id, sizeof(f->id), "%s", t->o.id);
			return 1;
		}
		if (t->nmeaend)
			return 0;
		if ((rc = next_line(t, &line, err)) < 0)
			return rc;
		thads_clearerr(&e);
		if (rc == 0) {
			t->nmeaend = 1;
			if ((dropped = thads_nmea_end(t->nmea, &e)) < 0)
				return thads_seterr(err, (int)dropped,
				    t->name, 0, "out of memory");
			if (dropped > 0) {
				skip(t, &e);
				t->skipped += dropped - 1;
			}
			continue;
		}
		if ((rc = thads_nmea_line(t->nmea, line, t->line, &e)) < 0)
			return thads_seterr(err, rc, t->name, 0,
			    "out of memory");
		if (rc == 1)
			skip(t, &e);
	}
}

/* --- opening ----------------------------------------------------------- */

static int
ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static enum thads_trkfmt
by_name(const char *path)
{
	char base[4096];
	size_t n;

	snprintf(base, sizeof(base), "%s", path);
	n = strlen(base);
	if (n > 4 && strcasecmp(base + n - 4, ".zst") == 0)
		base[n - 4] = '\0';
	if (ends(base, ".csv"))
		return THADS_TRK_CSV;
	if (ends(base, ".jsonl") || ends(base, ".ndjson") ||
	    ends(base, ".json"))
		return THADS_TRK_JSONL;
	if (ends(base, ".gpx"))
		return THADS_TRK_GPX;
	if (ends(base, ".nmea"))
		return THADS_TRK_NMEA;
	return THADS_TRK_AUTO;
}

/* The format from the first bytes, which are pushed back. */
static int
sniff(struct thads_trk *t, struct thads_err *err)
{
	char buf[SNIFF];
	long n, got = 0;
	int i = 0;

	/* Only as much as it takes: a pipe may hold one line for now. */
	do {
		if ((n = thads_rd_read(t->rd, buf + got, (size_t)(SNIFF - got),
		    err)) < 0)
			return (int)n;
		got += n;
		while (i < got && (isspace((unsigned char)buf[i]) ||
		    (i < 3 && (unsigned char)buf[i] >= 0xbb)))
			i++;
	} while (n > 0 && i == got && got < SNIFF);
	i = 0;
	if (thads_rd_unread(t->rd, buf, (size_t)got, err) != 0)
		return THADS_ENOMEM;
	if (got >= 3 && (unsigned char)buf[0] == 0xef &&
	    (unsigned char)buf[1] == 0xbb && (unsigned char)buf[2] == 0xbf)
		i = 3;
	while (i < got && isspace((unsigned char)buf[i]))
		i++;
	if (i < got && buf[i] == '<')
		t->fmt = THADS_TRK_GPX;
	else if (i < got && (buf[i] == '$' || buf[i] == '!'))
		t->fmt = THADS_TRK_NMEA;
	else if (i < got && buf[i] == '{')
		t->fmt = THADS_TRK_JSONL;
	else
		t->fmt = THADS_TRK_CSV;
	return 0;
}

static int
start(struct thads_trk *t, struct thads_err *err)
{
	int rc;

	if (t->fmt == THADS_TRK_AUTO && (t->fmt = by_name(t->name)) ==
	    THADS_TRK_AUTO && (rc = sniff(t, err)) != 0)
		return rc;
	if ((t->fmt == THADS_TRK_GPX || t->fmt == THADS_TRK_NMEA) &&
	    t->o.id == NULL)
		return thads_seterr(err, THADS_EUSAGE, t->name, 0, "%s gives "
		    "no device or person id: give one (--id)",
		    t->fmt == THADS_TRK_GPX ? "GPX" : "NMEA");
	switch (t->fmt) {
	case THADS_TRK_CSV:
		return csv_open(t, err);
	case THADS_TRK_GPX:
		return thads_gxml_open(t->rd, NULL, 0, t->name, &t->gx, err);
	case THADS_TRK_NMEA:
		return thads_nmea_new(t->o.nmea_date, t->o.hdop_m, &t->nmea,
		    err);
	default:
		return 0;
	}
}

int
thads_trk_open(const char *path, const struct thads_trk_opts *o,
    struct thads_trk **out, struct thads_err *err)
{
	struct thads_trk *t;
	int rc;

	*out = NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	t->o = *o;
	t->fmt = o->fmt;
	if ((rc = thads_rd_open(path, &t->rd, err)) != 0) {
		free(t);
		return rc;
	}
	if (o->idle != NULL)
		thads_rd_set_idle(t->rd, o->idle, o->idle_ctx);
	if ((t->name = strdup(thads_rd_name(t->rd))) == NULL)
		rc = thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	if (rc != 0 || (rc = start(t, err)) != 0) {
		thads_trk_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

static int
next_any(struct thads_trk *t, struct thads_fix *f, struct thads_err *err)
{
	switch (t->fmt) {
	case THADS_TRK_CSV:
		return csv_next(t, f, err);
	case THADS_TRK_JSONL:
		return jsonl_next(t, f, err);
	case THADS_TRK_GPX:
		return gpx_next(t, f, err);
	case THADS_TRK_NMEA:
		return nmea_next(t, f, err);
	default:
		return thads_seterr(err, THADS_EUSAGE, t->name, 0,
		    "unknown track format");
	}
}

/*
 * Could a device have taken f at its time?  Not before 2000, nor more
 * than o.ahead after the run's clock.  The system clock is read again
 * only when a fix passes the limit last set, so that a pipe read for
 * days keeps an up-to-date limit at no cost per fix.
 */
static int
plausible(struct thads_trk *t, struct thads_fix *f)
{
	struct timespec ts;

	if (f->t < THADS_TRK_FLOOR_MS)
		return 0;
	if (t->o.ahead < 0 || f->t <= t->limit)
		return 1;
	if (t->o.now == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		t->limit = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	} else
		t->limit = t->o.now;
	t->limit += t->o.ahead ? t->o.ahead : THADS_TRK_AHEAD_MS;
	return f->t <= t->limit;
}

int
thads_trk_next(struct thads_trk *t, struct thads_fix *f,
    struct thads_err *err)
{
	struct thads_err e;
	int rc;

	while ((rc = next_any(t, f, err)) == 1) {
		if (plausible(t, f))
			return 1;
		thads_clearerr(&e);
		thads_time_format(f->t, 1, t->tbuf, sizeof(t->tbuf));
		thads_seterr(&e, THADS_EDATA, t->name, f->line, "implausible "
		    "time %s: %s", t->tbuf, f->t < THADS_TRK_FLOOR_MS ?
		    "before 2000" : "ahead of the clock");
		skip(t, &e);
	}
	return rc;
}

long
thads_trk_skipped(const struct thads_trk *t)
{
	return t->skipped;
}

const char *
thads_trk_format(const struct thads_trk *t)
{
	return fmtnames[t->fmt];
}

const char *
thads_trk_name(const struct thads_trk *t)
{
	return t->name;
}

int
thads_trk_stream(const struct thads_trk *t)
{
	return thads_rd_size(t->rd) < 0;
}

void
thads_trk_close(struct thads_trk *t)
{
	if (t == NULL)
		return;
	thads_csv_close(t->csv);
	thads_rec_clear(&t->rec);
	free(t->rec.extra);	/* the array is kept by thads_rec_clear() */
	thads_gxml_close(t->gx);
	gpx_reset(t);
	thads_nmea_free(t->nmea);
	thads_rd_close(t->rd);
	free(t->lb);
	free(t->name);
	free(t);
}

/*
 * geoplot.c: a person's day as an SVG map, and as GeoJSON (geoops.h).
 *
 * Both gather the same things: the person's fixes in the period (from
 * the database and from any archives named), the zones bound to the
 * person, and the events that overlap the period.  The map puts them in
 * a local plane (equirectangular, centred on what is drawn), zones
 * under the track, and draws in red every stretch of track that lies
 * inside a violation (a breach, a curfew breach, absconding, or a
 * transit through an exclusion zone); fixes that the jump filter would
 * reject are crossed out in grey.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "geodb.h"
#include "geofence.h"
#include "geoops.h"
#include "geotime.h"
#include "gpsfix.h"
#include "zio.h"

#define W	1000.0
#define H	800.0
#define MARGIN	40.0
#define DEG	(M_PI / 180.0)

struct pt {
	int64_t	 t;
	double	 lat, lon, acc;
	int	 outlier;
	int	 viol;		/* the stretch to the next fix is a violation */
};

struct evrow {
	char	 type[24];
	char	 zone[128];
	int64_t	 start, end;	/* end -1: open */
	int	 transit;
	double	 maxd;
	long	 fixes;
	double	 conf;
};

struct day {
	struct thads_db *db;
	struct thads_geodb *gdb;
	struct thads_geo *geo;
	long long person;
	const char *ext;
	int64_t	 from, to;
	struct pt *pt;
	size_t	 npt, cap;
	struct evrow *ev;
	size_t	 nev;
	struct thads_zone **zone;
	size_t	 nzone;
	/* the plane */
	double	 lon0, lat0, kx, ky, scale, minx, miny;
};

static int
nomem(struct thads_err *err)
{
	return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
}

static int
add_pt(struct day *d, int64_t t, double lat, double lon, double acc)
{
	struct pt *p;

	if (d->npt == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 1024;
		if ((p = realloc(d->pt, d->cap * sizeof(*p))) == NULL)
			return THADS_ENOMEM;
		d->pt = p;
	}
	p = &d->pt[d->npt++];
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->lat = lat;
	p->lon = lon;
	p->acc = acc;
	return 0;
}

static int
db_fix(const struct thads_geodb_fix *fx, void *ctx)
{
	return add_pt(ctx, fx->t, fx->lat, fx->lon, fx->acc);
}

static int
from_archive(struct day *d, const char *path, struct thads_err *err)
{
	struct thads_trk_opts o;
	struct thads_trk *t;
	struct thads_fix f;
	int rc;

	if ((rc = thads_geo_archive_verify(path, err)) < 0)
		return rc;
	memset(&o, 0, sizeof(o));
	if ((rc = thads_trk_open(path, &o, &t, err)) != 0)
		return rc;
	while ((rc = thads_trk_next(t, &f, err)) == 1)
		if (strcmp(f.id, d->ext) == 0 && f.t >= d->from &&
		    f.t < d->to && add_pt(d, f.t, f.lat, f.lon, f.acc) != 0) {
			rc = nomem(err);
			break;
		}
	thads_trk_close(t);
	return rc;
}

static int
by_time(const void *a, const void *b)
{
	const struct pt *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

static int
add_zone(long long zone, int64_t from, int64_t to, void *ctx)
{
	struct day *d = ctx;
	struct thads_zone **z, *zz;
	struct thads_err e;
	size_t i;

	if ((to >= 0 && to <= d->from) || from >= d->to)
		return 0;
	for (i = 0; i < d->nzone; i++)
		if (d->zone[i]->id == zone)
			return 0;
	if (thads_geodb_zone(d->gdb, d->geo, zone, &zz, &e) != 0)
		return 0;	/* a zone that no longer compiles: not drawn */
	if ((z = realloc(d->zone, (d->nzone + 1) * sizeof(*z))) == NULL) {
		thads_zone_free(d->geo, zz);
		return THADS_ENOMEM;
	}
	d->zone = z;
	d->zone[d->nzone++] = zz;
	return 0;
}

static int
load_events(struct day *d, struct thads_err *err)
{
	sqlite3_stmt *st;
	struct evrow *e;
	int rc;

	if ((rc = thads_db_prepare(d->db, "SELECT e.type, z.name, e.start_ms,"
	    " e.end_ms, e.transit, e.max_distance_m, e.fixes, e.confidence "
	    "FROM geo_event e LEFT JOIN geo_zone z ON z.id = e.zone_id WHERE "
	    "e.person_id = ? AND e.start_ms < ? AND (e.end_ms IS NULL OR "
	    "e.end_ms >= ?) ORDER BY e.start_ms, e.seq", &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, d->person);
	sqlite3_bind_int64(st, 2, d->to);
	sqlite3_bind_int64(st, 3, d->from);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = realloc(d->ev, (d->nev + 1) * sizeof(*e))) == NULL) {
			sqlite3_finalize(st);
			return nomem(err);
		}
		d->ev = e;
		e = &d->ev[d->nev++];
		snprintf(e->type, sizeof(e->type), "%s",
		    sqlite3_column_text(st, 0));
		snprintf(e->zone, sizeof(e->zone), "%s",
		    sqlite3_column_text(st, 1) ?
		    (const char *)sqlite3_column_text(st, 1) : "");
		e->start = sqlite3_column_int64(st, 2);
		e->end = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 :
		    sqlite3_column_int64(st, 3);
		e->transit = sqlite3_column_int(st, 4);
		e->maxd = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN :
		    sqlite3_column_double(st, 5);
		e->fixes = (long)sqlite3_column_int64(st, 6);
		e->conf = sqlite3_column_double(st, 7);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(d->db, rc, err);
}

static int
is_violation(const struct evrow *e)
{
	return strcmp(e->type, "left_inclusion") == 0 ||
	    strcmp(e->type, "entered_exclusion") == 0 ||
	    strcmp(e->type, "curfew") == 0 ||
	    strcmp(e->type, "absconding") == 0;
}

/* Mark outliers (the jump filter, re-anchoring included) and the
 * stretches inside violations. */
static void
classify(struct day *d, const struct thads_gf_rules *r)
{
	size_t i, k, anchor = 0, far[64], nfar = 0;
	int have = 0, want = r->reanchor < 1 ? 1 : r->reanchor > 64 ? 64 :
	    r->reanchor;
	struct pt *p, *a;
	double acc, aacc;

	for (i = 0; i < d->npt; i++) {
		p = &d->pt[i];
		acc = isnan(p->acc) ? r->default_acc : p->acc;
		a = &d->pt[have ? anchor : i];
		aacc = isnan(a->acc) ? r->default_acc : a->acc;
		if (!have || !thads_gf_too_fast(a->lat, a->lon, aacc, a->t,
		    p->lat, p->lon, acc, p->t, r->max_kmh)) {
			for (k = 0; k < nfar; k++)
				d->pt[far[k]].outlier = 1;
			nfar = 0;
			anchor = i;
			have = 1;
			continue;
		}
		if (nfar > 0) {
			a = &d->pt[far[nfar - 1]];
			aacc = isnan(a->acc) ? r->default_acc : a->acc;
			if (thads_gf_too_fast(a->lat, a->lon, aacc, a->t,
			    p->lat, p->lon, acc, p->t, r->max_kmh)) {
				for (k = 0; k < nfar; k++)
					d->pt[far[k]].outlier = 1;
				nfar = 0;
			}
		}
		far[nfar++] = i;
		if ((int)nfar >= want) {
			anchor = i;
			nfar = 0;
		}
	}
	for (k = 0; k < nfar; k++)
		d->pt[far[k]].outlier = 1;
	for (i = 0; i + 1 < d->npt; i++)
		for (k = 0; k < d->nev; k++) {
			const struct evrow *e = &d->ev[k];

			if (!is_violation(e))
				continue;
			if (e->transit ? (e->start == d->pt[i].t &&
			    e->end == d->pt[i + 1].t) : (d->pt[i].t >=
			    e->start && (e->end < 0 || d->pt[i + 1].t <=
			    e->end)))
				d->pt[i].viol = 1;
		}
}

static void
day_free(struct day *d)
{
	size_t i;

	for (i = 0; i < d->nzone; i++)
		thads_zone_free(d->geo, d->zone[i]);
	free(d->zone);
	free(d->pt);
	free(d->ev);
	thads_geodb_close(d->gdb);
	thads_geo_free(d->geo);
}

static int
gather(struct day *d, char *const *arch, int narch, struct thads_err *err)
{
	size_t i, n;
	int rc, k;

	if ((rc = thads_geo_new(&d->geo, err)) != 0 ||
	    (rc = thads_geodb_open(d->db, &d->gdb, err)) != 0)
		return rc;
	if ((rc = thads_geodb_person(d->gdb, d->ext, &d->person, err)) <= 0)
		return rc < 0 ? rc : thads_seterr(err, THADS_EDATA, NULL, 0,
		    "unknown person '%s'", d->ext);
	if ((rc = thads_geodb_fixes(d->gdb, d->person, d->from, d->to,
	    db_fix, d, err)) != 0)
		return rc == THADS_ENOMEM ? nomem(err) : rc;
	for (k = 0; k < narch; k++)
		if ((rc = from_archive(d, arch[k], err)) != 0)
			return rc;
	if (d->npt > 1)
		qsort(d->pt, d->npt, sizeof(*d->pt), by_time);
	for (i = n = 0; i < d->npt; i++)
		if (n == 0 || d->pt[i].t != d->pt[n - 1].t)
			d->pt[n++] = d->pt[i];
	d->npt = n;
	if ((rc = thads_geodb_assignments(d->gdb, d->person, add_zone, d,
	    err)) != 0)
		return rc == THADS_ENOMEM ? nomem(err) : rc;
	return load_events(d, err);
}

/* --- the plane --------------------------------------------------------- */

struct bbox {
	double	 lon1, lon2, lat1, lat2;
	int	 any;
};

static void
bb_add(struct bbox *b, double lon, double lat)
{
	if (!b->any) {
		b->lon1 = b->lon2 = lon;
		b->lat1 = b->lat2 = lat;
		b->any = 1;
		return;
	}
	b->lon1 = fmin(b->lon1, lon);
	b->lon2 = fmax(b->lon2, lon);
	b->lat1 = fmin(b->lat1, lat);
	b->lat2 = fmax(b->lat2, lat);
}

static int
bb_ring(int poly, int ring, const double *xy, size_t n, void *ctx)
{
	size_t i;

	(void)poly;
	(void)ring;
	for (i = 0; i < n; i++)
		bb_add(ctx, xy[2 * i], xy[2 * i + 1]);
	return 0;
}

static double
wrap(double d)
{
	while (d >= 180)
		d -= 360;
	while (d < -180)
		d += 360;
	return d;
}

static void
plane(struct day *d)
{
	struct bbox b;
	double dx, dy;
	size_t i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < d->npt; i++)
		if (!d->pt[i].outlier)
			bb_add(&b, d->pt[i].lon, d->pt[i].lat);
	for (i = 0; i < d->nzone; i++)
		thads_zone_rings(d->zone[i], bb_ring, &b);
	if (!b.any)
		b.lon1 = b.lon2 = b.lat1 = b.lat2 = 0;
	d->lon0 = (b.lon1 + b.lon2) / 2;
	d->lat0 = (b.lat1 + b.lat2) / 2;
	d->kx = THADS_EARTH_R * cos(d->lat0 * DEG) * DEG;
	d->ky = THADS_EARTH_R * DEG;
	dx = (b.lon2 - b.lon1) * d->kx;
	dy = (b.lat2 - b.lat1) * d->ky;
	d->minx = -dx / 2;
	d->miny = -dy / 2;
	d->scale = fmin((W - 2 * MARGIN) / fmax(dx, 1),
	    (H - 2 * MARGIN) / fmax(dy, 1));
}

static double
px(const struct day *d, double lon)
{
	return MARGIN + (wrap(lon - d->lon0) * d->kx - d->minx) * d->scale;
}

static double
py(const struct day *d, double lat)
{
	return H - MARGIN - ((lat - d->lat0) * d->ky - d->miny) * d->scale;
}

/* --- SVG --------------------------------------------------------------- */

struct svg {
	struct thads_wr *w;
	struct thads_err *err;
	struct day *d;
	int	 rc;
};

static void
out(struct svg *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
out(struct svg *s, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	if (s->rc != 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		s->rc = thads_wr_write(s->w, buf, (size_t)n < sizeof(buf) ?
		    (size_t)n : sizeof(buf) - 1, s->err);
}

/* Text for XML: & < > " escaped, control characters dropped. */
static void
text(struct svg *s, const char *t)
{
	char buf[512];
	size_t n = 0;

	for (; *t != '\0' && n + 8 < sizeof(buf); t++) {
		const char *rep = *t == '&' ? "&amp;" : *t == '<' ? "&lt;" :
		    *t == '>' ? "&gt;" : *t == '"' ? "&quot;" : NULL;

		if (rep != NULL) {
			memcpy(buf + n, rep, strlen(rep));
			n += strlen(rep);
		} else if ((unsigned char)*t >= 0x20)
			buf[n++] = *t;
	}
	buf[n] = '\0';
	out(s, "%s", buf);
}

static const char *
zone_colour(enum thads_zone_kind k)
{
	return k == THADS_ZONE_EXCLUSION ? "#c62828" :
	    k == THADS_ZONE_CURFEW ? "#6a1b9a" : "#2e7d32";
}

static int
svg_ring(int poly, int ring, const double *xy, size_t n, void *ctx)
{
	struct svg *s = ctx;
	size_t i;

	(void)poly;
	(void)ring;
	for (i = 0; i < n; i++)
		out(s, "%s%.1f %.1f", i ? " L" : " M", px(s->d, xy[2 * i]),
		    py(s->d, xy[2 * i + 1]));
	out(s, " Z");
	return s->rc;
}

static void
svg_zones(struct svg *s)
{
	struct day *d = s->d;
	const struct thads_zone *z;
	size_t i;

	out(s, "<g id=\"zones\">\n");
	for (i = 0; i < d->nzone; i++) {
		z = d->zone[i];
		out(s, "<path fill-rule=\"evenodd\" fill=\"%s\" "
		    "fill-opacity=\"0.12\" stroke=\"%s\" stroke-width=\"1.5\" "
		    "stroke-dasharray=\"%s\" d=\"", zone_colour(z->kind),
		    zone_colour(z->kind), z->kind == THADS_ZONE_INCLUSION ?
		    "none" : "6 3");
		thads_zone_rings(z, svg_ring, s);
		out(s, "\"><title>");
		text(s, z->name);
		out(s, " (%s)</title></path>\n", thads_zone_kind_name(z->kind));
	}
	out(s, "</g>\n");
}

/* The track as polylines, one per run of the same colour. */
static void
svg_track(struct svg *s)
{
	struct day *d = s->d;
	size_t i, j;
	int v;

	out(s, "<g id=\"track\" fill=\"none\" stroke-linejoin=\"round\">\n");
	for (i = 0; i + 1 < d->npt; i = j) {
		while (i + 1 < d->npt && d->pt[i].outlier)
			i++;
		if (i + 1 >= d->npt)
			break;
		v = d->pt[i].viol;
		out(s, "<polyline class=\"%s\" stroke=\"%s\" stroke-width=\"%s\" "
		    "points=\"%.1f,%.1f", v ? "violation" : "track",
		    v ? "#d50000" : "#1565c0", v ? "3.5" : "2",
		    px(d, d->pt[i].lon), py(d, d->pt[i].lat));
		for (j = i + 1; j < d->npt; j++) {
			if (d->pt[j].outlier)
				continue;
			out(s, " %.1f,%.1f", px(d, d->pt[j].lon),
			    py(d, d->pt[j].lat));
			if (j + 1 >= d->npt || d->pt[j].viol != v)
				break;
		}
		out(s, "\"/>\n");
	}
	out(s, "</g>\n<g id=\"fixes\">\n");
	for (i = 0; i < d->npt; i++) {
		if (d->pt[i].outlier)
			out(s, "<path class=\"outlier\" stroke=\"#757575\" "
			    "stroke-width=\"1.5\" d=\"M%.1f %.1fl6 6m0 -6l-6 "
			    "6\"/>\n", px(d, d->pt[i].lon) - 3,
			    py(d, d->pt[i].lat) - 3);
		else
			out(s, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.8\" "
			    "fill=\"%s\"/>\n", px(d, d->pt[i].lon),
			    py(d, d->pt[i].lat), d->pt[i].viol ? "#d50000" :
			    "#0d47a1");
	}
	out(s, "</g>\n");
}

static void
svg_legend(struct svg *s, const char *title)
{
	struct day *d = s->d;
	double m = 1, bar;
	size_t i, nv = 0;

	for (i = 0; i < d->nev; i++)
		nv += is_violation(&d->ev[i]);
	while (m * 10 * d->scale < 120)
		m *= 10;
	bar = m * d->scale * (m * 5 * d->scale < 200 ? 5 : 1);
	out(s, "<g id=\"legend\" font-family=\"sans-serif\" font-size=\"13\">"
	    "\n<text x=\"%g\" y=\"%g\">", MARGIN, H + 22);
	text(s, title);
	out(s, " · %zu fixes · %zu events (%zu violations)</text>\n", d->npt,
	    d->nev, nv);
	out(s, "<line x1=\"%g\" y1=\"%g\" x2=\"%.1f\" y2=\"%g\" stroke=\"#000\""
	    " stroke-width=\"2\"/><text x=\"%.1f\" y=\"%g\">%g m</text>\n",
	    MARGIN, H + 42, MARGIN + bar, H + 42, MARGIN + bar + 6, H + 46,
	    bar / d->scale);
	out(s, "<text x=\"400\" y=\"%g\"><tspan fill=\"#1565c0\">━ track"
	    "</tspan>  <tspan fill=\"#d50000\">━ violation</tspan>  "
	    "<tspan fill=\"#757575\">✕ outlier</tspan>  <tspan "
	    "fill=\"#2e7d32\">▭ inclusion</tspan>  <tspan fill=\"#c62828\">▭ "
	    "exclusion</tspan>  <tspan fill=\"#6a1b9a\">▭ curfew</tspan>"
	    "</text>\n</g>\n", H + 46);
}

int
thads_geo_plot(struct thads_db *db, const char *person, int64_t from,
    int64_t to, char *const *arch, int narch, const char *path, int force,
    const struct thads_gf_rules *r, struct thads_err *err)
{
	struct day d;
	struct svg s;
	char title[256], f1[40], f2[40];
	int rc;

	memset(&d, 0, sizeof(d));
	d.db = db;
	d.ext = person;
	d.from = from;
	d.to = to;
	if ((rc = gather(&d, arch, narch, err)) != 0) {
		day_free(&d);
		return rc;
	}
	classify(&d, r);
	plane(&d);
	memset(&s, 0, sizeof(s));
	s.d = &d;
	s.err = err;
	if ((rc = thads_wr_open(path, thads_geo_wrflags(force), &s.w,
	    err)) != 0) {
		day_free(&d);
		return rc;
	}
	thads_time_format(from, 0, f1, sizeof(f1));
	thads_time_format(to, 0, f2, sizeof(f2));
	snprintf(title, sizeof(title), "%s, %s to %s", person, f1, f2);
	out(&s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns="
	    "\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
	    "viewBox=\"0 0 %g %g\">\n<title>", W, H + 60, W, H + 60);
	text(&s, title);
	out(&s, "</title>\n<rect width=\"100%%\" height=\"100%%\" "
	    "fill=\"#ffffff\"/>\n");
	svg_zones(&s);
	svg_track(&s);
	svg_legend(&s, title);
	out(&s, "</svg>\n");
	if ((rc = s.rc) != 0)
		thads_wr_abort(s.w);
	else if (thads_wr_close(s.w, err) != 0)
		rc = err->code;
	day_free(&d);
	return rc;
}

/* --- GeoJSON ----------------------------------------------------------- */

struct gjring {
	json_t	*polys;		/* array of polygons (arrays of rings) */
};

static int
gj_ring(int poly, int ring, const double *xy, size_t n, void *ctx)
{
	struct gjring *g = ctx;
	json_t *r = json_array(), *p;
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(r, json_pack("[f,f]", wrap(xy[2 * i]),
		    xy[2 * i + 1]));
	if (ring == 0 || (size_t)poly >= json_array_size(g->polys))
		json_array_append_new(g->polys, json_array());
	p = json_array_get(g->polys, json_array_size(g->polys) - 1);
	json_array_append_new(p, r);
	return 0;
}

static json_t *
gj_zone(const struct thads_zone *z)
{
	struct gjring g;

	g.polys = json_array();
	thads_zone_rings(z, gj_ring, &g);
	return json_pack("{s:s,s:{s:s,s:o},s:{s:s,s:s,s:f,s:f,s:s?,s:s?}}",
	    "type", "Feature", "geometry", "type", "MultiPolygon",
	    "coordinates", g.polys, "properties", "name", z->name, "kind",
	    thads_zone_kind_name(z->kind), "radius_m", z->radius, "buffer_m",
	    z->buffer, "schedule", z->schedule, "tz", z->tz);
}

static json_t *
gj_line(const struct day *d, int64_t from, int64_t to, int all)
{
	json_t *c = json_array();
	size_t i;

	for (i = 0; i < d->npt; i++)
		if ((all || (d->pt[i].t >= from && (to < 0 ||
		    d->pt[i].t <= to))) && !d->pt[i].outlier)
			json_array_append_new(c, json_pack("[f,f]",
			    d->pt[i].lon, d->pt[i].lat));
	if (json_array_size(c) == 0) {
		json_decref(c);
		return json_null();
	}
	if (json_array_size(c) == 1) {
		json_t *p = json_incref(json_array_get(c, 0));

		json_decref(c);
		return json_pack("{s:s,s:o}", "type", "Point", "coordinates", p);
	}
	return json_pack("{s:s,s:o}", "type", "LineString", "coordinates", c);
}

static json_t *
gj_time(int64_t ms)
{
	char buf[40];

	if (ms < 0)
		return json_null();
	thads_time_format(ms, 1, buf, sizeof(buf));
	return json_string(buf);
}

int
thads_geo_export(struct thads_db *db, const char *person, int64_t from,
    int64_t to, char *const *arch, int narch, const char *path, int force,
    struct thads_err *err)
{
	struct thads_gf_rules r;
	struct thads_wr *w;
	struct day d;
	json_t *fc, *feats, *times;
	char *s;
	size_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	d.db = db;
	d.ext = person;
	d.from = from;
	d.to = to;
	thads_gf_defaults(&r);
	if ((rc = gather(&d, arch, narch, err)) != 0) {
		day_free(&d);
		return rc;
	}
	classify(&d, &r);
	feats = json_array();
	for (i = 0; i < d.nzone; i++)
		json_array_append_new(feats, gj_zone(d.zone[i]));
	times = json_array();
	for (i = 0; i < d.npt; i++)
		if (!d.pt[i].outlier)
			json_array_append_new(times, gj_time(d.pt[i].t));
	json_array_append_new(feats, json_pack("{s:s,s:o,s:{s:s,s:s,s:o,s:o,"
	    "s:I,s:o}}", "type", "Feature", "geometry", gj_line(&d, 0, 0, 1),
	    "properties", "kind", "track", "person", person, "from",
	    gj_time(from), "to", gj_time(to), "fixes", (json_int_t)d.npt,
	    "times", times));
	for (i = 0; i < d.nev; i++)
		json_array_append_new(feats, json_pack("{s:s,s:o,s:{s:s,s:s,"
		    "s:s?,s:o,s:o,s:o,s:I,s:f,s:b}}", "type", "Feature",
		    "geometry", gj_line(&d, d.ev[i].start, d.ev[i].end, 0),
		    "properties", "kind", "event", "type", d.ev[i].type,
		    "zone", d.ev[i].zone[0] ? d.ev[i].zone : NULL, "start",
		    gj_time(d.ev[i].start), "end", gj_time(d.ev[i].end),
		    "max_distance_m", isnan(d.ev[i].maxd) ? json_null() :
		    json_real(d.ev[i].maxd), "fixes", (json_int_t)d.ev[i].fixes,
		    "confidence", d.ev[i].conf, "transit", d.ev[i].transit));
	fc = json_pack("{s:s,s:o}", "type", "FeatureCollection", "features",
	    feats);
	s = fc ? json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
	json_decref(fc);
	day_free(&d);
	if (s == NULL)
		return nomem(err);
	if ((rc = thads_wr_open(path, thads_geo_wrflags(force), &w,
	    err)) == 0) {
		if ((rc = thads_wr_printf(w, err, "%s\n", s)) != 0)
			thads_wr_abort(w);
		else if (thads_wr_close(w, err) != 0)
			rc = err->code;
	}
	free(s);
	return rc;
}

/*
 * geozone.c: zones: reading, checking, compiling, locating (geozone.h).
 *
 * The readers (GeoJSON, KML, WKT lines) all produce struct thads_zdef:
 * plain rings of longitude/latitude pairs.  thads_zone_compile() then
 * checks them in the order a user can act on: ranges first (a projected
 * file fails there, with one clear message, before anything else),
 * then ring shape (closed, enough positions), then OGC validity through
 * GEOS, which names the reason and the place.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <geos_c.h>
#include <jansson.h>

#include "geotime.h"
#include "geoxml.h"
#include "geozone.h"

#define DEG	(M_PI / 180.0)
#define MAX_METRES	100000.0
#define CIRCLE_SEGS	72

struct thads_geo {
	GEOSContextHandle_t h;
	GEOSWKTReader *wkt;
	char	 msg[256];	/* GEOS's last error */
};

struct thads_zgeom {
	int	 circle;
	double	 clon, clat, r;	/* circle: centre, radius with buffer */
	double	 lon0, lat0;	/* centre of the local plane */
	double	 kx, ky;	/* metres per degree there */
	GEOSGeometry *g;	/* the zone in the local plane, buffered */
	const GEOSPreparedGeometry *pg;
	GEOSGeometry *bnd;	/* its boundary */
	const GEOSPreparedGeometry *pb;
	double	 minx, miny, maxx, maxy;
	double	 inr;		/* inscribed radius, once computed */
	int	 inr_done;
	struct thads_zpoly *poly;	/* unwrapped outline, for drawing */
	size_t	 npoly;
	GEOSContextHandle_t h;	/* for the lazy inscribed radius */
};

static void
on_geos_error(const char *msg, void *ud)
{
	struct thads_geo *geo = ud;

	snprintf(geo->msg, sizeof(geo->msg), "%s", msg ? msg : "error");
}

static void
on_geos_notice(const char *msg, void *ud)
{
	(void)msg;
	(void)ud;
}

int
thads_geo_new(struct thads_geo **out, struct thads_err *err)
{
	struct thads_geo *geo;

	*out = NULL;
	if ((geo = calloc(1, sizeof(*geo))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	if ((geo->h = GEOS_init_r()) == NULL) {
		free(geo);
		return thads_seterr(err, THADS_ELIB, NULL, 0,
		    "cannot start GEOS");
	}
	GEOSContext_setErrorMessageHandler_r(geo->h, on_geos_error, geo);
	GEOSContext_setNoticeMessageHandler_r(geo->h, on_geos_notice, geo);
	if ((geo->wkt = GEOSWKTReader_create_r(geo->h)) == NULL) {
		thads_geo_free(geo);
		return thads_seterr(err, THADS_ELIB, NULL, 0,
		    "cannot start GEOS");
	}
	*out = geo;
	return 0;
}

void
thads_geo_free(struct thads_geo *geo)
{
	if (geo == NULL)
		return;
	if (geo->wkt != NULL)
		GEOSWKTReader_destroy_r(geo->h, geo->wkt);
	GEOS_finish_r(geo->h);
	free(geo);
}

static const char *const kinds[] = { "inclusion", "exclusion", "curfew" };

const char *
thads_zone_kind_name(enum thads_zone_kind k)
{
	return (unsigned)k < 3 ? kinds[k] : "unknown";
}

int
thads_zone_kind_parse(const char *s, enum thads_zone_kind *out)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s != NULL && strcasecmp(s, kinds[i]) == 0) {
			*out = (enum thads_zone_kind)i;
			return 0;
		}
	return -1;
}

double
thads_geo_distance(double lon1, double lat1, double lon2, double lat2)
{
	double p1 = lat1 * DEG, p2 = lat2 * DEG;
	double dp = p2 - p1, dl = (lon2 - lon1) * DEG;
	double a = sin(dp / 2) * sin(dp / 2) +
	    cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);

	return 2 * THADS_EARTH_R * asin(sqrt(a > 1 ? 1 : a));
}

/* --- definitions ------------------------------------------------------- */

static void
poly_free(struct thads_zpoly *p, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < p[i].nring; j++)
			free(p[i].ring[j].xy);
		free(p[i].ring);
	}
	free(p);
}

static void
zdef_clear(struct thads_zdef *d)
{
	free(d->name);
	poly_free(d->poly, d->npoly);
	free(d->schedule);
	free(d->tz);
	memset(d, 0, sizeof(*d));
}

void
thads_zdefs_free(struct thads_zdef *defs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		zdef_clear(&defs[i]);
	free(defs);
}

/* What a reader carries: the file, the defaults, the zones so far. */
struct rctx {
	struct thads_geo *geo;
	const char *file;
	const struct thads_zdef *dflt;
	const char *name_prop;
	struct thads_zdef *defs;
	size_t	 ndefs, cap;
	struct thads_err *err;
	int	 rc;
	char	 place[160];	/* "feature 3 ('Bourse')" */
};

static int rfail(struct rctx *, long, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
rfail(struct rctx *c, long line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->place[0] != '\0')
		c->rc = thads_seterr(c->err, THADS_EDATA, c->file, line,
		    "%s: %s", c->place, msg);
	else
		c->rc = thads_seterr(c->err, THADS_EDATA, c->file, line,
		    "%s", msg);
	return c->rc;
}

static int
rnomem(struct rctx *c)
{
	return c->rc = thads_seterr(c->err, THADS_ENOMEM, c->file, 0,
	    "out of memory");
}

/* A new zone with the defaults; NULL when out of memory. */
static struct thads_zdef *
new_def(struct rctx *c, long line)
{
	struct thads_zdef *d;
	size_t cap;

	if (c->ndefs == c->cap) {
		cap = c->cap ? 2 * c->cap : 8;
		if ((d = realloc(c->defs, cap * sizeof(*d))) == NULL)
			return NULL;
		c->defs = d;
		c->cap = cap;
	}
	d = &c->defs[c->ndefs++];
	memset(d, 0, sizeof(*d));
	d->line = line;
	d->kind = c->dflt ? c->dflt->kind : THADS_ZONE_INCLUSION;
	d->buffer = c->dflt ? c->dflt->buffer : 0;
	d->radius = c->dflt ? c->dflt->radius : 0;
	if (c->dflt && c->dflt->schedule &&
	    (d->schedule = strdup(c->dflt->schedule)) == NULL)
		return NULL;
	if (c->dflt && c->dflt->tz && (d->tz = strdup(c->dflt->tz)) == NULL)
		return NULL;
	return d;
}

static struct thads_zpoly *
add_poly(struct thads_zdef *d)
{
	struct thads_zpoly *p = realloc(d->poly, (d->npoly + 1) *
	    sizeof(*p));

	if (p == NULL)
		return NULL;
	d->poly = p;
	p = &d->poly[d->npoly++];
	memset(p, 0, sizeof(*p));
	return p;
}

static struct thads_zring *
add_ring(struct thads_zpoly *p)
{
	struct thads_zring *r = realloc(p->ring, (p->nring + 1) *
	    sizeof(*r));

	if (r == NULL)
		return NULL;
	p->ring = r;
	r = &p->ring[p->nring++];
	memset(r, 0, sizeof(*r));
	return r;
}

static int
ring_push(struct thads_zring *r, size_t *cap, double x, double y)
{
	double *xy;

	if (r->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		if ((xy = realloc(r->xy, *cap * 2 * sizeof(*xy))) == NULL)
			return -1;
		r->xy = xy;
	}
	r->xy[2 * r->n] = x;
	r->xy[2 * r->n + 1] = y;
	r->n++;
	return 0;
}

/* Set a property of d from its text value; 0 or -1 (bad value). */
static int
set_prop(struct rctx *c, struct thads_zdef *d, const char *key,
    const char *val, long line)
{
	char *end;
	double v;

	if (val == NULL)
		return rfail(c, line, "property '%.40s' without a value", key);
	if (strcasecmp(key, "kind") == 0) {
		if (thads_zone_kind_parse(val, &d->kind) != 0)
			return rfail(c, line, "unknown kind '%.40s' "
			    "(inclusion, exclusion or curfew)", val);
	} else if (strcasecmp(key, "buffer") == 0 ||
	    strcasecmp(key, "radius") == 0) {
		v = strtod(val, &end);
		if (end == val || *end != '\0' || !isfinite(v) || v < 0 ||
		    v > MAX_METRES)
			return rfail(c, line, "bad %s '%.40s' (metres, 0 to "
			    "100000)", key, val);
		if (tolower((unsigned char)key[0]) == 'b')
			d->buffer = v;
		else
			d->radius = v;
	} else if (strcasecmp(key, "schedule") == 0 ||
	    strcasecmp(key, "tz") == 0) {
		char **dst = tolower((unsigned char)key[0]) == 's' ?
		    &d->schedule : &d->tz;

		free(*dst);
		if ((*dst = strdup(val)) == NULL)
			return rnomem(c);
	}
	return 0;
}

static int
set_name(struct rctx *c, struct thads_zdef *d, const char *name)
{
	char buf[300];
	const char *base = strrchr(c->file, '/');

	if (name == NULL || *name == '\0') {
		base = base ? base + 1 : c->file;
		if (c->dflt && c->dflt->name)
			snprintf(buf, sizeof(buf), "%s%s%zu", c->dflt->name,
			    "-", c->ndefs);
		else
			snprintf(buf, sizeof(buf), "%.200s#%zu", base,
			    c->ndefs);
		name = buf;
	}
	free(d->name);
	if ((d->name = strdup(name)) == NULL)
		return rnomem(c);
	return 0;
}

/* --- GeoJSON ----------------------------------------------------------- */

/* One ring: an array of [lon, lat(, alt)] positions. */
static int
gj_ring(struct rctx *c, json_t *a, struct thads_zpoly *p, size_t pi)
{
	struct thads_zring *r;
	size_t i, cap = 0;
	json_t *pos;

	if (!json_is_array(a))
		return rfail(c, 0, "polygon %zu ring %zu: not an array of "
		    "positions", pi + 1, p->nring + 1);
	if ((r = add_ring(p)) == NULL)
		return rnomem(c);
	json_array_foreach(a, i, pos) {
		if (!json_is_array(pos) || json_array_size(pos) < 2 ||
		    !json_is_number(json_array_get(pos, 0)) ||
		    !json_is_number(json_array_get(pos, 1)))
			return rfail(c, 0, "polygon %zu ring %zu position "
			    "%zu: not [longitude, latitude]", pi + 1,
			    p->nring, i + 1);
		if (ring_push(r, &cap,
		    json_number_value(json_array_get(pos, 0)),
		    json_number_value(json_array_get(pos, 1))) != 0)
			return rnomem(c);
	}
	return 0;
}

static int
gj_polygon(struct rctx *c, struct thads_zdef *d, json_t *rings)
{
	struct thads_zpoly *p;
	json_t *r;
	size_t i;

	if (!json_is_array(rings) || json_array_size(rings) == 0)
		return rfail(c, 0, "polygon %zu: no rings", d->npoly + 1);
	if ((p = add_poly(d)) == NULL)
		return rnomem(c);
	json_array_foreach(rings, i, r)
		if (gj_ring(c, r, p, d->npoly - 1) != 0)
			return c->rc;
	return 0;
}

static int
gj_props(struct rctx *c, struct thads_zdef *d, json_t *props)
{
	static const char *const keys[] = { "kind", "buffer", "radius",
	    "schedule", "tz" };
	char num[64];
	json_t *v;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((v = json_object_get(props, keys[i])) == NULL ||
		    json_is_null(v))
			continue;
		if (json_is_number(v)) {
			snprintf(num, sizeof(num), "%.17g",
			    json_number_value(v));
			if (set_prop(c, d, keys[i], num, 0) != 0)
				return c->rc;
		} else if (!json_is_string(v))
			return rfail(c, 0, "property '%s' is neither text "
			    "nor a number", keys[i]);
		else if (set_prop(c, d, keys[i], json_string_value(v), 0))
			return c->rc;
	}
	return 0;
}

static int
gj_geometry(struct rctx *c, json_t *geom, json_t *props)
{
	const char *type = json_string_value(json_object_get(geom, "type"));
	json_t *coords = json_object_get(geom, "coordinates"), *p, *nm;
	struct thads_zdef *d;
	char num[32];
	size_t i;

	if (type == NULL)
		return rfail(c, 0, "geometry without a type");
	if ((d = new_def(c, 0)) == NULL)
		return rnomem(c);
	nm = props ? json_object_get(props, c->name_prop) : NULL;
	if (json_is_integer(nm))
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(nm));
	if (set_name(c, d, json_is_string(nm) ? json_string_value(nm) :
	    json_is_integer(nm) ? num : NULL) != 0)
		return c->rc;
	if (props != NULL && gj_props(c, d, props) != 0)
		return c->rc;
	if (strcmp(type, "Polygon") == 0)
		return gj_polygon(c, d, coords);
	if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(coords) || json_array_size(coords) == 0)
			return rfail(c, 0, "MultiPolygon without polygons");
		json_array_foreach(coords, i, p)
			if (gj_polygon(c, d, p) != 0)
				return c->rc;
		return 0;
	}
	if (strcmp(type, "Point") == 0) {
		if (!json_is_array(coords) || json_array_size(coords) < 2 ||
		    !json_is_number(json_array_get(coords, 0)) ||
		    !json_is_number(json_array_get(coords, 1)))
			return rfail(c, 0, "Point: not [longitude, "
			    "latitude]");
		d->clon = json_number_value(json_array_get(coords, 0));
		d->clat = json_number_value(json_array_get(coords, 1));
		if (d->radius <= 0)
			return rfail(c, 0, "a Point is a zone only with a "
			    "\"radius\" property (metres)");
		return 0;
	}
	return rfail(c, 0, "geometry type '%.30s' is not a zone (Polygon, "
	    "MultiPolygon, or Point with a radius)", type);
}

static void
gj_place(struct rctx *c, size_t i, json_t *props)
{
	const char *nm = json_string_value(json_object_get(props,
	    c->name_prop));

	if (nm != NULL)
		snprintf(c->place, sizeof(c->place), "feature %zu ('%.80s')",
		    i + 1, nm);
	else
		snprintf(c->place, sizeof(c->place), "feature %zu", i + 1);
}

static int
gj_feature(struct rctx *c, json_t *f, size_t i)
{
	json_t *props = json_object_get(f, "properties");
	json_t *geom = json_object_get(f, "geometry");

	gj_place(c, i, props);
	if (!json_is_object(geom))
		return rfail(c, 0, "feature without a geometry");
	return gj_geometry(c, geom, json_is_object(props) ? props : NULL);
}

/* A "crs" member (GeoJSON 2008) must name WGS84 longitude/latitude. */
static int
gj_crs(struct rctx *c, json_t *root)
{
	static const char *const ok[] = { "urn:ogc:def:crs:OGC:1.3:CRS84",
	    "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326",
	    "urn:ogc:def:crs:EPSG::4326", "CRS84" };
	json_t *crs = json_object_get(root, "crs");
	const char *name;
	size_t i;

	if (crs == NULL || json_is_null(crs))
		return 0;
	name = json_string_value(json_object_get(json_object_get(crs,
	    "properties"), "name"));
	for (i = 0; name != NULL && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(name, ok[i]) == 0)
			return 0;
	return rfail(c, 0, "coordinate system '%.80s' is not WGS84 "
	    "longitude/latitude: the file looks projected; convert it to "
	    "EPSG:4326 (e.g. ogr2ogr -t_srs EPSG:4326)",
	    name ? name : "(unnamed)");
}

static int
read_geojson(struct rctx *c, const char *text, size_t len)
{
	json_error_t je;
	json_t *root, *feats, *f;
	const char *type;
	size_t i;
	int rc = 0;

	if ((root = json_loadb(text, len, 0, &je)) == NULL)
		return rfail(c, je.line > 0 ? je.line : 0, "cannot parse "
		    "GeoJSON: %s", je.text);
	type = json_string_value(json_object_get(root, "type"));
	if (gj_crs(c, root) != 0)
		rc = c->rc;
	else if (type != NULL && strcmp(type, "FeatureCollection") == 0) {
		feats = json_object_get(root, "features");
		if (!json_is_array(feats))
			rc = rfail(c, 0, "FeatureCollection without "
			    "\"features\"");
		json_array_foreach(feats, i, f)
			if (rc == 0)
				rc = gj_feature(c, f, i);
	} else if (type != NULL && strcmp(type, "Feature") == 0)
		rc = gj_feature(c, root, 0);
	else if (type != NULL)
		rc = gj_geometry(c, root, NULL);
	else
		rc = rfail(c, 0, "not GeoJSON: no \"type\"");
	json_decref(root);
	return rc;
}

/* --- KML --------------------------------------------------------------- */

struct kml {
	struct rctx *c;
	struct thads_gxml *x;
	struct thads_zdef *d;	/* the placemark being read */
	int	 pmdepth;	/* its depth, -1 outside */
	int	 haspt;
	long	 pmline;
	char	*text;		/* text being collected */
	size_t	 tlen, tcap;
	int	 collect;
	char	 dataname[64];
	int	 inner;		/* inside innerBoundaryIs */
	int	 inpoint;
	int	 inpoly;	/* inside a Polygon */
	int	 other;		/* a geometry that is not a zone */
	char	 othername[32];
};

static int
kml_text(struct kml *k, const char *s)
{
	size_t n = strlen(s);
	char *t;

	if (k->text == NULL || k->tlen + n + 1 > k->tcap) {
		k->tcap = (k->tlen + n + 1) * 2;
		if ((t = realloc(k->text, k->tcap)) == NULL)
			return rnomem(k->c);
		k->text = t;
	}
	memcpy(k->text + k->tlen, s, n + 1);
	k->tlen += n;
	return 0;
}

/* "lon,lat[,alt] lon,lat ..." into ring r. */
static int
kml_coords(struct kml *k, struct thads_zring *r, long line)
{
	const char *s = k->text;
	char *end;
	double lon, lat;
	size_t cap = 0;

	if (s == NULL)
		return 0;
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			return 0;
		lon = strtod(s, &end);
		if (end == s || *end != ',')
			return rfail(k->c, line, "bad coordinates near "
			    "'%.30s' (want lon,lat[,alt])", s);
		s = end + 1;
		lat = strtod(s, &end);
		if (end == s)
			return rfail(k->c, line, "bad coordinates near "
			    "'%.30s' (want lon,lat[,alt])", s);
		s = end;
		if (*s == ',') {
			(void)strtod(s + 1, &end);	/* altitude, unused */
			s = end;
		}
		if (*s != '\0' && !isspace((unsigned char)*s))
			return rfail(k->c, line, "bad coordinates near "
			    "'%.30s'", s);
		if (r != NULL && ring_push(r, &cap, lon, lat) != 0)
			return rnomem(k->c);
		if (r == NULL) {
			k->d->clon = lon;
			k->d->clat = lat;
			k->haspt = 1;
		}
	}
}

static int
kml_start(struct kml *k, const char *el)
{
	struct thads_gxml *x = k->x;
	char *a;

	if (strcmp(el, "Placemark") == 0) {
		if ((k->d = new_def(k->c, thads_gxml_line(x))) == NULL)
			return rnomem(k->c);
		k->pmdepth = thads_gxml_depth(x);
		k->pmline = thads_gxml_line(x);
		k->haspt = k->other = 0;
		snprintf(k->c->place, sizeof(k->c->place), "placemark");
		return 0;
	}
	if (k->d == NULL)
		return 0;
	k->tlen = 0;
	k->collect = 0;
	if (strcmp(el, "name") == 0 && thads_gxml_depth(x) == k->pmdepth + 1)
		k->collect = 1;
	else if (strcmp(el, "Data") == 0 || strcmp(el, "SimpleData") == 0) {
		a = thads_gxml_attr(x, "name");
		snprintf(k->dataname, sizeof(k->dataname), "%s", a ? a : "");
		free(a);
		k->collect = el[0] == 'S';
	} else if (strcmp(el, "value") == 0 || strcmp(el, "coordinates") == 0)
		k->collect = 1;
	else if (strcmp(el, "Polygon") == 0) {
		if (add_poly(k->d) == NULL)
			return rnomem(k->c);
		k->inpoly = 1;
	} else if (strcmp(el, "innerBoundaryIs") == 0)
		k->inner = 1;
	else if (strcmp(el, "outerBoundaryIs") == 0)
		k->inner = 0;
	else if (strcmp(el, "Point") == 0)
		k->inpoint = 1;
	else if (strcmp(el, "LineString") == 0 || strcmp(el, "Track") == 0) {
		k->other = 1;
		snprintf(k->othername, sizeof(k->othername), "%s", el);
	}
	return 0;
}

static int
kml_ring(struct kml *k, long line)
{
	struct thads_zpoly *p;
	struct thads_zring *r;

	if (k->d->npoly == 0)
		return rfail(k->c, line, "LinearRing outside a Polygon");
	p = &k->d->poly[k->d->npoly - 1];
	if (!k->inner && p->nring > 0)
		return rfail(k->c, line, "polygon %zu has two outer "
		    "boundaries", k->d->npoly);
	if (k->inner && p->nring == 0)
		return rfail(k->c, line, "polygon %zu: inner boundary "
		    "before the outer one", k->d->npoly);
	if ((r = add_ring(p)) == NULL)
		return rnomem(k->c);
	return kml_coords(k, r, line);
}

static int
kml_end_placemark(struct kml *k)
{
	struct rctx *c = k->c;
	struct thads_zdef *d = k->d;

	k->d = NULL;
	k->pmdepth = -1;
	if (d->npoly == 0 && !k->haspt) {
		if (k->other)
			return rfail(c, k->pmline, "a %s is not a zone "
			    "(Polygon, MultiGeometry of polygons, or Point "
			    "with a radius)", k->othername);
		zdef_clear(d);	/* no geometry at all: not a zone */
		c->ndefs--;
		return 0;
	}
	if (d->name == NULL && set_name(c, d, NULL) != 0)
		return c->rc;
	if (d->npoly == 0 && d->radius <= 0)
		return rfail(c, k->pmline, "a Point is a zone only with a "
		    "radius (ExtendedData 'radius', in metres)");
	if (d->npoly > 0 && k->haspt)
		d->clon = d->clat = 0;
	c->place[0] = '\0';
	return 0;
}

static int
kml_end(struct kml *k, const char *el)
{
	long line = thads_gxml_line(k->x);

	if (k->d == NULL)
		return 0;
	if (strcmp(el, "Placemark") == 0)
		return kml_end_placemark(k);
	if (strcmp(el, "Polygon") == 0)
		k->inpoly = 0;
	if (!k->collect)
		return 0;
	k->collect = 0;
	if (k->text == NULL && kml_text(k, "") != 0)
		return k->c->rc;
	if (strcmp(el, "name") == 0) {
		snprintf(k->c->place, sizeof(k->c->place),
		    "placemark '%.80s'", k->text);
		return set_name(k->c, k->d, k->text);
	}
	if (strcmp(el, "value") == 0 || strcmp(el, "SimpleData") == 0)
		return set_prop(k->c, k->d, k->dataname, k->text, line);
	if (strcmp(el, "coordinates") == 0 && k->inpoint) {
		k->inpoint = 0;
		return kml_coords(k, NULL, line);
	}
	if (strcmp(el, "coordinates") == 0 && k->inpoly)
		return kml_ring(k, line);
	return 0;
}

static int
read_kml(struct rctx *c, const char *text, size_t len)
{
	struct kml k;
	int t, rc = 0;

	memset(&k, 0, sizeof(k));
	k.c = c;
	k.pmdepth = -1;
	if ((rc = thads_gxml_open(NULL, text, len, c->file, &k.x, c->err)))
		return c->rc = rc;
	while (rc == 0 && (t = thads_gxml_next(k.x, c->err)) > 0) {
		if (t == THADS_GX_START)
			rc = kml_start(&k, thads_gxml_name(k.x));
		else if (t == THADS_GX_END)
			rc = kml_end(&k, thads_gxml_name(k.x));
		else if (k.collect)
			rc = kml_text(&k, thads_gxml_text(k.x));
	}
	if (rc == 0 && t < 0)
		rc = c->rc = t;
	thads_gxml_close(k.x);
	free(k.text);
	return rc;
}

/* --- WKT --------------------------------------------------------------- */

/* Copy the rings of a GEOS polygon into a new polygon of d. */
static int
from_geos_poly(struct rctx *c, struct thads_zdef *d, const GEOSGeometry *g)
{
	GEOSContextHandle_t h = c->geo->h;
	const GEOSGeometry *ring;
	const GEOSCoordSequence *s;
	struct thads_zpoly *p;
	struct thads_zring *r;
	unsigned n, i;
	int k, nin = GEOSGetNumInteriorRings_r(h, g);
	size_t cap;
	double x, y;

	if ((p = add_poly(d)) == NULL)
		return rnomem(c);
	for (k = -1; k < nin; k++) {
		ring = k < 0 ? GEOSGetExteriorRing_r(h, g) :
		    GEOSGetInteriorRingN_r(h, g, k);
		if (ring == NULL || (s = GEOSGeom_getCoordSeq_r(h, ring)) ==
		    NULL || !GEOSCoordSeq_getSize_r(h, s, &n))
			return rfail(c, d->line, "cannot read the polygon");
		if ((r = add_ring(p)) == NULL)
			return rnomem(c);
		cap = 0;
		for (i = 0; i < n; i++) {
			GEOSCoordSeq_getXY_r(h, s, i, &x, &y);
			if (ring_push(r, &cap, x, y) != 0)
				return rnomem(c);
		}
	}
	return 0;
}

/* Turn WKT into the geometry of d. */
static int
wkt_geometry(struct rctx *c, struct thads_zdef *d, const char *wkt)
{
	GEOSContextHandle_t h = c->geo->h;
	GEOSGeometry *g;
	int type, i, n, rc = 0;

	c->geo->msg[0] = '\0';
	if ((g = GEOSWKTReader_read_r(h, c->geo->wkt, wkt)) == NULL)
		return rfail(c, d->line, "bad WKT: %s", c->geo->msg[0] ?
		    c->geo->msg : "cannot parse");
	type = GEOSGeomTypeId_r(h, g);
	if (type == GEOS_POLYGON)
		rc = from_geos_poly(c, d, g);
	else if (type == GEOS_MULTIPOLYGON) {
		n = GEOSGetNumGeometries_r(h, g);
		for (i = 0; i < n && rc == 0; i++)
			rc = from_geos_poly(c, d, GEOSGetGeometryN_r(h, g, i));
	} else if (type == GEOS_POINT) {
		if (GEOSGeomGetX_r(h, g, &d->clon) != 1 ||
		    GEOSGeomGetY_r(h, g, &d->clat) != 1)
			rc = rfail(c, d->line, "empty POINT");
		else if (d->radius <= 0)
			rc = rfail(c, d->line, "a POINT is a zone only with "
			    "radius=METRES");
	} else
		rc = rfail(c, d->line, "%s is not a zone (POLYGON, "
		    "MULTIPOLYGON, or POINT with a radius)",
		    GEOSGeomType_r(h, g));
	GEOSGeom_destroy_r(h, g);
	return rc;
}

static int
is_wkt(const char *s)
{
	return strncasecmp(s, "POLYGON", 7) == 0 ||
	    strncasecmp(s, "MULTIPOLYGON", 12) == 0 ||
	    strncasecmp(s, "POINT", 5) == 0;
}

/* One line: "[NAME\t]WKT[\tkey=value ...]", modified in place. */
static int
wkt_line(struct rctx *c, char *line, long lineno)
{
	struct thads_zdef *d;
	char *f[32], *eq, *p;
	int nf = 0, i, w;

	for (p = line; nf < 32; ) {
		f[nf++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	w = is_wkt(f[0]) ? 0 : 1;
	if (w >= nf || !is_wkt(f[w]))
		return rfail(c, lineno, "no WKT geometry on the line (want "
		    "'[NAME<TAB>]WKT[<TAB>key=value ...]')");
	if ((d = new_def(c, lineno)) == NULL)
		return rnomem(c);
	if (set_name(c, d, w ? f[0] : NULL) != 0)
		return c->rc;
	for (i = w + 1; i < nf; i++) {
		if ((eq = strchr(f[i], '=')) == NULL)
			return rfail(c, lineno, "bad attribute '%.40s' (want "
			    "key=value)", f[i]);
		*eq = '\0';
		if (strcasecmp(f[i], "kind") != 0 &&
		    strcasecmp(f[i], "buffer") != 0 &&
		    strcasecmp(f[i], "radius") != 0 &&
		    strcasecmp(f[i], "schedule") != 0 &&
		    strcasecmp(f[i], "tz") != 0)
			return rfail(c, lineno, "unknown attribute '%.40s' "
			    "(kind, buffer, radius, schedule, tz)", f[i]);
		if (set_prop(c, d, f[i], eq + 1, lineno) != 0)
			return c->rc;
	}
	return wkt_geometry(c, d, f[w]);
}

static int
read_wkt(struct rctx *c, const char *text, size_t len)
{
	char *buf, *line, *nl;
	long lineno = 0;
	int rc = 0;

	if ((buf = malloc(len + 1)) == NULL)
		return rnomem(c);
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (line = buf; rc == 0 && line != NULL; line = nl) {
		lineno++;
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		while (*line == ' ')
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		rc = wkt_line(c, line, lineno);
	}
	free(buf);
	return rc;
}

const char *
thads_zdefs_guess(const char *name, const char *text, size_t len)
{
	const char *dot = name ? strrchr(name, '.') : NULL;
	size_t i = 0;

	if (dot && (strcasecmp(dot, ".geojson") == 0 ||
	    strcasecmp(dot, ".json") == 0))
		return "geojson";
	if (dot && strcasecmp(dot, ".kml") == 0)
		return "kml";
	if (dot && (strcasecmp(dot, ".wkt") == 0 ||
	    strcasecmp(dot, ".txt") == 0))
		return "wkt";
	if (len >= 3 && (unsigned char)text[0] == 0xef)
		i = 3;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == '{')
		return "geojson";
	if (i < len && text[i] == '<')
		return "kml";
	if (i < len && (is_wkt(text + i) || text[i] == '#'))
		return "wkt";
	return NULL;
}

int
thads_zdefs_read(struct thads_geo *geo, const char *fmt, const char *text,
    size_t len, const char *name, const struct thads_zdef *dflt,
    const char *name_prop, struct thads_zdef **defs, size_t *ndefs,
    struct thads_err *err)
{
	struct rctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.geo = geo;
	c.file = name;
	c.dflt = dflt;
	c.name_prop = name_prop ? name_prop : "name";
	c.err = err;
	*defs = NULL;
	*ndefs = 0;
	if (fmt == NULL)
		rc = thads_seterr(err, THADS_EDATA, name, 0, "unknown zone "
		    "format (GeoJSON, KML or WKT)");
	else if (strcmp(fmt, "geojson") == 0)
		rc = read_geojson(&c, text, len);
	else if (strcmp(fmt, "kml") == 0)
		rc = read_kml(&c, text, len);
	else if (strcmp(fmt, "wkt") == 0)
		rc = read_wkt(&c, text, len);
	else
		rc = thads_seterr(err, THADS_EUSAGE, name, 0, "unknown zone "
		    "format '%s'", fmt);
	if (rc == 0 && c.ndefs == 0)
		rc = thads_seterr(err, THADS_EDATA, name, 0, "no zone in the "
		    "file");
	if (rc != 0) {
		thads_zdefs_free(c.defs, c.ndefs);
		return rc;
	}
	*defs = c.defs;
	*ndefs = c.ndefs;
	return 0;
}

/* --- checks and compilation -------------------------------------------- */

static int cfail(struct thads_err *, const struct thads_zdef *,
    const char *, ...) __attribute__((format(printf, 3, 4)));

static int
cfail(struct thads_err *err, const struct thads_zdef *d, const char *fmt,
    ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return thads_seterr(err, THADS_EDATA, NULL, d->line, "zone '%.80s': "
	    "%s", d->name ? d->name : "?", msg);
}

static int
in_range(double lon, double lat)
{
	return isfinite(lon) && isfinite(lat) && lon >= -180 && lon <= 180 &&
	    lat >= -90 && lat <= 90;
}

static int
projected(struct thads_err *err, const struct thads_zdef *d, double x,
    double y, const char *where)
{
	return cfail(err, d, "%s: coordinate (%.10g %.10g) is not WGS84 "
	    "longitude/latitude: the file looks projected (metres of a "
	    "national grid or UTM?); convert it to EPSG:4326 (e.g. ogr2ogr "
	    "-t_srs EPSG:4326)", where, x, y);
}

/* Ranges, closure and ring sizes, before GEOS sees anything. */
static int
check_shape(const struct thads_zdef *d, struct thads_err *err)
{
	const struct thads_zring *r;
	char where[64];
	size_t p, k, i;

	if (d->npoly == 0) {
		if (!in_range(d->clon, d->clat))
			return projected(err, d, d->clon, d->clat, "centre");
		if (!(d->radius > 0 && d->radius <= MAX_METRES))
			return cfail(err, d, "radius %.10g m out of range "
			    "(above 0, at most 100000)", d->radius);
		return 0;
	}
	for (p = 0; p < d->npoly; p++) {
		/* A KML <Polygon> may come without <outerBoundaryIs>. */
		if (d->poly[p].nring == 0)
			return cfail(err, d, "polygon %zu has no outer ring",
			    p + 1);
		for (k = 0; k < d->poly[p].nring; k++) {
			r = &d->poly[p].ring[k];
			snprintf(where, sizeof(where), "polygon %zu ring %zu",
			    p + 1, k + 1);
			for (i = 0; i < r->n; i++)
				if (!in_range(r->xy[2 * i], r->xy[2 * i + 1]))
					return projected(err, d, r->xy[2 * i],
					    r->xy[2 * i + 1], where);
			if (r->n < 4)
				return cfail(err, d, "%s: %zu position%s, a "
				    "ring needs at least 4 (the last "
				    "repeating the first)", where, r->n,
				    r->n == 1 ? "" : "s");
			if (r->xy[0] != r->xy[2 * r->n - 2] ||
			    r->xy[1] != r->xy[2 * r->n - 1])
				return cfail(err, d, "%s: ring not closed: "
				    "first position (%.10g %.10g) differs "
				    "from the last (%.10g %.10g)", where,
				    r->xy[0], r->xy[1], r->xy[2 * r->n - 2],
				    r->xy[2 * r->n - 1]);
		}
	}
	return 0;
}

static double
wrap180(double d)
{
	while (d >= 180)
		d -= 360;
	while (d < -180)
		d += 360;
	return d;
}

/*
 * Copy d's polygons with longitudes unwrapped: each position within 180
 * degrees of the one before, each ring's first within 180 degrees of
 * the zone's first position.
 */
static struct thads_zpoly *
unwrap(const struct thads_zdef *d)
{
	struct thads_zpoly *out = calloc(d->npoly, sizeof(*out));
	const struct thads_zring *r;
	struct thads_zring *o;
	double ref = d->poly[0].ring[0].xy[0], prev;
	size_t p, k, i;

	if (out == NULL)
		return NULL;
	for (p = 0; p < d->npoly; p++) {
		if ((out[p].ring = calloc(d->poly[p].nring, sizeof(*o))) ==
		    NULL)
			goto fail;
		out[p].nring = d->poly[p].nring;
		for (k = 0; k < d->poly[p].nring; k++) {
			r = &d->poly[p].ring[k];
			o = &out[p].ring[k];
			if ((o->xy = malloc(r->n * 2 * sizeof(double))) ==
			    NULL)
				goto fail;
			o->n = r->n;
			prev = ref;
			for (i = 0; i < r->n; i++) {
				o->xy[2 * i] = prev + wrap180(r->xy[2 * i] -
				    prev);
				o->xy[2 * i + 1] = r->xy[2 * i + 1];
				prev = o->xy[2 * i];
			}
			/* Keep the ring closed after unwrapping. */
			o->xy[2 * r->n - 2] = o->xy[0];
		}
	}
	return out;
fail:
	poly_free(out, d->npoly);
	return NULL;
}

/* One ring as a GEOS linear ring, in the local plane when zg is set. */
static GEOSGeometry *
build_ring(GEOSContextHandle_t h, const struct thads_zring *r,
    const struct thads_zgeom *zg)
{
	GEOSCoordSequence *s;
	double x, y;
	size_t i;

	if ((s = GEOSCoordSeq_create_r(h, (unsigned)r->n, 2)) == NULL)
		return NULL;
	for (i = 0; i < r->n; i++) {
		x = r->xy[2 * i];
		y = r->xy[2 * i + 1];
		if (zg != NULL) {
			x = wrap180(x - zg->lon0) * zg->kx;
			y = (y - zg->lat0) * zg->ky;
		}
		GEOSCoordSeq_setXY_r(h, s, (unsigned)i, x, y);
	}
	return GEOSGeom_createLinearRing_r(h, s);
}

static GEOSGeometry *
build_poly(GEOSContextHandle_t h, const struct thads_zpoly *p,
    const struct thads_zgeom *zg)
{
	GEOSGeometry **rings = calloc(p->nring, sizeof(*rings)), *g = NULL;
	size_t k;

	if (rings == NULL)
		return NULL;
	for (k = 0; k < p->nring; k++)
		if ((rings[k] = build_ring(h, &p->ring[k], zg)) == NULL)
			break;
	if (k == p->nring)
		g = GEOSGeom_createPolygon_r(h, rings[0], rings + 1,
		    (unsigned)p->nring - 1);
	else
		while (k-- > 0)
			GEOSGeom_destroy_r(h, rings[k]);
	free(rings);
	return g;
}

/* A GEOS multipolygon of the polygons, in the local plane if zg. */
static GEOSGeometry *
build(GEOSContextHandle_t h, const struct thads_zpoly *poly, size_t npoly,
    const struct thads_zgeom *zg)
{
	GEOSGeometry **polys = calloc(npoly, sizeof(*polys)), *g = NULL;
	size_t p;

	if (polys == NULL)
		return NULL;
	for (p = 0; p < npoly; p++)
		if ((polys[p] = build_poly(h, &poly[p], zg)) == NULL)
			break;
	if (p == npoly)
		g = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys,
		    (unsigned)npoly);
	else
		while (p-- > 0)
			GEOSGeom_destroy_r(h, polys[p]);
	free(polys);
	return g;
}

/* OGC validity of the unwrapped lon/lat geometry, with the place. */
static int
check_valid(struct thads_geo *geo, const struct thads_zdef *d,
    const struct thads_zpoly *uw, size_t npoly, struct thads_err *err)
{
	GEOSContextHandle_t h = geo->h;
	GEOSGeometry *g = build(h, uw, npoly, NULL), *loc = NULL;
	char *reason = NULL;
	double x = 0, y = 0;
	int v, rc = 0;

	if (g == NULL)
		return cfail(err, d, "invalid geometry: %s", geo->msg[0] ?
		    geo->msg : "GEOS cannot build it");
	v = (unsigned char)GEOSisValidDetail_r(h, g, 0, &reason, &loc);
	if (v == 0) {
		if (loc != NULL) {
			GEOSGeomGetX_r(h, loc, &x);
			GEOSGeomGetY_r(h, loc, &y);
		}
		rc = cfail(err, d, "invalid geometry: %s at (%.8g %.8g)",
		    reason ? reason : "invalid", wrap180(x), y);
	} else if (v != 1)
		rc = thads_seterr(err, THADS_ELIB, NULL, d->line, "GEOS "
		    "cannot check zone '%s': %s", d->name, geo->msg);
	if (reason != NULL)
		GEOSFree_r(h, reason);
	if (loc != NULL)
		GEOSGeom_destroy_r(h, loc);
	GEOSGeom_destroy_r(h, g);
	return rc;
}

static void
zgeom_free(GEOSContextHandle_t h, struct thads_zgeom *zg)
{
	if (zg == NULL)
		return;
	if (zg->pg != NULL)
		GEOSPreparedGeom_destroy_r(h, zg->pg);
	if (zg->pb != NULL)
		GEOSPreparedGeom_destroy_r(h, zg->pb);
	if (zg->g != NULL)
		GEOSGeom_destroy_r(h, zg->g);
	if (zg->bnd != NULL)
		GEOSGeom_destroy_r(h, zg->bnd);
	poly_free(zg->poly, zg->npoly);
	free(zg);
}

/* Whether the unwrapped outline goes past the 180th meridian. */
static int
crosses(const struct thads_zgeom *zg)
{
	const struct thads_zring *r;
	size_t p, i;

	for (p = 0; p < zg->npoly; p++) {
		r = &zg->poly[p].ring[0];
		for (i = 0; i < r->n; i++)
			if (r->xy[2 * i] > 180 || r->xy[2 * i] < -180)
				return 1;
	}
	return 0;
}

/*
 * OGC validity.  The parts of a zone split at the 180th meridian (RFC
 * 7946) touch along it once unwrapped, which a multipolygon may not:
 * each part is checked on its own, and merge_split() joins them.
 */
static int
validate(struct thads_geo *geo, const struct thads_zdef *d,
    const struct thads_zgeom *zg, struct thads_err *err)
{
	size_t p;
	int rc = 0;

	if (zg->npoly < 2 || !crosses(zg))
		return check_valid(geo, d, zg->poly, zg->npoly, err);
	for (p = 0; p < zg->npoly && rc == 0; p++)
		rc = check_valid(geo, d, &zg->poly[p], 1, err);
	return rc;
}

/* The rings of GEOS polygon g as a new thads_zpoly at *p. */
static int
take_rings(GEOSContextHandle_t h, const GEOSGeometry *g, struct thads_zpoly *p)
{
	const GEOSCoordSequence *s;
	const GEOSGeometry *r;
	int k, nin = GEOSGetNumInteriorRings_r(h, g);
	unsigned i, n;

	if (nin < 0 || (p->ring = calloc((size_t)nin + 1, sizeof(*p->ring))) ==
	    NULL)
		return -1;
	p->nring = (size_t)nin + 1;
	for (k = -1; k < nin; k++) {
		r = k < 0 ? GEOSGetExteriorRing_r(h, g) :
		    GEOSGetInteriorRingN_r(h, g, k);
		if (r == NULL || (s = GEOSGeom_getCoordSeq_r(h, r)) == NULL ||
		    !GEOSCoordSeq_getSize_r(h, s, &n) ||
		    (p->ring[k + 1].xy = malloc(2 * n * sizeof(double))) == NULL)
			return -1;
		p->ring[k + 1].n = n;
		for (i = 0; i < n; i++)
			GEOSCoordSeq_getXY_r(h, s, i, &p->ring[k + 1].xy[2 * i],
			    &p->ring[k + 1].xy[2 * i + 1]);
	}
	return 0;
}

/* Join the parts of a zone split at the 180th meridian into one. */
static int
merge_split(struct thads_geo *geo, const struct thads_zdef *d,
    struct thads_zgeom *zg, struct thads_err *err)
{
	GEOSContextHandle_t h = geo->h;
	GEOSGeometry *g, *u;
	struct thads_zpoly *np;
	int i, n, rc = 0;

	if (zg->npoly < 2 || !crosses(zg))
		return 0;
	if ((g = build(h, zg->poly, zg->npoly, NULL)) == NULL)
		return thads_seterr(err, THADS_ELIB, NULL, d->line, "GEOS "
		    "cannot build zone '%s': %s", d->name, geo->msg);
	u = GEOSUnaryUnion_r(h, g);
	GEOSGeom_destroy_r(h, g);
	if (u == NULL)
		return thads_seterr(err, THADS_ELIB, NULL, d->line, "GEOS "
		    "cannot join the parts of zone '%s': %s", d->name,
		    geo->msg);
	n = GEOSGetNumGeometries_r(h, u);
	if ((np = calloc((size_t)n, sizeof(*np))) == NULL)
		rc = THADS_ENOMEM;
	for (i = 0; i < n && rc == 0; i++)
		if (take_rings(h, GEOSGetGeometryN_r(h, u, i), &np[i]) != 0)
			rc = THADS_ENOMEM;
	GEOSGeom_destroy_r(h, u);
	if (rc != 0) {
		poly_free(np, np != NULL ? (size_t)n : 0);
		return thads_seterr(err, rc, NULL, 0, "out of memory");
	}
	poly_free(zg->poly, zg->npoly);
	zg->poly = np;
	zg->npoly = (size_t)n;
	return 0;
}

/* The local plane, the GEOS geometry and its prepared forms. */
static int
compile_poly(struct thads_geo *geo, const struct thads_zdef *d,
    struct thads_zgeom *zg, double buffer, struct thads_err *err)
{
	GEOSContextHandle_t h = geo->h;
	double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
	const struct thads_zring *r;
	GEOSGeometry *b;
	size_t p, i;

	for (p = 0; p < zg->npoly; p++) {
		r = &zg->poly[p].ring[0];
		for (i = 0; i < r->n; i++) {
			minx = fmin(minx, r->xy[2 * i]);
			maxx = fmax(maxx, r->xy[2 * i]);
			miny = fmin(miny, r->xy[2 * i + 1]);
			maxy = fmax(maxy, r->xy[2 * i + 1]);
		}
	}
	zg->lon0 = wrap180((minx + maxx) / 2);
	zg->lat0 = (miny + maxy) / 2;
	zg->kx = THADS_EARTH_R * cos(zg->lat0 * DEG) * DEG;
	zg->ky = THADS_EARTH_R * DEG;
	if ((zg->g = build(h, zg->poly, zg->npoly, zg)) == NULL)
		return thads_seterr(err, THADS_ELIB, NULL, d->line, "GEOS "
		    "cannot build zone '%s': %s", d->name, geo->msg);
	if (buffer > 0) {
		if ((b = GEOSBuffer_r(h, zg->g, buffer, 8)) == NULL)
			return thads_seterr(err, THADS_ELIB, NULL, d->line,
			    "GEOS cannot buffer zone '%s': %s", d->name,
			    geo->msg);
		GEOSGeom_destroy_r(h, zg->g);
		zg->g = b;
	}
	if ((zg->bnd = GEOSBoundary_r(h, zg->g)) == NULL ||
	    (zg->pg = GEOSPrepare_r(h, zg->g)) == NULL ||
	    (zg->pb = GEOSPrepare_r(h, zg->bnd)) == NULL ||
	    !GEOSGeom_getXMin_r(h, zg->g, &zg->minx) ||
	    !GEOSGeom_getXMax_r(h, zg->g, &zg->maxx) ||
	    !GEOSGeom_getYMin_r(h, zg->g, &zg->miny) ||
	    !GEOSGeom_getYMax_r(h, zg->g, &zg->maxy))
		return thads_seterr(err, THADS_ELIB, NULL, d->line, "GEOS "
		    "cannot prepare zone '%s': %s", d->name, geo->msg);
	return 0;
}

/* The stored WKT of d: its own coordinates, as read. */
static char *
to_wkt(const struct thads_zdef *d)
{
	const struct thads_zring *r;
	size_t cap = 256, len, p, k, i;
	const char *sep;
	char *s = malloc(cap), *t;

	if (s == NULL)
		return NULL;
	if (d->npoly == 0) {
		snprintf(s, cap, "POINT (%.12g %.12g)", d->clon, d->clat);
		return s;
	}
	len = (size_t)snprintf(s, cap, "MULTIPOLYGON (");
	for (p = 0; p < d->npoly; p++)
		for (k = 0; k < d->poly[p].nring; k++) {
			r = &d->poly[p].ring[k];
			for (i = 0; i < r->n; i++) {
				if (len + 80 > cap) {
					cap = 2 * (len + 80);
					if ((t = realloc(s, cap)) == NULL) {
						free(s);
						return NULL;
					}
					s = t;
				}
				sep = i > 0 ? ", " : k > 0 ? "), (" :
				    p > 0 ? ")), ((" : "((";
				len += (size_t)snprintf(s + len, cap - len,
				    "%s%.12g %.12g", sep, r->xy[2 * i],
				    r->xy[2 * i + 1]);
			}
		}
	snprintf(s + len, cap - len, ")))");
	return s;
}

static int
copy_str(char **dst, const char *src)
{
	if (src == NULL || *src == '\0') {
		*dst = NULL;
		return 0;
	}
	return (*dst = strdup(src)) == NULL ? -1 : 0;
}

static int
check_props(const struct thads_zdef *d, struct thads_zone *z,
    struct thads_err *err)
{
	if (d->name == NULL || *d->name == '\0')
		return cfail(err, d, "a zone needs a name");
	if (!(d->buffer >= 0 && d->buffer <= MAX_METRES))
		return cfail(err, d, "buffer %.10g m out of range (0 to "
		    "100000)", d->buffer);
	if (d->kind != THADS_ZONE_CURFEW)
		return 0;
	if (d->tz != NULL && !thads_tz_valid(d->tz))
		return cfail(err, d, "unknown time zone '%.60s' (a name of "
		    "the tz database, e.g. Asia/Ho_Chi_Minh)", d->tz);
	if (thads_curfew_parse(d->schedule, &z->curfew, err) != 0)
		return cfail(err, d, "%s", err ? err->msg : "bad schedule");
	return 0;
}

/*
 * Compile d.  A zone loaded from the database is trusted: its validity
 * was checked when it was stored, and its WKT is the one stored.
 */
static int
compile(struct thads_geo *geo, const struct thads_zdef *d,
    const char *trusted_wkt, struct thads_zone **out, struct thads_err *err)
{
	int trusted = trusted_wkt != NULL;
	struct thads_zone *z;
	struct thads_zgeom *zg;
	int rc;

	*out = NULL;
	if ((rc = check_shape(d, err)) != 0)
		return rc;
	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (zg = z->g = calloc(1, sizeof(*zg))) == NULL) {
		free(z);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	zg->h = geo->h;
	if ((rc = check_props(d, z, err)) != 0)
		goto fail;
	z->kind = d->kind;
	z->buffer = d->kind == THADS_ZONE_EXCLUSION ? d->buffer : 0;
	z->radius = d->npoly == 0 ? d->radius : 0;
	if (copy_str(&z->name, d->name) || copy_str(&z->schedule,
	    d->schedule) || copy_str(&z->tz, d->kind == THADS_ZONE_CURFEW ?
	    d->tz : NULL) || (z->wkt = trusted ? strdup(trusted_wkt) :
	    to_wkt(d)) == NULL)
		goto nomem;
	if (d->npoly == 0) {
		zg->circle = 1;
		zg->clon = d->clon;
		zg->clat = d->clat;
		zg->r = d->radius + z->buffer;
		*out = z;
		return 0;
	}
	if ((zg->poly = unwrap(d)) == NULL)
		goto nomem;
	zg->npoly = d->npoly;
	if ((!trusted && (rc = validate(geo, d, zg, err)) != 0) ||
	    (rc = merge_split(geo, d, zg, err)) != 0 ||
	    (rc = compile_poly(geo, d, zg, z->buffer, err)) != 0)
		goto fail;
	*out = z;
	return 0;
nomem:
	rc = thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
fail:
	thads_zone_free(geo, z);
	return rc;
}

int
thads_zone_compile(struct thads_geo *geo, const struct thads_zdef *d,
    struct thads_zone **out, struct thads_err *err)
{
	return compile(geo, d, NULL, out, err);
}

int
thads_zone_load(struct thads_geo *geo, long long id, const char *name,
    enum thads_zone_kind kind, const char *wkt, double radius,
    double buffer, const char *schedule, const char *tz,
    struct thads_zone **out, struct thads_err *err)
{
	struct thads_zdef dflt, *d;
	struct rctx c;
	int rc;

	*out = NULL;
	memset(&dflt, 0, sizeof(dflt));
	dflt.kind = kind;
	dflt.radius = radius;
	dflt.buffer = buffer;
	dflt.schedule = (char *)schedule;
	dflt.tz = (char *)tz;
	memset(&c, 0, sizeof(c));
	c.geo = geo;
	c.file = "(database)";
	c.dflt = &dflt;
	c.name_prop = "name";
	c.err = err;
	if ((d = new_def(&c, 0)) == NULL)
		rc = rnomem(&c);
	else if ((rc = set_name(&c, d, name)) == 0 &&
	    (rc = wkt_geometry(&c, d, wkt)) == 0)
		rc = compile(geo, d, wkt, out, err);	/* checked when stored */
	if (rc == 0 && *out != NULL)
		(*out)->id = id;
	thads_zdefs_free(c.defs, c.ndefs);
	return rc;
}

void
thads_zone_free(struct thads_geo *geo, struct thads_zone *z)
{
	if (z == NULL)
		return;
	zgeom_free(geo->h, z->g);
	thads_curfew_free(z->curfew);
	free(z->name);
	free(z->wkt);
	free(z->schedule);
	free(z->tz);
	free(z);
}

/* --- the hot path ------------------------------------------------------ */

/* How far (x, y) is outside the box at least: 0 inside it. */
static double
box_gap(const struct thads_zgeom *zg, double x, double y)
{
	double dx = x < zg->minx ? zg->minx - x : x > zg->maxx ? x - zg->maxx :
	    0;
	double dy = y < zg->miny ? zg->miny - y : y > zg->maxy ? y - zg->maxy :
	    0;

	return hypot(dx, dy);
}

int
thads_zone_locate(struct thads_geo *geo, const struct thads_zone *z,
    double lon, double lat, double need, struct thads_zloc *loc)
{
	const struct thads_zgeom *zg = z->g;
	GEOSContextHandle_t h = geo->h;
	GEOSGeometry *pt;
	double x, y, d, gap;
	char in;

	if (zg->circle) {
		d = thads_geo_distance(zg->clon, zg->clat, lon, lat);
		loc->inside = d <= zg->r;
		loc->dist = fabs(d - zg->r);
		return 0;
	}
	x = wrap180(lon - zg->lon0) * zg->kx;
	y = (lat - zg->lat0) * zg->ky;
	loc->dist = 0;
	loc->inside = 0;
	gap = box_gap(zg, x, y);
	if (gap > 0 && (need < 0 || gap > need)) {
		loc->dist = need < 0 ? 0 : gap;
		return 0;
	}
	if ((pt = GEOSGeom_createPointFromXY_r(h, x, y)) == NULL)
		return THADS_ELIB;
	if (gap == 0) {
		if ((in = GEOSPreparedCovers_r(h, zg->pg, pt)) == 2)
			goto fail;
		loc->inside = in == 1;
	}
	if (need >= 0 && GEOSPreparedDistance_r(h, loc->inside ? zg->pb :
	    zg->pg, pt, &loc->dist) != 1)
		goto fail;
	GEOSGeom_destroy_r(h, pt);
	return 0;
fail:
	GEOSGeom_destroy_r(h, pt);
	return THADS_ELIB;
}

double
thads_zone_moved(const struct thads_zone *z, double lon1, double lat1,
    double lon2, double lat2)
{
	const struct thads_zgeom *zg = z->g;

	if (zg->circle)
		return thads_geo_distance(lon1, lat1, lon2, lat2);
	return hypot(wrap180(lon2 - lon1) * zg->kx, (lat2 - lat1) * zg->ky);
}

/* Circle: the closest approach of the segment to the centre. */
static int
circle_crossed(const struct thads_zgeom *zg, double lon1, double lat1,
    double lon2, double lat2, double *depth)
{
	double kx = THADS_EARTH_R * cos(zg->clat * DEG) * DEG;
	double ky = THADS_EARTH_R * DEG;
	double ax = wrap180(lon1 - zg->clon) * kx, ay = (lat1 - zg->clat) * ky;
	double bx = wrap180(lon2 - zg->clon) * kx, by = (lat2 - zg->clat) * ky;
	double dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy, t = 0, d;

	if (l2 > 0)
		t = fmax(0, fmin(1, -(ax * dx + ay * dy) / l2));
	d = hypot(ax + t * dx, ay + t * dy);
	if (d >= zg->r)
		return 0;
	*depth = zg->r - d;
	return 1;
}

int
thads_zone_crossed(struct thads_geo *geo, const struct thads_zone *z,
    double lon1, double lat1, double lon2, double lat2, double *depth)
{
	const struct thads_zgeom *zg = z->g;
	GEOSContextHandle_t h = geo->h;
	GEOSCoordSequence *s;
	GEOSGeometry *line, *in = NULL, *mid = NULL;
	const GEOSGeometry *part, *best = NULL;
	double ax, ay, bx, by, len, bestlen = 0;
	int i, n, rc = THADS_ELIB;
	char hit;

	if (zg->circle)
		return circle_crossed(zg, lon1, lat1, lon2, lat2, depth);
	ax = wrap180(lon1 - zg->lon0) * zg->kx;
	ay = (lat1 - zg->lat0) * zg->ky;
	bx = wrap180(lon2 - zg->lon0) * zg->kx;
	by = (lat2 - zg->lat0) * zg->ky;
	if (fmax(ax, bx) < zg->minx || fmin(ax, bx) > zg->maxx ||
	    fmax(ay, by) < zg->miny || fmin(ay, by) > zg->maxy)
		return 0;
	if ((s = GEOSCoordSeq_create_r(h, 2, 2)) == NULL)
		return THADS_ELIB;
	GEOSCoordSeq_setXY_r(h, s, 0, ax, ay);
	GEOSCoordSeq_setXY_r(h, s, 1, bx, by);
	if ((line = GEOSGeom_createLineString_r(h, s)) == NULL)
		return THADS_ELIB;
	if ((hit = GEOSPreparedIntersects_r(h, zg->pg, line)) != 1) {
		GEOSGeom_destroy_r(h, line);
		return hit == 0 ? 0 : THADS_ELIB;
	}
	if ((in = GEOSIntersection_r(h, zg->g, line)) == NULL)
		goto out;
	n = GEOSGetNumGeometries_r(h, in);
	for (i = 0; i < n; i++) {
		part = GEOSGetGeometryN_r(h, in, i);
		if (GEOSGeomTypeId_r(h, part) == GEOS_LINESTRING &&
		    GEOSLength_r(h, part, &len) == 1 && len > bestlen) {
			bestlen = len;
			best = part;
		}
	}
	rc = 0;
	if (best == NULL || bestlen <= 0)
		goto out;	/* touches the boundary only */
	if ((mid = GEOSInterpolateNormalized_r(h, best, 0.5)) == NULL ||
	    GEOSPreparedDistance_r(h, zg->pb, mid, depth) != 1) {
		rc = THADS_ELIB;
		goto out;
	}
	rc = 1;
out:
	if (mid != NULL)
		GEOSGeom_destroy_r(h, mid);
	if (in != NULL)
		GEOSGeom_destroy_r(h, in);
	GEOSGeom_destroy_r(h, line);
	return rc;
}

double
thads_zone_inradius(const struct thads_zone *z)
{
	struct thads_zgeom *zg = z->g;
	GEOSGeometry *mic;
	double tol, len = 0;

	if (zg->circle)
		return zg->r;
	if (zg->inr_done)
		return zg->inr;
	/* Within 5 % of the zone's size is plenty for "half of it". */
	tol = fmax(1.0, fmin(zg->maxx - zg->minx, zg->maxy - zg->miny) /
	    20);
	if ((mic = GEOSMaximumInscribedCircle_r(zg->h, zg->g, tol)) != NULL) {
		if (GEOSLength_r(zg->h, mic, &len) != 1)
			len = 0;
		GEOSGeom_destroy_r(zg->h, mic);
	}
	zg->inr = len;
	zg->inr_done = 1;
	return len;
}

int
thads_zone_rings(const struct thads_zone *z,
    int (*fn)(int, int, const double *, size_t, void *), void *ctx)
{
	const struct thads_zgeom *zg = z->g;
	double xy[2 * (CIRCLE_SEGS + 1)], kx, a;
	size_t p, k;
	int i, rc;

	if (zg->circle) {
		kx = THADS_EARTH_R * cos(zg->clat * DEG) * DEG;
		for (i = 0; i <= CIRCLE_SEGS; i++) {
			a = 2 * M_PI * (i % CIRCLE_SEGS) / CIRCLE_SEGS;
			xy[2 * i] = zg->clon + zg->r * cos(a) / kx;
			xy[2 * i + 1] = zg->clat + zg->r * sin(a) /
			    (THADS_EARTH_R * DEG);
		}
		return fn(0, 0, xy, CIRCLE_SEGS + 1, ctx);
	}
	for (p = 0; p < zg->npoly; p++)
		for (k = 0; k < zg->poly[p].nring; k++)
			if ((rc = fn((int)p, (int)k, zg->poly[p].ring[k].xy,
			    zg->poly[p].ring[k].n, ctx)) != 0)
				return rc;
	return 0;
}

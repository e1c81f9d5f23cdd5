/*
 * test_geozone.c: zones (lib/geozone.c): reading GeoJSON, KML and WKT,
 * the checks that refuse a zone with its reason and place, and the
 * containment and distance tests of compiled zones.
 *
 * Shapes are written in metres east (x) and north (y) of a point in
 * Hanoi and turned into longitude and latitude here, so that expected
 * distances can be read off the shapes.
 */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geozone.h"

#define LAT0	21.0
#define LON0	105.8
#define KY	(THADS_EARTH_R * M_PI / 180)
#define KX	(KY * cos(LAT0 * M_PI / 180))

static double
lon_of(double x)
{
	return LON0 + x / KX;
}

static double
lat_of(double y)
{
	return LAT0 + y / KY;
}

/* A ring of n (x, y) pairs in metres as WKT "(lon lat, ...)" in buf. */
static void
ring(char *buf, size_t size, const double *xy, int n)
{
	size_t len = strlen(buf);
	int i;

	len += (size_t)snprintf(buf + len, size - len, "(");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%.9f %.9f",
		    i ? ", " : "", lon_of(xy[2 * i]), lat_of(xy[2 * i + 1]));
	snprintf(buf + len, size - len, ")");
}

/* A square from (x0, y0) to (x1, y1), closed. */
static void
square(char *buf, size_t size, double x0, double y0, double x1, double y1)
{
	double xy[10] = { x0, y0, x1, y0, x1, y1, x0, y1, x0, y0 };

	ring(buf, size, xy, 5);
}

/* Read one zone of format fmt from text and compile it: 0 or the code. */
static int
make(struct thads_geo *geo, const char *fmt, const char *text,
    struct thads_zone **z, struct thads_err *err)
{
	struct thads_zdef *defs = NULL, dflt;
	size_t n = 0;
	int rc;

	memset(&dflt, 0, sizeof(dflt));
	*z = NULL;
	thads_clearerr(err);
	rc = thads_zdefs_read(geo, fmt, text, strlen(text), "t", &dflt, NULL,
	    &defs, &n, err);
	if (rc == 0)
		rc = thads_zone_compile(geo, &defs[0], z, err);
	thads_zdefs_free(defs, n);
	return rc;
}

static void
at(struct thads_geo *geo, const struct thads_zone *z, double x, double y,
    struct thads_zloc *loc)
{
	assert_int_equal(thads_zone_locate(geo, z, lon_of(x), lat_of(y),
	    INFINITY, loc), 0);
}

static void
append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, size - n, "%s", s);
}

static struct thads_geo *geo;

static int
setup(void **state)
{
	struct thads_err err;

	(void)state;
	return thads_geo_new(&geo, &err);
}

static int
teardown(void **state)
{
	(void)state;
	thads_geo_free(geo);
	return 0;
}

/* geofence-1.1: a polygon with a hole; the hole is outside. */
static void
test_hole(void **state)
{
	char wkt[1024] = "hole\tPOLYGON(";
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;

	(void)state;
	square(wkt, sizeof(wkt), 0, 0, 1000, 1000);
	append(wkt, sizeof(wkt), ", ");
	square(wkt, sizeof(wkt), 400, 400, 600, 600);
	append(wkt, sizeof(wkt), ")");
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), 0);
	at(geo, z, 200, 500, &loc);
	assert_true(loc.inside);
	assert_true(fabs(loc.dist - 200) < 1);
	at(geo, z, 500, 500, &loc);		/* the middle of the hole */
	assert_false(loc.inside);
	assert_true(fabs(loc.dist - 100) < 1);
	at(geo, z, 1100, 500, &loc);
	assert_false(loc.inside);
	assert_true(fabs(loc.dist - 100) < 1);
	thads_zone_free(geo, z);
}

/* geofence-1.2: a multipolygon: both parts inside, the gap outside. */
static void
test_multipolygon(void **state)
{
	char wkt[1024] = "multi\tMULTIPOLYGON((";
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;

	(void)state;
	square(wkt, sizeof(wkt), 0, 0, 300, 300);
	append(wkt, sizeof(wkt), "), (");
	square(wkt, sizeof(wkt), 700, 0, 1000, 300);
	append(wkt, sizeof(wkt), "))");
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), 0);
	at(geo, z, 150, 150, &loc);
	assert_true(loc.inside);
	at(geo, z, 850, 150, &loc);
	assert_true(loc.inside);
	at(geo, z, 500, 150, &loc);
	assert_false(loc.inside);
	assert_true(fabs(loc.dist - 200) < 1);
	thads_zone_free(geo, z);
}

/* geofence-1.3: a circle given as centre and radius, on the sphere. */
static void
test_circle(void **state)
{
	char wkt[256];
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;

	(void)state;
	snprintf(wkt, sizeof(wkt), "victim\tPOINT(%.9f %.9f)\tkind=exclusion"
	    "\tradius=100\tbuffer=50", LON0, LAT0);
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), 0);
	assert_int_equal(z->kind, THADS_ZONE_EXCLUSION);
	at(geo, z, 140, 0, &loc);		/* inside the buffer */
	assert_true(loc.inside);
	assert_true(fabs(loc.dist - 10) < 0.5);
	at(geo, z, 0, 200, &loc);
	assert_false(loc.inside);
	assert_true(fabs(loc.dist - 50) < 0.5);
	assert_true(fabs(thads_zone_inradius(z) - 150) < 0.01);
	thads_zone_free(geo, z);
}

/* geofence-1.4: a concave U: the notch is outside though within the
 * zone's extent; the arms are inside. */
static void
test_concave(void **state)
{
	static const double u[] = { 0, 0, 900, 0, 900, 900, 600, 900, 600, 300,
	    300, 300, 300, 900, 0, 900, 0, 0 };
	char wkt[1024] = "u\tPOLYGON(";
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;

	(void)state;
	ring(wkt, sizeof(wkt), u, 9);
	append(wkt, sizeof(wkt), ")");
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), 0);
	at(geo, z, 450, 700, &loc);		/* in the notch */
	assert_false(loc.inside);
	assert_true(fabs(loc.dist - 150) < 1);
	at(geo, z, 150, 700, &loc);		/* left arm */
	assert_true(loc.inside);
	at(geo, z, 750, 700, &loc);		/* right arm */
	assert_true(loc.inside);
	at(geo, z, 450, 150, &loc);		/* the base */
	assert_true(loc.inside);
	assert_true(fabs(loc.dist - 150) < 1);
	thads_zone_free(geo, z);
}

/* geofence-1.5: a zone across the 180th meridian, written with the jump
 * in one ring and as two parts split at the meridian (RFC 7946). */
static void
test_antimeridian(void **state)
{
	static const char *const wkts[] = {
	    "fiji\tPOLYGON((179.9 -16.1, -179.9 -16.1, -179.9 -15.9, "
	    "179.9 -15.9, 179.9 -16.1))",
	    "fiji\tMULTIPOLYGON(((179.9 -16.1, 180 -16.1, 180 -15.9, "
	    "179.9 -15.9, 179.9 -16.1)), ((-180 -16.1, -179.9 -16.1, "
	    "-179.9 -15.9, -180 -15.9, -180 -16.1)))" };
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(make(geo, "wkt", wkts[i], &z, &err), 0);
		assert_int_equal(thads_zone_locate(geo, z, 179.95, -16, 1e9,
		    &loc), 0);
		assert_true(loc.inside);
		assert_int_equal(thads_zone_locate(geo, z, -179.95, -16, 1e9,
		    &loc), 0);
		assert_true(loc.inside);
		assert_int_equal(thads_zone_locate(geo, z, 180, -16, 1e9,
		    &loc), 0);
		assert_true(loc.inside);
		/* 0.1 degree east of the zone: about 10.7 km out, not the
		 * width of the rest of the globe. */
		assert_int_equal(thads_zone_locate(geo, z, -179.8, -16,
		    INFINITY, &loc), 0);
		assert_false(loc.inside);
		assert_true(loc.dist > 10000 && loc.dist < 11000);
		assert_int_equal(thads_zone_locate(geo, z, 0, -16, -1, &loc),
		    0);
		assert_false(loc.inside);
		thads_zone_free(geo, z);
	}
}

/* geofence-1.6: a self-intersecting bow-tie is refused, with the reason
 * and the place. */
static void
test_bowtie(void **state)
{
	static const double b[] = { 0, 0, 1000, 1000, 1000, 0, 0, 1000, 0, 0 };
	char wkt[1024] = "bow\tPOLYGON(";
	struct thads_zone *z;
	struct thads_err err;

	(void)state;
	ring(wkt, sizeof(wkt), b, 5);
	append(wkt, sizeof(wkt), ")");
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), THADS_EDATA);
	assert_null(z);
	assert_non_null(strstr(err.msg, "zone 'bow'"));
	assert_non_null(strstr(err.msg, "Self-intersection"));
	assert_non_null(strstr(err.msg, "at (105.80"));
}

/* geofence-1.7: projected coordinates are refused as such. */
static void
test_projected(void **state)
{
	struct thads_zone *z;
	struct thads_err err;

	(void)state;
	assert_int_equal(make(geo, "wkt", "utm\tPOLYGON((585000 2322000, "
	    "586000 2322000, 586000 2323000, 585000 2322000))", &z, &err),
	    THADS_EDATA);
	assert_non_null(strstr(err.msg, "not WGS84 longitude/latitude"));
	assert_non_null(strstr(err.msg, "projected"));
	assert_non_null(strstr(err.msg, "(585000 2322000)"));
	assert_int_equal(make(geo, "geojson", "{\"type\":\"Feature\","
	    "\"properties\":{\"name\":\"x\"},\"geometry\":{\"type\":\"Polygon\","
	    "\"coordinates\":[[[105.8,21],[105.81,21],[105.81,21.01],"
	    "[105.8,21]]]}, \"crs\":{\"type\":\"name\",\"properties\":{"
	    "\"name\":\"EPSG:3405\"}}}", &z, &err), THADS_EDATA);
	assert_non_null(strstr(err.msg, "'EPSG:3405' is not WGS84"));
}

/* geofence-1.8: an unclosed ring and a ring of too few points. */
static void
test_ring_shape(void **state)
{
	struct thads_zone *z;
	struct thads_err err;

	(void)state;
	assert_int_equal(make(geo, "geojson", "{\"type\":\"Polygon\","
	    "\"coordinates\":[[[105.8,21],[105.81,21],[105.81,21.01],"
	    "[105.8,21.01]]]}", &z, &err), THADS_EDATA);
	assert_non_null(strstr(err.msg, "polygon 1 ring 1: ring not closed"));
	assert_int_equal(make(geo, "geojson", "{\"type\":\"Polygon\","
	    "\"coordinates\":[[[105.8,21],[105.81,21],[105.8,21]]]}", &z,
	    &err), THADS_EDATA);
	assert_non_null(strstr(err.msg, "3 positions, a ring needs at least "
	    "4"));
	assert_int_equal(make(geo, "wkt", "x\tPOLYGON((105.8 21, 105.81 21, "
	    "105.81 21.01, 105.8 21.01))", &z, &err), THADS_EDATA);
	assert_non_null(strstr(err.msg, "bad WKT"));
	assert_int_equal(err.line, 1);
}

/* geofence-1.9: GeoJSON properties; a Point zone needs a radius. */
static void
test_geojson(void **state)
{
	static const char fc[] = "{\"type\":\"FeatureCollection\",\"features\":"
	    "[{\"type\":\"Feature\",\"properties\":{\"name\":\"home\","
	    "\"kind\":\"curfew\",\"schedule\":\"mon-fri 22:00-06:00\","
	    "\"tz\":\"Asia/Ho_Chi_Minh\",\"radius\":60},\"geometry\":"
	    "{\"type\":\"Point\",\"coordinates\":[105.8,21]}},"
	    "{\"type\":\"Feature\",\"properties\":{\"name\":\"banned\","
	    "\"kind\":\"exclusion\",\"buffer\":25},\"geometry\":{\"type\":"
	    "\"Polygon\",\"coordinates\":[[[105.8,21],[105.81,21],"
	    "[105.81,21.01],[105.8,21]]]}}]}";
	struct thads_zdef *defs, dflt;
	struct thads_err err;
	struct thads_zone *z;
	size_t n;

	(void)state;
	memset(&dflt, 0, sizeof(dflt));
	assert_int_equal(thads_zdefs_read(geo, "geojson", fc, strlen(fc),
	    "t", &dflt, NULL, &defs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(defs[0].name, "home");
	assert_int_equal(defs[0].kind, THADS_ZONE_CURFEW);
	assert_true(defs[0].radius == 60);
	assert_string_equal(defs[1].name, "banned");
	assert_true(defs[1].buffer == 25);
	assert_int_equal(thads_zone_compile(geo, &defs[0], &z, &err), 0);
	assert_string_equal(z->tz, "Asia/Ho_Chi_Minh");
	thads_zone_free(geo, z);
	thads_zdefs_free(defs, n);
	assert_int_equal(make(geo, "geojson", "{\"type\":\"Point\","
	    "\"coordinates\":[105.8,21]}", &z, &err), THADS_EDATA);
	assert_non_null(strstr(err.msg, "radius"));
	assert_int_equal(make(geo, "geojson", "{\"type\":\"LineString\","
	    "\"coordinates\":[[105.8,21],[105.9,21]]}", &z, &err),
	    THADS_EDATA);
	assert_non_null(strstr(err.msg, "'LineString' is not a zone"));
}

/* geofence-1.10: KML, with a hole and ExtendedData; a DOCTYPE is refused
 * before any entity could be read. */
static void
test_kml(void **state)
{
	static const char kml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
	    "<Placemark><name>ward 7</name><ExtendedData>"
	    "<Data name=\"kind\"><value>inclusion</value></Data>"
	    "</ExtendedData><Polygon><outerBoundaryIs><LinearRing>"
	    "<coordinates>105.8,21,0 105.81,21,0 105.81,21.01,0 105.8,21.01,0 "
	    "105.8,21,0</coordinates></LinearRing></outerBoundaryIs>"
	    "<innerBoundaryIs><LinearRing><coordinates>105.804,21.004 "
	    "105.806,21.004 105.806,21.006 105.804,21.006 105.804,21.004"
	    "</coordinates></LinearRing></innerBoundaryIs></Polygon>"
	    "</Placemark>\n</Document></kml>\n";
	static const char evil[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE kml ["
	    "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<kml><Placemark>"
	    "<name>&x;</name><Point><coordinates>105.8,21</coordinates>"
	    "</Point></Placemark></kml>";
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;

	(void)state;
	assert_int_equal(make(geo, "kml", kml, &z, &err), 0);
	assert_string_equal(z->name, "ward 7");
	assert_int_equal(thads_zone_locate(geo, z, 105.802, 21.002, -1, &loc),
	    0);
	assert_true(loc.inside);
	assert_int_equal(thads_zone_locate(geo, z, 105.805, 21.005, -1, &loc),
	    0);
	assert_false(loc.inside);		/* in the hole */
	thads_zone_free(geo, z);
	assert_int_equal(make(geo, "kml", evil, &z, &err), THADS_EDATA);
	assert_non_null(strstr(err.msg, "DOCTYPE not allowed"));
	assert_int_equal(err.line, 2);
}

/* geofence-1.10b: a KML Polygon with no outer boundary (found by
 * fuzzing: it used to crash the compiler) is refused, not compiled. */
static void
test_kml_no_boundary(void **state)
{
	static const char kml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
	    "<Placemark><name>ward 7</name>\n<Polygon>\n  erBoundaryIs>\n"
	    "</Polygon></Placemark>\n</Document></kml>\n";
	struct thads_zone *z;
	struct thads_err err;

	(void)state;
	assert_int_equal(make(geo, "kml", kml, &z, &err), THADS_EDATA);
	assert_null(z);
	assert_non_null(strstr(err.msg, "polygon 1 has no outer ring"));
}

/* geofence-1.11: a straight path between two fixes outside a zone that
 * passes through it, and one that goes round it. */
static void
test_crossed(void **state)
{
	char wkt[512] = "banned\tPOLYGON(";
	struct thads_zone *z;
	struct thads_err err;
	double depth = 0;

	(void)state;
	square(wkt, sizeof(wkt), 1500, 400, 1700, 600);
	append(wkt, sizeof(wkt), ")\tkind=exclusion");
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), 0);
	assert_int_equal(thads_zone_crossed(geo, z, lon_of(1400), lat_of(500),
	    lon_of(1800), lat_of(500), &depth), 1);
	assert_true(fabs(depth - 100) < 1);
	assert_int_equal(thads_zone_crossed(geo, z, lon_of(1400), lat_of(700),
	    lon_of(1800), lat_of(700), &depth), 0);
	assert_int_equal(thads_zone_crossed(geo, z, lon_of(1400), lat_of(300),
	    lon_of(1400), lat_of(700), &depth), 0);
	thads_zone_free(geo, z);
}

/* geofence-1.12: the distance bound: beyond the threshold asked for, a
 * value above it without an exact search. */
static void
test_need(void **state)
{
	char wkt[512] = "ward\tPOLYGON(";
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;

	(void)state;
	square(wkt, sizeof(wkt), 0, 0, 1000, 1000);
	append(wkt, sizeof(wkt), ")");
	assert_int_equal(make(geo, "wkt", wkt, &z, &err), 0);
	assert_int_equal(thads_zone_locate(geo, z, lon_of(3000), lat_of(500),
	    30, &loc), 0);
	assert_false(loc.inside);
	assert_true(loc.dist > 30);
	assert_int_equal(thads_zone_locate(geo, z, lon_of(1020), lat_of(500),
	    30, &loc), 0);
	assert_true(fabs(loc.dist - 20) < 1);
	assert_int_equal(thads_zone_locate(geo, z, lon_of(500), lat_of(500),
	    -1, &loc), 0);
	assert_true(loc.inside);
	assert_true(loc.dist == 0);
	thads_zone_free(geo, z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hole),
		cmocka_unit_test(test_multipolygon),
		cmocka_unit_test(test_circle),
		cmocka_unit_test(test_concave),
		cmocka_unit_test(test_antimeridian),
		cmocka_unit_test(test_bowtie),
		cmocka_unit_test(test_projected),
		cmocka_unit_test(test_ring_shape),
		cmocka_unit_test(test_geojson),
		cmocka_unit_test(test_kml),
		cmocka_unit_test(test_kml_no_boundary),
		cmocka_unit_test(test_crossed),
		cmocka_unit_test(test_need),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

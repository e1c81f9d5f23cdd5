/*
 * fuzz_zones.h: the body shared by the zone-file harnesses (GeoJSON,
 * KML, WKT): parse the input as the tool does, then compile each zone
 * through GEOS and locate a point against it.
 */
#ifndef THADS_FUZZ_ZONES_H
#define THADS_FUZZ_ZONES_H

#include <math.h>

#include "fuzz.h"

#include "geozone.h"

static int
fuzz_zones(const char *format, const uint8_t *data, size_t size)
{
	static struct thads_geo *geo;
	struct thads_zdef dflt = { 0 }, *defs;
	struct thads_zone *z;
	struct thads_zloc loc;
	struct thads_err err;
	size_t i, n;
	char *text;
	int rc;

	if (geo == NULL && thads_geo_new(&geo, &err) != 0)
		abort();
	/* The tool hands the parser the file with a NUL after it. */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	dflt.kind = THADS_ZONE_EXCLUSION;
	rc = thads_zdefs_read(geo, format, text, size, "fuzz", &dflt,
	    NULL, &defs, &n, &err);
	free(text);
	if (rc != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (thads_zone_compile(geo, &defs[i], &z, &err) != 0)
			continue;
		thads_zone_locate(geo, z, 2.35, 48.85, INFINITY, &loc);
		thads_zone_free(geo, z);
	}
	thads_zdefs_free(defs, n);
	return 0;
}

#endif /* THADS_FUZZ_ZONES_H */

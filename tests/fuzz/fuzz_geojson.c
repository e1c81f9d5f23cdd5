/*
 * fuzz_geojson: zone files in GeoJSON (geozone.c, on jansson), each zone
 * then compiled through GEOS and a point located against it.
 */
#include "fuzz_zones.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_zones("geojson", data, size);
}

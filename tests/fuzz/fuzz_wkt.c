/*
 * fuzz_wkt: zone files in WKT, one zone a line (geozone.c), each zone
 * then compiled through GEOS and a point located against it.
 */
#include "fuzz_zones.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_zones("wkt", data, size);
}

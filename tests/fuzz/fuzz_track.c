/*
 * fuzz_track: GPS tracks as thads-geofence reads them (gpsfix.c,
 * geoxml.c, nmea.c), the format found from the first bytes: GPX, CSV,
 * JSON Lines or NMEA.
 */
#include "fuzz.h"

#include "gpsfix.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thads_trk_opts o = { 0 };
	struct thads_trk *t;
	struct thads_err err;
	struct thads_fix f;
	long n;

	o.fmt = THADS_TRK_AUTO;
	o.id = "fuzz";
	o.nmea_date = "2024-02-29";
	if (thads_trk_open(fuzz_file("track", data, size), &o, &t, &err) != 0)
		return 0;
	for (n = 0; n < 1000000 && thads_trk_next(t, &f, &err) == 1; n++)
		;
	thads_trk_close(t);
	return 0;
}

/*
 * fuzz_nmea: NMEA 0183 logs (nmea.c through gpsfix.c's line reader),
 * with and without a date for the fixes that precede the first RMC.
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

	o.fmt = THADS_TRK_NMEA;
	o.id = "fuzz";
	o.nmea_date = size % 2 ? "2024-02-29" : NULL;
	o.hdop_m = size % 3 ? 0 : 2.5;
	if (thads_trk_open(fuzz_file("in.nmea", data, size), &o, &t, &err) != 0)
		return 0;
	for (n = 0; n < 1000000 && thads_trk_next(t, &f, &err) == 1; n++)
		;
	thads_trk_close(t);
	return 0;
}

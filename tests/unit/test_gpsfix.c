/*
 * test_gpsfix.c: time stamps and curfew windows (lib/geotime.c), the
 * NMEA decoder (lib/nmea.c) and the track readers (lib/gpsfix.c).
 */
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "geotime.h"
#include "gpsfix.h"
#include "nmea.h"

/* Milliseconds of a UTC date and time. */
static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	return (thads_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	    s) * 1000LL;
}

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* geofence-2.1: time stamps with an offset, Z, none, and epochs. */
static void
test_time_parse(void **state)
{
	struct thads_tcache c;
	int64_t ms;

	(void)state;
	memset(&c, 0, sizeof(c));
	set_tz("Asia/Ho_Chi_Minh");
	assert_int_equal(thads_time_parse("2024-05-01T22:00:00Z", &c, &ms), 0);
	assert_true(ms == utc(2024, 5, 1, 22, 0, 0));
	assert_int_equal(thads_time_parse("2024-05-01T22:00:00.250+07:00", &c,
	    &ms), 0);
	assert_true(ms == utc(2024, 5, 1, 15, 0, 0) + 250);
	assert_int_equal(thads_time_parse("2024-05-01 22:00:00", &c, &ms), 0);
	assert_true(ms == utc(2024, 5, 1, 15, 0, 0));	/* local, +07 */
	assert_int_equal(thads_time_parse("2024-05-01T22:00", &c, &ms), 0);
	assert_true(ms == utc(2024, 5, 1, 15, 0, 0));
	assert_int_equal(thads_time_parse("1714600800", &c, &ms), 0);
	assert_true(ms == 1714600800000LL);
	assert_int_equal(thads_time_parse("1714600800250", &c, &ms), 0);
	assert_true(ms == 1714600800250LL);
	assert_int_equal(thads_time_parse("2024-02-30T00:00:00Z", &c, &ms),
	    THADS_EDATA);
	assert_int_equal(thads_time_parse("2024-05-01T24:00:00Z", &c, &ms),
	    THADS_EDATA);
	assert_int_equal(thads_time_parse("2024-05-01T22:00:00+7", &c, &ms),
	    THADS_EDATA);
	assert_int_equal(thads_time_parse("yesterday", &c, &ms), THADS_EDATA);
}

/* geofence-2.2: naive local times across a DST change in Paris: the
 * hour skipped moves forward, the cache does not carry a stale offset. */
static void
test_time_dst(void **state)
{
	struct thads_tcache c;
	int64_t ms;

	(void)state;
	memset(&c, 0, sizeof(c));
	set_tz("Europe/Paris");
	assert_int_equal(thads_time_parse("2024-03-31 01:30:00", &c, &ms), 0);
	assert_true(ms == utc(2024, 3, 31, 0, 30, 0));	/* CET, +01 */
	assert_int_equal(thads_time_parse("2024-03-31 03:30:00", &c, &ms), 0);
	assert_true(ms == utc(2024, 3, 31, 1, 30, 0));	/* CEST, +02 */
	assert_int_equal(thads_time_parse("2024-03-31 02:30:00", &c, &ms), 0);
	assert_true(ms == utc(2024, 3, 31, 1, 30, 0));	/* skipped: 03:30 */
	set_tz("Asia/Ho_Chi_Minh");
}

/* geofence-2.3: curfew windows across midnight, on weekdays, in the
 * zone's time zone, and on the days Paris changes its offset. */
static void
test_curfew_windows(void **state)
{
	struct thads_curfew *cf;
	struct thads_err err;
	int64_t o, c;

	(void)state;
	set_tz("UTC");
	assert_int_equal(thads_curfew_parse("22:00-06:00", &cf, &err), 0);
	/* At noon on 1 May: the next window, 22:00 to 06:00 in Hanoi. */
	assert_int_equal(thads_curfew_window(cf, "Asia/Ho_Chi_Minh",
	    utc(2024, 5, 1, 5, 0, 0), &o, &c), 0);
	assert_true(o == utc(2024, 5, 1, 15, 0, 0));
	assert_true(c == utc(2024, 5, 1, 23, 0, 0));
	/* At 01:00 on 2 May (local): inside the window that opened on 1 May. */
	assert_int_equal(thads_curfew_window(cf, "Asia/Ho_Chi_Minh",
	    utc(2024, 5, 1, 18, 0, 0), &o, &c), 0);
	assert_true(o == utc(2024, 5, 1, 15, 0, 0));
	/* The process's zone was left as it was. */
	assert_string_equal(getenv("TZ"), "UTC");
	/* Paris, 30-31 March 2024: 22:00 CET to 06:00 CEST is 7 hours. */
	assert_int_equal(thads_curfew_window(cf, "Europe/Paris",
	    utc(2024, 3, 30, 12, 0, 0), &o, &c), 0);
	assert_true(o == utc(2024, 3, 30, 21, 0, 0));
	assert_true(c == utc(2024, 3, 31, 4, 0, 0));
	assert_true(c - o == 7 * 3600000LL);
	/* 26-27 October 2024: 22:00 CEST to 06:00 CET is 9 hours. */
	assert_int_equal(thads_curfew_window(cf, "Europe/Paris",
	    utc(2024, 10, 26, 12, 0, 0), &o, &c), 0);
	assert_true(c - o == 9 * 3600000LL);
	thads_curfew_free(cf);
	/* Weekdays only: Saturday 4 May 2024 at noon waits for Monday. */
	assert_int_equal(thads_curfew_parse("mon-fri 22:00-06:00", &cf, &err),
	    0);
	assert_int_equal(thads_curfew_window(cf, "Asia/Ho_Chi_Minh",
	    utc(2024, 5, 4, 5, 0, 0), &o, &c), 0);
	assert_true(o == utc(2024, 5, 6, 15, 0, 0));
	thads_curfew_free(cf);
	assert_int_equal(thads_curfew_parse("sat,sun 23:00-07:00; mon-fri "
	    "21:30-05:00", &cf, &err), 0);
	thads_curfew_free(cf);
	assert_int_equal(thads_curfew_parse("22:00", &cf, &err), THADS_EDATA);
	assert_int_equal(thads_curfew_parse("moon 22:00-06:00", &cf, &err),
	    THADS_EDATA);
	set_tz("Asia/Ho_Chi_Minh");
}

/* Feed lines to a decoder, returning how many were skipped. */
static int
feed(struct thads_nmea *n, const char *const *lines)
{
	struct thads_err err;
	int i, bad = 0;

	for (i = 0; lines[i] != NULL; i++)
		bad += thads_nmea_line(n, lines[i], i + 1, &err) == 1;
	return bad;
}

/* geofence-2.4: checksums; RMC and GGA of one second make one fix. */
static void
test_nmea_basic(void **state)
{
	static const char *const lines[] = {
	    "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,"
	    "W*6A",
	    "$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47",
	    "$GPGGA,123520,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48",
	    "$GPGSV,2,1,08,01,40,083,46,02,17,308,41,12,07,344,39,14,22,228,45"
	    "*75",
	    "$GPRMC,123521,V,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,"
	    "W*76",
	    "garbage",
	    NULL };
	struct thads_nmea *n;
	struct thads_fix f;
	struct thads_err err;
	const char *body;
	size_t len;

	(void)state;
	assert_int_equal(thads_nmea_checksum(lines[0], &body, &len), 1);
	assert_int_equal(thads_nmea_checksum(lines[2], &body, &len), 0);
	assert_int_equal(thads_nmea_new(NULL, 5, &n, &err), 0);
	/* The bad checksum, the void RMC and the garbage. */
	assert_int_equal(feed(n, lines), 3);
	assert_int_equal(thads_nmea_end(n, &err), 0);
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(1994, 3, 23, 12, 35, 19));
	assert_true(fabs(f.lat - (48 + 7.038 / 60)) < 1e-9);
	assert_true(fabs(f.lon - (11 + 31.0 / 60)) < 1e-9);
	assert_true(fabs(f.acc - 4.5) < 1e-9);		/* HDOP 0.9 x 5 m */
	assert_int_equal(thads_nmea_pop(n, &f), 0);
	thads_nmea_free(n);
}

/* geofence-2.5: GGA alone, dated backwards from a later ZDA, over
 * midnight; and forwards from a fallback date; or skipped. */
static void
test_nmea_backfill(void **state)
{
	static const char *const lines[] = {
	    "$GPGGA,235958.000,5013.476,N,01710.477,E,1,09,0.8,468.7,M,0.0,M,,"
	    "*61",
	    "$GPGGA,235959.000,5013.476,N,01710.477,E,1,09,0.8,468.7,M,0.0,M,,"
	    "*60",
	    "$GPGGA,000000.000,5013.476,N,01710.477,E,1,09,0.8,468.7,M,0.0,M,,"
	    "*61",
	    "$GPZDA,000000.000,09,03,2019,00,00*56",
	    "$GPGGA,000001.000,5013.476,N,01710.477,E,1,09,0.8,468.7,M,0.0,M,,"
	    "*60",
	    NULL };
	struct thads_nmea *n;
	struct thads_fix f;
	struct thads_err err;
	const char *body;
	size_t len;
	int i;

	(void)state;
	for (i = 0; lines[i] != NULL; i++)
		assert_int_equal(thads_nmea_checksum(lines[i], &body, &len), 1);
	assert_int_equal(thads_nmea_new(NULL, 5, &n, &err), 0);
	assert_int_equal(feed(n, lines), 0);
	assert_int_equal(thads_nmea_end(n, &err), 0);
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(2019, 3, 8, 23, 59, 58));
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(2019, 3, 8, 23, 59, 59));
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(2019, 3, 9, 0, 0, 0));
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(2019, 3, 9, 0, 0, 1));
	assert_int_equal(thads_nmea_pop(n, &f), 0);
	thads_nmea_free(n);

	/* No date in the input: the fallback dates the first fix. */
	assert_int_equal(thads_nmea_new("2019-03-08", 5, &n, &err), 0);
	feed(n, (const char *const []){ lines[0], lines[1], lines[2], NULL });
	assert_int_equal(thads_nmea_end(n, &err), 0);
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(2019, 3, 8, 23, 59, 58));
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_int_equal(thads_nmea_pop(n, &f), 1);
	assert_true(f.t == utc(2019, 3, 9, 0, 0, 0));
	thads_nmea_free(n);

	/* Neither: the fixes are skipped, and the end says how many. */
	assert_int_equal(thads_nmea_new(NULL, 5, &n, &err), 0);
	feed(n, (const char *const []){ lines[0], lines[1], NULL });
	assert_int_equal(thads_nmea_end(n, &err), 2);
	assert_non_null(strstr(err.msg, "without a date"));
	assert_int_equal(thads_nmea_pop(n, &f), 0);
	thads_nmea_free(n);
}

/* Write text to a new temporary file; its name goes into path. */
static void
tmpfile_with(char *path, size_t size, const char *suffix, const char *text)
{
	FILE *fp;

	snprintf(path, size, "/tmp/test_gpsfix.%ld%s", (long)getpid(), suffix);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int nskipped;

static void
count_skip(const struct thads_err *e, void *ctx)
{
	(void)e;
	(void)ctx;
	nskipped++;
}

/* Read every fix of a file: the count, the fixes into f (up to n). */
static int
read_all(const char *path, const char *id, struct thads_fix *f, int n,
    int *rc)
{
	struct thads_trk_opts o;
	struct thads_trk *t;
	struct thads_fix x;
	struct thads_err err;
	int k = 0;

	memset(&o, 0, sizeof(o));
	o.id = id;
	o.skip = count_skip;
	nskipped = 0;
	if ((*rc = thads_trk_open(path, &o, &t, &err)) != 0)
		return -1;
	while ((*rc = thads_trk_next(t, &x, &err)) == 1)
		if (k < n)
			f[k++] = x;
		else
			k++;
	thads_trk_close(t);
	return k;
}

/* geofence-2.6: CSV by column names, a bad row skipped, 0,0 skipped. */
static void
test_csv(void **state)
{
	char path[256];
	struct thads_fix f[8];
	int rc;

	(void)state;
	tmpfile_with(path, sizeof(path), ".csv", "Device,TIME,Lat,Lng,acc,"
	    "battery,tamper\nD1,2024-05-01T08:00:00Z,21.01,105.8,12.5,80,0\n"
	    "D1,2024-05-01T08:00:30Z,91,105.8,,,\n"
	    "D1,2024-05-01T08:01:00Z,0,0,,,\n"
	    "D1,2024-05-01T08:01:30Z,21.02,105.81,,15,yes\n");
	assert_int_equal(read_all(path, NULL, f, 8, &rc), 2);
	assert_int_equal(rc, 0);
	assert_int_equal(nskipped, 2);
	assert_string_equal(f[0].id, "D1");
	assert_true(f[0].acc == 12.5 && f[0].battery == 80 &&
	    f[0].tamper == 0);
	assert_true(isnan(f[1].acc) && f[1].battery == 15 && f[1].tamper == 1);
	assert_int_equal(f[1].line, 5);
	unlink(path);
	tmpfile_with(path, sizeof(path), ".csv", "id,when,lat,lon\n");
	assert_int_equal(read_all(path, NULL, f, 8, &rc), -1);
	assert_int_equal(rc, THADS_EDATA);
	unlink(path);
}

/* geofence-2.7: JSON Lines, with numbers or strings, and a bad line. */
static void
test_jsonl(void **state)
{
	char path[256];
	struct thads_fix f[4];
	int rc;

	(void)state;
	tmpfile_with(path, sizeof(path), ".jsonl", "{\"device\":\"D2\","
	    "\"time\":\"2024-05-01T08:00:00+07:00\",\"lat\":21.01,\"lon\":105.8,"
	    "\"accuracy\":8,\"tamper\":true}\n\nnot json\n{\"id\":\"D2\",\"t\":"
	    "1714525230,\"latitude\":\"21.02\",\"longitude\":105.81}\n");
	assert_int_equal(read_all(path, NULL, f, 4, &rc), 2);
	assert_int_equal(nskipped, 1);
	assert_true(f[0].t == utc(2024, 5, 1, 1, 0, 0));
	assert_int_equal(f[0].tamper, 1);
	assert_true(f[1].t == 1714525230000LL && f[1].lat == 21.02);
	unlink(path);
}

/* geofence-2.8: GPX 1.0 and 1.1; a point without a time is skipped; a
 * DOCTYPE is refused. */
static void
test_gpx(void **state)
{
	char path[256];
	struct thads_fix f[4];
	int rc;

	(void)state;
	tmpfile_with(path, sizeof(path), ".gpx", "<?xml version=\"1.0\"?>\n"
	    "<gpx version=\"1.0\" xmlns=\"http://www.topografix.com/GPX/1/0\">"
	    "<trk><trkseg><trkpt lat=\"45.1\" lon=\"14.1\"><time>"
	    "2010-10-03T09:36:30Z</time><hdop>2</hdop></trkpt>\n<trkpt "
	    "lat=\"45.2\" lon=\"14.2\"/></trkseg><trkseg/></trk></gpx>\n");
	assert_int_equal(read_all(path, "P1", f, 4, &rc), 1);
	assert_int_equal(rc, 0);
	assert_int_equal(nskipped, 1);
	assert_true(f[0].t == utc(2010, 10, 3, 9, 36, 30));
	assert_true(f[0].acc == 10);
	assert_string_equal(f[0].id, "P1");
	unlink(path);
	tmpfile_with(path, sizeof(path), ".gpx", "<?xml version=\"1.0\"?>\n"
	    "<gpx version=\"1.1\" xmlns=\"http://www.topografix.com/GPX/1/1\">"
	    "<trk><trkseg><trkpt lat=\"50.7\" lon=\"6.08\"><ele>191</ele>"
	    "<time>2013-07-06T17:26:26Z</time></trkpt></trkseg></trk></gpx>");
	assert_int_equal(read_all(path, "P1", f, 4, &rc), 1);
	unlink(path);
	tmpfile_with(path, sizeof(path), ".gpx", "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE gpx [<!ENTITY e \"x\">]><gpx/>");
	assert_int_equal(read_all(path, "P1", f, 4, &rc), 0);
	assert_int_equal(rc, THADS_EDATA);
	unlink(path);
	/* GPX carries no id: without one the input is refused. */
	tmpfile_with(path, sizeof(path), ".gpx", "<gpx/>");
	assert_int_equal(read_all(path, NULL, f, 4, &rc), -1);
	assert_int_equal(rc, THADS_EUSAGE);
	unlink(path);
}

/* geofence-2.9: the format of a file without a telling name is found
 * from its first bytes. */
static void
test_sniff(void **state)
{
	char path[256];
	struct thads_fix f[2];
	int rc;

	(void)state;
	/* Dated 2024: a reader skips fixes before 2000 as implausible. */
	tmpfile_with(path, sizeof(path), ".log", "$GPRMC,123519,A,4807.038,N,"
	    "01131.000,E,022.4,084.4,230324,003.1,W*61\n");
	assert_int_equal(read_all(path, "P1", f, 2, &rc), 1);
	assert_true(f[0].t == utc(2024, 3, 23, 12, 35, 19));
	unlink(path);
	tmpfile_with(path, sizeof(path), ".log", "{\"id\":\"X\",\"time\":"
	    "\"2024-05-01T00:00:00Z\",\"lat\":1,\"lon\":2}\n");
	assert_int_equal(read_all(path, NULL, f, 2, &rc), 1);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_time_dst),
		cmocka_unit_test(test_curfew_windows),
		cmocka_unit_test(test_nmea_basic),
		cmocka_unit_test(test_nmea_backfill),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_jsonl),
		cmocka_unit_test(test_gpx),
		cmocka_unit_test(test_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

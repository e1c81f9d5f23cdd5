/*
 * geotime.h: time for electronic monitoring: time stamps of GPS fixes,
 * and curfew windows in a zone's own time zone.
 *
 * Times are int64_t milliseconds since 1970-01-01T00:00:00Z.  Local
 * times go through the system time-zone database (TZ, tzset(3),
 * mktime(3), localtime_r(3)), never through a fixed offset, so that
 * days when a zone changes its offset are right.
 *
 * XXX: a curfew in a time zone other than the process's is computed by
 * setting TZ for the time of the computation and putting it back, which
 * is not safe if another thread uses local time meanwhile.  The tools
 * are single-threaded.
 */
#ifndef THADS_GEOTIME_H
#define THADS_GEOTIME_H

#include <stddef.h>
#include <stdint.h>

#include "thads.h"

struct thads_curfew;

/* The result of the last naive local time converted, for speed. */
struct thads_tcache {
	int	 y, mo, d, h;	/* the local hour cached */
	int64_t	 base;		/* its first second, in UTC seconds */
	int	 valid;
};

/*
 * Parse a time stamp into *ms:
 *	2024-05-01T22:00:00Z, 2024-05-01T22:00:00.250+07:00,
 *	2024-05-01 22:00:00 (no offset: local time of the process's TZ),
 *	2024-05-01T22:00 (seconds may be left out),
 *	1714575600 (seconds since 1970, UTC), 1714575600250 (13 digits:
 *	milliseconds).
 * The date must exist; hours 00-23, minutes and seconds 00-59 (a leap
 * second 60 is taken as 59.999).  A naive local time that does not
 * exist (the hour skipped in spring) moves forward by the skip; one that
 * exists twice is the first.  cache may be NULL.  Returns 0 or
 * THADS_EDATA.
 */
int	thads_time_parse(const char *s, struct thads_tcache *cache,
	    int64_t *ms);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t	thads_days_from_civil(int y, int m, int d);
void	thads_civil_from_days(int64_t days, int *y, int *m, int *d);

/*
 * Write ms as ISO 8601: "2024-05-01T15:00:00Z" when utc is set, else in
 * the process's local time with its offset, "2024-05-01T22:00:00+07:00".
 * Milliseconds are written only when not zero.  buf needs 32 bytes.
 */
void	thads_time_format(int64_t ms, int utc, char *buf, size_t size);

/* Whether tz names a zone of the system database (no "..", not a path
 * outside it): 1 or 0. */
int	thads_tz_valid(const char *tz);

/*
 * Parse a curfew schedule: windows separated by ';', each
 * "[DAYS ]HH:MM-HH:MM".  DAYS is a comma-separated list of days (mon,
 * tue, wed, thu, fri, sat, sun) and ranges (mon-fri), or one of daily,
 * weekdays (mon-fri), weekends (sat, sun); without DAYS, every day.  A
 * window whose end is not after its start runs past midnight: it opens
 * on the listed day and closes on the next.  Examples: "22:00-06:00",
 * "mon-fri 21:00-06:00; sat,sun 23:00-07:00".  Returns 0, THADS_EDATA
 * (err->msg says what is wrong) or THADS_ENOMEM.
 */
int	thads_curfew_parse(const char *spec, struct thads_curfew **out,
	    struct thads_err *err);

void	thads_curfew_free(struct thads_curfew *cf);

/*
 * The curfew window of cf in time zone tz that contains t, or else the
 * first one that opens after t: *open and *close in ms.  Window edges
 * are local wall-clock times on their day, converted through the time
 * zone database.  Returns 0, or THADS_EDATA when no window opens in the
 * next 8 days (an empty schedule).
 */
int	thads_curfew_window(struct thads_curfew *cf, const char *tz,
	    int64_t t, int64_t *open, int64_t *close);

#endif /* THADS_GEOTIME_H */

/*
 * nmea.h: the NMEA 0183 decoder behind the track reader (gpsfix.h).
 *
 * Sentences are fed one line at a time.  RMC ($GPRMC, $GNRMC, ... any
 * talker) gives time, date and position; GGA gives time, position and
 * HDOP but no date; ZDA gives the date.  RMC and GGA of the same second
 * make one fix (the position of the first, the HDOP of GGA).  An RMC
 * with status V or a GGA with quality 0 has no fix and is skipped.
 * Other sentence types (GSV, GSA, VTG, ...) are ignored without a word.
 *
 * Dates.  A fix gets the date last given by RMC or ZDA, moved on by one
 * day each time the time of day falls by more than twelve hours from one
 * fix to the next (midnight passed; back by one day when it rises by as
 * much, a fix from before midnight arriving late).  Fixes read before
 * any date wait (up to THADS_NMEA_BACKFILL of them) and are dated
 * backwards from the first date seen, day by day over each midnight;
 * at the end of the input, fixes still waiting are dated forward from
 * the fallback date if one was given, else skipped.
 */
#ifndef THADS_NMEA_H
#define THADS_NMEA_H

#include "gpsfix.h"

struct thads_nmea;

/*
 * A decoder.  date is "YYYY-MM-DD", the date of the first fix when the
 * input gives none, or NULL.  hdop_m is the metres of accuracy per unit
 * of HDOP.  Returns 0, THADS_EUSAGE (a bad date) or THADS_ENOMEM.
 */
int	thads_nmea_new(const char *date, double hdop_m,
	    struct thads_nmea **out, struct thads_err *err);

/*
 * Decode one line (line number lineno, line end removed).  Returns 0
 * when the line was used or ignored, 1 when it was skipped as bad (err
 * says why: "bad checksum", "not an NMEA sentence", ...), or
 * THADS_ENOMEM.  Fixes that are complete wait in a queue for
 * thads_nmea_pop().
 */
int	thads_nmea_line(struct thads_nmea *n, const char *line, long lineno,
	    struct thads_err *err);

/*
 * The input is over: complete the last fix and date the fixes still
 * waiting.  Returns the number of fixes skipped for want of a date (err
 * then says so), or THADS_ENOMEM.
 */
long	thads_nmea_end(struct thads_nmea *n, struct thads_err *err);

/* Take the next complete fix: 1, or 0 when none is ready. */
int	thads_nmea_pop(struct thads_nmea *n, struct thads_fix *f);

void	thads_nmea_free(struct thads_nmea *n);

#endif /* THADS_NMEA_H */

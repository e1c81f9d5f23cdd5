/*
 * days.h: calendar dates as day numbers, for the sentence engine.
 *
 * A date is an int: the number of days since 1970-01-01 in the
 * proleptic Gregorian calendar (1969-12-31 is -1).  Differences of day
 * numbers are exact counts of days, so every rule that counts days is
 * plain integer arithmetic.  THADS_NODAY stands for "no date".
 *
 * Adding calendar months follows one rule everywhere, the month-end
 * rule: the result keeps the day number of the start, or is the last
 * day of the target month when that month is too short.  31 January
 * plus one month is 28 February (29 in a leap year); 29 February plus
 * twelve months is 28 February.
 */
#ifndef THADS_DAYS_H
#define THADS_DAYS_H

#include <limits.h>

#define THADS_NODAY INT_MIN

/* Room for "YYYY-MM-DD" and its NUL. */
#define THADS_DAYBUF 11

/* The day number of y-m-d; m and d must be in range. */
int	thads_day(int y, int m, int d);

/* Split a day number into year, month and day. */
void	thads_day_ymd(int day, int *y, int *m, int *d);

/*
 * Parse the date at the start of s ("YYYY-MM-DD", anything after the
 * tenth character ignored, so that "2019-01-01 10:00:00" gives its
 * date).  Returns 0 and sets *day, or THADS_EDATA for anything that is
 * not a real date.
 */
int	thads_day_parse(const char *s, int *day);

/*
 * Parse the time of day of a date-time "YYYY-MM-DD HH:MM[:SS]" (or with
 * 'T'): seconds after midnight, 0 for a date alone, -1 when malformed.
 */
int	thads_day_secs(const char *s);

/* Write day as "YYYY-MM-DD" into buf and return buf; "-" for NODAY. */
char	*thads_day_fmt(int day, char buf[THADS_DAYBUF]);

/* Day of the week: 0 Sunday, 1 Monday, ... 6 Saturday. */
int	thads_day_wday(int day);

/* Days in month m of year y. */
int	thads_days_in_month(int y, int m);

/* day plus n calendar months (n may be negative), month-end rule. */
int	thads_add_months(int day, int n);

/* The year of a day number. */
int	thads_day_year(int day);

#endif /* THADS_DAYS_H */

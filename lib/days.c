/*
 * days.c: day numbers and calendar months.
 *
 * The conversions use the usual era arithmetic: the Gregorian calendar
 * repeats every 400 years (146097 days), and counting years from March
 * puts the leap day at the end of the year, so that the day of the year
 * is a linear function of the month.
 */
#include <stdio.h>
#include <string.h>

#include "days.h"
#include "thads.h"

int
thads_day(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
thads_day_ymd(int day, int *y, int *m, int *d)
{
	int z = day + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int
thads_days_in_month(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

static int
num(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
thads_day_parse(const char *s, int *day)
{
	int y, m, d;

	if (s == NULL || num(s, 4, &y) || s[4] != '-' || num(s + 5, 2, &m) ||
	    s[7] != '-' || num(s + 8, 2, &d))
		return THADS_EDATA;
	if (m < 1 || m > 12 || d < 1 || d > thads_days_in_month(y, m))
		return THADS_EDATA;
	*day = thads_day(y, m, d);
	return 0;
}

int
thads_day_secs(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int h, mi, sec = 0;

	if (n < 10)
		return -1;
	if (n == 10)
		return 0;
	if (n < 16 || (s[10] != ' ' && s[10] != 'T') || num(s + 11, 2, &h) ||
	    s[13] != ':' || num(s + 14, 2, &mi))
		return -1;
	if (n >= 19 && s[16] == ':' && num(s + 17, 2, &sec))
		return -1;
	if (h > 23 || mi > 59 || sec > 59)
		return -1;
	return h * 3600 + mi * 60 + sec;
}

char *
thads_day_fmt(int day, char buf[THADS_DAYBUF])
{
	int y, m, d;

	if (day == THADS_NODAY) {
		snprintf(buf, THADS_DAYBUF, "-");
		return buf;
	}
	thads_day_ymd(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		snprintf(buf, THADS_DAYBUF, "?");
	else
		snprintf(buf, THADS_DAYBUF, "%04d-%02d-%02d", y, m, d);
	return buf;
}

int
thads_day_wday(int day)
{
	/* 1970-01-01 was a Thursday. */
	int w = (day + 4) % 7;

	return w < 0 ? w + 7 : w;
}

int
thads_add_months(int day, int n)
{
	int y, m, d, t, last;

	thads_day_ymd(day, &y, &m, &d);
	t = y * 12 + (m - 1) + n;
	y = t >= 0 ? t / 12 : -((-t + 11) / 12);
	m = t - y * 12 + 1;
	last = thads_days_in_month(y, m);
	return thads_day(y, m, d > last ? last : d);
}

int
thads_day_year(int day)
{
	int y, m, d;

	thads_day_ymd(day, &y, &m, &d);
	return y;
}

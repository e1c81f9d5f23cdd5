/*
 * geotime.c: time stamps and curfew windows (geotime.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "geotime.h"

/* One window of a schedule: on the days of mask (bit 0 Sunday). */
struct rule {
	unsigned days;
	int	 start;		/* minutes after local midnight */
	int	 end;		/* <= start: on the next day */
};

struct win {
	int64_t	 open;
	int64_t	 close;
};

/*
 * The windows computed for a range of days are kept, since computing
 * them means switching the process's time zone: zones are shared by
 * every person bound to them, and fixes come in time order, so one
 * computation serves a week of fixes.
 */
struct thads_curfew {
	struct rule *rule;
	size_t	 nrule;
	char	 tz[128];	/* the zone the cache was made in */
	int64_t	 lo, hi;	/* the cache answers for t in [lo, hi) */
	struct win *w;
	size_t	 nw, wcap;
};

#define CACHE_DAYS	7

int64_t
thads_days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil, for the proleptic calendar. */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void
thads_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
mdays(int y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

/* Read exactly n digits at *s into *v and advance. */
static int
digits(const char **s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -1;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return 0;
}

static int
all_digits(const char *s, size_t *n)
{
	*n = 0;
	while (s[*n] >= '0' && s[*n] <= '9')
		(*n)++;
	return *n > 0 && s[*n] == '\0';
}

/* "1714575600" or "1714575600250". */
static int
epoch(const char *s, size_t n, int64_t *ms)
{
	int64_t v = 0;
	size_t i;

	if (n > 14)
		return THADS_EDATA;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	*ms = n <= 11 ? v * 1000 : v;
	return 0;
}

/* A local time of the process's TZ to UTC seconds, through mktime. */
static int64_t
local_secs(int y, int mo, int d, int h, int mi, int sec,
    struct thads_tcache *c)
{
	struct tm tm;
	time_t t;

	if (c == NULL || !c->valid || c->y != y || c->mo != mo ||
	    c->d != d || c->h != h) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (c == NULL)
			return (int64_t)t + mi * 60 + sec;
		c->y = y;
		c->mo = mo;
		c->d = d;
		c->h = h;
		c->base = (int64_t)t;
		c->valid = 1;
	}
	return c->base + mi * 60 + sec;
}

/* The offset at *s: Z, +HH, +HHMM, +HH:MM; seconds east in *off. */
static int
offset(const char **s, int *off, int *has)
{
	int sign, h, m = 0;

	*has = 0;
	if (**s == '\0')
		return 0;
	if (**s == 'Z' || **s == 'z') {
		(*s)++;
		*off = 0;
		*has = 1;
		return 0;
	}
	if (**s != '+' && **s != '-')
		return -1;
	sign = **s == '-' ? -1 : 1;
	(*s)++;
	if (digits(s, 2, &h) != 0 || h > 23)
		return -1;
	if (**s == ':')
		(*s)++;
	if (**s != '\0' && (digits(s, 2, &m) != 0 || m > 59))
		return -1;
	*off = sign * (h * 3600 + m * 60);
	*has = 1;
	return 0;
}

int
thads_time_parse(const char *s, struct thads_tcache *c, int64_t *ms)
{
	int y, mo, d, h, mi, sec = 0, frac = 0, off = 0, has, k;
	size_t n;
	int64_t secs;

	if (s == NULL)
		return THADS_EDATA;
	if (all_digits(s, &n))
		return epoch(s, n, ms);
	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) ||
	    *s++ != '-' || digits(&s, 2, &d) || (*s != 'T' && *s != 't' &&
	    *s != ' ') || (s++, digits(&s, 2, &h)) || *s++ != ':' ||
	    digits(&s, 2, &mi))
		return THADS_EDATA;
	if (*s == ':' && (s++, digits(&s, 2, &sec)))
		return THADS_EDATA;
	if (*s == '.' || *s == ',') {
		for (s++, k = 0; *s >= '0' && *s <= '9'; s++, k++)
			if (k < 3)
				frac = frac * 10 + (*s - '0');
		if (k == 0)
			return THADS_EDATA;
		for (; k < 3; k++)
			frac *= 10;
	}
	if (offset(&s, &off, &has) != 0 || *s != '\0')
		return THADS_EDATA;
	if (y < 1970 || y > 2200 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays(y, mo) || h > 23 || mi > 59 || sec > 60)
		return THADS_EDATA;
	if (sec == 60) {	/* a leap second: the end of its minute */
		sec = 59;
		frac = 999;
	}
	if (has)
		secs = thads_days_from_civil(y, mo, d) * 86400 + h * 3600 +
		    mi * 60 + sec - off;
	else
		secs = local_secs(y, mo, d, h, mi, sec, c);
	*ms = secs * 1000 + frac;
	return 0;
}

void
thads_time_format(int64_t ms, int utc, char *buf, size_t size)
{
	int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	int frac = (int)(ms - secs * 1000), y, m, d;
	struct tm tm;
	time_t t = (time_t)secs;
	char fr[8] = "", off[16] = "Z";
	int go;

	if (frac != 0)
		snprintf(fr, sizeof(fr), ".%03d", frac);
	if (utc) {
		thads_civil_from_days(secs >= 0 ? secs / 86400 :
		    -((-secs + 86399) / 86400), &y, &m, &d);
		secs -= thads_days_from_civil(y, m, d) * 86400;
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", y, m,
		    d, (int)(secs / 3600), (int)(secs / 60 % 60),
		    (int)(secs % 60), fr);
		return;
	}
	localtime_r(&t, &tm);
	go = (int)(tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff) / 60;
	snprintf(off, sizeof(off), "%c%02d:%02d", tm.tm_gmtoff < 0 ? '-' :
	    '+', go / 60 % 100, go % 60);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, fr, off);
}

int
thads_tz_valid(const char *tz)
{
	const char *dir = getenv("TZDIR"), *p;
	char path[512];

	if (tz == NULL || *tz == '\0' || *tz == '/' || strstr(tz, "..") ||
	    strlen(tz) > 100)
		return 0;
	for (p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' ||
		    *p == '-' || *p == '+'))
			return 0;
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir :
	    "/usr/share/zoneinfo", tz);
	return access(path, R_OK) == 0;
}

/* --- curfew schedules -------------------------------------------- */

static const char *const wdays[7] = { "sun", "mon", "tue", "wed", "thu",
	"fri", "sat" };

static int
day_of(const char *s, size_t n)
{
	int i;

	if (n != 3)
		return -1;
	for (i = 0; i < 7; i++)
		if (strncasecmp(s, wdays[i], 3) == 0)
			return i;
	return -1;
}

/* A mask from "mon-fri", "sat,sun", "daily", ... (n bytes at s). */
static int
days_mask(const char *s, size_t n, unsigned *mask)
{
	size_t i = 0, j;
	int a, b;

	*mask = 0;
	if ((n == 5 && strncasecmp(s, "daily", 5) == 0)) {
		*mask = 0x7f;
		return 0;
	}
	if (n == 8 && strncasecmp(s, "weekdays", 8) == 0) {
		*mask = 0x3e;
		return 0;
	}
	if (n == 8 && strncasecmp(s, "weekends", 8) == 0) {
		*mask = 0x41;
		return 0;
	}
	while (i < n) {
		for (j = i; j < n && s[j] != ',' && s[j] != '-'; j++)
			continue;
		if ((a = day_of(s + i, j - i)) < 0)
			return -1;
		b = a;
		if (j < n && s[j] == '-') {
			i = j + 1;
			for (j = i; j < n && s[j] != ','; j++)
				continue;
			if ((b = day_of(s + i, j - i)) < 0)
				return -1;
		}
		for (;;) {
			*mask |= 1U << a;
			if (a == b)
				break;
			a = (a + 1) % 7;
		}
		i = j + 1;
	}
	return *mask ? 0 : -1;
}

/* "HH:MM" at s, exactly 5 bytes: minutes, or -1. */
static int
hhmm(const char *s)
{
	int h, m;

	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &m) ||
	    h > 24 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

static int
skipws(const char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return (int)i;
}

/* One window "[DAYS ]HH:MM-HH:MM", n bytes at s. */
static int
parse_rule(const char *s, size_t n, struct rule *r)
{
	size_t i = (size_t)skipws(s, 0, n), e = n, sp;

	while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
		e--;
	if (e - i < 11)
		return -1;
	r->days = 0x7f;
	if (e - i > 11) {
		for (sp = i; sp < e && s[sp] != ' ' && s[sp] != '\t'; sp++)
			continue;
		if (days_mask(s + i, sp - i, &r->days) != 0)
			return -1;
		i = (size_t)skipws(s, sp, e);
		if (e - i != 11)
			return -1;
	}
	if (s[i + 5] != '-' || (r->start = hhmm(s + i)) < 0 ||
	    (r->end = hhmm(s + i + 6)) < 0 || r->start == 24 * 60)
		return -1;
	return 0;
}

int
thads_curfew_parse(const char *spec, struct thads_curfew **out,
    struct thads_err *err)
{
	struct thads_curfew *cf;
	const char *p = spec, *q;
	size_t n = 1;

	*out = NULL;
	if (spec == NULL || *spec == '\0')
		return thads_seterr(err, THADS_EDATA, NULL, 0,
		    "a curfew needs a schedule, e.g. '22:00-06:00'");
	for (q = spec; *q; q++)
		n += *q == ';';
	if ((cf = calloc(1, sizeof(*cf))) == NULL ||
	    (cf->rule = calloc(n, sizeof(*cf->rule))) == NULL) {
		free(cf);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	for (;;) {
		q = strchr(p, ';');
		if (q == NULL)
			q = p + strlen(p);
		if (parse_rule(p, (size_t)(q - p), &cf->rule[cf->nrule]) != 0) {
			thads_curfew_free(cf);
			return thads_seterr(err, THADS_EDATA, NULL, 0,
			    "bad curfew window '%.*s' (want '[DAYS ]HH:MM-"
			    "HH:MM', e.g. 'mon-fri 22:00-06:00')",
			    (int)(q - p > 60 ? 60 : q - p), p);
		}
		cf->nrule++;
		if (*q == '\0')
			break;
		p = q + 1;
	}
	*out = cf;
	return 0;
}

void
thads_curfew_free(struct thads_curfew *cf)
{
	if (cf == NULL)
		return;
	free(cf->rule);
	free(cf->w);
	free(cf);
}

/* Switch the process to time zone tz; the old TZ goes into saved. */
static void
tz_push(const char *tz, char *saved, size_t size, int *had)
{
	const char *old = getenv("TZ");

	*had = old != NULL;
	snprintf(saved, size, "%s", old ? old : "");
	if (tz != NULL) {
		setenv("TZ", tz, 1);
		tzset();
	}
}

static void
tz_pop(const char *tz, const char *saved, int had)
{
	if (tz == NULL)
		return;
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
}

/* Local midnight of day (days since 1970) plus min minutes, in UTC s. */
static int64_t
local_at(int64_t day, int min)
{
	struct tm tm;
	int y, m, d;

	thads_civil_from_days(day, &y, &m, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
win_cmp(const void *a, const void *b)
{
	const struct win *x = a, *y = b;

	return x->open < y->open ? -1 : x->open > y->open;
}

/* Fill the cache for the week of local days starting the day of t. */
static int
fill(struct thads_curfew *cf, const char *tz, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)(t / 1000);
	int64_t day, dd;
	size_t i, need = (CACHE_DAYS + 9) * cf->nrule;
	struct win *w;

	if (need > cf->wcap) {
		if ((w = realloc(cf->w, need * sizeof(*w))) == NULL)
			return THADS_ENOMEM;
		cf->w = w;
		cf->wcap = need;
	}
	localtime_r(&tt, &tm);
	day = thads_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
	cf->nw = 0;
	for (dd = day - 1; dd <= day + CACHE_DAYS + 7; dd++) {
		/* 1970-01-01 was a Thursday (4). */
		int wd = (int)(((dd % 7) + 7 + 4) % 7);

		for (i = 0; i < cf->nrule; i++) {
			if (!(cf->rule[i].days & (1U << wd)))
				continue;
			w = &cf->w[cf->nw++];
			w->open = local_at(dd, cf->rule[i].start) * 1000;
			w->close = local_at(cf->rule[i].end <=
			    cf->rule[i].start ? dd + 1 : dd,
			    cf->rule[i].end) * 1000;
		}
	}
	qsort(cf->w, cf->nw, sizeof(*cf->w), win_cmp);
	cf->lo = local_at(day, 0) * 1000;
	cf->hi = local_at(day + CACHE_DAYS, 0) * 1000;
	snprintf(cf->tz, sizeof(cf->tz), "%s", tz ? tz : "");
	return 0;
}

int
thads_curfew_window(struct thads_curfew *cf, const char *tz, int64_t t,
    int64_t *open, int64_t *close)
{
	char saved[256];
	size_t i;
	int had, rc = 0;

	if (cf->nw == 0 || t < cf->lo || t >= cf->hi ||
	    strcmp(cf->tz, tz ? tz : "") != 0) {
		tz_push(tz, saved, sizeof(saved), &had);
		rc = fill(cf, tz, t);
		tz_pop(tz, saved, had);
		if (rc != 0)
			return rc;
	}
	for (i = 0; i < cf->nw; i++)
		if (cf->w[i].close > t) {
			*open = cf->w[i].open;
			*close = cf->w[i].close;
			return 0;
		}
	return THADS_EDATA;
}

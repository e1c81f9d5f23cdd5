/*
 * nmea.c: the NMEA 0183 decoder (nmea.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geotime.h"
#include "nmea.h"

#define DAY_MS		86400000LL
#define HALF_DAY_MS	43200000LL
#define MAXF		24	/* fields of a sentence we look at */

/* A fix being put together, or waiting for its date. */
struct nfix {
	struct thads_fix f;
	int64_t	 tod;		/* ms after midnight UTC */
	int64_t	 day;		/* days since 1970, when dated */
};

struct thads_nmea {
	double	 hdop_m;
	int64_t	 fallback;	/* day of the first fix, or -1 */

	struct nfix cur;	/* the fix of the current second */
	int	 have;		/* cur holds a position */
	int	 havetod;	/* cur.tod is set (even with no position) */
	double	 hdop;		/* of cur, NAN when no GGA */

	int	 dated;		/* day and lasttod are known */
	int64_t	 day;		/* the day of lasttod */
	int64_t	 lasttod;

	struct nfix *wait;	/* fixes read before any date */
	size_t	 nwait, waitcap;
	long	 waitdrop;	/* beyond THADS_NMEA_BACKFILL */

	struct thads_fix *q;	/* complete fixes, a FIFO */
	size_t	 qhead, qlen, qcap;
};

int
thads_nmea_new(const char *date, double hdop_m, struct thads_nmea **out,
    struct thads_err *err)
{
	struct thads_nmea *n;
	int y, m, d;

	*out = NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	n->hdop_m = hdop_m > 0 ? hdop_m : THADS_HDOP_M;
	n->fallback = -1;
	n->hdop = NAN;
	if (date != NULL) {
		if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
		    strlen(date) != 10 || m < 1 || m > 12 || d < 1 ||
		    d > 31) {
			free(n);
			return thads_seterr(err, THADS_EUSAGE, NULL, 0,
			    "bad NMEA date '%s' (YYYY-MM-DD)", date);
		}
		n->fallback = thads_days_from_civil(y, m, d);
	}
	*out = n;
	return 0;
}

void
thads_nmea_free(struct thads_nmea *n)
{
	if (n == NULL)
		return;
	free(n->wait);
	free(n->q);
	free(n);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
thads_nmea_checksum(const char *s, const char **body, size_t *bodylen)
{
	const char *star;
	unsigned sum = 0;
	int hi, lo;

	if (*s != '$' && *s != '!')
		return 0;
	if ((star = strchr(s, '*')) == NULL)
		return 0;
	*body = s + 1;
	*bodylen = (size_t)(star - s - 1);
	for (s++; s < star; s++)
		sum ^= (unsigned char)*s;
	if ((hi = hexval(star[1])) < 0 || (lo = hexval(star[2])) < 0)
		return 0;
	return (unsigned)(hi * 16 + lo) == sum && (star[3] == '\0' ||
	    star[3] == ' ' || star[3] == '\t');
}

/* Split the body at commas into f (copied into buf). */
static int
split(const char *body, size_t len, char *buf, size_t bufsize, char **f)
{
	int n = 0;
	size_t i;

	if (len >= bufsize)
		return 0;
	memcpy(buf, body, len);
	buf[len] = '\0';
	f[n++] = buf;
	for (i = 0; i < len && n < MAXF; i++)
		if (buf[i] == ',') {
			buf[i] = '\0';
			f[n++] = buf + i + 1;
		}
	return n;
}

/* "hhmmss[.sss]" to ms after midnight, or -1. */
static int64_t
tod_of(const char *s)
{
	int64_t ms = 0;
	int i, v[3], frac = 0, k;

	for (i = 0; i < 3; i++) {
		if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
			return -1;
		v[i] = (s[0] - '0') * 10 + (s[1] - '0');
		s += 2;
	}
	if (*s == '.')
		for (s++, k = 0; *s >= '0' && *s <= '9'; s++, k++)
			if (k < 3)
				frac += (*s - '0') * (k == 0 ? 100 : k == 1 ?
				    10 : 1);
	if (*s != '\0' || v[0] > 23 || v[1] > 59 || v[2] > 60)
		return -1;
	ms = ((int64_t)v[0] * 3600 + v[1] * 60 + (v[2] > 59 ? 59 : v[2])) *
	    1000 + frac;
	return ms;
}

/* "ddmm.mmmm" (or "dddmm.mmmm") and a hemisphere, to degrees. */
static int
coord(const char *s, const char *hemi, double max, double *out)
{
	char *end;
	double v = strtod(s, &end), deg;

	if (end == s || *end != '\0' || v < 0)
		return -1;
	deg = floor(v / 100);
	if (v - deg * 100 >= 60)
		return -1;
	v = deg + (v - deg * 100) / 60;
	if (hemi[0] == 'S' || hemi[0] == 'W')
		v = -v;
	else if (hemi[0] != 'N' && hemi[0] != 'E')
		return -1;
	if (hemi[1] != '\0' || fabs(v) > max)
		return -1;
	*out = v;
	return 0;
}

static int
push_q(struct thads_nmea *n, const struct thads_fix *f)
{
	struct thads_fix *q;
	size_t cap, i;

	if (n->qhead > 0 && n->qhead == n->qlen) {
		n->qhead = n->qlen = 0;
	}
	if (n->qlen == n->qcap) {
		if (n->qhead > 0) {
			for (i = n->qhead; i < n->qlen; i++)
				n->q[i - n->qhead] = n->q[i];
			n->qlen -= n->qhead;
			n->qhead = 0;
		} else {
			cap = n->qcap ? 2 * n->qcap : 64;
			if ((q = realloc(n->q, cap * sizeof(*q))) == NULL)
				return THADS_ENOMEM;
			n->q = q;
			n->qcap = cap;
		}
	}
	n->q[n->qlen++] = *f;
	return 0;
}

int
thads_nmea_pop(struct thads_nmea *n, struct thads_fix *f)
{
	if (n->qhead == n->qlen)
		return 0;
	*f = n->q[n->qhead++];
	return 1;
}

/* Move the current day along to tod, over midnight either way. */
static void
advance(struct thads_nmea *n, int64_t tod)
{
	if (tod < n->lasttod - HALF_DAY_MS)
		n->day++;
	else if (tod > n->lasttod + HALF_DAY_MS)
		n->day--;
	n->lasttod = tod;
}

static int
emit(struct thads_nmea *n, struct nfix *x)
{
	x->f.t = x->day * DAY_MS + x->tod;
	return push_q(n, &x->f);
}

/* The fixes waiting, dated backwards from day at tod. */
static int
backfill(struct thads_nmea *n, int64_t day, int64_t tod)
{
	size_t i;
	int rc;

	for (i = n->nwait; i-- > 0; ) {
		if (n->wait[i].tod > tod + HALF_DAY_MS)
			day--;
		else if (n->wait[i].tod < tod - HALF_DAY_MS)
			day++;
		n->wait[i].day = day;
		tod = n->wait[i].tod;
	}
	for (i = 0; i < n->nwait; i++)
		if ((rc = emit(n, &n->wait[i])) != 0)
			return rc;
	n->nwait = 0;
	return 0;
}

/* A date is known for the sentence at tod: day. */
static int
learn_date(struct thads_nmea *n, int64_t day, int64_t tod)
{
	n->dated = 1;
	n->day = day;
	n->lasttod = tod;
	if (n->nwait > 0)
		return backfill(n, day, tod);
	return 0;
}

/* The fix of the current second is complete: date it or let it wait. */
static int
finish(struct thads_nmea *n)
{
	struct nfix *w;
	size_t cap;

	if (!n->have) {
		n->havetod = 0;
		return 0;
	}
	n->have = n->havetod = 0;
	n->cur.f.acc = isnan(n->hdop) ? NAN : n->hdop * n->hdop_m;
	n->hdop = NAN;
	if (n->dated) {
		advance(n, n->cur.tod);
		n->cur.day = n->day;
		return emit(n, &n->cur);
	}
	if (n->nwait >= THADS_NMEA_BACKFILL) {
		n->waitdrop++;
		return 0;
	}
	if (n->nwait == n->waitcap) {
		cap = n->waitcap ? 2 * n->waitcap : 256;
		if ((w = realloc(n->wait, cap * sizeof(*w))) == NULL)
			return THADS_ENOMEM;
		n->wait = w;
		n->waitcap = cap;
	}
	n->wait[n->nwait++] = n->cur;
	return 0;
}

/* A sentence of time tod starts: a new second closes the last fix. */
static int
at_time(struct thads_nmea *n, int64_t tod, long line)
{
	int rc = 0;

	if (n->havetod && tod != n->cur.tod)
		rc = finish(n);
	if (!n->havetod) {
		memset(&n->cur, 0, sizeof(n->cur));
		n->cur.tod = tod;
		n->cur.f.battery = -1;
		n->cur.f.tamper = -1;
		n->cur.f.line = line;
		n->havetod = 1;
	}
	return rc;
}

static int
bad(struct thads_err *err, long line, const char *what, const char *type)
{
	thads_seterr(err, THADS_EDATA, NULL, line, "%s %s sentence: skipped",
	    what, type);
	return 1;
}

static int
rmc(struct thads_nmea *n, char **f, int nf, long line,
    struct thads_err *err)
{
	int64_t tod = nf > 1 ? tod_of(f[1]) : -1;
	int d, m, y, rc;
	double lat, lon;

	if (nf < 10 || tod < 0)
		return bad(err, line, "malformed", "RMC");
	if ((rc = at_time(n, tod, line)) != 0)
		return rc;
	if (strlen(f[9]) == 6 && sscanf(f[9], "%2d%2d%2d", &d, &m, &y) == 3 &&
	    m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
	    (rc = learn_date(n, thads_days_from_civil(y < 80 ? 2000 + y :
	    1900 + y, m, d), tod)) != 0)
		return rc;
	if (strcmp(f[2], "A") != 0)
		return bad(err, line, "no fix in", "RMC (status V)");
	if (coord(f[3], f[4], 90, &lat) || coord(f[5], f[6], 180, &lon))
		return bad(err, line, "bad position in", "RMC");
	if (!n->have) {
		n->cur.f.lat = lat;
		n->cur.f.lon = lon;
		n->have = 1;
	}
	return 0;
}

static int
gga(struct thads_nmea *n, char **f, int nf, long line,
    struct thads_err *err)
{
	int64_t tod = nf > 1 ? tod_of(f[1]) : -1;
	double lat, lon, hdop;
	char *end;
	int rc;

	if (nf < 9 || tod < 0)
		return bad(err, line, "malformed", "GGA");
	if ((rc = at_time(n, tod, line)) != 0)
		return rc;
	if (strcmp(f[6], "0") == 0 || f[6][0] == '\0')
		return bad(err, line, "no fix in", "GGA (quality 0)");
	if (coord(f[2], f[3], 90, &lat) || coord(f[4], f[5], 180, &lon))
		return bad(err, line, "bad position in", "GGA");
	hdop = strtod(f[8], &end);
	if (end != f[8] && *end == '\0' && hdop > 0 && hdop < 100)
		n->hdop = hdop;
	if (!n->have) {
		n->cur.f.lat = lat;
		n->cur.f.lon = lon;
		n->have = 1;
	}
	return 0;
}

static int
zda(struct thads_nmea *n, char **f, int nf, long line,
    struct thads_err *err)
{
	int64_t tod = nf > 1 ? tod_of(f[1]) : -1;
	int d, m, y, rc;

	if (nf < 5 || tod < 0 || sscanf(f[2], "%2d", &d) != 1 ||
	    sscanf(f[3], "%2d", &m) != 1 || sscanf(f[4], "%4d", &y) != 1 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || y < 1980)
		return bad(err, line, "malformed", "ZDA");
	if ((rc = at_time(n, tod, line)) != 0)
		return rc;
	return learn_date(n, thads_days_from_civil(y, m, d), tod);
}

int
thads_nmea_line(struct thads_nmea *n, const char *line, long lineno,
    struct thads_err *err)
{
	char buf[512], *f[MAXF];
	const char *body, *s = line;
	size_t len;
	int nf;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return 0;
	if (*s != '$' && *s != '!')
		return thads_seterr(err, THADS_EDATA, NULL, lineno, "not an NMEA "
		    "sentence: skipped"), 1;
	if (!thads_nmea_checksum(s, &body, &len))
		return thads_seterr(err, THADS_EDATA, NULL, lineno, "bad or "
		    "missing checksum: sentence skipped"), 1;
	if ((nf = split(body, len, buf, sizeof(buf), f)) < 1 ||
	    strlen(f[0]) != 5)
		return 0;
	if (strcmp(f[0] + 2, "RMC") == 0)
		return rmc(n, f, nf, lineno, err);
	if (strcmp(f[0] + 2, "GGA") == 0)
		return gga(n, f, nf, lineno, err);
	if (strcmp(f[0] + 2, "ZDA") == 0)
		return zda(n, f, nf, lineno, err);
	return 0;
}

long
thads_nmea_end(struct thads_nmea *n, struct thads_err *err)
{
	long dropped = n->waitdrop;
	int rc;

	if ((rc = finish(n)) != 0)
		return rc;
	if (n->nwait > 0 && n->fallback >= 0) {
		/* Date forward from the first fix. */
		n->dated = 1;
		n->day = n->fallback;
		n->lasttod = n->wait[0].tod;
		for (size_t i = 0; i < n->nwait; i++) {
			advance(n, n->wait[i].tod);
			n->wait[i].day = n->day;
			if ((rc = emit(n, &n->wait[i])) != 0)
				return rc;
		}
		n->nwait = 0;
	}
	dropped += (long)n->nwait;
	if (dropped > 0)
		thads_seterr(err, THADS_EDATA, NULL, 0, "%ld NMEA fix%s "
		    "without a date (no RMC or ZDA sentence): skipped; give "
		    "the date of the first fix", dropped,
		    dropped == 1 ? "" : "es");
	n->nwait = 0;
	n->waitdrop = 0;
	return dropped;
}

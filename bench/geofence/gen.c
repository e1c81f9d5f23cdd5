/*
 * gen: write a reproducible electronic-monitoring workload for the
 * geofence benchmark, into a directory:
 *
 *	persons.csv	P persons, for thads-import (person.id)
 *	zones.wkt	one to three zones per person, 20 to 200 vertices:
 *			a home ward (inclusion), for some a banned area
 *			(exclusion, with a buffer), for some a home for a
 *			curfew (22:00-06:00)
 *	zones.geojson	the same zones, for Turf.js
 *	assign.csv	person,zone: who is bound by what
 *	fixes.csv	N fixes, all persons interleaved in time order, one
 *			a minute each: id,time,lat,lon,accuracy,battery,tamper
 *
 *	gen DIR N [P [SEED]]
 *
 * Persons live around Hanoi.  Each walks about inside their ward, and
 * now and then goes out of it for a while, so that the run raises
 * events as a real one would; GPS noise is added to every fix.  The
 * same arguments give the same bytes on every machine.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_SEED	20261203
#define T0		1714521600LL	/* 2024-05-01T00:00:00Z */
#define KY		111195.0	/* metres per degree of latitude */

struct person {
	double	 clat, clon;	/* ward centre */
	double	 r;		/* ward radius, m */
	double	 x, y;		/* position, m from the centre */
	double	 hx, hy;	/* home */
	int	 away;		/* minutes left of an excursion */
	double	 ax, ay;	/* where the excursion goes */
	int	 battery;
};

/* xorshift64*: small, fast and the same on every machine. */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static double
uni(uint64_t *s)
{
	return (double)(next(s) >> 11) / 9007199254740992.0;
}

static double
gauss(uint64_t *s)
{
	double u = uni(s) + 1e-12, v = uni(s);

	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

static double
kx(double lat)
{
	return KY * cos(lat * M_PI / 180);
}

/* A star-shaped ring of n vertices of mean radius r around (lat, lon). */
static void
ring(FILE *wkt, FILE *gj, uint64_t *s, double lat, double lon, double r,
    int n)
{
	double a, rr, x, y, fx, fy;
	double ph1 = uni(s) * 6.28, ph2 = uni(s) * 6.28;
	int i;

	for (i = 0; i <= n; i++) {
		a = 2 * M_PI * (i % n) / n;
		rr = r * (1 + 0.15 * sin(3 * a + ph1) + 0.08 * sin(7 * a +
		    ph2));
		x = lon + rr * cos(a) / kx(lat);
		y = lat + rr * sin(a) / KY;
		if (i == 0) {
			fx = x;
			fy = y;
		}
		if (i == n) {
			x = fx;
			y = fy;
		}
		fprintf(wkt, "%s%.7f %.7f", i ? ", " : "", x, y);
		fprintf(gj, "%s[%.7f,%.7f]", i ? "," : "", x, y);
	}
}

static void
zone(FILE *wkt, FILE *gj, FILE *as, uint64_t *s, int p, const char *pre,
    double lat, double lon, double r, const char *extra, int *firstgj)
{
	const char *kind = pre[0] == 'w' ? "inclusion" : pre[0] == 'b' ?
	    "exclusion" : "curfew";
	int n = 20 + (int)(uni(s) * 181);

	fprintf(wkt, "%s-P%05d\tPOLYGON((", pre, p);
	fprintf(gj, "%s{\"type\":\"Feature\",\"properties\":{\"name\":"
	    "\"%s-P%05d\",\"person\":\"P%05d\",\"kind\":\"%s\"},\"geometry\":"
	    "{\"type\":\"Polygon\",\"coordinates\":[[", *firstgj ? "" : ",\n",
	    pre, p, p, kind);
	ring(wkt, gj, s, lat, lon, r, n);
	fprintf(wkt, "))\tkind=%s%s\n", kind, extra);
	fprintf(gj, "]]}}");
	fprintf(as, "P%05d,%s-P%05d\n", p, pre, p);
	*firstgj = 0;
}

static FILE *
open_in(const char *dir, const char *name)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	return fp;
}

/* One minute of a person's life, and its fix. */
static void
step(FILE *fx, uint64_t *s, struct person *q, int p, long long t)
{
	double tx, ty, d, noise, acc;
	char ts[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (q->away == 0 && uni(s) < 1.0 / 600) {
		q->away = 20 + (int)(uni(s) * 60);
		d = q->r * (1.3 + uni(s));
		q->ax = d * cos(uni(s) * 6.28);
		q->ay = d * sin(uni(s) * 6.28);
	}
	tx = q->away ? q->ax : q->hx + gauss(s) * q->r * 0.2;
	ty = q->away ? q->ay : q->hy + gauss(s) * q->r * 0.2;
	if (q->away)
		q->away--;
	d = hypot(tx - q->x, ty - q->y);
	if (d > 80) {
		q->x += (tx - q->x) / d * 80;
		q->y += (ty - q->y) / d * 80;
	}
	acc = 5 + uni(s) * 25;
	noise = acc / 2;
	if (uni(s) < 0.002)
		q->battery = 100;
	else if (q->battery > 3 && uni(s) < 0.1)
		q->battery--;
	gmtime_r(&tt, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(fx, "P%05d,%s,%.7f,%.7f,%.1f,%d,0\n", p, ts,
	    q->clat + (q->y + gauss(s) * noise) / KY,
	    q->clon + (q->x + gauss(s) * noise) / kx(q->clat), acc,
	    q->battery);
}

int
main(int argc, char **argv)
{
	const char *dir;
	long long n, i, pcount = 10000;
	uint64_t s = DEFAULT_SEED;
	struct person *q;
	FILE *pf, *wkt, *gj, *as, *fx;
	int p, firstgj = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: gen DIR N [PERSONS [SEED]]\n");
		return 64;
	}
	dir = argv[1];
	n = atoll(argv[2]);
	if (argc > 3)
		pcount = atoll(argv[3]);
	if (argc > 4)
		s = strtoull(argv[4], NULL, 10) | 1;
	if (pcount < 1 || (q = calloc((size_t)pcount, sizeof(*q))) == NULL)
		return 1;
	pf = open_in(dir, "persons.csv");
	wkt = open_in(dir, "zones.wkt");
	gj = open_in(dir, "zones.geojson");
	as = open_in(dir, "assign.csv");
	fx = open_in(dir, "fixes.csv");
	fprintf(pf, "person.id\n");
	fprintf(as, "person,zone\n");
	fprintf(gj, "{\"type\":\"FeatureCollection\",\"features\":[\n");
	fprintf(fx, "id,time,lat,lon,accuracy,battery,tamper\n");
	for (p = 0; p < pcount; p++) {
		struct person *r = &q[p];
		double a;

		r->clat = 20.95 + uni(&s) * 0.12;
		r->clon = 105.75 + uni(&s) * 0.15;
		r->r = 800 + uni(&s) * 1500;
		r->hx = gauss(&s) * r->r * 0.3;
		r->hy = gauss(&s) * r->r * 0.3;
		r->x = r->hx;
		r->y = r->hy;
		r->battery = 60 + (int)(uni(&s) * 40);
		fprintf(pf, "P%05d\n", p);
		zone(wkt, gj, as, &s, p, "ward", r->clat, r->clon, r->r, "",
		    &firstgj);
		if (uni(&s) < 0.6) {
			a = uni(&s) * 6.28;
			zone(wkt, gj, as, &s, p, "banned", r->clat +
			    1.6 * r->r * sin(a) / KY, r->clon + 1.6 * r->r *
			    cos(a) / kx(r->clat), 150 + uni(&s) * 250,
			    "\tbuffer=50", &firstgj);
		}
		if (uni(&s) < 0.4)
			zone(wkt, gj, as, &s, p, "home", r->clat + r->hy / KY,
			    r->clon + r->hx / kx(r->clat), 60 + uni(&s) * 60,
			    "\tschedule=22:00-06:00", &firstgj);
	}
	fprintf(gj, "\n]}\n");
	for (i = 0; i < n; i++) {
		p = (int)(i % pcount);
		step(fx, &s, &q[p], p, T0 + (i / pcount) * 60 + p % 60);
	}
	fclose(pf);
	fclose(wkt);
	fclose(gj);
	fclose(as);
	if (fclose(fx) != 0) {
		perror("fixes.csv");
		return 1;
	}
	free(q);
	return 0;
}

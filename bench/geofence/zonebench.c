/*
 * zonebench: zone tests in memory, the figure the issue asks for
 * (2,000,000 a second per core).  Reads the workload of gen (zones.wkt,
 * assign.csv, fixes.csv) from DIR, compiles the zones with libthads
 * (GEOS prepared geometries), and pairs each of the first N fixes with
 * every zone of its person: the same tests the check run makes, and the
 * peers make.  Then it times, on the CPU clock:
 *
 *	contain	thads_zone_locate() without distance: inside or not, the
 *		tests in the order of the fixes (every test meets a zone
 *		that was not used for ten thousand tests: cold caches)
 *	grouped	the same tests grouped by zone, as a check run meets them
 *		when it processes a person's reorder window at once
 *	dist	thads_zone_locate() with the exact distance to the boundary
 *
 *	zonebench DIR [N]
 *
 * and prints the tests, the seconds and the rate, and how many were
 * inside (to compare with the peers' counts).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "geozone.h"

struct test {
	double	 lon, lat;
	int	 zone;
};

static double
cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096], *b;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    (b = malloc((size_t)n + 1)) == NULL ||
	    fread(b, 1, (size_t)n, fp) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

/* Zones of person p ("P%05d"): the zone index list from assign.csv. */
struct pz {
	int	 z[3];
	int	 n;
};

static int
zone_index(struct thads_zone **z, size_t n, const char *name)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {	/* zones are sorted by name */
		size_t mid = (lo + hi) / 2;
		int c = strcmp(z[mid]->name, name);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
by_zone(const void *a, const void *b)
{
	return ((const struct test *)a)->zone - ((const struct test *)b)->zone;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp((*(struct thads_zone *const *)a)->name,
	    (*(struct thads_zone *const *)b)->name);
}

int
main(int argc, char **argv)
{
	struct thads_geo *geo;
	struct thads_zdef *defs, dflt;
	struct thads_zone **z;
	struct thads_zloc loc;
	struct thads_err err;
	struct test *t;
	struct pz *pz;
	size_t nz, len, i, nt = 0, max, in;
	long want = argc > 2 ? atol(argv[2]) : 1000000, nf = 0;
	char *text, *line, *nl, id[16];
	double t0, t1, lat, lon;
	int p, k;

	if (argc < 2) {
		fprintf(stderr, "usage: zonebench DIR [N]\n");
		return 64;
	}
	memset(&dflt, 0, sizeof(dflt));
	if (thads_geo_new(&geo, &err) != 0)
		return 1;
	text = slurp(argv[1], "zones.wkt", &len);
	t0 = cpu();
	if (thads_zdefs_read(geo, "wkt", text, len, "zones.wkt", &dflt, NULL,
	    &defs, &nz, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	z = calloc(nz, sizeof(*z));
	for (i = 0; i < nz; i++)
		if (thads_zone_compile(geo, &defs[i], &z[i], &err) != 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	t1 = cpu();
	printf("zones\t%zu compiled in %.2f s\n", nz, t1 - t0);
	qsort(z, nz, sizeof(*z), by_name);
	free(text);

	text = slurp(argv[1], "assign.csv", &len);
	pz = calloc(100000, sizeof(*pz));
	for (line = strchr(text, '\n') + 1; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		p = (int)strtol(line + 1, NULL, 10);
		if (p >= 0 && p < 100000 && pz[p].n < 3)
			pz[p].z[pz[p].n++] = zone_index(z, nz,
			    strchr(line, ',') + 1);
	}
	free(text);

	text = slurp(argv[1], "fixes.csv", &len);
	max = (size_t)want * 3;
	t = malloc(max * sizeof(*t));
	for (line = strchr(text, '\n') + 1; *line && nf < want;
	    line = nl + 1) {
		nl = strchr(line, '\n');
		*nl = '\0';
		if (sscanf(line, "%15[^,],%*[^,],%lf,%lf", id, &lat, &lon) !=
		    3)
			continue;
		p = (int)strtol(id + 1, NULL, 10);
		for (k = 0; k < pz[p].n; k++) {
			t[nt].lon = lon;
			t[nt].lat = lat;
			t[nt++].zone = pz[p].z[k];
		}
		nf++;
	}
	free(text);

	/* GEOS builds a prepared geometry's index on its first use: a
	 * first pass, not timed as tests. */
	t0 = cpu();
	for (i = 0; i < nt; i++)
		thads_zone_locate(geo, z[t[i].zone], t[i].lon, t[i].lat, -1,
		    &loc);
	t1 = cpu();
	printf("first\t%zu tests, building the indexes, %.2f s\n", nt,
	    t1 - t0);
	in = 0;
	t0 = cpu();
	for (i = 0; i < nt; i++) {
		thads_zone_locate(geo, z[t[i].zone], t[i].lon, t[i].lat, -1,
		    &loc);
		in += loc.inside;
	}
	t1 = cpu();
	printf("contain\t%zu tests (%ld fixes), %zu inside, %.2f s, %.0f "
	    "tests/s\n", nt, nf, in, t1 - t0, nt / (t1 - t0));
	qsort(t, nt, sizeof(*t), by_zone);
	in = 0;
	t0 = cpu();
	for (i = 0; i < nt; i++) {
		thads_zone_locate(geo, z[t[i].zone], t[i].lon, t[i].lat, -1,
		    &loc);
		in += loc.inside;
	}
	t1 = cpu();
	printf("grouped\t%zu tests, %zu inside, %.2f s, %.0f tests/s\n", nt,
	    in, t1 - t0, nt / (t1 - t0));
	t0 = cpu();
	for (i = 0; i < nt; i++)
		thads_zone_locate(geo, z[t[i].zone], t[i].lon, t[i].lat,
		    INFINITY, &loc);
	t1 = cpu();
	printf("dist\t%zu tests, %.2f s, %.0f tests/s\n", nt, t1 - t0,
	    nt / (t1 - t0));
	for (i = 0; i < nz; i++)
		thads_zone_free(geo, z[i]);
	thads_zdefs_free(defs, nz);
	free(z);
	free(t);
	free(pz);
	thads_geo_free(geo);
	return 0;
}

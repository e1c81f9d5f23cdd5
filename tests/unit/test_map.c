/*
 * test_map.c: mapping files (lib/map.c).
 *
 * Run from the top of the tree, or set THADS_SRCDIR to it.  The test of
 * the whole NYC file is skipped when the shared data directory is not
 * there (THADS_RECORDS overrides its place).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "thads.h"
#include "csv.h"
#include "map.h"
#include "record.h"

#define NYC_MAP		"mappings/nyc-doc-daily.map"
#define VARIANT		"testdata/maps/nyc-variant-20200301.csv"
#define RECORDS		"/work/shared/data/records"
#define NYC_FILE	"nyc-doc-dic-20190101-foil.csv"
#define DAILY		"DOC_Inmates_InCustody_Daily_20190101.csv"

/* The header of the FOIL file, as it is in the file. */
static const char nyc_header[] =
    "\"INMATEID\",\"ADMITTED_DT\",\"DISCHARGED_DT\",\"CUSTODY_LEVEL\","
    "\"BRADH\",\"RACE\",\"GENDER\",\"AGE\",\"INMATE_STATUS_CODE\","
    "\"SEALED\",\"SRG_FLG\",\"TOP_CHARGE\",\"INFRACTION\"";

/* A row split into fields, as the CSV reader would hand it over. */
struct trow {
	struct thads_row row;
	char	*f[64];
	size_t	 len[64];
	char	 buf[16384];
};

/*
 * Split line at delim.  Enough CSV for these tests: a field either has
 * no quotes or is quoted as a whole, with "" for a quote inside.
 */
static void
split(struct trow *t, const char *line, int delim, long lineno)
{
	const char *s = line;
	char *w = t->buf;
	size_t n = 0;

	for (;;) {
		t->f[n] = w;
		if (*s == '"') {
			for (s++; *s != '\0'; s++) {
				if (*s == '"' && s[1] != '"')
					break;
				if (*s == '"')
					s++;
				*w++ = *s;
			}
			if (*s == '"')
				s++;
		} else
			while (*s != '\0' && *s != delim && *s != '\n')
				*w++ = *s++;
		t->len[n] = (size_t)(w - t->f[n]);
		*w++ = '\0';
		n++;
		if (*s != delim)
			break;
		s++;
	}
	t->row.n = n;
	t->row.f = t->f;
	t->row.len = t->len;
	t->row.line = lineno;
	t->row.end_line = lineno;
}

/* The path of a file of the source tree. */
static const char *
src(const char *rel)
{
	static char path[4][1024];
	static int k;
	const char *dir = getenv("THADS_SRCDIR");

	if (rel[0] == '/')
		return rel;
	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir ? dir : ".", rel);
	return path[k];
}

static const char *
records(void)
{
	const char *dir = getenv("THADS_RECORDS");

	return dir ? dir : RECORDS;
}

/* The number of the first line of path that starts with prefix. */
static long
line_of(const char *path, const char *prefix)
{
	char buf[1024];
	long n = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		n++;
		if (strncmp(buf, prefix, strlen(prefix)) == 0) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	fail_msg("no line starting '%s' in %s", prefix, path);
	return 0;
}

/* Line n of path, without its newline, into buf. */
static void
read_line(const char *path, long n, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	long i;

	assert_non_null(f);
	for (i = 0; i < n; i++)
		assert_non_null(fgets(buf, (int)size, f));
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
}

#define assert_has(hay, needle) do {					\
	if (strstr((hay), (needle)) == NULL)				\
		fail_msg("'%s' does not contain '%s'", (hay), (needle)); \
} while (0)

static const char *
extra(const struct thads_rec *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nextra; i++)
		if (strcmp(r->extra[i].key, key) == 0)
			return r->extra[i].val;
	return NULL;
}

static void
rec_done(struct thads_rec *r)
{
	thads_rec_clear(r);
	free(r->extra);
	memset(r, 0, sizeof(*r));
}

/* Every field of r not in the list of present ones is absent. */
static void
only(const struct thads_rec *r, const int *present, size_t n)
{
	size_t i;
	int f;

	for (f = 0; f < F_COUNT; f++) {
		for (i = 0; i < n && present[i] != f; i++)
			continue;
		if (i == n && r->v[f] != NULL)
			fail_msg("%s unexpectedly '%s'", thads_field(f)->name,
			    r->v[f]);
	}
}

static struct thads_map *
load_ok(const char *rel)
{
	struct thads_map *m = NULL;
	struct thads_err err;
	int rc;

	rc = thads_map_load(src(rel), &m, &err);
	if (rc != 0)
		fail_msg("%s:%ld: %s", err.file, err.line, err.msg);
	assert_non_null(m);
	return m;
}

static void
bind_ok(struct thads_map *m, const struct thads_row *h, const char *input)
{
	struct thads_err err;

	if (thads_map_bind(m, h, input, &err) != 0)
		fail_msg("%s:%ld: %s", err.file, err.line, err.msg);
}

/* Apply one line to m, expecting success. */
static void
apply_ok(struct thads_map *m, const char *line, int delim, const char *in,
    struct thads_rec *rec)
{
	struct thads_err err;
	struct trow t;

	split(&t, line, delim, 7);
	memset(rec, 0, sizeof(*rec));
	if (thads_map_apply(m, &t.row, in, rec, &err) != 0)
		fail_msg("%s:%ld: %s", err.file, err.line, err.msg);
}

/* Apply one line to m, expecting THADS_EDATA with a message. */
static void
apply_bad(struct thads_map *m, const char *line, int delim, const char *in,
    const char *msg)
{
	struct thads_err err;
	struct thads_rec rec;
	struct trow t;

	split(&t, line, delim, 42);
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(thads_map_apply(m, &t.row, in, &rec, &err),
	    THADS_EDATA);
	assert_int_equal(err.code, THADS_EDATA);
	assert_string_equal(err.file, in);
	assert_int_equal(err.line, 42);
	assert_has(err.msg, msg);
	only(&rec, NULL, 0);
	assert_int_equal(rec.nextra, 0);
	rec_done(&rec);
}

/* Load the NYC map and bind it to the FOIL header. */
static struct thads_map *
nyc(void)
{
	struct thads_map *m = load_ok(NYC_MAP);
	struct trow h;

	split(&h, nyc_header, ',', 1);
	bind_ok(m, &h.row, DAILY);
	return m;
}

/* Applying an unbound map is a usage error. */
static void
apply_usage(struct thads_map *m)
{
	struct thads_err err;
	struct thads_rec r;
	struct trow t;

	split(&t, "a,b", ',', 2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(thads_map_apply(m, &t.row, "x", &r, &err),
	    THADS_EUSAGE);
}

/* map-1.1: the shipped mapping loads, with its [source] settings. */
static void
test_nyc_load(void **state)
{
	struct thads_map *m = load_ok(NYC_MAP);

	(void)state;
	assert_int_equal(thads_map_delim(m), ',');
	assert_int_equal(thads_map_header(m), 1);
	assert_int_equal(thads_map_skip(m), 0);
	thads_map_free(m);
}

/* map-1.2: the first row of the FOIL file, every field. */
static void
test_nyc_row(void **state)
{
	static const int present[] = {
		F_PERSON_ID, F_PERSON_AGE, F_PERSON_AGE_ON, F_PERSON_SEX,
		F_PERSON_RACE, F_EP_FACILITY, F_EP_ADMITTED, F_EP_STATUS,
		F_EP_LEVEL
	};
	struct thads_map *m = nyc();
	struct thads_rec r;

	(void)state;
	apply_ok(m, "\"20152012\",\"2017-09-17 21:38:47\",\"\",\"MED \","
	    "\"N\",\"O \",\"M \",\"47\",\"DE\",\"N\",\"N\",\"110-130.35\","
	    "\"N\"", ',', DAILY, &r);
	assert_string_equal(r.file, DAILY);
	assert_int_equal(r.line, 7);
	assert_string_equal(r.v[F_PERSON_ID], "20152012");
	assert_string_equal(r.v[F_PERSON_AGE], "47");
	assert_string_equal(r.v[F_PERSON_AGE_ON], "2019-01-01");
	assert_string_equal(r.v[F_PERSON_SEX], "male");
	assert_string_equal(r.v[F_PERSON_RACE], "O");
	assert_string_equal(r.v[F_EP_FACILITY], "NYC-DOC");
	assert_string_equal(r.v[F_EP_ADMITTED], "2017-09-17 21:38:47");
	assert_string_equal(r.v[F_EP_STATUS], "pretrial_detention");
	assert_string_equal(r.v[F_EP_LEVEL], "medium");
	only(&r, present, sizeof(present) / sizeof(present[0]));
	assert_int_equal(r.nextra, 6);
	assert_string_equal(extra(&r, "inmate_status_code"), "DE");
	assert_string_equal(extra(&r, "bradh"), "N");
	assert_string_equal(extra(&r, "sealed"), "N");
	assert_string_equal(extra(&r, "srg_flg"), "N");
	assert_string_equal(extra(&r, "infraction"), "N");
	assert_string_equal(extra(&r, "top_charge"), "110-130.35");
	rec_done(&r);
	thads_map_free(m);
}

/* map-1.3: empty cells are absent; other codes of the maps. */
static void
test_nyc_codes(void **state)
{
	struct thads_map *m = nyc();
	struct thads_rec r;

	(void)state;
	apply_ok(m, "\"20088799\",\"2012-10-27 19:23:00\",\"\",\"\",\"N\","
	    "\"\",\"F \",\"23\",\"CS\",\"N\",\"Y\",\"\",\"Y\"", ',', DAILY,
	    &r);
	assert_null(r.v[F_EP_LEVEL]);
	assert_null(r.v[F_PERSON_RACE]);
	assert_null(r.v[F_EP_RELEASED]);
	assert_null(extra(&r, "top_charge"));
	assert_string_equal(r.v[F_PERSON_SEX], "female");
	assert_string_equal(r.v[F_EP_STATUS], "serving");
	assert_string_equal(extra(&r, "inmate_status_code"), "CS");
	assert_string_equal(extra(&r, "srg_flg"), "Y");
	rec_done(&r);

	apply_ok(m, "\"8545\",\"1991-11-22 10:54:23\",\"2019-01-01 08:00:00\","
	    "\"MAX \",\"N\",\"W \",\"X \",\"66\",\"DPV\",\"N\",\"N\","
	    "\"VTL 509\",\"N\"", ',', DAILY, &r);
	assert_string_equal(r.v[F_EP_LEVEL], "maximum");
	assert_string_equal(r.v[F_EP_RELEASED], "2019-01-01 08:00:00");
	assert_string_equal(r.v[F_PERSON_SEX], "unknown");
	assert_string_equal(r.v[F_EP_STATUS], "pretrial_detention");
	assert_string_equal(extra(&r, "top_charge"), "VTL 509");
	rec_done(&r);
	thads_map_free(m);
}

/* map-1.4: the later layout loads unchanged through the same mapping. */
static void
test_nyc_variant(void **state)
{
	static const char in[] = "DOC_Inmates_InCustody_Daily_20200315.csv";
	struct thads_map *m = load_ok(NYC_MAP);
	struct thads_rec r;
	struct trow h;
	char line[1024];

	(void)state;
	read_line(src(VARIANT), 1, line, sizeof(line));
	split(&h, line, ',', 1);
	bind_ok(m, &h.row, in);

	read_line(src(VARIANT), 2, line, sizeof(line));
	apply_ok(m, line, ',', in, &r);
	assert_string_equal(r.v[F_PERSON_ID], "900101");
	assert_string_equal(r.v[F_EP_ADMITTED], "2019-11-04 13:22:05");
	assert_string_equal(r.v[F_PERSON_AGE], "47");
	assert_string_equal(r.v[F_PERSON_AGE_ON], "2020-03-15");
	assert_string_equal(r.v[F_PERSON_SEX], "male");
	assert_string_equal(r.v[F_PERSON_RACE], "B");
	assert_string_equal(r.v[F_EP_FACILITY], "NYC-DOC");
	assert_string_equal(r.v[F_EP_STATUS], "pretrial_detention");
	assert_string_equal(r.v[F_EP_LEVEL], "medium");
	assert_null(r.v[F_EP_RELEASED]);
	assert_string_equal(extra(&r, "top_charge"), "125.25");
	assert_int_equal(r.nextra, 6);
	rec_done(&r);

	read_line(src(VARIANT), 3, line, sizeof(line));
	apply_ok(m, line, ',', in, &r);
	assert_null(r.v[F_EP_LEVEL]);
	assert_null(extra(&r, "top_charge"));
	assert_string_equal(r.v[F_PERSON_SEX], "female");
	assert_string_equal(r.v[F_PERSON_AGE], "23");
	assert_string_equal(r.v[F_EP_STATUS], "pretrial_detention");
	rec_done(&r);

	/* 29 February 2020 is a real day. */
	read_line(src(VARIANT), 5, line, sizeof(line));
	apply_ok(m, line, ',', in, &r);
	assert_string_equal(r.v[F_EP_ADMITTED], "2020-02-29 00:00:00");
	assert_string_equal(r.v[F_EP_STATUS], "serving");
	rec_done(&r);
	thads_map_free(m);
}

/* map-1.5: @filedate needs a date in the input's name. */
static void
test_nyc_no_filedate(void **state)
{
	struct thads_map *m = load_ok(NYC_MAP);
	struct thads_err err;
	struct trow h;
	char line[1024];

	(void)state;
	read_line(src(VARIANT), 1, line, sizeof(line));
	split(&h, line, ',', 1);
	assert_int_equal(thads_map_bind(m, &h.row, "nyc-variant.csv", &err),
	    THADS_ECONFIG);
	assert_string_equal(err.file, src(NYC_MAP));
	assert_int_equal(err.line, line_of(src(NYC_MAP), "person.age_on"));
	assert_has(err.msg, "person.age_on");
	assert_has(err.msg, "nyc-variant.csv");
	thads_map_free(m);
}

/* map-1.6: every row of the real FOIL file maps and validates. */
static void
test_nyc_whole_file(void **state)
{
	struct thads_map *m;
	struct thads_err err;
	struct thads_rec r;
	struct trow t;
	char path[1024], line[2048];
	long n = 0, status[2] = { 0, 0 };
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", records(), NYC_FILE);
	if ((f = fopen(path, "r")) == NULL)
		skip();
	m = load_ok(NYC_MAP);
	assert_non_null(fgets(line, sizeof(line), f));
	split(&t, line, ',', 1);
	bind_ok(m, &t.row, path);
	while (fgets(line, sizeof(line), f) != NULL) {
		split(&t, line, ',', ++n + 1);
		memset(&r, 0, sizeof(r));
		if (thads_map_apply(m, &t.row, path, &r, &err) != 0 ||
		    thads_rec_validate(&r, "2019-01-02", &err) != 0)
			fail_msg("%s:%ld: %s", err.file, err.line, err.msg);
		assert_string_equal(r.v[F_PERSON_AGE_ON], "2019-01-01");
		status[strcmp(r.v[F_EP_STATUS], "serving") == 0]++;
		rec_done(&r);
	}
	fclose(f);
	assert_int_equal(n, 7843);
	/* DE, DEP, DPV and DNS against CS, CSP, SSR and SCO. */
	assert_int_equal(status[0], 5366 + 911 + 594 + 37);
	assert_int_equal(status[1], 836 + 33 + 56 + 10);
	thads_map_free(m);
}

/* map-1.7: the open-data export's 12-hour dates. */
static void
test_nyc_ampm(void **state)
{
	struct thads_map *m = nyc();
	struct thads_rec r;

	(void)state;
	apply_ok(m, "1,01/05/2019 01:02:03 PM,12/31/2018 12:00:00 AM,MIN,N,B,"
	    "M,30.00,SCO,N,N,1,N", ',', DAILY, &r);
	assert_string_equal(r.v[F_EP_ADMITTED], "2019-01-05 13:02:03");
	assert_string_equal(r.v[F_EP_RELEASED], "2018-12-31 00:00:00");
	assert_string_equal(r.v[F_PERSON_AGE], "30");
	rec_done(&r);
	apply_ok(m, "1,2019-01-05T12:30:00.12345678901234567890,,MIN,N,B,M,"
	    "030,SCO,N,N,1,N", ',', DAILY, &r);
	assert_string_equal(r.v[F_EP_ADMITTED], "2019-01-05 12:30:00");
	assert_string_equal(r.v[F_PERSON_AGE], "30");
	rec_done(&r);
	apply_ok(m, "1,01/05/2019 12:59:00 pm,,MIN,N,B,M,0,SCO,N,N,1,N", ',',
	    DAILY, &r);
	assert_string_equal(r.v[F_EP_ADMITTED], "2019-01-05 12:59:00");
	assert_string_equal(r.v[F_PERSON_AGE], "0");
	rec_done(&r);
	thads_map_free(m);
}

/* Load rel expecting THADS_ECONFIG at line with msg in the message. */
static void
load_bad(const char *path, long line, const char *msg)
{
	struct thads_map *m = (struct thads_map *)1;
	struct thads_err err;

	assert_int_equal(thads_map_load(path, &m, &err), THADS_ECONFIG);
	assert_null(m);
	assert_int_equal(err.code, THADS_ECONFIG);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	assert_has(err.msg, msg);
}

/* map-2.1 to map-2.5: the bad mappings of testdata/maps. */
static void
test_bad_files(void **state)
{
	(void)state;
	/* map-2.1 */
	load_bad(src("testdata/maps/bad-unknown-field.map"), 5,
	    "unknown field 'person.shoe_size'");
	/* map-2.2 */
	load_bad(src("testdata/maps/bad-missing-map.map"), 6,
	    "person.sex: no section [map gender]");
	/* map-2.3 */
	load_bad(src("testdata/maps/bad-syntax.map"), 4,
	    "expected 'key = value'");
	/* map-2.4 */
	load_bad(src("testdata/maps/bad-date-format.map"), 4,
	    "date format '%d.%m.%Y %Z': unknown conversion");
	/* map-2.5 */
	load_bad(src("testdata/maps/bad-duplicate-field.map"), 5,
	    "field 'person.id' mapped twice (first at line 3)");
}

/* map-2.6: a required column missing from the header. */
static void
test_missing_column(void **state)
{
	struct thads_map *m = load_ok(NYC_MAP);
	struct thads_err err;
	struct trow h;

	(void)state;
	split(&h, "INMATEID,ADMIT_DATE,CUSTODY_LEVEL,RACE,GENDER,AGE,"
	    "INMATE_STATUS_CODE", ',', 1);
	assert_int_equal(thads_map_bind(m, &h.row, "in_20190101.csv", &err),
	    THADS_ECONFIG);
	assert_string_equal(err.file, src(NYC_MAP));
	assert_int_equal(err.line, line_of(src(NYC_MAP), "episode.admitted"));
	assert_has(err.msg, "episode.admitted: column 'ADMITTED_DT' not in "
	    "the header of 'in_20190101.csv'");

	/* Alternatives are all named. */
	split(&h, "ID,ADMITTED_DT,CUSTODY_LEVEL,RACE,GENDER,AGE,"
	    "INMATE_STATUS_CODE", ',', 1);
	assert_int_equal(thads_map_bind(m, &h.row, "in_20190101.csv", &err),
	    THADS_ECONFIG);
	assert_has(err.msg, "column 'INMATEID' (or 'inmate_id') not in");

	/* An unbound map cannot be applied. */
	apply_usage(m);
	thads_map_free(m);
}

/* Write len bytes to a new temporary file; returns its malloc'd path. */
static char *
temp_mapn(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_map.XXXXXX");
	FILE *f;
	int fd;

	assert_non_null(path);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

static char *
temp_map(const char *text)
{
	return temp_mapn(text, strlen(text));
}

static void
bad_text(const char *text, long line, const char *msg)
{
	char *path = temp_map(text);

	load_bad(path, line, msg);
	unlink(path);
	free(path);
}

/* map-2.7: more configuration errors, each with its line. */
static void
test_bad_texts(void **state)
{
	(void)state;
	bad_text("[fields]\nperson.id = ID\n[sauce]\n", 3,
	    "unknown section [sauce]");
	bad_text("person.id = ID\n", 1, "'person.id' outside a section");
	bad_text("[source]\ndelimiter = ab\n[fields]\nperson.id = ID\n", 2,
	    "bad delimiter 'ab'");
	bad_text("[source]\nheader = maybe\n", 2, "header: expected yes");
	bad_text("[source]\nskip = -1\n", 2, "skip: not a row count");
	bad_text("[source]\ncolour = red\n", 2, "unknown key 'colour'");
	bad_text("[fields]\nepisode.facility = \"NYC\n", 2,
	    "unterminated quote");
	bad_text("[fields]\nepisode.facility = \"NYC\" x\n", 2,
	    "text after a closing quote");
	bad_text("[fields]\nperson.id = ID\n[map a]\nX = 1\n\nX = 2\n", 6,
	    "key 'X' given twice in [map a]");
	bad_text("[fields]\nperson.id = ID\n[map a]\n* = 1\n* = 2\n", 5,
	    "'*' given twice");
	bad_text("[fields]\nperson.id = ID\n[map a]\n[map a]\n", 4,
	    "section [map a] given twice (first at line 3)");
	bad_text("[fields]\n[fields]\n", 2, "section [fields] given twice");
	bad_text("[source]\nheader = no\n[fields]\nperson.id = ID\n", 4,
	    "column names need header = yes");
	bad_text("[source]\nheader = no\n[fields]\nperson.id = $1, $2\n", 4,
	    "alternatives need header = yes");
	bad_text("[fields]\nperson.id = $0\n", 2, "bad column number '$0'");
	bad_text("[fields]\nperson.id = ID | shout\n", 2,
	    "unknown step 'shout'");
	bad_text("[fields]\nperson.id = ID | int 3\n", 2,
	    "'int' takes no argument");
	bad_text("[fields]\nperson.id = ID | map\n", 2, "map needs a map name");
	bad_text("[fields]\nperson.id = @today\n", 2, "unknown source");
	bad_text("[fields]\nperson.id =\n", 2, "no source given");
	bad_text("[fields]\nperson.id = A, ,B\n", 2, "bad column name");
	bad_text("[fields]\nextra.a-b = A\n", 2, "bad extra name 'extra.a-b'");
	bad_text("[fields]\nperson.id = A | date %Y-%m\n", 2,
	    "needs a year, a month and a day");
	bad_text("[fields]\nperson.id = A | date %Y-%m-%d %I:%M\n", 2,
	    "%I and %p go together");
	bad_text("[fields]\nperson.id = A | date %Y-%m-%d;;%d.%m.%Y\n", 2,
	    "empty date format");
	bad_text("[fields]\nperson.id = A | date %Y-%m-%d-%d\n", 2,
	    "a conversion appears twice");
	bad_text("[fields]\nperson.id = A\n[map x y]\n", 3,
	    "bad map name 'x y'");
	bad_text("[fields]\nperson.id = A\n[map]\n", 3,
	    "unknown section [map]");
	bad_text("[fields]\n[bad\n", 2, "without ']'");
	bad_text("# nothing\n[source]\n", 0, "no fields mapped");
	bad_text("[fields]\n= A\n", 2, "no key before '='");
	bad_text("[fields]\nperson.name = \"\xc3\x28\"\n", 2,
	    "not valid UTF-8");
}

/* map-2.8: a mapping file that cannot be read. */
static void
test_no_file(void **state)
{
	struct thads_map *m = (struct thads_map *)1;
	struct thads_err err;

	(void)state;
	assert_int_equal(thads_map_load("/nonexistent/x.map", &m, &err),
	    THADS_ENOINPUT);
	assert_null(m);
	assert_string_equal(err.file, "/nonexistent/x.map");
	assert_has(err.msg, "cannot open mapping");
}

/* map-3.1: a value outside a map without '*'. */
static void
test_unmapped(void **state)
{
	struct thads_map *m = nyc();

	(void)state;
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,30,XYZ,N,N,1,N", ',',
	    DAILY, "episode.status: value 'XYZ' not in map status");
	apply_bad(m, "1,2019-01-01 00:00:00,,min,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "episode.custody_level: value 'min' not in map level");
	thads_map_free(m);
}

/* map-3.2: a date matching none of the formats. */
static void
test_bad_date(void **state)
{
	struct thads_map *m = nyc();

	(void)state;
	apply_bad(m, "1,yesterday,,MIN,N,B,M,30,DE,N,N,1,N", ',', DAILY,
	    "episode.admitted: date does not match 'yesterday' (formats "
	    "tried: '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S.%f', "
	    "'%Y-%m-%dT%H:%M:%S', '%m/%d/%Y %I:%M:%S %p')");
	apply_bad(m, "1,2019-01-01,,MIN,N,B,M,30,DE,N,N,1,N", ',', DAILY,
	    "date does not match '2019-01-01'");
	apply_bad(m, "1,2019-01-01 10:00:00x,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "date does not match");
	apply_bad(m, "1,2019-01-01T10:00:00.,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "date does not match");
	thads_map_free(m);
}

/* map-3.3: dates that match a format but do not exist. */
static void
test_unreal_date(void **state)
{
	struct thads_map *m = nyc();

	(void)state;
	apply_bad(m, "1,2019-02-30 10:00:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "episode.admitted: not a real date '2019-02-30 10:00:00'");
	apply_bad(m, "1,2019-02-29 10:00:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,1900-02-29 10:00:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,2019-04-31 10:00:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,2019-13-01 10:00:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,2019-01-01 24:00:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,2019-01-01 23:60:00,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,01/01/2019 13:00:00 PM,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	apply_bad(m, "1,01/01/2019 00:10:00 AM,,MIN,N,B,M,30,DE,N,N,1,N", ',',
	    DAILY, "not a real date");
	thads_map_free(m);
}

/* map-3.4: ragged rows. */
static void
test_ragged(void **state)
{
	struct thads_map *m = nyc();

	(void)state;
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,30,DE,N,N,1", ',',
	    DAILY, "row has 12 fields, header has 13");
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,30,DE,N,N,1,N,", ',',
	    DAILY, "row has 14 fields, header has 13");
	thads_map_free(m);
}

/* map-3.5: a blank line is skipped, not a row. */
static void
test_blank(void **state)
{
	struct thads_map *m = nyc();
	struct thads_err err;
	struct thads_rec r;
	struct trow t;

	(void)state;
	split(&t, "", ',', 9);
	memset(&r, 0, sizeof(r));
	assert_int_equal(thads_map_apply(m, &t.row, DAILY, &r, &err), 1);
	only(&r, NULL, 0);
	assert_int_equal(r.nextra, 0);
	thads_map_free(m);
}

/* map-3.6: the int step. */
static void
test_int(void **state)
{
	struct thads_map *m = nyc();

	(void)state;
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,47.5,DE,N,N,1,N", ',',
	    DAILY, "person.age: not a whole number '47.5'");
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,4 7,DE,N,N,1,N", ',',
	    DAILY, "not a whole number '4 7'");
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,.0,DE,N,N,1,N", ',',
	    DAILY, "not a whole number '.0'");
	apply_bad(m, "1,2019-01-01 00:00:00,,MIN,N,B,M,-,DE,N,N,1,N", ',',
	    DAILY, "not a whole number '-'");
	thads_map_free(m);
}

static void
int_is(struct thads_map *m, const char *age, const char *want)
{
	char line[200];
	struct thads_rec r;

	snprintf(line, sizeof(line),
	    "1,2019-01-01 00:00:00,,MIN,N,B,M,%s,DE,N,N,1,N", age);
	apply_ok(m, line, ',', DAILY, &r);
	assert_string_equal(r.v[F_PERSON_AGE], want);
	rec_done(&r);
}

/* map-3.7: whole numbers in their forms. */
static void
test_int_forms(void **state)
{
	struct thads_map *m = nyc();

	(void)state;
	int_is(m, "47", "47");
	int_is(m, "47.0", "47");
	int_is(m, "47.00", "47");
	int_is(m, "47.", "47");
	int_is(m, "0047", "47");
	int_is(m, "0.000", "0");
	int_is(m, "-3.0", "-3");
	int_is(m, "-003", "-3");
	int_is(m, "-0.0", "0");
	thads_map_free(m);
}

/* map-4.1: the interchange CSV, cells verbatim. */
static void
test_identity(void **state)
{
	struct thads_map *m;
	struct thads_err err;
	struct thads_rec r;
	struct trow h;

	(void)state;
	assert_int_equal(thads_map_identity(&m, &err), 0);
	assert_int_equal(thads_map_delim(m), ',');
	assert_int_equal(thads_map_header(m), 1);
	assert_int_equal(thads_map_skip(m), 0);
	apply_usage(m);
	split(&h, "\xef\xbb\xbfperson.id,episode.admitted,extra.note,"
	    "person.sex", ',', 1);
	bind_ok(m, &h.row, "x.csv");
	apply_ok(m, " A1 ,2019-01-01,  kept  ,", ',', "x.csv", &r);
	assert_string_equal(r.v[F_PERSON_ID], " A1 ");
	assert_string_equal(r.v[F_EP_ADMITTED], "2019-01-01");
	assert_null(r.v[F_PERSON_SEX]);
	assert_int_equal(r.nextra, 1);
	assert_string_equal(extra(&r, "note"), "  kept  ");
	rec_done(&r);
	apply_bad(m, "A1,2019-01-01", ',', "x.csv",
	    "row has 2 fields, header has 4");

	/* map-4.4: bound again to another file, it takes the new header. */
	split(&h, "person.name", ',', 1);
	bind_ok(m, &h.row, "y.csv");
	apply_ok(m, "Nguyen Van A", ',', "y.csv", &r);
	assert_string_equal(r.v[F_PERSON_NAME], "Nguyen Van A");
	assert_null(r.v[F_PERSON_ID]);
	rec_done(&r);

	/* map-4.5: the interchange CSV always has a header. */
	assert_int_equal(thads_map_bind(m, NULL, "z.csv", &err),
	    THADS_EUSAGE);
	thads_map_free(m);
}

static void
identity_bad(const char *header, const char *msg)
{
	struct thads_map *m;
	struct thads_err err;
	struct trow h;

	assert_int_equal(thads_map_identity(&m, &err), 0);
	split(&h, header, ',', 1);
	assert_int_equal(thads_map_bind(m, &h.row, "x.csv", &err),
	    THADS_EDATA);
	assert_string_equal(err.file, "x.csv");
	assert_int_equal(err.line, 1);
	assert_has(err.msg, msg);
	apply_usage(m);
	thads_map_free(m);
}

/* map-4.2, map-4.3: unknown and duplicate interchange columns. */
static void
test_identity_bad(void **state)
{
	(void)state;
	identity_bad("person.id,person.foo", "unknown column 'person.foo' "
	    "(column 2)");
	identity_bad("person.id,PERSON.NAME", "unknown column 'PERSON.NAME'");
	identity_bad("person.id, person.name", "unknown column ' person.name'");
	identity_bad("person.id,extra.", "unknown column 'extra.'");
	identity_bad("person.id,extra.a,person.id",
	    "duplicate column 'person.id' (columns 1 and 3)");
	identity_bad("extra.a,extra.a", "duplicate column 'extra.a' "
	    "(columns 1 and 2)");
}

static void
filedate_is(struct thads_map *m, const char *input, const char *want)
{
	struct thads_rec r;

	bind_ok(m, NULL, input);
	apply_ok(m, "x", ',', input, &r);
	if (want == NULL)
		assert_null(r.v[F_PERSON_AGE_ON]);
	else
		assert_string_equal(r.v[F_PERSON_AGE_ON], want);
	rec_done(&r);
}

/* map-5.1: the date in the input file's name. */
static void
test_filedate(void **state)
{
	char *path = temp_map("[source]\nheader = no\n[fields]\n"
	    "person.id = $1\nperson.age_on = @filedate?\n");
	struct thads_map *m = load_ok(path);

	(void)state;
	filedate_is(m, DAILY, "2019-01-01");
	filedate_is(m, RECORDS "/" NYC_FILE, "2019-01-01");
	filedate_is(m, "dir_20200101-20201231/x_20190305.csv", "2019-03-05");
	filedate_is(m, "export-2021-07-04.csv", "2021-07-04");
	filedate_is(m, "x_20190230_20190301.csv", "2019-03-01");
	filedate_is(m, "20200229", "2020-02-29");
	filedate_is(m, "123456789.csv", NULL);
	filedate_is(m, "x_18991231.csv", NULL);
	filedate_is(m, "x_2019-1-01.csv", NULL);
	filedate_is(m, "-", NULL);
	thads_map_free(m);
	unlink(path);
	free(path);
}

/* map-6.1: header = no, $N, chained steps, quoted constants. */
static void
test_headerless(void **state)
{
	struct thads_map *m = load_ok("testdata/maps/headerless.map");
	struct thads_rec r;

	(void)state;
	assert_int_equal(thads_map_delim(m), '|');
	assert_int_equal(thads_map_header(m), 0);
	assert_int_equal(thads_map_skip(m), 2);
	bind_ok(m, NULL, "h.txt");
	apply_ok(m, "ab12|Nguyen Van A|M|05 Mar 1990|pre trial|a note", '|',
	    "h.txt", &r);
	assert_string_equal(r.v[F_PERSON_ID], "AB12");
	assert_string_equal(r.v[F_PERSON_NAME], "Nguyen Van A");
	assert_string_equal(r.v[F_PERSON_SEX], "male");
	assert_string_equal(r.v[F_PERSON_BIRTH], "1990-03-05");
	assert_string_equal(r.v[F_EP_FACILITY], "BAD # HASH | PIPE");
	assert_string_equal(r.v[F_EP_STATUS], "pretrial_detention");
	assert_string_equal(extra(&r, "note"), "a note");
	rec_done(&r);

	/* The optional $6 may be missing; the map may empty a field. */
	apply_ok(m, "x|y|f|05/03/68|gone", '|', "h.txt", &r);
	assert_string_equal(r.v[F_PERSON_SEX], "female");
	assert_string_equal(r.v[F_PERSON_BIRTH], "2068-03-05");
	assert_null(r.v[F_EP_STATUS]);
	assert_int_equal(r.nextra, 0);
	rec_done(&r);
	apply_ok(m, "x|y|F|31/12/69|Serving|", '|', "h.txt", &r);
	assert_string_equal(r.v[F_PERSON_BIRTH], "1969-12-31");
	assert_string_equal(r.v[F_EP_STATUS], "serving");
	assert_int_equal(r.nextra, 0);
	rec_done(&r);
	apply_ok(m, "x|y|F|1 jUN 2001|Serving|", '|', "h.txt", &r);
	assert_string_equal(r.v[F_PERSON_BIRTH], "2001-06-01");
	rec_done(&r);

	/* trim = no: " m" is not "m". */
	apply_bad(m, "x|y| m|05/03/68|gone", '|', "h.txt",
	    "person.sex: value ' m' not in map sex");
	apply_bad(m, "x|y|m|05/03/68", '|', "h.txt",
	    "row has 4 fields, the mapping needs 5");
	apply_bad(m, "x|y|m|31 Feb 1990|gone", '|', "h.txt",
	    "person.birth_date: not a real date '31 Feb 1990'");
	apply_bad(m, "x|y|m|31 Fev 1990|gone", '|', "h.txt",
	    "person.birth_date: date does not match '31 Fev 1990'");
	thads_map_free(m);
}

/* map-6.2: a value too long for upper is refused, not cut. */
static void
test_long_value(void **state)
{
	struct thads_map *m = load_ok("testdata/maps/headerless.map");
	static char line[8000];

	(void)state;
	bind_ok(m, NULL, "h.txt");
	memset(line, 'a', 5000);
	memcpy(line + 5000, "|y|m|05/03/68|gone", 19);
	apply_bad(m, line, '|', "h.txt", "person.id: value too long");
	thads_map_free(m);
}

/* map-6.3: quoting, BOM, header lookups and the rarer settings. */
static void
test_odds(void **state)
{
	char *path = temp_map("\xef\xbb\xbf# BOM first\r\n[source]\r\n"
	    "delimiter = \";\"\r\ntrim = yes\r\n[fields]\r\n"
	    "person.id = $2 | lower\r\nperson.name = Name\r\n"
	    "person.birth_date = born | date %d%%%m%%%Y ; %Y%m%d\r\n"
	    "episode.facility = \"say \\\"hi\\\" \\\\o/\"\r\n"
	    "extra.n = missing?, $9?\r\n");
	struct thads_map *m = load_ok(path);
	struct thads_err err;
	struct thads_rec r;
	struct trow h;

	(void)state;
	assert_int_equal(thads_map_delim(m), ';');
	split(&h, " NAME ;ID;BORN", ';', 1);
	bind_ok(m, &h.row, "in.csv");
	apply_ok(m, "\t Tran Thi B ; AB ;05%03%1990", ';', "in.csv", &r);
	assert_string_equal(r.v[F_PERSON_NAME], "Tran Thi B");
	assert_string_equal(r.v[F_PERSON_ID], "ab");
	assert_string_equal(r.v[F_PERSON_BIRTH], "1990-03-05");
	assert_string_equal(r.v[F_EP_FACILITY], "say \"hi\" \\o/");
	assert_int_equal(r.nextra, 0);
	rec_done(&r);

	/* A column the mapping uses may not appear twice. */
	split(&h, "name;ID;Name;born", ';', 3);
	assert_int_equal(thads_map_bind(m, &h.row, "in.csv", &err),
	    THADS_EDATA);
	assert_int_equal(err.line, 3);
	assert_has(err.msg, "column 'Name' appears twice in the header "
	    "(columns 1 and 3)");
	thads_map_free(m);
	unlink(path);
	free(path);
}

/* map-2.9: the remaining configuration errors. */
static void
test_bad_rare(void **state)
{
	static const char nul[] =
	    "[fields]\nperson.id = A\nperson.name = B\0C\n";
	char *path;

	(void)state;
	bad_text("[source]\n[source]\n", 2, "section [source] given twice");
	bad_text("[source]\nheader = \"no\"x\n", 2, "text after a closing");
	bad_text("[fields]\nperson.id = A\n[map a]\n\"\" = x\n", 4,
	    "empty key in [map a]");
	bad_text("[fields]\nperson.id = A\n[map a]\n\"x\"y = x\n", 4,
	    "text after a closing quote");
	bad_text("[fields]\nperson.id = A | date %Y%y-%m-%d\n", 2,
	    "a date part appears twice");
	bad_text("[fields]\nperson.id = A | date %Y-%m-%d %M\n", 2,
	    "minutes or seconds without an hour");
	bad_text("[fields]\nperson.id = \"A\" B\n", 2,
	    "text after a closing quote");

	path = temp_mapn(nul, sizeof(nul) - 1);
	load_bad(path, 3, "NUL byte in the line");
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nyc_load),
		cmocka_unit_test(test_nyc_row),
		cmocka_unit_test(test_nyc_codes),
		cmocka_unit_test(test_nyc_variant),
		cmocka_unit_test(test_nyc_no_filedate),
		cmocka_unit_test(test_nyc_whole_file),
		cmocka_unit_test(test_nyc_ampm),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_bad_texts),
		cmocka_unit_test(test_no_file),
		cmocka_unit_test(test_unmapped),
		cmocka_unit_test(test_bad_date),
		cmocka_unit_test(test_unreal_date),
		cmocka_unit_test(test_ragged),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_int_forms),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_identity_bad),
		cmocka_unit_test(test_filedate),
		cmocka_unit_test(test_headerless),
		cmocka_unit_test(test_long_value),
		cmocka_unit_test(test_odds),
		cmocka_unit_test(test_bad_rare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * gen: fill a THADS database for the report benchmark.
 *
 *	gen DB [PERSONS [SEED]]
 *
 * DB must hold the schema already (thads-admin init) and no rows.  Each
 * person gets 1 to 5 custody episodes (every block of five consecutive
 * persons gets 1, 2, 3, 4 and 5 in some order, so 1,000,000 persons give
 * exactly 3,000,000 custody episodes), grouped in stays: a temporary
 * hold, a pre-trial detention, a detention followed by a transfer to a
 * prison, or a prison term alone.  A transfer ends one episode and
 * starts the next on the same day, in another facility.  About one
 * person in ten is still held on 2025-06-30, the day the benchmark asks
 * about; about one in seven also has a community sentence, with
 * violations for some.  Serving episodes carry a judgment, quarterly
 * classifications for 2024-2025 and some reductions.
 *
 * The rows go in through the SQLite API in one transaction, with the
 * journal and syncing off: the file is a scratch copy.  The same
 * PERSONS and SEED give the same database on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define DEFAULT_SEED	20261203
#define AS_OF		20269	/* 2025-06-30, days since 1970-01-01 */
#define FIRST_DAY	13879	/* 2008-01-01 */
#define NFAC		40
#define NWARD		100
#define STAMP		"2025-06-30T00:00:00Z"

static uint64_t rng;

/* xorshift64*: small, fast and the same on every machine. */
static uint64_t
next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static int
pick(int n)
{
	return (int)(next() % (uint64_t)n);
}

static int
between(int lo, int hi)
{
	return lo + pick(hi - lo + 1);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void
civil(int z, char *buf, size_t size)
{
	int era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(buf, size, "%04d-%02d-%02d", y + (m <= 2), m, d);
}

static sqlite3 *db;
static sqlite3_stmt *st_person, *st_ep, *st_jud, *st_cl, *st_red, *st_vi;

static void
die(const char *what)
{
	fprintf(stderr, "gen: %s: %s\n", what, sqlite3_errmsg(db));
	exit(70);
}

static void
run(sqlite3_stmt *st)
{
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void
text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static const char *const articles[] = {
	"123", "134", "168", "171", "173", "173", "173", "174", "178", "249",
	"250", "251", "251", "255", "260", "318", "321", "330", "353", "354"
};
static const char *const levels[] = { "minimum", "medium", "maximum" };
static const char *const served[] = {
	"sentence_served", "sentence_served", "sentence_served",
	"sentence_served", "sentence_served", "sentence_served",
	"reduction", "reduction", "conditional_release", "conditional_release",
	"amnesty", "death", "escape", "other"
};
static const char *const pretrial[] = {
	"acquitted", "charges_dropped", "bail", "bail", "measure_changed",
	"other"
};
static const char *const hold_end[] = {
	"charges_dropped", "measure_changed", "bail", "other"
};
static const char *const results[] = {
	"good", "good", "fair", "fair", "fair", "average", "average", "poor"
};
static const char *const community[] = {
	"suspended_sentence", "suspended_sentence", "non_custodial_reform",
	"conditional_release", "probation"
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static void
facilities(void)
{
	char code[16], name[64], ward[64], sql[512];
	int i;

	for (i = 0; i < NFAC + NWARD; i++) {
		if (i < NFAC) {
			snprintf(code, sizeof(code), "%s%02d", i < 20 ? "P" :
			    i < 35 ? "DC" : "TC", i + 1);
			snprintf(name, sizeof(name), "Facility %d", i + 1);
			snprintf(ward, sizeof(ward), "District %d", i % 12);
		} else {
			snprintf(code, sizeof(code), "W%03d", i - NFAC + 1);
			snprintf(name, sizeof(name), "Ward %d", i - NFAC + 1);
			snprintf(ward, sizeof(ward), "Ward %d", i - NFAC + 1);
		}
		snprintf(sql, sizeof(sql), "INSERT INTO facility (id, code, "
		    "name, kind, ward, created_at, updated_at) VALUES (%d, "
		    "'%s', '%s', '%s', '%s', '" STAMP "', '" STAMP "')",
		    i + 1, code, name, i < 20 ? "prison" : i < 35 ?
		    "detention_centre" : i < NFAC ? "temporary_custody_house" :
		    "commune", ward);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
			die("facility");
	}
}

struct ep {
	int	 status;	/* 0 hold, 1 detention, 2 serving */
	int	 len;		/* days */
	int	 gap;		/* days before it, when it starts a stay */
	int	 transfer;	/* continues the previous episode */
};

static const char *const stnames[] = {
	"temporary_custody", "pretrial_detention", "serving"
};

/* The custody episodes of one person: statuses, lengths and gaps. */
static void
plan(struct ep *e, int k)
{
	int i, kind;

	for (i = 0; i < k; i++) {
		e[i].transfer = i > 0 && e[i - 1].status != 2 &&
		    pick(10) < 4;
		if (e[i].transfer) {
			e[i].status = e[i - 1].status + 1;
			e[i].gap = 0;
		} else {
			kind = pick(20);
			e[i].status = kind < 3 ? 0 : kind < 12 ? 1 : 2;
			e[i].gap = between(30, 1500);
		}
		e[i].len = e[i].status == 0 ? between(1, 9) :
		    e[i].status == 1 ? between(30, 400) : between(120, 2500);
	}
}

static void
judgment(long pid, int n, int start, char *number, size_t size)
{
	char d[16];

	snprintf(number, size, "J%ld-%d", pid, n);
	civil(start - between(5, 60), d, sizeof(d));
	sqlite3_bind_int64(st_jud, 1, pid);
	text(st_jud, 2, number);
	text(st_jud, 3, d);
	text(st_jud, 4, articles[pick(N(articles))]);
	text(st_jud, 5, n < 0 ? "suspended" : "fixed_term");
	sqlite3_bind_int(st_jud, 6, between(0, 12));
	sqlite3_bind_int(st_jud, 7, between(0, 11));
	run(st_jud);
}

/* Quarterly results for 2024-2025 inside a serving episode. */
static void
classify(long pid, int from, int to)
{
	static const int qends[] = {	/* 25 Feb, May, Aug, Nov */
		19778, 19868, 19960, 20052, 20144, 20233
	};
	char d[16];
	size_t i;

	for (i = 0; i < N(qends); i++) {
		if (qends[i] < from + 30 || qends[i] > to || qends[i] > AS_OF)
			continue;
		civil(qends[i], d, sizeof(d));
		sqlite3_bind_int64(st_cl, 1, pid);
		text(st_cl, 2, d);
		text(st_cl, 3, results[pick(N(results))]);
		run(st_cl);
	}
}

/* A reduction on a round day (30 April, 2 September) now and then. */
static void
reduce(long pid, int from, int to, const char *jud)
{
	static const int rounds[] = {	/* 2020-2025 */
		18382, 18507, 18747, 18872, 19112, 19237, 19477, 19602,
		19843, 19968, 20208
	};
	char d[16];
	size_t i;

	for (i = 0; i < N(rounds); i++) {
		if (rounds[i] < from + 365 || rounds[i] > to || pick(4) != 0)
			continue;
		civil(rounds[i], d, sizeof(d));
		sqlite3_bind_int64(st_red, 1, pid);
		text(st_red, 2, d);
		sqlite3_bind_int(st_red, 3, between(1, 12));
		text(st_red, 4, jud);
		run(st_red);
	}
}

static void
episode(long pid, int fac, int status, int adm, int admsec, int rel,
    int relsec, const char *reason, const char *jud)
{
	char a[32], r[32];

	civil(adm, a, sizeof(a));
	snprintf(a + 10, sizeof(a) - 10, " %02d:%02d:00", admsec / 60,
	    admsec % 60);
	sqlite3_bind_int64(st_ep, 1, pid);
	sqlite3_bind_int(st_ep, 2, fac);
	text(st_ep, 3, status >= 0 ? stnames[status] : community[-status - 1]);
	text(st_ep, 4, a);
	if (rel >= 0) {
		civil(rel, r, sizeof(r));
		snprintf(r + 10, sizeof(r) - 10, " %02d:%02d:00",
		    relsec / 60, relsec % 60);
		text(st_ep, 5, r);
		text(st_ep, 6, reason);
	}
	text(st_ep, 7, status >= 0 ? levels[pick(N(levels))] : NULL);
	text(st_ep, 8, jud);
	run(st_ep);
}

static int
facility_for(int status)
{
	return status == 0 ? between(36, 40) : status == 1 ?
	    between(21, 35) : between(1, 20);
}

/* One person's custody episodes, community sentence and the rest. */
static void
person_rows(long pid, int k)
{
	struct ep e[5];
	char jud[48], *j;
	int i, span = 0, day, end, open, fac, sec, njud = 0, prevfac = 0;
	const char *reason;

	plan(e, k);
	for (i = 0; i < k; i++)
		span += e[i].len + e[i].gap;
	open = pick(10) == 0;
	end = open ? AS_OF + between(1, e[k - 1].len) :
	    AS_OF - between(0, 600);
	day = end - span;
	if (day < FIRST_DAY)
		day = FIRST_DAY + pick(200);
	for (i = 0; i < k; i++) {
		day += e[i].gap;
		fac = facility_for(e[i].status);
		if (e[i].transfer && fac == prevfac)
			fac = fac % 20 + 1;
		prevfac = fac;
		sec = e[i].transfer ? 14 * 60 : between(0, 24 * 60 - 1);
		j = NULL;
		if (e[i].status == 2) {
			judgment(pid, ++njud, day, jud, sizeof(jud));
			j = jud;
		}
		if (i == k - 1 && open && day + e[i].len > AS_OF) {
			episode(pid, fac, e[i].status, day, sec, -1, 0, NULL,
			    j);
			if (j != NULL) {
				classify(pid, day, AS_OF);
				reduce(pid, day, AS_OF, j);
			}
			return;
		}
		if (i + 1 < k && e[i + 1].transfer)
			reason = "transfer";
		else if (e[i].status == 0)
			reason = hold_end[pick(N(hold_end))];
		else if (e[i].status == 1)
			reason = pretrial[pick(N(pretrial))];
		else
			reason = served[pick(N(served))];
		episode(pid, fac, e[i].status, day, sec, day + e[i].len,
		    i + 1 < k && e[i + 1].transfer ? 8 * 60 : between(0, 1439),
		    reason, j);
		if (j != NULL) {
			classify(pid, day, day + e[i].len);
			reduce(pid, day, day + e[i].len, j);
		}
		day += e[i].len;
	}
	if (pick(7) == 0) {
		int st = pick(N(community)), len = between(180, 1800);
		int start = day + between(1, 200);
		char d[16];

		if (start > AS_OF)
			return;
		judgment(pid, -1 - st, start, jud, sizeof(jud));
		episode(pid, NFAC + between(1, NWARD), -st - 1, start, 600,
		    start + len <= AS_OF ? start + len : -1, 600,
		    pick(6) == 0 ? "other" : "sentence_served", jud);
		if (pick(5) == 0 && start + 30 <= AS_OF) {
			civil(start + 30, d, sizeof(d));
			sqlite3_bind_int64(st_vi, 1, pid);
			text(st_vi, 2, d);
			text(st_vi, 3, pick(2) ? "curfew" : "absent");
			run(st_vi);
		}
	}
}

static void
person(long pid)
{
	char ext[32], birth[16];

	snprintf(ext, sizeof(ext), "HS%08ld", pid);
	civil(between(-7305, 12784), birth, sizeof(birth));
	sqlite3_bind_int64(st_person, 1, pid);
	text(st_person, 2, ext);
	text(st_person, 3, birth);
	text(st_person, 4, pick(100) < 88 ? "male" : "female");
	run(st_person);
}

static void
prepare(void)
{
	static const char *const sql[] = {
		"INSERT INTO person (id, ext_id, birth_date, sex, created_at,"
		" updated_at) VALUES (?1, ?2, ?3, ?4, '" STAMP "', '" STAMP
		"')",
		"INSERT INTO episode (person_id, facility_id, status, admitted,"
		" released, release_reason, custody_level, judgment_number,"
		" created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, '" STAMP "', '" STAMP "')",
		"INSERT INTO judgment (person_id, number, date, article,"
		" sentence_type, term_years, term_months, created_at,"
		" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '" STAMP
		"', '" STAMP "')",
		"INSERT INTO classification (person_id, period, period_end,"
		" result, created_at, updated_at) VALUES (?1, 'quarter', ?2,"
		" ?3, '" STAMP "', '" STAMP "')",
		"INSERT INTO reduction (person_id, decision, date, months,"
		" judgment_number, created_at, updated_at) VALUES (?1, NULL,"
		" ?2, ?3, ?4, '" STAMP "', '" STAMP "')",
		"INSERT INTO violation (person_id, date, kind, created_at,"
		" updated_at) VALUES (?1, ?2, ?3, '" STAMP "', '" STAMP "')",
	};
	sqlite3_stmt **st[] = {
		&st_person, &st_ep, &st_jud, &st_cl, &st_red, &st_vi
	};
	size_t i;

	for (i = 0; i < N(sql); i++)
		if (sqlite3_prepare_v2(db, sql[i], -1, st[i], NULL) !=
		    SQLITE_OK)
			die("prepare");
}

int
main(int argc, char **argv)
{
	long n = 1000000, p, b;
	int order[5], i, j, t;

	if (argc < 2 || argc > 4 || (argc > 2 &&
	    (n = strtol(argv[2], NULL, 10)) <= 0) || n % 5 != 0) {
		fprintf(stderr, "usage: gen DB [PERSONS (a multiple of 5) "
		    "[SEED]]\n");
		return 64;
	}
	rng = argc > 3 ? strtoull(argv[3], NULL, 10) : DEFAULT_SEED;
	if (rng == 0)
		rng = 1;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		die("open");
	if (sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous "
	    "= OFF; PRAGMA cache_size = -262144; BEGIN", NULL, NULL, NULL) !=
	    SQLITE_OK)
		die("begin");
	facilities();
	prepare();
	for (b = 0; b < n; b += 5) {
		for (i = 0; i < 5; i++)
			order[i] = i + 1;
		for (i = 4; i > 0; i--) {
			j = pick(i + 1);
			t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (i = 0; i < 5; i++) {
			p = b + i + 1;
			person(p);
			person_rows(p, order[i]);
		}
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("commit");
	sqlite3_finalize(st_person);
	sqlite3_finalize(st_ep);
	sqlite3_finalize(st_jud);
	sqlite3_finalize(st_cl);
	sqlite3_finalize(st_red);
	sqlite3_finalize(st_vi);
	sqlite3_close(db);
	return 0;
}

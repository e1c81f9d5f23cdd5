/*
 * lookup: time thads-record's name search in-process, so that process
 * start-up is not counted, side by side with a plain LIKE scan and a
 * plain FTS5 query on the same connection.
 *
 *	lookup DB QUERIES [LIMIT [NLIKE]] > report
 *
 * The queries are names of persons of DB drawn at random (fixed seed),
 * typed four ways in turn: as stored ("Đặng Thị Ánh"), folded by hand
 * ("dang thi anh"), upper case with doubled spaces ("DANG  THI  ANH"),
 * and family plus given name only ("dang anh", a partial match).  Each
 * lookup is thads_dossier_find(), the function behind "thads-record
 * find", writing its rows as JSON Lines to /dev/null, with at most
 * LIMIT rows (0, the command's default: all).
 *
 * For comparison, the first NLIKE queries (default 200) are run as
 * SELECT ... WHERE name_folded LIKE '%folded text%' (a full scan), and
 * every query, when DB has the table plain_fts (an FTS5 index of the
 * names as written, tokenizer unicode61 remove_diacritics 2, made by
 * bench/lookup/run), as a MATCH of the folded words there: what an FTS5
 * index gives without the Đ folding (such a query does not find "Đặng"
 * by "dang").  Both count rows and print nothing.
 *
 * Times are wall-clock, and for the tool's lookups also the thread's CPU
 * time: on a machine shared with other work, the wall-clock time
 * includes waiting for a CPU.
 *
 * Each query text is also written to queries.txt (tab-separated:
 * variant, text as typed, folded text) for the sqlite3 CLI and
 * hyperfine runs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "dossier.h"
#include "out.h"
#include "text.h"

#define SEED 20261204

static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: on a loaded machine, the work itself. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
summary(const char *what, double *t, size_t n, double rows)
{
	double sum = 0;
	size_t i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp_double);
	printf("%-34s %6zu %9.3f %9.3f %9.3f %9.3f %10.1f\n", what, n,
	    t[n / 2], t[n * 9 / 10], t[n * 99 / 100], sum / n, rows / n);
}

static void
die(const char *what, const struct thads_err *err)
{
	fprintf(stderr, "lookup: %s: %s\n", what, err ? err->msg : "failed");
	exit(70);
}

/* The text of query i as typed, from a stored name. */
static char *
typed(const char *name, int variant)
{
	char *f = thads_text_fold(name), *out, *p, *last;
	size_t n, i;

	if (f == NULL || variant == 0) {
		free(f);
		return strdup(name);
	}
	if (variant == 1)
		return f;
	n = strlen(f);
	if ((out = malloc(2 * n + 1)) == NULL)
		return NULL;
	if (variant == 2) {
		p = out;
		for (i = 0; i < n; i++) {
			*p++ = (char)(f[i] >= 'a' && f[i] <= 'z' ? f[i] - 32 :
			    f[i]);
			if (f[i] == ' ')
				*p++ = ' ';
		}
		*p = '\0';
		free(f);
		return out;
	}
	last = strrchr(f, ' ');
	snprintf(out, 2 * n + 1, "%.*s%s", (int)strcspn(f, " "), f,
	    last ? last : "");
	free(f);
	return out;
}

/*
 * Count the rows of sql with ?1 bound to arg; wall-clock and CPU
 * milliseconds into *ms and *cpu.
 */
static long
plain(sqlite3 *h, const char *sql, const char *arg, double *ms, double *cpu)
{
	sqlite3_stmt *st;
	double c0 = cpu_ms(), t0 = now_ms();
	long n = 0;

	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "lookup: %s\n", sqlite3_errmsg(h));
		exit(70);
	}
	sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		n++;
	sqlite3_finalize(st);
	*ms = now_ms() - t0;
	*cpu = cpu_ms() - c0;
	return n;
}

/* "dang thi anh" as the FTS5 query "dang" "thi" "anh". */
static char *
fts_words(const char *folded)
{
	char *q = malloc(3 * strlen(folded) + 3), *p = q;

	if (q == NULL)
		return NULL;
	*p++ = '"';
	for (; *folded != '\0'; folded++) {
		if (*folded == ' ') {
			*p++ = '"';
			*p++ = ' ';
			*p++ = '"';
		} else
			*p++ = *folded;
	}
	*p++ = '"';
	*p = '\0';
	return q;
}

int
main(int argc, char **argv)
{
	struct thads_db *db;
	struct thads_err err;
	struct thads_find q;
	struct thads_out *o;
	sqlite3_stmt *st;
	FILE *null, *qf;
	char **names, *text, *folded, *fq;
	double *t, *tc, *tv[4], *tl, *tlc, *tp, *tpc, t0, c0, rows = 0;
	double vrows[4] = { 0 };
	double lrows = 0, prows = 0;
	size_t nq, nlike, i, nv[4] = { 0 }, np = 0;
	long long maxid;
	long n, limit;
	uint64_t s = SEED;
	int haveplain;

	if (argc < 3) {
		fprintf(stderr, "usage: lookup DB QUERIES [LIMIT [NLIKE]]\n");
		return 64;
	}
	nq = strtoul(argv[2], NULL, 10);
	limit = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	nlike = argc > 4 ? strtoul(argv[4], NULL, 10) : 200;
	if (nlike > nq)
		nlike = nq;
	thads_clearerr(&err);
	if (thads_db_open(argv[1], THADS_DB_RDONLY, 10000, "lookup", &db,
	    &err) != 0)
		die(argv[1], &err);
	null = fopen("/dev/null", "w");
	qf = fopen("queries.txt", "w");
	names = calloc(nq, sizeof(*names));
	t = calloc(nq, sizeof(*t));
	tc = calloc(nq, sizeof(*tc));
	tl = calloc(nq, sizeof(*tl));
	tlc = calloc(nq, sizeof(*tlc));
	tp = calloc(nq, sizeof(*tp));
	tpc = calloc(nq, sizeof(*tpc));
	for (i = 0; i < 4; i++)
		tv[i] = calloc(nq, sizeof(double));
	if (!null || !qf || !names || !t || !tc || !tl || !tlc || !tp ||
	    !tpc || !tv[3])
		die("setup", NULL);

	/* The names, drawn before any timing. */
	if (thads_db_prepare(db, "SELECT max(id) FROM person", &st, &err))
		die("max", &err);
	sqlite3_step(st);
	maxid = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (thads_db_prepare(db, "SELECT name FROM person WHERE id >= ?1"
	    " AND name IS NOT NULL ORDER BY id LIMIT 1", &st, &err))
		die("names", &err);
	for (i = 0; i < nq; i++) {
		sqlite3_bind_int64(st, 1, 1 + (long long)(next(&s) %
		    (uint64_t)maxid));
		if (sqlite3_step(st) == SQLITE_ROW)
			names[i] = typed((const char *)sqlite3_column_text(st,
			    0), (int)(i % 4));
		sqlite3_reset(st);
		if (names[i] == NULL)
			die("no name", NULL);
	}
	sqlite3_finalize(st);
	haveplain = thads_db_prepare(db, "SELECT 1 FROM plain_fts LIMIT 1",
	    &st, &err) == 0;
	sqlite3_finalize(st);

	for (i = 0; i < nq; i++) {
		text = names[i];
		folded = thads_text_fold(text);
		fq = fts_words(folded);
		fprintf(qf, "%zu\t%s\t%s\n", i % 4, text, folded);

		memset(&q, 0, sizeof(q));
		q.text = text;
		q.limit = limit;
		c0 = cpu_ms();
		t0 = now_ms();
		if (thads_out_open(null, THADS_FMT_JSONL, "person",
		    thads_find_cols, THADS_FIND_NCOLS, 0, &o, &err) != 0 ||
		    thads_dossier_find(db, &q, o, &n, &err) != 0 ||
		    thads_out_close(o, &err) != 0)
			die(text, &err);
		t[i] = now_ms() - t0;
		tc[i] = cpu_ms() - c0;
		tv[i % 4][nv[i % 4]++] = t[i];
		vrows[i % 4] += (double)n;
		rows += (double)n;

		if (i < nlike)
			lrows += (double)plain(db->h, "SELECT id FROM person"
			    " WHERE name_folded LIKE '%' || ?1 || '%'", folded,
			    &tl[i], &tlc[i]);
		if (haveplain) {
			prows += (double)plain(db->h, "SELECT rowid FROM"
			    " plain_fts WHERE plain_fts MATCH ?1", fq, &tp[i],
			    &tpc[i]);
			np++;
		}
		free(folded);
		free(fq);
	}

	printf("max person row id %lld; %zu queries; limit %ld%s\n", maxid,
	    nq, limit, limit ? "" : " (none)");
	printf("%-34s %6s %9s %9s %9s %9s %10s\n", "lookup (ms)", "n",
	    "median", "p90", "p99", "mean", "rows/query");
	summary(limit ? "thads_dossier_find, limited" :
	    "thads_dossier_find, all", t, nq, rows);
	summary("  the same, CPU time", tc, nq, rows);
	summary("  as stored (with accents)", tv[0], nv[0], vrows[0]);
	summary("  folded (dang thi anh)", tv[1], nv[1], vrows[1]);
	summary("  upper, spaces (DANG  THI  ANH)", tv[2], nv[2], vrows[2]);
	summary("  family + given (dang anh)", tv[3], nv[3], vrows[3]);
	summary("plain LIKE on name_folded", tl, nlike, lrows);
	summary("  the same, CPU time", tlc, nlike, lrows);
	summary("plain FTS5 on name, no Đ folding", tp, np, prows);
	summary("  the same, CPU time", tpc, np, prows);
	fclose(qf);
	fclose(null);
	thads_db_close(db);
	return 0;
}

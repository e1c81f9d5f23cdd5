/*
 * test_report_supp.c: suppression of small counts (report_supp.c).
 *
 * The property tests check the result with a solver of their own
 * (Gaussian elimination in floating point, by rank), not with the
 * library's: a hidden cell is recoverable from the published cells
 * exactly when adding its unit vector to the equations' coefficient
 * matrix (restricted to the hidden cells) does not raise the rank.
 */
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "report_supp.h"

#define MAXR	6
#define MAXC	6
#define MAXN	((MAXR + 1) * (MAXC + 1))
#define MAXE	(MAXR + MAXC + 2)

/* A table of r x c cells with a total column, a total row and the grand
 * total: cell (i, j) is number i * (c + 1) + j. */
struct table {
	int	 r, c, n;
	long long v[MAXN];
	unsigned char kind[MAXN];
	size_t	 parts[MAXE][MAXC + 1];
	struct thads_supp_eq eq[MAXE];
	size_t	 neq;
};

static int
cell(const struct table *t, int i, int j)
{
	return i * (t->c + 1) + j;
}

/* Fill the margins from the inner cells and record the equations. */
static void
close_table(struct table *t)
{
	int i, j;

	t->n = (t->r + 1) * (t->c + 1);
	t->neq = 0;
	for (i = 0; i <= t->r; i++) {
		t->v[cell(t, i, t->c)] = 0;
		for (j = 0; j < t->c; j++) {
			if (i == t->r)
				t->v[cell(t, i, j)] = 0;
		}
	}
	for (i = 0; i < t->r; i++)
		for (j = 0; j < t->c; j++) {
			t->v[cell(t, i, t->c)] += t->v[cell(t, i, j)];
			t->v[cell(t, t->r, j)] += t->v[cell(t, i, j)];
			t->v[cell(t, t->r, t->c)] += t->v[cell(t, i, j)];
		}
	for (i = 0; i <= t->r; i++) {	/* rows, and the total row */
		for (j = 0; j < t->c; j++)
			t->parts[t->neq][j] = (size_t)cell(t, i, j);
		t->eq[t->neq].margin = (size_t)cell(t, i, t->c);
		t->eq[t->neq].parts = t->parts[t->neq];
		t->eq[t->neq].nparts = (size_t)t->c;
		t->neq++;
	}
	for (j = 0; j < t->c; j++) {	/* columns */
		for (i = 0; i < t->r; i++)
			t->parts[t->neq][i] = (size_t)cell(t, i, j);
		t->eq[t->neq].margin = (size_t)cell(t, t->r, j);
		t->eq[t->neq].parts = t->parts[t->neq];
		t->eq[t->neq].nparts = (size_t)t->r;
		t->neq++;
	}
	for (i = 0; i < t->n; i++)
		t->kind[i] = THADS_SUPP_COUNT;
}

/* Rank of the m x k matrix a (destroyed), by partial pivoting. */
static int
rank(double *a, int m, int k)
{
	int row = 0, col, i, j, best;
	double f, t;

	for (col = 0; col < k && row < m; col++) {
		best = row;
		for (i = row + 1; i < m; i++)
			if (fabs(a[i * k + col]) > fabs(a[best * k + col]))
				best = i;
		if (fabs(a[best * k + col]) < 1e-9)
			continue;
		for (j = 0; j < k; j++) {
			t = a[row * k + j];
			a[row * k + j] = a[best * k + j];
			a[best * k + j] = t;
		}
		for (i = row + 1; i < m; i++) {
			f = a[i * k + col] / a[row * k + col];
			for (j = col; j < k; j++)
				a[i * k + j] -= f * a[row * k + j];
		}
		row++;
	}
	return row;
}

/*
 * How many hidden cells the published cells give away: for each,
 * compare the rank of the equations over the hidden cells with and
 * without the cell's unit vector appended.
 */
static int
recoverable(const struct table *t, const unsigned char *hidden)
{
	double a[(MAXE + 1) * MAXN], b[(MAXE + 1) * MAXN];
	int var[MAXN], k = 0, i, e, j, found = 0, r0;
	size_t p;

	for (i = 0; i < t->n; i++)
		var[i] = hidden[i] ? k++ : -1;
	if (k == 0)
		return 0;
	memset(a, 0, sizeof(a));
	for (e = 0; e < (int)t->neq; e++) {
		if (hidden[t->eq[e].margin])
			a[e * k + var[t->eq[e].margin]] += 1;
		for (p = 0; p < t->eq[e].nparts; p++)
			if (hidden[t->eq[e].parts[p]])
				a[e * k + var[t->eq[e].parts[p]]] -= 1;
	}
	memcpy(b, a, sizeof(a));
	r0 = rank(b, (int)t->neq, k);
	for (i = 0; i < t->n; i++) {
		if (!hidden[i])
			continue;
		memcpy(b, a, sizeof(a));
		for (j = 0; j < k; j++)
			b[t->neq * k + j] = j == var[i];
		if (rank(b, (int)t->neq + 1, k) == r0)
			found++;
	}
	return found;
}

/* supp-1.1: one line: the small count and the next smallest go. */
static void
one_line(void **state)
{
	const size_t parts[] = { 1, 2, 3 };
	const struct thads_supp_eq eq = { 0, parts, 3 };
	const long long v[] = { 32, 2, 10, 20 };
	const unsigned char kind[] = { 1, 1, 1, 1 };
	unsigned char hidden[4];

	(void)state;
	assert_int_equal(thads_supp_choose(4, v, kind, &eq, 1, NULL, 0, 5,
	    hidden), 0);
	assert_memory_equal(hidden, "\0\1\1\0", 4);
}

/* supp-1.2: zeros are published; a share computed from a hidden count
 * is hidden; nothing small, nothing hidden. */
static void
zeros_and_shares(void **state)
{
	const size_t parts[] = { 1, 2, 3 };
	const struct thads_supp_eq eq = { 0, parts, 3 };
	const long long v[] = { 40, 0, 3, 37, 0 };
	const unsigned char kind[] = { 1, 1, 1, 1, 0 };
	const size_t deps[][2] = { { 4, 2 } };
	const long long big[] = { 40, 10, 10, 20, 0 };
	unsigned char hidden[5];

	(void)state;
	assert_int_equal(thads_supp_choose(5, v, kind, &eq, 1, deps, 1, 5,
	    hidden), 0);
	/* 3 is hidden; the only other positive part is 37; 0 stays. */
	assert_memory_equal(hidden, "\0\0\1\1\1", 5);
	assert_int_equal(thads_supp_choose(5, big, kind, &eq, 1, deps, 1, 5,
	    hidden), 0);
	assert_memory_equal(hidden, "\0\0\0\0\0", 5);
}

/*
 * supp-1.3: two hidden rectangles joined by one hidden cell: every row
 * and every column holds two hidden cells or none, yet the joining cell
 * is the sum of two rows less two columns.  Pairing alone leaves it
 * exposed; the elimination must not.
 */
static void
bridge(void **state)
{
	static const int small[][2] = {
		{ 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 2, 2 }, { 2, 3 },
		{ 3, 2 }, { 3, 3 }, { 1, 2 }
	};
	struct table t;
	unsigned char hidden[MAXN], det[MAXN];
	size_t k;
	int i, j;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.r = t.c = 4;
	for (i = 0; i < 4; i++)
		for (j = 0; j < 4; j++)
			t.v[cell(&t, i, j)] = 50 + i + j;
	for (k = 0; k < sizeof(small) / sizeof(small[0]); k++)
		t.v[cell(&t, small[k][0], small[k][1])] = 1 + (long long)k % 4;
	close_table(&t);

	/* The pattern itself is exposed: the solver finds the bridge. */
	memset(hidden, 0, sizeof(hidden));
	for (k = 0; k < sizeof(small) / sizeof(small[0]); k++)
		hidden[cell(&t, small[k][0], small[k][1])] = 1;
	assert_int_equal(recoverable(&t, hidden), 1);
	assert_int_equal(thads_supp_determined((size_t)t.n, t.eq, t.neq,
	    hidden, det), 1);
	assert_true(det[cell(&t, 1, 2)]);

	assert_int_equal(thads_supp_choose((size_t)t.n, t.v, t.kind, t.eq,
	    t.neq, NULL, 0, 5, hidden), 0);
	assert_int_equal(recoverable(&t, hidden), 0);
	for (k = 0; k < sizeof(small) / sizeof(small[0]); k++)
		assert_true(hidden[cell(&t, small[k][0], small[k][1])]);
}

static unsigned long rng = 20261203;

static int
pick(int n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (int)((rng >> 33) % (unsigned long)n);
}

/*
 * supp-2.1: random tables of 2 x 2 to 6 x 6 counts, many of them
 * small, with their margins: every small count is hidden, no hidden
 * cell can be recovered, and the published cells still add up.
 */
static void
random_tables(void **state)
{
	unsigned char hidden[MAXN];
	struct table t;
	int run, i, total_hidden = 0;

	(void)state;
	for (run = 0; run < 400; run++) {
		memset(&t, 0, sizeof(t));
		t.r = 2 + pick(MAXR - 1);
		t.c = 2 + pick(MAXC - 1);
		for (i = 0; i < t.r * (t.c + 1); i++)
			t.v[i] = pick(3) == 0 ? 1 + pick(4) : pick(4) == 0 ?
			    0 : pick(60);
		close_table(&t);
		assert_int_equal(thads_supp_choose((size_t)t.n, t.v, t.kind,
		    t.eq, t.neq, NULL, 0, 5, hidden), 0);
		for (i = 0; i < t.n; i++) {
			if (t.v[i] >= 1 && t.v[i] <= 4)
				assert_true(hidden[i]);
			total_hidden += hidden[i];
		}
		assert_int_equal(recoverable(&t, hidden), 0);
	}
	assert_true(total_hidden > 400);
}

/* supp-2.2: a table with no margins hides the primaries only. */
static void
no_margins(void **state)
{
	const long long v[] = { 1, 7, 4, 9 };
	const unsigned char kind[] = { 1, 1, 1, 2 };
	unsigned char hidden[4];

	(void)state;
	assert_int_equal(thads_supp_choose(4, v, kind, NULL, 0, NULL, 0, 5,
	    hidden), 0);
	assert_memory_equal(hidden, "\1\0\1\0", 4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_line),
		cmocka_unit_test(zeros_and_shares),
		cmocka_unit_test(bridge),
		cmocka_unit_test(random_tables),
		cmocka_unit_test(no_margins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

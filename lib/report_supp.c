/*
 * report_supp.c: hiding small counts and the cells that give them away
 * (see report_supp.h for the method).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "report_supp.h"

#define PRIME	0x1fffffffffffffffULL	/* 2^61 - 1 */

static uint64_t
mulmod(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	uint64_t lo = (uint64_t)(r & PRIME), hi = (uint64_t)(r >> 61);
	uint64_t s = lo + hi;

	return s >= PRIME ? s - PRIME : s;
}

static uint64_t
submod(uint64_t a, uint64_t b)
{
	return a >= b ? a - b : a + PRIME - b;
}

/* a^(p-2): the inverse of a modulo the prime (a != 0). */
static uint64_t
inverse(uint64_t a)
{
	uint64_t r = 1, e = PRIME - 2;

	while (e > 0) {
		if (e & 1)
			r = mulmod(r, a);
		a = mulmod(a, a);
		e >>= 1;
	}
	return r;
}

/*
 * Reduce the m x k matrix a (row-major) to reduced row echelon form;
 * pivot[r] gets the column of row r's pivot, or k.  Returns the rank.
 */
static size_t
rref(uint64_t *a, size_t m, size_t k, size_t *pivot)
{
	size_t r = 0, col, i, j;
	uint64_t inv, f, *row, *other, *tmp;

	for (col = 0; col < k && r < m; col++) {
		for (i = r; i < m && a[i * k + col] == 0; i++)
			;
		if (i == m)
			continue;
		if (i != r)
			for (j = 0; j < k; j++) {
				tmp = &a[i * k + j];
				f = *tmp;
				*tmp = a[r * k + j];
				a[r * k + j] = f;
			}
		row = &a[r * k];
		inv = inverse(row[col]);
		for (j = col; j < k; j++)
			row[j] = mulmod(row[j], inv);
		for (i = 0; i < m; i++) {
			other = &a[i * k];
			if (i == r || other[col] == 0)
				continue;
			f = other[col];
			for (j = col; j < k; j++)
				if (row[j] != 0)
					other[j] = submod(other[j],
					    mulmod(f, row[j]));
		}
		pivot[r++] = col;
	}
	for (i = r; i < m; i++)
		pivot[i] = k;
	return r;
}

long
thads_supp_determined(size_t n, const struct thads_supp_eq *eqs,
    size_t neqs, const unsigned char *hidden, unsigned char *det)
{
	size_t *var = NULL, *cell = NULL, *pivot = NULL, k = 0, m = 0;
	size_t e, i, j, r, c, rank;
	uint64_t *a = NULL;
	long found = -1;
	int any;

	memset(det, 0, n);
	var = malloc((n + 1) * sizeof(*var));
	cell = malloc((n + 1) * sizeof(*cell));
	if (var == NULL || cell == NULL)
		goto out;
	for (i = 0; i < n; i++)
		var[i] = (size_t)-1;

	/* The variables: hidden cells that some equation names. */
	for (e = 0; e < neqs; e++)
		for (j = 0; j <= eqs[e].nparts; j++) {
			c = j == 0 ? eqs[e].margin : eqs[e].parts[j - 1];
			if (c < n && hidden[c] && var[c] == (size_t)-1) {
				var[c] = k;
				cell[k++] = c;
			}
		}
	if (k == 0) {
		found = 0;
		goto out;
	}
	a = calloc(neqs * k + 1, sizeof(*a));
	pivot = calloc(neqs + 1, sizeof(*pivot));
	if (a == NULL || pivot == NULL)
		goto out;
	for (e = 0; e < neqs; e++) {
		any = 0;
		for (j = 0; j <= eqs[e].nparts; j++) {
			c = j == 0 ? eqs[e].margin : eqs[e].parts[j - 1];
			if (c >= n || !hidden[c])
				continue;
			/* margin - parts = what the published cells give */
			a[m * k + var[c]] = j == 0 ? 1 :
			    submod(a[m * k + var[c]], 1);
			any = 1;
		}
		m += any;
	}
	rank = rref(a, m, k, pivot);

	found = 0;
	for (r = 0; r < rank; r++) {
		for (j = 0; j < k; j++)
			if (j != pivot[r] && a[r * k + j] != 0)
				break;
		if (j == k) {
			det[cell[pivot[r]]] = 1;
			found++;
		}
	}
out:
	free(var);
	free(cell);
	free(pivot);
	free(a);
	return found;
}

/*
 * The best cell of equation e to hide next: the smallest positive cell
 * among the parts, else the margin, else a part that is zero; none
 * (returns n) when every numeric cell of e is hidden.
 */
static size_t
complement(size_t n, const long long *value, const unsigned char *kind,
    const struct thads_supp_eq *e, const unsigned char *hidden)
{
	size_t best = n, zero = n, j, c;

	for (j = 0; j < e->nparts; j++) {
		c = e->parts[j];
		if (c >= n || hidden[c] || kind[c] == THADS_SUPP_NONE)
			continue;
		if (value[c] == 0) {
			zero = zero == n ? c : zero;
			continue;
		}
		if (best == n || value[c] < value[best])
			best = c;
	}
	if (best != n)
		return best;
	c = e->margin;
	if (c < n && !hidden[c] && kind[c] != THADS_SUPP_NONE)
		return c;
	return zero;
}

/* Hide the cells derived from hidden ones; whether any changed. */
static int
derive(const size_t (*deps)[2], size_t ndeps, size_t n,
    unsigned char *hidden)
{
	size_t i;
	int changed = 0;

	for (i = 0; i < ndeps; i++)
		if (deps[i][0] < n && deps[i][1] < n && hidden[deps[i][1]] &&
		    !hidden[deps[i][0]]) {
			hidden[deps[i][0]] = 1;
			changed = 1;
		}
	return changed;
}

/* Hidden cells of equation e, counting the margin. */
static size_t
nhidden(size_t n, const struct thads_supp_eq *e, const unsigned char *hidden)
{
	size_t j, h = e->margin < n && hidden[e->margin];

	for (j = 0; j < e->nparts; j++)
		h += e->parts[j] < n && hidden[e->parts[j]];
	return h;
}

/* The cheap pass: no equation left with a single hidden cell. */
static void
pairs(size_t n, const long long *value, const unsigned char *kind,
    const struct thads_supp_eq *eqs, size_t neqs, const size_t (*deps)[2],
    size_t ndeps, unsigned char *hidden)
{
	size_t e, c;
	int changed;

	do {
		changed = derive(deps, ndeps, n, hidden);
		for (e = 0; e < neqs; e++) {
			if (nhidden(n, &eqs[e], hidden) != 1)
				continue;
			if ((c = complement(n, value, kind, &eqs[e],
			    hidden)) < n) {
				hidden[c] = 1;
				changed = 1;
			}
		}
	} while (changed);
}

/* Whether cell c is in equation e. */
static int
member(const struct thads_supp_eq *e, size_t c)
{
	size_t j;

	if (e->margin == c)
		return 1;
	for (j = 0; j < e->nparts; j++)
		if (e->parts[j] == c)
			return 1;
	return 0;
}

/*
 * One more cell for a determined cell d: from the first equation that
 * holds d and still has a cell to give; else from any equation that
 * holds a hidden cell (the determination runs through it).  Returns
 * whether a cell was hidden.
 */
static int
widen(size_t n, const long long *value, const unsigned char *kind,
    const struct thads_supp_eq *eqs, size_t neqs, size_t d,
    unsigned char *hidden)
{
	size_t e, c;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (e = 0; e < neqs; e++) {
			if (pass == 0 ? !member(&eqs[e], d) :
			    nhidden(n, &eqs[e], hidden) == 0)
				continue;
			if ((c = complement(n, value, kind, &eqs[e],
			    hidden)) < n) {
				hidden[c] = 1;
				return 1;
			}
		}
	return 0;
}

int
thads_supp_choose(size_t n, const long long *value, const unsigned char *kind,
    const struct thads_supp_eq *eqs, size_t neqs, const size_t (*deps)[2],
    size_t ndeps, long threshold, unsigned char *hidden)
{
	unsigned char *det;
	size_t i;
	long nd;
	int grew;

	memset(hidden, 0, n);
	for (i = 0; i < n; i++)
		hidden[i] = kind[i] == THADS_SUPP_COUNT && value[i] >= 1 &&
		    value[i] < threshold;
	if ((det = malloc(n + 1)) == NULL)
		return THADS_ENOMEM;
	for (;;) {
		pairs(n, value, kind, eqs, neqs, deps, ndeps, hidden);
		if ((nd = thads_supp_determined(n, eqs, neqs, hidden,
		    det)) < 0) {
			free(det);
			return THADS_ENOMEM;
		}
		if (nd == 0)
			break;
		grew = 0;
		for (i = 0; i < n; i++)
			if (det[i] && widen(n, value, kind, eqs, neqs, i,
			    hidden)) {
				grew = 1;
				break;
			}
		/* Nothing left to hide: every numeric cell already is. */
		if (!grew)
			break;
	}
	free(det);
	while (derive(deps, ndeps, n, hidden))
		;
	return 0;
}

/*
 * report_supp.h: statistical disclosure control for published tables:
 * small counts are hidden, and so is every other cell that would let a
 * reader work them out again from the margins.
 *
 * A table is a set of n cells.  Some hold counts of persons (which are
 * hidden when from 1 to threshold - 1: primary suppression), some hold
 * other numbers.  The table says which cells add up to which: each
 * equation reads value[margin] = the sum of value[parts].  A reader
 * who sees every cell that is not hidden knows the value of a hidden
 * cell exactly when the equations, restricted to the hidden cells,
 * determine it: when its unit vector lies in the row space of their
 * coefficient matrix.  Cells are added to the hidden set (secondary
 * suppression) until no hidden cell is determined so.
 *
 * The method: hide the primaries; then, while some equation has exactly
 * one hidden cell, hide a second one in it (the smallest positive cell
 * that is not a margin, else the margin, else a zero); then test every
 * hidden cell by Gaussian elimination (modulo the prime 2^61 - 1) and,
 * for each one still determined, hide one more cell of an equation it
 * is in, until none is.  It is a greedy heuristic: it does not hide the
 * fewest cells possible, but what it hides cannot be solved for.
 *
 * Derived cells (a share, a rate, a mean) are hidden when any cell
 * they are computed from is.
 */
#ifndef THADS_REPORT_SUPP_H
#define THADS_REPORT_SUPP_H

#include <stddef.h>

struct thads_supp_eq {
	size_t		 margin;
	const size_t	*parts;
	size_t		 nparts;
};

/* Kinds of cells. */
#define THADS_SUPP_NONE		0	/* not a number: never hidden here */
#define THADS_SUPP_COUNT	1	/* a count: hidden when small */
#define THADS_SUPP_MAGN		2	/* another number in the equations */

/*
 * Choose the cells to hide among n, setting hidden[i] (n bytes, zeroed
 * here first).  kind[i] is THADS_SUPP_*, value[i] the cell's value.
 * deps holds ndeps pairs (derived cell, source cell).  threshold >= 2.
 * Returns 0 or THADS_ENOMEM.
 */
int	thads_supp_choose(size_t n, const long long *value,
	    const unsigned char *kind, const struct thads_supp_eq *eqs,
	    size_t neqs, const size_t (*deps)[2], size_t ndeps,
	    long threshold, unsigned char *hidden);

/*
 * Set det[i] (n bytes, zeroed here first) for each hidden cell whose
 * value the equations determine from the cells that are not hidden.
 * Returns how many, or -1 when out of memory.
 */
long	thads_supp_determined(size_t n, const struct thads_supp_eq *eqs,
	    size_t neqs, const unsigned char *hidden, unsigned char *det);

#endif /* THADS_REPORT_SUPP_H */

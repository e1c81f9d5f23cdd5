#!/bin/sh
# Disclosure control as a property: random dossiers (a seeded
# generator), four tables each published with --suppress K, every hidden
# cell attacked with the equations of the table (margins, row sums,
# shares) by exact elimination.  See tests/hostile/suppress-property.py.
# THADS_SUPP_RUNS sets the number of dossiers (default 8).
. "$(dirname "$0")/lib.sh"

expect_ok 'no hidden cell of a random table can be worked out again' "
	/usr/bin/python3 '$SRCDIR/tests/hostile/suppress-property.py' \
	    ${THADS_SUPP_RUNS:-8} 8530 >supp.out &&
	cat supp.out >&2 && grep -q 'none recoverable' supp.out"

test_done

#!/bin/sh
# Concurrency: an import loop, a thads-record set loop, a geofence check
# loop, thads-alert --new-only, thads-report and online backups on one
# database for 10 s.  Nothing lost or duplicated, no "database is
# locked", every check clean.  The long form (60 s) is tests/long/concur;
# its figures are in bench/RESULTS.md.
. "$(dirname "$0")/lib.sh"

expect_ok 'six programs at once for 10 s: every count agrees' '
	sh "$SRCDIR/tests/long/concur" "$BUILD" 10 >concur.out 2>concur.err ||
	    { cat concur.out concur.err >&2; false; }'

test_done

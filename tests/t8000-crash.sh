#!/bin/sh
# Crashes: writers killed with SIGKILL leave a database that passes its
# checks, with each batch wholly there or wholly absent, and a rerun
# that ends with the right totals.  The long form (100 kills of a
# 200,000-row import) is tests/long/crash; its figures are in
# bench/RESULTS.md.
. "$(dirname "$0")/lib.sh"

# A kill at an exact moment: right after the audit head file is
# replaced, which a random kill seldom hits.  The sanitizer runtime must
# come first among the loaded libraries unless told otherwise.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
cc -shared -fPIC -o killshim.so "$SRCDIR/tests/fault/killshim.c" -ldl ||
    exit 1
killed_at() {	# NTH COMMAND...: run COMMAND, killed after the NTH rename
	nth=$1
	shift
	( LD_PRELOAD=$SCRATCH/killshim.so KILLSHIM_SUFFIX=.audit-head \
	    KILLSHIM_NTH=$nth "$@" ) 2>/dev/null
	[ $? -eq 137 ]
}
cc -O2 -o gen "$SRCDIR/bench/import/gen.c" || exit 1
./gen 300 7 >p300.csv

expect_ok 'killed between the head file and COMMIT: check passes, no batch' '
	killed_at 1 thads-import -q -d k1.db p300.csv &&
	thads-admin -d k1.db check &&
	thads-record -d k1.db verify-audit &&
	[ "$(sqlite3 k1.db "SELECT count(*) FROM person")" = 0 ] &&
	thads-import -q -d k1.db p300.csv &&
	thads-admin -d k1.db check &&
	[ "$(sqlite3 k1.db "SELECT count(*) FROM episode")" = 300 ]'
expect_ok 'killed after COMMIT, before the final head: check passes' '
	thads-import -q -d k2.db p300.csv &&
	id=$(sqlite3 k2.db "SELECT ext_id FROM person LIMIT 1") &&
	killed_at 1 thads-record -d k2.db --reason test set "$id" \
	    "name=Nguyễn Văn Mới" &&
	thads-admin -d k2.db check && thads-record -d k2.db verify-audit &&
	killed_at 2 thads-record -d k2.db --reason test set "$id" \
	    "name=Nguyễn Văn Mới Hơn" &&
	thads-admin -d k2.db check && thads-record -d k2.db verify-audit &&
	[ "$(sqlite3 k2.db "SELECT name FROM person
	    WHERE ext_id = '\''$id'\''")" = "Nguyễn Văn Mới Hơn" ]'
expect_ok 'the two-entry head file left by a kill still catches a lost tail' '
	killed_at 2 thads-import -q -d k3.db p300.csv ; true &&
	thads-record -d k3.db verify-audit &&
	cp k2.db k4.db && cp k2.db.audit-head k4.db.audit-head &&
	sqlite3 k4.db "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)" &&
	{ thads-admin -d k4.db check >c.out; [ $? -eq 1 ]; } &&
	grep -q "missing" c.out'

expect_ok 'thads-import killed 10 times at random: whole batch or none' '
	sh "$SRCDIR/tests/long/crash" "$BUILD" import 10000 10 >crash.out \
	    2>crash.err || { cat crash.out crash.err >&2; false; }'
expect_ok 'thads-geofence check killed 6 times at random: reruns agree' '
	sh "$SRCDIR/tests/long/crash" "$BUILD" geofence 50000 6 >crash.out \
	    2>crash.err || { cat crash.out crash.err >&2; false; }'

test_done

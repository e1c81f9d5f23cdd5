#!/bin/sh
# thads-alert across runs: --new-only emits an alert once, ack silences
# it, an override moves a date (and so makes its alert new again), and
# each officer's act is in the audit trail.
. "$(dirname "$0")/lib.sh"

THADS_ALERT_CONF=/dev/null
export THADS_ALERT_CONF
thads-import -q -d r.db --today 2026-12-31 "$TESTDATA/alert/rules.csv" ||
    exit 1
a() {
	thads-alert -d r.db -f tsv --no-header "$@"
}
q() {
	sqlite3 r.db "$1"
}

expect_ok 'a plain run writes nothing to the database' '
	a --as-of 2026-05-13 >out1 && [ -s out1 ] &&
	[ "$(q "SELECT count(*) FROM alert_seen")" = 0 ] &&
	[ "$(q "SELECT count(*) FROM audit WHERE tbl LIKE \"alert%\"")" = 0 ]'

expect_fail 75 '--new-only on a database kept busy: exit 75, nothing printed,
nothing marked seen' '
	(echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;") | sqlite3 r.db &
	sleep 1
	thads-alert -d r.db -f tsv --no-header --busy-timeout 100 \
	    --as-of 2026-05-13 --new-only >busy.out 2>busy.err; st=$?
	wait
	[ ! -s busy.out ] && grep -q "busy\|locked" busy.err &&
	[ "$(q "SELECT count(*) FROM alert_seen")" = 0 ] && exit $st'

expect_ok '--new-only, first run: every alert of the day' '
	a --as-of 2026-05-13 --new-only >out2 && cmp out1 out2'

expect_ok '--new-only, second run the same day: nothing' '
	a --as-of 2026-05-13 --new-only >out3 && [ ! -s out3 ]'

expect_ok '--new-only --exit-code with nothing new exits 0' '
	a --as-of 2026-05-13 --new-only --exit-code >out && [ ! -s out ]'

expect_ok '--new-only the next day: only what became due' '
	a --as-of 2026-05-15 --new-only >out4 &&
	grep -q "classification_due:2026-05-25:R6" out4 &&
	! grep -q "detention_expiring:2026-05-28:R1" out4'

expect_ok 'ack: the alert is no longer emitted, even in plain runs' '
	thads-alert -d r.db ack detention_expiring:2026-05-28:R1 \
	    --by "Officer Lan" --reason "extension requested" &&
	a --as-of 2026-05-20 >out && ! grep -q "detention_expiring:2026-05-28:R1" out &&
	grep -q "detention_no_order:2026-04-01:R2" out'

expect_ok 'ack: recorded with who and why, and in the audit trail' '
	[ "$(q "SELECT acked_by || \"|\" || reason FROM alert_ack")" = \
	    "Officer Lan|extension requested" ] &&
	[ "$(q "SELECT count(*) FROM audit WHERE tbl = \"alert_ack\" AND
	    record_key = \"detention_expiring:2026-05-28:R1\"")" = 1 ]'

expect_fail 64 'ack: a malformed key exits 64' '
	thads-alert -d r.db ack not-a-key --by lan 2>err'

expect_ok 'override: the release moves, explain shows both dates' '
	thads-alert -d r.db override R4 release 2027-01-08 --by "Officer Lan" \
	    --reason "court decision 5/2026" &&
	a explain R4 --as-of 2026-12-24 >out &&
	grep -q "override: release set to 2027-01-08 by Officer Lan on .* (reason: court decision 5/2026); computed: 2027-01-09" out'

expect_ok 'override: an alert with a moved date is new again' '
	a --as-of 2026-12-24 --new-only >out &&
	grep -q "release_due:2027-01-08:R4" out &&
	a --as-of 2026-12-24 --new-only >out && ! grep -q release_due out'

expect_ok 'override --clear: back to the computed date, audit has both' '
	thads-alert -d r.db override R4 release --clear --by lan \
	    --reason "entered by mistake" &&
	a explain R4 --as-of 2026-12-24 >out && ! grep -q override out &&
	[ "$(q "SELECT group_concat(action) FROM audit WHERE
	    tbl = \"sentence_override\"")" = "insert,delete" ]'

expect_fail 64 'override: an item that is not a date of a judgment exits 64' '
	thads-alert -d r.db override R4 detention_limit 2027-01-01 --by x \
	    --reason y 2>err'

sums() {
	q "SELECT count(*) FROM alert_ack" &&
	q "SELECT count(*) FROM sentence_override WHERE deleted_at IS NULL"
}
sums >before
expect_fail 66 'ack: an alert of a person who does not exist is refused' '
	thads-alert -d r.db ack release_due:2026-01-01:NOBODY --by x 2>err;
	st=$?; grep -q "no person .NOBODY." err && exit $st'
expect_fail 65 'override: a date before the judgment is refused' '
	thads-alert -d r.db override R4 release 1900-01-01 --by x --reason y \
	    2>err; st=$?
	grep -q "release 1900-01-01 is before judgment J4 of 2023-12-20" err &&
	exit $st'
expect_fail 64 'override: a year the importer would refuse is refused' '
	thads-alert -d r.db override R4 clearance 2200-01-01 --by x \
	    --reason y 2>err; st=$?
	grep -q "out of range" err && exit $st'
expect_fail 64 'override without --reason says what it needs' '
	thads-alert -d r.db override R4 release 2027-01-01 --by x 2>err; st=$?
	grep -q "override needs PERSON ITEM DATE" err && exit $st'
expect_ok 'none of the refused acts wrote anything' '
	sums >after && cmp before after'

test_done

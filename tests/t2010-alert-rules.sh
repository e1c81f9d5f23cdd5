#!/bin/sh
# thads-alert, one rule at a time with the default configuration: each
# alert appears on the first day of its lead time and not the day
# before.  The dates are worked out by hand in testdata/alert/README.
. "$(dirname "$0")/lib.sh"

THADS_ALERT_CONF=/dev/null
export THADS_ALERT_CONF
thads-import -q -d r.db --today 2026-12-31 "$TESTDATA/alert/rules.csv" ||
    exit 1

# on AS-OF SEVERITY KEY: the alert with that key and severity is there.
on() {
	thads-alert -d r.db -f tsv --no-header --as-of "$1" >out &&
	grep -q "^$2	$3	" out
}
# off AS-OF KEY: no alert with that key.
off() {
	thads-alert -d r.db -f tsv --no-header --as-of "$1" >out &&
	! grep -q "	$2	" out
}

expect_ok 'detention_expiring: from 2026-05-13 (15 days before 05-28)' '
	on 2026-05-13 warning detention_expiring:2026-05-28:R1'
expect_ok 'detention_expiring: not on 2026-05-12' '
	off 2026-05-12 detention_expiring:2026-05-28:R1'
expect_ok 'detention_expiring: still on the last day, 05-28' '
	on 2026-05-28 warning detention_expiring:2026-05-28:R1'
expect_ok 'detention_expired: critical from 2026-05-29, person still held' '
	on 2026-05-29 critical detention_expired:2026-05-28:R1 &&
	grep -q "still held (1 days)" out'
expect_ok 'detention_expired: not on 2026-05-28' '
	off 2026-05-28 detention_expired:2026-05-28:R1'
expect_ok 'detention_no_order: held since 2026-04-01 with no order' '
	on 2026-04-01 warning detention_no_order:2026-04-01:R2'
expect_ok 'detention_no_order: not before the admission' '
	off 2026-03-31 detention_no_order:2026-04-01:R2'
expect_ok 'custody_ending: from 2026-06-12 20:00 (12 hours before)' '
	on "2026-06-12 20:00" warning custody_ending:2026-06-13:R3 &&
	grep -q "ends 2026-06-13 08:00, in 12 h" out'
expect_ok 'custody_ending: not at 19:59' '
	off "2026-06-12 19:59" custody_ending:2026-06-13:R3'
expect_ok 'custody_ending: critical once past the 72 hours' '
	on "2026-06-13 08:00" critical custody_ending:2026-06-13:R3'
expect_ok 'release_preparation: from 2026-11-09 (2 months before 2027-01-09)' '
	on 2026-11-09 info release_preparation:2027-01-09:R4'
expect_ok 'release_preparation: not on 2026-11-08' '
	off 2026-11-08 release_preparation:2027-01-09:R4'
expect_ok 'release_due: from 2026-12-25 (15 days before), preparation gone' '
	on 2026-12-25 warning release_due:2027-01-09:R4 &&
	! grep -q release_preparation out'
expect_ok 'release_due: not on 2026-12-24' '
	off 2026-12-24 release_due:2027-01-09:R4'
expect_ok 'release_due: critical the day after, still held' '
	on 2027-01-10 critical release_due:2027-01-09:R4'
expect_ok 'reduction_round: from 2026-03-31 (30 days before 04-30)' '
	on 2026-03-31 info reduction_round:2026-04-30:R5'
expect_ok 'reduction_round: not on 2026-03-30' '
	off 2026-03-30 reduction_round:2026-04-30:R5'
expect_ok 'early_release_review: from 2026-08-03 (half served, 30 days before 09-02)' '
	on 2026-08-03 info early_release_review:2026-09-02:R5'
expect_ok 'early_release_review: not on 2026-08-02' '
	off 2026-08-02 early_release_review:2026-09-02:R5'
expect_ok 'classification_due: from 2026-05-15 (10 days before 05-25)' '
	on 2026-05-15 warning classification_due:2026-05-25:R6'
expect_ok 'classification_due: not on 2026-05-14' '
	off 2026-05-14 classification_due:2026-05-25:R6'
expect_ok 'classification_due: not for a quarter with a result (R6, 02-25)' '
	off 2026-03-01 classification_due:2026-02-25:R6'
expect_ok 'completion_missing: info from 2026-02-27 (15 days before 03-14)' '
	on 2026-02-27 info completion_missing:2026-03-14:R7'
expect_ok 'completion_missing: not on 2026-02-26' '
	off 2026-02-26 completion_missing:2026-03-14:R7'
expect_ok 'completion_missing: a warning from 2026-03-15, still open' '
	on 2026-03-15 warning completion_missing:2026-03-14:R7'
expect_ok 'record_clearance: on 2026-06-11' '
	on 2026-06-11 info record_clearance:2026-06-11:R8'
expect_ok 'record_clearance: not on 2026-06-10' '
	off 2026-06-10 record_clearance:2026-06-11:R8'
expect_ok 'em_proposal: from the violation, 2026-02-10' '
	on 2026-02-10 warning em_proposal:2026-02-10:R9'
expect_ok 'em_proposal: not on 2026-02-09' '
	off 2026-02-09 em_proposal:2026-02-10:R9'

test_done

#!/bin/sh
# thads-alert on the real NYC DOC records of 1 January 2019
# (testdata/records/), loaded through mappings/nyc-doc-daily.map, with a
# fixed --as-of 2019-01-01.  The file holds custody episodes only (no
# judgments, no detention orders), so two rules can fire:
#	detention_no_order	a person whose current episode is
#				pre-trial detention and who has no order
#	classification_due	an inmate serving since before the quarter
#				that closed 2018-11-25 began (on or before
#				2018-08-25), with no result for it
# Each count is checked against plain SQL written from those rules.
. "$(dirname "$0")/lib.sh"

THADS_ALERT_CONF=/dev/null
export THADS_ALERT_CONF
thads-import -q -d nyc.db -m "$SRCDIR/mappings/nyc-doc-daily.map" \
    "$TESTDATA/records/nyc-doc-dic-20190101-foil.csv" || exit 1
q() {
	sqlite3 nyc.db "$1"
}

# The current episode of each person: the open one admitted last.
CURRENT="SELECT e.person_id, e.status, e.admitted FROM episode e
    WHERE e.released IS NULL AND e.deleted_at IS NULL
      AND e.admitted = (SELECT max(f.admitted) FROM episode f
          WHERE f.person_id = e.person_id AND f.released IS NULL
            AND f.deleted_at IS NULL)"

thads-alert -d nyc.db --as-of 2019-01-01 -f tsv --no-header >alerts
st=$?
cut -f3 alerts | sort | uniq -c | awk '{ print $2 "|" $1 }' >by-rule

expect_ok 'the pass runs, exit 0' '[ "$st" -eq 0 ] && [ -s alerts ]'

expect_ok 'detention_no_order = current episode pre-trial, no order (SQL)' '
	n=$(q "SELECT count(*) FROM ($CURRENT) c
	    WHERE c.status = \"pretrial_detention\"
	      AND c.person_id NOT IN (SELECT person_id FROM detention_order)") &&
	[ "$n" -gt 5000 ] &&
	grep -qx "detention_no_order|$n" by-rule'

expect_ok 'classification_due = serving since 2018-08-25 or before, no result (SQL)' '
	n=$(q "SELECT count(*) FROM ($CURRENT) c
	    WHERE c.status = \"serving\"
	      AND substr(c.admitted, 1, 10) <= \"2018-08-25\"
	      AND NOT EXISTS (SELECT 1 FROM classification k
	          WHERE k.person_id = c.person_id
	            AND k.period_end = \"2018-11-25\")") &&
	[ "$n" -gt 50 ] &&
	grep -qx "classification_due|$n" by-rule'

expect_ok 'no other rule fires, and one alert per person and rule' '
	[ "$(wc -l <by-rule)" -eq 2 ] &&
	[ "$(cut -f2 alerts | sort | uniq -d | wc -l)" -eq 0 ]'

expect_ok 'every alert is dated as the rule says' '
	awk -F"\t" "\$3 == \"classification_due\" && \$5 != \"2018-11-25\" { exit 1 }
	    \$3 == \"detention_no_order\" && \$6 > 0 { exit 1 }" alerts'

thads-alert -d nyc.db --as-of 2019-01-01 check -f tsv --no-header >pb
expect_ok 'check: S117 for each inmate serving with no judgment on file (SQL)' '
	n=$(q "SELECT count(*) FROM ($CURRENT) c WHERE c.status = \"serving\"") &&
	[ "$(grep -c "^S117	" pb)" -eq "$n" ]'

expect_ok 'check: S102 for each person with two open detention episodes (SQL)' '
	n=$(q "SELECT count(*) FROM (SELECT person_id FROM episode
	    WHERE released IS NULL AND status = \"pretrial_detention\"
	    GROUP BY person_id HAVING count(*) > 1)") &&
	[ "$n" -ge 1 ] && [ "$(grep -c "^S102	" pb)" -eq "$n" ] &&
	[ "$(wc -l <pb)" -eq "$(($(grep -c "^S117	" pb) + n))" ]'

expect_ok 'a person re-admitted is held on the later admission (explain)' '
	p=$(q "SELECT p.ext_id FROM person p JOIN episode e ON e.person_id = p.id
	    GROUP BY p.id HAVING count(*) > 1 LIMIT 1") && [ -n "$p" ] &&
	thads-alert -d nyc.db --as-of 2019-01-01 explain "$p" -f tsv >out'

test_done

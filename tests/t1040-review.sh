#!/bin/sh
# Faults found by a user review that cut across the tools: a reader that
# goes away (| head) stops a tool quietly with the status of a broken
# pipe, 141, whatever the tool and the format.
. "$(dirname "$0")/lib.sh"

THADS_ALERT_CONF=/dev/null
export THADS_ALERT_CONF

expect_ok 'the dossier and the alert records load' "
	thads-import -q --today 2024-06-30 '$TESTDATA/report/dossier.csv' \
	    '$TESTDATA/report/records.csv' &&
	thads-import -q -d r.db --today 2026-12-31 '$TESTDATA/alert/rules.csv'"

# broken CMD...: run CMD with its standard output on a pipe whose reader
# has already gone: the reader (true) ends at once, CMD starts later, so
# its first write fails with EPIPE every time.  The status goes to rc,
# the messages to err.
broken() {
	{ sleep 0.3; "$@" 2>err; echo $? >rc; } | true
}

# quiet: the last run ended with 141 and said nothing.
quiet() {
	[ "$(cat rc)" = 141 ] && [ ! -s err ] ||
	    { echo "exit $(cat rc)"; cat err; return 1; }
}

for f in csv tsv jsonl xml table html; do
	expect_ok "thads-report -f $f population | (reader gone): exit 141, no message" "
		broken thads-report --as-of 2024-06-30 -f $f population &&
		quiet"
done

expect_ok 'thads-report with several tables | (reader gone): exit 141, no message' '
	broken thads-report --as-of 2024-06-30 -f jsonl population flow &&
	quiet'

for f in csv table xml; do
	expect_ok "thads-alert -f $f | (reader gone): exit 141, no message" "
		broken thads-alert -d r.db --as-of 2026-05-13 -f $f &&
		quiet"
done

expect_ok 'thads-import --dry-run | (reader gone): exit 141, no message' "
	broken thads-import -d dry.db --dry-run -f csv \
	    '$TESTDATA/report/dossier.csv' &&
	quiet && [ ! -e dry.db ]"

expect_ok 'thads-record export | (reader gone): exit 141, no message' '
	broken thads-record export --all && quiet'

expect_ok 'a full disk is still an error with a message: exit 74' '
	thads-report --as-of 2024-06-30 -f csv population >/dev/full 2>err;
	[ $? -eq 74 ] &&
	grep -qx "thads-report: cannot write csv output: No space left on device" err'

# --- element names of the xml output -----------------------------------

expect_ok 'thads-report -f xml: plural table elements (communities, events, reductions)' "
	thads-report --as-of 2024-06-30 --from 2023-01-01 --to 2023-12-31 \
	    -f xml community events reductions flow >x.out &&
	xmllint --noout x.out &&
	[ \"\$(xmllint --xpath 'count(/thads-report/communities)' x.out)\" = 1 ] &&
	[ \"\$(xmllint --xpath 'count(/thads-report/events)' x.out)\" = 1 ] &&
	[ \"\$(xmllint --xpath 'count(/thads-report/reductions/reduction)' x.out)\" -gt 0 ] &&
	[ \"\$(xmllint --xpath 'count(/thads-report/flows/flow)' x.out)\" -gt 0 ] &&
	! grep -q -e '<communitys' -e 'ss[ >]' x.out"

# --- messages that say what is allowed -----------------------------------

expect_fail 64 'thads-report --as-of 1850-01-01: exit 64' '
	thads-report --as-of 1850-01-01 population 2>err'

expect_ok 'thads-report --as-of 1850-01-01: the message gives the range of years' '
	thads-report --as-of 1850-01-01 population 2>err;
	grep -qx "thads-report: bad --as-of '"'"'1850-01-01'"'"': the year must be from 1900 to 2100" err &&
	thads-report --from 2024-02-30 population 2>err;
	grep -qx "thads-report: bad --from '"'"'2024-02-30'"'"': not a real date (YYYY-MM-DD, 1900 to 2100)" err'

printf 'person.id,person.age,person.sex,person.name\nP1,500,male,An\nP2,30,servin,Ba\nP3,30,male,"C\001D"\n' >msg.csv

expect_ok 'thads-import: a number out of range gives the range, a bad word the words, bad text its fault' '
	thads-import -d msg.db msg.csv 2>err; [ $? -eq 65 ] &&
	grep -qx "thads-import: msg.csv:2: person.age: '"'"'500'"'"' is not a whole number from 0 to 130" err &&
	grep -qx "thads-import: msg.csv:3: person.sex: '"'"'servin'"'"' is not one of male, female, unknown" err &&
	grep -qx "thads-import: msg.csv:4: person.name: '"'"'C?D'"'"' is holding a control character (byte 0x01)" err'

# --- thads-report(1) -----------------------------------------------------

expect_ok 'thads-report(1) no longer says the training table is missing' "
	! grep -q -e 'does not have yet' -e 'no table of education and training yet' \
	    '$SRCDIR/man/thads-report.1' &&
	grep -q 'schema' '$SRCDIR/man/thads-report.1'"

test_done

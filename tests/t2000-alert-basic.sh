#!/bin/sh
# thads-alert: the commands, every output format, the configuration and
# the rule pack, exit codes, check and compare, on testdata/alert/.
. "$(dirname "$0")/lib.sh"

THADS_ALERT_CONF=/dev/null
export THADS_ALERT_CONF
CSV=$TESTDATA/alert/rules.csv

thads-import -q -d r.db --today 2026-12-31 "$CSV" || exit 1
a() {
	thads-alert -d r.db "$@"
}

expect_ok 'run: table by default, a header and one row per alert' '
	a --as-of 2026-05-13 >out &&
	head -1 out | grep -q "^severity  *key  *rule  *person  *date  *days_left  *reason" &&
	grep -q "detention_expiring:2026-05-28:R1" out'

expect_ok 'run -f csv: RFC 4180 with the header row' '
	a --as-of 2026-05-13 -f csv >out &&
	head -1 out | tr -d "\r" | grep -qx "severity,key,rule,person,date,days_left,reason" &&
	grep -q "^warning,detention_expiring:2026-05-28:R1,detention_expiring,R1,2026-05-28,15," out'

expect_ok 'run -f jsonl: one object per alert, days_left a number' '
	a --as-of 2026-05-13 -f jsonl >out &&
	grep -q "\"key\":\"detention_expiring:2026-05-28:R1\"" out &&
	grep -q "\"days_left\":15" out &&
	python3 -c "import json,sys; [json.loads(l) for l in open(\"out\")]"'

expect_ok 'run -f xml: <alerts> of <alert>' '
	a --as-of 2026-05-13 -f xml >out &&
	grep -q "<alerts>" out && grep -q "<key>detention_expiring:2026-05-28:R1</key>" out'

expect_ok 'run -f tsv --no-header' '
	a --as-of 2026-05-13 -f tsv --no-header >out &&
	! grep -q "^severity" out && grep -q "	R1	2026-05-28	15	" out'

expect_ok '--min-severity critical keeps only the critical ones' '
	a --as-of 2026-06-01 -f tsv --no-header --min-severity critical >out &&
	[ -s out ] && ! grep -qv "^critical	" out &&
	grep -q "detention_expired:2026-05-28:R1" out'

expect_ok '--exit-code: 0 and no rows when nothing is due (2024-01-01)' '
	a --as-of 2024-01-01 --exit-code -f tsv --no-header >out && [ ! -s out ]'

expect_fail 1 '--exit-code: 1 when alerts were emitted' '
	a --as-of 2026-05-13 --exit-code >out'

expect_fail 64 'an unknown command exits 64' 'a frobnicate 2>err'
expect_fail 64 'ack without --by exits 64' \
	'a ack detention_expiring:2026-05-28:R1 2>err'
expect_fail 64 'override without --reason exits 64' \
	'a override R4 release 2027-01-01 --by lan 2>err'
expect_fail 64 'a bad --as-of exits 64' 'a --as-of 2026-02-30 2>err'
expect_fail 66 'a missing database exits 66' \
	'thads-alert -d nothing-here.db --as-of 2026-01-01 2>err'
expect_fail 66 'explain of an unknown person exits 66' \
	'a explain NOBODY 2>err && false; grep -q "no person .NOBODY." err; exit 66'

expect_ok 'rules: every figure with value, date, status and basis; no database' '
	thads-alert -d nothing.db rules --as-of 2026-01-01 -f tsv >out &&
	[ ! -e nothing.db ] &&
	grep -q "^detention.investigation.base.serious	3m	2018-01-01	in force	CPC Art. 173(2)$" out &&
	grep -q "^detention.trial.base.very_serious	2m	2018-01-01	to confirm	CPC Art. 277, 278$" out &&
	grep -q "^term.aggregate_cap	30y	" out &&
	grep -q "^alert.detention_expiring	lead 15d, warning		enabled	" out &&
	grep -q "^tet.2026	2026-02-17	" out &&
	grep -q "^holiday	2026-02-16	" out'

expect_ok 'rules: figures not yet in force in 2017 say so' '
	thads-alert rules --as-of 2017-06-01 -f tsv >out &&
	grep -q "^term.aggregate_cap			not in force	$" out'

printf '[detention_expiring]\nlead = 20d\nseverity = critical\n[em_proposal]\nenabled = no\n' >c.conf
expect_ok '--config: a longer lead, another severity, a rule turned off' '
	a -c c.conf --as-of 2026-05-08 -f tsv --no-header >out &&
	grep -q "^critical	detention_expiring:2026-05-28:R1	" out &&
	! grep -q em_proposal out &&
	a -c c.conf --as-of 2026-05-07 -f tsv --no-header >out &&
	! grep -q detention_expiring out'

expect_ok 'THADS_ALERT_CONF names the configuration too' '
	THADS_ALERT_CONF=c.conf a --as-of 2026-05-08 -f tsv --no-header >out &&
	grep -q "^critical	detention_expiring" out'

printf '[detention_expiring]\nlead = soon\n' >bad.conf
expect_fail 78 'a bad configuration exits 78 naming file and line' '
	a -c bad.conf --as-of 2026-05-08 2>err >out;
	st=$?; grep -q "bad.conf:2: bad .lead = soon." err; exit $st'

printf '[term]\nfixed_max = 2019-01-01 20 PC\n' >bad.ini
expect_fail 78 'a bad rule pack exits 78 naming file and line' '
	a --rules bad.ini --as-of 2026-01-01 2>err >out;
	st=$?; grep -q "bad.ini:2: bad value" err; exit $st'

expect_ok 'explain: each step with its rule and basis, problems and alerts' '
	a explain R4 --as-of 2026-12-25 -f tsv >out &&
	grep -q "^J4	release	2027-01-09	release: 2024-01-10 + 36 months = 2027-01-10" out &&
	grep -q "^J4	reduction_first	2025-01-10	.*	reduction.first_fraction	PC Art. 63(1)$" out &&
	grep -q "^	alert	2027-01-09	warning release_due:2027-01-09:R4" out'

expect_ok 'explain: the detention example of the issue, word for word' '
	a explain R1 --as-of 2026-05-13 -f tsv >out &&
	grep -q "detention, serious crime (investigation): 3 months = 90 days counted from 2026-03-02 inclusive, less 0 days of custody = 90 days: last day 2026-05-30" out'

expect_ok 'explain takes #ROWID and the national ID too' '
	a explain "#1" --as-of 2026-05-13 -f tsv >out &&
	grep -q "detention_expiry" out'

expect_ok 'compare: our date, theirs, the difference and the convention' '
	a compare -f tsv --no-header >out &&
	[ "$(wc -l <out)" -eq 1 ] &&
	grep -q "^R4	J4	2027-01-10	2027-01-09	1	the day after our last day" out'

cat >bad.csv <<'EOT'
person.id,episode.facility,episode.status,episode.admitted,judgment.number,judgment.date,judgment.sentence_type,judgment.term_years,judgment.start,judgment.consecutive_to
B1,TG-HOALO,serving,2025-01-01,J2,2025-01-01,fixed_term,2,2025-01-01,J9
B2,TG-HOALO,serving,2025-01-01,,,,,,
EOT
thads-import -q -d b.db --today 2026-12-31 bad.csv
expect_fail 1 'check --exit-code: problems with stable codes, exit 1' '
	thads-alert -d b.db check -f tsv --no-header --exit-code >out'
expect_ok 'check: S106 for a missing consecutive judgment, S117 for no judgment' '
	thads-alert -d b.db check -f tsv --no-header >out;
	grep -q "^S106	consecutive-missing	error	B1	J2	" out &&
	grep -q "^S117	serving-without-judgment	warning	B2		" out'

expect_ok 'the good dossiers have no problem' '
	a check -f tsv --no-header >out && [ ! -s out ]'

test_done

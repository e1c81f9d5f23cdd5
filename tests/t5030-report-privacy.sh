#!/bin/sh
# thads-report for publication: --suppress hides small counts and the
# cells that would give them away; --pseudonymize hides who is who in
# lists and in an analyst's query.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
expect_ok 'the dossier loads' "
	thads-import -q --today 2024-06-30 '$TESTDATA/report/dossier.csv' \
	    '$TESTDATA/report/records.csv'"
report() {
	thads-report --as-of 2024-06-30 -f csv "$@" | tr -d '\r'
}

cat >fac.expected <<'X'
facility,persons,share_pct
D-C,3,37.5
P-A,x,x
P-B,x,x
W-1,x,x
W-2,x,x
(all),8,100.0
X
expect_ok '--suppress 3: counts of 1 and 2 hidden, their shares too' "
	report --by facility --suppress 3 population >fac.out &&
	test_cmp fac.expected fac.out"

cat >sex.expected <<'X'
sex,persons,share_pct
male,x,x
female,x,x
(all),8,100.0
X
expect_ok '--suppress 3: 2 women of 8 hides the 6 men as well, or the
total would give them away' "
	report --by sex --suppress 3 population >sex.out &&
	test_cmp sex.expected sex.out"

expect_ok 'without --suppress nothing is hidden' "
	report --by sex population | grep -q '^female,2,25.0'"

# check.py N COLS: on a csv report, no visible count is from 1 to N-1,
# and no equation the report holds (releases = the reasons, in each
# row; the (all) row = the periods, in each column) has exactly one
# hidden cell.
cat >check.py <<'X'
import csv, sys
n, rows = int(sys.argv[1]), list(csv.reader(sys.stdin))
head, body = rows[0], rows[1:]
counts = [i for i, h in enumerate(head) if h in ('admissions',
    'releases') or h.startswith('released_')]
for r in body:
    for i in counts:
        if r[i] != 'x' and 1 <= int(r[i]) < n:
            sys.exit('visible small count %s in %s' % (r[i], r[0]))
    rel = head.index('releases')
    eq = [r[rel]] + [r[i] for i in counts if head[i].startswith('released_')]
    if eq.count('x') == 1:
        sys.exit('row %s: one hidden cell' % r[0])
for i in counts:
    col = [r[i] for r in body]
    if col.count('x') == 1:
        sys.exit('column %s: one hidden cell' % head[i])
print(sum(r.count('x') for r in body))
X
expect_ok '--suppress 3 on the flow of 2023: no small count shows, and no
hidden cell is alone in a row or column sum' "
	report --from 2023-01-01 --to 2023-12-31 --suppress 3 flow >f.out &&
	$PY check.py 3 <f.out >f.n && [ \$(cat f.n) -gt 20 ]"
expect_ok '--suppress 2 on the recidivism by sex: the 1 woman returned
is hidden with her rate' "
	report --from 2023-01-01 --to 2023-12-31 --by sex --suppress 2 \
	    recidivism | grep '^female' | cut -d, -f1-6 >r.out &&
	echo 'female,3,complete,3,x,x' >r.expected && test_cmp r.expected r.out"
expect_ok 'the suppression is stated in the metadata' "
	thads-report --as-of 2024-06-30 -f jsonl --by sex --suppress 3 \
	    population | grep -q '\"suppression\":\"counts from 1 to 2 hidden'"

umask 077
printf 'a key of thirty-two bytes, kept.\n' >key
expect_ok '--pseudonymize: ids in a list are HMAC-SHA-256 of the agency
number under the key (first 128 bits), the same a second time' "
	report --list --pseudonymize key population | cut -d, -f1 | sed 1d \
	    >p1.out &&
	report --list --pseudonymize key population | cut -d, -f1 | sed 1d \
	    >p2.out && test_cmp p1.out p2.out &&
	report --list population | cut -d, -f1 | sed 1d >ids &&
	$PY -c \"import hmac, hashlib, sys
key = open('key', 'rb').read().rstrip(b'\\\\n')
for l in open('ids'):
    print(hmac.new(key, l.strip().encode(), hashlib.sha256).hexdigest()[:32])\" \
	    >p.expected && test_cmp p.expected p1.out &&
	! grep -q R1 p1.out && [ \$(wc -l <p1.out) -eq 8 ]"
printf 'another key, also thirty-two bytes\n' >key2
expect_ok 'another key gives other pseudonyms' "
	report --list --pseudonymize key2 population | cut -d, -f1 | sed 1d \
	    >q.out && ! cmp -s p1.out q.out"
expect_ok 'the cohort list too' "
	report --from 2023-01-01 --to 2023-12-31 --list --pseudonymize key \
	    recidivism | sed 1d | cut -d, -f1 | grep -c '^[0-9a-f]\{32\}\$' |
	grep -qx 6"
expect_ok 'sql with a key: identifying columns read as NULL' "
	thads-report -f csv --pseudonymize key sql \"SELECT ext_id,
	    national_id, birth_date, sex FROM person WHERE ext_id IS NOT NULL
	    OR national_id IS NOT NULL OR birth_date IS NOT NULL\" |
	tr -d '\r' | sed 1d | grep -c . | grep -qx 0 &&
	thads-report -f csv --pseudonymize key sql 'SELECT count(*),
	    count(sex) FROM person' | tr -d '\r' | tail -1 | grep -qx 16,16"
expect_ok 'sql with a key: a subquery or an alias does not get round it' "
	thads-report -f csv --pseudonymize key sql \"SELECT x FROM (SELECT
	    ext_id AS x FROM person) WHERE x IS NOT NULL\" | tr -d '\r' |
	sed 1d | grep -c . | grep -qx 0"
expect_ok 'sql with a key: the view person_pseudonym gives the same
pseudonyms as the lists, and pseudonym() the same hash' "
	thads-report -f csv --pseudonymize key sql \"SELECT v.person FROM
	    episode e JOIN person_pseudonym v ON v.id = e.person_id
	    WHERE e.admitted < '2024-07-01' AND (e.released IS NULL
	    OR e.released >= '2024-07-01') ORDER BY 1\" | tr -d '\r' |
	sed 1d >v.out && sort p1.out >p1.sorted && test_cmp p1.sorted v.out &&
	thads-report -f csv --pseudonymize key sql \"SELECT pseudonym('R13')\" |
	tr -d '\r' | tail -1 >h.out &&
	grep -qxf h.out p1.out"
expect_fail 65 'sql with a key: the name index, which holds every folded name,
is refused' "
	thads-report -f csv --pseudonymize key sql \
	    'SELECT hex(block) FROM person_fts_data' 2>fts.err; st=\$?
	grep -q 'refused: with a key, the name index table person_fts_data' \
	    fts.err && exit \$st"
expect_ok 'sql with a key: alert keys (which end in the dossier number) and
officers reasons read as NULL' "
	sqlite3 thads.db \"INSERT INTO alert_ack VALUES
	    ('release_due:2024-07-01:R13', 'lan', 'x', 'R13 moved')\" &&
	thads-report -f csv --pseudonymize key sql \
	    'SELECT key, reason, acked_by FROM alert_ack' | tr -d '\\r' |
	tail -1 | grep -qx ',,lan'"
expect_ok 'without a key, no pseudonym view' "
	! thads-report -f csv sql 'SELECT * FROM person_pseudonym' 2>/dev/null"
chmod 644 key2
expect_fail 78 'a key that others can read is refused' "
	thads-report --list --pseudonymize key2 population"
printf 'short\n' >short
expect_fail 78 'a key shorter than 16 bytes is refused' "
	thads-report --list --pseudonymize short population"
expect_fail 66 'a missing key file' "
	thads-report --list --pseudonymize nosuch population"

test_done

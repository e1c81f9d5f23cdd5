#!/bin/sh
# thads-record add, export and the computed dates of show: validated as
# thads-import validates, audited, nothing written on error; an export
# that thads-import loads back into the same bytes.
. "$(dirname "$0")/lib.sh"

XSD=$SRCDIR/schema/thads-interchange.xsd

# The audit entry count, the access log and the dossiers' content, to
# see that a refused command wrote nothing.
state() {
	sqlite3 e.db "SELECT count(*) FROM audit;
	    SELECT count(*) FROM access_log;
	    SELECT * FROM person ORDER BY id; SELECT * FROM judgment ORDER BY id;
	    SELECT * FROM episode ORDER BY id; SELECT * FROM violation ORDER BY id"
}

# One interchange dossier on stdout: a person and what follows.
dossier() {
	printf '<?xml version="1.0" encoding="UTF-8"?>\n'
	printf '<thads xmlns="urn:thads:interchange:1" version="1">\n'
	printf '<dossier><person><id>%s</id></person>%s</dossier>\n' "$1" "$2"
	printf '</thads>\n'
}

expect_ok 'load the dossiers' '
	thads-import -q -d e.db "$TESTDATA/record/persons.csv" \
	    "$TESTDATA/xml/good-dossiers.xml"'

expect_ok 'add person: found, audited with the reason and the actor' '
	thads-record -d e.db --actor officer-7 add person --id HS-A-0100 \
	    --name "Đỗ Văn Bình" --birth-date 1992-04-01 --sex male \
	    --reason "admitted today" &&
	thads-record -d e.db -f csv find do van binh | grep -q "^HS-A-0100," &&
	[ "$(sqlite3 e.db "SELECT actor || '"'|'"' || action || '"'|'"' ||
	    tbl || '"'|'"' || reason FROM audit ORDER BY id DESC LIMIT 1")" = \
	    "officer-7|insert|person|admitted today" ] &&
	thads-record -d e.db verify-audit'
expect_ok 'add judgment and episode to it with --person; fields take dashes' '
	thads-record -d e.db add judgment --person HS-A-0100 \
	    --number 9/2026/HS-ST --date 2026-01-10 --sentence-type=fixed_term \
	    --term-years 2 --reason "judgment received" &&
	thads-record -d e.db add episode --person HS-A-0100 \
	    --facility TG-HOALO --facility.name "Hỏa Lò" --status serving \
	    --admitted "2026-01-12 09:00" --judgment 9/2026/HS-ST &&
	[ "$(sqlite3 e.db "SELECT j.term_years || '"'|'"' || e.admitted ||
	    '"'|'"' || f.name FROM person p JOIN judgment j ON j.person_id = p.id
	    JOIN episode e ON e.person_id = p.id JOIN facility f
	    ON f.id = e.facility_id WHERE p.ext_id = '"'HS-A-0100'"'")" = \
	    "2|2026-01-12 09:00:00|Hỏa Lò" ]'
expect_ok 'add the other kinds: order, classification, reduction, violation' '
	thads-record -d e.db add detention_order --person HS-2024-0001 \
	    --number 5/LT --issued 2024-01-16 --start 2024-01-15 \
	    --end 2024-04-14 --category less_serious --stage investigation &&
	thads-record -d e.db add classification --person HS-2024-0001 \
	    --period quarter --period-end 2024-09-30 --result good &&
	thads-record -d e.db add reduction --person HS-2024-0001 \
	    --decision 77/QD --date 2024-09-02 --months 3 \
	    --judgment 123/2024/HS-ST &&
	thads-record -d e.db add violation --person HS-2024-0001 \
	    --date 2024-08-01 --kind fight --note "cell 4"'
expect_ok 'add violation - reads one XML record from stdin' '
	dossier HS-A-0100 "<violation><date>2026-03-01</date><kind>fight</kind>
	    </violation>" | thads-record -d e.db add violation - \
	    --reason "report 12" &&
	[ "$(sqlite3 e.db "SELECT v.kind || '"'|'"' || a.reason FROM violation v
	    JOIN person p ON p.id = v.person_id JOIN audit a
	    ON a.tbl = '"'violation'"' AND a.row_id = v.id
	    WHERE p.ext_id = '"'HS-A-0100'"'")" = "fight|report 12" ]'

expect_ok 'show has the computed dates of the sentence engine' '
	thads-record -d e.db show HS-A-0100 >s.out &&
	sed -n "/^computed 2/,\$p" s.out >c.out &&
	grep -q "judgment *9/2026/HS-ST" c.out &&
	grep -q "start *2026-01-12" c.out &&
	grep -q "release *2028-01-11" c.out'
expect_ok 'show -f jsonl: one JSON object a line, computed dates included' '
	thads-record -d e.db -f jsonl show HS-A-0100 >s.jsonl &&
	python3 -c "import json, sys; [json.loads(l) for l in open(sys.argv[1])]" \
	    s.jsonl &&
	grep -qx "{\"section\":\"computed\",\"item\":2,\"field\":\"release\",$(
	    )\"value\":\"2028-01-11\"}" s.jsonl'
expect_ok 'show -f xml is well-formed XML with the computed dates' '
	thads-record -d e.db -f xml show HS-A-0100 >s.xml &&
	xmllint --noout --nonet s.xml &&
	grep -q "<value>2028-01-11</value>" s.xml'

state >before.out
expect_fail 64 'add: an unknown field: one line naming it, exit 64' '
	thads-record -d e.db add judgment --person HS-A-0100 --number 1/X \
	    --colour red 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "judgment.colour" e.out &&
	exit $st'
expect_fail 65 'add: a bad date: one line naming it, exit 65' '
	thads-record -d e.db add judgment --person HS-A-0100 --number 2/X \
	    --date 2026-02-30 --sentence-type fixed_term --term-years 1 \
	    2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "2026-02-30" e.out && exit $st'
expect_fail 65 'add: an unknown dossier: one line naming it, exit 65' '
	thads-record -d e.db add judgment --person HS-NOPE --number 3/X \
	    --date 2026-01-02 --sentence-type fixed_term --term-years 1 \
	    2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "HS-NOPE" e.out && exit $st'
expect_fail 65 'add: a person that exists: one line naming it, exit 65' '
	thads-record -d e.db add person --id HS-A-0100 --name X 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "HS-A-0100.*exists" e.out &&
	exit $st'
expect_fail 65 'add: a judgment that exists: refused, exit 65' '
	thads-record -d e.db add judgment --person HS-A-0100 \
	    --number 9/2026/HS-ST --date 2026-01-10 \
	    --sentence-type fixed_term --term-years 3 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "9/2026/HS-ST.*exists" e.out &&
	exit $st'
expect_fail 64 'add: an unknown kind, exit 64' '
	thads-record -d e.db add widget --x y 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "widget" e.out && exit $st'
expect_fail 64 'add: a kind without its person, exit 64' '
	thads-record -d e.db add violation --date 2026-01-01 --kind x 2>e.out'
expect_fail 64 'add: a facility alone, exit 64' '
	thads-record -d e.db add facility --code X 2>e.out'
expect_fail 64 'add: a field with no value, exit 64' '
	thads-record -d e.db add person --name 2>e.out'
expect_fail 65 'add -: two records on stdin, exit 65' '
	dossier HS-A-0100 "<violation><date>2026-03-02</date><kind>a</kind>
	    </violation><violation><date>2026-03-03</date><kind>b</kind>
	    </violation>" | thads-record -d e.db add violation - 2>e.out'
expect_fail 65 'add -: an unknown element, exit 65, one line naming it' '
	dossier HS-A-0100 "<violation><date>2026-03-02</date><kind>a</kind>
	    <colour>x</colour></violation>" |
	    thads-record -d e.db add violation - 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "colour" e.out && exit $st'
expect_fail 65 'add -: an unknown dossier, exit 65' '
	dossier HS-NOPE "<violation><date>2026-03-02</date><kind>a</kind>
	    </violation>" | thads-record -d e.db add violation - 2>e.out; st=$?
	grep -q "HS-NOPE" e.out && exit $st'
expect_fail 64 'add -: fields on the command line too, exit 64' '
	dossier HS-A-0100 "" |
	    thads-record -d e.db add person - --name X 2>e.out'
expect_ok 'none of the refused adds wrote anything' '
	state >after.out && test_cmp before.out after.out'

expect_ok 'export --all: valid against the XSD, mode 0600' '
	thads-record -d e.db export --all -o a.xml &&
	xmllint --noout --nonet --schema "$XSD" a.xml 2>x.err &&
	[ "$(stat -c %a a.xml)" = 600 ] &&
	[ "$(grep -c "<dossier>" a.xml)" = \
	    "$(sqlite3 e.db "SELECT count(*) FROM person
	    WHERE deleted_at IS NULL")" ] &&
	grep -q "<extra name=\"TOP_CHARGE\">Điều 173</extra>" a.xml &&
	grep -q "<detention_order>" a.xml && grep -q "<reduction>" a.xml &&
	grep -q "<classification>" a.xml && grep -q "<violation>" a.xml'
expect_ok 'round trip: export, import into an empty db, export: same bytes' '
	thads-import -q -d r.db a.xml &&
	thads-record -d r.db export --all -o b.xml &&
	cmp a.xml b.xml'
expect_ok 'export -o x.zst is zstd of the same document' '
	thads-record -d e.db export --all -o a.xml.zst &&
	[ "$(stat -c %a a.xml.zst)" = 600 ] &&
	zstd -dcq a.xml.zst | cmp - a.xml'
expect_ok 'export of some dossiers to stdout, in the access log' '
	thads-record -d e.db --actor officer-9 export HS-A-0100 HS-R-0001 \
	    >two.xml &&
	[ "$(grep -c "<dossier>" two.xml)" = 2 ] &&
	thads-record -d e.db -f csv access-log HS-A-0100 | tr -d "\r" |
	    grep -q "officer-9,thads-record,export$"'
expect_ok 'a soft-deleted record stays behind' '
	thads-record -d e.db delete HS-R-0002 --reason duplicate &&
	thads-record -d e.db export --all >d.xml &&
	! grep -q "HS-R-0002" d.xml &&
	xmllint --noout --nonet --schema "$XSD" d.xml 2>x.err'
expect_ok 'export --since: only the dossiers changed since' '
	sqlite3 e.db "UPDATE person SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE judgment SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE episode SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE detention_order SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE classification SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE reduction SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE violation SET updated_at = '"'2001-01-01T00:00:00Z'"';
	    UPDATE violation SET updated_at = '"'2020-05-05T00:00:00Z'"'
	    WHERE note = '"'cell 4'"'" &&
	thads-record -d e.db export --all --since 2020-01-01 >s.xml &&
	[ "$(grep -c "<dossier>" s.xml)" = 1 ] &&
	grep -q "<id>HS-2024-0001</id>" s.xml &&
	thads-record -d e.db export --all --since 2020-05-06 >s.xml &&
	! grep -q "<dossier>" s.xml'

state >before.out
expect_fail 73 'export refuses to replace a file without --force' '
	echo keep >old.xml &&
	thads-record -d e.db export --all -o old.xml 2>e.out; st=$?
	[ "$(cat old.xml)" = keep ] && [ "$(wc -l <e.out)" -eq 1 ] &&
	grep -q "old.xml" e.out && exit $st'
expect_fail 73 'export refuses a symlink, even with --force' '
	echo keep >target && ln -s target link.xml &&
	thads-record -d e.db export --all --force -o link.xml 2>e.out; st=$?
	[ "$(cat target)" = keep ] && exit $st'
expect_fail 65 'export of an unknown dossier: one line naming it, no file' '
	thads-record -d e.db export HS-R-0001 HS-NOPE -o n.xml 2>e.out; st=$?
	[ ! -e n.xml ] && [ "$(wc -l <e.out)" -eq 1 ] &&
	grep -q "HS-NOPE" e.out && exit $st'
expect_fail 64 'export --since with a bad date, exit 64' '
	thads-record -d e.db export --all --since 2026-13-01 2>e.out'
expect_fail 64 'export with neither dossiers nor --all, exit 64' '
	thads-record -d e.db export 2>e.out'
expect_ok 'the refused exports logged nothing' '
	state >after.out && test_cmp before.out after.out'
expect_ok 'export --force replaces a file' '
	thads-record -d e.db export --all --force -o old.xml &&
	grep -q "<thads" old.xml && [ "$(stat -c %a old.xml)" = 600 ]'

test_done

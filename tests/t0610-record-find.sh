#!/bin/sh
# thads-record find, show, history and access-log.
. "$(dirname "$0")/lib.sh"

expect_ok 'load the search cases' '
	thads-import -q -d r.db "$TESTDATA/record/persons.csv"'

# The dossier numbers that find prints, in order, on one line.
ids() {
	thads-record -d r.db -f csv --no-header "$@" | cut -d, -f1 |
	    tr -d "\r" | tr "\n" " "
}

expect_ok 'accents, case and spacing do not matter; exact first' '
	a=$(ids find nguyen van a) && b=$(ids find "Nguyễn Văn A") &&
	c=$(ids find "NGUYEN  VAN A") && d=$(ids find Nguyen Van  A) &&
	[ "$a" = "HS-R-0002 HS-R-0005 " ] && [ "$a" = "$b" ] &&
	[ "$a" = "$c" ] && [ "$a" = "$d" ]'
expect_ok 'the exact match is marked exact, the others partial' '
	thads-record -d r.db -f csv --no-header find nguyen van a >f.out &&
	sed -n 1p f.out | grep -q ",exact," &&
	sed -n 2p f.out | grep -q ",partial,"'
expect_ok '"Dang" finds "Đặng" (and a Dang spelt plainly)' '
	[ "$(ids find Dang)" = "HS-R-0004 HS-R-0003 " ] ||
	[ "$(ids find Dang)" = "HS-R-0003 HS-R-0004 " ]'
expect_ok '"đặng" and "ĐẶNG" find the same' '
	[ "$(ids find đặng)" = "$(ids find ĐẶNG)" ] &&
	[ "$(ids find đặng)" = "$(ids find dang)" ]'
expect_ok 'aliases are searched too' '
	[ "$(ids find dinh thi hoa)" = "HS-R-0003 " ] &&
	[ "$(ids find hoa den)" = "HS-R-0003 " ]'
expect_ok 'filters: --id, --national-id, --born, --facility, --status' '
	[ "$(ids find --id HS-R-0004)" = "HS-R-0004 " ] &&
	[ "$(ids find --national-id 001190000001)" = "HS-R-0001 " ] &&
	[ "$(ids find --born 1985-03-03)" = "HS-R-0003 " ] &&
	[ "$(ids find --facility TG-CHIHOA --status probation)" = "HS-R-0004 " ] &&
	[ "$(ids find van --facility TG-HOALO --limit 1)" = "HS-R-0002 " ]'
expect_ok 'partial matches: shortest name first, then the limit' '
	[ "$(ids find van)" = "HS-R-0002 HS-R-0001 HS-R-0004 HS-R-0005 " ] &&
	[ "$(ids find van --limit 2)" = "HS-R-0002 HS-R-0001 " ] &&
	[ "$(ids find van --status serving)" = \
	    "HS-R-0002 HS-R-0001 HS-R-0005 " ]'
expect_fail 1 'nothing found: exit 1, no rows' '
	thads-record -d r.db -f csv --no-header find nobody >n.out; st=$?
	[ ! -s n.out ] && exit $st'
for f in table csv tsv jsonl xml; do
	expect_ok "find writes --format $f" "
		thads-record -d r.db -f $f find nguyen van a >o.$f &&
		grep -q HS-R-0002 o.$f"
done
expect_ok 'show: the whole dossier, text by default' '
	thads-record -d r.db show HS-R-0003 >s.out &&
	grep -q "^person 1" s.out && grep -q "^episode 1" s.out &&
	grep -q "Đặng Thị Hoa" s.out && grep -q "TG-CHIHOA" s.out'
expect_ok 'show --format jsonl and xml' '
	thads-record -d r.db -f jsonl show HS-R-0003 | grep -q "\"field\":\"name\"" &&
	thads-record -d r.db -f xml show "#3" | grep -q "Đặng Thị Hoa"'
expect_fail 65 'show of an unknown dossier: one line, exit 65' '
	thads-record -d r.db show HS-NOPE 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "unknown dossier '"'"'HS-NOPE'"'"'" e.out &&
	exit $st'
expect_ok 'history lists the changes to the dossier' '
	thads-record -d r.db -f csv history HS-R-0003 >h.out &&
	grep -q ",insert,person,," h.out && grep -q ",insert,episode,," h.out &&
	! grep -q HS-R-0001 h.out'
expect_ok 'show and history are in the access log; find is not' '
	thads-record -d r.db --actor officer-7 -f csv --no-header access-log HS-R-0003 | tr -d "\r" >l.out &&
	[ "$(grep -c ",show$" l.out)" -eq 3 ] &&
	[ "$(grep -c ",history$" l.out)" -eq 1 ] &&
	thads-record -d r.db --actor officer-7 show HS-R-0001 >/dev/null &&
	thads-record -d r.db -f csv --no-header access-log HS-R-0001 |
	    grep -q ",officer-7,thads-record,show"'
expect_ok 'a soft-deleted person is not found' '
	cp r.db sd.db && sqlite3 sd.db "UPDATE person SET deleted_at = '"'2024-01-01'"' WHERE ext_id = '"'HS-R-0002'"'" &&
	[ "$(thads-record -d sd.db -f csv --no-header find nguyen van a | cut -d, -f1)" = HS-R-0005 ]'

expect_fail 64 'find --born with a day that does not exist is refused' '
	thads-record -d r.db find --born 2024-02-30 2>err; st=$?
	grep -q "bad --born .2024-02-30.: not a real date" err && exit $st'
expect_fail 64 'find --status with no such status is refused' '
	thads-record -d r.db find --status nonsense 2>err; st=$?
	grep -q "bad --status .nonsense." err && exit $st'
expect_fail 64 'find --limit past a long is refused' '
	thads-record -d r.db find --limit 99999999999999999999 dang'
expect_ok 'find --status takes any spelling of a status' '
	thads-record -d r.db -f csv --no-header find --status SERVING >s1.out &&
	thads-record -d r.db -f csv --no-header find --status serving >s2.out &&
	cmp s1.out s2.out'

test_done

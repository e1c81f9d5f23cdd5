#!/bin/sh
# thads-record set and delete: validated as thads-import validates,
# audited with a reason, nothing written on error, no lost update.
. "$(dirname "$0")/lib.sh"

# The audit entry count and the database's content, to see that a
# refused change wrote nothing.
state() {
	sqlite3 e.db "SELECT count(*) FROM audit;
	    SELECT * FROM person ORDER BY id"
}

expect_ok 'load the dossiers' '
	thads-import -q -d e.db "$TESTDATA/record/persons.csv"'
expect_ok 'set changes fields, audited with old, new and the reason' '
	thads-record -d e.db --actor officer-7 set HS-R-0001 \
	    name="Nguyễn Văn Ân" ethnicity=Kinh --reason "typo in the book" &&
	thads-record -d e.db -f csv history HS-R-0001 | tr -d "\r" >h.out &&
	tail -1 h.out | grep -q "officer-7,thads-record,update,person" &&
	tail -1 h.out | grep -q "Nguyễn Văn An" &&
	tail -1 h.out | grep -q "Nguyễn Văn Ân.*typo in the book$" &&
	[ "$(sqlite3 e.db "SELECT name_folded || '"'|'"' || ethnicity FROM person
	    WHERE ext_id = '"'HS-R-0001'"'")" = "nguyen van an|Kinh" ] &&
	thads-record -d e.db verify-audit'
expect_ok 'set of a field of another kind with its key adds to it' '
	thads-record -d e.db set HS-R-0001 episode.facility=TG-HOALO \
	    episode.admitted=2021-01-01 episode.status=serving \
	    episode.custody_level=maximum \
	    --reason "classified" &&
	[ "$(sqlite3 e.db "SELECT custody_level FROM episode
	    WHERE admitted LIKE '"'2021-01-01%'"' AND person_id = 1")" = maximum ]'

state >before.out
expect_fail 64 'an unknown field: one line naming it, exit 64, nothing written' '
	thads-record -d e.db set HS-R-0001 colour=blue 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "person.colour" e.out && exit $st'
expect_fail 65 'a bad date: one line naming it, exit 65' '
	thads-record -d e.db set HS-R-0001 birth_date=1990-02-30 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "1990-02-30" e.out && exit $st'
expect_fail 65 'a bad enumeration: exit 65' '
	thads-record -d e.db set HS-R-0001 sex=maybe 2>e.out'
expect_fail 65 'an unknown dossier: one line naming it, exit 65' '
	thads-record -d e.db set HS-NOPE name=X 2>e.out; st=$?
	[ "$(wc -l <e.out)" -eq 1 ] && grep -q "HS-NOPE" e.out && exit $st'
expect_fail 64 'the dossier number cannot be set' '
	thads-record -d e.db set HS-R-0001 id=HS-X 2>e.out'
expect_fail 64 'delete without --reason' '
	thads-record -d e.db delete HS-R-0002 2>e.out'
expect_ok 'none of the refused changes wrote anything' '
	state >after.out && test_cmp before.out after.out'

expect_ok 'delete is soft: gone from find and show, kept in history' '
	thads-record -d e.db delete HS-R-0002 --reason "duplicate of HS-R-0001" &&
	! thads-record -d e.db find --id HS-R-0002 >/dev/null &&
	! thads-record -d e.db show HS-R-0002 2>/dev/null &&
	[ "$(sqlite3 e.db "SELECT count(*) FROM person WHERE ext_id =
	    '"'HS-R-0002'"' AND deleted_at IS NOT NULL")" = 1 ] &&
	[ "$(sqlite3 e.db "SELECT action || '"'|'"' || reason FROM audit
	    ORDER BY id DESC LIMIT 1")" = "delete|duplicate of HS-R-0001" ]'
expect_ok 'delete --purge removes the rows and leaves an audit entry' '
	thads-record -d e.db delete HS-R-0003 --purge --reason "court order" &&
	[ "$(sqlite3 e.db "SELECT count(*) FROM person WHERE ext_id =
	    '"'HS-R-0003'"'")" = 0 ] &&
	[ "$(sqlite3 e.db "SELECT count(*) FROM episode WHERE person_id = 3")" = 0 ] &&
	sqlite3 e.db "SELECT action, record_key, old, reason FROM audit
	    ORDER BY id DESC LIMIT 1" | grep -q "^purge|HS-R-0003|.*Đặng Thị Hoa.*|court order$" &&
	thads-record -d e.db find hoa >/dev/null; [ $? -eq 1 ] &&
	thads-record -d e.db verify-audit'

# Two shells change one dossier at once, 15 times each, each its own
# field: every change must be in the history and the last of each in
# the dossier.
edit() {
	i=1
	while [ $i -le 15 ]; do
		thads-record -d e.db set HS-R-0004 "$1=$2-$i" --reason "$1 $i" ||
		    return 1
		i=$((i + 1))
	done
}
expect_ok 'two concurrent set loops on one dossier lose no change' '
	before=$(sqlite3 e.db "SELECT count(*) FROM audit") &&
	{ edit nationality N & p1=$!; edit race R & p2=$!;
	  wait $p1 && wait $p2; } &&
	[ "$(sqlite3 e.db "SELECT nationality || '"'|'"' || race FROM person
	    WHERE ext_id = '"'HS-R-0004'"'")" = "N-15|R-15" ] &&
	[ "$(sqlite3 e.db "SELECT count(*) FROM audit WHERE id > $before
	    AND action = '"'update'"' AND tbl = '"'person'"'")" = 30 ] &&
	thads-record -d e.db verify-audit'

test_done

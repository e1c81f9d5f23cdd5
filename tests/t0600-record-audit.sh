#!/bin/sh
# thads-record verify-audit and thads-admin check: the audit hash chain.
# Rows of the audit table are edited, deleted and reordered behind the
# tools' back; the exact first broken entry must be named.
. "$(dirname "$0")/lib.sh"

good=$TESTDATA/import/good-persons.csv

expect_ok 'an import writes a sound chain and a private head file' '
	thads-import -q -d a.db "$good" &&
	[ "$(stat -c %a a.db.audit-head)" = 600 ] &&
	n=$(sqlite3 a.db "SELECT count(*) FROM audit") &&
	[ "$n" -gt 5 ] &&
	thads-record -d a.db verify-audit >v.out &&
	grep -qx "ok: $n entries, newest $n" v.out &&
	[ "$(cut -d" " -f1 a.db.audit-head)" = "$n" ] &&
	thads-admin -d a.db check'
expect_ok 'a second import continues the chain' '
	thads-import -q -d a.db "$TESTDATA/xml/good-dossiers.xml" &&
	thads-record -d a.db verify-audit'

# Copy a.db (and its head file) to $1.
fresh() {
	cp a.db "$1.db" && cp a.db.audit-head "$1.db.audit-head"
}

expect_fail 1 'an edited entry: its own hash breaks' '
	fresh ed && sqlite3 ed.db "UPDATE audit SET reason = '"'x'"' WHERE id = 3" &&
	thads-record -d ed.db verify-audit >v.out; st=$?
	grep -q "^broken at entry 3: its content" v.out || exit 125; exit $st'
expect_fail 1 'an entry whose stored hash is replaced is named' '
	fresh eh && sqlite3 eh.db "UPDATE audit SET hash = hex(randomblob(32)) WHERE id = 4" &&
	thads-record -d eh.db verify-audit >v.out; st=$?
	grep -q "^broken at entry 4: its content" v.out || exit 125; exit $st'
expect_fail 1 'a deleted entry in the middle is named' '
	fresh del && sqlite3 del.db "DELETE FROM audit WHERE id = 5" &&
	thads-record -d del.db verify-audit >v.out; st=$?
	grep -qx "broken at entry 5: entry 5 is missing" v.out || exit 125; exit $st'
expect_fail 1 'deleted and renumbered: the link of the next entry breaks' '
	fresh ren && sqlite3 ren.db "DELETE FROM audit WHERE id = 5;
	    UPDATE audit SET id = id - 1 WHERE id > 5" &&
	thads-record -d ren.db verify-audit >v.out; st=$?
	grep -q "^broken at entry 5: its link to entry 4" v.out || exit 125; exit $st'
expect_fail 1 'two entries swapped: the first of them is named' '
	fresh sw && sqlite3 sw.db "UPDATE audit SET id = -1 WHERE id = 2;
	    UPDATE audit SET id = 2 WHERE id = 6;
	    UPDATE audit SET id = 6 WHERE id = -1" &&
	thads-record -d sw.db verify-audit >v.out; st=$?
	grep -q "^broken at entry 2: its link to entry 1" v.out || exit 125; exit $st'
expect_fail 1 'a deleted tail is caught by the head file' '
	fresh tail && last=$(sqlite3 tail.db "SELECT max(id) FROM audit") &&
	sqlite3 tail.db "DELETE FROM audit WHERE id >= $((last - 1))" &&
	thads-record -d tail.db verify-audit >v.out; st=$?
	grep -q "^broken at entry $((last - 1)): entry $((last - 1)) and those after it are missing" v.out ||
	    exit 125; exit $st'
expect_fail 1 'an entry added behind the tools'"'"' back is caught' '
	fresh add && sqlite3 add.db "INSERT INTO audit (id, at, tool, os_user,
	    action, tbl, row_id, record_key, prev_hash, hash)
	    SELECT max(id) + 1, at, tool, os_user, action, tbl, row_id,
	    record_key, hash, hash FROM audit" &&
	thads-record -d add.db verify-audit >v.out; st=$?
	grep -q "^broken at entry" v.out || exit 125; exit $st'
expect_fail 1 'a missing head file is reported by verify-audit' '
	fresh nh && rm nh.db.audit-head &&
	thads-record -d nh.db verify-audit >v.out; st=$?
	grep -q "head file is missing" v.out || exit 125; exit $st'
expect_fail 1 'thads-admin check reports the first broken entry too' '
	thads-admin -d del.db -f csv --no-header check >c.out; st=$?
	tr -d "\r" <c.out | grep -qx "audit_chain,audit row 5,entry 5 is missing" ||
	    exit 125; exit $st'
expect_ok 'an empty database has a sound, empty chain' '
	thads-admin -d e.db init && thads-record -d e.db verify-audit >v.out &&
	grep -qx "ok: 0 entries, newest 0" v.out'
expect_ok 'a backup restored over a newer database resets the head' '
	thads-admin -d a.db backup b.db && fresh r &&
	thads-import -q -d r.db "$TESTDATA/xml/good-dossiers.xml" 2>/dev/null;
	thads-admin -d r.db restore b.db &&
	thads-record -d r.db verify-audit'

test_done

#!/bin/sh
# Audit trail tampering through the command line: the first broken
# entry is named exactly, by thads-record verify-audit and by
# thads-admin check, which exit 1.  The 1,000 random mutations are the unit test
# tests/unit/test_audit_mutation.c.
. "$(dirname "$0")/lib.sh"

cc -O2 -o gen "$SRCDIR/bench/import/gen.c" || exit 1
./gen 40 3 >p.csv
thads-import -q -d a.db p.csv || exit 1
fresh() {
	cp a.db "$1.db" && cp a.db.audit-head "$1.db.audit-head"
}

expect_ok 'bytes hidden behind a NUL in a text are caught, entry named' '
	fresh nul && sqlite3 nul.db "UPDATE audit SET record_key =
	    CAST(record_key || char(0) || '\''forged'\'' AS TEXT) WHERE id = 9" &&
	{ thads-record -d nul.db verify-audit >v.out; [ $? -eq 1 ]; } &&
	grep -q "^broken at entry 9: entry 9 holds a value THADS never writes" v.out'
expect_ok 'a row id made NULL is caught' '
	fresh rn && sqlite3 rn.db "UPDATE audit SET row_id = NULL WHERE id = 12" &&
	{ thads-record -d rn.db verify-audit >v.out; [ $? -eq 1 ]; } &&
	grep -q "^broken at entry 12:" v.out'
expect_ok 'two tampered entries: the first is named by thads-admin check' '
	fresh two && sqlite3 two.db "UPDATE audit SET actor = '\''x'\'' WHERE id = 17;
	    UPDATE audit SET at = '\''2020-01-01T00:00:00Z'\'' WHERE id = 7" &&
	{ thads-admin -d two.db -f csv --no-header check >c.out;
	    [ $? -eq 1 ]; } &&
	grep -q "^audit_chain,audit row 7,its content does not match" c.out'
expect_ok 'three entries rotated: the first moved one is named' '
	fresh rot && sqlite3 rot.db "UPDATE audit SET id = -1 WHERE id = 20;
	    UPDATE audit SET id = 20 WHERE id = 21;
	    UPDATE audit SET id = 21 WHERE id = 22;
	    UPDATE audit SET id = 22 WHERE id = -1" &&
	{ thads-admin -d rot.db -f csv --no-header check >c.out;
	    [ $? -eq 1 ]; } &&
	grep -q "^audit_chain,audit row 20,.its link to entry 19 " c.out'
expect_ok 'a deleted tail with the head file kept: the first missing one' '
	fresh tl && n=$(sqlite3 tl.db "SELECT max(id) FROM audit") &&
	sqlite3 tl.db "DELETE FROM audit WHERE id > $((n - 3))" &&
	{ thads-admin -d tl.db -f csv --no-header check >c.out;
	    [ $? -eq 1 ]; } &&
	grep -q "^audit_chain,audit row $((n - 2)),entry $((n - 2)) and those after" c.out'

test_done

#!/bin/sh
# thads-admin: init, check, backup, restore, vacuum, stats.
. "$(dirname "$0")/lib.sh"

nyc=$TESTDATA/records/nyc-doc-dic-20190101-foil.csv
map=$SRCDIR/mappings/nyc-doc-daily.map
cp "$nyc" DOC_Inmates_InCustody_Daily_20190101.csv
nyc=$SCRATCH/DOC_Inmates_InCustody_Daily_20190101.csv

expect_ok 'init creates the database with mode 0600 under umask 000' '
	(umask 000; thads-admin -d new.db init) &&
	[ "$(stat -c %a new.db)" = 600 ] &&
	[ "$(sqlite3 new.db "PRAGMA user_version")" -ge 1 ]'
expect_ok 'migrate prints the schema version' '
	thads-admin -d new.db migrate >v.out &&
	[ "$(cat v.out)" = "$(sqlite3 new.db "PRAGMA user_version")" ]'
expect_fail 66 'check on a missing database: exit 66, nothing created' '
	thads-admin -d missing.db check; st=$?; [ ! -e missing.db ] && exit $st'

expect_ok 'load the real NYC records for the rest' '
	thads-import -q -d db.db -m "$map" "$nyc"'
expect_ok 'check on a sound database: exit 0, no rows' '
	thads-admin -d db.db -f csv --no-header check >c.out && [ ! -s c.out ]'
expect_ok 'stats counts match the tables' '
	thads-admin -d db.db -f csv stats | tr -d "\r" >s.out &&
	grep -qx "persons,7840" s.out && grep -qx "episodes,7843" s.out &&
	grep -qx "audit_entries,$(sqlite3 db.db "SELECT count(*) FROM audit")" s.out'

expect_ok 'check finds a foreign key violation: exit 1, the row named' '
	cp db.db fk.db &&
	sqlite3 fk.db "PRAGMA foreign_keys=OFF;
	    INSERT INTO episode (person_id, facility_id, status, admitted,
	        created_at, updated_at)
	    VALUES (999999, 1, '\''serving'\'', '\''2020-01-01'\'', '\''x'\'', '\''x'\'')" &&
	{ thads-admin -d fk.db -f csv check >c.out; [ $? -eq 1 ]; } &&
	grep -q "^foreign_key,episode row [0-9]*,refers to a missing person" c.out'
expect_ok 'check finds live episodes under a deleted person' '
	cp db.db del.db &&
	sqlite3 del.db "UPDATE person SET deleted_at = '\''2024-01-01'\'' WHERE id = 1" &&
	{ thads-admin -d del.db -f csv check >c.out; [ $? -eq 1 ]; } &&
	grep -q "^orphan,episode row 1,belongs to deleted person 1" c.out'
expect_ok 'check finds a damaged file: exit 1 or 65, never 0' '
	cp db.db bad.db &&
	dd if=/dev/urandom of=bad.db bs=4096 seek=100 count=20 conv=notrunc \
	    2>/dev/null &&
	{ thads-admin -d bad.db check >c.out 2>c.err; st=$?; } ;
	[ $st -ne 0 ] && [ $st -ne 70 -o -s c.err ]'
expect_fail 78 'a database from a newer THADS is refused with 78' '
	cp db.db newer.db && sqlite3 newer.db "PRAGMA user_version = 999" &&
	thads-admin -d newer.db stats 2>n.err; st=$?;
	grep -q "newer than this program" n.err && exit $st'

expect_ok 'backup to a plain file: a sound copy, 0600, with a checksum' '
	thads-admin -d db.db backup copy.db &&
	[ "$(stat -c %a copy.db)" = 600 ] &&
	[ "$(stat -c %a copy.db.sha256)" = 600 ] &&
	sha256sum -c copy.db.sha256 >/dev/null &&
	[ "$(sqlite3 copy.db "PRAGMA integrity_check")" = ok ] &&
	[ "$(sqlite3 copy.db "SELECT count(*) FROM episode")" = 7843 ]'
expect_ok 'backup to .zst: compressed, the checksum is of the .zst' '
	thads-admin -d db.db backup copy.db.zst &&
	zstd -t -q copy.db.zst && sha256sum -c copy.db.zst.sha256 >/dev/null &&
	[ "$(stat -c %s copy.db.zst)" -lt "$(stat -c %s copy.db)" ]'
expect_fail 73 'backup over an existing file without --force: 73, file kept' '
	cp copy.db.zst keep.zst &&
	thads-admin -d db.db backup copy.db.zst; st=$?;
	cmp -s keep.zst copy.db.zst && exit $st'
expect_ok 'backup --force replaces it' '
	thads-admin -d db.db --force backup copy.db.zst &&
	sha256sum -c copy.db.zst.sha256 >/dev/null'
expect_ok 'no temporary files are left beside the backups' '
	[ -z "$(ls | grep tmp-)" ]'

expect_ok 'restore brings back the state of the backup' '
	cp db.db r.db &&
	sqlite3 r.db "DELETE FROM audit WHERE id > 100" &&
	thads-admin -d r.db restore copy.db.zst &&
	[ "$(sqlite3 r.db "SELECT count(*) FROM audit")" = \
	  "$(sqlite3 db.db "SELECT count(*) FROM audit")" ] &&
	[ "$(stat -c %a r.db)" = 600 ] && ls r.db.before-restore-* >/dev/null'
expect_fail 65 'restore of a damaged backup: 65, the database untouched' '
	cp copy.db.zst dmg.zst && cp copy.db.zst.sha256 dmg.zst.sha256 &&
	sed -i "s/copy.db.zst/dmg.zst/" dmg.zst.sha256 &&
	printf x >>dmg.zst && cp db.db u.db && sum=$(sha256sum u.db) &&
	thads-admin -d u.db restore dmg.zst; st=$?;
	[ "$(sha256sum u.db)" = "$sum" ] && exit $st'
expect_fail 66 'restore without a checksum file: 66' '
	cp copy.db nosum.db && thads-admin -d u.db restore nosum.db'
expect_fail 65 'restore --no-verify of a file that is not a database: 65' '
	printf "not a database" >junk.db && cp db.db v.db &&
	sum=$(sha256sum v.db) &&
	thads-admin -d v.db --no-verify restore junk.db; st=$?;
	[ "$(sha256sum v.db)" = "$sum" ] && exit $st'

# A backup taken while an import writes is of one committed state: the
# batch is wholly in it or wholly absent.
expect_ok 'backup during an import: whole batch or none of it' '
	cp db.db busy.db || exit 1
	thads-import -q -d busy.db "$TESTDATA/import/good-persons.csv" &
	pid=$!
	thads-admin -d busy.db --force backup during.db; st=$?
	wait $pid && [ $st -eq 0 ] &&
	[ "$(sqlite3 during.db "PRAGMA integrity_check")" = ok ] &&
	n=$(sqlite3 during.db "SELECT count(*) FROM person") &&
	{ [ "$n" = 7840 ] || [ "$n" = 7845 ]; }'

expect_ok 'vacuum keeps every record' '
	thads-admin -d db.db vacuum &&
	[ "$(sqlite3 db.db "SELECT count(*) FROM episode")" = 7843 ]'
expect_fail 64 'an unknown command: 64' 'thads-admin -d db.db frobnicate'
expect_fail 64 'backup without a file: 64' 'thads-admin -d db.db backup'

test_done

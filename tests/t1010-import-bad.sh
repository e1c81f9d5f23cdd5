#!/bin/sh
# thads-import on bad input: one small file per kind of fault in
# testdata/import/.  Each must give its exact message
# ("thads-import: FILE:LINE: reason") and exit status, print nothing on
# stdout, and leave the database exactly as it was.  The awkward but
# valid inputs (a BOM, CRLF, newlines inside quotes) must load.
. "$(dirname "$0")/lib.sh"

cp "$TESTDATA"/import/* .

# The database every bad input is tried against: good-persons.csv.
thads-import -q -d base.db good-persons.csv || exit 1
sqlite3 base.db .dump >base.dump

# try STATUS EXPECTED ARG...: run thads-import -q on t.db, a fresh copy
# of base.db.  The exit status must be STATUS, stderr exactly the file
# EXPECTED (so a sanitizer report fails too), stdout empty, and t.db
# unchanged.
try() {
	want=$1 expected=$2
	shift 2
	cp base.db t.db
	thads-import -q -d t.db "$@" >out 2>err
	st=$?
	bad=0
	[ "$st" -eq "$want" ] || { echo "exit status $st, expected $want"; bad=1; }
	test_cmp "$expected" err || bad=1
	[ ! -s out ] || { echo "stdout is not empty:"; cat out; bad=1; }
	sqlite3 t.db .dump >t.dump
	test_cmp base.dump t.dump >/dev/null ||
	    { echo "the database changed"; bad=1; }
	return $bad
}

# refused TITLE STATUS ARG... <<EOF (the expected stderr): a test case
# that runs try.
n=0
refused() {
	title=$1 st=$2
	shift 2
	n=$((n + 1))
	cat >"expect.$n"
	expect_ok "$title" "try $st expect.$n $*"
}

# loads FILE: a fresh database takes FILE with exit 0 and nothing on
# stdout or stderr (-q).
loads() {
	rm -f g.db
	thads-import -q -d g.db "$@" >out 2>err && [ ! -s out ] && [ ! -s err ]
}

q() {
	sqlite3 "$1" "$2"
}

# --- valid but awkward input -------------------------------------------

expect_ok 'UTF-8 BOM before the header: loads, person.id recognised' '
	loads good-bom.csv &&
	[ "$(q g.db "SELECT group_concat(ext_id || \":\" || name, \" \")
	    FROM person")" = "HS-2025-0301:Vũ Thị Thu Hà HS-2025-0302:Đinh Công Tráng" ]'

expect_ok 'CRLF line ends: loads, no CR kept in any value (last column too)' '
	loads good-crlf.csv &&
	[ "$(q g.db "SELECT group_concat(coalesce(released, \"-\"), \" \")
	    FROM episode")" = "- 2024-01-06" ] &&
	[ "$(q g.db "SELECT count(*) FROM person
	    WHERE instr(name || birth_date, char(13)) > 0")" = 0 ]'

expect_ok 'newlines inside a quoted field: loads, the newline is kept' '
	loads good-embedded-newline.csv &&
	[ "$(q g.db "SELECT count(*) FROM episode")" = 3 ] &&
	[ "$(q g.db "SELECT json_extract(extra, \"\$.ghi_chu\") = \"Hai dòng:\" ||
	    char(10) || \"nợ án phí\" FROM episode e JOIN person p
	    ON p.id = e.person_id WHERE p.ext_id = \"HS-2025-0321\"")" = 1 ]'

refused 'after quoted newlines, bad rows are reported at their own first line (4, 9)' 65 bad-after-newline.csv <<\EOF
thads-import: bad-after-newline.csv:4: episode.released: before episode.admitted
thads-import: bad-after-newline.csv:9: person.birth_date: '1972-02-31' is not a real date (YYYY-MM-DD, 1900 to 2100)
thads-import: 2 bad rows: nothing was loaded
EOF

# --- one bad row -------------------------------------------------------

refused 'ragged row (6 fields under a 7-column header): exit 65, nothing loaded' 65 bad-ragged.csv <<\EOF
thads-import: bad-ragged.csv:3: row has 6 fields, header has 7
thads-import: 1 bad row: nothing was loaded
EOF

refused 'date that does not exist (2023-02-30): exit 65, nothing loaded' 65 bad-date.csv <<\EOF
thads-import: bad-date.csv:2: judgment.date: '2023-02-30' is not a real date (YYYY-MM-DD, 1900 to 2100)
thads-import: 1 bad row: nothing was loaded
EOF

refused 'birth date in the future: exit 65, nothing loaded' 65 bad-birth-future.csv <<\EOF
thads-import: bad-birth-future.csv:2: person.birth_date: in the future ('2099-01-01')
thads-import: 1 bad row: nothing was loaded
EOF

refused 'release before admission: exit 65, nothing loaded' 65 bad-release-before-admission.csv <<\EOF
thads-import: bad-release-before-admission.csv:2: episode.released: before episode.admitted
thads-import: 1 bad row: nothing was loaded
EOF

refused 'status not in the list (Vietnamese words): exit 65, nothing loaded' 65 bad-enum.csv <<\EOF
thads-import: bad-enum.csv:2: episode.status: 'đang chấp hành' is not one of temporary_custody, pretrial_detention, serving, awaiting_execution, suspended_sentence, non_custodial_reform, conditional_release, residence_ban, probation
thads-import: 1 bad row: nothing was loaded
EOF

refused 'national ID of 10 digits: exit 65, nothing loaded' 65 bad-national-id.csv <<\EOF
thads-import: bad-national-id.csv:2: person.national_id: '0011850123' is not a national ID (9 or 12 digits)
thads-import: 1 bad row: nothing was loaded
EOF

# --- faults that stop the file -----------------------------------------

refused 'invalid UTF-8: exit 65, message names line 3 and byte 22' 65 bad-utf8.csv <<\EOF
thads-import: bad-utf8.csv:3: invalid UTF-8 at byte 22
EOF

refused 'NUL byte: exit 65, message names line 3 and byte 22' 65 bad-nul.csv <<\EOF
thads-import: bad-nul.csv:3: NUL byte at byte 22
EOF

refused 'stray double quote inside an unquoted field: exit 65, line 2, byte 38' 65 bad-stray-quote.csv <<\EOF
thads-import: bad-stray-quote.csv:2: misplaced quote at byte 38 (a field with a quote in it must be quoted whole, with the quote doubled)
EOF

refused 'quoted field never closed: exit 65, the line where it starts' 65 bad-unterminated-quote.csv <<\EOF
thads-import: bad-unterminated-quote.csv:2: unterminated quoted field starting at line 2
EOF

refused 'truncated .zst (head -c 300 of a 740-byte frame): exit 65' 65 bad-truncated.csv.zst <<\EOF
thads-import: bad-truncated.csv.zst: cannot read 'bad-truncated.csv.zst': truncated zstd stream
EOF

refused 'unknown column in the header: exit 65, line 1 and the column named' 65 bad-unknown-column.csv <<\EOF
thads-import: bad-unknown-column.csv:1: unknown column 'person.nickname' (column 2)
EOF

refused 'duplicate column in the header: exit 65, both columns named' 65 bad-duplicate-column.csv <<\EOF
thads-import: bad-duplicate-column.csv:1: duplicate column 'person.name' (columns 2 and 4)
EOF

refused 'empty file: exit 65' 65 bad-empty.csv <<\EOF
thads-import: bad-empty.csv:1: empty file: no header row
EOF

# --- through a mapping file --------------------------------------------

expect_ok 'the test mapping vn-export.map itself works: good-mapped.csv loads' '
	loads -m vn-export.map good-mapped.csv &&
	[ "$(q g.db "SELECT group_concat(ext_id || \":\" || sex || \":\" ||
	    birth_date, \" \") FROM person")" = \
	    "HS-2025-0601:female:1985-03-14 HS-2025-0602:male:1976-03-01" ]'

refused 'mapping names a column the file lacks: exit 78, mapping file and line named' 78 -m vn-export.map bad-mapped-missing-column.csv <<\EOF
thads-import: vn-export.map:9: person.sex: column 'GIOI_TINH' not in the header of 'bad-mapped-missing-column.csv'
EOF

refused 'value missing from a closed map ("Khác"): exit 65, nothing loaded' 65 -m vn-export.map bad-unmapped-value.csv <<\EOF
thads-import: bad-unmapped-value.csv:3: person.sex: value 'Khác' not in map sex
thads-import: 1 bad row: nothing was loaded
EOF

# --- several bad rows, and --rejects -----------------------------------

refused 'several bad rows: every one reported, exit 65, nothing loaded' 65 bad-several.csv <<\EOF
thads-import: bad-several.csv:2: person.birth_date: '1985-02-30' is not a real date (YYYY-MM-DD, 1900 to 2100)
thads-import: bad-several.csv:4: person.sex: 'nữ' is not one of male, female, unknown
thads-import: bad-several.csv:5: episode.released: before episode.admitted
thads-import: bad-several.csv:6: row has 7 fields, header has 8
thads-import: 4 bad rows: nothing was loaded
EOF

cat >several.err <<\EOF
thads-import: bad-several.csv:2: person.birth_date: '1985-02-30' is not a real date (YYYY-MM-DD, 1900 to 2100)
thads-import: bad-several.csv:4: person.sex: 'nữ' is not one of male, female, unknown
thads-import: bad-several.csv:5: episode.released: before episode.admitted
thads-import: bad-several.csv:6: row has 7 fields, header has 8
EOF

# The bad rows exactly as they are in the input, plus the reason.
cat >several.rejects <<\EOF
person.id,person.name,person.birth_date,person.sex,episode.facility,episode.status,episode.admitted,episode.released,reason
HS-2025-0501,Võ Thị Sáu,1985-02-30,female,TG-HOALO,serving,2024-01-01,,"person.birth_date: '1985-02-30' is not a real date (YYYY-MM-DD, 1900 to 2100)"
HS-2025-0503,Hồ Xuân Hương,1980-01-01,nữ,TG-HOALO,serving,2024-01-01,,"person.sex: 'nữ' is not one of male, female, unknown"
HS-2025-0504,Ngô Quyền,1980-01-01,male,TG-HOALO,serving,2024-05-01,2024-04-01,episode.released: before episode.admitted
HS-2025-0505,Triệu Thị Trinh,1980-01-01,female,TG-HOALO,serving,2024-01-01,,"row has 7 fields, header has 8"
EOF

expect_ok '--rejects: exit 0, the good rows loaded, every bad row reported' '
	cp base.db r.db &&
	thads-import -q -d r.db --rejects rej.csv bad-several.csv >out 2>err &&
	[ ! -s out ] && test_cmp several.err err &&
	[ "$(q r.db "SELECT group_concat(ext_id, \" \") FROM person
	    WHERE ext_id LIKE \"HS-2025-05%\"")" = "HS-2025-0502 HS-2025-0506" ]'

expect_ok '--rejects: the file holds the bad rows unchanged plus a reason column' '
	test_cmp several.rejects rej.csv'

expect_ok '--rejects: the rejects file is mode 0600 (it holds personal data)' '
	[ "$(stat -c %a rej.csv)" = 600 ]'

echo 'not to be overwritten' >old-rejects.csv
refused 'existing rejects file without --force: exit 73, nothing loaded' 73 --rejects old-rejects.csv bad-several.csv <<\EOF
thads-import: old-rejects.csv: exists (use --force)
EOF

expect_ok 'existing rejects file without --force is left as it was' '
	[ "$(cat old-rejects.csv)" = "not to be overwritten" ]'

expect_ok 'existing rejects file with --force: replaced, exit 0' '
	cp base.db r2.db &&
	thads-import -q -d r2.db --rejects old-rejects.csv --force \
	    bad-several.csv >out 2>err &&
	test_cmp several.err err && test_cmp several.rejects old-rejects.csv'

expect_ok 'a load that fails (exit 65) leaves no rejects file behind' '
	cp base.db r3.db &&
	thads-import -q -d r3.db --rejects rej3.csv bad-several.csv \
	    bad-utf8.csv >out 2>err;
	[ $? -eq 65 ] && [ ! -e rej3.csv ]'

# --- files, paths and options ------------------------------------------

refused 'missing input file: exit 66' 66 no-such-file.csv <<\EOF
thads-import: no-such-file.csv: cannot open 'no-such-file.csv': No such file or directory
EOF

refused 'missing second file: exit 66, the first file not loaded either' 66 good-more.csv no-such-file.csv <<\EOF
thads-import: no-such-file.csv: cannot open 'no-such-file.csv': No such file or directory
EOF

mkdir a-directory
refused 'a directory as input: exit 66' 66 a-directory <<\EOF
thads-import: a-directory: cannot open 'a-directory': Is a directory
EOF

expect_ok 'database in a missing directory: exit 73, nothing created' '
	thads-import -q -d /nonexistent/dir/x.db good-persons.csv >out 2>err
	st=$?
	echo "thads-import: /nonexistent/dir/x.db: cannot create database: No such file or directory" >expect &&
	[ $st -eq 73 ] && test_cmp expect err && [ ! -s out ] &&
	[ ! -e /nonexistent ]'

expect_ok 'database path is a directory: exit 66' '
	thads-import -q -d a-directory good-persons.csv >out 2>err
	st=$?
	echo "thads-import: a-directory: not a regular file" >expect &&
	[ $st -eq 66 ] && test_cmp expect err && [ ! -s out ] &&
	[ -z "$(ls a-directory)" ]'

refused 'bad option: exit 64, usage on stderr' 64 --no-such-option good-more.csv <<\EOF
thads-import: bad option '--no-such-option'
usage: thads-import [-nqv] [-d db] [-f fmt] [-m map] [-r rejects] [file ...]
Try 'thads-import --help' for more information.
EOF

# --- standard input ----------------------------------------------------

expect_ok 'invalid UTF-8 on stdin: exit 65, "(stdin):3:"' '
	cp base.db t.db
	thads-import -q -d t.db <bad-utf8.csv >out 2>err
	st=$?
	echo "thads-import: (stdin):3: invalid UTF-8 at byte 22" >expect &&
	[ $st -eq 65 ] && test_cmp expect err'

expect_ok 'a bad row on stdin is reported as "(stdin):2:" like a bad byte, not "-:2:"' '
	cp base.db t.db
	thads-import -q -d t.db - <bad-date.csv >out 2>err
	st=$?
	cat >expect <<-\EOF &&
	thads-import: (stdin):2: judgment.date: '\''2023-02-30'\'' is not a real date (YYYY-MM-DD, 1900 to 2100)
	thads-import: 1 bad row: nothing was loaded
	EOF
	[ $st -eq 65 ] && test_cmp expect err'

expect_ok 'when nothing was loaded, the summary says "rolled back, nothing written"' '
	cp base.db t.db
	thads-import -d t.db bad-several.csv >out 2>err
	st=$?
	[ $st -eq 65 ] && [ "$(wc -l <err)" -eq 6 ] &&
	grep -Eqx "thads-import: rolled back, nothing written: 6 read, \
[0-9]+ inserted, 0 updated, 0 unchanged, 4 rejected; [0-9.]+ s, [0-9]+ rows/s" err'

# --- interchange XML: no DOCTYPE, so no entities -------------------------

X=$TESTDATA/xml
if [ -f "$X/bad-external-entity.xml" ]; then
	cp "$X/bad-external-entity.xml" .
	refused 'XML with an external entity (file:///etc/passwd): exit 65, "DOCTYPE not allowed"' 65 bad-external-entity.xml <<\EOF
thads-import: bad-external-entity.xml:2: DOCTYPE not allowed
EOF
fi
if [ -f "$X/bad-entity-bomb.xml" ]; then
	cp "$X/bad-entity-bomb.xml" .
	refused 'XML entity bomb: exit 65 at once, "DOCTYPE not allowed"' 65 bad-entity-bomb.xml <<\EOF
thads-import: bad-entity-bomb.xml:2: DOCTYPE not allowed
EOF
fi

# XML that libxml2 refuses: its reason, on one line, after the place.
printf '<thads xmlns="urn:thads:interchange:1" version="1"><dossier>\377\376</dossier></thads>' >bad-utf8.xml
printf '<thads xmlns="urn:thads:interchange:1" version="1"><dossier><person><id>x\000y</id></person></dossier></thads>' >bad-nul.xml
printf '<thads xmlns="urn:thads:interchange:1" version="1"></thads><x/>' >bad-extra.xml
expect_fail 65 'XML not in UTF-8: libxml2 says why, on one line' '
	thads-import -d x1.db bad-utf8.xml 2>err; st=$?
	head -1 err | grep -q "^thads-import: bad-utf8.xml:1: cannot parse XML: Input is not proper UTF-8, indicate encoding ! Bytes: 0xFF 0xFE" &&
	{ [ ! -e x1.db ] || [ "$(sqlite3 x1.db "SELECT count(*) FROM person")" = 0 ]; } &&
	exit $st'
expect_fail 65 'XML with a NUL byte: the reason is given' '
	thads-import -d x2.db bad-nul.xml 2>err; st=$?
	head -1 err | grep -q "bad-nul.xml:1: cannot parse XML: Char 0x0 out of allowed range" && exit $st'
expect_fail 65 'XML with content after the root: the reason is given' '
	thads-import -d x3.db bad-extra.xml 2>err; st=$?
	head -1 err | grep -q "bad-extra.xml:1: cannot parse XML: Extra content at the end of the document" && exit $st'

# A SQLite file of another program is never turned into a THADS database.
foreign_db() {
	rm -f "$1" && sqlite3 "$1" 'CREATE TABLE invoices (id, amount);
	    INSERT INTO invoices VALUES (1, 20)' && chmod 600 "$1"
}
expect_fail 65 'a database of another program is refused, nothing changed' '
	foreign_db f1.db && sum=$(sha256sum f1.db) &&
	thads-import -d f1.db "$TESTDATA/import/good-persons.csv" 2>err; st=$?
	[ "$(sha256sum f1.db)" = "$sum" ] &&
	grep -q "f1.db: not a THADS database: it holds 1 tables" err && exit $st'
expect_fail 65 'the reading tools refuse it too' '
	foreign_db f2.db && thads-report -d f2.db population 2>err; st=$?
	grep -q "not a THADS database" err && exit $st'
expect_fail 65 'a versioned database without the THADS application id' '
	foreign_db f3.db && sqlite3 f3.db "PRAGMA user_version = 1" &&
	thads-import -d f3.db "$TESTDATA/import/good-persons.csv" 2>err; st=$?
	grep -q "not a THADS database (application id 0x00000000)" err &&
	exit $st'
expect_ok 'a database THADS made carries its application id' '
	thads-import -q -d own.db "$TESTDATA/import/good-persons.csv" &&
	[ "$(sqlite3 own.db "PRAGMA application_id")" = 1414021444 ]'

# The rejects file can never destroy data.
expect_fail 64 'a rejects file that is an input is refused before anything is read' '
	cp "$TESTDATA/import/good-persons.csv" in.csv && sum=$(sha256sum in.csv) &&
	thads-import -d r1.db -r in.csv --force in.csv 2>err; st=$?;
	[ "$(sha256sum in.csv)" = "$sum" ] &&
	grep -q "the rejects file .in.csv. is an input" err && exit $st'
expect_fail 64 'a rejects file that is the database is refused' '
	thads-import -q -d r2.db "$TESTDATA/import/good-persons.csv" &&
	sum=$(sha256sum r2.db) &&
	thads-import -d r2.db -r r2.db --force "$TESTDATA/import/good-persons.csv";
	st=$?; [ "$(sha256sum r2.db)" = "$sum" ] && exit $st'
expect_fail 73 'a rejects path that is a symbolic link is refused, even with --force' '
	echo keep >target && ln -s target link.csv &&
	thads-import -d r3.db -r link.csv --force \
	    "$TESTDATA/import/bad-several.csv"; st=$?;
	[ "$(cat target)" = keep ] && exit $st'
expect_ok '--dry-run with --rejects creates no rejects file' '
	thads-import -q -n -d r4.db -r dry.csv "$TESTDATA/import/bad-several.csv" >/dev/null;
	[ ! -e dry.csv ] && [ -z "$(ls | grep tmp-)" ]'
expect_ok 'a failed load leaves an existing rejects file as it was' '
	echo OLD >old2.csv &&
	thads-import -q -d r5.db -r old2.csv --force \
	    "$TESTDATA/import/bad-several.csv" /nonexistent.csv;
	[ "$(cat old2.csv)" = OLD ]'
expect_fail 64 'stdin named twice is a usage error' '
	thads-import -d r6.db - - </dev/null'

test_done

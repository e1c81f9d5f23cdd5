#!/bin/sh
# Hostile CSV for thads-import: each input of tests/hostile/csv (and the
# large or binary ones that tests/hostile/make-inputs writes) is refused
# with its file, line and reason and nothing written, or stored verbatim
# and shown defanged.
. "$(dirname "$0")/lib.sh"

H=$SRCDIR/tests/hostile/csv
sh "$SRCDIR/tests/hostile/make-inputs" gen csv

# imp NAME FILE: import FILE into a database of its own, NAME.db.
imp() {
	THADS_DB=$SCRATCH/$1.db thads-import --today 2024-06-30 "$2"
}
# persons NAME: how many persons NAME.db holds (0 when it was not made).
persons() {
	if [ -f "$SCRATCH/$1.db" ]; then
		sqlite3 "$SCRATCH/$1.db" 'SELECT count(*) FROM person'
	else
		echo 0
	fi
}
# refused NAME FILE TEXT: exit 65, TEXT in the message, no person stored.
refused() {
	imp "$1" "$2" 2>"$1.err"
	st=$?
	[ $st -eq 65 ] || { echo "exit $st, expected 65" >&2; return 1; }
	grep -F -- "$3" "$1.err" >/dev/null ||
	    { cat "$1.err" >&2; return 1; }
	test "$(persons "$1")" -eq 0
}

expect_ok 'formula-leading cells (= + - @ and the full-width forms) are
stored verbatim' "
	imp formula '$H/formula-cells.csv' &&
	sqlite3 formula.db 'SELECT name FROM person ORDER BY id' >names &&
	python3 -c 'import csv, sys
for r in list(csv.reader(open(sys.argv[1])))[1:]:
    print(r[1])' '$H/formula-cells.csv' >expected &&
	test_cmp expected names"
expect_ok '... and every one goes out with a leading apostrophe in CSV' "
	for w in hyperlink 1 2 sum cmd; do
		THADS_DB=\$SCRATCH/formula.db thads-record find -f csv \$w |
		    tail -n +2
	done | sort -u >found.csv &&
	test \$(wc -l <found.csv) -eq 8 &&
	! cut -d, -f3 found.csv | grep -v \"^\\\"*'\""
expect_ok 'SQL meta-characters in every text field are stored verbatim,
never executed' "
	imp sql '$H/sql-metachar.csv' &&
	sqlite3 -csv -header sql.db 'SELECT p.ext_id AS \"person.id\",
	    p.name AS \"person.name\", p.aliases AS \"person.aliases\",
	    p.nationality AS \"person.nationality\",
	    p.ethnicity AS \"person.ethnicity\", p.race AS \"person.race\",
	    p.photo_ref AS \"person.photo_ref\"
	    FROM person p' | tr -d '\r' >got.csv &&
	python3 -c 'import csv, sys
a = list(csv.reader(open(sys.argv[1])))
b = list(csv.reader(open(sys.argv[2])))
ha = a[0]
for i, h in enumerate(b[0]):
    assert b[1][i] == a[1][ha.index(h)], (h, b[1][i])
' '$H/sql-metachar.csv' got.csv &&
	sqlite3 sql.db 'SELECT court || \"|\" || offence FROM judgment;
	    SELECT name || \"|\" || ward FROM facility' >j &&
	grep -F \"ATTACH DATABASE 'pwn.db'\" j && grep -F 'UNION SELECT' j &&
	grep -F 'Ward\`\$(id)\`' j &&
	test ! -e pwn.db && test ! -e copy.db &&
	test \$(sqlite3 sql.db 'PRAGMA integrity_check') = ok"
expect_ok '../ in a file-name field (person.photo_ref) is only text: no
file is opened or made' "
	sqlite3 sql.db 'SELECT photo_ref FROM person' |
	    grep -qx '../../../../etc/passwd'"
expect_ok 'a NUL byte: refused, file and line named' "
	refused nul gen/nul-byte.csv 'nul-byte.csv:2: NUL byte at byte 5'"
expect_ok 'invalid UTF-8: refused' "
	refused inv gen/invalid-utf8.csv 'invalid-utf8.csv:2: invalid UTF-8'"
expect_ok 'overlong UTF-8 (C0 AF for /): refused' "
	refused over gen/overlong-utf8.csv 'overlong-utf8.csv:2: invalid UTF-8'"
expect_ok 'a UTF-16 surrogate in UTF-8: refused' "
	refused surr gen/surrogate-utf8.csv 'surrogate-utf8.csv:2: invalid UTF-8'"
expect_ok 'a 1 MiB field: the row refused, named, nothing written' "
	refused mib gen/field-1mib.csv 'field-1mib.csv:2: person.name:'"
expect_ok 'a 100 MB field: refused at the 16 MiB limit, in bounded memory' "
	refused big gen/field-100mb.csv \
	    'field-100mb.csv:2: field longer than 16777216 bytes'"
expect_ok '100,000 columns (99,993 extra values): loaded well within 30 s' "
	THADS_DB=$SCRATCH/cols.db timeout 30 thads-import --today 2024-06-30 \
	    gen/columns-100000.csv 2>cols.err; st=\$? &&
	cat cols.err >&2 && test \$st -eq 0 &&
	test \$(sqlite3 cols.db 'SELECT count(*) FROM person') -eq 1"
expect_ok 'an unterminated quote at the end of the file: refused' "
	refused unterm '$H/unterminated-quote-at-eof.csv' \
	    'unterminated quoted field starting at line 2'"
expect_ok 'mixed CRLF and LF line ends: every row read, no CR kept' "
	imp mixed '$H/mixed-crlf-lf.csv' &&
	test \"\$(sqlite3 mixed.db 'SELECT group_concat(hex(name), \" \")
	    FROM person')\" = '61 62 63'"
expect_ok 'a duplicate header: refused' "
	refused dup '$H/duplicate-header.csv' \
	    \"duplicate column 'person.name' (columns 2 and 3)\""
expect_ok 'a missing header (data in the first row): refused' "
	refused nohdr '$H/missing-header.csv' \"unknown column 'P1'\""
expect_ok 'an empty file: refused' "
	refused empty '$H/empty.csv' 'empty.csv:1: empty file: no header row'"
expect_ok '2024-02-30: refused as no real date' "
	refused d30 '$H/date-2024-02-30.csv' \
	    \"person.birth_date: '2024-02-30' is not a real date\""
expect_ok 'an Excel serial date: refused' "
	refused serial '$H/date-excel-serial.csv' \"'45321' is not a real date\""
expect_ok 'an integer past 64 bits: refused, not wrapped' "
	refused int '$H/int-past-64-bits.csv' \
	    \"'18446744073709551616' is not a whole number from 0 to 30\""
expect_ok 'NaN in a number: refused' "
	refused nan '$H/nan.csv' \"judgment.term_years: 'NaN' is not a whole number\""
expect_ok 'the year 1900 is the first accepted' "
	imp y1900 '$H/year-1900.csv' &&
	test \$(sqlite3 y1900.db 'SELECT birth_date FROM person') = 1900-01-01"
expect_ok 'the year 2999: refused, and the message gives the range' "
	refused y2999 '$H/year-2999.csv' \
	    \"episode.admitted: '2999-01-01' is not a real date and time (YYYY-MM-DD[ HH:MM[:SS]], 1900 to 2100)\""
expect_ok 'coordinates out of range (and NaN) in a track: each fix skipped
with its line, the good one read' "
	THADS_DB=\$SCRATCH/geo.db thads-geofence -v check --id D1 \
	    '$H/track-coordinates-out-of-range.csv' >/dev/null 2>geo.err;
	grep -F \"coordinates-out-of-range.csv:2: bad latitude '91.5'\" geo.err &&
	grep -F \"coordinates-out-of-range.csv:3: bad longitude '181.0'\" geo.err &&
	grep -F \"coordinates-out-of-range.csv:4: bad latitude 'NaN'\" geo.err &&
	grep -F \"coordinates-out-of-range.csv:5: bad latitude '-90.0001'\" geo.err &&
	grep -F '1 fixes read' geo.err && grep -F '4 skipped' geo.err"

test_done

#!/bin/sh
# thads-import on good input: the interchange CSV (person, episode and
# judgment in one row, Vietnamese names) loads; a second import changes
# nothing; stdin, zstd, TSV and several files at once give the same
# records; --dry-run writes nothing; the audit trail has one insert per
# stored row and the old and new values of an update.
. "$(dirname "$0")/lib.sh"

cp "$TESTDATA"/import/* .
ME=$(id -un)

# q DB SQL: run one query
q() {
	sqlite3 "$1" "$2"
}

# counts DB: "persons episodes judgments facilities"
counts() {
	q "$1" "SELECT (SELECT count(*) FROM person) || ' ' ||
	    (SELECT count(*) FROM episode) || ' ' ||
	    (SELECT count(*) FROM judgment) || ' ' ||
	    (SELECT count(*) FROM facility)"
}

# summary FILE READ INSERTED UPDATED UNCHANGED REJECTED [PREFIX]: FILE
# (a stderr) is exactly one summary line with these counts.  Anything
# else there (a warning, a sanitizer report) fails.
summary() {
	if [ "$(wc -l <"$1")" -eq 1 ] && grep -Eqx "thads-import: ${7:-}$2 \
read, $3 inserted, $4 updated, $5 unchanged, $6 rejected; [0-9.]+ s, \
[0-9]+ rows/s" "$1"; then
		return 0
	fi
	echo "stderr is not the one summary line expected:" >&2
	cat "$1" >&2
	return 1
}

# crlf: end each line with CR LF, as the CSV output does (RFC 4180)
crlf() {
	awk '{ printf "%s\r\n", $0 }'
}

# same A B: two dumps are equal
same() {
	test_cmp "$1" "$2" >&2
}

# --- the interchange CSV -----------------------------------------------

expect_ok 'good-persons.csv loads: exit 0, stdout empty, stderr "5 read, 5 inserted"' '
	thads-import -d a.db good-persons.csv >out 2>err &&
	[ ! -s out ] && summary err 5 5 0 0 0'

expect_ok 'good-persons.csv gives 5 persons, 5 episodes, 4 judgments, 2 facilities' '
	[ "$(counts a.db)" = "5 5 4 2" ]'

expect_ok 'Vietnamese names are stored as written (NFC), with their dossier numbers' '
	cat >expect <<-\EOF &&
	HS-2020-0004|Phạm Quốc Việt|031088004567|1988-12-24|male
	HS-2021-0001|Đặng Thị Ngọc Ánh|001185012345|1985-03-14|female
	HS-2022-0002|Nguyễn Văn Hùng|079090001234|1990-11-02|male
	HS-2023-0003|Trần Thị Thuỷ||1978-07-30|female
	HS-2024-0005|Lò Thị Dương|014195006789|1995-05-05|female
	EOF
	q a.db "SELECT ext_id, name, national_id, birth_date, sex
	    FROM person ORDER BY ext_id" >actual &&
	test_cmp expect actual'

expect_ok 'each row'\''s episode and judgment belong to its person (times widened to HH:MM:SS)' '
	cat >expect <<-\EOF &&
	HS-2020-0004|TG-CHIHOA|serving|2020-02-03|minimum|88/2019/HS-PT|2|
	HS-2021-0001|TG-HOALO|serving|2021-06-01 08:30:00|medium|12/2021/HS-ST|3|6
	HS-2022-0002|TG-HOALO|serving|2022-01-15|maximum|45/2021/HS-ST|7|
	HS-2023-0003|TG-CHIHOA|pretrial_detention|2023-09-09 14:00:00||||
	HS-2024-0005|TG-HOALO|serving|2024-03-11 09:00:00|medium|07/2024/HS-ST|5|
	EOF
	q a.db "SELECT p.ext_id, f.code, e.status, e.admitted,
	    e.custody_level, j.number, j.term_years, j.term_months
	    FROM episode e JOIN person p ON p.id = e.person_id
	    JOIN facility f ON f.id = e.facility_id
	    LEFT JOIN judgment j ON j.person_id = p.id
	    ORDER BY p.ext_id" >actual &&
	test_cmp expect actual'

expect_ok 'judgment text fields keep their diacritics (court, offence)' '
	[ "$(q a.db "SELECT court || \"|\" || offence FROM judgment
	    WHERE number = \"88/2019/HS-PT\"")" = \
	    "TAND cấp cao tại TP Hồ Chí Minh|Cố ý gây thương tích" ]'

q a.db .dump >a.dump

expect_ok 're-import of good-persons.csv: "0 inserted, 0 updated, 5 unchanged", database unchanged' '
	thads-import -d a.db good-persons.csv >out 2>err &&
	[ ! -s out ] && summary err 5 0 0 5 0 &&
	q a.db .dump >a2.dump && same a.dump a2.dump'

expect_ok 'new database file is mode 0600 even under umask 000' '
	(umask 000 && thads-import -q -d m.db good-persons.csv) &&
	for f in m.db*; do
		[ "$(stat -c %a "$f")" = 600 ] || { ls -l m.db* >&2; exit 1; }
	done'

# --- --dry-run ---------------------------------------------------------

thads-import -q -d b.db good-more.csv
q b.db .dump >b.dump

expect_ok '--dry-run -f csv on a loaded database: lists the inserts on stdout (CRLF), exit 0' '
	cat >expect <<-\EOF &&
	action,kind,key,file,line
	insert,person,HS-2021-0001,good-persons.csv,2
	insert,episode,HS-2021-0001/2021-06-01 08:30:00,good-persons.csv,2
	insert,judgment,HS-2021-0001/12/2021/HS-ST,good-persons.csv,2
	insert,person,HS-2022-0002,good-persons.csv,3
	insert,episode,HS-2022-0002/2022-01-15,good-persons.csv,3
	insert,judgment,HS-2022-0002/45/2021/HS-ST,good-persons.csv,3
	insert,person,HS-2023-0003,good-persons.csv,4
	insert,facility,TG-CHIHOA,good-persons.csv,4
	insert,episode,HS-2023-0003/2023-09-09 14:00:00,good-persons.csv,4
	insert,person,HS-2020-0004,good-persons.csv,5
	insert,episode,HS-2020-0004/2020-02-03,good-persons.csv,5
	insert,judgment,HS-2020-0004/88/2019/HS-PT,good-persons.csv,5
	insert,person,HS-2024-0005,good-persons.csv,6
	insert,episode,HS-2024-0005/2024-03-11 09:00:00,good-persons.csv,6
	insert,judgment,HS-2024-0005/07/2024/HS-ST,good-persons.csv,6
	EOF
	crlf <expect >expect.crlf &&
	thads-import -d b.db --dry-run -f csv good-persons.csv >out 2>err &&
	test_cmp expect.crlf out && summary err 5 5 0 0 0 "dry run, nothing written: "'

expect_ok '--dry-run wrote nothing: row counts and dump of the database unchanged' '
	[ "$(counts b.db)" = "2 2 1 2" ] &&
	q b.db .dump >b2.dump && same b.dump b2.dump'

expect_ok '--dry-run -f jsonl lists an update as one JSON line, writes nothing' '
	echo "{\"action\":\"update\",\"kind\":\"episode\",\"key\":\"HS-2022-0002/2022-01-15\",\"file\":\"good-update.csv\",\"line\":2}" >expect &&
	thads-import -d a.db -n -f jsonl good-update.csv >out 2>err &&
	test_cmp expect out && summary err 1 0 1 0 0 "dry run, nothing written: " &&
	q a.db .dump >a2.dump && same a.dump a2.dump'

expect_ok '--dry-run of a file already loaded lists nothing but the header' '
	echo "action,kind,key,file,line" | crlf >expect &&
	thads-import -q -d a.db -n -f csv good-persons.csv >out 2>err &&
	test_cmp expect out && [ ! -s err ]'

expect_ok '--dry-run on a missing database creates no database file' '
	thads-import -q -d none.db -n good-persons.csv >out 2>err;
	[ ! -e none.db ]'

# --- other ways in -----------------------------------------------------

expect_ok 'stdin given as "-": loads, "5 read, 5 inserted"' '
	thads-import -d s1.db - <good-persons.csv >out 2>err &&
	[ ! -s out ] && summary err 5 5 0 0 0 &&
	[ "$(counts s1.db)" = "5 5 4 2" ]'

expect_ok 'stdin with no file argument: loads the same records (file re-import unchanged)' '
	thads-import -q -d s2.db <good-persons.csv &&
	thads-import -d s2.db good-persons.csv 2>err &&
	summary err 5 0 0 5 0'

expect_ok 'zstd data on stdin is recognised by its magic number' '
	zstd -q -c good-persons.csv | thads-import -d s3.db 2>err &&
	summary err 5 5 0 0 0 && [ "$(counts s3.db)" = "5 5 4 2" ]'

expect_ok 'several files in one call: "7 read, 7 inserted", 7 persons' '
	thads-import -d s4.db good-persons.csv good-more.csv >out 2>err &&
	[ ! -s out ] && summary err 7 7 0 0 0 &&
	[ "$(counts s4.db)" = "7 7 5 3" ]'

expect_ok '.zst file (zstd -q) loads; the plain file then re-imports unchanged' '
	zstd -q good-persons.csv -o gp.csv.zst &&
	thads-import -d z1.db gp.csv.zst 2>err && summary err 5 5 0 0 0 &&
	thads-import -d z1.db good-persons.csv 2>err &&
	summary err 5 0 0 5 0'

expect_ok 'zstd data under a plain .csv name is recognised by its magic number' '
	zstd -q -c good-persons.csv >zstd-inside.csv &&
	thads-import -d z2.db zstd-inside.csv 2>err &&
	summary err 5 5 0 0 0 && [ "$(counts z2.db)" = "5 5 4 2" ]'

expect_ok 'TSV input (good-persons.tsv) loads the same records as the CSV' '
	thads-import -d t1.db good-persons.tsv 2>err &&
	summary err 5 5 0 0 0 &&
	thads-import -d t1.db good-persons.csv 2>err &&
	summary err 5 0 0 5 0'

expect_ok 'TSV: a double quote inside a cell is data, since TSV has no quoting' '
	thads-import -q -d t2.db good-quote.tsv 2>err &&
	[ "$(q t2.db "SELECT aliases FROM person ORDER BY ext_id")" = \
	    "$(printf "Tèo \"Mập\"\n\"Hoa\" Lê")" ]'

expect_ok 'names written decomposed (NFD) are stored in NFC: the NFC file re-imports unchanged' '
	thads-import -q -d n.db good-nfd.csv &&
	thads-import -d n.db good-persons.csv 2>err &&
	summary err 5 0 0 5 0 &&
	[ "$(q n.db "SELECT name FROM person WHERE ext_id = \"HS-2021-0001\"")" = \
	    "Đặng Thị Ngọc Ánh" ]'

expect_ok 'a person with only person.id (no name, no birth date) loads' '
	thads-import -d p.db good-person-id-only.csv >out 2>err &&
	summary err 1 1 0 0 0 &&
	[ "$(q p.db "SELECT ext_id || \"|\" || coalesce(name, \"-\") || \"|\" ||
	    coalesce(birth_date, \"-\") FROM person")" = "HS-2025-0099|-|-" ]'

# --- the audit trail ---------------------------------------------------

expect_ok 'audit: one insert entry per stored row of each table (16 in all)' '
	for t in person facility judgment episode; do
		n=$(q a.db "SELECT count(*) FROM $t") &&
		a=$(q a.db "SELECT count(DISTINCT row_id) FROM audit
		    WHERE action = \"insert\" AND tbl = \"$t\"") &&
		m=$(q a.db "SELECT count(*) FROM $t WHERE id NOT IN
		    (SELECT row_id FROM audit WHERE action = \"insert\"
		    AND tbl = \"$t\")") &&
		[ "$n" = "$a" ] && [ "$m" = 0 ] ||
		{ echo "$t: $n rows, $a audited, $m missing" >&2; exit 1; }
	done &&
	[ "$(q a.db "SELECT count(*) FROM audit")" = 16 ]'

expect_ok 'audit: every entry names the tool thads-import and the OS user' '
	[ "$(q a.db "SELECT DISTINCT tool || \"|\" || os_user FROM audit")" = \
	    "thads-import|$ME" ]'

expect_ok 'audit: an insert holds the new values, no old ones, a UTC time' '
	[ "$(q a.db "SELECT record_key, old IS NULL,
	    json_extract(new, \"\$.name\"), json_extract(new, \"\$.birth_date\")
	    FROM audit WHERE tbl = \"person\" AND action = \"insert\"
	    AND record_key = \"HS-2021-0001\"")" = \
	    "HS-2021-0001|1|Đặng Thị Ngọc Ánh|1985-03-14" ] &&
	[ "$(q a.db "SELECT count(*) FROM audit WHERE at NOT GLOB
	    \"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z\"")" = 0 ]'

expect_ok 'an update (good-update.csv changes a custody level): "0 inserted, 1 updated"' '
	thads-import -d a.db good-update.csv >out 2>err &&
	[ ! -s out ] && summary err 1 0 1 0 0 &&
	[ "$(q a.db "SELECT custody_level FROM episode
	    WHERE admitted = \"2022-01-15\"")" = medium ]'

expect_ok 'the update is audited once, with the old and the new value' '
	echo "thads-import|$ME|episode|HS-2022-0002/2022-01-15|{\"custody_level\":\"maximum\"}|{\"custody_level\":\"medium\"}" >expect &&
	q a.db "SELECT tool, os_user, tbl, record_key, old, new FROM audit
	    WHERE action = \"update\"" >actual &&
	test_cmp expect actual'

test_done

#!/bin/sh
# scripts/thads-daily, the cron job, on a scratch state directory: files
# in incoming/ are imported and moved to done/ or failed/ with their
# log; files in incoming/MAPPING/ go through mappings/MAPPING.map; a
# second run while the lock is held exits 75 and touches nothing.
. "$(dirname "$0")/lib.sh"

# The job looks for thads-import beside itself first (the installed
# layout), then in the tree's build/bin.  Run a copy that sits beside
# the binary under test, so that BUILD=build-san tests build-san.
mkdir bin
cp "$SRCDIR/scripts/thads-daily" bin/thads-daily
ln -s "$BIN/thads-import" bin/thads-import
DAILY=$SCRATCH/bin/thads-daily
MAPS=$SRCDIR/mappings
D=$TESTDATA/daily

# daily STATE: run the job on STATE with its database STATE/thads.db
daily() {
	sh "$DAILY" -s "$1" -m "$MAPS" -d "$1/thads.db"
}

# --- a good file -------------------------------------------------------

mkdir -p s1/incoming
cp "$D/good-dossiers.csv" s1/incoming/

expect_ok 'good interchange file: exit 0, nothing on stdout' '
	daily s1 >out 2>err && [ ! -s out ]'

expect_ok 'good file: moved to done/ unchanged, incoming/ empty' '
	[ -z "$(ls s1/incoming)" ] &&
	set -- s1/done/*-good-dossiers.csv && [ -f "$1" ] &&
	cmp "$1" "$D/good-dossiers.csv"'

expect_ok 'good file: its .log beside it in done/ holds the import summary, nothing else' '
	set -- s1/done/*-good-dossiers.csv.log && [ -f "$1" ] &&
	[ "$(wc -l <"$1")" -eq 1 ] &&
	grep -Eqx "thads-import: 2 read, 2 inserted, 0 updated, 0 unchanged, \
0 rejected; [0-9.]+ s, [0-9]+ rows/s" "$1"'

expect_ok 'good file: the database holds its 2 persons and 2 episodes' '
	[ "$(sqlite3 s1/thads.db "SELECT (SELECT count(*) FROM person) ||
	    \" \" || (SELECT count(*) FROM episode)")" = "2 2" ]'

expect_ok 'the job logs "thads-daily: DATE TIME: ..." lines on stderr' '
	grep -Eq "^thads-daily: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}: imported good-dossiers.csv: " err &&
	! grep -v "^thads-daily: " err'

expect_ok 'the "imported" line is one message: the summary, no second prefix, no trailing space' '
	grep -Eqx "thads-daily: [0-9-]{10} [0-9:]{8}: imported good-dossiers.csv: \
2 read, 2 inserted, 0 updated, 0 unchanged, 0 rejected; [0-9.]+ s, [0-9]+ rows/s" err &&
	! grep -q " $" err && ! grep -q ": thads-import: " err'

# --- a bad file next to a good one -------------------------------------

mkdir -p s2/incoming
cp "$D/good-dossiers.csv" "$D/bad-dossiers.csv" s2/incoming/

expect_fail 1 'bad file: the job exits 1' '
	daily s2 >out 2>err'

expect_ok 'bad file: moved to failed/ unchanged; the good one still to done/' '
	[ -z "$(ls s2/incoming)" ] &&
	set -- s2/failed/*-bad-dossiers.csv && [ -f "$1" ] &&
	cmp "$1" "$D/bad-dossiers.csv" &&
	set -- s2/done/*-good-dossiers.csv && [ -f "$1" ]'

expect_ok 'bad file: its .log in failed/ names each bad row and "nothing was loaded"' '
	set -- s2/failed/*-bad-dossiers.csv.log && [ -f "$1" ] &&
	cat >expect <<-\EOF &&
	thads-import: s2/incoming/bad-dossiers.csv:2: person.birth_date: '\''1990-13-01'\'' is not a real date (YYYY-MM-DD, 1900 to 2100)
	thads-import: s2/incoming/bad-dossiers.csv:3: episode.admitted: '\''2025-02-30'\'' is not a real date and time (YYYY-MM-DD[ HH:MM[:SS]], 1900 to 2100)
	thads-import: 2 bad rows: nothing was loaded
	EOF
	grep -v " read, " "$1" >actual &&
	test_cmp expect actual'

expect_ok 'bad file: none of its rows is in the database' '
	[ "$(sqlite3 s2/thads.db "SELECT count(*) FROM person
	    WHERE ext_id IN (\"HS-2025-0711\", \"HS-2025-0712\")")" = 0 ]'

expect_ok 'bad file: the FAILED line gives the exit status of thads-import (65)' '
	grep -q "FAILED bad-dossiers.csv (exit 65)" err'

# --- a file through a mapping ------------------------------------------

mkdir -p s3/incoming/nyc-doc-daily
cp "$D/DOC_Inmates_InCustody_Daily_20190102.csv" s3/incoming/nyc-doc-daily/

expect_ok 'NYC file in incoming/nyc-doc-daily/: imported through the mapping, exit 0, log clean' '
	daily s3 >out 2>err && [ ! -s out ] &&
	[ -z "$(ls s3/incoming/nyc-doc-daily)" ] && [ -z "$(ls s3/failed)" ] &&
	set -- s3/done/*-DOC_Inmates_InCustody_Daily_20190102.csv &&
	[ -f "$1" ] && [ "$(wc -l <"$1.log")" -eq 1 ] &&
	grep -q "^thads-import: 3 read, 3 inserted, " "$1.log"'

expect_ok 'NYC file: 3 persons, dated from the file name, statuses mapped' '
	cat >expect <<-\EOF &&
	990001|female|34|2019-01-02|pretrial_detention|medium
	990002|male|29|2019-01-02|serving|minimum
	990003|male|41|2019-01-02|pretrial_detention|maximum
	EOF
	sqlite3 s3/thads.db "SELECT p.ext_id, p.sex, p.age, p.age_on, e.status,
	    e.custody_level FROM person p JOIN episode e ON e.person_id = p.id
	    ORDER BY p.ext_id" >actual &&
	test_cmp expect actual'

# --- the lock ----------------------------------------------------------

mkdir -p s4/incoming
cp "$D/good-dossiers.csv" s4/incoming/

expect_ok 'second run while the lock is held: exit 75, message, nothing touched' '
	: >s4/thads-daily.lock
	flock s4/thads-daily.lock sh -c "echo \$\$ >holder.pid; exec sleep 5" &
	i=0
	while [ ! -s holder.pid ] && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	daily s4 >out 2>err
	st=$?
	kill "$(cat holder.pid)"
	wait
	[ $st -eq 75 ] && [ ! -s out ] &&
	grep -Eqx "thads-daily: [0-9-]{10} [0-9:]{8}: another run holds s4/thads-daily.lock; not starting" err &&
	[ "$(wc -l <err)" -eq 1 ] &&
	cmp s4/incoming/good-dossiers.csv "$D/good-dossiers.csv" &&
	[ -z "$(ls -A s4/done)" ] && [ -z "$(ls -A s4/failed)" ] &&
	[ ! -e s4/thads.db ] || { echo "exit $st"; cat err; ls -lR s4; exit 1; }'

expect_ok 'once the lock is free, the next run imports the file' '
	daily s4 >out 2>err && [ -z "$(ls s4/incoming)" ] &&
	set -- s4/done/*-good-dossiers.csv && [ -f "$1" ]'

# --- options -----------------------------------------------------------

expect_ok '-h prints the help (synopsis, state layout) on stdout, exits 0' '
	sh "$DAILY" -h >out 2>err && [ ! -s err ] &&
	grep -q "thads-daily \[-d db\] \[-s state-dir\] \[-m mapping-dir\]" out &&
	grep -q "incoming/" out && grep -q "thads-daily.lock" out'

expect_fail 64 'a bad option exits 64' '
	sh "$DAILY" -x -s s5 >out 2>err'

expect_ok 'a bad option: usage on stderr, nothing on stdout, no state created' '
	sh "$DAILY" -x -s s5 >out 2>err;
	[ ! -s out ] &&
	grep -qx "usage: thads-daily \[-hV\] \[-d db\] \[-s state-dir\] \[-m mapping-dir\]" err &&
	[ ! -e s5 ]'

expect_ok 'a bad option: stderr holds the message, the usage line and the hint' '
	sh "$DAILY" -x -s s5 >out 2>err;
	! grep -v -e "^thads-daily: " -e "^usage: thads-daily " \
	    -e "^Try .thads-daily --help. for more information.$" err'

expect_fail 64 'an operand (the job takes none) exits 64' '
	sh "$DAILY" -s s5 extra >out 2>err'

expect_ok 'two files of one name in one run keep distinct names in done/' '
	mkdir -p s7/incoming/nyc-doc-daily &&
	cp "$TESTDATA/import/good-persons.csv" s7/incoming/a_20190101.csv &&
	cp "$TESTDATA/records/nyc-doc-dic-20190101-foil.csv" \
	    s7/incoming/nyc-doc-daily/a_20190101.csv &&
	sh "$DAILY" -s s7 -m "$SRCDIR/mappings" -d s7.db 2>err;
	[ "$(ls s7/done | grep -c "a_20190101\.csv$")" -eq 2 ] &&
	[ "$(ls s7/done | grep -c "a_20190101\.csv\.log$")" -eq 2 ]'
expect_ok 'symbolic links and hidden files in incoming/ are left alone' '
	mkdir -p s8/incoming && ln -s /etc/passwd s8/incoming/link.csv &&
	cp "$TESTDATA/import/good-persons.csv" s8/incoming/.partial.csv &&
	sh "$DAILY" -s s8 -d s8.db 2>err &&
	[ -L s8/incoming/link.csv ] && [ -f s8/incoming/.partial.csv ] &&
	[ -z "$(ls -A s8/done)$(ls -A s8/failed)" ] && ! grep -q root err'
expect_ok 'files the job makes are private even under umask 000' '
	mkdir -p s9/incoming &&
	cp "$TESTDATA/import/good-persons.csv" s9/incoming/p.csv &&
	(umask 000; sh "$DAILY" -s s9 -d s9.db 2>err) &&
	[ "$(stat -c %a s9/done)" = 700 ] &&
	[ "$(stat -c %a s9/done/$(ls s9/done | grep log$))" = 600 ]'
expect_ok 'a busy database leaves the file in incoming/ and exits 1' '
	mkdir -p s10/incoming &&
	cp "$TESTDATA/import/good-persons.csv" s10/incoming/p.csv &&
	thads-import -q -d s10.db "$TESTDATA/import/good-persons.csv" &&
	{ sqlite3 s10.db "BEGIN IMMEDIATE; SELECT count(*) FROM
	    (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c
	    WHERE x < 20000000) SELECT x FROM c); COMMIT;" >/dev/null & } &&
	sleep 0.3 &&
	THADS_BUSY_TIMEOUT=100 sh "$DAILY" -s s10 -d s10.db 2>err; st=$?; wait;
	[ $st -eq 1 ] && [ -f s10/incoming/p.csv ] &&
	grep -q "left in incoming/" err'

# --- names and formats the job does not take -----------------------------

expect_ok 'files of other formats stay in incoming/, one log line each; the rest is imported' '
	mkdir -p s11/incoming/nyc-doc-daily &&
	cp "$TESTDATA/import/good-persons.csv" s11/incoming/p.csv &&
	echo "call the registry" >s11/incoming/notes.txt &&
	echo "1,2" >s11/incoming/README &&
	echo "x" >s11/incoming/nyc-doc-daily/notes.txt &&
	sh "$DAILY" -s s11 -m "$MAPS" -d s11.db 2>err &&
	[ -f s11/incoming/notes.txt ] && [ -f s11/incoming/README ] &&
	[ -f s11/incoming/nyc-doc-daily/notes.txt ] &&
	[ ! -e s11/incoming/p.csv ] &&
	[ "$(ls s11/done | grep -c "\.log$")" -eq 1 ] &&
	[ -z "$(ls -A s11/failed)" ] &&
	[ "$(grep -c "left incoming/notes.txt where it is: not .csv, .tsv or .xml (optionally .zst)$" err)" -eq 1 ] &&
	[ "$(grep -c "left incoming/README where it is: " err)" -eq 1 ] &&
	[ "$(grep -c "left incoming/nyc-doc-daily/notes.txt where it is: " err)" -eq 1 ] &&
	grep -q "import step: 1 files" err'

expect_ok 'upper case and .zst names are taken (.CSV, .csv.zst)' '
	mkdir -p s12/incoming &&
	cp "$TESTDATA/import/good-persons.csv" s12/incoming/P.CSV &&
	zstd -q "$TESTDATA/import/good-persons.csv" -o s12/incoming/q.csv.zst &&
	sh "$DAILY" -s s12 -d s12.db 2>err &&
	[ -z "$(ls -A s12/incoming)" ] &&
	[ "$(ls s12/done | grep -c "\.log$")" -eq 2 ] && ! grep -q "left " err'

expect_ok 'a newline in a file name is shown as ?: every log line starts with the prefix' '
	mkdir -p s13/incoming &&
	cp "$TESTDATA/import/good-persons.csv" "s13/incoming/a
b.csv" &&
	sh "$DAILY" -s s13 -d s13.db 2>err &&
	! grep -v "^thads-daily: " err &&
	grep -q "imported a?b.csv: " err'

expect_fail 73 'a state directory that cannot be made exits 73' '
	sh "$DAILY" -s /proc/nope -d s14.db >out 2>err'

expect_ok 'a state directory that cannot be made: one message of the job, nothing else' '
	sh "$DAILY" -s /proc/nope -d s14.db >out 2>err;
	[ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] &&
	grep -Eqx "thads-daily: [0-9-]{10} [0-9:]{8}: cannot create /proc/nope: \
No such file or directory; check the state directory \(-s\)" err'

test_done

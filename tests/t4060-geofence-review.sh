#!/bin/sh
# thads-geofence faults found in a user review: outputs written through
# symbolic links or left half written; fix times that cannot be true;
# assignments that reached back before they were made; a track with
# nothing usable in it taken as read; the default time zone not shown.
. "$(dirname "$0")/lib.sh"

tab=$(printf '\t')
printf 'person.id\nHS-1\nHS-2\n' > persons.csv
printf 'ward\tPOLYGON((105.80 21.00, 105.81 21.00, 105.81 21.01, 105.80 21.01, 105.80 21.00))\n' > ward.wkt
printf 'home\tPOINT(105.805 21.005)\tkind=curfew\tradius=50\tschedule=22:00-06:00\n' > home.wkt

# An hour of fixes inside the ward on 2024-05-01 from 08:00 Hanoi time,
# with an excursion east of it from 08:20 to 08:39.
awk 'BEGIN {
	print "id,time,lat,lon,accuracy"
	for (i = 0; i < 60; i++)
		printf "HS-1,%d,21.005,%s,10\n", 1714525200 + i * 60,
		    (i >= 20 && i < 40) ? 105.815 : 105.805
}' > track.csv

q() {
	sqlite3 "$THADS_DB" "$1"
}

expect_ok 'set up: persons, a ward, an hour of fixes' '
	thads-import -q persons.csv && thads-geofence zones import ward.wkt &&
	thads-geofence zones assign HS-1 ward --from 2024-01-01 &&
	thads-geofence check track.csv >/dev/null &&
	[ "$(q "SELECT count(*) FROM geo_fix")" = 60 ]'

# --- outputs: never through a symbolic link, never half written ---------

expect_fail 73 'plot --force refuses a symbolic link as its output' '
	echo keep >v2.txt && chmod 644 v2.txt && ln -s v2.txt plot.svg &&
	thads-geofence plot HS-1 --day 2024-05-01 -o plot.svg --force 2>err;
	st=$?; grep -q "plot.svg.*symbolic link" err || st=99
	[ "$(cat v2.txt)" = keep ] && [ "$(stat -c %a v2.txt)" = 644 ] &&
	[ -L plot.svg ] || st=98; exit $st'

expect_fail 73 'export --force refuses a symbolic link as its output' '
	ln -s v2.txt day.json &&
	thads-geofence export HS-1 --day 2024-05-01 -f geojson -o day.json \
	    --force; st=$?; [ "$(cat v2.txt)" = keep ] || st=99; exit $st'

expect_fail 73 'archive --force refuses a symbolic link and deletes nothing' '
	echo precious >precious.txt && ln -s precious.txt arch.zst &&
	thads-geofence archive --before 2024-06-01 -o arch.zst --force 2>err;
	st=$?; grep -q "arch.zst.*symbolic link" err || st=99
	[ "$(cat precious.txt)" = precious ] || st=98
	[ "$(q "SELECT count(*) FROM geo_fix")" = 60 ] || st=97; exit $st'

expect_fail 73 'archive refuses a symbolic link as its checksum file' '
	ln -s precious.txt a2.zst.sha256 &&
	thads-geofence archive --before 2024-06-01 -o a2.zst 2>err;
	st=$?; [ "$(cat precious.txt)" = precious ] || st=99
	[ ! -e a2.zst ] || st=98
	[ "$(q "SELECT count(*) FROM geo_fix")" = 60 ] || st=97; exit $st'

expect_ok 'plot --force replaces a file by a new one, not in place' '
	echo old >p.svg && ln p.svg p.hard &&
	thads-geofence plot HS-1 --day 2024-05-01 -o p.svg --force &&
	[ "$(cat p.hard)" = old ] && grep -q "<svg" p.svg &&
	[ "$(stat -c %a p.svg)" = 600 ] && [ -z "$(ls | grep "\.tmp-")" ]'

expect_fail 73 'a device is never replaced' '
	thads-geofence plot HS-1 --day 2024-05-01 -o /dev/null --force 2>err;
	st=$?; grep -q "not a regular file" err || st=99; exit $st'

expect_ok 'a plot that fails leaves the old file and no temporary file' '
	echo old >q.svg &&
	! thads-geofence plot HS-404 --day 2024-05-01 -o q.svg --force &&
	[ "$(cat q.svg)" = old ] && [ -z "$(ls | grep "\.tmp-")" ]'

# The order on disk: the archive is synced and renamed into place
# before the database deletes a row (its first write to the journal).
# The leak checker of a SAN=1 build cannot run under ptrace.
expect_ok 'archive --force replaces a file; fixes deleted only after it' '
	echo old >a.zst &&
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -y -e trace=fsync,rename,renameat,renameat2,write,pwrite64 \
	    -o trace thads-geofence archive --before 2024-06-01 -o a.zst \
	    --force 2>err &&
	[ "$(q "SELECT count(*) FROM geo_fix")" = 0 ] &&
	[ "$(zstd -dc a.zst | wc -l)" = 61 ] &&
	sha256sum -c a.zst.sha256 >/dev/null &&
	sync=$(grep -n "fsync(.*a\.zst\.tmp-" trace | head -1 | cut -d: -f1) &&
	mv=$(grep -n "rename.*a\.zst\.tmp-[^\"]*\", \"a\.zst\"" trace |
	    cut -d: -f1) &&
	db=$(grep -n "write.*thads\.db-\(journal\|wal\)" trace | head -1 |
	    cut -d: -f1) &&
	[ -n "$sync" ] && [ -n "$mv" ] && [ -n "$db" ] &&
	[ "$sync" -lt "$mv" ] && [ "$mv" -lt "$db" ]'

# --- fix times that cannot be true --------------------------------------

# HS-1 the next day: fixes inside the ward every minute from 08:00, one
# with 99999999999999 as its time (read as milliseconds: year 5138) and
# one with 1 (1970) among them.
awk 'BEGIN {
	print "id,time,lat,lon,accuracy"
	for (i = 0; i < 20; i++) {
		t = 1714611600 + i * 60
		if (i == 5) t = "99999999999999"
		if (i == 12) t = 1
		printf "HS-1,%s,21.005,105.805,10\n", t
	}
}' > bad-times.csv

expect_ok 'a fix in the year 5138 or in 1970 is skipped, named by file and line' '
	thads-geofence check bad-times.csv >out 2>err &&
	grep -q "^thads-geofence: bad-times.csv:7: implausible time 5138-11-16T.*: ahead of the clock" err &&
	grep -q "^thads-geofence: bad-times.csv:14: implausible time 1970-01-01T00:00:01Z: before 2000" err &&
	grep -q "records skipped: 2 (implausible time 2)" err &&
	[ "$(q "SELECT count(*) FROM geo_fix WHERE t > 1714611600000")" = 17 ] &&
	[ "$(q "SELECT count(*) FROM geo_fix WHERE t > unixepoch() * 1000 OR t < 946684800000")" = 0 ]'

expect_ok 'no event reaches into 5138, none is raised by later real fixes' '
	awk "BEGIN { print \"id,time,lat,lon,accuracy\"
	    for (i = 0; i < 10; i++)
		printf \"HS-1,%d,21.005,105.805,10\\n\", 1714615200 + i * 60 }" >more.csv &&
	thads-geofence check more.csv >out 2>err &&
	! grep -q 5138 out && thads-geofence events HS-1 >ev &&
	! grep -q 5138 ev && ! grep -q absconding ev &&
	[ "$(q "SELECT count(*) FROM geo_event WHERE end_ms > 1800000000000 OR confirmed_ms > 1800000000000")" = 0 ]'

# --now: the run's clock; --ahead: how far past it a fix may lie.
printf 'id,time,lat,lon\nHS-1,2024-05-03T09:05:00+07:00,21.005,105.805\nHS-1,2024-05-03T09:20:00+07:00,21.005,105.805\n' > ahead.csv

expect_ok '--now: a fix 20 minutes ahead of it is skipped, 5 minutes is taken' '
	thads-geofence check --now 2024-05-03T09:00+07:00 ahead.csv >out 2>err &&
	grep -q "ahead.csv:3: implausible time 2024-05-03T02:20:00Z: ahead of the clock" err &&
	! grep -q "ahead.csv:2:" err &&
	[ "$(q "SELECT count(*) FROM geo_fix WHERE t >= 1714701600000")" = 1 ]'

expect_ok '--ahead 3600 takes it' '
	thads-geofence check --now 2024-05-03T09:00+07:00 --ahead 3600 \
	    ahead.csv >out 2>err && ! grep -q implausible err &&
	[ "$(q "SELECT count(*) FROM geo_fix WHERE t >= 1714701600000")" = 2 ]'

expect_fail 64 '--ahead must be a number of seconds' '
	thads-geofence check --ahead soon ahead.csv'

# --- an assignment does not reach back before it was made ---------------

# HS-2 is 1 km from home from 21:00 to 23:00 on 2024-05-01 (night.csv)
# and 2024-05-02 (night2.csv), in the curfew from 22:00.
for d in 0 1; do
	awk -v d=$d 'BEGIN {
		print "id,time,lat,lon,accuracy"
		for (i = 0; i < 120; i++)
			printf "HS-2,%d,21.015,105.805,10\n",
			    1714572000 + d * 86400 + i * 60
	}' > night$d.csv
done
mv night0.csv night.csv; mv night1.csv night2.csv

expect_ok 'a zone assigned without --from starts now: old fixes raise nothing' '
	thads-geofence zones import home.wkt &&
	thads-geofence zones assign HS-2 home &&
	[ "$(q "SELECT valid_from >= (unixepoch() - 600) * 1000 FROM
	    geo_assignment a JOIN person p ON p.id = a.person_id WHERE
	    p.ext_id = '"'"'HS-2'"'"'")" = 1 ] &&
	thads-geofence check --no-header night.csv >out &&
	[ ! -s out ] && [ -z "$(thads-geofence events --no-header HS-2)" ]'

expect_ok 'assigning it again without --from changes the same binding' '
	thads-geofence zones assign HS-2 home --to 2099-01-01 &&
	[ "$(q "SELECT count(*), max(valid_to) FROM geo_assignment a JOIN
	    person p ON p.id = a.person_id WHERE p.ext_id = '"'"'HS-2'"'"'")" = "1|4070883600000" ]'

expect_ok '--now sets when the binding starts' '
	q "DELETE FROM geo_assignment WHERE person_id = (SELECT id FROM person
	    WHERE ext_id = '"'"'HS-2'"'"')" &&
	thads-geofence zones assign HS-2 home --now 2024-05-01T23:00+07:00 &&
	[ "$(q "SELECT valid_from FROM geo_assignment a JOIN person p ON
	    p.id = a.person_id WHERE p.ext_id = '"'"'HS-2'"'"'")" = 1714579200000 ]'

expect_ok 'with --from, the zone applies to the past: the curfew breach' '
	thads-geofence zones assign HS-2 home --from 2024-01-01 &&
	thads-geofence check night2.csv >/dev/null &&
	thads-geofence events HS-2 --no-header >ev &&
	grep -q "^HS-2${tab}home${tab}curfew${tab}2024-05-02T22:00:00+07:00" ev'

# --- a file with nothing usable in it ---------------------------------

head -c 100000 /dev/urandom > rnd.nmea
printf 'id,time,lat,lon\nHS-1,x,1,1\nHS-1,2024-05-01T08:00,91,0\n' > nothing.csv
: > empty.csv

expect_fail 65 'random bytes as NMEA: no fix read, exit 65 with a message' '
	thads-geofence check --id HS-1 rnd.nmea >out 2>err; st=$?
	grep -q "rnd.nmea: no fix could be read: [0-9]* records skipped" err ||
	    st=99; exit $st'

expect_ok 'without -v the summary of skipped records is printed, by reason' '
	thads-geofence check --id HS-1 rnd.nmea >out 2>err;
	grep -q "more records skipped: see the summary" err &&
	grep -q "^thads-geofence: records skipped: [0-9]* (.*not an NMEA sentence [0-9]*" err'

expect_ok 'with -q it is not' '
	thads-geofence -q check --id HS-1 rnd.nmea >out 2>err;
	grep -q "no fix could be read" err && ! grep -q "records skipped: " err'

expect_fail 65 'a CSV whose every row is bad: exit 65' '
	thads-geofence check nothing.csv 2>err; st=$?
	grep -q "nothing.csv:2: bad time" err &&
	grep -q "nothing.csv:3: bad latitude" err &&
	grep -q "records skipped: 2 (bad time 1, bad latitude 1)" err &&
	grep -q "nothing.csv: no fix could be read: 2 records skipped" err ||
	    st=99; exit $st'

expect_ok 'an empty file is no error' '
	thads-geofence check empty.csv'

# The daily job moves such a file to tracks-failed/.
mkdir bin
cp "$SRCDIR/scripts/thads-daily" bin/thads-daily
ln -s "$BIN/thads-import" bin/thads-import
ln -s "$BIN/thads-geofence" bin/thads-geofence
S=$SCRATCH/state
mkdir -p "$S/incoming" "$S/tracks/HS-1"
sqlite3 "$THADS_DB" ".backup '$S/thads.db'" && chmod 600 "$S/thads.db"

expect_fail 1 'thads-daily: a track of random bytes goes to tracks-failed/' '
	cp rnd.nmea "$S/tracks/HS-1/rnd.nmea" &&
	PATH=$SCRATCH/bin:/usr/bin:/bin sh bin/thads-daily -s "$S" \
	    -d "$S/thads.db" >out 2>err; st=$?
	set -- "$S"/tracks-failed/*-HS-1-rnd.nmea && [ -f "$1" ] &&
	grep -q "no fix could be read" "$1.log" &&
	[ ! -d "$S/tracks-done" ] || st=99; exit $st'

# --- zones list --------------------------------------------------------

expect_ok 'zones list shows the time zone a curfew is judged in' '
	thads-geofence zones list -f tsv --no-header >list &&
	grep -q "^home${tab}curfew${tab}50.0${tab}0.0${tab}22:00-06:00${tab}Asia/Ho_Chi_Minh${tab}HS-2$" list &&
	grep -q "^ward${tab}inclusion${tab}${tab}0.0${tab}${tab}${tab}HS-1$" list'

test_done

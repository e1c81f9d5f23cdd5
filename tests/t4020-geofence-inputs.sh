#!/bin/sh
# thads-geofence check: every input format gives the same fixes (CSV by
# names or through a mapping file, JSON Lines, GPX 1.0 and 1.1, NMEA
# RMC and GGA), plain or zstd, from files or standard input; time stamps
# without an offset; bad records counted and skipped with a message; a
# broken input; a pipe followed while it grows; a stop by signal.
. "$(dirname "$0")/lib.sh"

printf 'person.id\nHS-1\nHS-2\nHS-3\nHS-4\nHS-5\nHS-6\n' > persons.csv
expect_ok 'persons' 'thads-import -q persons.csv'

q() {
	sqlite3 "$THADS_DB" "$1"
}

# --- one track, five formats ------------------------------------------

cat > t.csv <<'EOF'
id,time,lat,lon,accuracy
HS-2,2024-05-01T01:00:00Z,21.0285,105.8520,5
HS-2,2024-05-01T01:00:30Z,21.0286,105.8521,5
HS-2,2024-05-01T01:01:00Z,21.0287,105.8522,5
EOF
cat > t.jsonl <<'EOF'
{"device": "HS-2", "time": "2024-05-01T08:00:00+07:00", "lat": 21.0285, "lon": 105.852, "accuracy": 5}
{"device": "HS-2", "time": 1714525230, "lat": 21.0286, "lon": 105.8521}
{"device": "HS-2", "time": "2024-05-01T01:01:00.000Z", "lat": "21.0287", "lon": "105.8522"}
EOF
cat > t.gpx <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>HS-2</name><trkseg>
<trkpt lat="21.0285" lon="105.8520"><ele>12</ele><time>2024-05-01T01:00:00Z</time><hdop>1</hdop></trkpt>
<trkpt lat="21.0286" lon="105.8521"><time>2024-05-01T01:00:30Z</time></trkpt>
<trkpt lat="21.0287" lon="105.8522"><time>2024-05-01T01:01:00Z</time></trkpt>
</trkseg></trk></gpx>
EOF
# RMC with the date, then GGA of the same seconds.
cat > t.nmea <<'EOF'
$GPRMC,010000.00,A,2101.7100,N,10551.1200,E,0.0,0.0,010524,,,A*5A
$GPGGA,010000.00,2101.7100,N,10551.1200,E,1,08,1.0,12.0,M,0.0,M,,*60
$GPGGA,010030.00,2101.7160,N,10551.1260,E,1,08,1.0,12.0,M,0.0,M,,*63
$GPGGA,010100.00,2101.7220,N,10551.1320,E,1,08,1.0,12.0,M,0.0,M,,*63
EOF

expect_ok 'CSV by column names: 3 fixes stored' '
	thads-geofence -v check t.csv >/dev/null 2>err &&
	grep -q "3 fixes read, 3 stored, 0 duplicates" err'

expect_ok 'the same track in JSON Lines, GPX 1.1, NMEA and zstd CSV: the same 3 fixes again' '
	zstd -q -o t.csv.zst t.csv &&
	for f in t.jsonl t.gpx t.nmea t.csv.zst; do
		thads-geofence -v check --id HS-2 $f >/dev/null 2>err &&
		grep -q "3 fixes read, 0 stored, 3 duplicates" err || {
			echo "$f:"; cat err; exit 1; }
	done'

expect_ok 'the stored fixes are those of the first input' '
	[ "$(q "SELECT group_concat(t || \",\" || lat || \",\" || lon || \",\" ||
	    acc, \" \") FROM geo_fix")" = \
	    "1714525200000,21.0285,105.852,5.0 1714525230000,21.0286,105.8521,5.0 1714525260000,21.0287,105.8522,5.0" ]'

expect_ok 'NMEA: positions in degrees and minutes, accuracy from HDOP' '
	thads-geofence -v check --id HS-3 t.nmea >/dev/null 2>err &&
	[ "$(q "SELECT t, round(lat, 6), round(lon, 6), acc FROM geo_fix f
	    JOIN person p ON p.id = f.person_id WHERE p.ext_id = '"'"'HS-3'"'"'
	    ORDER BY t LIMIT 1")" = "1714525200000|21.0285|105.852|5.0" ]'

expect_ok 'GPX 1.0 is read too' '
	sed -e "s/1\/1/1\/0/" -e "s/version=\"1.1\"/version=\"1.0\"/" \
	    -e "s/HS-2/HS-4/" t.gpx >t10.gpx &&
	thads-geofence -v check --id HS-4 t10.gpx >/dev/null 2>err &&
	grep -q "3 fixes read, 3 stored" err'

expect_ok 'GPX and NMEA give no id: without --id the input is refused' '
	! thads-geofence check t.gpx >/dev/null 2>err &&
	grep -q "t.gpx: GPX gives no device or person id: give one (--id)" err'

# --- time stamps, standard input, formats by content ----------------------

expect_ok 'time stamps without an offset are local time of --tz (DST-aware)' '
	printf "id,time,lat,lon\nHS-5,2024-07-01 08:00:00,48.86,2.34\nHS-5,2024-12-01 08:00:00,48.86,2.34\n" >naive.csv &&
	thads-geofence check --tz Europe/Paris naive.csv >/dev/null &&
	[ "$(q "SELECT group_concat(t, \" \") FROM geo_fix f JOIN person p ON
	    p.id = f.person_id WHERE p.ext_id = '"'"'HS-5'"'"'")" = \
	    "1719813600000 1733036400000" ]'

expect_ok 'without --tz they are THADS_TZ time' '
	printf "id,time,lat,lon\nHS-5,2024-05-01 08:00:00,48.86,2.34\n" >naive2.csv &&
	thads-geofence check naive2.csv >/dev/null &&
	q "SELECT t FROM geo_fix" | grep -qx 1714525200000'

expect_fail 64 'an unknown --tz is a misuse' '
	thads-geofence check --tz Mars/Olympus naive.csv'

expect_ok 'standard input: "-" or no file; zstd and NMEA told by content' '
	sed s/HS-2/HS-1/ t.csv | thads-geofence -v check - >/dev/null 2>err &&
	grep -q "3 fixes read, 3 stored" err &&
	sed s/HS-2/HS-1/ t.csv | zstd -q -c | thads-geofence -v check \
	    >/dev/null 2>err &&
	grep -q "3 fixes read, 0 stored, 3 duplicates" err &&
	thads-geofence -v check --id HS-1 <t.nmea >/dev/null 2>err &&
	grep -q "3 fixes read, 0 stored, 3 duplicates" err'

# --- a mapping file ------------------------------------------------------------

expect_ok 'CSV through a mapping file: a vendor export with a day-first local date' '
	thads-geofence devices assign 356938035643809 HS-6 &&
	thads-geofence -v check --map "$TESTDATA/gps/tracker-export.map" \
	    "$TESTDATA/gps/tracker-export.csv" >out 2>err &&
	grep -q "4 fixes read, 4 stored.* 1 skipped" err &&
	grep -q "tracker-export.csv:5: bad latitude .91.0000." err &&
	[ "$(q "SELECT count(*), min(t), sum(tamper) FROM geo_fix WHERE
	    t >= 1714525200000 AND t < 1714525500000 AND battery IS NOT
	    NULL")" = "4|1714525200000|1" ] &&
	grep -q "^HS-6		tamper	2024-05-01T08:02:00+07:00		" out'

expect_fail 78 'a mapping that does not fit the file: exit 78 before reading' '
	printf "[fields]\nextra.id = NOPE\nextra.time = T\nextra.lat = A\nextra.lon = B\n" >bad.map &&
	thads-geofence check --map bad.map t.csv'

# --- bad records, broken inputs --------------------------------------------------

expect_ok 'bad NMEA sentences are counted and skipped, each with a message' '
	{ head -2 t.nmea; echo "\$GPGGA,010030.00,2101.7160,N,10551.1260,E,1,08,1.0,12.0,M,0.0,M,,*52";
	  echo "power on"; tail -1 t.nmea; } >bad.nmea &&
	thads-geofence -v check --id HS-1 bad.nmea >/dev/null 2>err &&
	grep -q "bad.nmea:3: bad or missing checksum: sentence skipped" err &&
	grep -q "bad.nmea:4: not an NMEA sentence: skipped" err &&
	grep -q "2 fixes read, .* 2 skipped" err'

expect_fail 65 'a truncated zstd input: exit 65, the fixes before it kept' '
	awk "BEGIN { srand(3); print \"id,time,lat,lon\"
	    for (i = 0; i < 3000; i++)
		printf \"HS-1,%d,%.7f,%.7f\\n\", 1714600000 + i,
		    21 + rand() / 1000, 105.85 + rand() / 1000 }" |
	    zstd -q -c >big.csv.zst &&
	head -c 4000 big.csv.zst >cut.csv.zst &&
	thads-geofence -v check cut.csv.zst >/dev/null 2>err;
	st=$?
	grep -q "truncated zstd stream" err &&
	[ "$(q "SELECT count(*) FROM geo_fix WHERE t >= 1714600000000")" -gt 0 ] &&
	exit $st'

expect_ok 'an archive whose checksum file does not match is refused' '
	printf "0000000000000000000000000000000000000000000000000000000000000000  t.csv.zst\n" >t.csv.zst.sha256 &&
	! thads-geofence check t.csv.zst 2>err &&
	grep -q "SHA-256 does not match" err'

# --- following a pipe -----------------------------------------------------

expect_ok 'a pipe is followed: events reach the database while it is open' '
	mkfifo fifo &&
	printf "person,zone,from\nHS-1,home,2000-01-01\n" >a.csv &&
	printf "home\tPOINT(105.852 21.0285)\tradius=100\n" >home.wkt &&
	thads-geofence zones import home.wkt && thads-geofence zones assign a.csv &&
	{ thads-geofence check --reorder 0 - <fifo >follow.out 2>follow.err & } &&
	exec 7>fifo &&
	echo id,time,lat,lon >&7 &&
	i=0; while [ $i -lt 40 ]; do
		echo "HS-1,$((1714700000 + i * 30)),21.0385,105.852" >&7
		i=$((i + 1)); done &&
	n=0; while [ $n -lt 50 ] && [ "$(q "SELECT count(*) FROM geo_event
	    WHERE type = '"'"'left_inclusion'"'"'")" = 0 ]; do
		sleep 0.2; n=$((n + 1)); done &&
	[ $n -lt 50 ] && exec 7>&- && wait'

expect_ok 'SIGTERM while waiting for input ends the run cleanly' '
	rm -f fifo && mkfifo fifo &&
	{ thads-geofence -v check - <fifo >term.out 2>term.err & pid=$!; } &&
	exec 7>fifo && echo id,time,lat,lon >&7 &&
	echo "HS-1,1714800000,21.0385,105.852" >&7 && sleep 1 &&
	kill -TERM $pid && wait $pid && exec 7>&- &&
	grep -q "1 fixes read, 1 stored" term.err &&
	q "SELECT count(*) FROM geo_fix WHERE t = 1714800000000" | grep -qx 1'

test_done

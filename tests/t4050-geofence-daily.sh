#!/bin/sh
# scripts/thads-daily runs the geofence step: tracks dropped in tracks/
# (and tracks/ID/ for GPX and NMEA) are checked and moved to
# tracks-done/ or tracks-failed/; every person monitored is then checked
# up to the time of the run; the events go to geofence/.
. "$(dirname "$0")/lib.sh"

# The job finds the tools beside itself (see t1030).
mkdir bin
cp "$SRCDIR/scripts/thads-daily" bin/thads-daily
ln -s "$BIN/thads-import" bin/thads-import
ln -s "$BIN/thads-geofence" bin/thads-geofence
DAILY=$SCRATCH/bin/thads-daily
S=$SCRATCH/state
DB=$S/thads.db

daily() {
	PATH=$SCRATCH/bin:/usr/bin:/bin sh "$DAILY" -s "$S" -d "$DB"
}

mkdir -p "$S/incoming" "$S/tracks/HS-2"
printf 'person.id\nHS-1\nHS-2\nHS-3\n' > "$S/incoming/persons.csv"
printf 'ward\tPOLYGON((105.80 21.00, 105.81 21.00, 105.81 21.01, 105.80 21.01, 105.80 21.00))\n' > ward.wkt
printf 'person,zone,from\nHS-1,ward,2000-01-01\nHS-2,ward,2000-01-01\nHS-3,ward,2000-01-01\n' > assign.csv

# HS-1 leaves the ward for 10 min (CSV); HS-2 walks inside it (GPX);
# HS-3 has one old fix and nothing since: its signal is lost.
awk 'BEGIN { print "id,time,lat,lon,accuracy"
	for (i = 0; i < 30; i++)
		printf "HS-1,%d,21.005,%s,10\n", 1714525200 + i * 60,
		    (i >= 10 && i < 20) ? "105.815" : "105.805"
	print "HS-3,1714525200,21.005,105.805,10" }' > "$S/tracks/day.csv"
cat > "$S/tracks/HS-2/walk.gpx" <<'EOF'
<?xml version="1.0"?>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>
<trkpt lat="21.005" lon="105.805"><time>2024-05-01T01:00:00Z</time></trkpt>
<trkpt lat="21.006" lon="105.806"><time>2024-05-01T01:01:00Z</time></trkpt>
</trkseg></trk></gpx>
EOF

expect_ok 'the first run imports the persons (no zones yet to check)' '
	daily >out 2>err && [ ! -s out ] &&
	grep -q "geofence step: 2 tracks, " err'

expect_ok 'the tracks moved to tracks-done/, the GPX under its id' '
	[ -z "$(find "$S/tracks" -type f)" ] &&
	set -- "$S"/tracks-done/*-day.csv && [ -f "$1" ] &&
	set -- "$S"/tracks-done/*-HS-2-walk.gpx && [ -f "$1" ]'

expect_ok 'with zones assigned, the next run raises the events of new tracks' '
	PATH=$SCRATCH/bin:$PATH thads-geofence -d "$DB" zones import ward.wkt &&
	PATH=$SCRATCH/bin:$PATH thads-geofence -d "$DB" zones assign assign.csv &&
	awk "BEGIN { print \"id,time,lat,lon,accuracy\"
	    for (i = 0; i < 30; i++)
		printf \"HS-1,%d,21.005,%s,10\\n\", 1714611600 + i * 60,
		    (i >= 10 && i < 20) ? \"105.815\" : \"105.805\" }" \
	    >"$S/tracks/day2.csv" &&
	daily >out 2>err && [ ! -s out ] &&
	grep -q "geofence step: 1 tracks, " err &&
	cat "$S"/geofence/events-*.csv >all &&
	grep -q "^HS-1,ward,left_inclusion,2024-05-02T08:10:00+07:00,2024-05-02T08:20:00+07:00," all'

expect_ok 'a silent monitor is caught up to now: an open signal loss' '
	cat "$S"/geofence/events-*.csv >all &&
	grep -q "^HS-3,,signal_lost,2024-05-01T08:00:00+07:00,," all &&
	[ "$(sqlite3 "$DB" "SELECT count(*) FROM geo_event e JOIN person p
	    ON p.id = e.person_id WHERE p.ext_id = '"'"'HS-3'"'"' AND
	    e.type = '"'"'signal_lost'"'"' AND e.end_ms IS NULL")" = 1 ]'

expect_fail 1 'a track that cannot be read moves to tracks-failed/ with its log' '
	printf "id,when\nHS-1,x\n" >"$S/tracks/bad.csv" &&
	daily >out 2>err'

expect_ok 'the failed track and its messages' '
	set -- "$S"/tracks-failed/*-bad.csv && [ -f "$1" ] &&
	grep -q "no .time. column" "$1.log" &&
	grep -q "FAILED track bad.csv (exit 65)" err'

test_done

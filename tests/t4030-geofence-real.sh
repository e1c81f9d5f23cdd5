#!/bin/sh
# thads-geofence on real public tracks (testdata/gps/SOURCES.md): each
# parses with the fix count and time range stated here, and an invented
# zone drawn around part of each gives the events stated here.  The
# expected events were worked out apart from THADS, with a short script
# that applies the rules of thads-geofence(1) (distances on a local flat
# plane, or on the sphere for circles; 3 fixes over 60 s beyond the
# accuracy plus 20 m) to the points of each file.
. "$(dirname "$0")/lib.sh"

G=$TESTDATA/gps
NMEA=$SHARED/gps/gpsbabel_gga_midnight_rollover.nmea
tab=$(printf '\t')

printf 'person.id\nHIKER\nWALKER\nDRIVER\nA\nB\n' > persons.csv
expect_ok 'persons' 'thads-import -q persons.csv'

q() {
	sqlite3 "$THADS_DB" "$1"
}

# fixes P: "count|first|last" of P's stored fixes, times in UTC.
fixes() {
	q "SELECT count(*) || '|' || strftime('%Y-%m-%dT%H:%M:%SZ', min(t) /
	    1000, 'unixepoch') || '|' || strftime('%Y-%m-%dT%H:%M:%SZ',
	    max(t) / 1000, 'unixepoch') FROM geo_fix f JOIN person p ON
	    p.id = f.person_id WHERE p.ext_id = '$1'"
}

same() {
	thads-geofence events "$1" --no-header > "got.$1" &&
	cat > "want.$1" && test_cmp "want.$1" "got.$1"
}

# --- gpxpy korita-zbevnica.gpx: 4 segments -------------------------------
#
# 871 track points in 4 segments: one empty, one of 358 points without
# a time (skipped: a fix needs one), 176 and 337 timed points, from
# 09:36:30Z to 13:19:31Z on 3 October 2010.  The zone is a rectangle
# around the north-west of the walk (14.000-14.025 E, 45.450-45.470 N);
# the walker leaves it eastwards at 12:32:34Z and is back for good at
# 13:09:13Z, 598.8 m out at most; two pauses of over 15 min are signal
# losses.  GPX gives no accuracy: 15 m by default.

printf 'korita\tPOLYGON((14.000 45.450, 14.025 45.450, 14.025 45.470, 14.000 45.470, 14.000 45.450))\n' > korita.wkt

expect_ok 'korita: 513 fixes, 358 points without a time skipped' '
	thads-geofence zones import korita.wkt &&
	thads-geofence zones assign HIKER korita --from 2000-01-01 &&
	thads-geofence -v check --id HIKER "$G/gpxpy_korita_4_segments.gpx" \
	    >/dev/null 2>err &&
	grep -q "513 fixes read, 513 stored,.* 358 skipped" err &&
	grep -q "gpxpy_korita_4_segments.gpx:33: track point without a time: skipped" err'

expect_ok 'korita: 09:36:30Z to 13:19:31Z' '
	[ "$(fixes HIKER)" = "513|2010-10-03T09:36:30Z|2010-10-03T13:19:31Z" ]'

expect_ok 'korita: the events worked out by hand' "
	same HIKER <<-EOF
	HIKER${tab}${tab}signal_lost${tab}2010-10-03T17:57:10+07:00${tab}2010-10-03T18:13:49+07:00${tab}2010-10-03T18:13:49+07:00${tab}${tab}0${tab}1.00${tab}false
	HIKER${tab}${tab}signal_lost${tab}2010-10-03T18:34:09+07:00${tab}2010-10-03T19:08:10+07:00${tab}2010-10-03T19:08:10+07:00${tab}${tab}0${tab}1.00${tab}false
	HIKER${tab}korita${tab}left_inclusion${tab}2010-10-03T19:32:34+07:00${tab}2010-10-03T20:09:13+07:00${tab}2010-10-03T19:33:40+07:00${tab}598.8${tab}162${tab}0.98${tab}false
	EOF"

# --- gpxpy track-with-empty-segment.gpx -------------------------------------
#
# GPX 1.1, 9 points from 17:26:26Z to 17:27:42Z on 6 July 2013, then an
# empty segment.  The zone is an exclusion circle of 20 m around
# 50.7776 N 6.0826 E: the walk enters it at 17:26:44Z (2.9 m from the
# centre: 17.1 m deep) and stays, 6 fixes, one of them deeper than its
# accuracy of 15 m.

expect_ok 'empty segment: 9 fixes, 17:26:26Z to 17:27:42Z' '
	printf "cafe\tPOINT(6.0826 50.7776)\tkind=exclusion\tradius=20\n" >cafe.wkt &&
	thads-geofence zones import cafe.wkt &&
	thads-geofence zones assign WALKER cafe --from 2000-01-01 &&
	thads-geofence -v check --id WALKER "$G/gpxpy_empty_segment.gpx" \
	    >/dev/null 2>err &&
	grep -q "9 fixes read, 9 stored,.* 0 skipped" err &&
	[ "$(fixes WALKER)" = "9|2013-07-06T17:26:26Z|2013-07-06T17:27:42Z" ]'

expect_ok 'empty segment: entered the exclusion zone at the first fix inside' "
	same WALKER <<-EOF
	WALKER${tab}cafe${tab}entered_exclusion${tab}2013-07-07T00:26:44+07:00${tab}${tab}2013-07-07T00:26:44+07:00${tab}17.1${tab}6${tab}0.17${tab}false
	EOF"

# --- GPSBabel backfilldate.nmea (GPL-2.0: read in place, not copied) ---------
#
# 500 GGA sentences a second apart from 23:56:00 to 00:04:19 UTC, and a
# ZDA at the end that gives the date, 9 March 2019: the fixes before
# midnight are dated 8 March.  Accuracy is HDOP x 5 m.  The zone is a
# circle of 100 m around the first fix; the receiver jitters in it for
# three minutes (no event), then drives off: out from 23:59:12Z, raised
# a minute later, 4987.1 m out at the end (not quite the 5 km of
# absconding).

if [ -r "$NMEA" ]; then
	expect_ok 'NMEA: 500 fixes, dated back from the ZDA over midnight' '
		printf "start\tPOINT(17.1746166667 50.2246)\tradius=100\n" >start.wkt &&
		thads-geofence zones import start.wkt &&
		thads-geofence zones assign DRIVER start --from 2000-01-01 &&
		thads-geofence -v check --id DRIVER "$NMEA" >/dev/null 2>err &&
		grep -q "500 fixes read, 500 stored,.* 0 skipped" err &&
		[ "$(fixes DRIVER)" = "500|2019-03-08T23:56:00Z|2019-03-09T00:04:19Z" ]'

	expect_ok 'NMEA: the jitter raises nothing, the drive one breach' "
		same DRIVER <<-EOF
		DRIVER${tab}start${tab}left_inclusion${tab}2019-03-09T06:59:12+07:00${tab}${tab}2019-03-09T07:00:12+07:00${tab}4987.1${tab}308${tab}1.00${tab}false
		EOF"
else
	echo "# skipping the NMEA file: $NMEA not found"
fi

# --- the Paris arrondissements: fixes on a shared border -------------------------
#
# Louvre and Bourse share a border; the simplified polygons leave a gap
# of under a metre along it.  A fix on Louvre's edge (2.340623 E,
# 48.8658465 N) is on Louvre's boundary and 0.9 m outside Bourse: for
# either zone it is neither clearly in nor clearly out.  A walks from
# Louvre (346.6 m inside) to the border and stays, back into Louvre,
# then 287.0 m into Bourse; B walks the same, bound to Bourse, from
# 517.7 m outside it.

expect_ok 'Paris: zones, and the same walk bound to Louvre (A) and to Bourse (B)' '
	thads-geofence zones import "$G/zone_paris_arrondissements.geojson" &&
	thads-geofence zones assign A Louvre --from 2000-01-01 &&
	thads-geofence zones assign B Bourse --from 2000-01-01 &&
	{ echo id,time,lat,lon,accuracy
	  for who in A B; do
		t=1714525200
		for spec in "10 48.862 2.336" "20 48.8658465 2.340623" \
		    "10 48.862 2.336" "10 48.8685 2.341"; do
			set -- $spec; n=$1
			while [ $n -gt 0 ]; do
				echo "$who,$t,$2,$3,10"; t=$((t + 30)); n=$((n - 1))
			done
		done
	  done; } >paris.csv &&
	thads-geofence check paris.csv >/dev/null'

expect_ok 'Paris: border fixes move neither; A leaves Louvre into Bourse' "
	same A <<-EOF
	A${tab}Louvre${tab}left_inclusion${tab}2024-05-01T08:20:00+07:00${tab}${tab}2024-05-01T08:21:00+07:00${tab}287.0${tab}10${tab}1.00${tab}false
	EOF"

expect_ok 'Paris: B is out of Bourse until it enters it; the border fixes count, not clearly' "
	same B <<-EOF
	B${tab}Bourse${tab}left_inclusion${tab}2024-05-01T08:00:00+07:00${tab}2024-05-01T08:20:00+07:00${tab}2024-05-01T08:01:00+07:00${tab}517.7${tab}40${tab}0.50${tab}false
	EOF"

test_done

#!/bin/sh
# thads-geofence archive, plot and export: old fixes leave the database
# for a compressed archive with a checksum, readable again by check and
# plot; a day is drawn as SVG and exported as GeoJSON.
. "$(dirname "$0")/lib.sh"

tab=$(printf '\t')
printf 'person.id\nHS-1\n' > persons.csv
printf 'ward\tPOLYGON((105.80 21.00, 105.81 21.00, 105.81 21.01, 105.80 21.01, 105.80 21.00))\n' > ward.wkt

# Two days, a fix a minute from 08:00 to 08:59 Hanoi time: the first
# day has an excursion east of the ward from 08:20 to 08:39; the night
# between is a signal loss.
awk 'BEGIN {
	print "id,time,lat,lon,accuracy"
	for (d = 0; d < 2; d++)
		for (i = 0; i < 60; i++) {
			lon = (d == 0 && i >= 20 && i < 40) ? 105.815 : 105.805
			printf "HS-1,%d,21.005,%s,10\n", 1714525200 + d * 86400 + i * 60, lon
		}
}' > track.csv

q() {
	sqlite3 "$THADS_DB" "$1"
}

expect_ok 'set up: a person, a ward, two days of fixes' '
	thads-import -q persons.csv && thads-geofence zones import ward.wkt &&
	thads-geofence zones assign HS-1 ward --from 2000-01-01 &&
	thads-geofence check track.csv >/dev/null &&
	[ "$(q "SELECT count(*) FROM geo_fix")" = 120 ] &&
	thads-geofence events --no-header >events.before &&
	[ "$(cut -f3 events.before | tr "\n" " ")" = "left_inclusion signal_lost " ]'

expect_ok 'archive moves the first day out: 60 fixes, a checksum file' '
	thads-geofence -v archive --before 2024-05-02 -o old.csv.zst 2>err &&
	grep -q "60 fixes moved to old.csv.zst (sha256 [0-9a-f]\{64\})" err &&
	[ "$(q "SELECT count(*), min(t) FROM geo_fix")" = "60|1714611600000" ] &&
	sha256sum -c old.csv.zst.sha256 >/dev/null &&
	[ "$(q "SELECT fixes, sha256 FROM geo_archive")" = \
	    "60|$(cut -c1-64 old.csv.zst.sha256)" ]'

expect_ok 'the archive is private, zstd, in the CSV that check reads' '
	[ "$(stat -c %a old.csv.zst)" = 600 ] &&
	zstd -dc old.csv.zst >old.csv &&
	head -1 old.csv | grep -qx "id,time,lat,lon,accuracy,battery,tamper" &&
	sed -n 2p old.csv | grep -qx "HS-1,2024-05-01T01:00:00Z,21.004999999999999,105.80500000000001,10,," &&
	[ "$(wc -l <old.csv)" = 61 ]'

expect_ok 'the move is in the audit trail' '
	[ "$(q "SELECT action, tbl, record_key, reason FROM audit WHERE tbl =
	    '"'"'geo_fix'"'"'")" = "purge|geo_fix|old.csv.zst|archived" ]'

expect_fail 73 'an existing archive is not overwritten without --force' '
	thads-geofence archive --before 2024-05-02 -o old.csv.zst'

expect_ok 'events stay when their fixes are archived' '
	thads-geofence events --no-header >events.after &&
	test_cmp events.before events.after'

expect_ok 'plot draws a day from the archive: the excursion in red' '
	thads-geofence plot HS-1 --day 2024-05-01 --archive old.csv.zst \
	    -o day1.svg &&
	xmllint --noout day1.svg &&
	[ "$(grep -c "<circle " day1.svg)" = 60 ] &&
	grep -q "class=\"violation\"" day1.svg &&
	grep -q "<title>ward (inclusion)</title>" day1.svg &&
	grep -q "HS-1, 2024-05-01T00:00:00+07:00 to 2024-05-02T00:00:00+07:00" day1.svg'

expect_ok 'plot of the second day, from the database: no violation' '
	thads-geofence plot HS-1 --day 2024-05-02 -o day2.svg &&
	xmllint --noout day2.svg &&
	[ "$(grep -c "<circle " day2.svg)" = 60 ] &&
	! grep -q "class=\"violation\"" day2.svg'

expect_ok 'check reads the archive again: the fixes return, the events stay the same' '
	thads-geofence -v check old.csv.zst >/dev/null 2>err &&
	grep -q "60 fixes read, 60 stored, 0 duplicates, 0 of no person, 60 late" err &&
	[ "$(q "SELECT count(*) FROM geo_fix")" = 120 ] &&
	thads-geofence events --no-header >events.again &&
	test_cmp events.before events.again'

expect_ok 'export gives the zone, the track and the events as GeoJSON' '
	thads-geofence export HS-1 --day 2024-05-01 -f geojson >day1.geojson &&
	jq -e ".type == \"FeatureCollection\"" day1.geojson >/dev/null &&
	[ "$(jq -r "[.features[].properties.kind] | join(\",\")" day1.geojson)" = \
	    "inclusion,track,event,event" ] &&
	[ "$(jq ".features[1].geometry.coordinates | length" day1.geojson)" = 60 ] &&
	[ "$(jq -r ".features[2].properties | [.type, .start, .end,
	    (.fixes | tostring)] | join(\" \")" day1.geojson)" = \
	    "left_inclusion 2024-05-01T01:20:00Z 2024-05-01T01:40:00Z 20" ] &&
	[ "$(jq ".features[2].geometry.coordinates | length" day1.geojson)" = 21 ]'

expect_ok 'export -o writes a file' '
	thads-geofence export HS-1 --from 2024-05-02T08:00 --to 2024-05-02T08:30 \
	    -f geojson -o half.geojson &&
	[ "$(jq ".features[1].geometry.coordinates | length" half.geojson)" = 30 ]'

expect_fail 64 'export needs -f geojson' '
	thads-geofence export HS-1 --day 2024-05-01'

expect_fail 65 'plot of an unknown person' '
	thads-geofence plot HS-404 --day 2024-05-01 -o x.svg'

expect_ok 'a damaged archive is refused by plot and check' '
	cp old.csv.zst bad.csv.zst && cp old.csv.zst.sha256 bad.csv.zst.sha256 &&
	printf "x" >>bad.csv.zst &&
	! thads-geofence plot HS-1 --day 2024-05-01 --archive bad.csv.zst \
	    -o bad.svg 2>err && grep -q "SHA-256 does not match" err &&
	! thads-geofence check bad.csv.zst 2>err &&
	grep -q "SHA-256 does not match" err'

test_done

#!/bin/sh
# thads-geofence zones: import from GeoJSON, KML and WKT (polygons,
# holes, multipolygons, circles), the refusals with their reason and
# place, all or nothing per file, re-imports, assignments and devices.
. "$(dirname "$0")/lib.sh"

Z=$TESTDATA/gps/zones
PARIS=$TESTDATA/gps/zone_paris_arrondissements.geojson
printf 'person.id\nHS-1\nHS-2\n' > persons.csv

expect_ok 'persons to bind zones to' 'thads-import -q persons.csv'

expect_ok 'the 20 Paris arrondissements (MultiPolygons) import, named by "name"' '
	thads-geofence -v zones import "$PARIS" 2>err &&
	grep -qx "thads-geofence: zones: 20 inserted, 0 updated, 0 unchanged" err &&
	[ "$(sqlite3 "$THADS_DB" "SELECT count(*) FROM geo_zone WHERE kind =
	    '"'"'inclusion'"'"' AND wkt LIKE '"'"'MULTIPOLYGON%'"'"'")" = 20 ] &&
	sqlite3 "$THADS_DB" "SELECT name FROM geo_zone" | grep -qx "Hôtel-de-Ville"'

expect_ok 'importing them again changes nothing' '
	thads-geofence -v zones import "$PARIS" 2>err &&
	grep -qx "thads-geofence: zones: 0 inserted, 0 updated, 20 unchanged" err'

expect_ok 'KML: a polygon with a hole and a point with radius and buffer' '
	thads-geofence zones import "$Z/ward-with-hole.kml" &&
	thads-geofence zones list -f csv --no-header | tr -d "\r" >list &&
	grep -qx "Phường Hàng Trống,inclusion,,0.0,,," list &&
	grep -qx "victim'"'"'s home,exclusion,100.0,50.0,,," list &&
	[ "$(sqlite3 "$THADS_DB" "SELECT wkt FROM geo_zone WHERE name =
	    '"'"'Phường Hàng Trống'"'"'" | grep -o "), (" | wc -l)" = 1 ]'

expect_ok 'GeoJSON circles: a curfew with its schedule, an exclusion with a buffer' '
	thads-geofence zones import "$Z/circles.geojson" &&
	thads-geofence zones list -f tsv --no-header >list &&
	grep -q "^home of HS-1	curfew	60.0	0.0	mon-fri 22:00-06:00; sat,sun 23:00-06:00	Asia/Ho_Chi_Minh	$" list &&
	grep -q "^school	exclusion	150.0	100.0	" list'

expect_ok 'WKT lines with attributes; --kind is the default for lines without one' '
	thads-geofence zones import --kind exclusion "$Z/mixed.wkt" &&
	thads-geofence zones list -f tsv --no-header >list &&
	grep -q "^market	exclusion		20.0	" list &&
	grep -q "^lake	exclusion	300.0	0.0	" list'

# refused FILE MESSAGE: the import exits 65 with exactly MESSAGE.
refused() {
	thads-geofence zones import "$1" >out 2>err
	st=$?
	[ "$st" -eq 65 ] && [ ! -s out ] &&
	    printf '%s\n' "thads-geofence: $2" > want && test_cmp want err
}

expect_ok 'a self-intersecting bow-tie is refused, with the reason and the place' "
	refused '$Z/bowtie.geojson' \"$Z/bowtie.geojson: zone 'bow-tie': invalid geometry: Self-intersection at (105.805 21.005)\""

expect_ok 'the file is all or nothing: its good square was not stored' '
	[ "$(sqlite3 "$THADS_DB" "SELECT count(*) FROM geo_zone WHERE name =
	    '"'"'good square'"'"'")" = 0 ]'

expect_ok 'a projected file (UTM metres) is refused as such' "
	refused '$Z/projected.geojson' \"$Z/projected.geojson: zone 'ward in UTM 48N': polygon 1 ring 1: coordinate (584500 2322500) is not WGS84 longitude/latitude: the file looks projected (metres of a national grid or UTM?); convert it to EPSG:4326 (e.g. ogr2ogr -t_srs EPSG:4326)\""

expect_ok 'an unclosed ring is refused, with its line' "
	refused '$Z/unclosed.kml' \"$Z/unclosed.kml:3: zone 'open ring': polygon 1 ring 1: ring not closed: first position (105.848 21.025) differs from the last (105.848 21.032)\""

expect_ok 'a ring of three positions is refused' "
	refused '$Z/few.wkt' \"$Z/few.wkt:1: zone 'few': polygon 1 ring 1: 3 positions, a ring needs at least 4 (the last repeating the first)\""

expect_ok 'a KML with a DOCTYPE is refused before any entity is read' "
	refused '$Z/doctype.kml' '$Z/doctype.kml:2: DOCTYPE not allowed'"

expect_ok 'a route is not a zone' "
	refused '$Z/route.kml' \"$Z/route.kml:4: placemark 'a route, not a zone': a LineString is not a zone (Polygon, MultiGeometry of polygons, or Point with a radius)\""

expect_ok 'a curfew with a bad schedule is refused' "
	printf 'home\tPOINT(105.85 21.03)\tkind=curfew\tradius=50\tschedule=22-06\n' >bad.wkt &&
	refused bad.wkt \"bad.wkt:1: zone 'home': bad curfew window '22-06' (want '[DAYS ]HH:MM-HH:MM', e.g. 'mon-fri 22:00-06:00')\""

expect_ok 'a curfew in an unknown time zone is refused' "
	printf 'home\tPOINT(105.85 21.03)\tkind=curfew\tradius=50\tschedule=22:00-06:00\ttz=Asia/Nowhere\n' >bad.wkt &&
	refused bad.wkt \"bad.wkt:1: zone 'home': unknown time zone 'Asia/Nowhere' (a name of the tz database, e.g. Asia/Ho_Chi_Minh)\""

expect_fail 66 'a missing file exits 66' '
	thads-geofence zones import no-such.geojson'

expect_ok 'a changed zone is updated, with the old and new values in the audit trail' '
	sed "s/radius=300/radius=350/" "$Z/mixed.wkt" >mixed.wkt &&
	thads-geofence -v zones import --kind exclusion mixed.wkt 2>err &&
	grep -qx "thads-geofence: zones: 0 inserted, 1 updated, 1 unchanged" err &&
	sqlite3 "$THADS_DB" "SELECT action, old, new FROM audit WHERE tbl =
	    '"'"'geo_zone'"'"' AND record_key = '"'"'lake'"'"' ORDER BY id" >audit &&
	[ "$(wc -l <audit)" = 2 ] &&
	tail -1 audit | grep -q "^update|.*\"radius_m\":300,.*|.*\"radius_m\":350,"'

# --- assignments ---------------------------------------------------------

expect_ok 'zones assign binds a person to a zone from a date' '
	thads-geofence zones assign HS-1 Louvre --from 2024-05-01 &&
	thads-geofence zones assign HS-1 school &&
	thads-geofence zones list -f tsv --no-header | grep -q "^Louvre	inclusion	.*	HS-1$"'

expect_ok 'the period is stored in UTC milliseconds, from local midnight' '
	[ "$(sqlite3 "$THADS_DB" "SELECT valid_from, valid_to IS NULL FROM
	    geo_assignment a JOIN geo_zone z ON z.id = a.zone_id WHERE
	    z.name = '"'"'Louvre'"'"'")" = "1714496400000|1" ]'

expect_ok 'assigning again with an end changes the end only' '
	thads-geofence zones assign HS-1 Louvre --from 2024-05-01 \
	    --to 2024-06-01 &&
	[ "$(sqlite3 "$THADS_DB" "SELECT count(*), max(valid_to) FROM
	    geo_assignment")" = "2|1717174800000" ]'

expect_fail 65 'an unknown person is refused' '
	thads-geofence zones assign HS-404 Louvre 2>err;
	st=$?; grep -q "unknown person .HS-404." err; exit $st'

expect_fail 65 'an unknown zone is refused' '
	thads-geofence zones assign HS-1 Atlantis'

expect_ok 'a CSV of assignments is all or nothing' '
	printf "person,zone,from\nHS-2,Bourse,2024-05-01\nHS-2,Nowhere,\n" >a.csv &&
	! thads-geofence zones assign a.csv 2>err &&
	grep -q "a.csv:3: unknown zone .Nowhere." err &&
	[ "$(sqlite3 "$THADS_DB" "SELECT count(*) FROM geo_assignment")" = 2 ] &&
	printf "person,zone,from\nHS-2,Bourse,2024-05-01\n" >a.csv &&
	thads-geofence zones assign a.csv &&
	[ "$(sqlite3 "$THADS_DB" "SELECT count(*) FROM geo_assignment")" = 3 ]'

expect_fail 64 'zones assign with --to before --from is a misuse' '
	thads-geofence zones assign HS-1 Louvre --from 2024-06-01 --to 2024-05-01'

# --- devices ----------------------------------------------------------------

expect_ok 'a device given to a person: its fixes are the person'"'"'s' '
	thads-geofence devices assign IMEI-356938035643809 HS-2 \
	    --from 2024-05-01 &&
	printf "device,time,lat,lon\nIMEI-356938035643809,2024-05-02T08:00:00+07:00,48.868,2.341\nIMEI-356938035643809,2024-04-30T08:00:00+07:00,48.868,2.341\n" >d.csv &&
	thads-geofence -v check d.csv >/dev/null 2>err &&
	grep -q "2 fixes read, 1 stored, 0 duplicates, 1 of no person" err &&
	grep -q "device .IMEI-356938035643809. has no holder at some fix times" err &&
	[ "$(sqlite3 "$THADS_DB" "SELECT p.ext_id FROM geo_fix f JOIN person p
	    ON p.id = f.person_id")" = HS-2 ]'

test_done

#!/bin/sh
# thads-geofence: the events of check and events in every shared output
# format; an assignment's validity period bounds its events; curfew
# windows on the nights a zone's time zone changes its offset, end to
# end.
. "$(dirname "$0")/lib.sh"

tab=$(printf '\t')
printf 'person.id\nP1\nP2\nP3\n' > persons.csv
# A square ward of about 2 km around (105.8 E, 21 N); a curfew at home
# in Paris, a circle of 50 m.
{
	echo "ward${tab}POLYGON((105.79 20.99, 105.81 20.99, 105.81 21.01, 105.79 21.01, 105.79 20.99))"
	echo "paris${tab}POINT(2.35 48.85)${tab}kind=curfew${tab}radius=50${tab}schedule=22:00-06:00${tab}tz=Europe/Paris"
} > zones.wkt

expect_ok 'set up: persons, zones and assignments' '
	thads-import -q persons.csv &&
	thads-geofence zones import zones.wkt &&
	thads-geofence zones assign P1 ward --from 2000-01-01 &&
	thads-geofence zones assign P2 paris --from 2000-01-01 &&
	thads-geofence zones assign P3 paris --from 2000-01-01'

# P1: 10 fixes at the centre, 10 at 105.83 E (0.02 degree of longitude
# east of the ward: 2076.2 m at 21 N), 10 back, a minute apart, Hanoi
# time.
{
	echo id,time,lat,lon,accuracy
	for m in 00 01 02 03 04 05 06 07 08 09; do
		echo "P1,2024-05-01T08:$m:00,21.0,105.8,10"
	done
	for m in 10 11 12 13 14 15 16 17 18 19; do
		echo "P1,2024-05-01T08:$m:00,21.0,105.83,10"
	done
	for m in 20 21 22 23 24 25 26 27 28 29; do
		echo "P1,2024-05-01T08:$m:00,21.0,105.8,10"
	done
} > p1.csv

S=2024-05-01T08:10:00+07:00
E=2024-05-01T08:20:00+07:00
C=2024-05-01T08:12:00+07:00

expect_ok 'check writes its events as TSV by default' "
	thads-geofence check p1.csv > out.tsv &&
	printf '%s\n' 'person${tab}zone${tab}type${tab}start${tab}end${tab}confirmed${tab}max_distance_m${tab}fixes${tab}confidence${tab}transit' \
	    'P1${tab}ward${tab}left_inclusion${tab}$S${tab}$E${tab}$C${tab}2076.2${tab}10${tab}1.00${tab}false' > want &&
	test_cmp want out.tsv"

expect_ok 'events -f csv' "
	thads-geofence -f csv events P1 | tr -d '\r' > out.csv &&
	printf '%s\n' 'person,zone,type,start,end,confirmed,max_distance_m,fixes,confidence,transit' \
	    'P1,ward,left_inclusion,$S,$E,$C,2076.2,10,1.00,false' > want &&
	test_cmp want out.csv"

expect_ok 'events -f jsonl: one object, typed values' "
	thads-geofence -f jsonl events P1 > out.jsonl &&
	[ \$(grep -c . out.jsonl) -eq 1 ] &&
	jq -e '.person == \"P1\" and .zone == \"ward\" and
	    .type == \"left_inclusion\" and .start == \"$S\" and
	    .end == \"$E\" and .confirmed == \"$C\" and
	    .max_distance_m == 2076.2 and .fixes == 10 and
	    .confidence == 1 and .transit == false' out.jsonl >/dev/null"

expect_ok 'events -f xml: well formed, one event with every field' "
	thads-geofence -f xml events P1 > out.xml &&
	xmllint --noout --nonet out.xml &&
	[ \"\$(xmllint --xpath 'string(//event/type)' out.xml)\" = left_inclusion ] &&
	[ \"\$(xmllint --xpath 'string(//event/max_distance_m)' out.xml)\" = 2076.2 ] &&
	[ \"\$(xmllint --xpath 'count(//event/*)' out.xml)\" = 10 ]"

expect_ok 'events -f table: a header, a rule, the row' "
	thads-geofence -f table events P1 > out.txt &&
	[ \$(grep -c . out.txt) -eq 3 ] &&
	sed -n 3p out.txt | grep -q '^P1  *ward  *left_inclusion  *$S  *$E  *$C  *2076.2  *10  *1.00  *false\$'"

expect_ok 'check -f jsonl on a fresh database prints what events lists' "
	thads-geofence -f jsonl events P1 > ev.jsonl &&
	rm -f \"\$THADS_DB\"* && thads-import -q persons.csv &&
	thads-geofence zones import zones.wkt && thads-geofence zones assign P1 ward --from 2000-01-01 &&
	thads-geofence zones assign P2 paris --from 2000-01-01 && thads-geofence zones assign P3 paris --from 2000-01-01 &&
	thads-geofence -f jsonl check p1.csv > ck.jsonl && test_cmp ev.jsonl ck.jsonl"

# The same walk under assignments of limited validity: bound from 08:25,
# after the walk out, nothing; from 08:14, the breach starts at 08:14
# (confirmed by the third fix from then); bound until 08:15, the breach
# ends at 08:15.
for v in 'from 2024-05-01T08:25' 'from 2024-05-01T08:14' 'to 2024-05-01T08:15'; do
	set -- $v
	expect_ok "an assignment valid $1 $2 bounds the breach" "
	rm -f \"\$THADS_DB\"* && thads-import -q persons.csv &&
	thads-geofence zones import zones.wkt &&
	thads-geofence zones assign P1 ward --from 2000-01-01 --$1 $2 &&
	thads-geofence check --no-header p1.csv > got &&
	case $1$2 in
	from*08:25) : > want ;;
	from*) echo 'P1${tab}ward${tab}left_inclusion${tab}2024-05-01T08:14:00+07:00${tab}$E${tab}2024-05-01T08:16:00+07:00${tab}2076.2${tab}6${tab}1.00${tab}false' > want ;;
	to*) echo 'P1${tab}ward${tab}left_inclusion${tab}$S${tab}2024-05-01T08:15:00+07:00${tab}$C${tab}2076.2${tab}5${tab}1.00${tab}false' > want ;;
	esac &&
	test_cmp want got"
done

# every10 P FROM TO LAT: fixes of P every 10 minutes from FROM to TO
# (UTC, 'YYYY-MM-DD HH:MM'), at 2.35 E and LAT.
every10() {
	a=$(date -u -d "$2" +%s) b=$(date -u -d "$3" +%s)
	while [ "$a" -le "$b" ]; do
		echo "$1,$(date -u -d "@$a" +%Y-%m-%dT%H:%M:%SZ),$4,2.35,10"
		a=$((a + 600))
	done
}

# P2 is 1.1 km north of home all night around the end of summer time
# (Sunday 27 October 2024, 03:00 CEST -> 02:00 CET): the window is
# 22:00 CEST (20:00Z) to 06:00 CET (05:00Z), nine hours.  P3 likewise
# around its start (Sunday 31 March 2024, 02:00 CET -> 03:00 CEST):
# 22:00 CET (21:00Z) to 06:00 CEST (04:00Z), seven hours.  Each breach
# starts when the window opens (the person is already out) and ends
# when it closes.
{
	echo id,time,lat,lon,accuracy
	every10 P2 '2024-10-26 18:00' '2024-10-27 07:00' 48.86
	every10 P3 '2024-03-30 18:00' '2024-03-31 07:00' 48.86
} > night.csv

expect_ok 'curfew on the night summer time ends: 20:00Z to 05:00Z' "
	rm -f \"\$THADS_DB\"* && thads-import -q persons.csv &&
	thads-geofence zones import zones.wkt &&
	thads-geofence zones assign P2 paris --from 2000-01-01 && thads-geofence zones assign P3 paris --from 2000-01-01 &&
	thads-geofence check night.csv >/dev/null &&
	thads-geofence --tz UTC events P2 --no-header > got &&
	echo 'P2${tab}paris${tab}curfew${tab}2024-10-26T20:00:00+00:00${tab}2024-10-27T05:00:00+00:00${tab}2024-10-26T20:10:00+00:00${tab}1062.0${tab}54${tab}1.00${tab}false' > want &&
	test_cmp want got"

expect_ok 'curfew on the night summer time starts: 21:00Z to 04:00Z' "
	thads-geofence --tz UTC events P3 --no-header > got &&
	echo 'P3${tab}paris${tab}curfew${tab}2024-03-30T21:00:00+00:00${tab}2024-03-31T04:00:00+00:00${tab}2024-03-30T21:10:00+00:00${tab}1062.0${tab}42${tab}1.00${tab}false' > want &&
	test_cmp want got"

test_done

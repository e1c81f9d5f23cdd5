#!/bin/sh
# thads-geofence check on hand-made tracks, each with the events it must
# raise written here, worked out from the rules of thads-geofence(1)
# with the default settings: a side changes after 3 fixes beyond the
# accuracy plus 20 m, over 60 s; exclusion zones are entered at once.
#
# Shapes and tracks are given in metres east (x) and north (y) of a
# point in Hanoi (21 N, 105.8 E), so that distances can be read off
# them.  Every fix has an accuracy of 10 m unless said otherwise, so
# "beyond the boundary" means by more than 30 m.  Times in the expected
# events are Hanoi time (THADS_TZ, +07:00).
. "$(dirname "$0")/lib.sh"

# Epochs of the local times the tracks start at.
T0800=1714525200	# 2024-05-01T08:00:00+07:00
T2000=1714568400	# 2024-05-01T20:00:00+07:00
T2100=1714572000	# 2024-05-01T21:00:00+07:00
T0800SAT=1714784400	# 2024-05-04T08:00:00+07:00, a Saturday

# at N X Y [ACC [BAT [TAMPER]]]: N fixes of person $ID, every $STEP
# seconds from $T, at (X, Y); $T moves on.
at() {
	awk -v id="$ID" -v t="$T" -v step="$STEP" -v n="$1" -v x="$2" \
	    -v y="$3" -v acc="${4:-10}" -v bat="${5:-}" -v tam="${6:-}" '
	BEGIN {
		ky = 111195.08; kx = ky * cos(21 * 3.14159265358979 / 180)
		for (i = 0; i < n; i++)
			printf "%s,%d,%.9f,%.9f,%s,%s,%s\n", id, t + i * step,
			    21 + y / ky, 105.8 + x / kx, acc, bat, tam
	}'
	T=$((T + $1 * STEP))
}

# xy X Y: "lon lat" of a point, for WKT.
xy() {
	awk -v x="$1" -v y="$2" 'BEGIN {
		ky = 111195.08; kx = ky * cos(21 * 3.14159265358979 / 180)
		printf "%.9f %.9f", 105.8 + x / kx, 21 + y / ky }'
}

# sq X0 Y0 X1 Y1: a closed square ring.
sq() {
	echo "($(xy $1 $2), $(xy $3 $2), $(xy $3 $4), $(xy $1 $4), $(xy $1 $2))"
}

tab=$(printf '\t')
{
	echo "ward${tab}POLYGON($(sq 0 0 1000 1000))"
	echo "home${tab}POINT($(xy 500 500))${tab}kind=curfew${tab}radius=50${tab}schedule=22:00-06:00"
	echo "home-weekdays${tab}POINT($(xy 500 500))${tab}kind=curfew${tab}radius=50${tab}schedule=mon-fri 22:00-06:00"
	echo "banned${tab}POLYGON($(sq 1500 400 1700 600))${tab}kind=exclusion"
	echo "victim${tab}POINT($(xy -600 500))${tab}kind=exclusion${tab}radius=100${tab}buffer=50"
	echo "holed${tab}POLYGON($(sq 0 0 1000 1000), $(sq 400 400 600 600))"
	echo "multi${tab}MULTIPOLYGON(($(sq 0 0 300 300)), ($(sq 700 0 1000 300)))"
	echo "ushape${tab}POLYGON(($(xy 0 0), $(xy 900 0), $(xy 900 900), $(xy 600 900), $(xy 600 300), $(xy 300 300), $(xy 300 900), $(xy 0 900), $(xy 0 0)))"
	echo "fiji${tab}POLYGON((179.99 -16.01, -179.99 -16.01, -179.99 -15.99, 179.99 -15.99, 179.99 -16.01))"
	echo "wardA${tab}POLYGON($(sq 0 0 1000 1000))"
	echo "bannedB${tab}POLYGON($(sq 1000 0 2000 1000))${tab}kind=exclusion"
} > zones.wkt

{
	echo person.id
	for p in 01 02 03 04 05 06 07 08 09 10 11 12 14 15 16 17 18 19 20 \
	    21 22 23 24; do
		echo "P$p"
	done
} > persons.csv

{
	echo person,zone,from
	for p in 01 02 03 05 06 07 15 18 20 22; do echo "P$p,ward"; done
	echo P04,home
	echo P14,home-weekdays
	echo P16,home
	echo P08,holed
	echo P09,multi
	echo P10,victim
	echo P21,victim
	echo P11,ushape
	echo P12,fiji
	echo P17,banned
	echo P19,wardA
	echo P19,bannedB
} | sed '2,$s/$/,2000-01-01/' > assign.csv

expect_ok 'set up: persons, zones and assignments' '
	thads-import -q persons.csv &&
	thads-geofence zones import zones.wkt &&
	thads-geofence zones assign assign.csv'

H="person${tab}zone${tab}type${tab}start${tab}end${tab}confirmed${tab}max_distance_m${tab}fixes${tab}confidence${tab}transit"

# events P: the stored events of P, as TSV without the header.
events() {
	thads-geofence events "$1" --no-header
}

# none P: P has no events (and the listing works)
none() {
	events "$1" > "got.$1" && [ ! -s "got.$1" ]
}

# same P: events of P equal the lines on stdin
same() {
	events "$1" > "got.$1" && cat > "want.$1" && test_cmp "want.$1" "got.$1"
}

HDR=id,time,lat,lon,accuracy,battery,tamper
echo $HDR > all.csv

# 1. A clean exit and return: 10 fixes in, 10 fixes 300 m east of the
# ward, 10 in, every 30 s.  Leaving is confirmed at the third fix out
# (60 s); the event runs from the first fix out to the first fix back.
ID=P01 T=$T0800 STEP=30
{ at 10 500 500; at 10 1300 500; at 10 500 500; } >> all.csv

# 2. Jitter along the east boundary: in by 15 m, out by 15 m, out by
# 25 m, in by 5 m, over and over: never beyond 30 m, so nothing.
ID=P02 T=$T0800 STEP=30
for i in 1 2 3 4 5 6 7 8 9 10; do
	{ at 1 985 500; at 1 1015 500; at 1 1025 500; at 1 995 500; } >> all.csv
done

# 3. A short excursion: 5 fixes 300 m out, 10 s apart: 40 s, under 60 s.
ID=P03 T=$T0800 STEP=10
{ at 10 500 500; at 5 1300 500; at 10 500 500; } >> all.csv

# 4. A curfew across midnight (home, 50 m around (500, 500), 22:00 to
# 06:00 every day), fixes every 5 min: home until 22:55, out 250 m
# beyond the circle from 23:00 to 01:25, home from 01:30.  Leaving is
# confirmed at 23:10 (3 fixes, 10 min), past the 5 min of grace since
# 23:00; the return at 01:30 ends it.
ID=P04 T=$T2000 STEP=300
{ at 36 500 500; at 30 800 500; at 66 500 500; } >> all.csv

# 14. The same night out under a weekdays-only curfew, on a Saturday.
ID=P14 T=$T2000 STEP=300
T=$((T + 3 * 86400))
{ at 36 500 500; at 30 800 500; at 66 500 500; } >> all.csv

# 5. A gap: 10 fixes a minute apart, nothing for 30 min, 10 more.
ID=P05 T=$T0800 STEP=60
{ at 10 500 500; T=$((T + 1800)); at 10 500 500; } >> all.csv

# 8. A polygon with a hole: standing in the middle of the hole is 100 m
# outside the zone.
ID=P08 T=$T0800 STEP=30
{ at 10 200 500; at 10 500 500; at 10 200 500; } >> all.csv

# 9. A multipolygon: one fix in the gap between the parts is no event;
# ten are, 200 m from either part.
ID=P09 T=$T0800 STEP=30
{ at 10 150 150; at 1 500 150; at 10 850 150; at 10 500 150;
  at 10 850 150; } >> all.csv

# 10. A circle of 100 m with a 50 m buffer around a victim's home: the
# walk passes through its centre; the first fix inside (100 m from the
# centre) raises the event at once, 150 m deep at most; it ends at the
# first of 3 fixes more than 30 m out.
ID=P10 T=$T0800 STEP=60
for x in -1000 -900 -800 -700 -600 -500 -400 -300 -200; do
	at 1 $x 500 >> all.csv
done

# 21. A single fix inside an exclusion zone is not hidden by debouncing.
ID=P21 T=$T0800 STEP=60
{ at 5 -1000 500; at 1 -600 500; at 5 -1000 500; } >> all.csv

# 11. A concave U: the notch (inside the zone's extent) is outside.
ID=P11 T=$T0800 STEP=30
{ at 10 150 700; at 10 450 700; at 10 150 700; } >> all.csv

# 12. Across the 180th meridian (Fiji, 179.99 E to 179.99 W): fixes on
# both sides of the meridian are inside; 4.3 km west of it is out.
{
	for i in 0 1 2 3 4; do echo "P12,$((T0800 + i * 300)),-16,179.995,10,,"; done
	for i in 5 6 7 8 9; do echo "P12,$((T0800 + i * 300)),-16,-179.995,10,,"; done
	for i in 10 11 12 13 14; do echo "P12,$((T0800 + i * 300)),-16,179.95,10,,"; done
	for i in 15 16 17 18 19; do echo "P12,$((T0800 + i * 300)),-16,-179.995,10,,"; done
} >> all.csv

# 16. A curfew that starts while the person is already out: out from
# 21:00 to 23:30, home from 23:35.  At 22:00 the breach is pending; it
# is raised at 22:05, after the 5 min of grace, and starts at 22:00.
ID=P16 T=$T2100 STEP=300
{ at 31 800 500; at 20 500 500; } >> all.csv

# 17. Through an exclusion zone between two fixes a minute apart, both
# outside: a transit, 100 m deep in the middle of the crossing.
ID=P17 T=$T0800 STEP=60
for x in 1200 1300 1400 1800 1900; do at 1 $x 500 >> all.csv; done

# 19. One fix leaves wardA and enters the adjacent bannedB: both events
# start at that fix, the exit ordered before the entry.
ID=P19 T=$T0800 STEP=30
{ at 10 500 500; at 10 1300 500; at 10 500 500; } >> all.csv

# 20. Battery and tamper reports: low below 15 %, back at 20 %.
ID=P20 T=$T0800 STEP=60
{ at 2 500 500 10 50 0; at 1 500 500 10 14 1; at 1 500 500 10 12 1;
  at 1 500 500 10 10 0; at 1 500 500 10 25 0; at 2 500 500 10 30 0; } >> all.csv

# 22. Absconding: out of the ward for more than 2 hours.
ID=P22 T=$T0800 STEP=60
{ at 5 500 500; at 130 1300 500; at 5 500 500; } >> all.csv

expect_ok 'check reads the hand-made tracks' '
	thads-geofence -v check all.csv >out.tsv 2>err &&
	grep -q "754 fixes read, 754 stored, 0 duplicates" err'

expect_ok '1: clean exit and return: one breach from the first fix out to the first back' "
	same P01 <<-EOF
	P01${tab}ward${tab}left_inclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}300.0${tab}10${tab}1.00${tab}false
	EOF"

expect_ok '2: jitter along the boundary raises nothing' '
	none P02'

expect_ok '3: a short excursion below the duration threshold raises nothing' '
	none P03'

expect_ok '4: a curfew breach across midnight, 23:00 to 01:30' "
	same P04 <<-EOF
	P04${tab}home${tab}curfew${tab}2024-05-01T23:00:00+07:00${tab}2024-05-02T01:30:00+07:00${tab}2024-05-01T23:10:00+07:00${tab}250.0${tab}30${tab}1.00${tab}false
	EOF"

expect_ok '14: no curfew on a Saturday night under a weekdays-only schedule' '
	none P14'

expect_ok '5: a gap of 30 min is a signal loss, from the last fix to the next' "
	same P05 <<-EOF
	P05${tab}${tab}signal_lost${tab}2024-05-01T08:09:00+07:00${tab}2024-05-01T08:40:00+07:00${tab}2024-05-01T08:40:00+07:00${tab}${tab}0${tab}1.00${tab}false
	EOF"

expect_ok '8: a polygon with a hole: the hole is outside, 100 m deep' "
	same P08 <<-EOF
	P08${tab}holed${tab}left_inclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}100.0${tab}10${tab}1.00${tab}false
	EOF"

expect_ok '9: a multipolygon: one fix between the parts is nothing, ten are a breach' "
	same P09 <<-EOF
	P09${tab}multi${tab}left_inclusion${tab}2024-05-01T08:10:30+07:00${tab}2024-05-01T08:15:30+07:00${tab}2024-05-01T08:11:30+07:00${tab}200.0${tab}10${tab}1.00${tab}false
	EOF"

expect_ok '10: a circle with a buffer: entered at the first fix inside, 150 m deep' "
	same P10 <<-EOF
	P10${tab}victim${tab}entered_exclusion${tab}2024-05-01T08:03:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}2024-05-01T08:03:00+07:00${tab}150.0${tab}3${tab}1.00${tab}false
	EOF"

expect_ok '21: one fix inside an exclusion zone is an event of one fix' "
	same P21 <<-EOF
	P21${tab}victim${tab}entered_exclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}2024-05-01T08:05:00+07:00${tab}150.0${tab}1${tab}1.00${tab}false
	EOF"

expect_ok '11: a concave U: points in the notch are outside' "
	same P11 <<-EOF
	P11${tab}ushape${tab}left_inclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}150.0${tab}10${tab}1.00${tab}false
	EOF"

# 0.04 degree of longitude at 16 S is 4275.5 m (R pi / 180 cos 16 x 0.04).
expect_ok '12: a zone across the 180th meridian: inside on both sides, out 4.3 km west' "
	same P12 <<-EOF
	P12${tab}fiji${tab}left_inclusion${tab}2024-05-01T08:50:00+07:00${tab}2024-05-01T09:15:00+07:00${tab}2024-05-01T09:00:00+07:00${tab}4275.5${tab}5${tab}1.00${tab}false
	EOF"

expect_ok '16: a curfew that starts while the person is out: 22:00, raised at 22:05' "
	same P16 <<-EOF
	P16${tab}home${tab}curfew${tab}2024-05-01T22:00:00+07:00${tab}2024-05-01T23:35:00+07:00${tab}2024-05-01T22:05:00+07:00${tab}250.0${tab}19${tab}1.00${tab}false
	EOF"

expect_ok '17: a pass through an exclusion zone between two fixes is a transit' "
	same P17 <<-EOF
	P17${tab}banned${tab}entered_exclusion${tab}2024-05-01T08:02:00+07:00${tab}2024-05-01T08:03:00+07:00${tab}2024-05-01T08:03:00+07:00${tab}100.0${tab}0${tab}0.91${tab}true
	EOF"

expect_ok '19: leaving zone A into adjacent zone B: the exit is ordered before the entry' "
	same P19 <<-EOF
	P19${tab}wardA${tab}left_inclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}300.0${tab}10${tab}1.00${tab}false
	P19${tab}bannedB${tab}entered_exclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:05:00+07:00${tab}300.0${tab}10${tab}1.00${tab}false
	EOF"

expect_ok '19: on stdout too, the exit comes before the entry' '
	[ "$(awk -F"\t" "\$1 == \"P19\" { printf \"%s \", \$3 }" out.tsv)" = \
	    "left_inclusion entered_exclusion " ]'

expect_ok '20: low battery from 14 % to 25 %, tamper from the first report to the clear one' "
	same P20 <<-EOF
	P20${tab}${tab}low_battery${tab}2024-05-01T08:02:00+07:00${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:02:00+07:00${tab}${tab}3${tab}1.00${tab}false
	P20${tab}${tab}tamper${tab}2024-05-01T08:02:00+07:00${tab}2024-05-01T08:04:00+07:00${tab}2024-05-01T08:02:00+07:00${tab}${tab}2${tab}1.00${tab}false
	EOF"

expect_ok '22: out for more than 2 h is absconding, from the same start' "
	same P22 <<-EOF
	P22${tab}ward${tab}left_inclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T10:15:00+07:00${tab}2024-05-01T08:07:00+07:00${tab}300.0${tab}130${tab}1.00${tab}false
	P22${tab}ward${tab}absconding${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T10:15:00+07:00${tab}2024-05-01T10:05:00+07:00${tab}300.0${tab}130${tab}1.00${tab}false
	EOF"

expect_ok 'stdout lists every event of the run, in the shared output format' "
	[ \$(grep -c . out.tsv) -eq 18 ] && head -1 out.tsv | grep -qx '$H'"

# --- idempotence --------------------------------------------------------

expect_ok 'a second run of the same input stores nothing and raises nothing' '
	sqlite3 "$THADS_DB" "SELECT * FROM geo_event ORDER BY id" >before &&
	thads-geofence -v check all.csv >out2.tsv 2>err2 &&
	grep -q "754 fixes read, 0 stored, 754 duplicates" err2 &&
	[ "$(grep -c . out2.tsv)" -eq 1 ] &&
	sqlite3 "$THADS_DB" "SELECT * FROM geo_event ORDER BY id" >after &&
	test_cmp before after'

# --- runs of their own: counts in the summary --------------------------

# 6. An outlier: one fix 50 km away between fixes at home moves nothing.
ID=P06 T=$T0800 STEP=30
{ echo $HDR; at 10 500 500; at 1 50000 500; at 10 500 500; } > outlier.csv
expect_ok '6: a jump to 50 km and back is one outlier and no event' '
	thads-geofence -v check outlier.csv >/dev/null 2>err &&
	grep -q " 1 outliers, 0 re-anchored" err && none P06'

# 7. Out-of-order and duplicate fixes: the track of 1, its lines
# shuffled within 2 min, 5 of them twice: the same event.
ID=P07 T=$T0800 STEP=30
{ at 10 500 500; at 10 1300 500; at 10 500 500; } > inorder.csv
{ echo $HDR
  awk 'BEGIN { srand(7) } { print int(NR / 4) * 4 + rand() * 4 "\t" $0 }
      NR % 6 == 0 { print int(NR / 4) * 4 + rand() * 4 "\t" $0 }' inorder.csv |
    sort -n | cut -f2; } > shuffled.csv
expect_ok '7: out-of-order and duplicate fixes: the same event, duplicates dropped' "
	! { echo $HDR; cat inorder.csv; } | cmp -s - shuffled.csv &&
	thads-geofence -v check shuffled.csv >/dev/null 2>err &&
	grep -q '35 fixes read, 30 stored, 5 duplicates' err &&
	same P07 <<-EOF
	P07${tab}ward${tab}left_inclusion${tab}2024-05-01T08:05:00+07:00${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:06:00+07:00${tab}300.0${tab}10${tab}1.00${tab}false
	EOF"

# 15. A device flushing its buffer newest first: live fixes 0-9, then
# 40-59, then the stored 10-39, newest first.  In a file, the reorder
# window (fixes wait in it until the next batch) puts them in order.
# Read from a pipe that pauses after the live fixes, the run processes
# and commits them first: the gap then looks like a signal loss, and the
# stored fixes arrive late.  Either way the final events are those of
# the real track: one breach, 10 to 20 min past 8, no loss of signal.
ID=P15 T=$T0800 STEP=30
{ at 20 500 500; at 20 1300 500; at 20 500 500; } > flush.ordered
{ echo $HDR; sed -n '1,10p' flush.ordered; sed -n '41,60p' flush.ordered;
  sed -n '11,40p' flush.ordered | sort -t, -k2,2nr; } > flush.csv
WANT15="P15${tab}ward${tab}left_inclusion${tab}2024-05-01T08:10:00+07:00${tab}2024-05-01T08:20:00+07:00${tab}2024-05-01T08:11:00+07:00${tab}300.0${tab}20${tab}1.00${tab}false"
expect_ok '15: a buffer flushed newest first, in a file: merged in time order' "
	thads-geofence -v check flush.csv >flush.out 2>err &&
	grep -q '60 fixes read, 60 stored, 0 duplicates' err &&
	printf '%s\n' \"\$WANT15\" | same P15"

expect_ok '15: the same from a pipe that pauses: late fixes re-evaluated' "
	sed 's/^P15/P24/' flush.csv >flush24.csv &&
	printf 'person,zone,from\nP24,ward,2000-01-01\n' >a24.csv &&
	thads-geofence zones assign a24.csv &&
	mkfifo pipe15 &&
	{ thads-geofence -v check - <pipe15 >pipe15.out 2>pipe15.err & } &&
	exec 8>pipe15 &&
	sed -n '1,31p' flush24.csv >&8 && sleep 3 &&
	sed -n '32,61p' flush24.csv >&8 && exec 8>&- && wait &&
	grep -q ' 30 late,' pipe15.err &&
	grep -q '^P24${tab}${tab}signal_lost' pipe15.out &&
	events P24 | sed 's/^P24/P15/' >got24 &&
	printf '%s\n' \"\$WANT15\" >want24 && test_cmp want24 got24"

expect_ok '15: a second file with older fixes is merged likewise' "
	{ echo $HDR; sed -n '1,40p' flush.ordered; } | sed 's/^P15/P23/' >first.csv &&
	{ echo $HDR; sed -n '41,60p' flush.ordered; } | sed 's/^P15/P23/' >second.csv &&
	echo P23,ward,2000-01-01 | cat - > a23.csv &&
	sed -i '1i person,zone,from' a23.csv && thads-geofence zones assign a23.csv &&
	thads-geofence check second.csv >/dev/null &&
	thads-geofence check first.csv >/dev/null &&
	events P23 | sed 's/^P23/P15/' > got23 && events P15 > got15 &&
	test_cmp got15 got23"

# 18. A real move after a long gap: an hour without fixes, then 300 km
# north (300 km/h from the last fix: too fast), steady.  The first two
# far fixes wait; the third re-anchors and all three move the state: the
# breach starts at the first far fix, absconding too (farther than
# 5 km), both still open.
ID=P18 T=$T0800 STEP=60
{ echo $HDR; at 10 500 500; T=$((T + 3600)); at 10 500 300500; } > move.csv
expect_ok '18: a real move after a long gap is re-anchored and raises its events' "
	thads-geofence -v check move.csv >/dev/null 2>err &&
	grep -q ' 0 outliers, 1 re-anchored' err &&
	same P18 <<-EOF
	P18${tab}${tab}signal_lost${tab}2024-05-01T08:09:00+07:00${tab}2024-05-01T09:10:00+07:00${tab}2024-05-01T09:10:00+07:00${tab}${tab}0${tab}1.00${tab}false
	P18${tab}ward${tab}left_inclusion${tab}2024-05-01T09:10:00+07:00${tab}${tab}2024-05-01T09:12:00+07:00${tab}299500.0${tab}10${tab}1.00${tab}false
	P18${tab}ward${tab}absconding${tab}2024-05-01T09:10:00+07:00${tab}${tab}2024-05-01T09:12:00+07:00${tab}299500.0${tab}10${tab}1.00${tab}false
	EOF"

test_done

#!/bin/sh
# thads-vidscan events --since: a real date or date and time, compared
# as a time with the events' wall times; anything else is refused.
. "$(dirname "$0")/lib.sh"

expect_ok 'a database with three events' "
	thads-import -q -d v.db '$TESTDATA/import/good-persons.csv' &&
	sqlite3 v.db \"INSERT INTO vid_event (camera, zone, type, source,
	    video_start, video_end, wall_start, wall_end, created_at) VALUES
	    ('c', 'z', 'fire', 's', 1, 2, '2026-12-02 23:00:00', 'x', 'x'),
	    ('c', 'z', 'fire', 's', 3, 4, '2026-12-03 02:00:00', 'x', 'x'),
	    ('c', 'z', 'smoke', 's', 5, 6, '2026-12-03 14:30:00', 'x', 'x')\""
n() {
	thads-vidscan -d v.db -f csv --no-header events --since "$1" |
	    grep -c .
}
expect_ok '--since a date: the events of that day on' '[ "$(n 2026-12-03)" = 2 ]'
expect_ok '--since a time with T or a space, seconds or not' '
	[ "$(n 2026-12-03T02:00)" = 2 ] && [ "$(n "2026-12-03 02:00:01")" = 1 ] &&
	[ "$(n "2026-12-03 14:30")" = 1 ]'
for bad in garbage 2026-02-30 2027-13-45 "2026-12-03 25:00" \
    "2026-12-03 02:00:5x" "2026-12-03 2:00"; do
	expect_fail 64 "--since '$bad' is refused" "
		thads-vidscan -d v.db events --since '$bad' 2>err; st=\$?
		grep -q 'bad --since' err && exit \$st"
done

test_done

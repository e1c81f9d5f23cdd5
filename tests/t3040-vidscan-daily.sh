#!/bin/sh
# The daily job scans the day's recordings: one folder per camera under
# recordings/, events to the database and events/, each file moved to
# recordings-done/ so that the next run does not scan it again.
. "$(dirname "$0")/lib.sh"

CLIPS=$BUILD/testvideos
expect_ok 'the synthetic clips are made' "make-test-videos '$CLIPS'"

mkdir -p state/recordings/perimeter state/incoming
cp "$CLIPS/intrusion.avi" state/recordings/perimeter/2026-12-03-0200.avi
expect_ok 'daily-1.1 the cameras are imported' "
	thads-vidscan -d state/thads.db cameras import \
	    '$TESTDATA/video/cameras.xml'"
thads-daily -s state -d state/thads.db > daily.out 2> daily.err
expect_ok 'daily-1.2 the scan step logs what it scanned' "
	cat daily.err >&2; grep -q 'scan step: 1 recordings' daily.err"
expect_ok 'daily-1.3 the intrusion is in events/ and in the database' "
	grep -q ',fence,intrusion,' state/events/events-*.csv &&
	[ \$(sqlite3 state/thads.db \"SELECT count(*) FROM vid_event
	    WHERE camera = 'perimeter' AND type = 'intrusion'\") = 1 ]"
expect_ok 'daily-1.4 the recording moved to recordings-done/' "
	[ -f state/recordings-done/perimeter/2026-12-03-0200.avi ] &&
	[ ! -f state/recordings/perimeter/2026-12-03-0200.avi ]"
thads-daily -s state -d state/thads.db > daily2.out 2> daily2.err
expect_ok 'daily-1.5 a second run scans nothing again' "
	grep -q 'scan step: 0 recordings' daily2.err &&
	[ \$(sqlite3 state/thads.db 'SELECT count(*) FROM vid_event
	    WHERE type = \"intrusion\"') = 1 ]"

test_done

#!/bin/sh
# thads-vidscan watch against a local stream that ffmpeg serves on
# 127.0.0.1 only: a camera that refuses, drops, stalls with its socket
# open, and comes back; a camera that sends faster than the analysis.
. "$(dirname "$0")/lib.sh"

CLIPS=$BUILD/testvideos
expect_ok 'the synthetic clips are made' "make-test-videos '$CLIPS'"

# A port of our own, from the process id; ffmpeg listens on loopback.
PORT=$((20000 + $$ % 20000))
URL=http://127.0.0.1:$PORT/

# serve CLIP [ffmpeg input options]: one client, the clip looped.
serve() {
	clip=$1
	shift
	ffmpeg -nostdin -loglevel error "$@" -stream_loop -1 -i "$clip" \
	    -c:v mpeg4 -q:v 5 -f mpegts -listen 1 "$URL" 2>> server.err &
	echo $! > server.pid
}
stop_server() {
	kill "$(cat server.pid)" 2>/dev/null
	kill -CONT "$(cat server.pid)" 2>/dev/null
	wait "$(cat server.pid)" 2>/dev/null
}
trap 'stop_server; rm -rf "$SCRATCH"' EXIT

# 1. Nothing listens: lost at once, retries 1, 2, 2, ... s apart.
expect_ok 'watch-1.1 a refusing camera is lost, retried with bounded back-off' "
	thads-vidscan -v --no-db --run-for 6 --backoff 2 --timeout 1000 \
	    watch gate=$URL > refused.out 2> refused.err;
	cat refused.err >&2;
	grep -q 'gate: camera lost' refused.err &&
	[ \$(grep -c 'gate: cannot connect; retry in' refused.err) -ge 3 ] &&
	! grep -q 'retry in [3-9]' refused.err &&
	awk -F'\t' '\$1 == \"closed\" && \$4 == \"lost\"' refused.out | grep -q ."

# 2. A stream that drops and comes back.
serve "$CLIPS/walk.avi" -re
sleep 1
thads-vidscan -v -d watch.db --run-for 14 --timeout 1500 --backoff 2 \
    watch gate=$URL > drop.out 2> drop.err &
watcher=$!
sleep 5
stop_server
sleep 3
serve "$CLIPS/walk.avi" -re
wait $watcher
echo $? > drop.status
stop_server
expect_ok 'watch-2.1 the watch ends cleanly after --run-for' "
	cat drop.err >&2; [ \$(cat drop.status) = 0 ]"
expect_ok 'watch-2.2 activity is reported while the stream runs, at once' "
	awk -F'\t' '\$1 == \"open\" && \$4 == \"motion\"' drop.out | grep -q ."
expect_ok 'watch-2.3 the dropped stream is lost, then back' "
	grep -q 'gate: camera lost' drop.err && grep -q 'gate: camera back' drop.err"
expect_ok 'watch-2.4 one lost event, closed, lasting the outage' "
	awk -F'\t' '\$1 == \"closed\" && \$4 == \"lost\" && \$9 >= 2 && \$9 < 8' \
	    drop.out | grep -q . &&
	[ \$(sqlite3 watch.db \"SELECT count(*) FROM vid_event WHERE type = 'lost'
	    AND open = 0\") = 1 ]"
expect_ok 'watch-2.5 events keep wall time and stream time' "
	sqlite3 watch.db \"SELECT count(*) FROM vid_event WHERE type = 'motion'
	    AND wall_start LIKE '2%' AND video_start >= 0\" | grep -qv '^0$'"

# 3. A camera that stalls with its socket open: the read times out.
serve "$CLIPS/walk.avi" -re
sleep 1
thads-vidscan -v --no-db --run-for 9 --timeout 1000 --backoff 2 \
    watch gate=$URL > stall.out 2> stall.err &
watcher=$!
sleep 3
kill -STOP "$(cat server.pid)"
date +%s > stalled.at
wait $watcher
stop_server
expect_ok 'watch-3.1 a camera stalled with its socket open is lost (read timeout)' "
	cat stall.err >&2; grep -q 'gate: camera lost' stall.err &&
	awk -F'\t' '\$1 == \"open\" && \$4 == \"lost\"' stall.out | grep -q ."

# 4. A camera faster than the analysis: frames skipped, memory bounded.
serve "$CLIPS/fight.avi"
sleep 1
/usr/bin/time -f '%M' -o rss thads-vidscan -v --no-db --run-for 6 \
    --queue 2 -s people.every=0 watch fast=$URL > fast.out 2> fast.err
stop_server
expect_ok 'watch-4.1 overload: frames are skipped or dropped, not queued' "
	cat fast.err >&2;
	line=\$(grep 'fast: [0-9]* frames received' fast.err) &&
	set -- \$(echo \"\$line\" | tr -dc '0-9 ') &&
	[ \"\$2\" -lt \"\$1\" ]"
expect_ok 'watch-4.2a a stream whose time runs ahead of the clock is logged as drift' "
	grep -q 'fast: stream time and clock drift apart by [-0-9.]* s' fast.err"
expect_ok 'watch-4.2b ... and one sent in real time is not' "
	! grep -q 'drift apart' stall.err"
# The sanitizers' shadow memory would swamp the figure: release builds only.
if ldd "$BIN/thads-vidscan" | grep -q libasan; then
	echo '# skipped watch-4.2: sanitizer build'
else
	expect_ok 'watch-4.2 overload: peak memory under 300 MiB' "
		[ \$(tail -1 rss) -lt 307200 ]"
fi

test_done

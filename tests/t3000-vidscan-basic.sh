#!/bin/sh
# thads-vidscan's interface: the camera file (schema, refusals, import),
# the database (events, snapshots and their SHA-256, no duplicates on a
# second scan), the output formats, --annotate, --exit-code, exit codes.
. "$(dirname "$0")/lib.sh"

CLIPS=$BUILD/testvideos
CAMS=$TESTDATA/video/cameras.xml
MAN=$SRCDIR/man/thads-vidscan.1

expect_ok 'the synthetic clips are made' "make-test-videos '$CLIPS'"

# The parameters.
expect_ok 'vidscan-1.1 --list-params lists every group' "
	thads-vidscan --list-params > params &&
	for g in motion fire smoke fight people tamper event; do
		grep -q \"^\$g\\.on \\|^\$g\\.\" params || exit 1; done"
expect_ok 'vidscan-1.2 the man page documents every parameter' "
	tr -d '\\\\' < '$MAN' > man.txt &&
	for p in \$(sed 1d params | cut -d' ' -f1); do
		grep -q \"^\\.It Cm \$p \" man.txt ||
		{ echo \"undocumented \$p\"; exit 1; }
	done"
expect_ok 'vidscan-1.2a ... with the default the code uses' "
	sed 1d params | awk '{ print \$1, \$2 }' > defaults &&
	sed -n 's/^\.It Cm \([a-z.-]*\) Pq default \([^,]*\),.*/\1 \2/p' \
	    man.txt > documented && test_cmp defaults documented"
expect_fail 64 'vidscan-1.3 an unknown parameter is a usage error' "
	thads-vidscan --set fire.colour=red --no-db x.avi"
expect_fail 64 'vidscan-1.4 a parameter out of range is a usage error' "
	thads-vidscan -s fire.min-area=2 --no-db x.avi"
expect_fail 64 'vidscan-1.5 no recording given' "thads-vidscan --no-db"

# The camera file.
expect_ok 'vidscan-2.1 the template is a valid camera file' "
	thads-vidscan cameras template > tpl.xml &&
	thads-vidscan cameras check tpl.xml"
expect_ok 'vidscan-2.2 the test cameras are valid' "
	thads-vidscan cameras check '$CAMS'"
cat > doctype.xml <<'XML'
<?xml version="1.0"?>
<!DOCTYPE cameras [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<cameras xmlns="urn:thads:cameras:1" version="1"><camera id="a">&x;</camera></cameras>
XML
expect_fail 78 'vidscan-2.3 a DOCTYPE is refused' "
	thads-vidscan cameras check doctype.xml"
expect_ok 'vidscan-2.3a ... saying why, and reading no entity' "
	thads-vidscan cameras check doctype.xml 2>&1 | grep -q 'DOCTYPE' &&
	! thads-vidscan cameras check doctype.xml 2>&1 | grep -q root:"
sed 's|<restricted/>|<restricted/><forbidden/>|' "$CAMS" > unknown.xml
expect_fail 78 'vidscan-2.4 an element the schema lacks is refused' "
	thads-vidscan cameras check unknown.xml"
expect_ok 'vidscan-2.4a ... with its file and line' "
	thads-vidscan cameras check unknown.xml 2>&1 |
	grep -q 'unknown.xml:8: schema violation'"
sed 's|<motion events="no"/>|<motion min-area="3"/>|' "$CAMS" > range.xml
expect_fail 78 'vidscan-2.5 a parameter out of range is refused, with its line' "
	thads-vidscan cameras check range.xml 2>err; cat err >&2;
	grep -q 'range.xml:2[0-9]: bad value .3. for motion.min-area' err &&
	exit 78"
sed 's|0.6,0 1,0 1,1 0.6,1|0.6,0 1.5,0 1,1|' "$CAMS" > coords.xml
expect_fail 78 'vidscan-2.6 coordinates outside the frame are refused' "
	thads-vidscan cameras check coords.xml"
sed 's|id="yard"|id="fence"|' "$CAMS" > dup.xml
expect_fail 78 'vidscan-2.7 two zones with one id are refused' "
	thads-vidscan cameras check dup.xml"
expect_fail 66 'vidscan-2.8 a missing camera file' "
	thads-vidscan cameras check nosuch.xml"
expect_ok 'vidscan-2.9 import stores the cameras; list shows them' "
	thads-vidscan -d cams.db cameras import '$CAMS' &&
	thads-vidscan -d cams.db cameras list | cut -f1 > ids &&
	printf 'corridor\ndayroom\ngarden\nnightcell\nperimeter\nrollcall\n' \
	    > want &&
	test_cmp want ids"
expect_ok 'vidscan-2.10 a second import replaces, and is audited' "
	thads-vidscan -d cams.db cameras import '$CAMS' &&
	[ \$(sqlite3 cams.db 'SELECT count(*) FROM vid_camera') = 6 ] &&
	[ \$(sqlite3 cams.db \"SELECT count(*) FROM audit
	    WHERE tbl = 'vid_camera'\") = 12 ]"
expect_ok 'vidscan-2.11 a stored camera is found by the folder name' "
	mkdir -p perimeter && ln -sf '$CLIPS/intrusion.avi' perimeter/ &&
	thads-vidscan -d cams.db -q -f tsv perimeter/intrusion.avi |
	cut -f 3,4 | grep -qx 'fence	intrusion'"

# Events in the database.
expect_ok 'vidscan-3.1 a scan stores its events with a JPEG snapshot' "
	thads-vidscan -q -d ev.db -f tsv '$CLIPS/fire.avi' > fire.tsv &&
	sqlite3 ev.db \"SELECT type FROM vid_event WHERE type = 'fire'
	    AND hex(substr(snapshot, 1, 3)) = 'FFD8FF' AND open = 0\" |
	grep -qx fire"
expect_ok 'vidscan-3.2 the stored SHA-256 is the snapshot'\''s and the output'\''s' "
	sqlite3 ev.db \"SELECT writefile('snap.jpg', snapshot),
	    snapshot_sha256 FROM vid_event WHERE type = 'fire'\" |
	cut -d'|' -f2 > sum1 &&
	sha256sum snap.jpg | cut -d' ' -f1 > sum2 && test_cmp sum1 sum2 &&
	awk -F'\t' '\$4 == \"fire\" { print \$15 }' fire.tsv > sum3 &&
	test_cmp sum1 sum3"
expect_ok 'vidscan-3.3 scanning the same recording again adds nothing' "
	n=\$(sqlite3 ev.db 'SELECT count(*) FROM vid_event') &&
	thads-vidscan -q -d ev.db '$CLIPS/fire.avi' > /dev/null &&
	[ \$(sqlite3 ev.db 'SELECT count(*) FROM vid_event') = \$n ]"
expect_ok 'vidscan-3.4 --snapshots writes private files, the row keeps the path' "
	mkdir snaps &&
	thads-vidscan -q -d ev2.db --snapshots snaps '$CLIPS/covered.avi' \
	    > /dev/null &&
	p=\$(sqlite3 ev2.db \"SELECT snapshot_path FROM vid_event
	    WHERE type = 'tamper'\") && [ -f \"\$p\" ] &&
	[ \$(stat -c %a \"\$p\") = 600 ] &&
	[ \$(sha256sum \"\$p\" | cut -d' ' -f1) = \$(sqlite3 ev2.db \"SELECT
	    snapshot_sha256 FROM vid_event WHERE type = 'tamper'\") ] &&
	[ -z \"\$(sqlite3 ev2.db 'SELECT snapshot FROM vid_event
	    WHERE snapshot IS NOT NULL')\" ]"
expect_ok 'vidscan-3.5 events lists the stored events, by type' "
	thads-vidscan -d ev.db events --type fire -f csv > list.csv &&
	[ \$(grep -c ',fire,' list.csv) = 1 ] &&
	! grep -q ',motion,' list.csv"
expect_ok 'vidscan-3.6 the migration builds the same tables' "
	sqlite3 ev.db '.schema vid_event' > s1 &&
	sed -n '/^const char thads_schema_vidscan/,/;\$/p' \
	    '$SRCDIR/lib/vidschema.c' | sed '1d' |
	sed -e 's/^\"//' -e 's/\\\\n\";\$//' -e 's/\\\\n\"\$//' > mig.sql &&
	sqlite3 fresh.db < mig.sql && sqlite3 fresh.db '.schema vid_event' > s2 &&
	test_cmp s1 s2"

# Output, exit codes.
expect_ok 'vidscan-4.1 jsonl is one JSON object per event' "
	thads-vidscan -q --no-db -f jsonl '$CLIPS/fire.avi' > ev.jsonl &&
	python3 -c 'import json,sys
n = [json.loads(l)[\"type\"] for l in open(\"ev.jsonl\")]
sys.exit(0 if \"fire\" in n else 1)'"
expect_ok 'vidscan-4.2 xml is well-formed' "
	thads-vidscan -q --no-db -f xml '$CLIPS/fire.avi' > ev.xml &&
	xmllint --noout ev.xml && grep -q '<type>fire</type>' ev.xml"
expect_ok 'vidscan-4.3 --exit-code: 0 when nothing was found' "
	thads-vidscan -q --no-db --exit-code '$CLIPS/quiet.avi' > q.out &&
	[ \$(wc -l < q.out) = 1 ]"
expect_fail 1 'vidscan-4.4 --exit-code: 1 when something was' "
	thads-vidscan -q --no-db --exit-code '$CLIPS/fire.avi'"
expect_fail 66 'vidscan-4.5 a missing recording: 66, the others still scanned' "
	thads-vidscan -q --no-db -f tsv nosuch.avi '$CLIPS/fire.avi' > two.tsv"
expect_ok 'vidscan-4.5a ... the other was scanned' "grep -q fire two.tsv"
printf 'not a video' > junk.mp4
expect_fail 66 'vidscan-4.6 a file that is not a video' "
	thads-vidscan -q --no-db junk.mp4"
expect_ok 'vidscan-4.7 a folder is scanned in name order' "
	mkdir -p dir/sub && ln -s '$CLIPS/fire.avi' dir/b.avi &&
	ln -s '$CLIPS/walk.avi' dir/sub/a.avi && ln -s '$CLIPS/quiet.avi' dir/a.avi &&
	thads-vidscan -q --no-db -f tsv --no-header dir | cut -f 16 |
	uniq > order && printf 'dir/b.avi\ndir/sub/a.avi\n' > want &&
	test_cmp want order"
expect_ok 'vidscan-4.8 a still picture is scanned' "
	ffmpeg -loglevel error -i '$CLIPS/gathering.avi' -vf select='eq(n\\,40)' \
	    -frames:v 1 still.png &&
	thads-vidscan --no-db -c '$CAMS' --camera dayroom -f tsv still.png |
	cut -f 4 | grep -qx gathering"
expect_ok 'vidscan-4.9 --detectors none decodes and finds nothing' "
	thads-vidscan -q --no-db --detectors none -f tsv --no-header \
	    '$CLIPS/fire.avi' > none.out && [ ! -s none.out ]"

expect_ok 'vidscan-4.10 every format of the output layer, scan and events' "
	thads-vidscan -q --no-db -f table '$CLIPS/covered.avi' > t.txt &&
	grep -q '^closed  *[a-z]*  *\\*  *tamper ' t.txt &&
	for f in table csv tsv jsonl xml xlsx html; do
		thads-vidscan -d ev.db events -f \$f > ev.\$f || exit 1
		[ -s ev.\$f ] || exit 1
	done &&
	grep -q ',fire,' ev.csv && grep -q '\"type\":\"fire\"' ev.jsonl &&
	xmllint --noout ev.xml && xmllint --html --noout ev.html &&
	grep -q '<td>fire</td>' ev.html &&
	python3 -c 'import sys, zipfile
z = zipfile.ZipFile(\"ev.xlsx\").read(\"xl/worksheets/sheet1.xml\")
sys.exit(0 if b\"<t>fire</t>\" in z else 1)'"
expect_ok 'vidscan-4.11 --every 2 --scale 160: half the frames, small motion, people still found' "
	thads-vidscan -v --no-db --scale 160 -n 2 -c '$CAMS' --camera perimeter \
	    -f tsv --no-header '$CLIPS/intrusion.avi' > sc.out 2> sc.err &&
	grep -q ' 45 frames analysed' sc.err &&
	cut -f 3,4 sc.out | grep -qx 'fence	intrusion'"
expect_fail 64 'vidscan-4.12 --scale below the smallest analysis width' "
	thads-vidscan --no-db --scale 10 '$CLIPS/fire.avi'"

# The annotated video.
expect_ok 'vidscan-5.1 --annotate writes the video, frame for frame' "
	thads-vidscan -q --no-db -a ann.avi '$CLIPS/fire.avi' > /dev/null &&
	[ \$(ffprobe -v error -count_frames -select_streams v:0 \
	    -show_entries stream=nb_read_frames -of csv=p=0 ann.avi) = 80 ]"
expect_ok 'vidscan-5.2 ... with the event drawn in red' "
	ffmpeg -loglevel error -i ann.avi -vf select='eq(n\\,60)' -frames:v 1 \
	    -f rawvideo -pix_fmt rgb24 - | python3 -c 'import sys
b = sys.stdin.buffer.read()
red = sum(1 for i in range(0, len(b), 3)
    if b[i] > 200 and b[i + 1] < 60 and b[i + 2] < 60)
sys.exit(0 if red > 50 else 1)'"
expect_fail 73 'vidscan-5.3 an existing video is not replaced without --force' "
	thads-vidscan -q --no-db -a ann.avi '$CLIPS/fire.avi'"
expect_ok 'vidscan-5.4 ... and is with --force' "
	thads-vidscan -q --no-db --force -a ann.avi '$CLIPS/quiet.avi'"

test_done

#!/bin/sh
# Hostile geometry, video and command lines: a million-vertex polygon,
# invalid WKT, truncated and oversized video, file names and arguments
# holding new lines and escape sequences, "-" and "--", an output that
# is a symbolic link to a system file, an existing output without
# --force, a database others can write.
. "$(dirname "$0")/lib.sh"

G=$SRCDIR/tests/hostile
sh "$G/make-inputs" gen geo

expect_ok 'a polygon of a million vertices: stored, within 60 s' "
	THADS_DB=\$SCRATCH/geo.db timeout 60 thads-geofence -q zones import \
	    gen/million-vertices.wkt &&
	THADS_DB=\$SCRATCH/geo.db thads-geofence -f csv zones list |
	    grep -q '^big,inclusion,'"
printf 'bad\tPOLYGON((0 0, 1 1\nok\tPOLYGON((0 0,1 0,1 1,0 0))\n' >invalid.wkt
printf 'bow\tPOLYGON((105 21,106 22,106 21,105 22,105 21))\n' >bowtie.wkt
expect_fail 65 'invalid WKT: refused with its line, no zone stored' "
	THADS_DB=\$SCRATCH/wkt.db thads-geofence zones import invalid.wkt 2>e
	st=\$?
	grep -q 'invalid.wkt:1: bad WKT' e &&
	test -z \"\$(THADS_DB=\$SCRATCH/wkt.db thads-geofence -f csv zones list |
	    tail -n +2)\" && exit \$st"
expect_fail 65 'a self-intersecting polygon: refused, the place named' "
	THADS_DB=\$SCRATCH/wkt.db thads-geofence zones import bowtie.wkt 2>e
	st=\$?
	grep -q \"bowtie.wkt:1: zone 'bow': invalid geometry: Self-intersection\" e &&
	exit \$st"

# Video: a small clip, cut short twice; a clip of 8192x8192 frames.
ffmpeg -v error -f lavfi -i testsrc=size=160x120:rate=10 -t 3 -c:v mjpeg \
    -y clip.avi
head -c 3000 clip.avi >cut-header.avi
head -c $(($(wc -c <clip.avi) / 2)) clip.avi >cut-half.avi
ffmpeg -v error -f lavfi -i color=c=gray:size=8192x8192:rate=5 -t 0.2 \
    -c:v mjpeg -q:v 31 -y huge.avi
expect_fail 66 'a video cut inside its header: cannot be opened' "
	thads-vidscan -q --no-db cut-header.avi >/dev/null 2>e; st=\$?
	grep -q \"cannot open video 'cut-header.avi'\" e && exit \$st"
expect_fail 66 'a video cut in the middle: read to the cut, the cut told' "
	thads-vidscan -q --no-db cut-half.avi >/dev/null 2>e; st=\$?
	grep -q 'read failed or timed out after frame' e && exit \$st"
expect_fail 66 'frames of 8192x8192: refused before any is decoded' "
	( case \$BUILD in *san*) ;; *) ulimit -v 1500000 ;; esac
	  thads-vidscan -q --no-db huge.avi ) >/dev/null 2>e; st=\$?
	grep -q \"huge.avi': frames of 8192x8192 are over the limit\" e &&
	exit \$st"

# Names and arguments with a new line and an escape sequence: shown
# defanged, never written raw to the terminal.
nasty=$(printf 'a\nb\033[31mred.csv')
cp "$SRCDIR/tests/hostile/csv/date-2024-02-30.csv" "$nasty"
expect_fail 65 'a file name with a new line and an escape: defanged' "
	thads-import \"\$nasty\" 2>e; st=\$?
	grep -q 'a?b?\\[31mred.csv:2: person.birth_date' e &&
	! grep -q \"\$(printf '\\033')\" e && exit \$st"
expect_fail 66 'a missing file of that name: defanged too' "
	thads-import \"\${nasty}x\" 2>e; st=\$?
	! grep -q \"\$(printf '\\033')\" e && exit \$st"
expect_fail 64 'an argument with an escape sequence: a usage error, defanged' "
	thads-report --by \"\$(printf 'x\\033[2Jy')\" population 2>e; st=\$?
	cat e >&2
	! grep -q \"\$(printf '\\033')\" e && exit \$st"
expect_ok '\"-\" reads standard input' "
	THADS_DB=\$SCRATCH/stdin.db thads-import - \
	    <'$TESTDATA/import/good-persons.csv' &&
	test \$(sqlite3 stdin.db 'SELECT count(*) FROM person') -gt 0"
cp "$TESTDATA/import/good-persons.csv" ./-x.csv
expect_fail 64 'a file named -x.csv is an option ...' "
	THADS_DB=\$SCRATCH/dash.db thads-import -x.csv"
expect_ok '... and after \"--\" a file' "
	THADS_DB=\$SCRATCH/dash.db thads-import -q -- -x.csv &&
	test \$(sqlite3 dash.db 'SELECT count(*) FROM person') -gt 0"

# Outputs.  The "system file" is a stand-in in the scratch directory:
# the test never risks a real one.
mkdir sys && echo 'root:x:0:0:root:/root:/bin/sh' >sys/passwd &&
    chmod 644 sys/passwd && cp sys/passwd passwd.orig
ln -s "$SCRATCH/sys/passwd" link.csv
echo keep >exists.csv
expect_fail 73 'thads-report -o onto a symbolic link: refused' "
	THADS_DB=\$SCRATCH/stdin.db thads-report -o link.csv population 2>e
	st=\$?
	grep -q \"'link.csv' exists (use --force)\" e &&
	test_cmp passwd.orig sys/passwd && test -L link.csv && exit \$st"
expect_ok '... with --force the link is replaced, its target untouched' "
	THADS_DB=\$SCRATCH/stdin.db thads-report --force -f csv -o link.csv \
	    population &&
	test_cmp passwd.orig sys/passwd && test ! -L link.csv &&
	grep -q '^dimension,' link.csv"
expect_fail 73 'thads-report -o onto an existing file: refused, kept' "
	THADS_DB=\$SCRATCH/stdin.db thads-report -o exists.csv population 2>e
	st=\$?
	grep -q \"'exists.csv' exists (use --force)\" e &&
	test \"\$(cat exists.csv)\" = keep && exit \$st"
expect_fail 73 '... and --meta likewise' "
	THADS_DB=\$SCRATCH/stdin.db thads-report --meta exists.csv population \
	    >/dev/null 2>e; st=\$?
	test \"\$(cat exists.csv)\" = keep && exit \$st"
ln -s "$SCRATCH/sys/passwd" rlink.csv
expect_fail 73 'thads-import --rejects onto a symbolic link: refused' "
	THADS_DB=\$SCRATCH/rej.db thads-import -r rlink.csv \
	    '$SRCDIR/tests/hostile/csv/date-2024-02-30.csv' 2>e; st=\$?
	grep -q 'rlink.csv' e && test_cmp passwd.orig sys/passwd && exit \$st"

expect_ok 'a database others can write: each tool warns, naming it' "
	THADS_DB=\$SCRATCH/open.db thads-import -q '$TESTDATA/import/good-persons.csv' &&
	chmod 666 open.db &&
	THADS_DB=\$SCRATCH/open.db thads-report population >/dev/null 2>e1 &&
	THADS_DB=\$SCRATCH/open.db thads-import '$TESTDATA/import/good-more.csv' 2>e2 &&
	grep -q 'open.db: database open to other users' e1 &&
	grep -q 'open.db: database open to other users' e2"

test_done

#!/bin/sh
# thads-vidscan on the synthetic clips of scripts/make-test-videos: each
# expected event found with its type, zone and start within the type's
# latency, nothing else raised (the quiet, lighting, IR, shake, rain,
# clock and broken-frame clips raise nothing at all).  The ground truth
# is testdata/video/synthetic.tsv; tests/vidscan-eval compares.
. "$(dirname "$0")/lib.sh"

CLIPS=$BUILD/testvideos
TRUTH=$TESTDATA/video/synthetic.tsv
CAMS=$TESTDATA/video/cameras.xml

expect_ok 'the synthetic clips are made' "make-test-videos '$CLIPS'"

# Shows the evaluator's verdict in the log, fails on a miss or false alarm.
tests_eval() {
	"$SRCDIR/tests/vidscan-eval" -q "$TRUTH" "$1" | sed 's/^/#   /'
	"$SRCDIR/tests/vidscan-eval" -q "$TRUTH" "$1" > /dev/null
}

mkdir -p out
grep -v '^#' "$TRUTH" | cut -f 1-3 | sort -u > runs
while IFS='	' read -r clip cam opts; do
	key=$clip
	set -- -q --no-db -f tsv -c "$CAMS"
	if [ "$cam" != - ]; then
		key=$cam-$clip
		set -- "$@" --camera "$cam"
	fi
	[ "$opts" != - ] && set -- "$@" "$opts"
	thads-vidscan "$@" "$CLIPS/$clip" > "out/${key%.avi}.tsv" 2> "out/${key%.avi}.err"
	echo "$? $key" >> status
	expect_ok "$key: events as in the ground truth" "
		grep -qx '0 $key' '$SCRATCH/status' &&
		[ ! -s '$SCRATCH/out/${key%.avi}.err' ] &&
		tests_eval '$SCRATCH/out/${key%.avi}.tsv'"
done < runs

expect_ok 'the broken frames of corrupt.avi are counted and skipped' "
	thads-vidscan -v --no-db '$CLIPS/corrupt.avi' 2>&1 >/dev/null |
	grep -E 'analysed, [1-9][0-9]* broken skipped'"

expect_ok 'the frames FFmpeg decoded with errors in damaged.avi are skipped' "
	thads-vidscan -v --no-db '$CLIPS/damaged.avi' 2>&1 >/dev/null |
	grep -E 'analysed, [1-9][0-9]* broken skipped'"

expect_ok 'a colourless (IR) clip says fire was not checked' "
	thads-vidscan -v --no-db '$CLIPS/irswitch.avi' 2>&1 >/dev/null |
	grep 'without colour: fire not checked'"

expect_ok 'an event in the first second is not lost to the warm-up' "
	awk -F'\t' 'NR > 1 && \$4 == \"motion\" && \$7 + 0 < 0.5' \
	    '$SCRATCH/out/walk.tsv' | grep -q motion"

test_done

#!/bin/sh
# Hostile zstd input (thads-import reads .zst through lib/zio.c): a
# small frame cut at every byte, concatenated and skippable frames, bad
# magic, a checksum mismatch, a 1 KB frame that declares 10 GB and a
# window over the limit.  Good streams load; bad ones are refused with
# the reason, in bounded memory, and nothing is written.
. "$(dirname "$0")/lib.sh"

sh "$SRCDIR/tests/hostile/make-inputs" gen zstd

# imp FILE: import FILE into a database of its own; exit status.
imp() {
	THADS_DB=$SCRATCH/$(basename "$1").db thads-import "$1"
}
# Address space capped at 400 MB, so that a decoder that believed a
# header would fail; not under ASan, which reserves terabytes.
lim='ulimit -v 400000'
case $BUILD in *san*) lim=: ;; esac

count() {
	sqlite3 "$SCRATCH/$1.db" 'SELECT count(*) FROM person' 2>/dev/null ||
	    echo 0
}

expect_ok 'the small frame loads' "
	imp gen/small.csv.zst && test \$(count small.csv.zst) -eq 2"
expect_ok 'cut at every byte: each prefix refused (65), nothing written' "
	n=\$(wc -c <gen/small.csv.zst) && i=0 &&
	while [ \$i -lt \$n ]; do
		head -c \$i gen/small.csv.zst >cut.csv.zst
		rm -f cut.csv.zst.db*
		imp cut.csv.zst 2>e.txt; st=\$?
		if [ \$st -ne 65 ] || [ \$(count cut.csv.zst) -ne 0 ] ||
		    ! grep -q -e 'truncated zstd stream' -e 'not in zstd format' \
		    e.txt; then
			echo \"offset \$i: exit \$st\" >&2; cat e.txt >&2; exit 1
		fi
		i=\$((i + 1))
	done"
expect_ok 'concatenated frames: read as one stream' "
	imp gen/concatenated.csv.zst && test \$(count concatenated.csv.zst) -eq 2"
expect_ok 'skippable frames around the data: skipped' "
	imp gen/skippable.csv.zst && test \$(count skippable.csv.zst) -eq 2"
expect_fail 65 'bad magic under a .zst name: refused' "
	imp gen/bad-magic.csv.zst 2>e.txt; st=\$?
	grep -q 'not in zstd format' e.txt && exit \$st"
expect_fail 65 'a checksum mismatch: refused' "
	imp gen/bad-checksum.csv.zst 2>e.txt; st=\$?
	grep -q 'zstd checksum mismatch' e.txt &&
	test \$(count bad-checksum.csv.zst) -eq 0 && exit \$st"
expect_fail 65 'a 17-byte frame that declares 10 GB: refused, no allocation' "
	( $lim; imp gen/declares-10gb.csv.zst ) 2>e.txt; st=\$?
	grep -q 'window over 128 MiB' e.txt && exit \$st"
expect_fail 65 'a frame that asks for a 2 GiB window: refused' "
	( $lim; imp gen/window-2gb.csv.zst ) 2>e.txt; st=\$?
	grep -q 'window over 128 MiB' e.txt && exit \$st"

test_done

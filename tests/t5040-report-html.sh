#!/bin/sh
# thads-report --format html rendered by headless Chromium (Debian's
# chromium): the screenshot is not blank, and the bars drawn are as
# long, relative to each other, as the table's numbers say.  One page,
# one rendering: Chromium is slow to start.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
CHROMIUM=$(command -v chromium || command -v chromium-browser)
expect_ok 'chromium is installed (scripts/install-deps)' "[ -n '$CHROMIUM' ]"
expect_ok 'the dossier loads' "
	thads-import -q --today 2024-06-30 '$TESTDATA/report/dossier.csv'"
expect_ok 'the page and the same figures in csv' "
	thads-report --as-of 2024-06-30 --by facility -f html -o page.html \
	    population &&
	thads-report --as-of 2024-06-30 --by facility -f csv population |
	tr -d '\r' | sed 1d | grep -v '^(all)' | cut -d, -f2 >values"

expect_ok 'headless chromium renders it' "
	timeout 120 '$CHROMIUM' --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir='$SCRATCH/chromium' \
	    --hide-scrollbars --force-device-scale-factor=1 \
	    --window-size=900,700 --screenshot='$SCRATCH/shot.png' \
	    'file://$SCRATCH/page.html' >chromium.log 2>&1 &&
	[ -s shot.png ]"

# png.py: decode the screenshot (8-bit RGB or RGBA, not interlaced),
# then print how much of it is not white, and the length of each bar
# in the chart's colour, top to bottom.
cat >png.py <<'X'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype, _, _, lace = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6) and lace == 0
bpp = 3 if ctype == 2 else 4
raw, stride, prev, rows = zlib.decompress(idat), w * bpp, None, []
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:
        (y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i] if prev else 0
        c = prev[i - bpp] if prev and i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else
                b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
bar = (0x1f, 0x77, 0xb4)
ink, bars, inbar = 0, [], False
for line in rows:
    px = [tuple(line[i * bpp:i * bpp + 3]) for i in range(w)]
    ink += sum(1 for p in px if p != (255, 255, 255))
    run = best = 0
    for p in px:
        run = run + 1 if p == bar else 0
        best = max(best, run)
    if best and not inbar:
        bars.append(best)
    elif best:
        bars[-1] = max(bars[-1], best)
    inbar = best > 0
print('ink', ink * 1000 // (w * h))
for b in bars:
    print('bar', b)
X
expect_ok 'the screenshot is not blank' "
	$PY png.py shot.png >png.out &&
	awk '\$1 == \"ink\" { exit !(\$2 >= 20) }' png.out"
expect_ok 'one bar per facility, in the order of the table' "
	[ \$(grep -c '^bar' png.out) -eq \$(wc -l <values) ] &&
	[ \$(wc -l <values) -eq 5 ]"
expect_ok 'the bars match the numbers: each length over the longest is
the value over the largest, to a pixel' "
	grep '^bar' png.out | cut -d' ' -f2 | paste -d' ' values - |
	awk '{ v[NR] = \$1; b[NR] = \$2; if (\$1 > mv) mv = \$1;
	    if (\$2 > mb) mb = \$2 }
	    END { for (i = 1; i <= NR; i++) {
	        d = b[i] - v[i] / mv * mb; if (d < 0) d = -d;
	        if (d > 1.5 || b[i] < 10) exit 1 } }'"
expect_ok 'the longest bar is for the largest number (D-C, 3 persons)' "
	head -1 values | grep -qx 3 &&
	grep '^bar' png.out | head -1 | cut -d' ' -f2 >first &&
	grep '^bar' png.out | cut -d' ' -f2 | sort -n | tail -1 | cmp -s - first"

test_done

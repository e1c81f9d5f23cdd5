#!/bin/sh
# Hostile XML for every XML reader (thads-import's interchange, KML
# zones and GPX tracks in thads-geofence, the camera file of
# thads-vidscan): DOCTYPEs, entities to a file and to the network,
# parameter entities, entity bombs, deep nesting, XInclude, a 100 MB
# attribute, lying encodings.  Each is refused with its line and
# nothing written; under strace, no file outside the inputs is opened
# and no network socket is made.
. "$(dirname "$0")/lib.sh"

X=$SRCDIR/tests/hostile/xml
sh "$SRCDIR/tests/hostile/make-inputs" gen xml

# A sentinel that the entities below point to: it must never be opened.
echo 'secret' >sentinel.txt
S=$SCRATCH/sentinel.txt
for f in "$X"/entity-local-file.xml "$X"/entity-parameter.xml \
    "$X"/xinclude.xml; do
	sed "s|file:///etc/[a-z]*|file://$S|g" "$f" \
	    >"gen/sentinel-$(basename "$f")"
done
# The same attacks in a KML zone file, a GPX track and a camera file.
kml='<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>NAME</name>
<Point><coordinates>105.86,21.03</coordinates></Point></Placemark></kml>'
gpx='<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">
<trk><name>NAME</name><trkseg><trkpt lat="21.0" lon="105.8">
<time>2024-05-01T05:00:00Z</time></trkpt></trkseg></trk></gpx>'
cam='<cameras xmlns="urn:thads:cameras:1" version="1">
<camera id="c1" place="NAME"/></cameras>'
for kind in kml gpx cam; do
	eval "doc=\$$kind"
	ext=$kind; [ $kind = cam ] && ext=xml
	{ echo '<?xml version="1.0" encoding="UTF-8"?>'
	  printf '<!DOCTYPE x [\n  <!ENTITY e SYSTEM "file://%s">\n]>\n' "$S"
	  echo "$doc" | sed 's/NAME/\&e;/'; } >gen/entity-file.$ext
	{ echo '<?xml version="1.0" encoding="UTF-8"?>'
	  printf '<!DOCTYPE x [\n  <!ENTITY %% p SYSTEM "http://127.0.0.1:9/x.dtd">\n  %%p;\n]>\n'
	  echo "$doc" | sed 's/NAME/x/'; } >gen/entity-network.$ext
	{ echo '<?xml version="1.0" encoding="UTF-8"?>'
	  sed -n '/<!DOCTYPE/,/]>/p' "$X/billion-laughs.xml"
	  echo "$doc" | sed 's/NAME/\&l9;/'; } >gen/billion-laughs.$ext
	{ echo '<?xml version="1.0" encoding="UTF-8"?>'
	  echo "$doc" | sed "s|NAME|<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file://$S\" parse=\"text\"/>|"; } \
	    >gen/xinclude.$ext
	{ echo '<?xml version="1.0" encoding="UTF-16"?>'
	  echo "$doc" | sed 's/NAME/x/'; } >gen/encoding-utf16.$ext
done

# imp FILE: thads-import FILE into its own database.
imp() {
	THADS_DB=$SCRATCH/$(basename "$1").db thads-import "$1"
}
# refused STATUS TEXT COMMAND...: the status, TEXT in stderr, and for
# thads-import no person stored.
refused() {
	want=$1 text=$2
	shift 2
	"$@" >/dev/null 2>e.txt
	st=$?
	[ $st -eq "$want" ] || { echo "exit $st, expected $want" >&2
	    cat e.txt >&2; return 1; }
	grep -F -- "$text" e.txt >/dev/null || { cat e.txt >&2; return 1; }
}

for f in doctype-plain doctype-system entity-local-file entity-network \
    entity-parameter billion-laughs quadratic-blowup; do
	expect_ok "interchange XML: $f refused (DOCTYPE not allowed)" "
		refused 65 '$f.xml:2: DOCTYPE not allowed' imp '$X/$f.xml' &&
		test \$(sqlite3 '$f.xml.db' 'SELECT count(*) FROM person') -eq 0"
done
expect_ok 'interchange XML: XInclude is not followed (an unknown element)' "
	refused 65 'xinclude.xml:6:' imp '$X/xinclude.xml' &&
	! grep -q root: e.txt"
expect_ok 'interchange XML: a lying Latin-1 declaration refused by name' "
	refused 65 \"encoding 'ISO-8859-1' not accepted\" \
	    imp '$X/encoding-lying-latin1.xml'"
expect_ok 'interchange XML: a lying UTF-16 declaration refused by name' "
	refused 65 \"encoding 'UTF-16' not accepted\" \
	    imp '$X/encoding-lying-utf16.xml'"
expect_ok 'interchange XML: Latin-1 bytes under a UTF-8 declaration' "
	refused 65 'encoding-lying-utf8.xml:6: cannot parse XML: Input is not proper UTF-8' \
	    imp '$X/encoding-lying-utf8.xml'"
expect_ok 'interchange XML: 100,000 levels of nesting refused at once' "
	refused 65 'nesting-100000.xml:3:' imp gen/nesting-100000.xml"
expect_ok 'interchange XML: a 100 MB attribute refused in bounded memory' "
	refused 65 'attribute-100mb.xml:3: cannot parse XML' \
	    imp gen/attribute-100mb.xml"

for ext in kml gpx xml; do
	case $ext in
	kml) tool="thads-geofence zones import" ;;
	gpx) tool="thads-geofence check --id D1" ;;
	xml) tool="thads-vidscan cameras check" ;;
	esac
	for f in entity-file entity-network billion-laughs; do
		expect_ok "$ext: $f refused" "
			THADS_DB=\$SCRATCH/$ext.db $tool gen/$f.$ext \
			    >/dev/null 2>e.txt;
			st=\$? && cat e.txt >&2 && test \$st -ne 0 &&
			grep -q 'DOCTYPE' e.txt"
	done
	expect_ok "$ext: a UTF-16 declaration over UTF-8 bytes refused" "
		THADS_DB=\$SCRATCH/$ext.db $tool gen/encoding-utf16.$ext \
		    >/dev/null 2>e.txt;
		st=\$? && cat e.txt >&2 && test \$st -ne 0"
done

# Under strace: every file each reader opens, and every socket.  What
# may be opened: shared libraries and the loader's cache, the user and
# name-service files (the OS user is written in the audit trail), time
# zones, the random device, the tree's schemas, the input itself (and
# the checksum thads-geofence looks for beside a track), the database
# and its audit head file (and the head's temporary) in the scratch
# directory, and what OpenCV's libraries read of /proc,
# /sys and libgcrypt's settings when thads-vidscan starts (and, in the
# coverage build, gcov's counter files).
traced() {
	input=$1
	shift
	rm -f trace
	strace -f -qq -e trace=open,openat,creat,socket,connect -o trace "$@" \
	    >/dev/null 2>&1
	sed -n 's/^[0-9]* *\(open\|openat\|creat\)(\(AT_FDCWD, \)\{0,1\}"\([^"]*\)".*/\3/p' \
	    trace | grep -v ' = -1 ' | grep -v -E \
	    '^(/lib/|/usr/lib/|/etc/ld\.so\.|/etc/(nsswitch\.conf|passwd|group)$|/usr/share/zoneinfo/|/dev/urandom$|/usr/share/locale/|/usr/lib/locale/|/proc/|/sys/|/etc/gcrypt/)' |
	    grep -v -F -x -e "$SCRATCH" -e "$SRCDIR/schema/thads-interchange.xsd" \
	        -e "$SRCDIR/schema/thads-cameras.xsd" |
	    grep -v '\.gcda$' |
	    grep -v "^$SCRATCH/[^/]*\.db\(-journal\|-wal\|-shm\|\.audit-head\|\.audit-head\.lock\|\.audit-head\.[0-9]*\)\{0,1\}\$" |
	    grep -v -F -x -e "$input" -e "$input.sha256" >>unexpected
	grep -E 'socket\(AF_INET|connect\(.*sin_' trace >>unexpected
	grep -F "$S" trace >>unexpected
	true
}
expect_ok 'strace: no XML case opens a file outside its input, or a socket' "
	: >unexpected &&
	for f in '$X'/*.xml gen/sentinel-*.xml; do
		traced \"\$f\" sh -c 'THADS_DB=\$SCRATCH/st.db thads-import \"\$1\"' \
		    sh \"\$f\"
	done &&
	for f in gen/*.kml; do
		traced \"\$f\" sh -c 'THADS_DB=\$SCRATCH/st.db thads-geofence zones import \"\$1\"' sh \"\$f\"
	done &&
	for f in gen/*.gpx; do
		traced \"\$f\" sh -c 'THADS_DB=\$SCRATCH/st.db thads-geofence check --id D1 \"\$1\"' sh \"\$f\"
	done &&
	for f in gen/entity-*.xml gen/billion-laughs.xml gen/xinclude.xml \
	    gen/encoding-utf16.xml; do
		traced \"\$f\" sh -c 'THADS_DB=\$SCRATCH/st.db thads-vidscan cameras check \"\$1\"' sh \"\$f\"
	done &&
	cat unexpected >&2 && test ! -s unexpected"
expect_ok 'strace: the check can fail (a reader that opens the sentinel)' "
	: >unexpected && traced x cat '$S' && test -s unexpected"

test_done

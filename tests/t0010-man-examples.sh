#!/bin/sh
# The commands in the EXAMPLES section of every man page run as written
# (with the sample files they name made from testdata/ first).
. "$(dirname "$0")/lib.sh"

# examples PAGE: print each "$ command" of the EXAMPLES section, one per
# line, with "\e" line continuations joined.
examples() {
	sed -n '/^\.Sh EXAMPLES/,/^\.Sh /p' "$1" |
	sed -e 's/^\.Dl //' -e 's/\\e$/\\/' -e 's/\\-/-/g' |
	awk '/\\$/ { sub(/\\$/, ""); buf = buf $0; next }
	     { print buf $0; buf = "" }' |
	sed -n 's/^\$ //p'
}

mkdir -p ex && cd ex || exit 1
ln -s "$SRCDIR/mappings" mappings
cp "$TESTDATA/import/good-persons.csv" dossiers.csv
cp "$TESTDATA/records/nyc-doc-dic-20190101-foil.csv" nyc.csv
zstd -q -o export.xml.zst "$TESTDATA/xml/good-dossiers.xml"
cp "$TESTDATA/records/nyc-doc-dic-20190101-foil.csv" \
    DOC_Inmates_InCustody_Daily_20190101.csv
# thads-geofence(1): zones, tracks.
cp "$TESTDATA"/gps/examples/* .

for page in "$SRCDIR"/man/*.1; do
	name=$(basename "$page" .1)
	n=0
	examples "$page" > "$name.examples"
	while IFS= read -r cmd; do
		n=$((n + 1))
		# Examples use the standard server paths; run them here.
		cmd=$(printf '%s\n' "$cmd" |
		    sed "s|/var/lib/thads|$SCRATCH/ex/state|g")
		expect_ok "$name example $n: $cmd" "
			cd '$SCRATCH/ex' && THADS_DATADIR='$SRCDIR' $cmd"
	done < "$name.examples"
	expect_ok "$name(1) has at least one example command" "[ $n -gt 0 ]"
done

test_done

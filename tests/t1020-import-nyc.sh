#!/bin/sh
# thads-import on the real NYC DOC "Daily Inmates In Custody" file of
# 1 January 2019 (testdata/records/SOURCES.md) through
# mappings/nyc-doc-daily.map.  Every count in the database is checked
# against one computed from the raw CSV with awk, not with THADS.
. "$(dirname "$0")/lib.sh"

NYC=$TESTDATA/records/nyc-doc-dic-20190101-foil.csv
MAP=$SRCDIR/mappings/nyc-doc-daily.map

q() {
	sqlite3 nyc.db "$1"
}

# raw: the data rows of the file, one field a column separated by '|'
# with the quotes and the CHAR padding removed.  Every cell of the file
# is quoted and none holds '","' or '|' (checked below).
awk -F'","' 'NR > 1 {
	sub(/^"/, "", $1); sub(/"\r?$/, "", $NF)
	for (i = 1; i <= NF; i++) sub(/ +$/, "", $i)
	out = $1
	for (i = 2; i <= NF; i++) out = out "|" $i
	print out
}' "$NYC" >raw

expect_ok 'the raw file: 7,843 data rows of 13 quoted fields each (awk)' '
	[ "$(wc -l <raw)" -eq 7843 ] &&
	[ "$(awk -F"|" "NF != 13" raw | wc -l)" -eq 0 ] &&
	! grep -q "|" "$NYC"'

expect_ok 'loads through nyc-doc-daily.map: exit 0, 7843 read and inserted, 3 re-admissions' '
	thads-import -d nyc.db -m "$MAP" "$NYC" >out 2>err &&
	[ ! -s out ] && [ "$(wc -l <err)" -eq 2 ] &&
	grep -Eqx "thads-import: 7843 read, 7843 inserted, 0 updated, 0 unchanged, 0 rejected; [0-9.]+ s, [0-9]+ rows/s" err &&
	grep -qx "thads-import: 3 re-admissions linked to earlier records (0 probable, by name and birth date)" err ||
	{ cat err >&2; exit 1; }'

expect_ok 'episodes: one per data row (awk: 7843)' '
	[ "$(q "SELECT count(*) FROM episode")" = "$(wc -l <raw)" ]'

expect_ok 'persons: one per distinct INMATEID (awk)' '
	[ "$(q "SELECT count(*) FROM person")" = \
	    "$(cut -d"|" -f1 raw | sort -u | wc -l)" ]'

expect_ok 'episodes by status = INMATE_STATUS_CODE mapped (CS CSP SSR SCO serving; DE DEP DPV DNS pretrial_detention)' '
	awk -F"|" "
	    \$9 ~ /^(CS|CSP|SSR|SCO)\$/ { n[\"serving\"]++; next }
	    \$9 ~ /^(DE|DEP|DPV|DNS)\$/ { n[\"pretrial_detention\"]++; next }
	    { n[\"other:\" \$9]++ }
	    END { for (s in n) print s \"|\" n[s] }" raw | sort >expect &&
	q "SELECT status, count(*) FROM episode GROUP BY status
	    ORDER BY status" >actual &&
	test_cmp expect actual'

expect_ok 'each raw status code is kept in extra.inmate_status_code, code by code' '
	cut -d"|" -f9 raw | sort | uniq -c |
	    awk "{ print \$2 \"|\" \$1 }" >expect &&
	q "SELECT json_extract(extra, \"\$.inmate_status_code\") AS c,
	    count(*) FROM episode GROUP BY c ORDER BY c" >actual &&
	test_cmp expect actual'

expect_ok 'episodes by custody level = CUSTODY_LEVEL (MIN/MED/MAX, blank is none)' '
	awk -F"|" "
	    BEGIN { w[\"MIN\"] = \"minimum\"; w[\"MED\"] = \"medium\";
		w[\"MAX\"] = \"maximum\"; w[\"\"] = \"none\" }
	    { n[\$4 in w ? w[\$4] : \"?\" \$4]++ }
	    END { for (l in n) print l \"|\" n[l] }" raw | sort >expect &&
	q "SELECT coalesce(custody_level, \"none\") AS l, count(*)
	    FROM episode GROUP BY l ORDER BY l" >actual &&
	test_cmp expect actual'

expect_ok 'females: persons with sex female = distinct INMATEIDs with GENDER F (awk)' '
	[ "$(q "SELECT count(*) FROM person WHERE sex = \"female\"")" = \
	    "$(awk -F"|" "\$7 == \"F\" { print \$1 }" raw | sort -u | wc -l)" ]'

expect_ok 'males, and persons with a blank GENDER (no sex stored), as in the file' '
	[ "$(q "SELECT count(*) FROM person WHERE sex = \"male\"")" = \
	    "$(awk -F"|" "\$7 == \"M\" { print \$1 }" raw | sort -u | wc -l)" ] &&
	[ "$(q "SELECT count(*) FROM person WHERE sex IS NULL")" = \
	    "$(awk -F"|" "\$7 == \"\" { print \$1 }" raw | sort -u | wc -l)" ]'

expect_ok 'ages: as many and the same total as the non-blank AGE cells, one per INMATEID' '
	[ "$(q "SELECT count(age) || \" \" || sum(age) FROM person")" = \
	    "$(awk -F"|" "\$8 != \"\" && !seen[\$1]++ { n++; s += \$8 }
	    END { print n \" \" s }" raw)" ]'

expect_ok 'every person is dated 2019-01-01, the date in the file name (@filedate)' '
	[ "$(q "SELECT DISTINCT age_on FROM person")" = 2019-01-01 ]'

expect_ok 'the ids that appear twice in the file are 116457, 20119845, 20178828 (awk)' '
	printf "116457\n20119845\n20178828\n" >expect &&
	cut -d"|" -f1 raw | sort | uniq -d >actual &&
	test_cmp expect actual'

expect_ok 'each of them is one person with two episodes' '
	printf "116457|2\n20119845|2\n20178828|2\n" >expect &&
	q "SELECT p.ext_id, count(*) FROM person p
	    JOIN episode e ON e.person_id = p.id
	    GROUP BY p.id HAVING count(*) > 1 ORDER BY p.ext_id" >actual &&
	test_cmp expect actual'

expect_ok 'admission view: prior_admissions 0 for the earlier, 1 for the later admission' '
	cat >expect <<-\EOF &&
	116457|2017-10-31 13:41:49|0
	116457|2018-12-14 23:22:08|1
	20119845|2016-12-28 16:42:30|0
	20119845|2018-07-24 09:49:58|1
	20178828|2017-10-30 16:15:00|0
	20178828|2018-06-15 23:34:35|1
	EOF
	q "SELECT p.ext_id, a.admitted, a.prior_admissions FROM admission a
	    JOIN person p ON p.id = a.person_id
	    WHERE p.ext_id IN (\"116457\", \"20119845\", \"20178828\")
	    ORDER BY p.ext_id, a.admitted" >actual &&
	test_cmp expect actual'

expect_ok 'no one else has a prior admission' '
	[ "$(q "SELECT count(*) FROM admission WHERE prior_admissions > 0")" = 3 ]'

q .dump >nyc.dump

expect_ok 're-import: "0 inserted, 0 updated, 7843 unchanged", database unchanged' '
	thads-import -d nyc.db -m "$MAP" "$NYC" >out 2>err &&
	[ ! -s out ] && [ "$(wc -l <err)" -eq 1 ] &&
	grep -Eqx "thads-import: 7843 read, 0 inserted, 0 updated, 7843 unchanged, 0 rejected; [0-9.]+ s, [0-9]+ rows/s" err &&
	q .dump >nyc2.dump && test_cmp nyc.dump nyc2.dump >/dev/null'

expect_ok 'a NYC file whose name holds no date is refused: exit 78, mapping line named' '
	head -n 3 "$NYC" >nodate.csv
	thads-import -q -d nodate.db -m "$MAP" nodate.csv >out 2>err
	st=$?
	line=$(grep -n "^person.age_on *= *@filedate" "$MAP" | cut -d: -f1)
	echo "thads-import: $MAP:$line: person.age_on: no date (YYYYMMDD) in the file name '\''nodate.csv'\''" >expect &&
	[ $st -eq 78 ] && test_cmp expect err'

# The later open-data layout: lower-case names, no DISCHARGED_DT, ISO
# dates with milliseconds, ages written "47.0".
set -- "$TESTDATA"/maps/nyc-variant-2020*.csv
if [ -f "$1" ]; then
	V=$1
	expect_ok "later layout $(basename "$V") loads with the same mapping" '
		thads-import -q -d var.db -m "$MAP" "$V" >out 2>err &&
		[ ! -s out ] && [ ! -s err ] &&
		[ "$(sqlite3 var.db "SELECT count(*) FROM episode")" = \
		    "$(($(wc -l <"$V") - 1))" ]'

	expect_ok 'later layout: ISO times and "47.0" ages read like the FOIL ones' '
		[ "$(sqlite3 var.db "SELECT count(*) FROM episode WHERE admitted
		    NOT GLOB \"[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\"")" = 0 ] &&
		[ "$(sqlite3 var.db "SELECT count(*) FROM person
		    WHERE typeof(age) != \"integer\" OR age_on IS NULL")" = 0 ]'
fi

test_done

#!/bin/sh
# thads-report on the bundled real records (NYC DOC, in custody on
# 2019-01-01) against independent SQL written here, which counts the
# same things another way (window functions, plain GROUP BY).  The file
# is one day of people in custody, so it has no releases: for the stay
# and recidivism figures, releases and returns are then derived from
# the real episodes by a fixed rule, and the two counts compared again.
. "$(dirname "$0")/lib.sh"

cp "$TESTDATA/records/nyc-doc-dic-20190101-foil.csv" \
    DOC_Inmates_InCustody_Daily_20190101.csv
expect_ok 'the real records load' "
	thads-import -q -m '$SRCDIR/mappings/nyc-doc-daily.map' \
	    DOC_Inmates_InCustody_Daily_20190101.csv"

# csv ARGS...: the report, CR removed, header dropped.
csv() {
	thads-report -f csv "$@" | tr -d '\r' | sed 1d
}
q() {
	sqlite3 -csv thads.db "$1" | tr -d '\r'
}

# The persons held at the end of 2019-01-01: each person's latest
# episode among those open then.
HELD="WITH h AS (SELECT e.*, row_number() OVER (PARTITION BY e.person_id
    ORDER BY e.admitted DESC) AS k FROM episode e
    WHERE e.admitted < '2019-01-02'
    AND (e.released IS NULL OR e.released >= '2019-01-02'))
    SELECT h.status, p.sex, h.custody_level, p.age, h.admitted
    FROM h JOIN person p ON p.id = h.person_id WHERE k = 1"

expect_ok 'population total: 7,840 persons (7,843 rows, 3 persons twice)' "
	csv --as-of 2019-01-01 --by '' population | cut -d, -f1 >t.out &&
	q \"SELECT count(*) FROM ($HELD)\" >t.sql && test_cmp t.sql t.out &&
	[ \"\$(cat t.out)\" = 7840 ]"

expect_ok 'population by status and sex = GROUP BY of the SQL' "
	csv --as-of 2019-01-01 --by status,sex population | grep -v '^(all)' |
	cut -d, -f1-3 | sort >s.out &&
	q \"SELECT status, coalesce(sex, 'unknown'), count(*) FROM ($HELD)
	    GROUP BY 1, 2\" | sort >s.sql && test_cmp s.sql s.out"

expect_ok 'population by custody level' "
	csv --as-of 2019-01-01 --by custody_level population |
	grep -v '^(all)' | cut -d, -f1,2 | sort >c.out &&
	q \"SELECT coalesce(custody_level, 'none'), count(*) FROM ($HELD)
	    GROUP BY 1\" | sort >c.sql && test_cmp c.sql c.out"

expect_ok 'population by age band (the age is that of 2019-01-01)' "
	csv --as-of 2019-01-01 --by age_band population | grep -v '^(all)' |
	cut -d, -f1,2 | sort >a.out &&
	q \"SELECT CASE WHEN age IS NULL THEN 'unknown'
	    WHEN age <= 17 THEN '0-17' WHEN age <= 24 THEN '18-24'
	    WHEN age <= 34 THEN '25-34' WHEN age <= 44 THEN '35-44'
	    WHEN age <= 54 THEN '45-54' WHEN age <= 64 THEN '55-64'
	    ELSE '65+' END, count(*) FROM ($HELD) GROUP BY 1\" |
	sort >a.sql && test_cmp a.sql a.out"

expect_ok 'population shares add up to 100 per dimension' "
	csv --as-of 2019-01-01 population | grep -v '^(all)' |
	awk -F, '{ s[\$1] += \$4 } END { for (d in s)
	    if (s[d] < 99.5 || s[d] > 100.5) exit 1 }'"

expect_ok 'admissions per ISO week of December 2018' "
	csv --as-of 2019-01-01 --from 2018-12-01 --to 2018-12-31 \
	    --every week flow | grep -v '^(all)' | cut -d, -f2,4 >w.out &&
	q \"SELECT max('2018-12-01', date(admitted, '-6 days', 'weekday 1')),
	    count(*) FROM episode WHERE admitted >= '2018-12-01'
	    AND admitted < '2019-01-01' GROUP BY 1 ORDER BY 1\" >w.sql &&
	test_cmp w.sql w.out"

expect_ok 'admissions of 2018 by month, total' "
	csv --as-of 2019-01-01 --from 2018-01-01 --to 2018-12-31 flow |
	grep '^(all)' | cut -d, -f4 >m.out &&
	q \"SELECT count(*) FROM episode WHERE admitted >= '2018-01-01'
	    AND admitted < '2019-01-01'\" >m.sql && test_cmp m.sql m.out"

# Time served so far by those held: count, min, max, mean, median.
SERVED="SELECT julianday('2019-01-01') - julianday(date(admitted)) AS d
    FROM ($HELD)"
expect_ok 'stay: time served so far by the 7,840 (count, mean, median,
min, max)' "
	csv --as-of 2019-01-01 stay | grep '^in_custody' |
	cut -d, -f2,3,5,7,8 >d.out &&
	q \"SELECT count(*), printf('%.1f', avg(d)),
	    printf('%.1f', (SELECT avg(d) FROM (SELECT d FROM ($SERVED)
	    ORDER BY d LIMIT 2 - (SELECT count(*) FROM ($SERVED)) % 2
	    OFFSET ((SELECT count(*) FROM ($SERVED)) - 1) / 2))),
	    CAST(min(d) AS INTEGER), CAST(max(d) AS INTEGER)
	    FROM ($SERVED)\" >d.sql && test_cmp d.sql d.out"

expect_ok 'recidivism: no releases in a day of people in custody' "
	csv --as-of 2019-01-01 --from 2018-01-01 --to 2018-12-31 recidivism |
	cut -d, -f1 >r0.out && echo 0 >r0.sql && test_cmp r0.sql r0.out &&
	q \"SELECT count(*) FROM episode WHERE released IS NOT NULL\" |
	grep -qx 0"

# Derived from the real episodes: every third person (by number) was
# released some days after admission, for a reason that cycles through
# five; every seventh of them came back later, one in four of those
# first to a temporary hold.
expect_ok 'releases and returns derived from the real episodes' "
	sqlite3 thads.db \"
	UPDATE episode SET
	    released = datetime(admitted, '+' || (person_id * 37 % 700 + 1)
	        || ' days'),
	    release_reason = CASE person_id % 5 WHEN 0 THEN 'bail'
	        WHEN 1 THEN 'sentence_served' WHEN 2 THEN 'death'
	        WHEN 3 THEN 'charges_dropped' ELSE 'transfer' END
	    WHERE person_id % 3 = 0;
	INSERT INTO episode (person_id, facility_id, status, admitted,
	    created_at, updated_at)
	    SELECT person_id, facility_id,
	        CASE person_id % 4 WHEN 0 THEN 'temporary_custody'
	        ELSE 'pretrial_detention' END,
	        datetime(released, '+' || (person_id * 13 % 900 + 1)
	        || ' days'), 'x', 'x'
	    FROM episode WHERE released IS NOT NULL AND person_id % 7 = 0;
	INSERT INTO episode (person_id, facility_id, status, admitted,
	    created_at, updated_at)
	    SELECT person_id, facility_id, 'serving',
	        datetime(admitted, '+20 days'), 'x', 'x'
	    FROM episode WHERE status = 'temporary_custody';\" &&
	q \"SELECT count(*) FROM episode WHERE released IS NOT NULL\" |
	awk '\$1 < 1000 { exit 1 }'"

# The cohort of 2017-2018 as of 2020-12-31, each person once, returns
# to custody other than temporary holds, windows of 1 and 2 years.
RECID="WITH r AS (SELECT e.person_id, e.released, row_number() OVER
    (PARTITION BY e.person_id ORDER BY e.released, e.id) AS k
    FROM episode e WHERE e.released >= '2017-01-01'
    AND e.released < '2019-01-01' AND e.status <> 'temporary_custody'
    AND coalesce(e.release_reason, '') NOT IN ('transfer', 'death',
    'escape')),
  c AS (SELECT r.person_id, r.released, (SELECT min(x.admitted)
    FROM episode x WHERE x.person_id = r.person_id
    AND x.admitted > r.released AND x.status <> 'temporary_custody'
    AND x.admitted < '2021-01-01') AS back FROM r WHERE k = 1)
  SELECT coalesce(p.sex, 'unknown') AS sex, count(*),
    sum(back IS NOT NULL AND date(back) <= date(released, '+1 year')),
    sum(back IS NOT NULL AND date(back) <= date(released, '+2 years'))
  FROM c JOIN person p ON p.id = c.person_id GROUP BY 1"
expect_ok 'recidivism of 2017-2018 by sex = the SQL' "
	csv --as-of 2020-12-31 --from 2017-01-01 --to 2018-12-31 \
	    --windows 1,2 --by sex recidivism | grep -v '^(all)' |
	cut -d, -f1,2,5,9 | sort >rs.out &&
	q \"$RECID\" | sort >rs.sql && test_cmp rs.sql rs.out"

expect_ok 'recidivism: the total is the sum of the SQL groups, and the
derived cohort is large enough to mean something' "
	csv --as-of 2020-12-31 --from 2017-01-01 --to 2018-12-31 recidivism |
	cut -d, -f1,4,8 >rt.out &&
	awk -F, '{ n += \$2; a += \$3; b += \$4 }
	    END { print n \",\" a \",\" b }' rs.sql >rt.sql &&
	test_cmp rt.sql rt.out && awk -F, '{ exit !(\$1 > 300) }' rt.out"

expect_ok 'flow of 2018: releases by reason = the SQL' "
	csv --as-of 2020-12-31 --from 2018-01-01 --to 2018-12-31 --every year \
	    flow | grep '^(all)' | cut -d, -f5,6,13,14 >f.out &&
	q \"SELECT count(*), sum(release_reason = 'sentence_served'),
	    sum(release_reason = 'charges_dropped'),
	    sum(release_reason = 'bail') FROM episode
	    WHERE released >= '2018-01-01' AND released < '2019-01-01'\" \
	    >f.sql && test_cmp f.sql f.out"

expect_ok 'stay of those released in 2018: count and mean = the SQL' "
	csv --as-of 2020-12-31 --from 2018-01-01 --to 2018-12-31 stay |
	grep '^released' | cut -d, -f2,3 >l.out &&
	q \"SELECT count(*), printf('%.1f', avg(julianday(date(released))
	    - julianday(date(admitted)))) FROM episode
	    WHERE released >= '2018-01-01' AND released < '2019-01-01'\" \
	    >l.sql && test_cmp l.sql l.out"

test_done

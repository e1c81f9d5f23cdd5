#!/bin/sh
# thads-report on a small hand-made dossier (testdata/report/): every
# figure below was worked out by hand from the dossier, not copied from
# the tool.  The dossier's story is in testdata/report/README.
. "$(dirname "$0")/lib.sh"

expect_ok 'the dossier loads' "
	thads-import --today 2024-06-30 '$TESTDATA/report/dossier.csv' \
	    '$TESTDATA/report/records.csv'"

# report ARGS...: csv on stdout, CR removed.
report() {
	thads-report --as-of 2024-06-30 -f csv "$@" | tr -d '\r'
}
# rep ARGS...: the same, keeping the exit status.
rep() {
	thads-report --as-of 2024-06-30 -f csv "$@"
}
Y23='--from 2023-01-01 --to 2023-12-31'

cat >pop.expected <<'X'
dimension,value,persons,share_pct
facility,D-C,3,37.5
facility,P-A,2,25.0
facility,P-B,1,12.5
facility,W-1,1,12.5
facility,W-2,1,12.5
status,pretrial_detention,3,37.5
status,serving,3,37.5
status,suspended_sentence,1,12.5
status,conditional_release,1,12.5
custody_level,minimum,1,12.5
custody_level,medium,2,25.0
custody_level,none,5,62.5
sex,male,6,75.0
sex,female,2,25.0
age_band,18-24,1,12.5
age_band,25-34,4,50.0
age_band,35-44,1,12.5
age_band,45-54,2,25.0
sentence_band,0-3y,1,12.5
sentence_band,3-7y,1,12.5
sentence_band,7-15y,1,12.5
sentence_band,non_custodial,2,25.0
sentence_band,unsentenced,3,37.5
(all),(all),8,100.0
X
expect_ok 'population on 2024-06-30: 8 persons, R11 released that year,
R08 admitted that very day, R15 once though transferred' "
	report population >pop.out && test_cmp pop.expected pop.out"

cat >popby.expected <<'X'
facility,status,persons,share_pct
D-C,pretrial_detention,3,37.5
P-A,serving,2,25.0
P-B,serving,1,12.5
W-1,conditional_release,1,12.5
W-2,suspended_sentence,1,12.5
(all),(all),8,100.0
X
expect_ok 'population --by facility,status' "
	report --by facility,status population >popby.out &&
	test_cmp popby.expected popby.out"

expect_ok 'population --facility P-A,P-B --by sex: 3 persons' "
	report --facility P-A,P-B --by sex population >f.out &&
	printf '%s\n' sex,persons,share_pct male,2,66.7 female,1,33.3 \
	    '(all),3,100.0' >f.expected && test_cmp f.expected f.out"

expect_ok 'population --status serving --list: R12, R15, R16 in order' "
	report --status serving --list population | cut -d, -f1-5 >l.out &&
	printf '%s\n' person,facility,status,custody_level,admitted \
	    'R12,P-A,serving,medium,2023-06-01 14:00:00' \
	    'R15,P-A,serving,medium,2023-07-02 14:00:00' \
	    'R16,P-B,serving,minimum,2023-04-03 14:00:00' >l.expected &&
	test_cmp l.expected l.out"

cat >flow.expected <<'X'
period,period_start,period_end,admissions,releases,released_sentence_served,released_reduction,released_amnesty,released_conditional_release,released_transfer,released_death,released_acquitted,released_charges_dropped,released_bail,released_measure_changed,released_escape,released_other,released_unknown
2023-01,2023-01-01,2023-01-31,1,1,0,0,0,1,0,0,0,0,0,0,0,0,0
2023-02,2023-02-01,2023-02-28,2,1,0,1,0,0,0,0,0,0,0,0,0,0,0
2023-03,2023-03-01,2023-03-31,1,1,1,0,0,0,0,0,0,0,0,0,0,0,0
2023-04,2023-04-01,2023-04-30,2,2,0,0,0,0,1,0,0,1,0,0,0,0,0
2023-05,2023-05-01,2023-05-31,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0
2023-06,2023-06-01,2023-06-30,1,2,1,0,0,0,0,0,1,0,0,0,0,0,0
2023-07,2023-07-01,2023-07-31,0,1,0,0,0,0,0,1,0,0,0,0,0,0,0
2023-08,2023-08-01,2023-08-31,1,2,0,0,0,0,0,0,0,0,1,0,1,0,0
2023-09,2023-09-01,2023-09-30,1,1,0,0,0,0,0,0,0,0,1,0,0,0,0
2023-10,2023-10-01,2023-10-31,0,1,1,0,0,0,0,0,0,0,0,0,0,0,0
2023-11,2023-11-01,2023-11-30,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0
2023-12,2023-12-01,2023-12-31,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0
(all),2023-01-01,2023-12-31,10,14,4,1,0,1,2,1,1,1,2,0,1,0,0
X
expect_ok 'flow 2023 by month: the transfer of R15 (next day) is one stay,
that of R16 (two days later) two; R07 leaves by transfer; holds count' "
	report $Y23 flow >flow.out && test_cmp flow.expected flow.out"

expect_ok 'flow --every quarter, first and last periods cut by the period' "
	report --from 2023-02-15 --to 2023-08-15 --every quarter flow |
	cut -d, -f1-5 >q.out &&
	printf '%s\n' period,period_start,period_end,admissions,releases \
	    2023-Q1,2023-02-15,2023-03-31,1,1 2023-Q2,2023-04-01,2023-06-30,3,5 \
	    2023-Q3,2023-07-01,2023-08-15,1,3 '(all),2023-02-15,2023-08-15,5,9' \
	    >q.expected && test_cmp q.expected q.out"

cat >stay.expected <<'X'
measure,stays,mean_days,p25_days,median_days,p75_days,min_days,max_days
released,14,567.4,74.2,372.0,844.0,2,2007
in_custody,6,291.7,161.5,309.0,439.2,0,537
X
expect_ok 'stay: 14 stays released in 2023 (R01 from 2021-03-01 through a
transfer: 739 days), 6 in custody (R15 since 2023-01-10: 537 days)' "
	report $Y23 stay >stay.out && test_cmp stay.expected stay.out"

expect_ok 'stay --by reason: served 214, 739, 879, 1476 days' "
	report $Y23 --by reason stay | grep '^released,sentence_served,' \
	    >s.out &&
	echo 'released,sentence_served,4,827.0,607.8,809.0,1028.2,214,1476' \
	    >s.expected && test_cmp s.expected s.out"

cat >recid.expected <<'X'
released,status_1y,followed_1y,returned_1y,rate_1y_pct,status_2y,followed_2y,returned_2y,rate_2y_pct,status_3y,followed_3y,returned_3y,rate_3y_pct
6,complete,6,4,66.7,in_progress,0,4,66.7,not_started,,,
X
expect_ok 'recidivism of 2023: cohort R01 R02 R04 R05 R08 R10 (holds, death,
escape, transfers out left out; R05 once), 4 back within a year (R04
after a hold, R08 on the last day of the year)' "
	report $Y23 recidivism >r.out && test_cmp recid.expected r.out"

cat >recidsex.expected <<'X'
sex,released,status_1y,followed_1y,returned_1y,rate_1y_pct,status_2y,followed_2y,returned_2y,rate_2y_pct,status_3y,followed_3y,returned_3y,rate_3y_pct
male,3,complete,3,3,100.0,in_progress,0,3,100.0,not_started,,,
female,3,complete,3,1,33.3,in_progress,0,1,33.3,not_started,,,
(all),6,complete,6,4,66.7,in_progress,0,4,66.7,not_started,,,
X
expect_ok 'recidivism --by sex' "
	report $Y23 --by sex recidivism >rs.out &&
	test_cmp recidsex.expected rs.out"

expect_ok 'recidivism --by offence_group,age_band' "
	report $Y23 --by offence_group recidivism | cut -d, -f1-6 >ro.out &&
	printf '%s\n' offence_group,released,status_1y,followed_1y,returned_1y,rate_1y_pct \
	    life_health_dignity,1,complete,1,1,100.0 property,2,complete,2,2,100.0 \
	    drugs,2,complete,2,1,50.0 unknown,1,complete,1,0,0.0 \
	    '(all),6,complete,6,4,66.7' >ro.expected && test_cmp ro.expected ro.out &&
	report $Y23 --by age_band recidivism | cut -d, -f1,2,5 >ra.out &&
	printf '%s\n' age_band,released,returned_1y 25-34,3,3 35-44,2,1 \
	    45-54,1,0 '(all),6,4' >ra.expected && test_cmp ra.expected ra.out"

expect_ok 'recidivism: on 2024-06-29 R08 is not yet back and the 1-year
window is still in progress' "
	thads-report --as-of 2024-06-29 -f csv $Y23 recidivism | tr -d '\r' |
	sed -n 2p | cut -d, -f1-5 >r2.out &&
	echo 6,in_progress,5,3,50.0 >r2.expected && test_cmp r2.expected r2.out"

expect_ok 'recidivism: the rate never falls as the window grows' "
	report $Y23 --windows 1,2,3,5 --by sex recidivism |
	awk -F, 'NR > 1 && \$6 != \"\" && \$10 != \"\" && \$6 + 0 > \$10 + 0 { exit 1 }'"

cat >list.expected <<'X'
person,released,facility,status,reason,returned,days_to_return
R05,2023-01-15,P-B,serving,conditional_release,2023-03-01,45
R02,2023-02-01,P-A,serving,reduction,,
R01,2023-03-10,P-A,serving,sentence_served,2023-11-20,255
R04,2023-05-20,P-B,serving,sentence_served,2024-02-10,266
R10,2023-06-02,D-C,pretrial_detention,acquitted,,
R08,2023-06-30,P-B,serving,sentence_served,2024-06-30,366
X
expect_ok 'recidivism --list: the cohort with the returns' "
	report $Y23 --list recidivism >list.out && test_cmp list.expected list.out"

cat >cls.expected <<'X'
period_end,period,facility,assessed,good,fair,average,poor,good_pct,fair_pct,average_pct,poor_pct
2022-11-25,quarter,P-A,2,0,1,1,0,0.0,50.0,50.0,0.0
2022-11-25,quarter,(all),2,0,1,1,0,0.0,50.0,50.0,0.0
2023-02-25,quarter,P-A,1,1,0,0,0,100.0,0.0,0.0,0.0
2023-02-25,quarter,(all),1,1,0,0,0,100.0,0.0,0.0,0.0
2023-05-25,quarter,P-A,1,0,0,0,1,0.0,0.0,0.0,100.0
2023-05-25,quarter,P-B,2,1,0,1,0,50.0,0.0,50.0,0.0
2023-05-25,quarter,(all),3,1,0,1,1,33.3,0.0,33.3,33.3
2023-08-25,quarter,P-A,2,1,1,0,0,50.0,50.0,0.0,0.0
2023-08-25,quarter,(all),2,1,1,0,0,50.0,50.0,0.0,0.0
X
expect_ok 'classification 2022-2023 by the facility holding each person on
the day the quarter closed (R15 moved from P-B to P-A in July)' "
	report --from 2022-01-01 --to 2023-12-31 classification >c.out &&
	test_cmp cls.expected c.out"

cat >red.expected <<'X'
period,period_start,period_end,decisions,months_reduced,mean_months
2022,2022-01-01,2022-12-31,3,11.5,3.8
2023,2023-01-01,2023-12-31,1,4.0,4.0
(all),2022-01-01,2023-12-31,4,15.5,3.9
X
expect_ok 'reductions per year: 6 + 3 + 2.5 months in 2022' "
	report --from 2022-01-01 --to 2023-12-31 --every year reductions \
	    >red.out && test_cmp red.expected red.out"

cat >redf.expected <<'X'
facility,period,period_start,period_end,decisions,months_reduced,mean_months
P-A,2022,2022-01-01,2022-12-31,2,8.5,4.2
P-A,2023,2023-01-01,2023-12-31,1,4.0,4.0
P-A,(all),2022-01-01,2023-12-31,3,12.5,4.2
P-B,2022,2022-01-01,2022-12-31,1,3.0,3.0
P-B,2023,2023-01-01,2023-12-31,0,0.0,
P-B,(all),2022-01-01,2023-12-31,1,3.0,3.0
(all),2022,2022-01-01,2022-12-31,3,11.5,3.8
(all),2023,2023-01-01,2023-12-31,1,4.0,4.0
(all),(all),2022-01-01,2023-12-31,4,15.5,3.9
X
expect_ok 'reductions by the facility holding the person on the day of
the decision (R15 in P-A since July 2023)' "
	report --from 2022-01-01 --to 2023-12-31 --every year --by facility \
	    reductions >redf.out && test_cmp redf.expected redf.out"

cat >sup.expected <<'X'
status,ward,due,completed,revoked,ended_other,still_open,completed_pct
suspended_sentence,Ward 1,1,1,0,0,0,100.0
non_custodial_reform,Ward 2,1,0,1,0,0,0.0
conditional_release,Ward 1,1,0,0,0,1,0.0
(all),(all),3,1,1,0,1,33.3
X
expect_ok 'supervision due 2023-07-01..2024-06-30: R11 completed, R12
revoked (sent to prison), R13 still running' "
	report --from 2023-07-01 --to 2024-06-30 supervision >sup.out &&
	test_cmp sup.expected sup.out"

cat >com.expected <<'X'
status,ward,persons,violations,persons_violating,monitoring_events
suspended_sentence,Ward 2,1,2,1,0
non_custodial_reform,Ward 2,0,1,1,0
conditional_release,Ward 1,1,0,0,0
(all),(all),2,3,2,0
X
expect_ok 'community: 2 persons now, 3 violations in 2023' "
	report $Y23 community >com.out && test_cmp com.expected com.out"

expect_ok 'training: no enrolment yet, zero counts' "
	rep training | tr -d '\\r' >t.out && grep -qx '(all),0,0,0,0,0,' t.out"
expect_fail 78 'training: a copy of the database without the table, exit 78
and the reason' "
	cp thads.db nt.db && sqlite3 nt.db 'DROP TABLE training' &&
	thads-report -d nt.db --as-of 2024-06-30 training 2>t.err; st=\$?
	grep -q 'no training records' t.err && exit \$st"
cat >training.sql <<'X'
INSERT INTO training (person_id, kind, programme, facility_id, enrolled,
    ended, outcome, created_at, updated_at)
SELECT p.id, t.kind, t.programme, f.id, t.enrolled, t.ended, t.outcome,
    'x', 'x'
FROM (SELECT 'R12' AS who, 'vocational' AS kind, 'welding' AS programme,
        'P-A' AS fac, '2023-07-01' AS enrolled, '2023-12-20' AS ended,
        'completed' AS outcome
    UNION ALL SELECT 'R15', 'vocational', 'welding', 'P-A', '2023-07-10',
        '2023-09-01', 'dropped'
    UNION ALL SELECT 'R16', 'education', 'grade 9', 'P-B', '2023-05-01',
        NULL, NULL
    UNION ALL SELECT 'R15', 'education', 'literacy', 'P-A', '2022-03-01',
        '2022-09-01', 'completed') t
JOIN person p ON p.ext_id = t.who JOIN facility f ON f.code = t.fac;
X
expect_ok 'training: 3 enrolled in 2023,
2 ended (1 completed, 1 dropped), 1 still running on 2024-06-30' "
	cp thads.db tr.db && sqlite3 tr.db <training.sql &&
	thads-report -d tr.db --as-of 2024-06-30 $Y23 -f csv training |
	tr -d '\r' >tr.out &&
	printf '%s\n' \
	    kind,enrolled,active_on_as_of,ended,completed,dropped,completed_pct \
	    education,1,1,0,0,0, vocational,2,0,2,1,1,50.0 \
	    '(all),3,1,2,1,1,50.0' >tr.expected && test_cmp tr.expected tr.out"
# The camera and monitoring tables, from the SQL of their tools'
# migrations (lib/vidschema.c, lib/geodb.c), with a few events.
for f in vidschema.c:thads_schema_vidscan geodb.c:thads_schema_geofence; do
	sed -n "/${f#*:}\[\] =/,/;\$/p" "$SRCDIR/lib/${f%%:*}" |
	    sed -e 1d -e 's/^"//' -e 's/\\n"[;]*$//'
	echo ';'
done >events.sql
cat >>events.sql <<'X'
INSERT INTO vid_camera (id, place, config, created_at, updated_at)
    VALUES ('cam1', 'P-A yard', '{}', 'x', 'x');
INSERT INTO vid_event (camera, zone, type, source, video_start, video_end,
    wall_start, wall_end, created_at) VALUES
    ('cam1', 'z', 'fight', 's', 1, 2, '2023-05-01 14:10:00', 'x', 'x'),
    ('cam1', 'z', 'fight', 's', 3, 4, '2023-05-02 14:50:00', 'x', 'x'),
    ('cam1', 'z', 'smoke', 's', 5, 6, '2023-06-01 02:00:00', 'x', 'x'),
    ('cam1', 'z', 'smoke', 's', 7, 8, '2024-01-01 02:00:00', 'x', 'x');
INSERT INTO geo_zone (id, name, kind, wkt, created_at, updated_at)
    VALUES (1, 'home R14', 'curfew', 'POINT (0 0)', 'x', 'x');
INSERT INTO geo_event (person_id, zone_id, zkey, type, start_ms,
    confirmed_ms, start_at, fixes, confidence, created_at, updated_at)
    SELECT id, 1, 1, 'curfew', 1, 1, '2023-07-10 23:30:00', 5, 0.9, 'x',
    'x' FROM person WHERE ext_id = 'R14';
X
expect_ok 'events, once the tables exist: by source, kind, place, hour' "
	cp thads.db ev.db && sqlite3 ev.db <events.sql &&
	thads-report -d ev.db --as-of 2024-06-30 $Y23 -f csv events |
	tr -d '\r' | cut -d, -f1-4,7,19,28 >ev.out &&
	printf '%s\n' source,kind,place,events,h02,h14,h23 \
	    'camera,fight,P-A yard,2,0,2,0' 'camera,smoke,P-A yard,1,1,0,0' \
	    'monitoring,curfew,home R14,1,0,0,1' >ev.expected &&
	test_cmp ev.expected ev.out"
expect_ok 'community counts the monitoring events of the period' "
	thads-report -d ev.db --as-of 2024-06-30 $Y23 -f csv community |
	tr -d '\r' | sed -n '1p;2p' >cm.out &&
	printf '%s\n' status,ward,persons,violations,persons_violating,monitoring_events \
	    'suspended_sentence,Ward 2,1,2,1,1' >cm.expected &&
	test_cmp cm.expected cm.out"
expect_ok 'events: none yet, the header only' "
	rep events >e.out && [ \$(wc -l <e.out) -eq 1 ]"
expect_fail 78 'events: a copy without the camera and monitoring tables' "
	cp thads.db ne.db &&
	sqlite3 ne.db 'DROP TABLE vid_event; DROP TABLE geo_event' &&
	thads-report -d ne.db --as-of 2024-06-30 events"
cat >due.expected <<'X'
person,facility,release,judgment
R05,P-A,2023-09-30,J05B
R16,P-B,2024-01-31,J16
X
expect_ok 'releases-due on 2023-06-30, the coming twelve months: R05 (7
months from 2023-03-01: last day 2023-09-30) and R16 (a year from
2023-02-01), as the sentence engine computes them' "
	thads-report --as-of 2023-06-30 -f csv --list releases-due |
	tr -d '\r' >due.out && test_cmp due.expected due.out &&
	thads-report --as-of 2023-06-30 -f csv --by facility releases-due |
	tr -d '\r' | grep -e '^P-A,2023-09,' -e '^P-B,2024-01,' \
	    -e '^(all),(all)' | cut -d, -f1,2,5 >dueg.out &&
	printf '%s\n' P-A,2023-09,1 P-B,2024-01,1 '(all),(all),2' \
	    >dueg.expected && test_cmp dueg.expected dueg.out"
expect_ok 'releases-due: R15 (8 years from 2023-01-10 less a 4-month
reduction) is due 2030-09-09; R12, in prison on a non-custodial
judgment, has no release date' "
	thads-report --as-of 2023-06-30 --from 2000-01-01 --to 2040-12-31 \
	    -f csv --list releases-due | tr -d '\r' >wide.out &&
	grep -qx 'R15,P-B,2030-09-09,J15' wide.out && ! grep -q '^R12,' wide.out"

expect_fail 64 'an unknown report' "rep nosuch"
expect_fail 64 'a field the report cannot group by' "
	rep --by result population"
expect_fail 64 'a reversed period' "
	rep --from 2024-01-01 --to 2023-01-01 flow"
expect_fail 64 '--every given to reports without periods' "
	rep --every week population"
expect_fail 64 'two reports in csv' "rep population flow"
expect_fail 64 '--list with --suppress' "
	rep --list --suppress 5 population"
expect_fail 66 'a database that does not exist' "
	thads-report -d nosuch.db population"
expect_ok 'the database is not changed by a report' "
	sum1=\$(sha256sum thads.db) &&
	report $Y23 population >/dev/null && report $Y23 flow >/dev/null &&
	[ \"\$sum1\" = \"\$(sha256sum thads.db)\" ]"

test_done

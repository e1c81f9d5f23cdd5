-- gen.sql: N persons with sentences for the alert benchmark, written
-- straight into a THADS database (the schema made by thads-import).
-- The run script replaces @N@ by the number of persons.  Every person
-- is a pure function of its number i, so the data is the same on every
-- machine.  By i % 20:
--   0-11  serving a fixed term (1 to 8 years and 0 to 11 months) from a
--         day between 2018-06-01 and 2026-01-30; a third with 60 days
--         of pre-trial detention credited, a seventh with a 3-month
--         reduction, four in five classified for the quarter 2026-02-25
--   12-13 pre-trial detention from a day in the 200 before 2026-04-10,
--         with a 90-day order (one in ten without an order)
--   14    temporary custody from a time in the 96 hours before
--         2026-04-10 08:00
--   15-16 a suspended year with 24 months' probation from 2024 on, one
--         in fifty with a violation
--   17    a year of non-custodial reform from 2024 on
--   18-19 a 2-year term served and released before 2024-08
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
BEGIN;
CREATE TEMP TABLE n AS SELECT value AS i, value % 20 AS k,
    date('2018-06-01', '+' || (value % 2800) || ' days') AS d,
    date('2018-06-01', '+' || (value % 1500) || ' days') AS dr,
    date('2024-01-01', '+' || (value % 800) || ' days') AS s,
    date('2026-04-10', '-' || (value % 200) || ' days') AS a
  FROM generate_series(1, @N@);
INSERT INTO person (id, ext_id, birth_date, created_at, updated_at)
  SELECT i + 1000, 'B' || i,
         date('1950-01-01', '+' || (i * 7919 % 18000) || ' days'),
         '2026-04-01T00:00:00Z', '2026-04-01T00:00:00Z' FROM n;
-- Judgments.
INSERT INTO judgment (person_id, number, date, sentence_type, category,
    term_years, term_months, start_date, created_at, updated_at)
  SELECT i + 1000, 'J' || i, d, 'fixed_term', 'serious', 1 + i % 8, i % 12,
         d, 'x', 'x' FROM n WHERE k < 12;
INSERT INTO judgment (person_id, number, date, sentence_type, term_years,
    probation_months, created_at, updated_at)
  SELECT i + 1000, 'J' || i, s, 'suspended', 1, 24, 'x', 'x'
  FROM n WHERE k IN (15, 16);
INSERT INTO judgment (person_id, number, date, sentence_type, term_years,
    start_date, created_at, updated_at)
  SELECT i + 1000, 'J' || i, s, 'non_custodial_reform', 1, s, 'x', 'x'
  FROM n WHERE k = 17;
INSERT INTO judgment (person_id, number, date, sentence_type, term_years,
    start_date, created_at, updated_at)
  SELECT i + 1000, 'J' || i, dr, 'fixed_term', 2, dr, 'x', 'x'
  FROM n WHERE k >= 18;
-- Episodes.
INSERT INTO episode (person_id, facility_id, status, admitted, released,
    release_reason, judgment_number, created_at, updated_at)
  SELECT i + 1000, (SELECT id FROM facility WHERE code = 'TG-BENCH'),
         CASE WHEN k < 12 THEN 'serving'
              WHEN k < 14 THEN 'pretrial_detention'
              WHEN k = 14 THEN 'temporary_custody'
              WHEN k < 17 THEN 'suspended_sentence'
              WHEN k = 17 THEN 'non_custodial_reform'
              ELSE 'serving' END,
         CASE WHEN k < 12 THEN d || ' 08:00:00'
              WHEN k < 14 THEN a || ' 09:00:00'
              WHEN k = 14 THEN datetime('2026-04-10 08:00:00',
                  '-' || (i % 96) || ' hours')
              WHEN k < 18 THEN s || ' 10:00:00'
              ELSE dr || ' 08:00:00' END,
         CASE WHEN k >= 18 THEN date(dr, '+730 days') || ' 08:00:00' END,
         CASE WHEN k >= 18 THEN 'sentence_served' END,
         CASE WHEN k < 12 OR k >= 15 THEN 'J' || i END, 'x', 'x'
  FROM n;
INSERT INTO episode (person_id, facility_id, status, admitted, released,
    release_reason, judgment_number, created_at, updated_at)
  SELECT i + 1000, (SELECT id FROM facility WHERE code = 'TG-BENCH'),
         'pretrial_detention', date(d, '-60 days') || ' 08:00:00',
         d || ' 08:00:00', 'measure_changed', 'J' || i, 'x', 'x'
  FROM n WHERE k < 12 AND i % 3 = 0;
-- Orders, reductions, classifications, violations.
INSERT INTO detention_order (person_id, number, start_date, end_date,
    category, stage, created_at, updated_at)
  SELECT i + 1000, 'LTG-' || i, a, date(a, '+89 days'), 'serious',
         'investigation', 'x', 'x' FROM n WHERE k IN (12, 13) AND i % 10 != 2;
INSERT INTO reduction (person_id, decision, date, months, judgment_number,
    created_at, updated_at)
  SELECT i + 1000, 'GG-' || i, date(d, '+400 days'), 3, 'J' || i, 'x', 'x'
  FROM n WHERE k < 12 AND i % 7 = 0;
INSERT INTO classification (person_id, period, period_end, result,
    created_at, updated_at)
  SELECT i + 1000, 'quarter', '2026-02-25', 'good', 'x', 'x'
  FROM n WHERE k < 12 AND i % 5 != 0;
INSERT INTO violation (person_id, date, kind, created_at, updated_at)
  SELECT i + 1000, date(s, '+30 days'), 'curfew', 'x', 'x'
  FROM n WHERE k IN (15, 16) AND i % 50 = 15;
COMMIT;
ANALYZE;

-- selections.sql: the alert pass of thads-alert as plain SQL, for the
-- benchmark: the same rules on the same data as of 2026-04-10 08:00,
-- written for the shapes gen.sql makes (one judgment per person, no
-- sentences in a row, credit from episodes that name the judgment).
-- It ends by counting the alerts by rule, which run compares with
-- thads-alert's.  Months are added with the month-end rule as the
-- engine does: date(S, '+N months') overflows past a short month, and
-- then 'start of month', '-1 day' gives that month's last day.
PRAGMA temp_store = MEMORY;
PRAGMA cache_size = -400000;
CREATE TEMP TABLE alerts (person INTEGER, rule TEXT, date TEXT);

CREATE TEMP TABLE held AS
  SELECT person_id, status, admitted, judgment_number FROM episode
  WHERE deleted_at IS NULL AND substr(admitted, 1, 10) <= '2026-04-10'
    AND (released IS NULL OR substr(released, 1, 10) > '2026-04-10');

-- Detention: the latest order of each person held in detention.
INSERT INTO alerts
  SELECT person_id, CASE WHEN e IS NULL THEN 'detention_no_order'
                         WHEN e < '2026-04-10' THEN 'detention_expired'
                         ELSE 'detention_expiring' END,
         coalesce(e, substr(admitted, 1, 10))
  FROM (SELECT h.person_id, h.admitted, (SELECT max(end_date)
          FROM detention_order o WHERE o.person_id = h.person_id
            AND o.deleted_at IS NULL) AS e
        FROM held h WHERE h.status = 'pretrial_detention')
  WHERE e IS NULL OR e < '2026-04-10'
     OR julianday(e) - julianday('2026-04-10') <= 15;

-- Custody: 72 hours from the admission, from 12 hours before.
INSERT INTO alerts
  SELECT person_id, 'custody_ending', date(admitted, '+72 hours')
  FROM held WHERE status = 'temporary_custody'
    AND datetime(admitted, '+60 hours') <= '2026-04-10 08:00:00';

-- Serving: start, term, reductions, credit, release, eligibility.
CREATE TEMP TABLE sv AS
  SELECT h.person_id AS p, h.admitted AS adm, j.start_date AS S,
         12 * j.term_years + coalesce(j.term_months, 0) AS M,
         coalesce((SELECT sum(r.months) FROM reduction r
             WHERE r.person_id = h.person_id
               AND r.judgment_number = j.number), 0) AS RM,
         coalesce((SELECT sum(julianday(substr(e.released, 1, 10)) -
             julianday(substr(e.admitted, 1, 10))) FROM episode e
             WHERE e.person_id = h.person_id AND e.judgment_number = j.number
               AND e.status IN ('pretrial_detention', 'temporary_custody')
               AND e.released IS NOT NULL), 0) AS C,
         (SELECT count(*) FROM reduction r WHERE r.person_id = h.person_id
             AND r.date BETWEEN '2026-01-01' AND '2026-12-31') AS R2026,
         (SELECT birth_date FROM person WHERE id = h.person_id) AS B
  FROM held h JOIN judgment j ON j.person_id = h.person_id
       AND j.number = h.judgment_number
  WHERE h.status = 'serving';
CREATE TEMP TABLE sv2 AS
  SELECT p, adm, S, C, R2026, B,
         CASE WHEN strftime('%d', date(S, '+' || M || ' months')) =
                   strftime('%d', S) THEN date(S, '+' || M || ' months')
              ELSE date(S, '+' || M || ' months', 'start of month',
                  '-1 day') END AS E0,
         CASE WHEN strftime('%d', date(S, '+' || (M - RM) || ' months')) =
                   strftime('%d', S) THEN date(S, '+' || (M - RM) || ' months')
              ELSE date(S, '+' || (M - RM) || ' months', 'start of month',
                  '-1 day') END AS E1,
         CASE WHEN strftime('%d', date(B, '+840 months')) =
                   strftime('%d', B) THEN date(B, '+840 months')
              ELSE date(B, '+840 months', 'start of month', '-1 day')
              END AS B70
  FROM sv;
CREATE TEMP TABLE sv3 AS
  SELECT p, adm, R2026, date(E1, '-' || (1 + C) || ' days') AS rel,
         date(julianday(S) + (CAST(julianday(E0) - julianday(S) AS INTEGER)
             + 2) / 3 - C) AS X,
         date(julianday(S) + (CAST(julianday(E0) - julianday(S) AS INTEGER)
             + 1) / 2 - C) AS XH,
         max(date(julianday(S) + (CAST(julianday(E0) - julianday(S)
             AS INTEGER) + 2) / 3 - C), B70) AS X70
  FROM sv2;
INSERT INTO alerts
  SELECT p, 'release_due', rel FROM sv3
  WHERE rel < '2026-04-10' OR julianday(rel) - julianday('2026-04-10') <= 15;
INSERT INTO alerts
  SELECT p, 'release_preparation', rel FROM sv3
  WHERE julianday(rel) - julianday('2026-04-10') > 15
    AND CASE WHEN strftime('%d', date(rel, '-2 months')) =
                  strftime('%d', rel) THEN date(rel, '-2 months')
             ELSE date(rel, '-2 months', 'start of month', '-1 day')
             END <= '2026-04-10';
-- The next round is 2026-04-30 (Tet 2026 was 02-17); its lead of 30
-- days started 2026-03-31.
INSERT INTO alerts
  SELECT p, 'reduction_round', '2026-04-30' FROM sv3
  WHERE X <= '2026-04-30' AND rel > '2026-04-30' AND R2026 = 0;
INSERT INTO alerts
  SELECT p, 'early_release_review', '2026-04-30' FROM sv3
  WHERE min(XH, X70) <= '2026-04-30' AND rel > '2026-04-30';
-- Classification: the quarter closed 2026-02-25; the one before closed
-- 2025-11-25; the next closes 2026-05-25, outside its 10-day lead.
INSERT INTO alerts
  SELECT person_id, 'classification_due', '2026-02-25' FROM held
  WHERE status = 'serving' AND substr(admitted, 1, 10) <= '2025-11-25'
    AND NOT EXISTS (SELECT 1 FROM classification k
      WHERE k.person_id = held.person_id AND k.period_end = '2026-02-25'
        AND k.deleted_at IS NULL);

-- Community sentences: the end, with 15 days' lead; violations.
INSERT INTO alerts
  SELECT person_id, 'completion_missing', e FROM (
    SELECT h.person_id, date(CASE WHEN strftime('%d', date(
        coalesce(j.start_date, j.date), '+' || CASE WHEN h.status =
        'suspended_sentence' THEN j.probation_months ELSE 12 *
        j.term_years END || ' months')) = strftime('%d',
        coalesce(j.start_date, j.date)) THEN date(coalesce(j.start_date,
        j.date), '+' || CASE WHEN h.status = 'suspended_sentence' THEN
        j.probation_months ELSE 12 * j.term_years END || ' months') ELSE
        date(coalesce(j.start_date, j.date), '+' || CASE WHEN h.status =
        'suspended_sentence' THEN j.probation_months ELSE 12 *
        j.term_years END || ' months', 'start of month', '-1 day') END,
        '-1 day') AS e
    FROM held h JOIN judgment j ON j.person_id = h.person_id
         AND j.number = h.judgment_number
    WHERE h.status IN ('suspended_sentence', 'non_custodial_reform'))
  WHERE julianday(e) - julianday('2026-04-10') <= 15;
INSERT INTO alerts
  SELECT h.person_id, 'em_proposal', min(v.date)
  FROM held h JOIN violation v ON v.person_id = h.person_id
  WHERE h.status IN ('suspended_sentence', 'non_custodial_reform',
        'conditional_release', 'residence_ban', 'probation')
    AND v.date >= substr(h.admitted, 1, 10) AND v.date <= '2026-04-10'
  GROUP BY h.person_id;

-- Record clearance: a 2-year prison term served, nobody held; 2 years'
-- wait from the day after the release.
INSERT INTO alerts
  SELECT person_id, 'record_clearance', c FROM (
    SELECT j.person_id, CASE WHEN strftime('%d', date(r, '+24 months')) =
        strftime('%d', r) THEN date(r, '+24 months') ELSE date(r,
        '+24 months', 'start of month', '-1 day') END AS c
    FROM (SELECT person_id, CASE WHEN strftime('%d', date(start_date,
              '+24 months')) = strftime('%d', start_date) THEN
              date(start_date, '+24 months') ELSE date(start_date,
              '+24 months', 'start of month', '-1 day') END AS r
          FROM judgment WHERE sentence_type = 'fixed_term'
            AND term_years = 2 AND coalesce(term_months, 0) = 0) j
    WHERE j.person_id NOT IN (SELECT person_id FROM held))
  WHERE c <= '2026-04-10';

SELECT rule, count(*) FROM alerts GROUP BY rule ORDER BY rule;

-- community sentences due to end from 2024-07-01 to 2025-06-30 (their
-- last day by calendar months, clamped to the month's end as thads-report
-- does), and how they ended: revoked by a return to custody, completed,
-- ended otherwise, or still open on 2025-06-30.
WITH s AS (
  SELECT e.person_id, e.judgment_number AS j, min(e.admitted) AS first,
    coalesce(min(jg.start_date), date(min(e.admitted))) AS start,
    e.status, max(e.admitted) AS lastadm,
    max(jg.probation_months) AS prob, max(jg.release_date_ext) AS ext,
    max(jg.term_years) AS y, max(jg.term_months) AS m,
    max(jg.term_days) AS dd
  FROM episode e LEFT JOIN judgment jg ON jg.person_id = e.person_id
    AND jg.number = e.judgment_number AND jg.deleted_at IS NULL
  WHERE e.deleted_at IS NULL AND (e.status = 'suspended_sentence'
      OR e.status = 'non_custodial_reform'
      OR e.status = 'conditional_release' OR e.status = 'residence_ban'
      OR e.status = 'probation')
  GROUP BY e.person_id, coalesce(e.judgment_number, e.id)),
n AS (
  SELECT s.*, CASE
      WHEN status = 'conditional_release' AND ext IS NOT NULL THEN ext
      WHEN (status = 'suspended_sentence' OR status = 'conditional_release')
        AND prob > 0 THEN prob
      WHEN status = 'suspended_sentence' OR status = 'conditional_release'
        OR (y IS NULL AND m IS NULL AND dd IS NULL) THEN NULL
      ELSE coalesce(y, 0) * 12 + coalesce(m, 0) END AS months
  FROM s),
d AS (
  SELECT n.*, CASE WHEN months IS NULL THEN NULL
      WHEN typeof(months) = 'text' THEN months
      ELSE date(CASE WHEN strftime('%d', date(start, '+' || months
          || ' months')) <> strftime('%d', start)
        THEN date(start, '+' || months || ' months', 'start of month',
          '-1 day')
        ELSE date(start, '+' || months || ' months') END,
        (CASE WHEN status = 'suspended_sentence'
          OR status = 'conditional_release' THEN 0
          ELSE coalesce(dd, 0) END - 1) || ' days') END AS due
  FROM n),
o AS (
  SELECT d.*, l.released, l.release_reason, f.ward,
    (SELECT min(x.admitted) FROM episode x WHERE x.person_id = d.person_id
      AND x.admitted > d.first AND x.deleted_at IS NULL
      AND (x.status = 'pretrial_detention' OR x.status = 'serving'
        OR x.status = 'awaiting_execution')) AS back
  FROM d JOIN episode l ON l.person_id = d.person_id
    AND l.admitted = d.lastadm
  JOIN facility f ON f.id = l.facility_id
  WHERE due >= '2024-07-01' AND due <= '2025-06-30')
SELECT status, ward, count(*),
  sum(CASE WHEN back IS NOT NULL AND date(back) <= coalesce(date(released),
    '2025-06-30') THEN 0 WHEN released IS NOT NULL AND (release_reason
    = 'sentence_served' OR release_reason = 'reduction'
    OR release_reason = 'amnesty') THEN 1 ELSE 0 END),
  sum(back IS NOT NULL AND date(back) <= coalesce(date(released),
    '2025-06-30'))
FROM o GROUP BY 1, 2 ORDER BY 1, 2;

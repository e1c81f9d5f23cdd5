-- population as of 2025-06-30, the long table: what thads-report
-- population computes, in plain SQL.
WITH held AS MATERIALIZED (
  SELECT e.status, coalesce(e.custody_level, 'none') AS level,
    f.code AS facility, coalesce(p.sex, 'unknown') AS sex,
    CASE WHEN p.birth_date IS NULL THEN NULL
      ELSE 2025 - CAST(substr(p.birth_date, 1, 4) AS INTEGER)
        - ('06-30' < substr(p.birth_date, 6, 5)) END AS age,
    j.sentence_type AS stype,
    coalesce(j.term_years, 0) * 12 + coalesce(j.term_months, 0)
      + coalesce(j.term_days, 0) / 30 AS term
  FROM episode e JOIN facility f ON f.id = e.facility_id
  JOIN person p ON p.id = e.person_id AND p.deleted_at IS NULL
  LEFT JOIN judgment j ON j.person_id = e.person_id
    AND j.number = e.judgment_number AND j.deleted_at IS NULL
  WHERE e.deleted_at IS NULL AND e.admitted < '2025-07-01'
    AND (e.released IS NULL OR e.released >= '2025-07-01')
    AND NOT EXISTS (SELECT 1 FROM episode x
      WHERE x.person_id = e.person_id AND x.admitted > e.admitted
      AND x.admitted < '2025-07-01'
      AND (x.released IS NULL OR x.released >= '2025-07-01')
      AND x.deleted_at IS NULL)),
n AS (SELECT count(*) AS n FROM held),
t AS (
  SELECT 'facility' AS d, facility AS v FROM held
  UNION ALL SELECT 'status', status FROM held
  UNION ALL SELECT 'custody_level', level FROM held
  UNION ALL SELECT 'sex', sex FROM held
  UNION ALL SELECT 'age_band', CASE WHEN age IS NULL THEN 'unknown'
    WHEN age <= 17 THEN '0-17' WHEN age <= 24 THEN '18-24'
    WHEN age <= 34 THEN '25-34' WHEN age <= 44 THEN '35-44'
    WHEN age <= 54 THEN '45-54' WHEN age <= 64 THEN '55-64'
    ELSE '65+' END FROM held
  UNION ALL SELECT 'sentence_band', CASE WHEN stype IS NULL
    THEN 'unsentenced' WHEN stype = 'life' OR stype = 'death' THEN stype
    WHEN stype <> 'fixed_term' THEN 'non_custodial'
    WHEN term <= 36 THEN '0-3y' WHEN term <= 84 THEN '3-7y'
    WHEN term <= 180 THEN '7-15y' WHEN term <= 240 THEN '15-20y'
    ELSE '20-30y' END FROM held)
SELECT d, v, count(*), printf('%.1f', 100.0 * count(*) / n.n)
FROM t, n GROUP BY d, v
UNION ALL SELECT '(all)', '(all)', n, '100.0' FROM n;

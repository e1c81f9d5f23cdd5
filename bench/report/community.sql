-- community sentences: persons on them at the end of 2025-06-30, and
-- the violations from 2024-07-01 to 2025-06-30, by the status and ward
-- of the episode supervising the person on the day of the violation.
WITH held AS (
  SELECT e.status, coalesce(f.ward, 'unknown') AS ward FROM episode e
  JOIN facility f ON f.id = e.facility_id
  JOIN person p ON p.id = e.person_id AND p.deleted_at IS NULL
  WHERE e.deleted_at IS NULL AND (e.status = 'suspended_sentence'
      OR e.status = 'non_custodial_reform'
      OR e.status = 'conditional_release' OR e.status = 'residence_ban'
      OR e.status = 'probation')
    AND e.admitted < '2025-07-01'
    AND (e.released IS NULL OR e.released >= '2025-07-01')
    AND NOT EXISTS (SELECT 1 FROM episode x WHERE x.person_id = e.person_id
      AND x.admitted > e.admitted AND x.admitted < '2025-07-01'
      AND (x.released IS NULL OR x.released >= '2025-07-01')
      AND x.deleted_at IS NULL AND (x.status = 'suspended_sentence'
        OR x.status = 'non_custodial_reform'
        OR x.status = 'conditional_release'
        OR x.status = 'residence_ban' OR x.status = 'probation'))),
vio AS (
  SELECT coalesce(e.status, 'unknown') AS status,
    coalesce(f.ward, 'unknown') AS ward, v.person_id
  FROM violation v JOIN person p ON p.id = v.person_id
    AND p.deleted_at IS NULL
  LEFT JOIN episode e ON e.id = (SELECT x.id FROM episode x
    WHERE x.person_id = v.person_id
    AND x.admitted < date(v.date, '+1 day')
    AND (x.released IS NULL OR x.released >= date(v.date, '+1 day'))
    AND x.deleted_at IS NULL ORDER BY x.admitted DESC LIMIT 1)
  LEFT JOIN facility f ON f.id = e.facility_id
  WHERE v.deleted_at IS NULL AND v.date >= '2024-07-01'
    AND v.date < '2025-07-01'),
g AS (SELECT status, ward, 1 AS p, 0 AS v, NULL AS who FROM held
  UNION ALL SELECT status, ward, 0, 1, person_id FROM vio)
SELECT status, ward, sum(p), sum(v), count(DISTINCT who) FROM g
GROUP BY 1, 2;

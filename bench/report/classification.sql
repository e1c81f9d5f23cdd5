-- classification results whose quarter closed from 2024-07-01 to
-- 2025-06-30, by the facility holding the person that day.
SELECT c.period_end, c.period, coalesce(f.code, 'unknown'), count(*),
  sum(c.result = 'good'), sum(c.result = 'fair'),
  sum(c.result = 'average'), sum(c.result = 'poor')
FROM classification c
JOIN person p ON p.id = c.person_id AND p.deleted_at IS NULL
LEFT JOIN episode e ON e.id = (SELECT x.id FROM episode x
  WHERE x.person_id = c.person_id
  AND x.admitted < date(c.period_end, '+1 day')
  AND (x.released IS NULL OR x.released >= date(c.period_end, '+1 day'))
  AND x.deleted_at IS NULL ORDER BY x.admitted DESC LIMIT 1)
LEFT JOIN facility f ON f.id = e.facility_id
WHERE c.deleted_at IS NULL AND c.period_end >= '2024-07-01'
  AND c.period_end < '2025-07-01'
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

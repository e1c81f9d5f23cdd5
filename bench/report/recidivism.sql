-- recidivism of those released from 2021-07-01 to 2022-06-30, as of
-- 2025-06-30: the cohort (each person at the first release that ends a
-- stay, not from a temporary hold, not for transfer, death or escape),
-- those followed for a whole window, and those back in custody (not a
-- temporary hold) within 1, 2 and 3 years.
WITH r AS (
  SELECT e.person_id, e.released, row_number() OVER (
      PARTITION BY e.person_id ORDER BY e.released, e.id) AS k
  FROM episode e JOIN person p ON p.id = e.person_id
    AND p.deleted_at IS NULL
  WHERE e.deleted_at IS NULL AND e.released >= '2021-07-01'
    AND e.released < '2022-07-01'
    AND (e.status = 'pretrial_detention' OR e.status = 'serving'
      OR e.status = 'awaiting_execution')
    AND (e.release_reason IS NULL OR (e.release_reason <> 'transfer'
      AND e.release_reason <> 'death' AND e.release_reason <> 'escape'))),
c AS (
  SELECT date(released) AS d, (SELECT min(x.admitted) FROM episode x
      WHERE x.person_id = r.person_id AND x.admitted > r.released
      AND x.deleted_at IS NULL AND (x.status = 'pretrial_detention'
        OR x.status = 'serving' OR x.status = 'awaiting_execution')
      AND x.admitted < '2025-07-01') AS back
  FROM r WHERE k = 1),
w AS (
  SELECT back, CASE WHEN substr(d, 6, 5) = '02-29'
      THEN date(d, '-1 day', '+1 year') ELSE date(d, '+1 year') END AS y1,
    CASE WHEN substr(d, 6, 5) = '02-29'
      THEN date(d, '-1 day', '+2 years') ELSE date(d, '+2 years') END AS y2,
    CASE WHEN substr(d, 6, 5) = '02-29'
      THEN date(d, '-1 day', '+3 years') ELSE date(d, '+3 years') END AS y3
  FROM c)
SELECT count(*),
  sum(y1 <= '2025-06-30'), sum(date(back) <= y1),
  sum(y2 <= '2025-06-30'), sum(date(back) <= y2),
  sum(y3 <= '2025-06-30'), sum(date(back) <= y3)
FROM w;

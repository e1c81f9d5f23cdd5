-- stay: lengths of the stays released from 2024-07-01 to 2025-06-30
-- (walking back through transfers to the stay's first day), and the
-- days served so far by those held on 2025-06-30; count, mean,
-- quartiles (type 7), min, max.
WITH RECURSIVE
ends AS (
  SELECT e.id, e.person_id, e.admitted, e.released FROM episode e
  WHERE e.deleted_at IS NULL AND e.released >= '2024-07-01'
    AND e.released < '2025-07-01'
    AND (e.status = 'temporary_custody' OR e.status = 'pretrial_detention'
      OR e.status = 'serving' OR e.status = 'awaiting_execution')
    AND NOT (e.release_reason = 'transfer' AND coalesce((SELECT
        n.admitted < date(e.released, '+2 days')
      FROM episode n WHERE n.person_id = e.person_id
        AND n.admitted > e.admitted AND n.deleted_at IS NULL
        AND (n.status = 'temporary_custody'
          OR n.status = 'pretrial_detention' OR n.status = 'serving'
          OR n.status = 'awaiting_execution')
      ORDER BY n.admitted LIMIT 1), 0))
  UNION ALL
  SELECT e.id, e.person_id, e.admitted, '2025-06-30' FROM episode e
  WHERE e.deleted_at IS NULL AND e.admitted < '2025-07-01'
    AND (e.released IS NULL OR e.released >= '2025-07-01')
    AND (e.status = 'temporary_custody' OR e.status = 'pretrial_detention'
      OR e.status = 'serving' OR e.status = 'awaiting_execution')
    AND NOT EXISTS (SELECT 1 FROM episode x
      WHERE x.person_id = e.person_id AND x.admitted > e.admitted
      AND x.admitted < '2025-07-01'
      AND (x.released IS NULL OR x.released >= '2025-07-01')
      AND x.deleted_at IS NULL)),
walk (id, person_id, admitted, released) AS (
  SELECT id, person_id, admitted, released FROM ends
  UNION ALL
  SELECT w.id, w.person_id, p.admitted, w.released FROM walk w
  JOIN episode p ON p.id = (SELECT x.id FROM episode x
    WHERE x.person_id = w.person_id AND x.admitted < w.admitted
    AND x.deleted_at IS NULL AND (x.status = 'temporary_custody'
      OR x.status = 'pretrial_detention' OR x.status = 'serving'
      OR x.status = 'awaiting_execution')
    ORDER BY x.admitted DESC LIMIT 1)
  WHERE p.release_reason = 'transfer'
    AND w.admitted < date(p.released, '+2 days')),
len AS (
  SELECT CASE WHEN released = '2025-06-30' THEN 'in_custody'
      ELSE 'released' END AS m,
    CAST(julianday(date(released)) - julianday(date(min(admitted)))
      AS INTEGER) AS d
  FROM walk GROUP BY id),
o AS (SELECT m, d, row_number() OVER (PARTITION BY m ORDER BY d) - 1 AS k,
  count(*) OVER (PARTITION BY m) AS n FROM len),
q AS (SELECT m, n, k, d, lead(d) OVER (PARTITION BY m ORDER BY k) AS nd
  FROM o)
SELECT m, n, printf('%.1f', (SELECT avg(d) FROM len WHERE len.m = q.m)),
  printf('%.1f', (SELECT d + ((n - 1) * 0.25 - k) * (coalesce(nd, d) - d)
    FROM q q2 WHERE q2.m = q.m AND k = CAST((n - 1) * 0.25 AS INTEGER))),
  printf('%.1f', (SELECT d + ((n - 1) * 0.5 - k) * (coalesce(nd, d) - d)
    FROM q q2 WHERE q2.m = q.m AND k = CAST((n - 1) * 0.5 AS INTEGER))),
  printf('%.1f', (SELECT d + ((n - 1) * 0.75 - k) * (coalesce(nd, d) - d)
    FROM q q2 WHERE q2.m = q.m AND k = CAST((n - 1) * 0.75 AS INTEGER))),
  (SELECT min(d) FROM len WHERE len.m = q.m),
  (SELECT max(d) FROM len WHERE len.m = q.m)
FROM q WHERE k = 0 ORDER BY m DESC;

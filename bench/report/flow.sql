-- flow from 2024-07-01 to 2025-06-30 by month: stays admitted and
-- released, releases by reason, transfers joined into stays.
WITH adm AS (
  SELECT substr(e.admitted, 1, 7) AS m FROM episode e
  WHERE e.deleted_at IS NULL AND e.admitted >= '2024-07-01'
    AND e.admitted < '2025-07-01'
    AND (e.status = 'temporary_custody' OR e.status = 'pretrial_detention'
      OR e.status = 'serving' OR e.status = 'awaiting_execution')
    AND NOT coalesce((SELECT p.release_reason = 'transfer'
        AND p.released IS NOT NULL
        AND e.admitted < date(p.released, '+2 days')
      FROM episode p WHERE p.person_id = e.person_id
        AND p.admitted < e.admitted AND p.deleted_at IS NULL
        AND (p.status = 'temporary_custody'
          OR p.status = 'pretrial_detention' OR p.status = 'serving'
          OR p.status = 'awaiting_execution')
      ORDER BY p.admitted DESC LIMIT 1), 0)),
rel AS (
  SELECT substr(e.released, 1, 7) AS m,
    coalesce(e.release_reason, 'unknown') AS r FROM episode e
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
      ORDER BY n.admitted LIMIT 1), 0))),
ev AS (SELECT m, 'a' AS k, NULL AS r FROM adm
  UNION ALL SELECT m, 'r', r FROM rel)
SELECT m, sum(k = 'a'), sum(k = 'r'),
  sum(r = 'sentence_served'), sum(r = 'reduction'), sum(r = 'amnesty'),
  sum(r = 'conditional_release'), sum(r = 'transfer'), sum(r = 'death'),
  sum(r = 'acquitted'), sum(r = 'charges_dropped'), sum(r = 'bail'),
  sum(r = 'measure_changed'), sum(r = 'escape'), sum(r = 'other'),
  sum(r = 'unknown')
FROM ev GROUP BY m ORDER BY m;

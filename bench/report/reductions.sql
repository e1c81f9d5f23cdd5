-- reduction decisions from 2024-07-01 to 2025-06-30 per month, and the
-- time reduced in months of 30 days.
SELECT substr(r.date, 1, 7), count(*),
  printf('%.1f', sum(360 * coalesce(r.years, 0) + 30 * coalesce(r.months, 0)
    + coalesce(r.days, 0)) / 30.0)
FROM reduction r JOIN person p ON p.id = r.person_id
  AND p.deleted_at IS NULL
WHERE r.deleted_at IS NULL AND r.date >= '2024-07-01'
  AND r.date < '2025-07-01'
GROUP BY 1 ORDER BY 1;

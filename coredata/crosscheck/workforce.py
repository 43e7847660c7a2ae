"""The cross-check query of W2 (turnover), on staff rows rather than children."""

from __future__ import annotations

W2 = """
-- W2 Turnover rate: FTE of employed (not agency) workers who left in the 12 months
-- ending at R (R - 12 months + 1 day to R) / employed FTE in post at R; for the
-- organisation, each service and each team (none for practitioners or Unallocated).
WITH staff_rows AS (  -- numbered in a fixed order (a worker has one row per start date)
    SELECT row_number() OVER (ORDER BY worker_id, start_date, team_code) AS id, worker_id,
           team_code, coalesce(fte, 0) AS fte, start_date, end_date,
           coalesce(agency, false) AS agency
    FROM staff WHERE start_date IS NOT NULL
),
-- A row ending on a day is followed by the same worker the next day (a move between
-- teams): such a row is still in post on its last day.
carries_on AS (
    SELECT s.id FROM staff_rows s
    WHERE s.end_date IS NOT NULL AND EXISTS (
        SELECT 1 FROM staff_rows o
        WHERE o.worker_id = s.worker_id AND o.id <> s.id
          AND o.start_date <= s.end_date + 1
          AND (o.end_date IS NULL OR o.end_date >= s.end_date + 1))
),
-- In post at R: started on or before R, not ended before R, and a row ending on R
-- only when the worker carries on (what ends on R is not open at R, Resolved detail 12).
in_post AS (
    SELECT s.id, r.r AS reference_date, s.fte
    FROM staff_rows s
    JOIN reference_dates r
      ON s.start_date <= r.r
     AND (s.end_date IS NULL OR s.end_date > r.r
          OR (s.end_date = r.r AND s.id IN (SELECT id FROM carries_on)))
    WHERE NOT s.agency
),
-- A leaver: a worker's last row (latest end, an open row latest; then latest start) has
-- ended and is not an agency row (Resolved detail 27); counted for that row's team.
last_rows AS (
    SELECT * FROM staff_rows WHERE worker_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY worker_id
        ORDER BY end_date DESC NULLS FIRST, start_date DESC, id DESC) = 1
),
left_by_r AS (
    SELECT l.id, r.r AS reference_date, l.fte
    FROM last_rows l
    JOIN reference_dates r
      ON l.end_date BETWEEN r.r - INTERVAL 12 MONTH + INTERVAL 1 DAY AND r.r
    WHERE NOT l.agency
),
-- Each staff row counts for the organisation, its team's service and its team.
row_units AS (
    SELECT id, 'organisation' AS unit_type, getvariable('la_code') AS unit_code
    FROM staff_rows
    UNION ALL
    SELECT s.id, 'service', t.service_code
    FROM staff_rows s JOIN (SELECT DISTINCT team_code, service_code FROM teams) t
      USING (team_code)
    WHERE t.service_code IS NOT NULL
    UNION ALL
    SELECT id, 'team', team_code FROM staff_rows WHERE team_code IS NOT NULL
),
denominators AS (
    SELECT u.unit_type, u.unit_code, i.reference_date, sum(i.fte) AS fte
    FROM in_post i JOIN row_units u USING (id) GROUP BY ALL
),
numerators AS (
    SELECT u.unit_type, u.unit_code, l.reference_date, sum(l.fte) AS fte
    FROM left_by_r l JOIN row_units u USING (id) GROUP BY ALL
)
SELECT d.unit_type, d.unit_code, 'W2', '', p.period_start, p.period_end,
       coalesce(n.fte, 0), d.fte, coalesce(n.fte, 0) * 100.0 / d.fte
FROM denominators d
LEFT JOIN numerators n USING (unit_type, unit_code, reference_date)
JOIN periods p ON p.period_end = d.reference_date
WHERE d.fte > 0
"""

"""The SQL views the cross-check queries share, over the input frames that `run.connect`
registers: the periods, who held a child on a date, periods of care, placements, the
plans of the four tiers, the reference dates and each period's population.

Written from INDICATORS.md, not from the engine: "Terms", "Attribution", "Plans", O2's
definition of a placement and Resolved details 5, 10, 11, 12, 14 and 16.
"""

from __future__ import annotations

# The periods ("Terms", Resolved details 10 and 11), derived here from the contract, not
# taken from the engine's period table, so that a wrong bound there shows up as a
# difference: every month end R from the first to the last month end computed; a month
# (its first day to R), a quarter (the calendar quarter ending at R: the financial
# year's quarters), a financial year (1 April to R = 31 March) and the 12 months ending
# at R (R - 12 months + 1 day, DuckDB clipping at month ends: the 12 months ending 28
# February 2025 start on 29 February 2024, those ending 29 February 2024 on 1 March
# 2023). A period is its start and end: the 12 months ending in March, being the
# financial year, is one period.
PERIODS = """
CREATE VIEW periods AS
WITH month_ends AS (
    SELECT CAST(last_day(m) AS DATE) AS r
    FROM generate_series(CAST(date_trunc('month', getvariable('first_month_end')) AS DATE),
                         CAST(getvariable('last_month_end') AS DATE), INTERVAL 1 MONTH) AS t(m)
)
SELECT DISTINCT period_start, period_end FROM (
    SELECT CAST(date_trunc('month', r) AS DATE) AS period_start, r AS period_end
    FROM month_ends
    UNION ALL
    SELECT CAST(date_trunc('quarter', r) AS DATE), r FROM month_ends
    WHERE month(r) IN (3, 6, 9, 12)
    UNION ALL
    SELECT make_date(year(r) - 1, 4, 1), r FROM month_ends WHERE month(r) = 3
    UNION ALL
    SELECT CAST(r - INTERVAL 12 MONTH + INTERVAL 1 DAY AS DATE), r FROM month_ends
)
"""

# Who held a child on a date (Attribution, Resolved detail 5): each allocation with its
# team's service. Start and end are inclusive; an open end never ends.
ALLOCATIONS_HELD = """
CREATE VIEW allocations_held AS
SELECT a.child_id, a.worker_id, a.team_code, t.service_code, a.start_date,
       coalesce(a.end_date, DATE '9999-12-31') AS end_date
FROM allocations a
LEFT JOIN (SELECT DISTINCT team_code, service_code FROM teams) t USING (team_code)
WHERE a.child_id IS NOT NULL AND a.start_date IS NOT NULL
"""

# Periods of care (Resolved detail 2 and 14): a child's episodes in start order; a new
# period begins at the child's first episode and at every episode with RNE S, and ends
# at the DEC of its last episode (open while that is open). Short breaks only: every
# episode has legal status V3 or V4. `begun_by_s`: its first episode has RNE S.
CARE_PERIODS = """
CREATE VIEW care_periods AS
WITH ordered AS (
    SELECT *, row_number() OVER (PARTITION BY child_id ORDER BY decom) AS n
    FROM care_episodes WHERE child_id IS NOT NULL AND decom IS NOT NULL
),
numbered AS (
    SELECT *, sum(CASE WHEN n = 1 OR rne = 'S' THEN 1 ELSE 0 END)
              OVER (PARTITION BY child_id ORDER BY n) AS care_number
    FROM ordered
)
SELECT child_id, care_number,
       min(decom) AS start,
       -- the last episode's DEC, NULL while it is open (the _null variants keep NULLs)
       arg_max_null(dec, n) AS "end",
       bool_and(coalesce(ls IN ('V3', 'V4'), false)) AS short_breaks,
       coalesce(arg_min_null(rne, n) = 'S', false) AS begun_by_s
FROM numbered GROUP BY child_id, care_number
"""

# Placements (O2): a run of a child's episodes in which each one after the first has RNE
# L, T or U and starts on the previous episode's DEC; any other episode starts a new
# placement (RNE S, P or B among them). A placement carries the short-breaks flag of
# the period of care it belongs to (a placement never spans two: S starts both).
PLACEMENTS = """
CREATE VIEW placements AS
WITH ordered AS (
    SELECT *, row_number() OVER (PARTITION BY child_id ORDER BY decom) AS n,
           lag(dec) OVER (PARTITION BY child_id ORDER BY decom) AS previous_dec
    FROM care_episodes WHERE child_id IS NOT NULL AND decom IS NOT NULL
),
numbered AS (
    SELECT *,
        sum(CASE WHEN n > 1 AND coalesce(rne IN ('L', 'T', 'U') AND decom = previous_dec, false)
                 THEN 0 ELSE 1 END) OVER (PARTITION BY child_id ORDER BY n) AS placement_number,
        sum(CASE WHEN n = 1 OR rne = 'S' THEN 1 ELSE 0 END)
            OVER (PARTITION BY child_id ORDER BY n) AS care_number
    FROM ordered
)
SELECT p.child_id, p.start, p."end", c.short_breaks
FROM (
    SELECT child_id, placement_number, any_value(care_number) AS care_number,
           min(decom) AS start, arg_max_null(dec, n) AS "end"
    FROM numbered GROUP BY child_id, placement_number
) p
JOIN care_periods c USING (child_id, care_number)
"""

# The plans of the four tiers ("Plans", Resolved details 14, 16 and 18), ranked EH 1 <
# CIN 2 < CP 3 < LAC 4. CIN is an episode of need: a referral not flagged NFA, from the
# referral date to its closure; `not_in_need` marks those closed RC8 or RC9. LAC is a
# period of care that is not short breaks only. Plans without a child or a start, or
# ending before they start, are bad data and left out.
PLANS = """
CREATE VIEW plans AS
SELECT * FROM (
    SELECT child_id, 'EH' AS tier, 1 AS rank, start_date AS start, end_date AS "end",
           false AS not_in_need
    FROM early_help
    UNION ALL
    SELECT child_id, 'CIN', 2, referral_date, closure_date,
           coalesce(closure_reason IN ('RC8', 'RC9'), false)
    FROM referrals WHERE NOT coalesce(nfa, false)
    UNION ALL
    SELECT child_id, 'CP', 3, start_date, end_date, false FROM cp_plans
    UNION ALL
    SELECT child_id, 'LAC', 4, start, "end", false FROM care_periods WHERE NOT short_breaks
)
WHERE child_id IS NOT NULL AND start IS NOT NULL AND NOT coalesce("end" < start, false)
"""

# Every reference date R (a period's end) and the population each period's rates use:
# the financial year containing the period's end, ending 31 March Y, uses mid-(Y-1)
# ("Population", Resolved detail 9).
REFERENCE_DATES = "CREATE VIEW reference_dates AS SELECT DISTINCT period_end AS r FROM periods"
PERIOD_POPULATION = """
CREATE VIEW period_population AS
SELECT p.period_start, p.period_end, any_value(pop.population_0_17) AS population
FROM periods p
JOIN population pop
  ON pop.year = year(p.period_end) + CASE WHEN month(p.period_end) > 3 THEN 1 ELSE 0 END - 1
GROUP BY ALL
"""

SHARED_VIEWS = [
    ALLOCATIONS_HELD,
    CARE_PERIODS,
    PLANS,
    PLACEMENTS,
    REFERENCE_DATES,
    PERIOD_POPULATION,
]


def attributed(events: str, on: str) -> str:
    """SQL for every row of the relation `events` once for each unit it counts for on its
    date column `on` ("Attribution"): the organisation always; the practitioner, team
    and service of the allocation holding the child that day; the Unallocated bucket
    (coded with the LA code) when none did. Adds unit_type and unit_code. (One child's
    allocations never overlap, so an event finds at most one.)"""
    return f"""
    SELECT held.* EXCLUDE (held_worker, held_team, held_service), u.unit_type, u.unit_code
    FROM (
        SELECT e.*, a.worker_id AS held_worker, a.team_code AS held_team,
               a.service_code AS held_service
        FROM {events} e
        LEFT JOIN allocations_held a
          ON a.child_id = e.child_id AND e.{on} BETWEEN a.start_date AND a.end_date
    ) AS held,
    LATERAL (
        VALUES ('organisation', getvariable('la_code')),
               ('service', held_service),
               ('team', held_team),
               ('practitioner', held_worker),
               ('unallocated', CASE WHEN held_worker IS NULL THEN getvariable('la_code') END)
    ) AS u(unit_type, unit_code)
    WHERE u.unit_code IS NOT NULL
    """

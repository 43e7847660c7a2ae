"""One DuckDB SQL query per indicator, each giving rows of the results format.

Written from INDICATORS.md (the definitions, "Attribution", "Resolved details" and "The
results format"); where the contract leaves a choice, the choice the engine documents in
its indicator's docstring is followed, so that both should agree. Every query reads the
views of `views.py` and returns unit_type, unit_code, indicator, breakdown, period_start,
period_end, numerator, denominator, value.

Shapes shared by all: a flow measure joins each event (or each day's events) to every
period containing its date, compared day by day, never by month; a stock measure is
judged at each reference date R (a period's end) and joined to the periods ending on R.
A rate per 10,000 is only for the organisation, over the population of
`period_population`. A zero denominator gives no row.
"""

from __future__ import annotations

from coredata.crosscheck.views import attributed
from coredata.crosscheck.workforce import W2

A1 = f"""
-- A1 Referrals: referrals with a referral date in the period (events: a child can have
-- several), for the unit holding the child on the referral date; and per 10,000
-- children aged 0-17 for the organisation (measure=rate_10k).
WITH events AS (
    SELECT child_id, referral_date FROM referrals WHERE referral_date IS NOT NULL
),
units AS ({attributed("events", "referral_date")}),
-- Referrals are counted per day first, then summed over the days of each period (a
-- period need not start on the 1st: the 12 months ending 28 February 2025 do not).
by_day AS (
    SELECT unit_type, unit_code, referral_date AS day, count(*) AS referrals
    FROM units GROUP BY ALL
),
counts AS (
    SELECT d.unit_type, d.unit_code, p.period_start, p.period_end,
           sum(d.referrals) AS referrals
    FROM by_day d JOIN periods p ON d.day BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
)
SELECT unit_type, unit_code, 'A1' AS indicator, '' AS breakdown, period_start, period_end,
       referrals AS numerator, NULL AS denominator, referrals AS value
FROM counts
UNION ALL
SELECT unit_type, unit_code, 'A1', 'measure=rate_10k', period_start, period_end,
       referrals, population, referrals * 10000.0 / population
FROM counts JOIN period_population USING (period_start, period_end)
WHERE unit_type = 'organisation' AND population > 0
"""

A3 = f"""
-- A3 Referral outcomes: each referral in the period gets the highest outcome its episode
-- reached, judged as at the period's end R (Resolved detail 13: nothing recorded after R
-- counts). The window runs from the referral date to the closure date, or to R when the
-- episode is not closed by R. "Something starts in the window" is tested as "the first
-- one starting on or after the referral date starts by the window's end".
WITH refs AS (  -- numbered in a fixed order: a referral is its child and date
    SELECT row_number() OVER (ORDER BY child_id, referral_date) AS id, child_id,
           referral_date, closure_date, closure_reason, coalesce(nfa, false) AS nfa
    FROM referrals WHERE referral_date IS NOT NULL
),
-- Periods of care that count (not short breaks only) and begin with an RNE S episode.
care_starts AS (
    SELECT child_id, start FROM care_periods WHERE begun_by_s AND NOT short_breaks
),
-- An assessment belongs to the child's latest referral on or before its start.
owned_assessments AS (
    SELECT r.id, a.authorisation_date
    FROM assessments a
    ASOF JOIN refs r ON a.child_id = r.child_id AND a.start_date >= r.referral_date
),
-- For each referral: the first care start and CP plan start on or after its date, the
-- first early help start after its closure date, its first completed assessment.
firsts AS (
    SELECT r.*,
        (SELECT min(c.start) FROM care_starts c
         WHERE c.child_id = r.child_id AND c.start >= r.referral_date) AS first_care,
        (SELECT min(c.start_date) FROM cp_plans c
         WHERE c.child_id = r.child_id AND c.start_date >= r.referral_date) AS first_cp,
        (SELECT min(h.start_date) FROM early_help h
         WHERE h.child_id = r.child_id AND h.start_date > r.closure_date) AS first_help,
        (SELECT min(o.authorisation_date) FROM owned_assessments o WHERE o.id = r.id)
            AS first_assessed
    FROM refs r
),
-- Each referral at the end R of every period containing its date.
at_r AS (
    SELECT f.*, p.period_start, p.period_end,
           coalesce(f.closure_date <= p.period_end, false) AS closed
    FROM firsts f JOIN periods p ON f.referral_date BETWEEN p.period_start AND p.period_end
),
windows AS (
    SELECT *, CASE WHEN closed THEN closure_date ELSE period_end END AS window_end,
           closed AND coalesce(closure_reason IN ('RC8', 'RC9'), false) AS not_in_need
    FROM at_r
),
judged AS (
    SELECT id, period_start, period_end, nfa, not_in_need,
        CASE
            -- LAC: a period of care starts in the window
            WHEN first_care <= window_end THEN 'LAC'
            -- CP: a child protection plan starts in the window
            WHEN first_cp <= window_end THEN 'CP'
            -- CIN, or pending when still open at R with no assessment completed by R
            WHEN NOT nfa AND NOT not_in_need THEN
                CASE WHEN NOT closed AND NOT coalesce(first_assessed <= period_end, false)
                     THEN 'pending' ELSE 'CIN' END
            -- EH: closed RC9, or early help starting 1-30 days after closure (by R)
            WHEN closed AND (closure_reason = 'RC9'
                             OR (first_help <= closure_date + 30 AND first_help <= period_end))
                THEN 'EH'
            ELSE 'NFA'
        END AS outcome
    FROM windows
),
-- Each judged referral counts under its outcome, and under DfE's split where it applies.
categories AS (
    SELECT id, period_start, period_end, 'outcome=' || outcome AS breakdown FROM judged
    UNION ALL
    SELECT id, period_start, period_end, 'dfe=referral_nfa' FROM judged WHERE nfa
    UNION ALL
    SELECT id, period_start, period_end, 'dfe=not_in_need' FROM judged
    WHERE NOT nfa AND not_in_need
),
units AS ({attributed("refs", "referral_date")}),
totals AS (
    SELECT u.unit_type, u.unit_code, j.period_start, j.period_end, count(*) AS referrals
    FROM units u JOIN judged j USING (id) GROUP BY ALL
),
tallies AS (
    SELECT u.unit_type, u.unit_code, c.period_start, c.period_end, c.breakdown,
           count(*) AS n
    FROM units u JOIN categories c USING (id) GROUP BY ALL
),
labels(breakdown) AS (
    VALUES ('outcome=LAC'), ('outcome=CP'), ('outcome=CIN'), ('outcome=EH'),
           ('outcome=NFA'), ('outcome=pending'), ('dfe=referral_nfa'), ('dfe=not_in_need')
)
-- Every outcome and DfE figure for each unit and period with referrals (0% when none).
SELECT t.unit_type, t.unit_code, 'A3', l.breakdown, t.period_start, t.period_end,
       coalesce(n, 0), t.referrals, coalesce(n, 0) * 100.0 / t.referrals
FROM totals t CROSS JOIN labels l
LEFT JOIN tallies USING (unit_type, unit_code, period_start, period_end, breakdown)
"""

P1 = f"""
-- P1 Children by tier at R: children with a plan open at R (started on or before R, not
-- ended on or before R), each once in their highest tier LAC > CP > CIN > EH, for the
-- unit holding the child at R; tier=total any tier, tier=CIN_DFE an open episode of
-- need, CP plan or period of care. Every tier for a unit with any child (0 when none);
-- each also per 10,000 for the organisation.
WITH highest AS (
    SELECT pl.child_id, r.r AS reference_date, max(pl.rank) AS rank
    FROM plans pl
    JOIN reference_dates r ON pl.start <= r.r AND (pl."end" IS NULL OR pl."end" > r.r)
    GROUP BY ALL
),
units AS ({attributed("highest", "reference_date")}),
tiers(label, low, high) AS (
    VALUES ('EH', 1, 1), ('CIN', 2, 2), ('CP', 3, 3), ('LAC', 4, 4),
           ('total', 1, 4), ('CIN_DFE', 2, 4)
),
-- Children per unit, R and highest tier: `highest` has one row per child and R, and a
-- child is held by one allocation at a time (they never overlap, Resolved detail 5), so
-- each child counts once per unit. With one highest tier each, the tiers add up.
by_rank AS (
    SELECT unit_type, unit_code, reference_date, rank, count(*) AS children
    FROM units GROUP BY ALL
),
by_tier AS (
    SELECT b.unit_type, b.unit_code, b.reference_date, t.label,
           coalesce(sum(b.children) FILTER (WHERE b.rank BETWEEN t.low AND t.high), 0)
               AS children
    FROM by_rank b CROSS JOIN tiers t
    GROUP BY ALL
),
counts AS (
    SELECT b.unit_type, b.unit_code, p.period_start, p.period_end, b.label, b.children
    FROM by_tier b JOIN periods p ON p.period_end = b.reference_date
)
SELECT unit_type, unit_code, 'P1', 'tier=' || label, period_start, period_end,
       children, NULL, children
FROM counts
UNION ALL
SELECT unit_type, unit_code, 'P1', 'tier=' || label || ';measure=rate_10k', period_start,
       period_end, children, population, children * 10000.0 / population
FROM counts JOIN period_population USING (period_start, period_end)
WHERE unit_type = 'organisation' AND population > 0
"""

P2 = f"""
-- P2 Plan duration, per tier, counting plans (events). Ended: plans that ended in the
-- period (for the unit holding the child on the end date; CIN episodes closed RC8/RC9
-- left out), the share lasting 6 months / 1 year / 2 years or more (end on or after
-- start + that many calendar months, clipped at month ends). Open: plans open at R (for
-- the unit holding the child at R; CIN whatever its later closure), R on or after
-- start + 6 months / 1 year / 2 years. Thresholds are cumulative.
WITH dated AS (
    SELECT *, CAST(start + INTERVAL 6 MONTH AS DATE) AS from_6m,
           CAST(start + INTERVAL 12 MONTH AS DATE) AS from_1y,
           CAST(start + INTERVAL 24 MONTH AS DATE) AS from_2y
    FROM plans
),
ended AS (
    SELECT child_id, tier, "end", "end" >= from_6m AS m6, "end" >= from_1y AS y1,
           "end" >= from_2y AS y2
    FROM dated WHERE "end" IS NOT NULL AND NOT not_in_need
),
ended_units AS ({attributed("ended", '"end"')}),
-- Plans are counted per end day first, then summed over the days of each period.
ended_by_day AS (
    SELECT unit_type, unit_code, tier, "end" AS day,
           count(*) AS plans, count(*) FILTER (WHERE m6) AS m6,
           count(*) FILTER (WHERE y1) AS y1, count(*) FILTER (WHERE y2) AS y2
    FROM ended_units GROUP BY ALL
),
open_at_r AS (
    SELECT pl.child_id, pl.tier, r.r AS reference_date, r.r >= pl.from_6m AS m6,
           r.r >= pl.from_1y AS y1, r.r >= pl.from_2y AS y2
    FROM dated pl
    JOIN reference_dates r ON pl.start <= r.r AND (pl."end" IS NULL OR pl."end" > r.r)
),
open_units AS ({attributed("open_at_r", "reference_date")}),
open_by_r AS (
    SELECT unit_type, unit_code, tier, reference_date,
           count(*) AS plans, count(*) FILTER (WHERE m6) AS m6,
           count(*) FILTER (WHERE y1) AS y1, count(*) FILTER (WHERE y2) AS y2
    FROM open_units GROUP BY ALL
),
durations AS (
    SELECT d.unit_type, d.unit_code, p.period_start, p.period_end, d.tier, 'ended' AS view,
           sum(d.plans) AS plans, sum(d.m6) AS m6, sum(d.y1) AS y1, sum(d.y2) AS y2
    FROM ended_by_day d JOIN periods p ON d.day BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
    UNION ALL
    SELECT o.unit_type, o.unit_code, p.period_start, p.period_end, o.tier, 'open',
           o.plans, o.m6, o.y1, o.y2
    FROM open_by_r o JOIN periods p ON p.period_end = o.reference_date
)
SELECT unit_type, unit_code, 'P2', 'tier=' || tier || ';view=' || view || ';min=' || label,
       period_start, period_end, n, plans, n * 100.0 / plans
FROM durations,
     LATERAL (VALUES ('6m', m6), ('1y', y1), ('2y', y2)) AS thresholds(label, n)
"""

O1 = f"""
-- O1 Re-referrals: of the referrals in the period, those made within 12 months of the
-- child's previous referral (any earlier one, NFA included, from all history loaded):
-- referral date <= previous referral date + 12 calendar months. The share (empty
-- breakdown), the count (measure=count) and, for the organisation, the count per
-- 10,000 children (measure=rate_10k); for the unit holding the child on the date.
WITH distinct_dates AS (
    SELECT DISTINCT child_id, referral_date FROM referrals
    WHERE child_id IS NOT NULL AND referral_date IS NOT NULL
),
previous AS (
    SELECT child_id, referral_date,
           lag(referral_date) OVER (PARTITION BY child_id ORDER BY referral_date)
               AS previous_date
    FROM distinct_dates
),
events AS (
    SELECT r.child_id, r.referral_date,
           coalesce(r.referral_date <= pr.previous_date + INTERVAL 12 MONTH, false) AS re
    FROM referrals r LEFT JOIN previous pr USING (child_id, referral_date)
    WHERE r.referral_date IS NOT NULL
),
units AS ({attributed("events", "referral_date")}),
-- Referrals are counted per day first, then summed over the days of each period.
by_day AS (
    SELECT unit_type, unit_code, referral_date AS day,
           count(*) AS referrals, count(*) FILTER (WHERE re) AS re_referrals
    FROM units GROUP BY ALL
),
counts AS (
    SELECT d.unit_type, d.unit_code, p.period_start, p.period_end,
           sum(d.referrals) AS referrals, sum(d.re_referrals) AS re_referrals
    FROM by_day d JOIN periods p ON d.day BETWEEN p.period_start AND p.period_end
    GROUP BY ALL
)
SELECT unit_type, unit_code, 'O1', '', period_start, period_end,
       re_referrals, referrals, re_referrals * 100.0 / referrals
FROM counts
UNION ALL
SELECT unit_type, unit_code, 'O1', 'measure=count', period_start, period_end,
       re_referrals, NULL, re_referrals
FROM counts
UNION ALL
SELECT unit_type, unit_code, 'O1', 'measure=rate_10k', period_start, period_end,
       re_referrals, population, re_referrals * 10000.0 / population
FROM counts JOIN period_population USING (period_start, period_end)
WHERE unit_type = 'organisation' AND population > 0
"""

O2 = f"""
-- O2 Three or more placements: of children looked after at R (a period of care, not
-- short breaks only, open at R), the share with 3 or more placements overlapping the 12
-- months ending at R (R - 12 months + 1 day to R, Resolved detail 10): a placement
-- (not in a short-breaks-only period) starting on or before R and ending on or after
-- the first of those days, or open. Children counted once per unit, at R.
WITH looked_after AS (
    SELECT DISTINCT c.child_id, r.r AS reference_date
    FROM care_periods c
    JOIN reference_dates r ON c.start <= r.r AND (c."end" IS NULL OR c."end" > r.r)
    WHERE NOT c.short_breaks
),
counted AS (
    SELECT la.child_id, la.reference_date, count(pl.start) AS placements
    FROM looked_after la
    LEFT JOIN placements pl
      ON pl.child_id = la.child_id AND NOT pl.short_breaks
     AND pl.start <= la.reference_date
     AND (pl."end" IS NULL
          OR pl."end" >= la.reference_date - INTERVAL 12 MONTH + INTERVAL 1 DAY)
    GROUP BY ALL
),
units AS ({attributed("counted", "reference_date")}),
-- `counted` has one row per child and R, and a child is held by one allocation at a
-- time: each child counts once per unit.
by_r AS (
    SELECT unit_type, unit_code, reference_date, count(*) AS children,
           count(*) FILTER (WHERE placements >= 3) AS three_or_more
    FROM units GROUP BY ALL
),
counts AS (
    SELECT b.unit_type, b.unit_code, p.period_start, p.period_end, b.children,
           b.three_or_more
    FROM by_r b JOIN periods p ON p.period_end = b.reference_date
)
SELECT unit_type, unit_code, 'O2', '', period_start, period_end,
       three_or_more, children, three_or_more * 100.0 / children
FROM counts
"""

QUERIES: dict[str, str] = {
    "A1": A1,
    "A3": A3,
    "P1": P1,
    "P2": P2,
    "O1": O1,
    "O2": O2,
    "W2": W2,
}

"""Plans: children by tier, plan duration, repeat plans, children seen (INDICATORS.md
"Plans": P1–P4). The tiers (EH, CIN, CP, LAC) and the shared plan intervals are in
`tiers`."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.indicators.grids import quarter_end, year_end
from coredata.indicators.inputs import CHILD_ID
from coredata.indicators.periods import (
    add_months,
    month_index,
    working_days_between,
)
from coredata.indicators.registry import Context, register
from coredata.indicators.results import KEYS, PCT, breakdown, empty_results, rate_rows
from coredata.indicators.tallies import result_frame
from coredata.indicators.tiers import (
    CHILD,
    CIN,
    CP,
    DAY_BITS,
    DURATIONS,
    EH,
    HOLDER,
    LAC,
    RANK,
    TIERS,
    TierSums,
    child_codes,
    child_day_key,
    flow_sums,
    key_dates,
    open_plans,
    plan_intervals,
    stock,
    stock_sums,
)
from coredata.indicators.units import ORGANISATION

PLANS = "plans"
Pairs = tuple[tuple[str, str], ...]
NO_PREVIOUS = -(10**6)  # a month number long before any data


View = tuple[TierSums, list[tuple[Pairs, str]]]


def tier_shares(
    context: Context, views: list[View], *, indicator: str, denominator: str
) -> pd.DataFrame:
    """Percentage rows per tier, as results.share_rows makes them but for every tier and
    breakdown at once, in one frame: each view's totals sum the `denominator` and each
    numerator per tier, unit and period, and it pairs a breakdown's pairs (after
    `tier=T`) with each numerator's name. A zero denominator gives no row. Rows are in
    order of view, tier, breakdown."""
    units, numbering = _same_units([totals.units for totals, _ in views])
    labels: list[str] = []
    parts: dict[str, list[np.ndarray]] = {name: [] for name in ("unit", "period", "label")}
    figures: dict[str, list[np.ndarray]] = {"numerator": [], "denominator": []}
    for (totals, numerators), renumber in zip(views, numbering, strict=True):
        first_label = len(labels)
        labels += [breakdown(("tier", name), *pairs) for pairs, _ in numerators for name in TIERS]
        n_periods = totals.sums[denominator].shape[2]
        for tier in range(len(TIERS)):
            denominators = totals.sums[denominator][tier].ravel()
            cells = np.flatnonzero(denominators > 0)
            for position, (_, column) in enumerate(numerators):
                parts["unit"].append(renumber[cells // n_periods])
                parts["period"].append(cells % n_periods)
                parts["label"].append(
                    np.full(len(cells), first_label + position * len(TIERS) + tier)
                )
                figures["numerator"].append(totals.sums[column][tier].ravel()[cells])
                figures["denominator"].append(denominators[cells])
    if sum(len(unit) for unit in parts["unit"]) == 0:
        return empty_results()
    numerator, denominator_ = (
        np.concatenate(figures[name]).astype("float64") for name in ("numerator", "denominator")
    )
    return result_frame(
        context,
        units,
        np.concatenate(parts["unit"]),
        np.concatenate(parts["period"]),
        indicator=indicator,
        labels=labels,
        label=np.concatenate(parts["label"]),
        numerator=numerator,
        denominator=denominator_,
        value=numerator / denominator_ * PCT,
    )


def _same_units(tables: list[pd.DataFrame]) -> tuple[pd.DataFrame, list[np.ndarray]]:
    """The units of several tables (unit_type, unit_code) numbered together, and each
    table's numbers in the new numbering."""
    if len(tables) == 1:
        return tables[0], [np.arange(len(tables[0]))]
    both = pd.concat(tables, ignore_index=True)
    number = both.groupby(["unit_type", "unit_code"], sort=False).ngroup().to_numpy()
    units = both.assign(_n=number).drop_duplicates("_n")[["unit_type", "unit_code"]]
    bounds = np.cumsum([0, *(len(table) for table in tables)])
    renumbered = [number[bounds[i] : bounds[i + 1]] for i in range(len(tables))]
    return units.reset_index(drop=True), renumbered


@register("P1", "Children by tier", unit="count", direction="context", group=PLANS)
def p1_children_by_tier(context: Context) -> pd.DataFrame:
    """Children with an open plan at the period's end R, each counted once in their
    highest tier: LAC (a period of care, not short breaks only) > CP (a child protection
    plan) > CIN (an episode of need: a referral not flagged NFA, whatever its later
    closure reason) > EH (an early help episode). Open at R: started on or before R and
    not ended on or before R (a plan ending on R is not open). `tier=total` is the
    children in any tier; `tier=CIN_DFE` is DfE's inclusive children in need (an open
    episode of need, CP plan or period of care). Counted for the unit holding the child
    at R, once per unit; every tier is shown (0 when none) for a unit with any child.
    Each also per 10,000 children aged 0-17 (`;measure=rate_10k`) where there is a
    population."""
    highest = stock(context).highest
    children = pd.DataFrame(
        {HOLDER: highest[HOLDER], "reference_date": highest["reference_date"],
         "rank": highest["rank"], "children": 1}
    )  # fmt: skip
    totals = stock_sums(context, children, ["children"])
    by_tier = totals.sums["children"]
    unit, period = np.nonzero(by_tier.sum(axis=0) > 0)
    if len(unit) == 0:
        return empty_results()
    counts = by_tier[:, unit, period].T
    columns = {tier: counts[:, rank - 1] for tier, rank in RANK.items()}
    columns["total"] = counts.sum(axis=1)
    columns["CIN_DFE"] = counts[:, [RANK[CIN] - 1, RANK[CP] - 1, RANK[LAC] - 1]].sum(axis=1)
    numerator = np.concatenate(list(columns.values()))
    rows = result_frame(
        context,
        totals.units,
        np.tile(unit, len(columns)),
        np.tile(period, len(columns)),
        indicator="P1",
        labels=[breakdown(("tier", label)) for label in columns],
        label=np.repeat(np.arange(len(columns)), len(unit)),
        numerator=numerator,
        denominator=None,
        value=numerator.astype("float64"),
    )
    organisation = (totals.units["unit_type"] == ORGANISATION).to_numpy(dtype="bool")[unit]
    parts = [rows]
    for position, label in enumerate(columns):
        frame = rows.iloc[position * len(unit) : (position + 1) * len(unit)]
        frame = frame.loc[organisation, [*KEYS, "numerator"]]
        parts.append(
            rate_rows(
                frame.astype({"numerator": "int64"}),
                context.population,
                indicator="P1",
                breakdown_text=breakdown(("tier", label), ("measure", "rate_10k")),
            )
        )
    return pd.concat(parts, ignore_index=True)


def _at_least(later: pd.Series, plans: pd.DataFrame) -> dict[str, pd.Series]:
    """Whether `later` is on or after start + 6 months, + 1 year, + 2 years (0 or 1)."""
    return {
        label: (later >= plans[f"from_{label}"]).fillna(False).astype("int64")
        for label in DURATIONS
    }


@register("P2", "Plan duration", unit="pct", direction="lower_better", group=PLANS)
def p2_plan_duration(context: Context) -> pd.DataFrame:
    """Per tier (EH, CIN, CP, LAC), two views. *Ended*: of plans of the tier that ended
    in the period, the share that had lasted 6 months or more, 1 year or more, 2 years
    or more (calendar months: end on or after start + 6 months, clipped at month ends;
    a plan starting and ending the same day lasted 0 days), counted for the unit holding
    the child on the end date. *Open*: of plans of the tier open at the period's end R,
    the share open for 6 months or more, 1 year or more, 2 years or more (R on or after
    start + 6 months...), counted for the unit holding the child at R. Thresholds are
    cumulative (6 months or more includes 1 and 2 years). Plans are counted, not
    children. A CIN plan is an episode of need (a referral not flagged NFA): for the
    ended view, episodes closed RC8 or RC9 (not in need) are left out; for the open view
    they count whatever their later closure reason. A LAC plan is a period of care, not
    short breaks only; an EH plan is an early help episode."""
    values = ["plans", *DURATIONS]
    plans = plan_intervals(context)
    ended = plans[plans["end"].notna() & ~plans["not_in_need"]]
    rows = pd.DataFrame(
        {CHILD: ended[CHILD], "rank": ended["rank"], "end": ended["end"], "plans": 1}
    ).assign(**_at_least(ended["end"], ended))
    ended_totals = flow_sums(context, rows, "end", values)

    open_ = open_plans(context)
    rows = pd.DataFrame(
        {
            CHILD: open_[CHILD],
            "rank": open_["rank"],
            "reference_date": open_["reference_date"],
            HOLDER: stock(context).open_holder,
            "plans": 1,
        }
    ).assign(**_at_least(open_["reference_date"], open_))
    open_totals = stock_sums(context, rows, values)
    return tier_shares(
        context,
        [
            (
                view_totals,
                [((("view", view), ("min", label)), label) for label in DURATIONS],
            )
            for view, view_totals in (("ended", ended_totals), ("open", open_totals))
        ],
        indicator="P2",
        denominator="plans",
    )


def previous_plan_end(plans: pd.DataFrame) -> pd.Series:
    """For each plan, the end of its previous plan of the same tier (Resolved detail 19):
    among the child's plans of the tier that started before it and ended on or before
    its start, the latest end (NaT when none)."""
    keys = [CHILD, "rank"]
    left = plans[[*keys, "start"]].assign(_row=np.arange(len(plans)))
    left = left.sort_values("start", kind="stable")
    ended = plans.loc[plans["end"].notna(), [*keys, "start", "end"]]
    # Ending before the new start: such a plan also started before it.
    before = pd.merge_asof(
        left,
        ended[[*keys, "end"]].rename(columns={"end": "_end"}).sort_values("_end"),
        left_on="start",
        right_on="_end",
        by=keys,
        direction="backward",
        allow_exact_matches=False,
    )
    # Ending on the new start: only if it started earlier (not a 0-day plan that day).
    on_start = ended.loc[ended["start"] < ended["end"], [*keys, "end"]].drop_duplicates()
    on_start = on_start.rename(columns={"end": "start"}).assign(_on=True)
    before = before.merge(on_start, on=[*keys, "start"], how="left")
    same_day = before["_on"].astype("boolean").fillna(False).astype("bool")
    before["_end"] = before["_end"].where(~same_day, before["start"])
    result = before.set_index("_row")["_end"].sort_index()
    return pd.Series(result.to_numpy(), index=plans.index, dtype="datetime64[ns]")


def first_in_period_flags(starts: pd.DataFrame) -> pd.DataFrame:
    """For plan starts sorted by child, tier and start: whether each is the child's first
    start of the tier within its month, quarter and financial year, `k`: it is the
    first within the rolling 12 months ending k or more months after its own month (the
    previous start's month + 12 − its month, at least 0), and `previous`: the previous
    start's date (NaT when none), for periods not made of whole months. Flags for
    grids.period_grid."""
    m = month_index(starts["start"]).to_numpy(dtype="int64")
    child = starts[CHILD].to_numpy(dtype="int64")
    tier = starts["rank"].to_numpy(dtype="int64")
    same = np.zeros(len(starts), dtype="bool")
    same[1:] = (child[1:] == child[:-1]) & (tier[1:] == tier[:-1])
    previous = np.where(same, np.roll(m, 1), NO_PREVIOUS)
    day = starts["start"].to_numpy(dtype="datetime64[ns]")
    previous_day = np.where(same, np.roll(day, 1), np.datetime64("NaT"))
    return pd.DataFrame(
        {
            "first_month": previous != m,
            "first_quarter": quarter_end(previous) != quarter_end(m),
            "first_year": year_end(previous) != year_end(m),
            "k": np.maximum(previous + 12 - m, 0),
            "previous": previous_day.astype("datetime64[ns]"),
        },
        index=starts.index,
    )


@register("P3", "Repeat plans", unit="pct", direction="lower_better", group=PLANS)
def p3_repeat_plans(context: Context) -> pd.DataFrame:
    """Per tier (EH, CIN, CP, LAC): of children who start a plan of the tier in the
    period, the share whose previous plan of the same tier ended within 12 months
    (`window=12m`: the new start on or before the previous end + 12 calendar months),
    within 24 months (`window=24m`), or ever (`window=ever`: DfE's "second or
    subsequent"; for CP also a plan with NumberOfPreviousCPP above 0). The previous plan
    is the latest-ending of the child's plans of the tier that started before the new one
    and ended on or before its start, from all history loaded (so "most recent" means the
    latest end). A child starting several plans of the tier in the period is judged on
    the first, counted once for the unit holding the child on that start date. CIN
    plans are episodes of need not flagged NFA and not closed RC8 or RC9 (whenever
    closed). LAC plans are periods of care (not short breaks only); only a period whose
    first episode has RNE S is a new start, and a period of care ends at its last
    episode's DEC."""
    plans = plan_intervals(context)
    plans = plans[~plans["not_in_need"]].reset_index(drop=True)
    previous_end = previous_plan_end(plans)
    new = plans.assign(previous_end=previous_end)[plans["new_start"]]
    new = new.sort_values([CHILD, "rank", "start"], kind="stable")
    rows = pd.DataFrame(
        {
            CHILD: new[CHILD],
            "rank": new["rank"],
            "start": new["start"],
            "children": 1,
        }
    )
    for label, months in (("12m", 12), ("24m", 24)):
        within = new["start"] <= add_months(new["previous_end"], months)
        rows[label] = within.fillna(False).astype("int64")
    earlier_cp = (new["rank"] == RANK[CP]) & (new["previous_plans"].fillna(0) > 0)
    rows["ever"] = (new["previous_end"].notna() | earlier_cp).astype("int64")
    rows = rows.join(first_in_period_flags(new))
    values = ["children", "12m", "24m", "ever"]
    totals = flow_sums(context, rows, "start", values)
    windows: list[tuple[Pairs, str]] = [
        ((("window", label),), label) for label in ("12m", "24m", "ever")
    ]
    return tier_shares(context, [(totals, windows)], indicator="P3", denominator="children")


def latest_on_or_before(
    context: Context, children: pd.DataFrame, visits: pd.DataFrame
) -> pd.Series:
    """For each row (`child` code, `reference_date`), the latest `visit_date` of the child
    on or before it (NaT when none): a binary search on (child, day) keys."""
    coded = child_codes(context, visits[CHILD_ID])
    known = coded >= 0
    keys = np.sort(child_day_key(pd.Series(coded[known]), visits["visit_date"][known]))
    wanted = child_day_key(children[CHILD], children["reference_date"])
    position = np.searchsorted(keys, wanted, side="right") - 1
    candidate = keys[np.maximum(position, 0)]
    found = (position >= 0) & (candidate >> DAY_BITS == wanted >> DAY_BITS)
    return pd.Series(
        np.where(found, key_dates(candidate), np.datetime64("NaT")),
        index=children.index,
        dtype="datetime64[ns]",
    )


@register(
    "P4", "Children seen in accordance with plan", unit="pct", direction="higher_better",
    group=PLANS,
)  # fmt: skip
def p4_children_seen(context: Context) -> pd.DataFrame:
    """Per tier (CP, CIN, LAC): of children with an open plan at the period's end R, each
    judged once on their highest open tier, the share whose most recent visit on or
    before R at which they were seen (seen = Y) is within the tier's interval. CP and
    CIN: the working days after the visit up to and including R (Monday to Friday less
    England and Wales bank holidays; the visit day itself not counted) are at most the
    interval (defaults: CP 10, CIN 20 working days). LAC: the visit is on or after R
    less the interval (default 42 days, 6 weeks). A child with no such visit is not
    seen. Counted for the unit holding the child at R, once per unit. A child whose
    highest open tier is EH is not counted."""
    judged = p4_judged(context)
    totals = stock_sums(context, judged, ["children", "seen"])
    return tier_shares(context, [(totals, [((), "seen")])], indicator="P4", denominator="children")


def p4_judged(context: Context) -> pd.DataFrame:
    """P4's children at each R (tiers.Stock.highest, EH left out), each with `visit_date`
    (their latest seen visit on or before R, NaT when none), `seen` (1 when within their
    tier's interval, else 0) and `children` (1). Also what the lists of children behind
    P4 are made of (members.py)."""
    intervals = context.inputs.visit_intervals
    children = stock(context).highest
    children = children[children["rank"] != RANK[EH]]
    visits = context.frame("visits")
    visits = visits[visits["seen"].fillna(False).astype("bool") & visits["visit_date"].notna()]
    judged = children.assign(visit_date=latest_on_or_before(context, children, visits))
    days = working_days_between(
        judged["visit_date"], judged["reference_date"], context.inputs.bank_holidays
    )
    allowed = judged["rank"].map(
        {RANK[CP]: intervals.cp_working_days, RANK[CIN]: intervals.cin_working_days}
    )
    by_working_days = (days <= allowed.astype("Int64")).fillna(False).astype("bool")
    since = judged["reference_date"] - pd.Timedelta(days=intervals.lac_days)
    by_days = (judged["visit_date"] >= since).fillna(False).astype("bool")
    is_lac = (judged["rank"] == RANK[LAC]).to_numpy(dtype="bool")
    judged["seen"] = np.where(is_lac, by_days, by_working_days).astype("int64")
    judged["children"] = 1
    return judged

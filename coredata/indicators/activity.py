"""Activity: referrals, their sources and outcomes, assessments, S47s and conferences
(INDICATORS.md "Activity": A1–A6), and re-referrals (O1, an outcome measured on
referrals). All count events, not children (Resolved detail 7), attributed on the
event's date; they are tallied on integers by `coredata.indicators.tallies`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.codes import REFERRAL_SOURCE_GROUPS
from coredata.indicators.inputs import CHILD_ID
from coredata.indicators.periods import add_months, month_end_of, partial_starts
from coredata.indicators.registry import Context, register
from coredata.indicators.results import count_rows
from coredata.indicators.tallies import (
    Flow,
    count_and_rate,
    counts_frame,
    event_counts,
    event_tally,
    flow_of,
    rates,
    share_rows_of,
    shared,
    tally,
)
from coredata.indicators.units import earliest_on_or_after, latest_on_or_before

ACTIVITY = "activity"
OUTCOMES = "outcomes"
REFERRAL = "referral_date"
UNKNOWN_SOURCE = "10"


def referral_flow(context: Context) -> Flow:
    """The referrals with a referral date, attributed on it (worked out once a run); a
    source missing or outside the DfE list is read as 10."""
    cache = shared(context)
    if "referrals" not in cache:
        referrals = context.frame("referrals")
        codes = list(REFERRAL_SOURCE_GROUPS)
        source = referrals["source"]
        # Only the codes not already in the list are stripped (most are).
        odd = ~source.isin(codes).fillna(False).to_numpy(dtype="bool")
        source = source.copy()
        source[odd] = source[odd].str.strip()
        known = source.isin(codes).fillna(False).astype(bool)
        referrals["source"] = source.where(known, UNKNOWN_SOURCE).astype("string")
        child = context.child_codes("referrals")
        cache["referrals"] = flow_of(context, referrals, REFERRAL, child=child)
    flow: Flow = cache["referrals"]
    return flow


# --- A1 ---------------------------------------------------------------------------------


@register("A1", "Referrals", unit="count", direction="context", group=ACTIVITY)
def a1_referrals(context: Context) -> pd.DataFrame:
    """Referrals with a referral date in the period (a child can have several), counted
    for the unit holding the child on the referral date. Also per 10,000 children aged
    0-17 for units with a population (breakdown `measure=rate_10k`). Source: CIN census
    CINdetails/CINreferralDate."""
    flow = referral_flow(context)
    counts = event_tally(context, flow)
    return count_and_rate(context, counts_frame(context, flow, counts, counts > 0), "A1")


# --- A2 ---------------------------------------------------------------------------------

SOURCES = list(REFERRAL_SOURCE_GROUPS)
GROUPS = list(dict.fromkeys(REFERRAL_SOURCE_GROUPS.values()))


@register("A2", "Referrals by source", unit="pct", direction="context", group=ACTIVITY)
def a2_referral_sources(context: Context) -> pd.DataFrame:
    """Of the referrals in the period (A1), the percentage from each DfE referral source
    (`source=1A` … `source=10`) and from each group of sources: individual (1A–1D),
    schools and education (2A–2B), health (3A–3F), housing (4), LA services (5A–5D),
    police (6), other legal agency (7), other (8), anonymous (9), unknown (10). A missing
    source counts as 10 (unknown); so does a code outside the DfE list (the importer
    rejects those, so it should not occur). Attributed to the unit holding the child on
    the referral date. The shares of each list add up to 100%. For the organisation and
    services every source and group gets a row (0% when none) in each period with
    referrals; for teams, practitioners and the unallocated bucket only those with
    referrals do (a source missing there had none): 32 rows per practitioner and month
    would otherwise be stored, nearly all zero."""
    flow = referral_flow(context)
    source = pd.Categorical(flow.events["source"], categories=SOURCES).codes.astype("int64")
    by_source = tally(context, flow, np.arange(len(source)), source, len(SOURCES))
    membership = np.zeros((len(SOURCES), len(GROUPS)), dtype="int64")
    for position, code in enumerate(SOURCES):
        membership[position, GROUPS.index(REFERRAL_SOURCE_GROUPS[code])] = 1
    by_group = by_source @ membership
    labels = [f"source={s}" for s in SOURCES] + [f"group={g}" for g in GROUPS]
    numerators = np.concatenate([by_source, by_group], axis=2)
    return share_rows_of(
        context, flow, numerators, by_source.sum(axis=2), labels, "A2", sparse_below_service=True
    )


# --- A3 ---------------------------------------------------------------------------------

OUTCOMES_ORDER = ["LAC", "CP", "CIN", "EH", "NFA", "pending"]
LAC, CP, CIN, EH, NFA, PENDING, REFERRAL_NFA, NOT_IN_NEED = range(8)
EARLY_HELP_DAYS = 30


def care_starts(context: Context) -> pd.DataFrame:
    """Starts of periods of care that count as looked after: not short breaks only, and
    begun by an episode with RNE S (child_id, start)."""
    episodes = context.frame("care_episodes")
    periods = context.care_periods
    periods = periods[~periods["short_breaks"]]
    first = episodes[[CHILD_ID, "decom", "rne"]].drop_duplicates([CHILD_ID, "decom"], keep="last")
    periods = periods.merge(first, left_on=[CHILD_ID, "start"], right_on=[CHILD_ID, "decom"])
    return periods.loc[periods["rne"].eq("S").fillna(False).astype(bool), [CHILD_ID, "start"]]


def first_completed_assessment(context: Context, flow: Flow) -> np.ndarray:
    """Each referral's earliest assessment end (authorisation) date, an assessment
    belonging to the child's latest referral on or before its start (NaT when none)."""
    referrals = flow.events
    assessments = context.frame("assessments")
    row = latest_on_or_before(
        child_codes(context, assessments[CHILD_ID]),
        assessments["start_date"],
        flow.child,
        referrals[REFERRAL],
    )
    ended = assessments["authorisation_date"].to_numpy(dtype="datetime64[ns]").view("int64")
    counted = (row >= 0) & (ended != np.iinfo("int64").min)
    earliest = np.full(len(referrals), np.iinfo("int64").max, dtype="int64")
    np.minimum.at(earliest, row[counted], ended[counted])
    none = earliest == np.iinfo("int64").max
    return np.where(none, np.iinfo("int64").min, earliest).view("datetime64[ns]")


def child_codes(context: Context, ids: pd.Series) -> np.ndarray:
    """The code of each child ID in Context.children (-1 for one not there)."""
    return np.asarray(context.children.get_indexer(pd.Index(ids)), dtype="int64")


def first_on_or_after(
    context: Context,
    flow: Flow,
    on: pd.Series,
    dates: pd.DataFrame,
    date_column: str,
    child: np.ndarray | None = None,
) -> np.ndarray:
    """For each referral, the same child's earliest `dates[date_column]` on or after `on`
    (aligned to the referrals; NaT when none, or when `on` is missing). `child` may give
    the child codes of `dates` when already known."""
    codes = child_codes(context, dates[CHILD_ID]) if child is None else child
    return earliest_on_or_after(flow.child, on, codes, dates[date_column])


def outcomes_at(context: Context, flow: Flow) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(referral, R's month, category) rows: each referral's outcome (LAC…pending) at
    every R ending a period that contains its referral date, plus a REFERRAL_NFA and a
    NOT_IN_NEED row where DfE's split counts it."""
    referrals = flow.events
    closure = referrals["closure_date"].to_numpy(dtype="datetime64[ns]")
    reason = referrals["closure_reason"]
    nfa = referrals["nfa"].fillna(False).to_numpy(dtype=bool)
    rc8_9 = reason.isin(["RC8", "RC9"]).fillna(False).to_numpy(dtype=bool)
    rc9 = reason.eq("RC9").fillna(False).to_numpy(dtype=bool)
    on = referrals[REFERRAL]
    care = first_on_or_after(context, flow, on, care_starts(context), "start")
    cp = first_on_or_after(
        context, flow, on, context.frame("cp_plans"), "start_date", context.child_codes("cp_plans")
    )
    after_closure = referrals["closure_date"] + pd.Timedelta(days=1)
    early_help = first_on_or_after(
        context,
        flow,
        after_closure,
        context.frame("early_help"),
        "start_date",
        context.child_codes("early_help"),
    )
    assessed = first_completed_assessment(context, flow)

    ends = np.unique(context.periods["last_month"].to_numpy(dtype="int64"))
    if len(ends) == 0 or len(referrals) == 0:
        empty = np.zeros(0, dtype="int64")
        return empty, empty, empty
    event, r_month = judged_at(context, flow)
    keep = np.isin(r_month, ends)
    event, r_month = event[keep], r_month[keep]
    at = month_end_of(ends).to_numpy()[np.searchsorted(ends, r_month)]

    ended = closure[event]
    closed = ended <= at  # NaT compares False: open; a closure after R is not yet known
    window_end = np.where(closed, ended, at)
    not_in_need = closed & rc8_9[event]
    in_need = ~nfa[event] & ~not_in_need
    soon = ended + np.timedelta64(EARLY_HELP_DAYS, "D")
    followed = (early_help[event] <= soon) & (early_help[event] <= at)
    outcome = np.select(
        [
            care[event] <= window_end,
            cp[event] <= window_end,
            in_need & ~closed & ~(assessed[event] <= at),
            in_need,
            closed & (rc9[event] | followed),
        ],
        [LAC, CP, PENDING, CIN, EH],
        NFA,
    )
    split_nfa, split_need = nfa[event], ~nfa[event] & not_in_need
    return (
        np.concatenate([event, event[split_nfa], event[split_need]]),
        np.concatenate([r_month, r_month[split_nfa], r_month[split_need]]),
        np.concatenate(
            [
                outcome,
                np.full(split_nfa.sum(), REFERRAL_NFA),
                np.full(split_need.sum(), NOT_IN_NEED),
            ]
        ).astype("int64"),
    )


def judged_at(context: Context, flow: Flow) -> tuple[np.ndarray, np.ndarray]:
    """(referral, R's month) for every month end R within 12 months of each referral's
    month (R's month = its month + 0 to 11), plus the R of each period starting after
    the 1st of a month (periods.partial_starts: the 12 months to 28 February after a
    leap year) for the referrals dated from its start to the end of that month."""
    n = len(flow.events)
    event = [np.repeat(np.arange(n), 12)]
    r_month = [flow.month[event[0]] + np.tile(np.arange(12), n)]
    lasts = context.periods["last_month"].to_numpy(dtype="int64")
    for position, start, start_month in partial_starts(context.periods):
        extra = np.flatnonzero((flow.month == start_month) & (flow.day >= start))
        event.append(extra)
        r_month.append(np.full(len(extra), lasts[position], dtype="int64"))
    return np.concatenate(event), np.concatenate(r_month)


@register("A3", "Referral outcomes", unit="pct", direction="context", group=ACTIVITY)
def a3_referral_outcomes(context: Context) -> pd.DataFrame:
    """Of the referrals in the period (A1), the percentage by the highest outcome their
    episode reached, judged as at the period's end R (closures, assessments, plans, care
    and early help after R are ignored, so a past period never changes). The episode's
    window runs from the referral date to its closure date, or to R if open at R (a
    closure on R closes it), both days included. In order:
    LAC: a period of care starts in the window (begun by an SSDA903 episode with RNE S;
    periods made only of short breaks, V3/V4, do not count);
    CP: a CP plan starts in the window;
    pending: the referral is not NFA, not closed RC8/RC9 by R, the episode is open at R
    and no assessment of it has ended on or before R (an assessment belongs to the
    child's latest referral on or before its start);
    CIN: the referral is not NFA and not closed RC8/RC9 by R;
    EH: the episode closed by R with RC9, or an early help episode starts 1 to 30 days
    after its closure date and on or before R (tested before NFA, so an NFA referral
    followed by early help is EH);
    NFA: the rest (ReferralNFA, closed RC8, or nothing else reached).
    The six shares add up to 100% (every outcome gets a row, 0% when none). DfE's split:
    `dfe=referral_nfa` the share flagged ReferralNFA; `dfe=not_in_need` the share not
    NFA whose episode closed RC8 or RC9 on or before R. Attributed to the unit holding
    the child on the referral date."""
    flow = referral_flow(context)
    event, r_month, category = outcomes_at(context, flow)
    counts = tally(context, flow, event, category, 8, last_month=r_month)
    total = counts[:, :, : len(OUTCOMES_ORDER)].sum(axis=2)
    labels = [f"outcome={o}" for o in OUTCOMES_ORDER] + ["dfe=referral_nfa", "dfe=not_in_need"]
    return share_rows_of(context, flow, counts, total, labels, "A3")


# --- A4, A5, A6 -------------------------------------------------------------------------


@register("A4", "Assessments", unit="count", direction="context", group=ACTIVITY)
def a4_assessments(context: Context) -> pd.DataFrame:
    """Assessments with an actual start date in the period, counted for the unit
    holding the child on that date. Also per 10,000 children aged 0-17 for units with a
    population (`measure=rate_10k`). Source: CIN census AssessmentActualStartDate."""
    assessments = context.frame("assessments")
    return count_and_rate(context, event_counts(context, assessments, "start_date"), "A4")


@register("A5", "Section 47 enquiries", unit="count", direction="context", group=ACTIVITY)
def a5_section47(context: Context) -> pd.DataFrame:
    """Section 47 enquiries with an actual start date in the period, counted for the unit
    holding the child on that date. Also per 10,000 children aged 0-17 for units with a
    population (`measure=rate_10k`). Source: CIN census S47ActualStartDate."""
    enquiries = context.frame("section47")
    return count_and_rate(context, event_counts(context, enquiries, "start_date"), "A5")


@register(
    "A6", "Initial child protection conferences", unit="count", direction="context",
    group=ACTIVITY,
)  # fmt: skip
def a6_conferences(context: Context) -> pd.DataFrame:
    """Initial child protection conferences held in the period: distinct pairs of child
    and conference date, whether the date is recorded on a Section 47 enquiry or on the
    referral (one conference recorded on both counts once), counted for the unit holding
    the child on the conference date. Also per 10,000 children aged 0-17 for units with
    a population (`measure=rate_10k`). Source: CIN census DateOfInitialCPC."""
    on_enquiries = context.frame("section47")[[CHILD_ID, "icpc_date"]]
    on_referrals = context.frame("referrals")[[CHILD_ID, "initial_cpc_date"]]
    conferences = pd.concat(
        [
            on_enquiries.rename(columns={"icpc_date": "conference_date"}),
            on_referrals.rename(columns={"initial_cpc_date": "conference_date"}),
        ],
        ignore_index=True,
    )
    conferences = conferences[conferences["conference_date"].notna()].drop_duplicates()
    counts = event_counts(context, conferences, "conference_date")
    return count_and_rate(context, counts, "A6")


# --- O1 ---------------------------------------------------------------------------------


@register("O1", "Re-referrals", unit="pct", direction="lower_better", group=OUTCOMES)
def o1_re_referrals(context: Context) -> pd.DataFrame:
    """Of the referrals in the period (A1), the percentage made within 12 months of a
    previous referral of the same child: the referral date is on or before the child's
    latest earlier referral date + 12 calendar months (2024-02-29 + 12 months =
    2025-02-28). Any earlier referral counts, NFA ones included, and the look-back uses
    all the history loaded, across the start of the period. Also `measure=count` (the
    re-referrals, not children; 0 for a unit with referrals but none re-referred) and
    `measure=rate_10k` (re-referrals per 10,000 children aged 0-17, for units with a
    population). Attributed to the unit holding the child on the referral date."""
    flow = referral_flow(context)
    category = re_referred(flow).astype("int64")
    counts = tally(context, flow, np.arange(len(category)), category, 2)
    total = counts.sum(axis=2)
    re_counts = counts_frame(context, flow, counts[:, :, 1], total > 0)
    return pd.concat(
        [
            share_rows_of(context, flow, counts[:, :, 1:], total, [""], "O1"),
            count_rows(re_counts, indicator="O1", breakdown_text="measure=count"),
            rates(context, re_counts, "O1"),
        ],
        ignore_index=True,
    )


def re_referred(flow: Flow) -> np.ndarray:
    """Whether each referral is on or before its child's latest earlier referral date +
    12 calendar months (O1), on integers: the referrals sorted by child and date, each
    distinct date compared with the child's previous one."""
    child = flow.child
    day = flow.events[REFERRAL].to_numpy(dtype="datetime64[ns]")
    order = np.lexsort((day, child))
    child, day = child[order], day[order]
    new_date = np.ones(len(order), dtype="bool")
    new_date[1:] = (child[1:] != child[:-1]) | (day[1:] != day[:-1])
    which = np.cumsum(new_date) - 1  # each referral's (child, date)
    child, day = child[new_date], day[new_date]
    previous = np.full(len(day), np.datetime64("NaT"), dtype="datetime64[ns]")
    # A referral without a child ID has no earlier referral of "the same child".
    same = (child[1:] == child[:-1]) & (child[1:] >= 0)
    previous[1:][same] = day[:-1][same]
    within = day <= add_months(pd.Series(previous), 12).to_numpy(dtype="datetime64[ns]")
    result = np.zeros(len(order), dtype="bool")
    result[order] = (~np.isnat(previous) & within)[which]
    return result

"""The children's histories: arrivals, chains of referrals, care, early help.

Children arrive at random (a Poisson process) from a warm-up years before the first
return, so that the first return already holds long-running episodes, plans and care.
Each child's referrals follow one another (a batch per step of the chain, vectorised
over every child still being referred); early help comes first for some children, and
follows some closures. Everything is cut at the data's last day: later dates become
calendar.NONE (open, or not happened yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coredata.synthetic import breaks, journeys, leavers, rates
from coredata.synthetic.calendar import NONE, add_years, working_days_after
from coredata.synthetic.rates import draw

# Referrals per child referred (first referrals and re-referrals), measured on long runs:
# turns referrals_per_year into the rate at which new children are referred.
REFERRALS_PER_CHILD = 1.56
_KEY = 1 << 20  # child * _KEY + day orders (child, day) pairs in one int64


@dataclass
class History:
    children: pd.DataFrame
    referrals: pd.DataFrame
    cp_reviews: pd.DataFrame
    care_episodes: pd.DataFrame
    care_periods: pd.DataFrame
    oc3: pd.DataFrame
    early_help: pd.DataFrame


def simulate(
    rng: np.random.Generator, *, referrals_per_year: int, sim_start: int, first: int, last: int
) -> History:
    span = last - sim_start + 1
    years = span / 365.25
    eh_rate = referrals_per_year * rates.EH_CHILDREN_PER_REFERRAL
    referred_rate = max(
        referrals_per_year / REFERRALS_PER_CHILD - eh_rate * rates.P_EH_FIRST_STEP_UP, 1.0
    )
    n_ref, n_eh = rng.poisson(referred_rate * years), rng.poisson(eh_rate * years)
    n = n_ref + n_eh
    arrival = sim_start + rng.integers(0, span, n)
    arrival[:n_ref] = working_days_after(arrival[:n_ref], 0)
    band = rates.draw_index(rng, rates.AGE_SHARES, n)
    age_years = rng.uniform(rates.AGE_BANDS[band, 0], rates.AGE_BANDS[band, 1])
    age_years[n_ref:] = rng.uniform(0, 17.5, n_eh)
    dob = arrival - np.rint(age_years * 365.25).astype("int64")
    off_data = np.where(
        (age_years >= 2) & (rng.random(n) < rates.P_OFF_DATA_PREVIOUS_CP),
        1 + (rng.random(n) < 0.2),
        0,
    )
    world = journeys.World(
        dob=dob,
        disabled=rng.random(n) < rates.P_DISABLED,
        off_data_cp=off_data.astype("int64"),
        cp_count=np.zeros(n, dtype="int64"),
        sex=np.where(rng.random(n) < 0.51, "M", "F").astype(object),
    )
    b18 = add_years(dob, 18)

    # Early help first; some children are then referred (stepping up).
    eh_child = np.arange(n_ref, n)
    eh_start = arrival[n_ref:]
    eh_end = np.minimum(eh_start + journeys.lognormal_days(rng, 150, 0.6, n_eh), b18[n_ref:] - 1)
    step_day = eh_end + 1
    step_up = (rng.random(n_eh) < rates.P_EH_FIRST_STEP_UP) & (step_day <= last)
    step_up &= step_day - dob[n_ref:] <= rates.MAX_REFERRAL_AGE_DAYS

    pending_child = np.concatenate([np.arange(n_ref), eh_child[step_up]])
    pending_ref = np.concatenate([arrival[:n_ref], step_day[step_up]])
    stepped = np.concatenate([np.zeros(n_ref, bool), np.ones(step_up.sum(), bool)])
    batches: list[dict[str, np.ndarray]] = []
    care_tables: list[dict[str, Any]] = []
    while len(pending_child):
        episodes, tables = journeys.episode_batch(rng, world, pending_child, pending_ref)
        episodes["step_up"] = stepped
        episodes["cp_previous"] = world.cp_count[pending_child] + world.off_data_cp[pending_child]
        world.cp_count[pending_child] += episodes["cp_start"] != NONE
        batches.append(episodes)
        care_tables += tables
        pending_child, pending_ref = journeys.next_referrals(rng, world, episodes, last)
        stepped = np.zeros(len(pending_child), bool)

    referrals = pd.DataFrame({k: np.concatenate([b[k] for b in batches]) for k in batches[0]})
    referrals = referrals.sort_values(["child", "referral_date"], kind="stable")
    referrals = referrals.reset_index(drop=True)
    _add_sources_and_factors(rng, referrals)
    with_breaks = referrals[referrals["short_breaks"]]
    care_tables.append(
        breaks.short_breaks(
            rng,
            with_breaks["child"].to_numpy(),
            with_breaks["cin_a_start"].to_numpy(),
            with_breaks["cin_a_end"].to_numpy(),
        )
    )
    care_episodes, care_periods = _care_tables(care_tables)
    early_help = _early_help(rng, referrals, eh_child, eh_start, eh_end, b18, sim_start=sim_start)
    reviews = _cp_reviews(referrals)

    history = History(
        children=_children(rng, world, referrals, early_help),
        referrals=referrals,
        cp_reviews=reviews,
        care_episodes=care_episodes,
        care_periods=care_periods,
        oc3=pd.DataFrame(),
        early_help=early_help,
    )
    _cut(history, last)
    history.oc3 = leavers.care_leavers(rng, history.care_periods, dob, first, last)
    return history


def _add_sources_and_factors(rng: np.random.Generator, referrals: pd.DataFrame) -> None:
    n = len(referrals)
    source = draw(rng, rates.REFERRAL_SOURCES, n)
    early = referrals["referral_date"].to_numpy() < journeys.SOURCE_5D_FROM
    source[(source == "5D") & early] = rates.SOURCES_BEFORE_5D
    stepped = referrals["step_up"].to_numpy()
    source[stepped] = np.where(early, "5B", "5D")[stepped]
    referrals["source"] = source
    picks = draw(rng, rates.FACTORS, n * 4).reshape(n, 4)
    count = rng.integers(1, 5, n)
    nothing = (referrals["kind"].to_numpy() == "nin") & (rng.random(n) < 0.5)
    factors = [
        "21" if none else ",".join(dict.fromkeys(row[:k]))
        for row, k, none in zip(picks.tolist(), count.tolist(), nothing.tolist(), strict=True)
    ]
    referrals["factors"] = np.where(referrals["assessment_start"] != NONE, factors, "")


def _care_tables(tables: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    episodes, periods, offset = [], [], 0
    for table in tables:
        frame = pd.DataFrame(table["episodes"])
        frame["period"] += offset
        episodes.append(frame)
        block = pd.DataFrame(table["periods"])
        block.insert(0, "period", np.arange(offset, offset + len(block)))
        periods.append(block)
        offset += len(block)
    all_periods = pd.concat(periods, ignore_index=True)
    all_episodes = pd.concat(episodes, ignore_index=True)
    all_episodes = all_episodes.sort_values(["child", "decom"], kind="stable")
    all_periods = all_periods.sort_values(["child", "start"], kind="stable")
    return all_episodes.reset_index(drop=True), all_periods.reset_index(drop=True)


def _early_help(
    rng: np.random.Generator,
    referrals: pd.DataFrame,
    eh_child: np.ndarray,
    eh_start: np.ndarray,
    eh_end: np.ndarray,
    b18: np.ndarray,
    *,
    sim_start: int,
) -> pd.DataFrame:
    """Early help before a first referral, and after RC9 (and some RC7) closures; an
    episode ends the day before the child's next referral."""
    n = len(referrals)
    reason = referrals["closure_reason"].to_numpy()
    closure = referrals["closure_date"].to_numpy()
    chance = np.where(reason == "RC9", rates.P_EH_AFTER_RC9, 0.0)
    chance = np.where(
        (reason == "RC7") & (referrals["kind"] == "cin"), rates.P_EH_AFTER_RC7, chance
    )
    after = rng.random(n) < chance
    start = closure + rng.integers(1, 31, n)
    end = start + journeys.lognormal_days(rng, 150, 0.6, n)
    child = np.concatenate([eh_child, referrals["child"].to_numpy()[after]])
    start = np.concatenate([eh_start, start[after]])
    end = np.minimum(np.concatenate([eh_end, end[after]]), b18[child] - 1)
    keys = (
        referrals["child"].to_numpy() * _KEY + referrals["referral_date"].to_numpy() - sim_start + 1
    )
    position = np.searchsorted(keys, child * _KEY + start - sim_start + 1)
    has_next = position < n
    next_child = referrals["child"].to_numpy()[np.minimum(position, n - 1)]
    next_ref = referrals["referral_date"].to_numpy()[np.minimum(position, n - 1)]
    limited = has_next & (next_child == child)
    end = np.where(limited, np.minimum(end, next_ref - 1), end)
    previous = np.maximum(position - 1, 0)
    inside = (
        (position > 0)
        & (referrals["child"].to_numpy()[previous] == child)
        & (closure[previous] >= start)
    )
    keep = (end >= start) & ~inside
    frame = pd.DataFrame({"child": child[keep], "start": start[keep], "end": end[keep]})
    return frame.sort_values(["child", "start"], kind="stable").reset_index(drop=True)


def _cp_reviews(referrals: pd.DataFrame) -> pd.DataFrame:
    """Review conferences: the first within 3 months of the plan's start, then 6-monthly."""
    plans = referrals[referrals["cp_start"] != NONE]
    start, end = plans["cp_start"].to_numpy(), plans["cp_end"].to_numpy()
    count = np.maximum((end - start - 91) // 182 + 1, 0)
    row = np.repeat(np.arange(len(plans)), count)
    step = np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    when = working_days_after(start[row] + 88 + 182 * step, 0)
    keep = when < end[row]
    return pd.DataFrame(
        {
            "child": plans["child"].to_numpy()[row][keep],
            "cp_start": start[row][keep],
            "review_date": when[keep],
        }
    )


def _children(
    rng: np.random.Generator,
    world: journeys.World,
    referrals: pd.DataFrame,
    early_help: pd.DataFrame,
) -> pd.DataFrame:
    n = len(world.dob)
    first_seen = np.full(n, np.iinfo("int64").max)
    np.minimum.at(first_seen, referrals["child"].to_numpy(), referrals["referral_date"])
    np.minimum.at(first_seen, early_help["child"].to_numpy(), early_help["start"].to_numpy())
    disabled = world.disabled
    kinds = draw(rng, rates.DISABILITIES, n * 2).reshape(n, 2)
    two = rng.random(n) < 0.3
    disability = np.where(
        disabled,
        np.where(two & (kinds[:, 0] != kinds[:, 1]), kinds[:, 0] + "," + kinds[:, 1], kinds[:, 0]),
        "NONE",
    )
    return pd.DataFrame(
        {
            "child": np.arange(n),
            "dob": world.dob,
            "sex": world.sex,
            "ethnicity": draw(rng, rates.ETHNICITIES, n),
            "disabilities": disability,
            "first_seen": first_seen,
            "upn_serial": rng.integers(0, 10**9, n),
        }
    )


def _cut(history: History, last: int) -> None:
    """Forget everything after the data's last day."""
    refs = history.referrals
    pairs = [
        ("assessment_start", "assessment_authorised"),
        ("s47_start", "s47_decided"),
        ("cin_a_start", "cin_a_end"),
        ("cp_start", "cp_end"),
        ("cin_b_start", "cin_b_end"),
        ("care_start", "care_end"),
    ]
    for start, end in pairs:
        later = refs[start] > last
        refs.loc[later, start] = NONE
        refs.loc[later, end] = NONE
        refs.loc[refs[end] > last, end] = NONE
    refs.loc[refs["icpc_date"] > last, "icpc_date"] = NONE
    closed_later = refs["closure_date"] > last
    refs.loc[closed_later, "closure_date"] = NONE
    refs.loc[closed_later, "closure_reason"] = ""
    refs.loc[refs["assessment_authorised"] == NONE, "factors"] = ""
    history.cp_reviews = history.cp_reviews[history.cp_reviews["review_date"] <= last]
    episodes = history.care_episodes[history.care_episodes["decom"] <= last].copy()
    forget_ends(episodes, episodes["dec"] > last)
    history.care_episodes = episodes.reset_index(drop=True)
    periods = history.care_periods[history.care_periods["start"] <= last].copy()
    ends_later = periods["end"] > last
    periods.loc[ends_later, "end"] = NONE
    periods.loc[ends_later, "rec"] = ""
    history.care_periods = periods.reset_index(drop=True)
    help_ = history.early_help[history.early_help["start"] <= last].copy()
    help_.loc[help_["end"] > last, "end"] = NONE
    history.early_help = help_.reset_index(drop=True)


def forget_ends(episodes: pd.DataFrame, mask: pd.Series) -> None:
    """903 episodes whose end is not known yet: open, with no reason."""
    episodes.loc[mask, "dec"] = NONE
    episodes.loc[mask, "rec"] = ""
    episodes.loc[mask, "reason"] = ""

"""Referral journeys: one episode of need per referral, vectorised over a batch.

Each referral either ends as no further action, or is assessed (starting 0-10 working
days after the referral, authorised within 45), and then: closed as not in need (RC8,
or RC9 with early help), a child in need with a CIN plan, a section 47 enquiry leading
to an initial conference and a CP plan, or a period of care. Later escalations (CIN to
CP or care), step-down CIN plans after CP or care, and the closure follow. Dates are
int day numbers (calendar.NONE when absent); nothing here is cut at the data's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from coredata.synthetic import care, rates
from coredata.synthetic.calendar import NONE, add_years, day, working_days_after
from coredata.synthetic.rates import draw

RC9_FROM = day(date(2022, 4, 1))
SOURCE_5D_FROM = RC9_FROM


@dataclass
class World:
    """What the batches share: each child's details and running counts."""

    dob: np.ndarray
    disabled: np.ndarray
    off_data_cp: np.ndarray
    cp_count: np.ndarray
    sex: np.ndarray


def lognormal_days(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.maximum(1, np.rint(median * np.exp(sigma * rng.standard_normal(n)))).astype("int64")


def _set(target: np.ndarray, mask: np.ndarray, values: np.ndarray | int | str) -> None:
    target[mask] = values[mask] if isinstance(values, np.ndarray) else values


def episode_batch(
    rng: np.random.Generator, world: World, child: np.ndarray, ref: np.ndarray
) -> tuple[dict[str, np.ndarray], list[dict[str, np.ndarray]]]:
    """The episodes of need starting on `ref` for `child` (one referral per child), and
    their periods of care (care.py tables)."""
    n = len(child)
    dob = world.dob[child]
    b18 = add_years(dob, 18)
    disabled = world.disabled[child]
    nfa = rng.random(n) < rates.P_NFA
    active = ~nfa

    a_offset = rng.integers(0, 11, n)
    a_start = working_days_after(ref, a_offset)
    a_auth = working_days_after(ref, np.minimum(a_offset + rng.integers(8, 36, n), 45))

    direct = active & (rng.random(n) < rates.P_DIRECT_CARE)
    s47 = active & (rng.random(n) < np.where(direct, 0.6, rates.P_S47))
    s_start = working_days_after(ref, rng.integers(0, 6, n))
    icpc = s47 & ~direct & (rng.random(n) < rates.P_ICPC)
    icpc_day = working_days_after(s_start, rng.integers(5, 16, n))
    cp = icpc & (rng.random(n) < rates.P_CP_AFTER_ICPC)
    s_decided = np.where(icpc, icpc_day, working_days_after(s_start, rng.integers(3, 11, n)))
    nin_chance = np.where(s47, rates.P_NOT_IN_NEED["s47"], rates.P_NOT_IN_NEED["other"])
    nin = active & ~direct & ~icpc & (rng.random(n) < nin_chance)
    cin = active & ~direct & ~cp & ~nin

    closure = np.full(n, NONE, dtype="int64")
    reason = np.full(n, "", dtype=object)
    kind = np.full(n, "cin", dtype=object)
    cin_a_start, cin_a_end, cp_start, cp_end, cin_b_start, cin_b_end, care_start = (
        np.full(n, NONE, dtype="int64") for _ in range(7)
    )
    _set(closure, nfa, ref)
    _set(reason, nfa, "RC8")
    _set(kind, nfa, "nfa")

    # Assessed as not in need: closed RC8, or RC9 (early help) in returns from 2022-23.
    done = np.maximum(a_auth, np.where(s47, s_decided, 0))
    _set(closure, nin, done + rng.integers(0, 8, n))
    rc9 = nin & (closure >= RC9_FROM) & (rng.random(n) < rates.P_RC9)
    _set(reason, nin, np.where(rc9, "RC9", "RC8"))
    _set(kind, nin, "nin")

    # Children in need: a CIN plan (always for disabled children), or services without one.
    plan = cin & ((rng.random(n) < rates.P_CIN_PLAN) | disabled)
    ready = np.maximum(a_auth, np.where(icpc, icpc_day, 0))
    _set(cin_a_start, plan, ready + rng.integers(0, 11, n))
    plan_days = np.where(
        disabled, lognormal_days(rng, 540, 0.6, n), lognormal_days(rng, 170, 0.8, n)
    )
    plan_days = np.maximum(plan_days, 30)
    _set(cin_a_end, plan, cin_a_start + plan_days)
    no_plan = cin & ~plan
    _set(closure, no_plan, ready + lognormal_days(rng, 40, 0.7, n))
    _set(reason, no_plan, "RC7")

    # Escalation during a CIN plan: a section 47 enquiry (maybe a CP plan), or care.
    escalate = rng.random(n)
    esc_cp = plan & ~s47 & (escalate < rates.P_ESCALATE_CP)
    esc_care = plan & ~esc_cp & (escalate > 1 - rates.P_ESCALATE_CARE) & (plan_days > 60)
    when = cin_a_start + np.rint(rng.uniform(0.15, 0.9, n) * plan_days).astype("int64")
    s47 = s47 | esc_cp
    _set(s_start, esc_cp, working_days_after(when, 0))
    icpc_late = esc_cp & (rng.random(n) < 0.6)
    icpc = icpc | icpc_late
    _set(icpc_day, icpc_late, working_days_after(s_start, rng.integers(5, 16, n)))
    _set(
        s_decided,
        esc_cp,
        np.where(icpc_late, icpc_day, working_days_after(s_start, rng.integers(3, 11, n))),
    )
    cp_late = icpc_late & (rng.random(n) < rates.P_CP_AFTER_ICPC)
    cp = cp | cp_late
    _set(cin_a_end, cp_late, icpc_day)
    _set(cin_a_end, esc_care, when)
    _set(care_start, esc_care, when)
    plain = plan & ~cp_late & ~esc_care
    _set(closure, plain, cin_a_end + rng.integers(0, 31, n))
    _set(reason, plain, draw(rng, rates.table({"RC7": 88, "RC5": 5, "RC3": 4, "RC4": 3}), n))

    # Child protection plans, and what follows them.
    _set(cp_start, cp, icpc_day)
    band = rates.draw_index(rng, rates.CP_SHARES, n)
    low, high = rates.CP_BANDS[band, 0], rates.CP_BANDS[band, 1]
    _set(cp_end, cp, cp_start + rng.integers(low, high + 1))
    after = rng.random(n)
    cp_care = cp & (after < rates.P_CARE_AFTER_CP)
    step = cp & ~cp_care & (after < rates.P_CARE_AFTER_CP + rates.P_STEP_DOWN_AFTER_CP)
    _set(care_start, cp_care, cp_end)
    _set(cin_b_start, step, cp_end)
    _set(cin_b_end, step, cp_end + lognormal_days(rng, 120, 0.6, n))
    _set(closure, step, cin_b_end + rng.integers(0, 22, n))
    cp_closed = cp & ~cp_care & ~step
    _set(closure, cp_closed, cp_end + rng.integers(0, 15, n))
    _set(reason, cp | step, "RC7")
    _set(kind, cp, "cp")
    initial_cat = draw(rng, rates.ABUSE, n)
    latest_cat = np.where(rng.random(n) < 0.1, draw(rng, rates.ABUSE, n), initial_cat)

    # Periods of care: straight after the referral, after a CP plan, or during a CIN plan.
    _set(care_start, direct, ref + rng.integers(0, 21, n))
    in_care = care_start != NONE
    too_old = in_care & (care_start >= b18 - 14)
    _set(closure, too_old, b18)
    _set(reason, too_old, "RC7")
    in_care &= ~too_old
    _set(kind, in_care, "care")
    _set(reason, in_care, "")
    periods = np.flatnonzero(in_care)
    route = np.where(direct[periods], "direct", "planned")
    need = _needs(rng, kind, disabled, n)
    outcome = care.periods_of_care(
        rng, world, child[periods], care_start[periods], route, need[periods]
    )
    care_end = np.full(n, NONE, dtype="int64")
    care_end[periods] = outcome["end"]
    exit_reason = np.full(n, "", dtype=object)
    exit_reason[periods] = outcome["rc"]
    left = in_care & (exit_reason != "")
    _set(closure, left, care_end)
    _set(reason, left, exit_reason)
    home = in_care & (exit_reason == "")
    support = home & (rng.random(n) < 0.5)
    _set(cin_b_start, support, care_end)
    _set(cin_b_end, support, care_end + lognormal_days(rng, 120, 0.6, n))
    _set(closure, home, np.maximum(care_end, cin_b_end) + rng.integers(1, 61, n))
    _set(reason, home, "RC7")
    care_start = np.where(in_care, care_start, NONE)

    # Nothing continues past the 18th birthday.
    aged_out = closure > b18
    _set(closure, aged_out, b18)
    _set(reason, aged_out, np.where(rng.random(n) < 0.3, "RC6", "RC7"))
    for starts, ends in (
        (a_start, a_auth),
        (s_start, s_decided),
        (cin_a_start, cin_a_end),
        (cp_start, cp_end),
        (cin_b_start, cin_b_end),
    ):
        gone = starts > closure
        starts[gone] = NONE
        ends[gone | (starts == NONE)] = NONE
        np.minimum(ends, closure, out=ends, where=ends != NONE)
    a_start[nfa] = NONE
    a_auth[a_start == NONE] = NONE
    s47 &= s_start != NONE
    icpc &= s47 & (icpc_day <= closure)
    cp &= cp_start != NONE

    episodes = {
        "child": child,
        "referral_date": ref,
        "need": need,
        "nfa": nfa,
        "closure_date": closure,
        "closure_reason": reason,
        "kind": kind,
        "assessment_start": a_start,
        "assessment_authorised": a_auth,
        "s47_start": np.where(s47, s_start, NONE),
        "s47_decided": np.where(s47, s_decided, NONE),
        "icpc_date": np.where(icpc, icpc_day, NONE),
        "cin_a_start": cin_a_start,
        "cin_a_end": cin_a_end,
        "cp_start": cp_start,
        "cp_end": cp_end,
        "cp_initial": initial_cat,
        "cp_latest": latest_cat,
        "cin_b_start": cin_b_start,
        "cin_b_end": cin_b_end,
        "care_start": care_start,
        "care_end": np.where(in_care, care_end, NONE),
        "short_breaks": plan
        & disabled
        & (rng.random(n) < rates.P_SHORT_BREAKS)
        & ~esc_care
        & ~cp_late
        & (cin_a_start != NONE),
        "ends_history": np.isin(reason, ["RC1", "RC4", "RC5", "RC6"]) | aged_out,
    }
    return episodes, outcome["tables"]


def _needs(rng: np.random.Generator, kind: np.ndarray, disabled: np.ndarray, n: int) -> np.ndarray:
    need = np.full(n, "", dtype=object)
    for label in ("cin", "nin", "cp", "care"):
        mask = kind == label
        need[mask] = draw(rng, rates.NEEDS[label], n)[mask]
    need[(kind == "cin") & disabled] = "N2"
    return need


def next_referrals(
    rng: np.random.Generator, world: World, episodes: dict[str, np.ndarray], last_day: int
) -> tuple[np.ndarray, np.ndarray]:
    """The children referred again, and when: after the closure, before 18 and the end."""
    kind = episodes["kind"]
    chance = np.zeros(len(kind))
    for label, p in rates.P_NEXT_REFERRAL.items():
        chance[kind == label] = p
    closure = episodes["closure_date"]
    gap = 1 + np.rint(rng.exponential(rates.NEXT_REFERRAL_MEAN_GAP, len(kind))).astype("int64")
    child = episodes["child"]
    follow = (rng.random(len(kind)) < chance) & ~episodes["ends_history"]
    when = closure + gap
    follow &= (when - world.dob[child] <= rates.MAX_REFERRAL_AGE_DAYS) & (when <= last_day)
    return child[follow], when[follow]

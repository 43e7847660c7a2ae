"""Who holds each child, and when they are seen: allocations, visits, team roles.

A child's open plans give a timeline of phases (assessment, child in need, child
protection, care, care at 16 or over, early help); each phase goes to a team whose name
says it does that work (in the child's locality when there is one), and within the team
to a case-holding worker in post on the phase's first day. When that worker moves or
leaves, the child is handed over the next day. Visits follow the plan's interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.synthetic import rates
from coredata.synthetic.calendar import NONE, add_years, working_days_after
from coredata.synthetic.history import History

ROLES = ("cin", "assess", "cp", "care", "leaving", "eh")
_KEYWORDS = (
    ("leaving", ("leaving", "care leav")),
    ("care", ("in care", "looked after", "permanence", "cared for")),
    ("cp", ("protection",)),
    ("eh", ("early help",)),
    ("assess", ("assess", "front door", "duty", "mash")),
    ("cin", ("need", "support", "family")),
)
_FALLBACK = {
    "assess": "cin",
    "cp": "cin",
    "care": "cin",
    "leaving": "care",
    "eh": "cin",
    "cin": "assess",
}
_CHUNK = 4096
TIERS = {"assess": "CIN", "cin": "CIN", "cp": "CP", "care": "LAC", "leaving": "LAC"}


def team_role(name: str) -> str:
    lowered = name.lower()
    for role, words in _KEYWORDS:
        if any(word in lowered for word in words):
            return role
    return "cin"


def phases(history: History, first: int, last: int) -> pd.DataFrame:
    """(child, start, end, role) with inclusive ends, not overlapping for a child, from
    `first` to `last` (an open plan runs to `last`)."""
    refs = history.referrals[~history.referrals["nfa"]].reset_index(drop=True)
    dob = history.children["dob"].to_numpy()[refs["child"].to_numpy()]

    def span(start: str, end: str, fallback: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s, e = refs[start].to_numpy(), refs[end].to_numpy()
        return s, np.where(s == NONE, NONE, np.where(e == NONE, fallback, e))

    ep_end = np.where(refs["closure_date"] == NONE, last, refs["closure_date"])
    care_s, care_e = span("care_start", "care_end", ep_end)
    sixteen = add_years(dob, 16)
    leaving_s = np.where((care_s != NONE) & (care_e >= sixteen), np.maximum(care_s, sixteen), NONE)
    intervals = [  # in rising priority: the highest covering a day decides its role
        ("cin", refs["referral_date"].to_numpy(), ep_end),
        ("assess", *span("assessment_start", "assessment_authorised", ep_end)),
        ("cp", *span("cp_start", "cp_end", ep_end)),
        ("care", care_s, care_e),
        ("leaving", leaving_s, np.where(leaving_s == NONE, NONE, care_e)),
    ]
    intervals[1] = ("assess", refs["referral_date"].to_numpy(), intervals[1][2])
    n = len(refs)
    ep = np.concatenate([np.arange(n)] * (2 * len(intervals)))
    days = np.concatenate([s for _, s, _ in intervals] + [e + 1 for _, _, e in intervals])
    ok = (days >= refs["referral_date"].to_numpy()[ep]) & (days <= ep_end[ep])
    ok &= np.concatenate([s != NONE for _, s, _ in intervals] * 2)
    points = pd.DataFrame({"ep": ep[ok], "day": days[ok]}).drop_duplicates()
    points = points.sort_values(["ep", "day"], kind="stable").reset_index(drop=True)
    p_ep, p_day = points["ep"].to_numpy(), points["day"].to_numpy()
    role = np.zeros(len(points), dtype="int64")
    for priority, (_, s, e) in enumerate(intervals):
        covered = (s[p_ep] != NONE) & (s[p_ep] <= p_day) & (p_day <= e[p_ep])
        role = np.where(covered, priority, role)
    change = np.ones(len(points), bool)
    change[1:] = (p_ep[1:] != p_ep[:-1]) | (role[1:] != role[:-1])
    p_ep, p_day, role = p_ep[change], p_day[change], role[change]
    last_of_ep = np.append(p_ep[1:] != p_ep[:-1], True)
    end = np.where(last_of_ep, ep_end[p_ep], np.append(p_day[1:], 0) - 1)
    names = np.array([name for name, _, _ in intervals], dtype=object)
    frame = pd.DataFrame(
        {"child": refs["child"].to_numpy()[p_ep], "start": p_day, "end": end, "role": names[role]}
    )
    help_ = history.early_help
    early = pd.DataFrame(
        {
            "child": help_["child"],
            "start": help_["start"],
            "end": help_["end"].where(help_["end"] != NONE, last),
            "role": "eh",
        }
    )
    frame = pd.concat([frame, early], ignore_index=True)
    frame = frame[frame["end"] >= first].copy()
    frame["start"] = frame["start"].clip(lower=first)
    return frame.sort_values(["child", "start"], kind="stable").reset_index(drop=True)


def assign_teams(
    rng: np.random.Generator, segments: pd.DataFrame, teams: list[tuple[str, str, str, str]]
) -> np.ndarray:
    """A team code for each segment: by role, the child's locality first."""
    services = sorted({service for _, _, service, _ in teams})
    child_service = np.array(services, dtype=object)[
        (segments["child"].to_numpy() * 2654435761 % 2**32) % len(services)
    ]
    roles = np.array([team_role(name) for _, name, _, _ in teams], dtype=object)
    codes = np.array([code for code, _, _, _ in teams], dtype=object)
    team_service = np.array([service for _, _, service, _ in teams], dtype=object)
    result = np.full(len(segments), "", dtype=object)
    pick = rng.random(len(segments))
    seg_roles = segments["role"].to_numpy()
    for role in ROLES:
        for service in services:
            mask = (seg_roles == role) & (child_service == service)
            if not mask.any():
                continue
            fallback = _FALLBACK[role]
            for candidates in (
                (roles == role) & (team_service == service),
                roles == role,
                (roles == fallback) & (team_service == service),
                roles == fallback,
                team_service == service,
                np.ones(len(codes), bool),
            ):
                if candidates.any():
                    options = codes[candidates]
                    result[mask] = options[(pick[mask] * len(options)).astype(int)]
                    break
    return result


def assign_workers(
    rng: np.random.Generator, segments: pd.DataFrame, holders: pd.DataFrame
) -> pd.DataFrame:
    """Split each (child, team, start, end) segment between the team's case-holding
    workers: one in post on its first day, then whoever is chosen the day after they go.

    `holders`: worker_id, team_code, start, end (inclusive, no NONE), fte."""
    out = []
    for key, todo in segments.groupby("team_code", sort=True):
        team = str(key)
        staff = holders[holders["team_code"] == team]
        if staff.empty:
            raise ValueError(f"team {team} has no case-holding worker")
        s_start, s_end = staff["start"].to_numpy(), staff["end"].to_numpy()
        weight = staff["fte"].to_numpy()
        ids = staff["worker_id"].to_numpy()
        child, start, end = (todo[c].to_numpy() for c in ("child", "start", "end"))
        while len(child):
            by_day = np.argsort(start, kind="stable")
            child, start, end = child[by_day], start[by_day], end[by_day]
            chosen = np.concatenate(
                [
                    _choose(rng, start[i : i + _CHUNK], s_start, s_end, weight, team)
                    for i in range(0, len(child), _CHUNK)
                ]
            )
            until = np.minimum(end, s_end[chosen])
            out.append(
                pd.DataFrame(
                    {
                        "child": child,
                        "worker_id": ids[chosen],
                        "team_code": team,
                        "start": start,
                        "end": until,
                    }
                )
            )
            more = until < end
            child, start, end = child[more], until[more] + 1, end[more]
    frame = pd.concat(out, ignore_index=True)
    frame = frame.sort_values(["child", "start"], kind="stable").reset_index(drop=True)
    return _without_overlaps(frame)


def _without_overlaps(frame: pd.DataFrame) -> pd.DataFrame:
    """One child's allocations never overlap (the importer refuses overlaps): where a
    child's segments met in two teams (rare, at large sizes), the later allocation starts
    the day after the earlier ends, and one left empty is dropped. Frame sorted by child,
    start; ends inclusive day numbers."""
    reach = frame.groupby("child", sort=False)["end"].cummax()
    held_until = reach.groupby(frame["child"], sort=False).shift()
    overlap = held_until.notna() & (frame["start"] <= held_until)
    frame.loc[overlap, "start"] = held_until[overlap].astype("int64") + 1
    return frame[frame["start"] <= frame["end"]].reset_index(drop=True)


def _choose(
    rng: np.random.Generator,
    start: np.ndarray,
    s_start: np.ndarray,
    s_end: np.ndarray,
    weight: np.ndarray,
    team: str,
) -> np.ndarray:
    """For each day (in rising order), one of the workers in post that day (more likely
    with more FTE). Only the staff rows overlapping the days are looked at."""
    near = np.flatnonzero((s_start <= start[-1]) & (s_end >= start[0]))
    s_start, s_end = s_start[near], s_end[near]
    active = (s_start[None, :] <= start[:, None]) & (start[:, None] <= s_end[None, :])
    score = np.where(active, rng.random(active.shape) * weight[near][None, :], -1.0)
    if (score.max(axis=1) < 0).any():
        raise ValueError(f"team {team} has nobody in post on a day a child needs one")
    return near[score.argmax(axis=1)]


def visits(
    rng: np.random.Generator, segments: pd.DataFrame, dob: np.ndarray, last: int
) -> pd.DataFrame:
    """Visits on a cadence near each plan's interval (sometimes late), a few not seen."""
    plans = segments[segments["role"].isin(list(TIERS))]
    tier = plans["role"].map(TIERS).to_numpy()
    interval = pd.Series(tier).map(rates.VISIT_INTERVAL).to_numpy().astype("int64")
    start, end = plans["start"].to_numpy(), plans["end"].to_numpy()
    count = (end - start) // (interval * 55 // 100) + 2
    row = np.repeat(np.arange(len(plans)), count)
    gap = np.rint(interval[row] * rng.uniform(0.55, 1.3, len(row))).astype("int64")
    group_first = np.repeat(np.cumsum(count) - count, count)
    is_first = group_first == np.arange(len(row))
    gap[is_first] = rng.integers(0, 8, int(is_first.sum()))
    steps = np.cumsum(gap)
    offset = steps - steps[group_first] + gap[group_first]
    when = working_days_after(start[row] + offset, 0)
    keep = (start[row] + offset <= end[row]) & (when <= last)
    child = plans["child"].to_numpy()[row][keep]
    when = when[keep]
    frame = pd.DataFrame({"child": child, "visit_date": when})
    frame = frame.drop_duplicates(["child", "visit_date"]).reset_index(drop=True)
    m = len(frame)
    seen = rng.random(m) >= rates.P_NOT_SEEN
    old_enough = (frame["visit_date"].to_numpy() - dob[frame["child"].to_numpy()]) >= 4 * 365
    alone = np.where(rng.random(m) < 0.7, "Y", "N")
    frame["seen"] = np.where(seen, "Y", "N")
    frame["seen_alone"] = np.where(seen & old_enough, alone, "")
    return frame

"""Staff records, sickness absence and vacancies.

Each team has posts (a manager, who holds no cases, and case-holding practitioners)
that are always filled: when someone leaves or moves team, the post is refilled the next
day, by an agency worker about a third of the time. A mover keeps their worker ID: their
old row ends the day before the new row (in another team) starts. Vacant FTE (posts
funded but unfilled) is recorded per team at each quarter end. Rates aim at DfE's
2024-25 figures: turnover 11.8%, vacancy 14.2%, agency 13.0%, absence 3.5% (rates.py).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from coredata.synthetic import rates
from coredata.synthetic.calendar import NONE, day, to_date, working_days_after
from coredata.synthetic.rates import draw
from organisation.demo import FIRST_NAMES, LAST_NAMES

STAFF_COLUMNS = ["worker_id", "name", "team_code", "fte", "start", "end", "agency", "case_holding"]


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    return first + " " + last


def _slots(
    teams: list[tuple[str, str, str, str]],
    workers: list[tuple[str, str, str]] | None,
    demand: dict[str, float],
) -> pd.DataFrame:
    """The posts: team, case-holding or not, and the given worker filling it (if any)."""
    rows: list[tuple[str, bool, str | None, str | None]] = []
    given: dict[str, list[tuple[str, str]]] = {}
    for worker_id, name, team in workers or []:
        given.setdefault(team, []).append((worker_id, name))
    unknown = sorted(set(given) - {code for code, _, _, _ in teams})
    if unknown:
        raise ValueError(f"workers are in teams that are not listed: {', '.join(unknown)}")
    for code, _, _, _ in teams:
        needed = max(2, int(np.ceil(demand.get(code, 0.0) / (rates.CASELOAD * 0.93))))
        people = given.get(code, [])
        if workers is None:
            rows.append((code, False, None, None))
            rows += [(code, True, None, None)] * needed
            continue
        for index, (worker_id, name) in enumerate(people):
            rows.append((code, not (index == 0 and len(people) > 1), worker_id, name))
        if len(people) <= 1 and demand.get(code, 0.0) > 0:
            rows += [(code, True, None, None)] * (needed - len(people))
    return pd.DataFrame(rows, columns=["team_code", "case_holding", "worker_id", "name"])


def staff_history(
    rng: np.random.Generator,
    *,
    teams: list[tuple[str, str, str, str]],
    workers: list[tuple[str, str, str]] | None,
    demand: dict[str, float],
    first: int,
    last: int,
    stay: frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """Staff rows (dates as day numbers, end NONE while in post at the data's end).

    Workers named in `stay` hold their first post throughout: they neither move nor leave
    (the demo's logins keep the team their README line promises).
    """
    slots = _slots(teams, workers, demand)
    n = len(slots)
    codes = np.array([code for code, _, _, _ in teams], dtype=object)
    team = slots["team_code"].to_numpy(dtype=object)
    holding = slots["case_holding"].to_numpy(dtype=bool)
    ids = slots["worker_id"].to_numpy(dtype=object, copy=True)
    names = slots["name"].to_numpy(dtype=object, copy=True)
    counter = 0 if workers is None else 10000

    def new_ids(count: int) -> np.ndarray:
        nonlocal counter
        made = [f"W{number:04d}" for number in range(counter + 1, counter + count + 1)]
        counter += count
        return np.array(made, dtype=object)

    missing = slots["worker_id"].isna().to_numpy()
    ids[missing] = new_ids(int(missing.sum()))
    names[missing] = _names(rng, int(missing.sum()))
    agency = holding & missing & (rng.random(n) < rates.P_AGENCY_START)
    start = np.full(n, first, dtype="int64")
    out = []
    while len(start):
        m = len(start)
        fte = np.where(agency, 1.0, draw(rng, rates.FTE_CHOICES, m).astype(float))
        tenure = np.where(
            agency,
            np.maximum(60, rng.exponential(rates.AGENCY_TENURE_YEARS * 365.25, m)),
            rng.exponential(rates.PERMANENT_TENURE_YEARS * 365.25, m),
        ).astype("int64")
        keep = np.isin(ids, sorted(stay)) if stay else np.zeros(m, dtype=bool)
        tenure = np.where(keep, last - start + 1, tenure)
        leave = start + tenure
        move_day = start + 90 + (rng.random(m) * np.maximum(tenure - 90, 0)).astype("int64")
        moves = (
            ~agency
            & ~keep
            & holding
            & (len(codes) > 1)
            & (move_day <= last)
            & (move_day < leave)
            & (rng.random(m) < 1 - np.exp(-rates.P_MOVE_PER_YEAR * tenure / 365.25))
        )
        end = np.where(moves, move_day - 1, leave)
        out.append((ids, names, team, fte, start, end, agency, holding))
        # The mover's new team: any other one.
        shift = rng.integers(1, max(len(codes), 2), m)
        position = np.searchsorted(np.sort(codes), team)
        new_team = np.sort(codes)[(position + shift) % len(codes)]
        out.append(
            tuple(
                column[moves]
                for column in (ids, names, new_team, fte, move_day, leave, agency, holding)
            )
        )
        refill = end + 1 <= last
        team, holding, start = team[refill], holding[refill], end[refill] + 1
        agency = holding & (rng.random(len(start)) < rates.P_AGENCY_REFILL)
        ids, names = new_ids(len(start)), _names(rng, len(start))
    frame = pd.DataFrame(
        {name: np.concatenate([part[i] for part in out]) for i, name in enumerate(STAFF_COLUMNS)}
    )
    frame.loc[frame["end"] > last, "end"] = NONE
    frame["fte"] = frame["fte"].round(2)
    return frame.sort_values(["worker_id", "start"], kind="stable").reset_index(drop=True)


def case_holders(staff: pd.DataFrame, last: int) -> pd.DataFrame:
    holders = staff[staff["case_holding"]].copy()
    holders["end"] = holders["end"].where(holders["end"] != NONE, last)
    return holders[["worker_id", "team_code", "start", "end", "fte"]]


def sickness(rng: np.random.Generator, staff: pd.DataFrame, last: int) -> pd.DataFrame:
    """Absences of employed (not agency) workers: mostly a few days, some long-term."""
    employed = staff[~staff["agency"]].copy()
    employed["end"] = employed["end"].where(employed["end"] != NONE, last)
    spans = employed.groupby("worker_id", sort=True).agg(
        start=("start", "min"), end=("end", "max"), fte=("fte", "first")
    )
    worker = spans.index.to_numpy(dtype=object)
    w_end, fte = spans["end"].to_numpy(), spans["fte"].to_numpy()
    mean_gap = 365.25 / rates.SICK_SPELLS_PER_YEAR
    when = spans["start"].to_numpy() + rng.exponential(mean_gap, len(worker)).astype("int64")
    rows = []
    index = np.arange(len(worker))
    while len(index):
        m = len(index)
        long_term = rng.random(m) < 0.2
        length = np.where(
            long_term, np.minimum(120, 6 + rng.exponential(12, m)), rng.integers(1, 6, m)
        ).astype("int64")
        begin = working_days_after(when, 0)
        end = working_days_after(begin, length - 1)
        fits = end <= w_end[index]
        rows.append(
            pd.DataFrame(
                {
                    "worker_id": worker[index][fits],
                    "start": begin[fits],
                    "end": end[fits],
                    "days": np.round(length * fte[index], 1)[fits],
                }
            )
        )
        when = end + 1 + rng.exponential(mean_gap, m).astype("int64")
        going = when <= w_end[index]
        index, when = index[going], when[going]
    frame = pd.concat(rows, ignore_index=True)
    return frame.sort_values(["worker_id", "start"], kind="stable").reset_index(drop=True)


def quarter_ends(first: int, last: int) -> list[int]:
    found = []
    for year in range(to_date(first).year, to_date(last).year + 1):
        for month, day_of_month in ((3, 31), (6, 30), (9, 30), (12, 31)):
            value = day(date(year, month, day_of_month))
            if first <= value <= last:
                found.append(value)
    return found


def vacancies(
    rng: np.random.Generator, staff: pd.DataFrame, team_codes: list[str], first: int, last: int
) -> pd.DataFrame:
    """Vacant FTE per team at each quarter end, around 14% of the team's posts."""
    employed = staff[~staff["agency"]]
    end = employed["end"].where(employed["end"] != NONE, last)
    rows = []
    factor = rates.VACANCY_RATE / (1 - rates.VACANCY_RATE)
    for when in quarter_ends(first, last):
        active = employed[(employed["start"] <= when) & (end >= when)]
        in_post = active.groupby("team_code")["fte"].sum().reindex(team_codes, fill_value=0.0)
        noise = rng.uniform(0.3, 1.7, len(team_codes))
        vacant = np.round(np.maximum(in_post.to_numpy(), 2.0) * factor * noise, 1)
        rows.append(pd.DataFrame({"team_code": team_codes, "date": when, "vacant_fte": vacant}))
    return pd.concat(rows, ignore_index=True)

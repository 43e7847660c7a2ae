"""Periods of care as SSDA903 episodes, short breaks, and care leavers' OC3 records.

A period of care starts with an `RNE S` episode; legal changes (police protection to an
interim care order, an interim to a full care order, a placement order) and placement
moves (a new carer, `P`; the same carer, `T`) each start a new episode, combined into
`B`/`U` when both change on one day. The ceasing episode of a move carries the reason
for the placement change. The last episode ends with how care ended (E11/E12 adoption,
E45-E48 special guardianship, E41, E4A, E17 and the other 18th-birthday reasons...).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coredata.synthetic import rates
from coredata.synthetic.calendar import add_years, day
from coredata.synthetic.rates import draw

if TYPE_CHECKING:
    from coredata.synthetic.journeys import World

K3_FROM = day(date(2024, 4, 1))
_REGISTERED = ("K1", "K2", "K3", "R1", "R5", "S1")
_SAME_CARER = {"U6": "U4", "U3": "U1", "U5": "U4", "U2": "U1"}
_CLOSURE_AFTER = {"adoption": "RC1", "sgo": "RC4", "cao": "RC3"}
EPISODE_COLUMNS = (
    "child",
    "decom",
    "rne",
    "ls",
    "cin",
    "place",
    "provider",
    "dec",
    "rec",
    "reason",
    "urn",
    "home_post",
    "pl_post",
    "period",
)


def _lognormal(rng: np.random.Generator, median: float, sigma: float, n: int) -> np.ndarray:
    return np.maximum(2, np.rint(median * np.exp(sigma * rng.standard_normal(n)))).astype("int64")


def _places(rng: np.random.Generator, age_years: np.ndarray, when: np.ndarray) -> np.ndarray:
    n = len(age_years)
    place = np.where(
        age_years < 1,
        draw(rng, rates.PLACEMENTS_BABY, n),
        np.where(
            age_years < 16,
            draw(rng, rates.PLACEMENTS_CHILD, n),
            draw(rng, rates.PLACEMENTS_OLDER, n),
        ),
    )
    newer = (place == "H5") & (when >= K3_FROM) & (rng.random(n) < 0.4)
    place[newer] = "K3"
    return place


def periods_of_care(
    rng: np.random.Generator,
    world: World,
    child: np.ndarray,
    start: np.ndarray,
    route: np.ndarray,
    need: np.ndarray,
) -> dict[str, Any]:
    """How each period of care goes: its end, the CIN closure reason it implies ("" when
    the child goes home and the episode of need carries on), and its 903 episodes."""
    n = len(child)
    dob = world.dob[child]
    b18 = add_years(dob, 18)
    age = (start - dob) / 365.25
    group = np.digitize(age, [5, 13, 16])
    cumulative = np.cumsum(rates.CARE_EXIT_SHARES[group], axis=1)
    picked = np.minimum((rng.random(n)[:, None] > cumulative).sum(axis=1), 5)
    exit_kind = np.array(rates.CARE_EXITS, dtype=object)[picked]
    length = np.zeros(n, dtype="int64")
    for label, median in rates.CARE_DURATION_MEDIAN.items():
        sigma = {"home": 1.0, "other": 0.9}.get(label, 0.3)
        length = np.where(exit_kind == label, _lognormal(rng, median, sigma, n), length)
    length = np.where(exit_kind == "adult", b18 - start, length)
    end = start + length
    aged = end >= b18
    end = np.where(aged, b18, end)
    exit_kind[aged] = "adult"
    length = np.maximum(end - start, 1)
    end = start + length

    rec = np.full(n, "E4A", dtype=object)
    rec[rng.random(n) < 0.15] = "E4B"
    for label, choices in (
        ("adoption", rates.ADOPTION_RECS),
        ("sgo", rates.SGO_RECS),
        ("adult", rates.ADULT_RECS),
        ("other", rates.OTHER_RECS),
    ):
        mask = exit_kind == label
        rec[mask] = draw(rng, choices, n)[mask]
    rec[exit_kind == "cao"] = "E41"
    rc = np.full(n, "", dtype=object)
    for label, code in _CLOSURE_AFTER.items():
        rc[exit_kind == label] = code
    rc[exit_kind == "adult"] = np.where(rng.random(n) < 0.3, "RC6", "RC7")[exit_kind == "adult"]
    rc[rec == "E3"] = "RC5"
    rc[np.isin(rec, ["E9", "E14", "E16"])] = "RC7"

    episodes = _episodes(rng, world, child, start, length, age, route, need, exit_kind, rec)
    periods = {
        "child": child,
        "start": start,
        "end": end,
        "short_break": np.zeros(n, bool),
        "rec": rec,
    }
    return {"end": end, "rc": rc, "tables": [{"episodes": episodes, "periods": periods}]}


def _legal_events(
    rng: np.random.Generator, ls0: np.ndarray, length: np.ndarray, adoption: np.ndarray
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(row, day, new legal status) events: protection ending, s20 to care proceedings,
    interim to full care orders, placement orders."""
    n = len(ls0)
    events = []
    rows = np.arange(n)
    current, since = ls0.copy(), np.zeros(n, dtype="int64")
    protection = np.isin(ls0, ["L1", "L2"])
    after = np.where(adoption | (rng.random(n) < 0.6), "C1", "V2")
    when = rng.integers(1, 9, n)
    events.append((rows[protection], when[protection], after[protection]))
    current = np.where(protection, after, current)
    since = np.where(protection, when, since)
    to_order = (current == "V2") & (adoption | (rng.random(n) < 0.25))
    when = since + rng.integers(20, 200, n)
    events.append((rows[to_order], when[to_order], np.full(to_order.sum(), "C1", object)))
    current = np.where(to_order, "C1", current)
    since = np.where(to_order, when, since)
    full = current == "C1"
    when = since + rng.integers(120, 300, n)
    when = np.where(adoption, np.minimum(when, np.maximum(since + 1, length * 4 // 10)), when)
    events.append((rows[full], when[full], np.full(full.sum(), "C2", object)))
    order_day = np.maximum(when + 1, np.rint(length * rng.uniform(0.45, 0.6, n)).astype(int))
    placement_order = adoption & full
    events.append(
        (
            rows[placement_order],
            order_day[placement_order],
            np.full(placement_order.sum(), "E1", object),
        )
    )
    return events


def _episodes(
    rng: np.random.Generator,
    world: World,
    child: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    age: np.ndarray,
    route: np.ndarray,
    need: np.ndarray,
    exit_kind: np.ndarray,
    rec: np.ndarray,
) -> dict[str, np.ndarray]:
    n = len(child)
    adoption = exit_kind == "adoption"
    ls0 = np.where(
        route == "direct",
        draw(rng, rates.P_INITIAL_LEGAL["direct"], n),
        draw(rng, rates.P_INITIAL_LEGAL["planned"], n),
    )
    ls0 = np.where(age >= 16, draw(rng, rates.P_INITIAL_LEGAL["older"], n), ls0)
    ls0 = np.where(adoption & ~np.isin(ls0, ["L1", "L2"]), "C1", ls0)
    rows, days, legal, places, carer = [np.arange(n)], [np.zeros(n, "int64")], [ls0], [], []
    places.append(_places(rng, age, start))
    carer.append(np.ones(n, bool))
    for row, when, status in _legal_events(rng, ls0, length, adoption):
        rows.append(row)
        days.append(when)
        legal.append(status)
        places.append(np.full(len(row), None, object))
        carer.append(np.zeros(len(row), bool))
        # A full care order often comes with the foster placement made long-term (U).
        settled = (status == "C2") & (rng.random(len(row)) < 0.3)
        rows.append(row[settled])
        days.append(when[settled])
        legal.append(np.full(settled.sum(), None, object))
        places.append(_places(rng, age[row[settled]], start[row[settled]] + when[settled]))
        carer.append(np.zeros(settled.sum(), bool))
    # Placement moves, and for adoption the adoptive placement (after which none).
    # Moves are likelier in the first year of care, and for teenagers.
    teen = age >= 11
    adopt_day = np.rint(length * rng.uniform(0.65, 0.75, n)).astype("int64")
    horizon = np.where(adoption, adopt_day, length)
    early_span, later_span = np.minimum(horizon, 365), np.maximum(horizon - 365, 0)
    parts = []
    for span, offset, phase in ((early_span, 1, 0), (later_span, 365, 1)):
        rate = np.where(
            teen,
            rates.PLACEMENT_MOVES_PER_YEAR["teen"][phase],
            rates.PLACEMENT_MOVES_PER_YEAR["child"][phase],
        )
        part = np.repeat(np.arange(n), rng.poisson(rate * span / 365.25))
        gap = np.maximum(span[part] - offset, 0) if offset == 1 else span[part]
        parts.append((part, offset + np.floor(rng.random(len(part)) * gap).astype("int64")))
    row = np.concatenate([part for part, _ in parts])
    when = np.concatenate([day_ for _, day_ in parts])
    same_carer = rng.random(len(row)) < 0.15
    move_age = age[row] + when / 365.25
    rows += [row, np.flatnonzero(adoption)]
    days += [when, adopt_day[adoption]]
    legal += [np.full(len(row), None, object), np.full(adoption.sum(), None, object)]
    adoptive = np.where(rng.random(n) < 0.15, "A5", "A6")[adoption]
    places += [_places(rng, move_age, start[row] + when), adoptive]
    carer += [~same_carer, adoptive == "A6"]

    frame = pd.DataFrame(
        {
            "row": np.concatenate(rows),
            "day": np.concatenate(days),
            "ls": np.concatenate(legal),
            "place": np.concatenate(places),
            "carer": np.concatenate(carer),
        }
    )
    frame = frame[(frame["day"] < length[frame["row"]]) & (frame["day"] >= 0)]
    frame = frame.groupby(["row", "day"], sort=True).agg(
        ls=("ls", "first"), place=("place", "first"), carer=("carer", "max")
    )
    frame = frame.reset_index()
    by_row = frame.groupby("row", sort=False)
    prev_ls = by_row["ls"].ffill().groupby(frame["row"]).shift(1)
    prev_place = by_row["place"].ffill().groupby(frame["row"]).shift(1)
    same = frame["place"].notna() & ~frame["carer"] & prev_place.notna()
    mapped = prev_place.map(_SAME_CARER)
    frame.loc[same, "carer"] = mapped[same].isna()
    frame.loc[same & mapped.notna() & ~frame["place"].isin(["A5"]), "place"] = mapped
    frame["ls"] = frame.groupby("row")["ls"].ffill()
    first = frame["day"].eq(0)
    legal_change = ~first & frame["ls"].ne(prev_ls)
    moved = frame["place"].ne(prev_place) | frame["carer"].astype(bool)
    place_change = ~first & frame["place"].notna() & moved
    kept = first | legal_change | place_change
    frame = frame[kept].copy()
    first, legal_change, place_change = first[kept], legal_change[kept], place_change[kept]
    frame["place"] = frame.groupby("row")["place"].ffill()
    new_carer = frame["carer"].astype(bool)
    frame["rne"] = np.select(
        [
            first,
            legal_change & place_change & new_carer,
            legal_change & place_change,
            legal_change,
            new_carer,
        ],
        ["S", "B", "U", "L", "P"],
        "T",
    )
    return _finish_episodes(rng, world, frame, child, start, length, need, rec)


def _finish_episodes(
    rng: np.random.Generator,
    world: World,
    frame: pd.DataFrame,
    child: np.ndarray,
    start: np.ndarray,
    length: np.ndarray,
    need: np.ndarray,
    rec: np.ndarray,
) -> dict[str, np.ndarray]:
    row = frame["row"].to_numpy()
    offset = frame["day"].to_numpy()
    m = len(frame)
    next_day = frame.groupby("row")["day"].shift(-1)
    last = next_day.isna().to_numpy()
    dec_offset = np.where(last, length[row], next_day.fillna(0).to_numpy().astype("int64"))
    rne = frame["rne"].to_numpy()
    next_rne = np.append(rne[1:], "S")
    moved = ~last & np.isin(next_rne, ["P", "B", "T", "U"])
    reason = np.where(
        moved,
        np.where(np.isin(next_rne, ["T", "U"]), "PLACE", draw(rng, rates.PLACE_CHANGE_REASONS, m)),
        "",
    )
    place = frame["place"].to_numpy(dtype=object)
    new_place = rne != "L"
    provider_options = pd.Series(place).map(rates.PLACE_PROVIDERS).fillna("PR1").to_numpy()
    first_option = np.array([o.split("|")[0] for o in provider_options], dtype=object)
    second_option = np.array([o.split("|")[-1] for o in provider_options], dtype=object)
    provider = np.where(rng.random(m) < 0.6, first_option, second_option)
    urn = np.where(
        np.isin(place, _REGISTERED),
        np.char.add("SC", rng.integers(100000, 999999, m).astype(str)).astype(object),
        "XXXXXXX",
    )
    pl_post = np.char.add(
        np.char.add("DM", rng.integers(1, 10, m).astype(str)),
        np.char.add(" ", rng.integers(0, 10, m).astype(str)),
    ).astype(object)
    series = pd.DataFrame({"row": row, "provider": provider, "urn": urn, "pl_post": pl_post})
    for column in ("provider", "urn", "pl_post"):
        series[column] = series[column].where(new_place).groupby(series["row"]).ffill()
    cin = need[row]
    cin = np.where(np.isin(cin, ["", "N0", "N9"]), "N1", cin)
    kids = child[row]
    home = (
        np.char.add("DM", (kids % 9 + 1).astype(str)).astype(object)
        + " "
        + ((kids // 9) % 10).astype(str).astype(object)
    )
    return {
        "child": kids,
        "decom": start[row] + offset,
        "rne": rne.astype(object),
        "ls": frame["ls"].to_numpy(dtype=object),
        "cin": cin,
        "place": place,
        "provider": series["provider"].to_numpy(dtype=object),
        "dec": start[row] + dec_offset,
        "rec": np.where(last, rec[row], "X1").astype(object),
        "reason": reason.astype(object),
        "urn": series["urn"].to_numpy(dtype=object),
        "home_post": home,
        "pl_post": series["pl_post"].to_numpy(dtype=object),
        "period": row,
    }

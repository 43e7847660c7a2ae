"""Headline figures of a synthetic history for one collection year, to compare with the
national ones (rates.py): a check on the generator, not the indicator engine."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.synthetic.calendar import NONE, add_years, reference_day, year_start
from coredata.synthetic.history import History


def _open_at(start: pd.Series, end: pd.Series, when: int) -> pd.Series:
    return (start != NONE) & (start <= when) & ((end == NONE) | (end > when))


def year_figures(history: History, year: int, population: int) -> dict[str, float]:
    """Shares of the year's referrals, stocks at 31 March per 10,000, CP plan lengths."""
    first, last = year_start(year), reference_day(year)
    refs = history.referrals
    in_year = refs[(refs["referral_date"] >= first) & (refs["referral_date"] <= last)]
    previous = refs.groupby("child")["referral_date"].shift(1)[in_year.index]
    within = (previous != NONE) & previous.notna()
    lookback = add_years(previous.fillna(0).to_numpy().astype("int64"), 1)
    rereferred = within.to_numpy() & (lookback >= in_year["referral_date"].to_numpy())
    count = max(len(in_year), 1)
    closed = in_year["closure_date"].between(first, last) | (
        (in_year["closure_date"] != NONE) & (in_year["closure_date"] <= last)
    )
    not_in_need = ~in_year["nfa"] & closed & in_year["closure_reason"].isin(["RC8", "RC9"])
    cp_ended = refs[(refs["cp_end"] >= first) & (refs["cp_end"] <= last)]
    length = cp_ended["cp_end"] - cp_ended["cp_start"]
    bands = np.histogram(length, bins=[0, 92, 183, 366, 731, 10**6])[0] / max(len(length), 1)
    open_cin = _open_at(refs["referral_date"], refs["closure_date"], last) & ~refs["nfa"]
    periods = history.care_periods[~history.care_periods["short_break"]]
    in_care = _open_at(periods["start"], periods["end"], last)
    ceased = periods[(periods["end"] >= first) & (periods["end"] <= last)]
    per_10k = 10_000 / population

    def started(column: str) -> int:
        return int(refs[column].between(first, last).sum())

    return {
        "referrals": float(len(in_year)),
        "nfa_pct": 100 * float(in_year["nfa"].mean()) if len(in_year) else 0.0,
        "not_in_need_pct": 100 * float(not_in_need.sum()) / count,
        "rereferral_pct": 100 * float(rereferred.sum()) / count,
        "s47_per_referral": started("s47_start") / count,
        "icpc_per_s47": started("icpc_date") / max(started("s47_start"), 1),
        "cp_per_icpc": started("cp_start") / max(started("icpc_date"), 1),
        "cin_rate": float(refs.loc[open_cin, "child"].nunique()) * per_10k,
        "cp_rate": float(_open_at(refs["cp_start"], refs["cp_end"], last).sum()) * per_10k,
        "lac_rate": float(periods.loc[in_care, "child"].nunique()) * per_10k,
        "care_starts": float(periods["start"].between(first, last).sum()),
        "adopted_pct": 100 * float(ceased["rec"].isin(["E11", "E12"]).mean()),
        "sgo_pct": 100 * float(ceased["rec"].isin(["E45", "E46", "E47", "E48"]).mean()),
        **{
            f"cp_ended_{label}_pct": 100 * float(share)
            for label, share in zip(["3m", "6m", "1y", "2y", "2y+"], bands, strict=True)
        },
    }

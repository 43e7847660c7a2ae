"""What each annual return holds: the history as known on its reference date.

A CIN census return for collection year Y holds every episode of need open at any point
from 1 April Y-1 to 31 March Y (NFA referrals close the day they are made, so only that
year's appear), with the modules started by 31 March; anything that happened later is
not yet known (a closure, plan end or authorisation after the reference date is left
out). An SSDA903 return likewise re-submits every episode open during its year, and the
OC3 records of care leavers whose 17th-21st birthday falls in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.synthetic.calendar import NONE, reference_day, working_days_after, year_start
from coredata.synthetic.history import History, forget_ends


def _known(values: pd.Series, when: int) -> pd.Series:
    return values.where(values <= when, NONE)


def cin_census_tables(history: History, year: int) -> dict[str, pd.DataFrame]:
    """children, referrals, assessments, cin_plans, section47, cp_plans, cp_reviews."""
    first, last = year_start(year), reference_day(year)
    refs = history.referrals
    closure = refs["closure_date"]
    held = refs[(refs["referral_date"] <= last) & ((closure == NONE) | (closure >= first))]
    referrals = pd.DataFrame(
        {
            "child": held["child"],
            "referral_date": held["referral_date"],
            "source": held["source"],
            "need": held["need"],
            "closure_date": _known(held["closure_date"], last),
            "nfa": held["nfa"],
            "icpc_date": _known(held["icpc_date"], last),
        }
    )
    referrals["closure_reason"] = held["closure_reason"].where(
        referrals["closure_date"] != NONE, ""
    )

    def module(start: str, end: str | None = None) -> pd.DataFrame:
        rows = held[(held[start] != NONE) & (held[start] <= last)]
        frame = pd.DataFrame(
            {"child": rows["child"], "referral_date": rows["referral_date"], "start": rows[start]}
        )
        if end is not None:
            frame["end"] = _known(rows[end], last)
        return frame

    assessments = module("assessment_start", "assessment_authorised")
    assessments["factors"] = held.loc[assessments.index, "factors"].where(
        assessments["end"] != NONE, ""
    )
    cin_plans = pd.concat([module("cin_a_start", "cin_a_end"), module("cin_b_start", "cin_b_end")])
    s47 = module("s47_start")
    rows = held.loc[s47.index]
    s47["target"] = working_days_after(s47["start"].to_numpy(), 15)
    s47["icpc_date"] = _known(rows["icpc_date"], last)
    decided = (rows["s47_decided"] != NONE) & (rows["s47_decided"] <= last)
    s47["icpc_not_required"] = decided & (s47["icpc_date"] == NONE)
    cp_plans = module("cp_start", "cp_end")
    cp_rows = held.loc[cp_plans.index]
    cp_plans["initial"] = cp_rows["cp_initial"]
    cp_plans["latest"] = cp_rows["cp_latest"]
    cp_plans["previous"] = cp_rows["cp_previous"]
    reviews = history.cp_reviews.merge(
        cp_plans[["child", "start"]], left_on=["child", "cp_start"], right_on=["child", "start"]
    )
    reviews = reviews[reviews["review_date"] <= last][["child", "cp_start", "review_date"]]
    children = history.children[history.children["child"].isin(referrals["child"])]
    children = children.sort_values("child_id", kind="stable")
    return {
        "children": children,
        "referrals": referrals,
        "assessments": assessments,
        "cin_plans": cin_plans.sort_values(["child", "start"], kind="stable"),
        "section47": s47,
        "cp_plans": cp_plans,
        "cp_reviews": reviews,
    }


def ssda903_tables(history: History, year: int) -> dict[str, pd.DataFrame]:
    """header, episodes and oc3 for the return of collection year `year`."""
    first, last = year_start(year), reference_day(year)
    episodes = history.care_episodes
    dec = episodes["dec"]
    held = episodes[(episodes["decom"] <= last) & ((dec == NONE) | (dec >= first))].copy()
    forget_ends(held, held["dec"] > last)
    oc3 = history.oc3[history.oc3["year"] == year]
    wanted = np.union1d(held["child"].to_numpy(), oc3["child"].to_numpy())
    header = history.children[history.children["child"].isin(wanted)]
    return {"header": header, "episodes": held, "oc3": oc3}

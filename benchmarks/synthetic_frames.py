"""The engine's inputs straight from generated data, without files or a database.

For benchmarks too large to import through the ORM (England: 150 organisations). The
route mirrors what the importers and `coredata.frames.engine_inputs_for` do with the
generated files: each annual return's tables, the latest return's version of a record
winning (Resolved detail 1), SSDA903 episodes stitched by the importer's own
`clean_stacked_episodes`, the local files as they are (FTE to 2 decimals, as written).
tests/coredata/test_crosscheck.py checks that the engine gives the same results from
these frames as from the imported ones.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from coredata.indicators.inputs import SCHEMAS, EngineInputs, empty_frame
from coredata.indicators.periods import load_bank_holidays
from coredata.parsers.ssda903_clean import clean_stacked_episodes
from coredata.synthetic import SyntheticData
from coredata.synthetic.calendar import NONE


def _dates(days: pd.Series | np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[ns], NaT for calendar.NONE."""
    values = np.asarray(days, dtype="int64")
    result = values.astype("datetime64[D]").astype("datetime64[ns]")
    result[values == NONE] = np.datetime64("NaT")
    return result


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").replace("", pd.NA)


def _latest(parts: list[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """Rows of several returns (a `year` column): the latest return's version of each."""
    stacked = pd.concat(parts, ignore_index=True).sort_values("year", kind="stable")
    return stacked.drop_duplicates(keys, keep="last").drop(columns="year")


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return empty_frame(name)
    return frame[list(SCHEMAS[name])].astype(SCHEMAS[name])


def inputs_from_synthetic(data: SyntheticData) -> EngineInputs:
    """EngineInputs for generated data, periods from April of the first collection year
    to the last 31 March."""
    ids = data.child_ids
    years = data.collection_years
    cin = {year: data.cin_census(year) for year in years}

    def returns(table: str, columns: dict[str, str]) -> list[pd.DataFrame]:
        parts = []
        for year in years:
            rows = cin[year][table]
            part = pd.DataFrame({"child_id": ids[rows["child"].to_numpy()], "year": year})
            for target, source in columns.items():
                values = rows[source]
                part[target] = _dates(values) if target.endswith("date") else values.to_numpy()
            parts.append(part)
        return parts

    referrals = _latest(
        returns(
            "referrals",
            {"referral_date": "referral_date", "source": "source", "nfa": "nfa",
             "closure_date": "closure_date", "closure_reason": "closure_reason",
             "initial_cpc_date": "icpc_date"},
        ),
        ["child_id", "referral_date"],
    )  # fmt: skip
    referrals["source"] = _text(referrals["source"]).fillna("10")
    referrals["closure_reason"] = _text(referrals["closure_reason"])
    assessments = _latest(
        returns("assessments", {"start_date": "start", "authorisation_date": "end"}),
        ["child_id", "start_date"],
    )
    section47 = _latest(
        returns("section47", {"start_date": "start", "icpc_date": "icpc_date"}),
        ["child_id", "start_date"],
    )
    cp_plans = _latest(
        returns(
            "cp_plans", {"start_date": "start", "end_date": "end", "previous_plans": "previous"}
        ),
        ["child_id", "start_date"],
    )

    episodes = []
    oc3 = []
    for year in years:
        tables = data.ssda903(year)
        held = tables["episodes"]
        episodes.append(
            pd.DataFrame(
                {
                    "child_id": ids[held["child"].to_numpy()],
                    "decom": _dates(held["decom"]),
                    "rne": _text(held["rne"]).to_numpy(),
                    "ls": _text(held["ls"]).to_numpy(),
                    "cin": _text(held["cin"]).to_numpy(),
                    "place": _text(held["place"]).to_numpy(),
                    "place_provider": _text(held["provider"]).to_numpy(),
                    "dec": _dates(held["dec"]),
                    "rec": _text(held["rec"]).to_numpy(),
                    "reason_place_change": _text(held["reason"]).to_numpy(),
                    "urn": _text(held["urn"]).to_numpy(),
                    "year": year,
                }
            )
        )
        leavers = tables["oc3"]
        oc3.append(
            pd.DataFrame(
                {
                    "child_id": ids[leavers["child"].to_numpy()],
                    "collection_year": year,
                    "in_touch": _text(leavers["in_touch"]).to_numpy(),
                }
            )
        )
    stacked = pd.concat(episodes, ignore_index=True)
    stacked["year"] = stacked["year"].astype("Int64")
    care_episodes = clean_stacked_episodes(stacked, year_labels="end")

    people = data.history.children
    children = pd.DataFrame(
        {"child_id": ids[people["child"].to_numpy()], "birth_date": _dates(people["dob"])}
    )
    staff, sickness, vacancies = data.staff, data.sickness, data.vacancies
    allocations, help_, visits = data.allocations, data.early_help, data.visits
    frames = {
        "children": children,
        "referrals": referrals,
        "assessments": assessments,
        "section47": section47,
        "cp_plans": cp_plans,
        "early_help": pd.DataFrame(
            {"child_id": ids[help_["child"].to_numpy()], "start_date": _dates(help_["start"]),
             "end_date": _dates(help_["end"])}
        ),
        "care_episodes": care_episodes,
        "care_leavers": pd.concat(oc3, ignore_index=True),
        "visits": pd.DataFrame(
            {"child_id": ids[visits["child"].to_numpy()],
             "visit_date": _dates(visits["visit_date"]), "seen": visits["seen"].eq("Y").to_numpy()}
        ),
        "allocations": pd.DataFrame(
            {"child_id": ids[allocations["child"].to_numpy()],
             "worker_id": allocations["worker_id"].to_numpy(),
             "team_code": allocations["team_code"].to_numpy(),
             "start_date": _dates(allocations["start"]), "end_date": _dates(allocations["end"])}
        ),
        "staff": pd.DataFrame(
            {"worker_id": staff["worker_id"].to_numpy(), "team_code": staff["team_code"].to_numpy(),
             "fte": staff["fte"].round(2).to_numpy(), "start_date": _dates(staff["start"]),
             "end_date": _dates(staff["end"]), "agency": staff["agency"].to_numpy(),
             "case_holding": staff["case_holding"].to_numpy()}
        ),
        "sickness": pd.DataFrame(
            {"worker_id": sickness["worker_id"].to_numpy(), "start_date": _dates(sickness["start"]),
             "end_date": _dates(sickness["end"]),
             "working_days_lost": sickness["days"].to_numpy(dtype="float64")}
        ),
        "vacancies": pd.DataFrame(
            {"team_code": vacancies["team_code"].to_numpy(), "date": _dates(vacancies["date"]),
             "vacant_fte": vacancies["vacant_fte"].to_numpy(dtype="float64")}
        ),
        "population": pd.DataFrame(
            {"year": data.population["year"].to_numpy(),
             "population_0_17": data.population["population"].to_numpy()}
        ),
        "teams": pd.DataFrame(
            {"team_code": [t[0] for t in data.teams], "service_code": [t[2] for t in data.teams]}
        ),
    }  # fmt: skip
    # The children the records name (as the importers create them), with their birth date.
    named = ("referrals", "care_episodes", "care_leavers", "allocations", "early_help", "visits")
    known = pd.concat([frames[name]["child_id"] for name in named], ignore_index=True)
    frames["children"] = children[children["child_id"].isin(known.unique())]
    return EngineInputs(
        la_code=data.la_code,
        frames={name: _typed(name, frame) for name, frame in frames.items()},
        first_month_end=date(years[0] - 1, 4, 30),
        last_month_end=data.last_day,
        bank_holidays=load_bank_holidays(),
    )

"""SSDA903 return tables (DD/MM/YYYY dates) and the local CSV files (ISO dates, Y/N)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coredata.synthetic.calendar import DateText

if TYPE_CHECKING:
    from coredata.synthetic import SyntheticData


def _write(frame: pd.DataFrame, path: Path) -> Path:
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")
    return path


def _flag(values: pd.Series) -> np.ndarray:
    return np.where(values.to_numpy(dtype=bool), "Y", "N")


def ssda903_folder(
    tables: dict[str, pd.DataFrame], ids: np.ndarray, folder: Path, text: DateText
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    header, episodes, oc3 = tables["header"], tables["episodes"], tables["oc3"]
    dob = dict(zip(header["child"].to_numpy(), header["dob"].to_numpy(), strict=True))
    head = pd.DataFrame(
        {
            "CHILD": ids[header["child"].to_numpy()],
            "SEX": np.where(header["sex"] == "M", "1", "2"),
            "DOB": text.as_dmy(header["dob"].to_numpy()),
            "ETHNIC": header["ethnicity"].to_numpy(),
            "UPN": header["upn"].to_numpy(),
            "MOTHER": "",
            "MC_DOB": "",
        }
    ).sort_values("CHILD", kind="stable")
    ep = (
        pd.DataFrame(
            {
                "CHILD": ids[episodes["child"].to_numpy()],
                "DECOM": text.as_dmy(episodes["decom"].to_numpy()),
                "RNE": episodes["rne"].to_numpy(),
                "LS": episodes["ls"].to_numpy(),
                "CIN": episodes["cin"].to_numpy(),
                "PLACE": episodes["place"].to_numpy(),
                "PLACE_PROVIDER": episodes["provider"].to_numpy(),
                "DEC": text.as_dmy(episodes["dec"].to_numpy()),
                "REC": episodes["rec"].to_numpy(),
                "REASON_PLACE_CHANGE": episodes["reason"].to_numpy(),
                "HOME_POST": episodes["home_post"].to_numpy(),
                "PL_POST": episodes["pl_post"].to_numpy(),
                "URN": episodes["urn"].to_numpy(),
                "_day": episodes["decom"].to_numpy(),
            }
        )
        .sort_values(["CHILD", "_day"], kind="stable")
        .drop(columns="_day")
    )
    leavers = pd.DataFrame(
        {
            "CHILD": ids[oc3["child"].to_numpy()],
            "DOB": text.as_dmy(np.array([dob[c] for c in oc3["child"].to_numpy()], dtype="int64")),
            "IN_TOUCH": oc3["in_touch"].to_numpy(),
            "ACTIV": oc3["activity"].to_numpy(),
            "ACCOM": oc3["accommodation"].to_numpy(),
        }
    ).sort_values("CHILD", kind="stable")
    return [
        _write(head, folder / "header.csv"),
        _write(ep, folder / "episodes.csv"),
        _write(leavers, folder / "oc3.csv"),
    ]


def local_files(data: SyntheticData, folder: Path, text: DateText) -> list[Path]:
    """teams, staff, sickness, vacancies, allocations, early_help, visits, population."""
    ids = data.child_ids
    iso = text.as_iso
    teams = pd.DataFrame(
        data.teams, columns=["team_code", "team_name", "service_code", "service_name"]
    )
    staff = data.staff
    staff_out = pd.DataFrame(
        {
            "worker_id": staff["worker_id"],
            "name": staff["name"],
            "team_code": staff["team_code"],
            "fte": staff["fte"].map("{:.2f}".format),
            "start_date": iso(staff["start"].to_numpy()),
            "end_date": iso(staff["end"].to_numpy()),
            "agency": _flag(staff["agency"]),
            "case_holding": _flag(staff["case_holding"]),
        }
    )
    sick = data.sickness
    sick_out = pd.DataFrame(
        {
            "worker_id": sick["worker_id"],
            "start_date": iso(sick["start"].to_numpy()),
            "end_date": iso(sick["end"].to_numpy()),
            "working_days_lost": sick["days"],
        }
    )
    vac = data.vacancies
    vac_out = pd.DataFrame(
        {
            "team_code": vac["team_code"],
            "date": iso(vac["date"].to_numpy()),
            "vacant_fte": vac["vacant_fte"],
        }
    )
    alloc = data.allocations
    alloc_out = (
        pd.DataFrame(
            {
                "child_id": ids[alloc["child"].to_numpy()],
                "worker_id": alloc["worker_id"],
                "team_code": alloc["team_code"],
                "start_date": iso(alloc["start"].to_numpy()),
                "end_date": iso(alloc["end"].to_numpy()),
                "_day": alloc["start"].to_numpy(),
            }
        )
        .sort_values(["child_id", "_day"], kind="stable")
        .drop(columns="_day")
    )
    help_ = data.early_help
    help_out = (
        pd.DataFrame(
            {
                "child_id": ids[help_["child"].to_numpy()],
                "start_date": iso(help_["start"].to_numpy()),
                "end_date": iso(help_["end"].to_numpy()),
                "_day": help_["start"].to_numpy(),
            }
        )
        .sort_values(["child_id", "_day"], kind="stable")
        .drop(columns="_day")
    )
    seen = data.visits
    visits_out = (
        pd.DataFrame(
            {
                "child_id": ids[seen["child"].to_numpy()],
                "visit_date": iso(seen["visit_date"].to_numpy()),
                "seen": seen["seen"],
                "seen_alone": seen["seen_alone"],
                "_day": seen["visit_date"].to_numpy(),
            }
        )
        .sort_values(["child_id", "_day"], kind="stable")
        .drop(columns="_day")
    )
    population = data.population.rename(columns={"population": "population_0_17"})
    return [
        _write(teams, folder / "teams.csv"),
        _write(staff_out, folder / "staff.csv"),
        _write(sick_out, folder / "sickness.csv"),
        _write(vac_out, folder / "vacancies.csv"),
        _write(alloc_out, folder / "allocations.csv"),
        _write(help_out, folder / "early_help.csv"),
        _write(visits_out, folder / "visits.csv"),
        _write(population, folder / "population.csv"),
    ]

"""Write parsed records to the database, one function per kind of file.

Each writer runs inside the import's transaction and returns the records written per
type, plus any problem that only shows against the database (an unknown worker or team,
an allocation overlapping one already held). The import service rolls everything back
when any writer reports an error.

Statutory returns replace the rows of their collection year; local files upsert on their
natural keys (a record's `run` stays the import that first created it, so importing the
same file again changes nothing).
"""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import models

from coredata.models import (
    Assessment,
    CareEpisode,
    CareLeaverReturn,
    Child,
    CINPlan,
    CPPlan,
    ImportRun,
    Referral,
    Section47,
    SocialWorkerEpisode,
    WorkforceCensusVacancies,
    WorkforceCensusWorker,
)
from coredata.parsers.base import Level, ParseResult, Problem
from coredata.parsers.ssda903_clean import overlapping_episodes, year_label_offset
from coredata.services.pseudonyms import child_pseudonym
from organisation.models import Organisation

BATCH = 2000
CHUNK = 900  # values per IN (...) query, well under SQLite's variable limit


@dataclass
class WriteOutcome:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error(self, file: str, location: str, field_name: str, value: object, reason: str) -> None:
        self.problems.append(Problem(Level.ERROR, file, location, field_name, _text(value), reason))

    def warning(
        self, file: str, location: str, field_name: str, value: object, reason: str
    ) -> None:
        self.problems.append(
            Problem(Level.WARNING, file, location, field_name, _text(value), reason)
        )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _rows(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """Rows as dicts with pandas' missing values turned into None and dates into dates."""
    for record in frame.to_dict("records"):
        yield {str(key): _plain(value) for key, value in record.items()}


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _chunks(values: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def children_ensure(
    *,
    organisation: Organisation,
    child_ids: Iterable[str],
    details: dict[str, dict[str, Any]] | None = None,
) -> dict[str, int]:
    """Create the children not yet known, update given details, return id → pk."""
    wanted = sorted({str(c) for c in child_ids if c})
    details = details or {}
    existing: dict[str, Child] = {}
    for chunk in _chunks(wanted):
        for child in Child.objects.filter(organisation=organisation, child_id__in=chunk):
            existing[child.child_id] = child
    new = [
        Child(
            organisation=organisation,
            child_id=child_id,
            pseudonym=child_pseudonym(la_code=organisation.la_code, child_id=child_id),
            **details.get(child_id, {}),
        )
        for child_id in wanted
        if child_id not in existing
    ]
    Child.objects.bulk_create(new, batch_size=BATCH)
    changed = []
    for child_id, values in details.items():
        known = existing.get(child_id)
        if known is not None and any(getattr(known, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(known, key, value)
            changed.append(known)
    if changed:
        fields = sorted({key for values in details.values() for key in values})
        Child.objects.bulk_update(changed, fields, batch_size=BATCH)
    ids: dict[str, int] = {}
    for chunk in _chunks(wanted):
        ids.update(
            Child.objects.filter(organisation=organisation, child_id__in=chunk).values_list(
                "child_id", "pk"
            )
        )
    return ids


def _replace_year(
    model: type[models.Model],
    *,
    organisation: Organisation,
    years: Iterable[int],
    objects: Sequence[models.Model],
) -> int:
    model._default_manager.filter(
        organisation=organisation, collection_year__in=list(years)
    ).delete()
    model._default_manager.bulk_create(objects, batch_size=BATCH)
    return len(objects)


def _is_for(organisation: Organisation, result: ParseResult, outcome: WriteOutcome) -> bool:
    """Whether an XML return's LA code (its header's LEA) is the organisation's; if not,
    the outcome gets the error that rejects it."""
    file_la = str(result.meta.get("la_code") or "")
    if file_la and file_la != organisation.la_code:
        outcome.error(
            result.file_name, "/Message/Header/Source/LEA", "LEA", file_la,
            f"This file is for LA {file_la}, not {organisation.name} ({organisation.la_code}).",
        )  # fmt: skip
        return False
    return True


def write_cin_census(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    """Replace everything the CIN census said for its collection year."""
    outcome = WriteOutcome()
    year = int(result.meta["collection_year"])  # type: ignore[call-overload]
    if not _is_for(organisation, result, outcome):
        return outcome
    children = result.tables["children"]
    details = {
        row["child_id"]: {"birth_date_cin": row.get("birth_date"), "sex": row.get("sex") or ""}
        for row in _rows(children)
    }
    ids = children_ensure(organisation=organisation, child_ids=details, details=details)
    common = {"organisation": organisation, "collection_year": year, "run": run}

    def build(model: type[models.Model], table: str, fields: dict[str, str]) -> list[Any]:
        return [
            model(
                child_id=ids[row["child_id"]],
                **common,
                **{target: _blank(row.get(source), model, target) for target, source in
                   fields.items()},
            )
            for row in _rows(result.tables[table])
            if row["child_id"] in ids
        ]  # fmt: skip

    plan = [
        (Referral, "referrals", {
            "referral_date": "referral_date", "source": "referral_source",
            "primary_need": "primary_need", "nfa": "referral_nfa",
            "closure_date": "closure_date", "closure_reason": "closure_reason",
            "initial_cpc_date": "initial_cpc_date"}),
        (Assessment, "assessments", {
            "referral_date": "referral_date", "start_date": "start_date",
            "authorisation_date": "authorisation_date"}),
        (Section47, "section47", {
            "referral_date": "referral_date", "start_date": "start_date",
            "icpc_date": "icpc_date", "icpc_not_required": "icpc_not_required"}),
        (CINPlan, "cin_plans", {
            "referral_date": "referral_date", "start_date": "start_date",
            "end_date": "end_date"}),
        (CPPlan, "cp_plans", {
            "referral_date": "referral_date", "start_date": "start_date",
            "end_date": "end_date", "initial_category": "initial_category",
            "latest_category": "latest_category", "previous_plans": "previous_plans"}),
    ]  # fmt: skip
    for model, table, fields in plan:
        outcome.counts[table] = _replace_year(
            model, organisation=organisation, years=[year], objects=build(model, table, fields)
        )
    outcome.counts["children"] = len(ids)
    return outcome


def _blank(value: Any, model: type[models.Model], name: str) -> Any:
    """None becomes "" for text fields (which are never null), False for flags."""
    if value is not None:
        return value
    model_field = model._meta.get_field(name)
    if isinstance(model_field, models.CharField):
        return ""
    if isinstance(model_field, models.BooleanField) and not model_field.null:
        return False
    if isinstance(model_field, models.PositiveSmallIntegerField) and not model_field.null:
        return 0
    return None


def ssda903_years(result: ParseResult) -> list[int]:
    """The collection years a 903 file covers: its YEAR column, or the file's meta."""
    years: set[int] = set()
    for frame in result.tables.values():
        if "year" in frame.columns:
            years.update(int(y) for y in frame["year"].dropna().unique())
    if not years and result.meta.get("collection_year"):
        years.add(int(result.meta["collection_year"]))  # type: ignore[call-overload]
    return sorted(years)


def write_ssda903(
    *, run: ImportRun, organisation: Organisation, result: ParseResult, year: int | None
) -> WriteOutcome:
    """Replace what this 903 return said for its collection year(s).

    A plain return has no year in it: the year comes from the import (the form or
    `--year`), or else from the latest date in the file (the year to 31 March holding it).
    Stacked extracts carry a YEAR column per row.
    """
    outcome = WriteOutcome()
    tables = result.tables
    stacked = any("year" in frame.columns for frame in tables.values())
    if not stacked:
        year = year or _infer_903_year(result)
        if year is None:
            outcome.error(
                result.file_name, "file", "YEAR", "",
                "The collection year could not be told: give it with the import.",
            )  # fmt: skip
            return outcome

    offset = 0
    if stacked and "episodes" in tables and len(tables["episodes"]):
        offset = year_label_offset(tables["episodes"])
        if offset:
            outcome.warning(
                result.file_name, "column YEAR", "YEAR", "",
                "YEAR labels each return by its first year; stored as the year ending on "
                "31 March (YEAR + 1).",
            )  # fmt: skip

    def year_of(row: dict[str, Any]) -> int:
        return int(row["year"]) + offset if stacked else int(year)  # type: ignore[arg-type]

    la_frames = [f["la"] for f in tables.values() if "la" in f.columns]
    if la_frames:
        las = set(pd.concat(la_frames).dropna().astype(str).unique())
        ours = {organisation.la_code, organisation.name}
        if las and not las & ours:
            outcome.error(
                result.file_name, "column LA", "LA", ", ".join(sorted(las)),
                f"No row of this extract is for {organisation.name} ({organisation.la_code}).",
            )  # fmt: skip
            return outcome
        tables = {
            name: frame[frame["la"].astype(str).isin(ours)] if "la" in frame.columns else frame
            for name, frame in tables.items()
        }
    header = tables.get("header")
    details: dict[str, dict[str, Any]] = {}
    if header is not None:
        for row in _rows(header):
            details[row["child_id"]] = {
                "birth_date_903": row.get("birth_date"),
                "sex": row.get("sex") or "",
            }
    child_ids = set(details)
    for name in ("episodes", "oc3", "sw_episodes"):
        if name in tables:
            child_ids.update(str(c) for c in tables[name]["child_id"].dropna())
    ids = children_ensure(organisation=organisation, child_ids=child_ids, details=details)
    years = (
        [y + offset for y in ssda903_years(result)] if stacked else [int(year)]  # type: ignore[arg-type]
    )

    if "episodes" in tables:
        episodes = [
            CareEpisode(
                organisation=organisation, child_id=ids[row["child_id"]], run=run,
                collection_year=year_of(row), decom=row["decom"], rne=row["rne"] or "",
                legal_status=row["ls"] or "", cin=row.get("cin") or "",
                place=row["place"] or "", place_provider=row.get("place_provider") or "",
                dec=row.get("dec"), rec=row.get("rec") or "",
                reason_place_change=row.get("reason_place_change") or "",
                urn=row.get("urn") or "",
            )
            for row in _rows(tables["episodes"])
        ]  # fmt: skip
        outcome.counts["care_episodes"] = _replace_year(
            CareEpisode, organisation=organisation, years=years, objects=episodes
        )
        _check_stitched_episodes(outcome, result.file_name, organisation, tables["episodes"])
    if "oc3" in tables:
        returns = [
            CareLeaverReturn(
                organisation=organisation, child_id=ids[row["child_id"]], run=run,
                collection_year=year_of(row), in_touch=row.get("in_touch") or "",
                activity=row.get("activ") or "", accommodation=row.get("accom") or "",
            )
            for row in _rows(tables["oc3"])
        ]  # fmt: skip
        outcome.counts["care_leaver_returns"] = _replace_year(
            CareLeaverReturn, organisation=organisation, years=years, objects=returns
        )
    if "sw_episodes" in tables:
        sw = [
            SocialWorkerEpisode(
                organisation=organisation, child_id=ids[row["child_id"]], run=run,
                collection_year=year_of(row), worker_id=row.get("sw_id") or "",
                start_date=row["sw_decom"], end_date=row.get("sw_dec"),
                reason=row.get("sw_reason") or "",
            )
            for row in _rows(tables["sw_episodes"])
            if row.get("sw_decom") is not None
        ]  # fmt: skip
        outcome.counts["social_worker_episodes"] = _replace_year(
            SocialWorkerEpisode, organisation=organisation, years=years, objects=sw
        )
    if header is not None:
        outcome.counts["children"] = len(details)
    for name in sorted(set(tables) - {"header", "episodes", "oc3", "sw_episodes"}):
        outcome.warning(
            result.file_name, "file", "table", name,
            "Checked but not stored: no core data indicator uses this table.",
        )  # fmt: skip
    return outcome


def _check_stitched_episodes(
    outcome: WriteOutcome, file_name: str, organisation: Organisation, episodes: pd.DataFrame
) -> None:
    """Stitch this file's children's episodes with every other stored return, and refuse
    the file if any still overlap (the stitching is built never to leave overlaps: this is
    the check that it did not)."""
    from coredata.frames import care_episodes_frame

    children = episodes["child_id"].dropna().unique().tolist()
    stitched = care_episodes_frame(organisation=organisation, child_ids=children)
    for row in _rows(overlapping_episodes(stitched)):
        outcome.error(
            file_name, "file", "DECOM", row["decom"],
            f"Child {row['child_id']}: this episode still overlaps another after the "
            "returns were stitched together.",
        )  # fmt: skip


def _infer_903_year(result: ParseResult) -> int | None:
    latest: date | None = None
    for frame in result.tables.values():
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]) and column != "birth_date":
                value = frame[column].max()
                if value is not pd.NaT and not pd.isna(value):
                    day = value.date()
                    latest = day if latest is None or day > latest else latest
    if latest is None:
        return None
    return latest.year + 1 if latest > date(latest.year, 3, 31) else latest.year


def write_workforce_census(
    *, run: ImportRun, organisation: Organisation, result: ParseResult
) -> WriteOutcome:
    """Replace what the workforce census said for its collection year."""
    outcome = WriteOutcome()
    year = int(result.meta["collection_year"])  # type: ignore[call-overload]
    if not _is_for(organisation, result, outcome):
        return outcome
    workers = [
        WorkforceCensusWorker(
            organisation=organisation, run=run, collection_year=year, swe_no=row["swe_no"],
            agency=bool(row["agency"]), fte=_decimal_or_none(row.get("fte")),
            role_start_date=row.get("role_start_date"), role_end_date=row.get("role_end_date"),
            org_role=row.get("org_role") or "",
            working_days_lost=_decimal_or_none(row.get("working_days_lost")),
            cases=row.get("cases_30"),
        )
        for row in _rows(result.tables["workers"])
    ]  # fmt: skip
    outcome.counts["workforce_census_workers"] = _replace_year(
        WorkforceCensusWorker, organisation=organisation, years=[year], objects=workers
    )
    vacancies = [
        WorkforceCensusVacancies(
            organisation=organisation, run=run, collection_year=year,
            reference_date=row.get("reference_date") or result.meta["reference_date"],  # type: ignore[misc]
            vacancies_fte=_decimal_or_none(row.get("vacancies_fte")),
            agency_fte=_decimal_or_none(row.get("agency_fte")),
            agency_headcount=row.get("agency_headcount"),
        )
        for row in _rows(result.tables["vacancies"])
    ]  # fmt: skip
    outcome.counts["workforce_census_vacancies"] = _replace_year(
        WorkforceCensusVacancies, organisation=organisation, years=[year], objects=vacancies
    )
    return outcome


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 2)))

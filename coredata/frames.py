"""Records read into pandas frames, as the indicator engine and the checks across returns
see them: the effective history, not each return's own version of it."""

from collections.abc import Iterable
from datetime import date

import pandas as pd
from django.utils import timezone

from coredata.indicators.inputs import SCHEMAS, EngineInputs, empty_frame
from coredata.indicators.periods import load_bank_holidays
from coredata.models import (
    Allocation,
    Assessment,
    CareEpisode,
    CareLeaverReturn,
    Child,
    CPPlan,
    EarlyHelpEpisode,
    Population,
    Referral,
    Section47,
    SicknessAbsence,
    StaffRecord,
    Vacancy,
    Visit,
)
from coredata.parsers.ssda903_clean import clean_stacked_episodes
from organisation.models import Organisation, Team

EPISODE_FIELDS = {
    "child__child_id": "child_id",
    "decom": "decom",
    "rne": "rne",
    "legal_status": "ls",
    "cin": "cin",
    "place": "place",
    "place_provider": "place_provider",
    "dec": "dec",
    "rec": "rec",
    "reason_place_change": "reason_place_change",
    "urn": "urn",
    "collection_year": "year",
}


def care_episodes_frame(
    *, organisation: Organisation, child_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """The organisation's SSDA903 episodes, every stored return stitched into one history
    per child (`clean_stacked_episodes`: repeats across returns removed, episodes left
    open in an older return closed by the next one). Columns as the parser's episodes
    table, with `year` the return an episode's version came from."""
    rows = CareEpisode.objects.filter(organisation=organisation)
    if child_ids is not None:
        rows = rows.filter(child__child_id__in=list(child_ids))
    frame = pd.DataFrame.from_records(
        rows.values_list(*EPISODE_FIELDS), columns=list(EPISODE_FIELDS.values())
    )
    for column in ("decom", "dec"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("rne", "ls", "cin", "place", "place_provider", "rec",
                   "reason_place_change", "urn", "child_id"):  # fmt: skip
        frame[column] = frame[column].replace("", pd.NA).astype("string")
    frame["year"] = frame["year"].astype("Int64")
    if frame.empty:
        return frame
    # Stored years are always the year ending on 31 March (the importer normalises them).
    return clean_stacked_episodes(frame, year_labels="end")


def _frame(rows: Iterable[tuple[object, ...]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _latest_return(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Of the versions of a record held by several returns, the latest return's
    (Resolved detail 1)."""
    if frame.empty:
        return frame.drop(columns="year")
    ordered = frame.sort_values("year", kind="stable")
    return ordered.drop_duplicates(keys, keep="last").drop(columns="year")


def engine_inputs_for(*, organisation: Organisation, today: date | None = None) -> EngineInputs:
    """The organisation's records as the engine's input frames (a query per table).

    Statutory records are resolved to their effective version here: a referral and each
    module by the latest return holding it, modules unioned across returns, SSDA903
    episodes stitched. The periods run from the first month of the earliest statutory
    return loaded (or, with none, of the earliest record) to the last month end on or
    before the latest date in the data (and never after today).
    """
    org = {"organisation": organisation}
    children = _frame(
        Child.objects.filter(**org).values_list("child_id", "birth_date_903", "birth_date_cin"),
        ["child_id", "birth_date_903", "birth_date_cin"],
    )
    children["birth_date"] = pd.to_datetime(children["birth_date_903"]).fillna(
        pd.to_datetime(children["birth_date_cin"])
    )
    referrals = _latest_return(
        _frame(
            Referral.objects.filter(**org).values_list(
                "child__child_id", "referral_date", "source", "nfa", "closure_date",
                "closure_reason", "initial_cpc_date", "collection_year",
            ),
            ["child_id", "referral_date", "source", "nfa", "closure_date", "closure_reason",
             "initial_cpc_date", "year"],
        ),
        ["child_id", "referral_date"],
    )  # fmt: skip
    assessments = _latest_return(
        _frame(
            Assessment.objects.filter(**org).values_list(
                "child__child_id", "start_date", "authorisation_date", "collection_year"
            ),
            ["child_id", "start_date", "authorisation_date", "year"],
        ),
        ["child_id", "start_date"],
    )
    section47 = _latest_return(
        _frame(
            Section47.objects.filter(**org).values_list(
                "child__child_id", "start_date", "icpc_date", "collection_year"
            ),
            ["child_id", "start_date", "icpc_date", "year"],
        ),
        ["child_id", "start_date"],
    )
    cp_plans = _latest_return(
        _frame(
            CPPlan.objects.filter(**org).values_list(
                "child__child_id", "start_date", "end_date", "previous_plans", "collection_year"
            ),
            ["child_id", "start_date", "end_date", "previous_plans", "year"],
        ),
        ["child_id", "start_date"],
    )
    frames = {
        "children": children,
        "referrals": referrals,
        "assessments": assessments,
        "section47": section47,
        "cp_plans": cp_plans,
        "early_help": _frame(
            EarlyHelpEpisode.objects.filter(**org).values_list(
                "child__child_id", "start_date", "end_date"
            ),
            ["child_id", "start_date", "end_date"],
        ),
        "care_episodes": care_episodes_frame(organisation=organisation),
        "care_leavers": _frame(
            CareLeaverReturn.objects.filter(**org).values_list(
                "child__child_id", "collection_year", "in_touch"
            ),
            ["child_id", "collection_year", "in_touch"],
        ),
        "visits": _frame(
            Visit.objects.filter(**org).values_list("child__child_id", "visit_date", "seen"),
            ["child_id", "visit_date", "seen"],
        ),
        "allocations": _frame(
            Allocation.objects.filter(**org).values_list(
                "child__child_id", "worker__worker_id", "team__code", "start_date", "end_date"
            ),
            ["child_id", "worker_id", "team_code", "start_date", "end_date"],
        ),
        "staff": _frame(
            StaffRecord.objects.filter(**org).values_list(
                "staff__worker_id",
                "team__code",
                "fte",
                "start_date",
                "end_date",
                "agency",
                "case_holding",
            ),
            ["worker_id", "team_code", "fte", "start_date", "end_date", "agency", "case_holding"],
        ),  # fmt: skip
        "sickness": _frame(
            SicknessAbsence.objects.filter(**org).values_list(
                "staff__worker_id", "start_date", "end_date", "working_days_lost"
            ),
            ["worker_id", "start_date", "end_date", "working_days_lost"],
        ),
        "vacancies": _frame(
            Vacancy.objects.filter(**org).values_list("team__code", "date", "vacant_fte"),
            ["team_code", "date", "vacant_fte"],
        ),
        "population": _population(organisation),
        "teams": _frame(
            Team.objects.filter(**org).values_list("code", "service__code"),
            ["team_code", "service_code"],
        ),
    }
    for name in ("staff", "sickness", "vacancies"):
        for column in ("fte", "working_days_lost", "vacant_fte"):
            if column in frames[name].columns:
                frames[name][column] = frames[name][column].astype("float64")
    typed = {name: _typed(name, frame) for name, frame in frames.items()}
    first, last = _window(typed, today or timezone.localdate())
    first = min(max(first, _first_return_month_end(organisation) or first), last)
    return EngineInputs(
        la_code=organisation.la_code,
        frames=typed,
        first_month_end=first,
        last_month_end=last,
        bank_holidays=load_bank_holidays(),
    )


def _first_return_month_end(organisation: Organisation) -> date | None:
    """The first month of the earliest statutory return loaded (April of its year).

    A return also holds older records still open in its year, but not the ones closed
    before it: figures for months before the first return would be incomplete, so the
    periods start there."""
    years = [
        model.objects.filter(organisation=organisation)
        .order_by("collection_year")
        .values_list("collection_year", flat=True)
        .first()
        for model in (Referral, CareEpisode)
    ]
    known = [year for year in years if year]
    if not known:
        return None
    return date(min(known) - 1, 4, 30)


def _population(organisation: Organisation) -> pd.DataFrame:
    rows = Population.objects.filter(organisation=organisation, service__isnull=True)
    if organisation.ons_area_code:
        rows = rows.filter(area_code=organisation.ons_area_code)
    frame = _frame(rows.values_list("year", "population_0_17"), ["year", "population_0_17"])
    return frame.drop_duplicates("year", keep="last")


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    schema = SCHEMAS[name]
    if frame.empty:
        return empty_frame(name)
    frame = frame[list(schema)].copy()
    for column, dtype in schema.items():
        if dtype.startswith("datetime64"):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
        elif dtype == "string":
            frame[column] = frame[column].replace("", pd.NA).astype("string")
        else:
            frame[column] = frame[column].astype(dtype)  # type: ignore[call-overload]
    return frame


DATE_COLUMNS = {
    "referrals": ["referral_date", "closure_date"],
    "cp_plans": ["start_date", "end_date"],
    "care_episodes": ["decom", "dec"],
    "early_help": ["start_date", "end_date"],
    "visits": ["visit_date"],
    "allocations": ["start_date", "end_date"],
    "staff": ["start_date", "end_date"],
}


def _window(frames: dict[str, pd.DataFrame], today: date) -> tuple[date, date]:
    """The first and last month ends to compute (see engine_inputs_for)."""
    earliest: list[pd.Timestamp] = []
    latest: list[pd.Timestamp] = []
    for name, columns in DATE_COLUMNS.items():
        for column in columns:
            values = frames[name][column].dropna()
            if not values.empty:
                earliest.append(values.min())
                latest.append(values.max())
    last_possible = (pd.Timestamp(today) - pd.offsets.MonthEnd(1)).normalize()
    if pd.Timestamp(today).is_month_end:
        last_possible = pd.Timestamp(today).normalize()
    if not earliest:
        return last_possible.date(), last_possible.date()
    first = (min(earliest) + pd.offsets.MonthEnd(0)).normalize()
    latest_day = max(latest)
    last = latest_day if latest_day.is_month_end else latest_day - pd.offsets.MonthEnd(1)
    last = min(last.normalize(), last_possible)
    return min(first, last).date(), last.date()

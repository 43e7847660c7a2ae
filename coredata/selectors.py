"""What each user may see of core data.

Import runs and their error reports: the organisation's data officers and
administrators only. Everyone else gets 404.
"""

from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from coredata.indicators.results import RESULT_DTYPES, empty_results
from coredata.models import ImportProblem, ImportRun, RefreshRun, UnitResults
from coredata.models.indicators import RESULT_FIELDS
from organisation.models import Role
from organisation.selectors import (
    organisation_for_user,
    service_list_for_user,
    staff_list_for_user,
    team_list_for_user,
    user_scope,
)

IMPORT_ROLES = (Role.DATA_OFFICER, Role.ADMINISTRATOR)


def user_can_import(*, user: Any) -> bool:
    scope = user_scope(user=user)
    return scope.organisation_id is not None and any(scope.has_role(r) for r in IMPORT_ROLES)


def import_run_list_for_user(*, user: Any) -> QuerySet[ImportRun]:
    if not user_can_import(user=user):
        return ImportRun.objects.none()
    organisation_id = user_scope(user=user).organisation_id
    assert organisation_id is not None  # user_can_import checked it  # noqa: S101
    return ImportRun.objects.filter(organisation_id=organisation_id).select_related("started_by")


def import_run_get_for_user(*, user: Any, pk: int) -> ImportRun:
    return get_object_or_404(import_run_list_for_user(user=user), pk=pk)


def import_problem_list(*, run: ImportRun) -> QuerySet[ImportProblem]:
    """The problems of a run the caller already may see (errors first)."""
    return run.problems.order_by("-level", "pk")


def refresh_current(*, organisation_id: int) -> RefreshRun | None:
    """The run whose results readers see: the organisation's latest succeeded refresh."""
    return (
        RefreshRun.objects.filter(
            organisation_id=organisation_id, status=RefreshRun.Status.SUCCEEDED
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def unit_results_frame(*, run: RefreshRun, unit_type: str, unit_code: str) -> pd.DataFrame:
    """One unit's results in a refresh run, in the results format (empty if none)."""
    row = UnitResults.objects.filter(run=run, unit_type=unit_type, unit_code=unit_code).first()
    if row is None:
        return empty_results()
    # Columns by name: PostgreSQL's jsonb does not keep the order keys were stored in.
    frame = pd.DataFrame(row.results)[RESULT_FIELDS]
    frame.insert(0, "unit_code", unit_code)
    frame.insert(0, "unit_type", unit_type)
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.astype(RESULT_DTYPES)


def unit_results_visible_to(*, user: Any, unit_type: str, unit_code: str) -> bool:
    """Whether the user may read a unit's aggregate results (the pages' rules): the
    organisation and its unallocated bucket for whole-organisation roles and managers,
    a service, team or practitioner when the visibility selectors show it to them."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return False
    if unit_type in ("organisation", "unallocated"):
        organisation = organisation_for_user(user=user)
        manages = bool(scope.managed_team_ids or scope.managed_service_ids)
        return bool(
            organisation
            and unit_code == organisation.la_code
            and (scope.sees_whole_organisation or (manages and unit_type == "organisation"))
        )
    if unit_type == "service":
        return service_list_for_user(user=user).filter(code=unit_code).exists()
    if unit_type == "team":
        return team_list_for_user(user=user).filter(code=unit_code).exists()
    if unit_type == "practitioner":
        return staff_list_for_user(user=user).filter(worker_id=unit_code).exists()
    return False


def unit_results_for_user(
    *,
    user: Any,
    unit_type: str,
    unit_code: str,
    indicator: str | None = None,
    period_start: str | None = None,
    period_end: str | None = None,
) -> tuple[RefreshRun | None, pd.DataFrame] | None:
    """A unit's current results as the API and downloads give them: dates as ISO text,
    optionally one indicator or period (ISO dates). None when the user may not see the
    unit; (None, empty) before the organisation's first refresh."""
    if not unit_results_visible_to(user=user, unit_type=unit_type, unit_code=unit_code):
        return None
    organisation_id = user_scope(user=user).organisation_id
    run = refresh_current(organisation_id=organisation_id) if organisation_id else None
    if run is None:
        return None, empty_results()
    frame = unit_results_frame(run=run, unit_type=unit_type, unit_code=unit_code)
    frame = frame.assign(
        period_start=frame["period_start"].dt.strftime("%Y-%m-%d"),
        period_end=frame["period_end"].dt.strftime("%Y-%m-%d"),
    )
    if indicator:
        frame = frame[frame["indicator"] == indicator]
    if period_start:
        frame = frame[frame["period_start"] == period_start]
    if period_end:
        frame = frame[frame["period_end"] == period_end]
    return run, frame.reset_index(drop=True)

"""What each user may see of core data.

Import runs and their error reports: the organisation's data officers and
administrators only. Everyone else gets 404. A unit's aggregate results (the core data
pages, the results API, the downloads): results_visible and results_unit_for_user, the
one rule set for all of them.
"""

from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from coredata.indicators.results import RESULT_DTYPES, empty_results
from coredata.indicators.units import ORGANISATION, PRACTITIONER, SERVICE, TEAM, UNALLOCATED
from coredata.models import ImportProblem, ImportRun, RefreshRun, UnitResults
from coredata.models.indicators import RESULT_FIELDS
from organisation.models import Organisation, Role, Service, StaffMember, Team
from organisation.selectors import UserScope, staff_list_for_user, user_scope

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


# --- whose aggregate results a user may read ---------------------------------------------
#
# One rule set for the core data pages (a unit by its primary key, and the breadcrumbs
# above it), the results API and the downloads (a unit by its code): results_visible
# decides for the organisation, its unallocated bucket, a service and a team from the
# user's scope alone; a practitioner's results are for whoever the staff visibility
# selector shows them to. results_unit_for_user finds a unit by either key and applies
# them; everything else asks it or results_visible.

UnitObject = Organisation | Service | Team | StaffMember
# The field each unit type's unit code is (the results format's unit_code).
CODE_FIELDS = {
    ORGANISATION: "la_code",
    UNALLOCATED: "la_code",
    SERVICE: "code",
    TEAM: "code",
    PRACTITIONER: "worker_id",
}


def results_visible(*, scope: UserScope, unit_type: str, unit: UnitObject) -> bool:
    """Whether a user (their scope) may read the aggregate results of a unit of their
    organisation, for every unit type but practitioners (results_unit_for_user):

    - the organisation: whole-organisation roles (QA lead, senior leader,
      administrator) and everyone who manages a team or a service;
    - its unallocated bucket: whole-organisation roles only;
    - a service: whole-organisation roles and the service's managers;
    - a team: those who see its service, and the team's managers.
    """
    if scope.organisation_id is None:
        return False
    if isinstance(unit, Organisation):
        if unit.pk != scope.organisation_id:
            return False
        manages = bool(scope.managed_team_ids or scope.managed_service_ids)
        if unit_type == UNALLOCATED:
            return scope.sees_whole_organisation
        return unit_type == ORGANISATION and (scope.sees_whole_organisation or manages)
    if unit.organisation_id != scope.organisation_id:
        return False
    if unit_type == SERVICE and isinstance(unit, Service):
        return scope.sees_whole_organisation or unit.pk in scope.managed_service_ids
    if unit_type == TEAM and isinstance(unit, Team):
        return (
            scope.sees_whole_organisation
            or unit.service_id in scope.managed_service_ids
            or unit.pk in scope.managed_team_ids
        )
    return False


def results_unit_for_user(
    *, user: Any, unit_type: str, pk: int | None = None, code: str | None = None
) -> UnitObject | None:
    """The unit of this type with this primary key (pages) or unit code (the API and
    downloads) whose aggregate results the user may read, else None (no such unit, or not
    theirs to read). A practitioner is found through the staff visibility selector (the
    user themselves, or staff currently in teams they oversee; everyone for
    whole-organisation roles); every other unit by results_visible."""
    scope = user_scope(user=user)
    if (
        scope.organisation_id is None
        or unit_type not in CODE_FIELDS
        or (pk is None) == (code is None)
    ):
        return None
    lookup: dict[str, Any] = {"pk": pk} if pk is not None else {CODE_FIELDS[unit_type]: code}
    found: UnitObject | None
    if unit_type == PRACTITIONER:
        return staff_list_for_user(user=user).filter(**lookup).first()
    if unit_type in (ORGANISATION, UNALLOCATED):
        found = Organisation.objects.filter(pk=scope.organisation_id).filter(**lookup).first()
    elif unit_type == SERVICE:
        found = Service.objects.filter(organisation_id=scope.organisation_id, **lookup).first()
    else:
        teams = Team.objects.select_related("service")
        found = teams.filter(organisation_id=scope.organisation_id, **lookup).first()
    if found is None or not results_visible(scope=scope, unit_type=unit_type, unit=found):
        return None
    return found


def unit_results_visible_to(*, user: Any, unit_type: str, unit_code: str) -> bool:
    """Whether the user may read a unit's aggregate results, the unit given by its type
    and code (results_unit_for_user's rules)."""
    return results_unit_for_user(user=user, unit_type=unit_type, code=unit_code) is not None


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

"""Reading the stored audit results (`AuditUnitResult`), for the audit results pages,
the linked QA views and the API. One query per call, whatever the number of audits.

Who may read a unit's results (aggregates):
- QA leads and senior leaders: every unit of their organisation;
- service managers: their services, the teams in them and those teams' practitioners;
- team managers: their teams and their practitioners;
- a practitioner: their own practitioner unit.
Practitioner units are read by staff pk; a manager may read one whose audits were in a
team they manage (the audit's team decides, as it does for the figures).
"""

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Q

from audits.models import Audit, AuditState, AuditUnitResult
from audits.selectors import audit_list_for_user
from organisation.models import Role, Service, Team
from organisation.selectors import user_scope


def audit_results_visible(*, user: Any, unit_type: str, unit_id: int) -> bool:
    """Whether the user may read this unit's audit results (see the module docstring)."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return False
    organisation_id = scope.organisation_id
    whole = scope.has_role(Role.QA_LEAD) or scope.has_role(Role.SENIOR_LEADER)
    if unit_type == "organisation":
        return whole and unit_id == organisation_id
    if unit_type == "service":
        service = Service.objects.filter(pk=unit_id, organisation_id=organisation_id).first()
        return service is not None and (whole or service.pk in scope.managed_service_ids)
    if unit_type == "team":
        team = Team.objects.filter(pk=unit_id, organisation_id=organisation_id).first()
        return team is not None and (
            whole
            or team.pk in scope.managed_team_ids
            or team.service_id in scope.managed_service_ids
        )
    if unit_type == "practitioner":
        from organisation.models import StaffMember

        if not StaffMember.objects.filter(pk=unit_id, organisation_id=organisation_id).exists():
            return False
        if whole or unit_id == scope.staff_id:
            return True
        if not scope.managed_team_ids and not scope.managed_service_ids:
            return False
        return Audit.objects.filter(
            Q(team_id__in=scope.managed_team_ids)
            | Q(team__service_id__in=scope.managed_service_ids),
            practitioner_id=unit_id,
        ).exists()
    return False


def audit_results_for_unit(
    *,
    organisation_id: int,
    unit_type: str,
    unit_id: int,
    period_type: str | None = None,
) -> list[AuditUnitResult]:
    """A unit's stored results, by period then measure (one query). The caller checks
    `audit_results_visible` first."""
    rows = AuditUnitResult.objects.filter(
        organisation_id=organisation_id, unit_type=unit_type, unit_id=unit_id
    )
    if period_type:
        rows = rows.filter(period_type=period_type)
    return list(rows.order_by("period_type", "period_start", "measure", "breakdown"))


def audit_results_table(
    *,
    organisation_id: int,
    unit_type: str,
    unit_id: int,
    period_type: str,
) -> dict[date, dict[tuple[str, str], AuditUnitResult]]:
    """{period start: {(measure, breakdown): row}}, periods in order."""
    table: dict[date, dict[tuple[str, str], AuditUnitResult]] = defaultdict(dict)
    for row in audit_results_for_unit(
        organisation_id=organisation_id,
        unit_type=unit_type,
        unit_id=unit_id,
        period_type=period_type,
    ):
        table[row.period_start][(row.measure, row.breakdown)] = row
    return dict(table)


def audit_results_list_for_user(*, user: Any) -> Any:
    """Every stored result row the user may read (for the API): whole-organisation roles
    read all; managers their services, teams and the practitioners audited in them; a
    practitioner their own unit."""
    scope = user_scope(user=user)
    if scope.organisation_id is None:
        return AuditUnitResult.objects.none()
    rows = AuditUnitResult.objects.filter(organisation_id=scope.organisation_id)
    if scope.has_role(Role.QA_LEAD) or scope.has_role(Role.SENIOR_LEADER):
        return rows
    visible = Q()
    if scope.staff_id is not None:
        visible |= Q(unit_type="practitioner", unit_id=scope.staff_id)
    if scope.managed_team_ids or scope.managed_service_ids:
        teams = Team.objects.filter(
            Q(pk__in=scope.managed_team_ids) | Q(service_id__in=scope.managed_service_ids),
            organisation_id=scope.organisation_id,
        )
        practitioners = Audit.objects.filter(team__in=teams).values("practitioner_id")
        visible |= Q(unit_type="service", unit_id__in=scope.managed_service_ids)
        visible |= Q(unit_type="team", unit_id__in=teams.values("pk"))
        visible |= Q(unit_type="practitioner", unit_id__in=practitioners)
    return rows.filter(visible) if visible else AuditUnitResult.objects.none()


def audit_themes(*, user: Any, start: date, end: date, team_id: int | None = None) -> list[Audit]:
    """The three columns of completed audits the user may see, completed from `start` to
    `end` (optionally one team's): the "themes" table. Child-level: log the access."""
    audits = audit_list_for_user(user=user).filter(
        state__in=[AuditState.COMPLETED, AuditState.MODERATED, AuditState.CLOSED],
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    )
    if team_id is not None:
        audits = audits.filter(team_id=team_id)
    return list(
        audits.only(
            "pk",
            "organisation_id",
            "team_id",
            "completed_at",
            "working_well",
            "worries",
            "next_steps",
        ).order_by("completed_at")
    )

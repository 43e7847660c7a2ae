"""The weekly digest: one notification (in the app and by email) to each manager: team
managers, service managers, QA leads and senior leaders, about the units they oversee.

It says how many audits were completed in the last 7 days, actions overdue now, alerts
not yet acknowledged (safeguarding escalations from audits, child safety alerts from
surveys), flags raised in the last 7 days, and the core data headline indicators that
moved between the last two months. Sent through `notification_send` with a key per
person and ISO week, so running the job twice in a week sends nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audits.models import FINISHED_STATES, Audit, AuditAction, SafeguardingEscalation
from coredata.indicator_display import Figure, breakdown_label, measure_kind, period_list
from coredata.indicators.periods import MONTH
from coredata.indicators.registry import INDICATORS
from coredata.selectors import refresh_current, unit_results_frame
from coredata.selectors_indicators import ResultsLookup
from organisation.models import Organisation, Role, RoleAssignment, Service, Team
from organisation.selectors import user_scope
from organisation.services import notification_send
from qa_system.pack import HEADLINES
from qa_system.selectors_flags import flag_list_for_user
from surveys.models import SafetyAlert

DIGEST_ROLES = (Role.TEAM_MANAGER, Role.SERVICE_MANAGER, Role.QA_LEAD, Role.SENIOR_LEADER)
FLAGS_LISTED = 5
# A percentage moved when it changed by this many points; another figure by this share.
MOVED_POINTS = 5.0
MOVED_SHARE = 0.10


@dataclass(frozen=True)
class Moved:
    unit: str
    label: str
    before: str
    after: str
    direction: str  # "up" or "down"


@dataclass
class Digest:
    week: str
    since: date
    until: date
    audits_completed: int = 0
    actions_overdue: int = 0
    escalations_unacknowledged: int = 0
    safety_alerts_unacknowledged: int = 0
    flags_raised: int = 0
    flags: list[str] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    months: tuple[str, str] | None = None

    @property
    def alerts_unacknowledged(self) -> int:
        return self.escalations_unacknowledged + self.safety_alerts_unacknowledged


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def moved(kind: str, before: float | None, after: float | None) -> bool:
    """Whether a figure moved enough to mention: 5 points for a percentage, else 10%."""
    if before is None or after is None:
        return False
    if kind == "pct":
        return abs(after - before) >= MOVED_POINTS
    if before == 0:
        return after != 0
    return abs(after - before) / abs(before) >= MOVED_SHARE


def _units_of(scope: Any, organisation: Organisation) -> list[tuple[str, str, str]]:
    """The core data units a person's digest follows: (unit type, code, name)."""
    if scope.sees_whole_organisation:
        return [("organisation", organisation.la_code, organisation.name)]
    units = [
        ("service", s.code, s.name)
        for s in Service.objects.filter(pk__in=scope.managed_service_ids).order_by("name")
    ]
    units += [
        ("team", t.code, t.name)
        for t in Team.objects.filter(pk__in=scope.managed_team_ids)
        .exclude(service_id__in=scope.managed_service_ids)
        .order_by("name")
    ]
    return units


def _moved(
    organisation: Organisation, units: list[tuple[str, str, str]]
) -> tuple[Any, list[Moved]]:
    from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

    run = refresh_current(organisation_id=organisation.pk)
    months = [
        p
        for p in (period_list(run.first_month_end, run.last_month_end) if run else [])
        if p.kind == MONTH
    ]
    if run is None or len(months) < 2:
        return None, []
    last, before = months[0], months[1]  # period_list gives each kind latest first
    found = []
    for unit_type, code, name in units:
        lookup = ResultsLookup(
            unit_results_frame(run=run, unit_type=unit_type, unit_code=code), [before, last]
        )
        for indicator, breakdown in HEADLINES:
            definition = INDICATORS[indicator]
            kind = measure_kind(definition.unit, breakdown)
            old = lookup.figure(indicator, breakdown, kind, before)
            new = lookup.figure(indicator, breakdown, kind, last)
            if (
                old.value is not None
                and new.value is not None
                and moved(kind, old.value, new.value)
            ):
                label = breakdown_label(breakdown, name=definition.name)
                found.append(
                    Moved(
                        unit=name,
                        label=definition.name
                        if label == definition.name
                        else f"{definition.name}: {label}",
                        before=Figure(kind, old.value).text,
                        after=Figure(kind, new.value).text,
                        direction="up" if new.value > old.value else "down",
                    )
                )
    return (before.short_label, last.short_label), found


def digest_for(*, user: Any, organisation: Organisation, today: date) -> Digest:
    """What one manager's digest says: the 7 days up to now (up to the end of `today`
    when it is not today)."""
    scope = user_scope(user=user)
    until = min(timezone.now(), _moment(today + timedelta(days=1)))
    start = until - timedelta(days=7)
    digest = Digest(week=week_key(today), since=timezone.localdate(start), until=today)
    if scope.sees_whole_organisation:
        teams = Q(team__organisation=organisation)
        alert_teams = Q(organisation=organisation)
    else:
        teams = Q(team_id__in=scope.managed_team_ids) | Q(
            team__service_id__in=scope.managed_service_ids
        )
        alert_teams = teams
    audits = Audit.objects.filter(teams, organisation=organisation)
    digest.audits_completed = audits.filter(
        state__in=FINISHED_STATES, completed_at__gte=start, completed_at__lte=until
    ).count()
    digest.actions_overdue = AuditAction.objects.filter(
        audit__in=audits.values("pk"), status=AuditAction.Status.OPEN, due_date__lt=today
    ).count()
    digest.escalations_unacknowledged = SafeguardingEscalation.objects.filter(
        audit__in=audits.values("pk"), acknowledged_at__isnull=True
    ).count()
    digest.safety_alerts_unacknowledged = SafetyAlert.objects.filter(
        alert_teams, organisation=organisation, acknowledged_at__isnull=True
    ).count()
    flags = flag_list_for_user(user=user).filter(raised_at__gte=start, raised_at__lte=until)
    digest.flags_raised = flags.count()
    digest.flags = [f.text for f in flags.order_by("-period_end", "unit_name")[:FLAGS_LISTED]]
    digest.months, digest.moved = _moved(organisation, _units_of(scope, organisation))
    return digest


def digest_send(*, user: Any, organisation: Organisation, today: date) -> bool:
    """Send one manager their digest for the week (once: True when sent now)."""
    digest = digest_for(user=user, organisation=organisation, today=today)
    body = render_to_string("email/weekly_digest.txt", {"digest": digest}).strip()
    things = digest.actions_overdue + digest.alerts_unacknowledged + digest.flags_raised
    subject = (
        f"Your weekly QA digest: {things} thing{'s' if things != 1 else ''} to look at"
        if things
        else "Your weekly QA digest"
    )
    sent = notification_send(
        recipient=user,
        organisation_id=organisation.pk,
        kind="weekly_digest",
        subject=subject,
        body=body,
        url=reverse("qa:flag_list"),
        email=True,
        dedupe_key=f"weekly-digest:{digest.week}",
    )
    return sent is not None


def digests_send(*, today: date | None = None) -> int:
    """Each manager's digest for this week, in every organisation. Returns how many were
    sent now (none on a second run in the same week)."""
    today = today or timezone.localdate()
    count = 0
    for organisation in Organisation.objects.all():
        users = {
            a.staff.user
            for a in RoleAssignment.objects.filter(
                staff__organisation=organisation,
                role__in=DIGEST_ROLES,
                staff__user__is_active=True,
            ).select_related("staff__user")
            if a.staff.user is not None
        }
        for user in sorted(users, key=lambda u: u.pk):
            count += digest_send(user=user, organisation=organisation, today=today)
    return count

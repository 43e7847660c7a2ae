"""Audit results per unit and period, stored for the results pages and the linked QA
views (`AuditUnitResult`; measures in audits/INTERFACE.md "Results").

Recomputed whole for one organisation (idempotent: delete and insert in one
transaction), from five queries whatever the number of audits; pages then read stored
rows only. Run nightly for every organisation and after each completion or moderation.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from audits.models import (
    FINISHED_STATES,
    Audit,
    AuditAction,
    AuditModeration,
    AuditRating,
    AuditUnitResult,
    Grade,
    RatingScale,
    SafeguardingEscalation,
)

GOOD_OR_BETTER = frozenset({Grade.OUTSTANDING, Grade.GOOD})
COUNT_MEASURES = frozenset(
    {
        "completed",
        "moderated",
        "actions_due",
        "actions_open",
        "actions_overdue",
        "escalations",
        "escalations_unacknowledged",
    }
)
Unit = tuple[str, int]


def period_starts(day: date) -> list[tuple[str, date, date]]:
    """(period type, start, end) of the month, calendar quarter and financial year
    (April to March) holding `day`."""
    month_start = day.replace(day=1)
    next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    quarter_month = 3 * ((day.month - 1) // 3) + 1
    quarter_start = date(day.year, quarter_month, 1)
    quarter_end_month = quarter_month + 3
    quarter_next = date(day.year + (quarter_end_month > 12), (quarter_end_month - 1) % 12 + 1, 1)
    fy_year = day.year if day.month >= 4 else day.year - 1
    return [
        ("month", month_start, next_month - timedelta(days=1)),
        ("quarter", quarter_start, quarter_next - timedelta(days=1)),
        ("year", date(fy_year, 4, 1), date(fy_year + 1, 3, 31)),
    ]


@dataclass
class _Cell:
    numerator: float = 0.0
    denominator: float = 0.0


@dataclass
class _Results:
    cells: dict[tuple[Unit, str, date, date], dict[tuple[str, str], _Cell]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(_Cell))
    )

    def add(
        self,
        units: Iterable[Unit],
        day: date,
        measure: str,
        breakdown: str = "",
        numerator: float = 0.0,
        denominator: float = 0.0,
    ) -> None:
        for unit in units:
            for period_type, start, end in period_starts(day):
                cell = self.cells[(unit, period_type, start, end)][(measure, breakdown)]
                cell.numerator += numerator
                cell.denominator += denominator


def _units(organisation_id: int, service_id: int, team_id: int, practitioner_id: int) -> list[Unit]:
    return [
        ("organisation", organisation_id),
        ("service", service_id),
        ("team", team_id),
        ("practitioner", practitioner_id),
    ]


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


def audit_results_refresh(*, organisation_id: int, today: date | None = None) -> int:
    """Recompute and store every unit's results for every period; returns rows written."""
    today = today or timezone.localdate()
    results = _Results()
    unit_fields = ("organisation_id", "team__service_id", "team_id", "practitioner_id")
    audits = list(
        Audit.objects.filter(
            organisation_id=organisation_id,
            state__in=FINISHED_STATES,
            completed_at__isnull=False,
        ).values("pk", *unit_fields, "completed_at", "due_date", "overall_grade", "practice_scale")
    )
    audit_units = {a["pk"]: _units(*(a[f] for f in unit_fields)) for a in audits}
    completed_on = {a["pk"]: _local(a["completed_at"]) for a in audits}
    for a in audits:
        units, day = audit_units[a["pk"]], completed_on[a["pk"]]
        results.add(units, day, "completed", numerator=1)
        results.add(units, day, "completed_on_time", numerator=day <= a["due_date"], denominator=1)
        for grade in Grade.values:
            results.add(units, day, "grade", f"grade={grade}", a["overall_grade"] == grade, 1)
        results.add(
            units,
            day,
            "good_or_better",
            numerator=a["overall_grade"] in GOOD_OR_BETTER,
            denominator=1,
        )
        if a["practice_scale"] is not None:
            results.add(units, day, "practice_scale", numerator=a["practice_scale"], denominator=1)

    ratings = AuditRating.objects.filter(audit_id__in=list(audit_units)).values(
        "audit_id",
        "item__section__code",
        "item__rating_scale",
        "audit__tool_version__rating_scale",
        "practitioner_rating",
        "auditor_rating",
        "agreed_rating",
    )
    for r in ratings:
        units, day = audit_units[r["audit_id"]], completed_on[r["audit_id"]]
        section = r["item__section__code"]
        scale = r["item__rating_scale"] or r["audit__tool_version__rating_scale"]
        if scale == RatingScale.FREE_TEXT:
            continue
        if r["practitioner_rating"] and r["auditor_rating"]:
            same = r["practitioner_rating"] == r["auditor_rating"]
            results.add(units, day, "agreement", numerator=same, denominator=1)
            results.add(units, day, "agreement", f"section={section}", same, 1)
        final = r["agreed_rating"] or r["auditor_rating"]
        if scale == RatingScale.OFSTED and final:
            for grade in Grade.values:
                results.add(
                    units,
                    day,
                    "section_grade",
                    f"section={section};grade={grade}",
                    final == grade,
                    1,
                )

    moderations = AuditModeration.objects.filter(
        audit__organisation_id=organisation_id, moderated_at__isnull=False
    ).values("audit_id", "moderated_at", "agrees")
    for m in moderations:
        moderated_units = audit_units.get(m["audit_id"])
        if moderated_units is None or m["moderated_at"] is None:
            continue
        units, day = moderated_units, _local(m["moderated_at"])
        results.add(units, day, "moderated", numerator=1)
        results.add(units, day, "moderation_agreement", numerator=bool(m["agrees"]), denominator=1)

    actions = (
        AuditAction.objects.filter(audit__organisation_id=organisation_id)
        .exclude(status=AuditAction.Status.CANCELLED)
        .values("status", "due_date", "completed_at", *(f"audit__{f}" for f in unit_fields))
    )
    for action in actions:
        units = _units(*(action[f"audit__{f}"] for f in unit_fields))
        due = action["due_date"]
        done = action["status"] == AuditAction.Status.DONE
        results.add(units, due, "actions_due", numerator=1)
        if done or due < today:
            on_time = done and _local(action["completed_at"]) <= due
            results.add(units, due, "actions_done_on_time", numerator=on_time, denominator=1)
        if not done:
            results.add(units, due, "actions_open", numerator=1)
            if due < today:
                results.add(units, due, "actions_overdue", numerator=1)

    escalations = SafeguardingEscalation.objects.filter(
        audit__organisation_id=organisation_id
    ).values("raised_at", "acknowledged_at", *(f"audit__{f}" for f in unit_fields))
    for escalation in escalations:
        units = _units(*(escalation[f"audit__{f}"] for f in unit_fields))
        day = _local(escalation["raised_at"])
        results.add(units, day, "escalations", numerator=1)
        if escalation["acknowledged_at"] is None:
            results.add(units, day, "escalations_unacknowledged", numerator=1)

    now = timezone.now()
    rows = [
        AuditUnitResult(
            organisation_id=organisation_id,
            unit_type=unit_type,
            unit_id=unit_id,
            period_type=period_type,
            period_start=start,
            period_end=end,
            measure=measure,
            breakdown=breakdown,
            numerator=cell.numerator,
            denominator=None if measure in COUNT_MEASURES else cell.denominator,
            value=_value(measure, cell),
            computed_at=now,
        )
        for ((unit_type, unit_id), period_type, start, end), measures in results.cells.items()
        for (measure, breakdown), cell in measures.items()
    ]
    with transaction.atomic():
        AuditUnitResult.objects.filter(organisation_id=organisation_id).delete()
        AuditUnitResult.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _value(measure: str, cell: _Cell) -> float | None:
    if measure in COUNT_MEASURES:
        return cell.numerator
    return cell.numerator / cell.denominator if cell.denominator else None

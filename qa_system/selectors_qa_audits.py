"""The audits panel of a QA page: audits completed, grades overall and by section,
practitioner and auditor agreement, moderation agreement, actions open and overdue, and
the latest themes in the three columns.

Figures come from the stored `audits.AuditUnitResult` rows (audits/INTERFACE.md
"Results"): the unit's, its parent's and its children's in one query whatever their
number. Shares are stored from 0 to 1 and shown as percentages. Rolling 12-month
periods are not summarised by audits (months, quarters and financial years are).

The themes are what auditors wrote about single cases, so they are child-level data:
only the audits the viewer may open (`audits.selectors.audit_list_for_user`) are shown,
the latest few, and each one shown is written to the access log by the view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from audits.models import Audit, AuditToolSection, AuditUnitResult, Grade
from coredata.indicator_display import COUNT, PCT, Period
from coredata.indicators.periods import FINANCIAL_YEAR, MONTH, QUARTER
from coredata.indicators.units import ORGANISATION, PRACTITIONER, SERVICE, TEAM
from qa_system.selectors_qa_figures import RATIO, Measure, PeriodChoice, change_text
from qa_system.selectors_qa_units import QaUnit

PERIOD_TYPES = {MONTH: "month", QUARTER: "quarter", FINANCIAL_YEAR: "year"}
SHARES = frozenset(
    {"grade", "good_or_better", "section_grade", "agreement", "moderation_agreement",
     "completed_on_time", "actions_done_on_time"}
)  # fmt: skip
KINDS = {"completed": COUNT, "practice_scale": RATIO, "moderated": COUNT, "actions_due": COUNT,
         "actions_open": COUNT, "actions_overdue": COUNT, "escalations": COUNT,
         "escalations_unacknowledged": COUNT}  # fmt: skip
# The measure set beside surveys and core data in the timeline and the comparison.
KEY = "good_or_better"
COMPARED = (KEY, "actions_overdue")
GOOD_GRADES = ("outstanding", "good")
THEMES_SHOWN = 3  # the latest audits whose three columns are shown


@dataclass(frozen=True)
class AuditRow:
    label: str
    figure: Measure
    change: str = ""
    parent: Measure | None = None


@dataclass(frozen=True)
class SectionRow:
    code: str
    title: str
    good_or_better: Measure
    agreement: Measure


@dataclass(frozen=True)
class Theme:
    """One audit's three columns (the audit itself, for the access log and its link)."""

    audit: Audit
    completed_on: date | None
    working_well: str
    worries: str
    next_steps: str


@dataclass(frozen=True)
class AuditPanel:
    supported: bool
    completed: Measure = field(default_factory=lambda: Measure.missing(COUNT))
    headline: list[AuditRow] = field(default_factory=list)
    grades: list[AuditRow] = field(default_factory=list)
    sections: list[SectionRow] = field(default_factory=list)
    actions: list[AuditRow] = field(default_factory=list)
    themes: list[Theme] | None = None  # None: the viewer may not read single audits
    key_timeline: list[Measure] = field(default_factory=list)

    @property
    def has_results(self) -> bool:
        return bool(self.completed.value) or any(not r.figure.no_data for r in self.actions)


Key = tuple[str, int, date, str, str]  # unit type, unit id, period start, measure, breakdown


class StoredAuditResults:
    """Audit result rows of some units, looked up by unit, period, measure, breakdown."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.rows: dict[Key, Mapping[str, Any]] = {}
        self.sections: dict[tuple[str, int, date], set[str]] = {}
        for r in rows:
            unit = (r["unit_type"], r["unit_id"], r["period_start"])
            self.rows[(*unit, r["measure"], r["breakdown"])] = r
            if r["measure"] == "section_grade":
                section = dict(p.split("=", 1) for p in r["breakdown"].split(";") if "=" in p)
                self.sections.setdefault(unit, set()).add(section.get("section", ""))

    def measure(self, unit: QaUnit, period: Period, measure: str, breakdown: str = "") -> Measure:
        row = self.rows.get((unit.unit_type, unit.pk, period.start, measure, breakdown))
        kind = PCT if measure in SHARES else KINDS.get(measure, COUNT)
        if row is None:
            # Counts are stored when there is something to count: none means 0 once the
            # unit has any audit result in the period.
            if kind == COUNT and self.has_any(unit, period):
                return Measure(COUNT, 0.0)
            return Measure.missing(kind)
        value = row["value"]
        if kind == PCT and value is not None:
            value *= 100
        return Measure(kind, value, row["numerator"], row["denominator"])

    def has_any(self, unit: QaUnit, period: Period) -> bool:
        return (unit.unit_type, unit.pk, period.start, "completed", "") in self.rows

    def section_codes(self, unit: QaUnit, period: Period) -> list[str]:
        return sorted(self.sections.get((unit.unit_type, unit.pk, period.start), set()))

    def good_or_better_in_section(self, unit: QaUnit, period: Period, section: str) -> Measure:
        shares = [
            self.measure(unit, period, "section_grade", f"section={section};grade={grade}")
            for grade in GOOD_GRADES
        ]
        if all(share.value is None for share in shares):
            return Measure.missing(PCT)
        return Measure(PCT, sum(share.value or 0.0 for share in shares))


def audit_results_read(
    *,
    organisation_id: int,
    choice: PeriodChoice,
    unit: QaUnit,
    parent: QaUnit | None,
    children: list[QaUnit],
) -> StoredAuditResults:
    """The stored rows a page needs, in one query: the unit's over the timeline, the
    parent's for the chosen period and the children's compared measures for it."""
    chosen = choice.chosen
    period_type = PERIOD_TYPES.get(chosen.kind) if chosen else None
    if chosen is None or period_type is None:
        return StoredAuditResults([])
    # Every measure of the chosen period and the one before, the key measure of the
    # rest of the timeline.
    recent = [chosen.start, *([choice.previous.start] if choice.previous else [])]
    match = Q(unit_type=unit.unit_type, unit_id=unit.pk, period_start__in=recent)
    match |= Q(unit_type=unit.unit_type, unit_id=unit.pk, period_start__in=_starts(choice),
               measure=KEY)  # fmt: skip
    if parent is not None:
        match |= Q(unit_type=parent.unit_type, unit_id=parent.pk, period_start=chosen.start)
    for unit_type in {c.unit_type for c in children}:
        ids = sorted(c.pk for c in children if c.unit_type == unit_type)
        match |= Q(
            unit_type=unit_type,
            unit_id__in=ids,
            period_start=chosen.start,
            measure__in=(*COMPARED, "completed"),
        )
    rows = AuditUnitResult.objects.filter(
        match, organisation_id=organisation_id, period_type=period_type
    ).values(
        "unit_type", "unit_id", "period_start", "measure", "breakdown", "numerator",
        "denominator", "value",
    )  # fmt: skip
    return StoredAuditResults(rows)


def _starts(choice: PeriodChoice) -> list[date]:
    return [p.start for p in choice.timeline]


def audit_section_titles(*, organisation_id: int) -> dict[str, str]:
    """Section titles by code, from the organisation's published tool versions (the
    latest version's title wins): one query."""
    titles: dict[str, str] = {}
    rows = (
        AuditToolSection.objects.filter(
            version__tool__organisation_id=organisation_id, version__status="published"
        )
        .order_by("version__published_at", "pk")
        .values_list("code", "title")
    )
    for code, title in rows:
        titles[code] = title
    return titles


def audit_panel(
    *,
    unit: QaUnit,
    parent: QaUnit | None,
    choice: PeriodChoice,
    stored: StoredAuditResults,
    section_titles: dict[str, str],
    themes: list[Theme] | None,
) -> AuditPanel:
    chosen = choice.chosen
    if chosen is None or chosen.kind not in PERIOD_TYPES:
        return AuditPanel(supported=False)
    previous = choice.previous

    def row(label: str, measure: str, breakdown: str = "", compare: bool = True) -> AuditRow:
        figure = stored.measure(unit, chosen, measure, breakdown)
        before = stored.measure(unit, previous, measure, breakdown) if previous else None
        return AuditRow(
            label=label,
            figure=figure,
            change=change_text(figure, before, period=previous) if before else "",
            parent=stored.measure(parent, chosen, measure, breakdown)
            if parent and compare
            else None,
        )

    return AuditPanel(
        supported=True,
        completed=stored.measure(unit, chosen, "completed"),
        headline=[
            row("Audits completed", "completed", compare=False),
            row("Graded good or outstanding", KEY),
            row("Practice scale (average, 0 to 10)", "practice_scale"),
            row("Practitioner and auditor agree", "agreement"),
            row("Moderator agreed the grade", "moderation_agreement"),
        ],
        grades=[row(label, "grade", f"grade={value}") for value, label in Grade.choices],
        sections=[
            SectionRow(
                code=code,
                title=section_titles.get(code, f"Section {code}"),
                good_or_better=stored.good_or_better_in_section(unit, chosen, code),
                agreement=stored.measure(unit, chosen, "agreement", f"section={code}"),
            )
            for code in stored.section_codes(unit, chosen)
        ],
        actions=[
            row("Actions open", "actions_open", compare=False),
            row("Actions overdue", "actions_overdue", compare=False),
            row("Actions done on time", "actions_done_on_time"),
        ],
        themes=themes,
        key_timeline=[stored.measure(unit, p, KEY) for p in choice.timeline],
    )


def _unit_filter(unit: QaUnit) -> Q:
    if unit.unit_type == ORGANISATION:
        return Q(organisation_id=unit.pk)
    if unit.unit_type == SERVICE:
        return Q(team__service_id=unit.pk)
    if unit.unit_type == TEAM:
        return Q(team_id=unit.pk)
    if unit.unit_type == PRACTITIONER:
        return Q(practitioner_id=unit.pk)
    return Q(pk__in=[])


def audit_themes_latest(*, user: Any, unit: QaUnit, period: Period | None) -> list[Theme] | None:
    """The three columns of the unit's latest audits completed in the period, among
    those the user may open (senior leaders and administrators read aggregates only, so
    they get none). One query. None before the audits' selectors exist."""
    try:
        from audits.selectors import audit_list_for_user
    except ImportError:
        return None
    if period is None:
        return None
    visible = audit_list_for_user(user=user)
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end, time.max))
    audits = (
        visible.filter(
            _unit_filter(unit),
            completed_at__gte=start,
            completed_at__lte=end,
            state__in=("completed", "moderated", "closed"),
        )
        .select_related(None)
        .only("pk", "organisation_id", "completed_at", "working_well", "worries", "next_steps")
        .order_by("-completed_at", "-pk")[:THEMES_SHOWN]
    )
    return [
        Theme(
            audit=audit,
            completed_on=timezone.localdate(audit.completed_at) if audit.completed_at else None,
            working_well=audit.working_well,
            worries=audit.worries,
            next_steps=audit.next_steps,
        )
        for audit in audits
    ]

"""The QA board and self-evaluation pack: for the organisation or a service and a period,
the three questions inspectors ask.

1. What do we know about the quality and impact of practice? The measures: core data
   headline indicators (with the previous period and England), audit grades, what
   families, children and staff say, and the flags where they disagree.
2. How do we know it? The evidence: audits completed and moderated (counts and dates),
   survey campaigns, invitations and responses, the core data refresh and its imports.
3. What are we doing about it? Audit actions by team and their status, safeguarding
   escalations, and the rules watching for disagreement.

Aggregates only: survey figures under the organisation's minimum are not shown, and
counts of responses under it are given as "fewer than N".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from coredata.indicator_display import (
    Figure,
    Period,
    breakdown_label,
    latest_quarter,
    measure_kind,
    period_list,
    trend_periods,
)
from coredata.indicators.periods import FINANCIAL_YEAR, QUARTER
from coredata.indicators.registry import INDICATORS
from coredata.national import national_figure_for
from coredata.selectors import refresh_current, unit_results_frame
from coredata.selectors_indicators import (
    RefreshState,
    ResultsLookup,
    period_choose,
    refresh_state_for,
)
from organisation.models import Organisation, Service
from qa_system.flag_measures import AUDIT_SECTIONS, SURVEY_LABELS
from qa_system.models import Flag, FlagRule
from qa_system.pack_evidence import TeamActions, pack_actions, pack_evidence
from surveys.models import (
    SurveyCampaign,
    SurveyUnitResult,
)

# The core data headlines of the pack: (indicator, breakdown).
HEADLINES = (
    ("A1", ""),
    ("A3", "outcome=NFA"),
    ("O1", ""),
    ("P1", "tier=CP"),
    ("P1", "tier=LAC"),
    ("P2", "tier=CP;view=open;min=2y"),
    ("P3", "tier=CP;window=ever"),
    ("P4", "tier=CP"),
    ("O2", ""),
    ("O3", ""),
    ("W2", ""),
    ("W4", ""),
    ("W5", ""),
)
PACK_PERIOD_KINDS = (QUARTER, FINANCIAL_YEAR)
STORED_PERIOD_TYPE = {QUARTER: "quarter", FINANCIAL_YEAR: "year"}
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")


@dataclass(frozen=True)
class Headline:
    label: str
    direction: str
    figure: Figure
    previous: Figure | None
    parent: Figure | None
    england: str

    @property
    def change(self) -> str:
        now = self.figure.value
        before = self.previous.value if self.previous is not None else None
        if now is None or before is None:
            return ""
        shown = Figure(self.figure.kind, before).text
        if round(now, 1) == round(before, 1):
            return f"same as {shown}"
        return f"{'up' if now > before else 'down'} from {shown}"


@dataclass(frozen=True)
class Shown:
    """One stored audit or survey figure: its text ('too few responses to show' when
    suppressed) and what it counts."""

    label: str
    text: str
    of_text: str = ""


@dataclass
class Pack:
    organisation: Organisation
    service: Service | None
    period: Period | None
    periods: list[Period]
    period_not_found: bool
    generated_at: datetime
    # 1. What do we know
    headlines: list[Headline] = field(default_factory=list)
    audit_figures: list[Shown] = field(default_factory=list)
    audit_sections: list[Shown] = field(default_factory=list)
    survey_figures: list[Shown] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    # 2. How do we know it
    audits_completed: int = 0
    audits_first: date | None = None
    audits_last: date | None = None
    audits_moderated: int = 0
    audits_in_progress: int = 0
    campaigns: list[SurveyCampaign] = field(default_factory=list)
    invitations: int = 0
    family_responses: str = ""
    staff_responses: str = ""
    refresh: RefreshState | None = None
    # 3. What are we doing about it
    team_actions: list[TeamActions] = field(default_factory=list)
    escalations_raised: int = 0
    escalations_unacknowledged: int = 0
    rules_active: int = 0

    @property
    def unit_name(self) -> str:
        return self.service.name if self.service else self.organisation.name

    @property
    def period_label(self) -> str:
        return self.period.label if self.period else "no period"

    @property
    def actions_total(self) -> TeamActions:
        rows = self.team_actions
        return TeamActions(
            "All teams",
            *(
                sum(getattr(r, f) for r in rows)
                for f in ("open", "overdue", "done", "done_on_time")
            ),
        )


def pack_for(
    *, organisation: Organisation, service: Service | None, period_key: str | None
) -> Pack:
    """The pack of the organisation (or one of its services: the caller may see it) for
    a quarter or financial year (default: the latest quarter core data has)."""
    run = refresh_current(organisation_id=organisation.pk)
    periods = [
        p
        for p in (period_list(run.first_month_end, run.last_month_end) if run else [])
        if p.kind in PACK_PERIOD_KINDS
    ]
    chosen, not_found = period_choose(periods, period_key, latest_quarter)
    pack = Pack(organisation, service, chosen, periods, not_found, timezone.now())
    pack.refresh = refresh_state_for(organisation_id=organisation.pk, run=run)
    pack.rules_active = FlagRule.objects.filter(organisation=organisation, active=True).count()
    if chosen is None:
        return pack
    unit_type, unit_id = ("service", service.pk) if service else ("organisation", organisation.pk)
    _headlines(pack, run, periods, chosen)
    _stored_audits(pack, unit_type, unit_id, chosen)
    _stored_surveys(pack, unit_type, unit_id, chosen)
    _flags(pack, chosen)
    pack_evidence(pack=pack, chosen=chosen)
    pack_actions(pack=pack, chosen=chosen)
    return pack


def _headlines(pack: Pack, run: Any, periods: list[Period], chosen: Period) -> None:
    from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

    trend = trend_periods(periods, chosen, 2)
    previous = trend[0] if len(trend) == 2 else None
    code = pack.service.code if pack.service else pack.organisation.la_code
    unit_type = "service" if pack.service else "organisation"
    results = ResultsLookup(unit_results_frame(run=run, unit_type=unit_type, unit_code=code), trend)
    parent = (
        ResultsLookup(
            unit_results_frame(
                run=run, unit_type="organisation", unit_code=pack.organisation.la_code
            ),
            [chosen],
        )
        if pack.service
        else None
    )
    for indicator, breakdown in HEADLINES:
        definition = INDICATORS[indicator]
        kind = measure_kind(definition.unit, breakdown)
        national = national_figure_for(
            indicator=indicator,
            breakdown=breakdown,
            kind=kind,
            period_start=chosen.start,
            period_end=chosen.end,
        )
        label = breakdown_label(breakdown, name=definition.name)
        pack.headlines.append(
            Headline(
                label=definition.name
                if label == definition.name
                else f"{definition.name}: {label}",
                direction=definition.direction,
                figure=results.figure(indicator, breakdown, kind, chosen),
                previous=results.figure(indicator, breakdown, kind, previous) if previous else None,
                parent=parent.figure(indicator, breakdown, kind, chosen) if parent else None,
                england=Figure(kind, national.value).text if national else "",
            )
        )


def _stored(model: Any, pack: Pack, unit_type: str, unit_id: int, chosen: Period) -> Any:
    return model.objects.filter(
        organisation=pack.organisation,
        unit_type=unit_type,
        unit_id=unit_id,
        period_type=STORED_PERIOD_TYPE[chosen.kind],
        period_start=chosen.start,
    )


def _pct(value: float | None, numerator: float | None, denominator: float | None) -> Shown:
    if value is None:
        return Shown("", "no data")
    of = f"{numerator:,.0f} of {denominator:,.0f}" if denominator else ""
    return Shown("", f"{value:.1f}%", of)


def _stored_audits(pack: Pack, unit_type: str, unit_id: int, chosen: Period) -> None:
    from audits.models import AuditUnitResult

    rows = {
        (r.measure, r.breakdown): r
        for r in _stored(AuditUnitResult, pack, unit_type, unit_id, chosen)
    }

    def share(label: str, measure: str, breakdown: str = "") -> Shown:
        row = rows.get((measure, breakdown))
        if row is None:
            return Shown(label, "no data")
        shown = _pct(None if row.value is None else row.value * 100, row.numerator, row.denominator)
        return Shown(label, shown.text, shown.of_text)

    completed = rows.get(("completed", ""))
    pack.audit_figures = [
        Shown("Audits completed", f"{completed.numerator:,.0f}" if completed else "0"),
        share("Graded good or better", "good_or_better"),
        *(share(f"Graded {g.replace('_', ' ')}", "grade", f"grade={g}") for g in GRADES),
        share("Practitioner and auditor agree", "agreement"),
        share("Moderator agreed with the grade", "moderation_agreement"),
        share("Completed on time", "completed_on_time"),
    ]
    practice = rows.get(("practice_scale", ""))
    if practice is not None and practice.value is not None:
        pack.audit_figures.append(
            Shown("Average practice score (0 to 10)", f"{practice.value:.1f}")
        )
    for section, name in AUDIT_SECTIONS.items():
        good = [
            rows.get(("section_grade", f"section={section};grade={g}"))
            for g in ("outstanding", "good")
        ]
        present = [r for r in good if r is not None]
        if not present:
            pack.audit_sections.append(Shown(f"{section}: {name}", "no data"))
            continue
        numerator = sum(r.numerator for r in present)
        denominator = present[0].denominator
        value = numerator / denominator * 100 if denominator else None
        shown = _pct(value, numerator, denominator)
        pack.audit_sections.append(Shown(f"{section}: {name}", shown.text, shown.of_text))


def _stored_surveys(pack: Pack, unit_type: str, unit_id: int, chosen: Period) -> None:
    rows = {r.measure: r for r in _stored(SurveyUnitResult, pack, unit_type, unit_id, chosen)}
    for measure, label in SURVEY_LABELS.items():
        row = rows.get(measure)
        if row is None:
            pack.survey_figures.append(Shown(label, "no data"))
        elif row.suppressed:
            pack.survey_figures.append(Shown(label, "too few responses to show"))
        else:
            shown = _pct(row.value, row.numerator, row.denominator)
            pack.survey_figures.append(Shown(label, shown.text, shown.of_text))


def _flags(pack: Pack, chosen: Period) -> None:
    flags = Flag.objects.filter(
        organisation=pack.organisation,
        period_start__lte=chosen.end,
        period_end__gte=chosen.start,
    ).select_related("rule")
    if pack.service is not None:
        service = pack.service
        flags = flags.filter(
            Q(unit_type="service", unit_id=service.pk)
            | Q(unit_type="team", unit_id__in=service.teams.values("pk"))
            | Q(unit_type="practitioner", unit_id__in=service.teams.values("memberships__staff_id"))
        )
    pack.flags = list(flags.order_by("-period_end", "unit_type", "unit_name")[:100])

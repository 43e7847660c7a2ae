"""The measures flag rules, the pack and the digest compare, read from what each element
stores per unit and period: core data `UnitResults` (by unit code), audit
`AuditUnitResult` and survey `SurveyUnitResult` rows (by unit pk). No engine runs and no
survey is aggregated here: only stored figures are read, and suppressed survey figures
stay unknown (`Value.too_few`).

Units are named as audits and surveys name theirs: (unit type, pk). Periods are
(period type, start, end) with type "month", "quarter" or "year".

A measure's code or breakdown may list alternatives with "|", read together:
- breakdown alternatives are parts of one whole (audit `section_grade` with
  `section=C;grade=outstanding|good`): their numerators add up over the same
  denominator;
- code alternatives are separate groups (the same question in the three children's
  surveys: `q:child_8_12:explained|q:child_13_plus:explained`): numerators and
  denominators both add up. If any part is suppressed, the whole is "too few" (adding a
  suppressed part to shown ones would let it be recovered by subtraction).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from coredata.indicator_display import COUNT, PCT, RATIO, breakdown_label, measure_kind
from coredata.indicators.registry import INDICATORS
from coredata.models import UnitResults
from coredata.selectors import refresh_current
from organisation.models import Organisation, Service, StaffMember, Team, TeamMembership
from qa_system.flags import AUDITS, COREDATA, SURVEYS, Measure, PeriodKey, UnitKey, Value

Values = dict[tuple[Measure, UnitKey, PeriodKey], Value]

AUDIT_COUNTS = frozenset(
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
AUDIT_MEANS = frozenset({"practice_scale"})
AUDIT_LABELS = {
    "completed": "Audits completed",
    "grade": "Audits graded",
    "good_or_better": "Audits graded good or better",
    "practice_scale": "Average practice score (0 to 10)",
    "section_grade": "Audit items graded",
    "agreement": "Practitioner and auditor agreement",
    "moderated": "Audits moderated",
    "moderation_agreement": "Moderator agreed with the grade",
    "completed_on_time": "Audits completed on time",
    "actions_due": "Audit actions due",
    "actions_done_on_time": "Audit actions done on time",
    "actions_open": "Audit actions open",
    "actions_overdue": "Audit actions overdue",
    "escalations": "Safeguarding escalations raised",
    "escalations_unacknowledged": "Safeguarding escalations not acknowledged",
}
AUDIT_SECTIONS = {
    "B": "assessment and mapping",
    "C": "the child's voice",
    "D": "network and safety plan",
    "E": "working with the family",
    "F": "management oversight",
    "G": "impact",
}
SURVEY_LABELS = {
    "child_safe_home": "Children who feel safe at home",
    "child_safe_school": "Children who feel safe at school",
    "child_safe_community": "Children who feel safe where they live",
    "parent_satisfaction": "Parents and carers satisfied overall",
    "parent_understand": "Parents and carers who understand what needs to happen",
    "staff_children_safer": "Staff who say the work makes children safer",
    "staff_caseload": "Staff who say their caseload is manageable",
    "staff_supervision": "Staff who say supervision is adequate",
    "staff_time": "Staff who say they have enough time with families",
    "rate:family": "Family survey response rate",
    "rate:staff": "Staff survey response rate",
}


@dataclass(frozen=True)
class UnitRef:
    unit_type: str
    unit_id: int
    code: str
    name: str
    parent: UnitKey | None = None

    @property
    def key(self) -> UnitKey:
        return (self.unit_type, self.unit_id)


def organisation_units(*, organisation: Organisation) -> list[UnitRef]:
    """The organisation, its services, teams and staff (four queries), each with its
    core data code. A practitioner's parent is the team they are in today."""
    today = timezone.localdate()
    units = [UnitRef("organisation", organisation.pk, organisation.la_code, organisation.name)]
    org_key: UnitKey = ("organisation", organisation.pk)
    units += [
        UnitRef("service", s.pk, s.code, s.name, org_key)
        for s in Service.objects.filter(organisation=organisation).order_by("name")
    ]
    units += [
        UnitRef("team", t.pk, t.code, t.name, ("service", t.service_id))
        for t in Team.objects.filter(organisation=organisation).order_by("name")
    ]
    current = dict(
        TeamMembership.objects.filter(staff__organisation=organisation, start_date__lte=today)
        .exclude(end_date__lt=today)
        .values_list("staff_id", "team_id")
    )
    units += [
        UnitRef(
            "practitioner",
            s.pk,
            s.worker_id,
            s.name,
            ("team", current[s.pk]) if s.pk in current else None,
        )
        for s in StaffMember.objects.filter(organisation=organisation).order_by("name")
    ]
    return units


# --- Periods --------------------------------------------------------------------------


def quarter_containing(day: date) -> PeriodKey:
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    end_month = start.month + 2
    end = date(start.year + end_month // 12, end_month % 12 + 1, 1) - timedelta(days=1)
    return ("quarter", start, end)


def quarters_ending(last_end: date, count: int) -> list[PeriodKey]:
    """The `count` quarters up to the one ending on or before `last_end`, oldest first."""
    quarter = quarter_containing(last_end)
    if quarter[2] > last_end:
        quarter = quarter_containing(quarter[1] - timedelta(days=1))
    found = [quarter]
    while len(found) < count:
        found.append(quarter_containing(found[-1][1] - timedelta(days=1)))
    return found[::-1]


def quarter_label(period: PeriodKey) -> str:
    """'Q1 2025-26': quarters of the financial year (April to June is the first)."""
    end = period[2]
    last = end.year + (1 if end.month > 3 else 0)
    return f"Q{(end.month - 4) % 12 // 3 + 1} {last - 1}-{last % 100:02d}"


def latest_data_end(*, organisation_id: int) -> date:
    """The last day the figures cover: core data's last month end, else yesterday."""
    run = refresh_current(organisation_id=organisation_id)
    if run is not None and run.last_month_end is not None:
        return run.last_month_end
    return timezone.localdate() - timedelta(days=1)


# --- Labels ---------------------------------------------------------------------------


def measure_label(measure: Measure) -> str:
    """Plain words for a measure: the indicator's name and breakdown, or the audit or
    survey measure's."""
    codes = measure.code.split("|")
    if measure.source == COREDATA:
        from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

        definition = INDICATORS.get(codes[0])
        if definition is None:
            return measure.code
        label = breakdown_label(measure.breakdown, name=definition.name)
        return label if label == definition.name else f"{definition.name}: {label}"
    if measure.source == AUDITS:
        parts = dict(p.split("=", 1) for p in measure.breakdown.split(";") if "=" in p)
        label = AUDIT_LABELS.get(codes[0], codes[0])
        if "grade" in parts:
            label += " " + " or ".join(g.replace("_", " ") for g in parts["grade"].split("|"))
        if "section" in parts:
            section = parts["section"]
            label += f" in section {section}"
            if section in AUDIT_SECTIONS:
                label += f" ({AUDIT_SECTIONS[section]})"
        return label
    if codes[0] in SURVEY_LABELS:
        return SURVEY_LABELS[codes[0]]
    if codes[0].startswith("q:"):
        questions = ", ".join(code.split(":")[-1] for code in codes)
        return f"Survey question {questions} (positive answers)"
    return measure.code


# --- Reading values -------------------------------------------------------------------


def _alternatives(measure: Measure) -> list[Measure]:
    parts = [p.split("=", 1) for p in measure.breakdown.split(";") if "=" in p]
    choices = [[f"{key}={v}" for v in value.split("|")] for key, value in parts]
    breakdowns = [";".join(combo) for combo in itertools.product(*choices)] or [""]
    return [
        Measure(measure.source, code, breakdown)
        for code in measure.code.split("|")
        for breakdown in breakdowns
    ]


def _combine(measure: Measure, found: dict[Measure, Value]) -> Value | None:
    """One value for a measure from its alternatives' values (see the module doc)."""
    if not found:
        return None
    if any(v.too_few for v in found.values()):
        return Value(None, too_few=True, kind=next(iter(found.values())).kind)
    if len(found) == 1 and measure in found:
        return found[measure]
    kind = next(iter(found.values())).kind
    if kind == COUNT:
        return Value(sum(v.value or 0 for v in found.values()), kind=COUNT)
    numerator = 0.0
    denominators: dict[str, float] = {}
    for alternative, value in found.items():
        numerator += value.numerator or 0
        # Breakdowns of one code share its denominator; separate codes add theirs.
        denominators[alternative.code] = value.denominator or 0
    denominator = sum(denominators.values())
    if not denominator:
        return Value(None, numerator, denominator, kind=kind)
    scale = 100.0 if kind == PCT else 1.0
    return Value(numerator / denominator * scale, numerator, denominator, kind=kind)


def measure_values(
    *,
    organisation: Organisation,
    measures: Iterable[Measure],
    units: list[UnitRef],
    periods: list[PeriodKey],
) -> Values:
    """Every measure's stored value for every unit and period (one query per source, and
    one to read core data's current run)."""
    wanted = set(measures)
    plain = {alt for m in wanted for alt in _alternatives(m)}
    raw: Values = {}
    by_source: dict[str, set[Measure]] = defaultdict(set)
    for m in plain:
        by_source[m.source].add(m)
    if by_source[COREDATA]:
        raw.update(_coredata_values(organisation, by_source[COREDATA], units, periods))
    if by_source[AUDITS]:
        raw.update(_audit_values(organisation, by_source[AUDITS], periods))
    if by_source[SURVEYS]:
        raw.update(_survey_values(organisation, by_source[SURVEYS], periods))
    values: Values = {}
    for measure in wanted:
        alternatives = _alternatives(measure)
        for unit in units:
            for period in periods:
                found = {
                    alt: raw[(alt, unit.key, period)]
                    for alt in alternatives
                    if (alt, unit.key, period) in raw
                }
                combined = _combine(measure, found)
                if combined is not None:
                    values[(measure, unit.key, period)] = combined
    return values


def _coredata_values(
    organisation: Organisation,
    measures: set[Measure],
    units: list[UnitRef],
    periods: list[PeriodKey],
) -> Values:
    from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

    run = refresh_current(organisation_id=organisation.pk)
    if run is None:
        return {}
    by_code = {(u.unit_type, u.code): u.key for u in units}
    wanted = {(m.code, m.breakdown): m for m in measures}
    indicators = {code for code, _ in wanted}
    wanted_periods = {(p[1].isoformat(), p[2].isoformat()): p for p in periods}
    values: Values = {}
    rows = UnitResults.objects.filter(
        run=run, unit_type__in=["organisation", "service", "team", "practitioner"]
    ).values_list("unit_type", "unit_code", "results")
    for unit_type, unit_code, results in rows.iterator(chunk_size=20):
        unit = by_code.get((unit_type, unit_code))
        if unit is None:
            continue
        columns: dict[str, list[Any]] = results
        for i, indicator in enumerate(columns["indicator"]):
            if indicator not in indicators:
                continue
            measure = wanted.get((indicator, columns["breakdown"][i]))
            period = wanted_periods.get((columns["period_start"][i], columns["period_end"][i]))
            if measure is None or period is None:
                continue
            definition = INDICATORS.get(indicator)
            kind = measure_kind(definition.unit if definition else PCT, measure.breakdown)
            values[(measure, unit, period)] = Value(
                columns["value"][i], columns["numerator"][i], columns["denominator"][i], kind=kind
            )
    return values


def _period_filter(periods: list[PeriodKey]) -> dict[tuple[str, date], PeriodKey]:
    return {(p[0], p[1]): p for p in periods}


def _audit_values(
    organisation: Organisation, measures: set[Measure], periods: list[PeriodKey]
) -> Values:
    from audits.models import AuditUnitResult

    wanted = {(m.code, m.breakdown): m for m in measures}
    by_period = _period_filter(periods)
    rows = AuditUnitResult.objects.filter(
        organisation=organisation,
        measure__in={m.code for m in measures},
        period_type__in={p[0] for p in periods},
        period_start__in={p[1] for p in periods},
    ).values_list(
        "unit_type",
        "unit_id",
        "period_type",
        "period_start",
        "period_end",
        "measure",
        "breakdown",
        "numerator",
        "denominator",
        "value",
    )
    values: Values = {}
    for unit_type, unit_id, ptype, start, end, code, breakdown, num, den, value in rows:
        measure = wanted.get((code, breakdown))
        period = by_period.get((ptype, start))
        if measure is None or period is None or period[2] != end:
            continue
        if code in AUDIT_COUNTS:
            kind, shown = COUNT, value
        elif code in AUDIT_MEANS:
            kind, shown = RATIO, value
        else:  # a share 0 to 1, shown as a percentage
            kind, shown = PCT, None if value is None else value * 100
        values[(measure, (unit_type, unit_id), period)] = Value(shown, num, den, kind=kind)
    return values


def _survey_values(
    organisation: Organisation, measures: set[Measure], periods: list[PeriodKey]
) -> Values:
    from surveys.models import SurveyUnitResult

    wanted = {m.code: m for m in measures}
    by_period = _period_filter(periods)
    rows = SurveyUnitResult.objects.filter(
        organisation=organisation,
        measure__in=set(wanted),
        period_type__in={p[0] for p in periods},
        period_start__in={p[1] for p in periods},
    ).values_list(
        "unit_type",
        "unit_id",
        "period_type",
        "period_start",
        "period_end",
        "measure",
        "numerator",
        "denominator",
        "value",
        "suppressed",
    )
    values: Values = {}
    for unit_type, unit_id, ptype, start, end, code, num, den, value, suppressed in rows:
        measure = wanted.get(code)
        period = by_period.get((ptype, start))
        if measure is None or period is None or period[2] != end:
            continue
        values[(measure, (unit_type, unit_id), period)] = (
            Value(None, too_few=True) if suppressed else Value(value, num, den, kind=PCT)
        )
    return values

"""How the API writes a unit's QA page (`qa_system.selectors_qa.QaPage`): figures only.

Every number is a measure: `kind` (count, pct, ratio), `value` (null when there is no
data or when it is held back), the counts behind a percentage, `suppressed` (true when
too few people answered a survey to show anything) and `text` as the pages show it.
"""

from typing import Any

from rest_framework import serializers


class UnitSerializer(serializers.Serializer[Any]):
    unit_type = serializers.CharField()
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()


class PeriodSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    kind = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class MeasureSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    text = serializers.CharField()


class AuditRowSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    value = MeasureSerializer(source="figure")
    change = serializers.CharField(allow_blank=True)
    parent = MeasureSerializer(allow_null=True)


class AuditSectionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    title = serializers.CharField()
    good_or_better = MeasureSerializer()
    agreement = MeasureSerializer()


class AuditPanelSerializer(serializers.Serializer[Any]):
    supported = serializers.BooleanField(
        help_text="False for a period audits are not summarised by (12 months to a month)."
    )
    completed = MeasureSerializer()
    headline = AuditRowSerializer(many=True)
    grades = AuditRowSerializer(many=True)
    sections = AuditSectionSerializer(many=True)
    actions = AuditRowSerializer(many=True)


class SurveyRowSerializer(serializers.Serializer[Any]):
    measure = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    value = MeasureSerializer(source="figure")
    respondents = serializers.IntegerField(allow_null=True)
    change = serializers.CharField(allow_blank=True)
    parent = MeasureSerializer(allow_null=True)


class SurveyGroupSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    rows = SurveyRowSerializer(many=True)


class SurveyPanelSerializer(serializers.Serializer[Any]):
    supported = serializers.BooleanField()
    min_responses = serializers.IntegerField()
    groups = SurveyGroupSerializer(many=True)
    rates = SurveyRowSerializer(many=True)


class HeadlineSerializer(serializers.Serializer[Any]):
    indicator = serializers.CharField(source="code")
    breakdown = serializers.CharField(allow_blank=True)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    direction = serializers.CharField()


class CoreRowSerializer(serializers.Serializer[Any]):
    headline = HeadlineSerializer()
    value = MeasureSerializer(source="figure")
    change = serializers.CharField(allow_blank=True)
    parent = MeasureSerializer(allow_null=True)
    england = serializers.CharField(source="national", allow_blank=True)


class CoreGroupSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    rows = CoreRowSerializer(many=True)


class CorePanelSerializer(serializers.Serializer[Any]):
    refreshed_at = serializers.DateTimeField(allow_null=True)
    groups = CoreGroupSerializer(many=True)


class TimelineRowSerializer(serializers.Serializer[Any]):
    element = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    values = MeasureSerializer(source="figures", many=True)


class TimelineSerializer(serializers.Serializer[Any]):
    periods = PeriodSerializer(many=True)
    rows = TimelineRowSerializer(many=True)


class CompareColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    element = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"


class CompareRowSerializer(serializers.Serializer[Any]):
    unit = UnitSerializer()
    values = MeasureSerializer(source="cells", many=True)


class ComparisonSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    columns = CompareColumnSerializer(many=True)
    rows = CompareRowSerializer(many=True)


class FlagSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    rule = serializers.CharField(source="rule.name")
    period_start = serializers.DateField()
    period_end = serializers.DateField()


class QaPageSerializer(serializers.Serializer[Any]):
    unit = UnitSerializer(source="place.unit")
    parent = UnitSerializer(source="place.parent", allow_null=True)
    children = UnitSerializer(source="place.children", many=True)
    period = PeriodSerializer(source="choice.chosen", allow_null=True)
    audits = AuditPanelSerializer()
    surveys = SurveyPanelSerializer()
    core_data = CorePanelSerializer(source="core")
    timeline = TimelineSerializer()
    comparison = ComparisonSerializer(allow_null=True)
    flags = FlagSerializer(
        many=True, help_text="Where the measures disagree: the unit's flags in the period."
    )


# --- The same, written directly --------------------------------------------------------
#
# DRF's nested serializers cost more than the rest of the request for a page of a few
# hundred measures; the view writes the same structure with these plain functions, and
# tests/qa_system/test_qa_api.py checks that it equals QaPageSerializer's output (which
# documents it in the OpenAPI schema).


def _unit(unit: Any) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"unit_type": unit.unit_type, "id": unit.pk, "code": unit.code, "name": unit.name}


def _period(period: Any) -> dict[str, Any] | None:
    if period is None:
        return None
    return {"key": period.key, "kind": period.kind, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "label": period.label}  # fmt: skip


def _measure(m: Any) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"kind": m.kind, "value": m.value, "numerator": m.numerator,
            "denominator": m.denominator, "suppressed": m.suppressed, "text": m.text}  # fmt: skip


def _audit_row(r: Any) -> dict[str, Any]:
    return {"label": r.label, "value": _measure(r.figure), "change": r.change,
            "parent": _measure(r.parent)}  # fmt: skip


def _survey_row(r: Any) -> dict[str, Any]:
    return {"measure": r.measure, "label": r.label, "value": _measure(r.figure),
            "respondents": r.respondents, "change": r.change,
            "parent": _measure(r.parent)}  # fmt: skip


def _core_row(r: Any) -> dict[str, Any]:
    h = r.headline
    return {
        "headline": {"indicator": h.code, "breakdown": h.breakdown, "label": h.label,
                     "direction": h.direction},
        "value": _measure(r.figure), "change": r.change, "parent": _measure(r.parent),
        "england": r.national,
    }  # fmt: skip


def qa_page_json(page: Any) -> dict[str, Any]:
    """What QaPageSerializer(page).data gives, without DRF's field machinery."""
    audits, surveys, core, comparison = page.audits, page.surveys, page.core, page.comparison
    return {
        "unit": _unit(page.place.unit),
        "parent": _unit(page.place.parent),
        "children": [_unit(u) for u in page.place.children],
        "period": _period(page.choice.chosen),
        "audits": {
            "supported": audits.supported,
            "completed": _measure(audits.completed),
            "headline": [_audit_row(r) for r in audits.headline],
            "grades": [_audit_row(r) for r in audits.grades],
            "sections": [
                {
                    "code": s.code,
                    "title": s.title,
                    "good_or_better": _measure(s.good_or_better),
                    "agreement": _measure(s.agreement),
                }
                for s in audits.sections
            ],  # fmt: skip
            "actions": [_audit_row(r) for r in audits.actions],
        },
        "surveys": {
            "supported": surveys.supported,
            "min_responses": surveys.min_responses,
            "groups": [
                {"title": g.title, "rows": [_survey_row(r) for r in g.rows]} for g in surveys.groups
            ],  # fmt: skip
            "rates": [_survey_row(r) for r in surveys.rates],
        },
        "core_data": {
            "refreshed_at": core.refreshed_at.isoformat().replace("+00:00", "Z")
            if core.refreshed_at
            else None,
            "groups": [
                {"key": g.key, "title": g.title, "rows": [_core_row(r) for r in g.rows]}
                for g in core.groups
            ],  # fmt: skip
        },
        "timeline": {
            "periods": [_period(p) for p in page.timeline.periods],
            "rows": [
                {"element": r.element, "label": r.label, "values": [_measure(m) for m in r.figures]}
                for r in page.timeline.rows
            ],  # fmt: skip
        },
        "comparison": None
        if comparison is None
        else {
            "title": comparison.title,
            "columns": [
                {"key": c.key, "element": c.element, "label": c.label} for c in comparison.columns
            ],  # fmt: skip
            "rows": [
                {"unit": _unit(r.unit), "values": [_measure(m) for m in r.cells]}
                for r in comparison.rows
            ],  # fmt: skip
        },
        "flags": [
            {
                "text": f.text,
                "rule": f.rule.name,
                "period_start": f.period_start.isoformat(),
                "period_end": f.period_end.isoformat(),
            }
            for f in page.flags
        ],  # fmt: skip
    }

"""A read-only API over indicator definitions and results, with the pages' visibility."""

from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coredata.indicators import catalogue  # noqa: F401 - registers the indicators
from coredata.indicators.registry import INDICATORS
from coredata.selectors import unit_results_for_user

UNIT_TYPES = ["organisation", "service", "team", "practitioner", "unallocated"]


class IndicatorDefinitionSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    group = serializers.CharField()
    definition = serializers.CharField()


class ResultRowSerializer(serializers.Serializer[Any]):
    unit_type = serializers.CharField()
    unit_code = serializers.CharField()
    indicator = serializers.CharField()
    breakdown = serializers.CharField(allow_blank=True)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)


class UnitResultsSerializer(serializers.Serializer[Any]):
    refreshed_at = serializers.DateTimeField(allow_null=True)
    results = ResultRowSerializer(many=True)


class IndicatorDefinitionsView(APIView):
    """Every indicator: code, name, unit, direction, group and its definition."""

    @extend_schema(responses=IndicatorDefinitionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "code": indicator.code,
                    "name": indicator.name,
                    "unit": indicator.unit,
                    "direction": indicator.direction,
                    "group": indicator.group,
                    "definition": indicator.definition,
                }
                for indicator in sorted(INDICATORS.values(), key=lambda i: i.code)
            ]
        )


class ResultsQuery(serializers.Serializer[Any]):
    unit_type = serializers.ChoiceField(choices=UNIT_TYPES)
    unit_code = serializers.CharField(max_length=64)
    indicator = serializers.CharField(required=False)
    period_start = serializers.DateField(required=False)
    period_end = serializers.DateField(required=False)


class UnitResultsView(APIView):
    """A unit's current results in the results format (`unit_type` and `unit_code`
    required; `indicator`, `period_start`, `period_end` filter). A unit the user may not
    see does not exist (404)."""

    @extend_schema(parameters=[ResultsQuery], responses=UnitResultsSerializer)
    def get(self, request: Request) -> Response:
        query = ResultsQuery(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        wanted = query.validated_data
        found = unit_results_for_user(
            user=request.user,
            unit_type=wanted["unit_type"],
            unit_code=wanted["unit_code"],
            indicator=wanted.get("indicator"),
            period_start=_iso(wanted.get("period_start")),
            period_end=_iso(wanted.get("period_end")),
        )
        if found is None:
            raise NotFound
        run, frame = found
        rows = frame.astype(object)
        return Response(
            {
                "refreshed_at": run.finished_at if run else None,
                "results": rows.where(rows.notna(), None).to_dict("records"),
            }
        )


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

"""A read API over survey campaigns, stored results and child safety alerts (plus
acknowledging an alert), with the pages' visibility selectors as querysets."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from organisation.services import access_log_record, access_log_record_many
from surveys.models import SafetyAlert, SurveyCampaign, SurveyTemplate, SurveyUnitResult
from surveys.periods import PERIOD_TYPES
from surveys.selectors import (
    safety_alert_can_acknowledge,
    safety_alert_get_for_user,
    safety_alert_list_for_user,
    survey_campaign_list_for_user,
    survey_template_list_for_user,
)
from surveys.selectors_results import UNIT_TYPES, survey_result_list_for_user
from surveys.services_alerts import safety_alert_acknowledge


class SurveyTemplateSerializer(serializers.ModelSerializer[SurveyTemplate]):
    questions = serializers.SerializerMethodField()

    class Meta:
        model = SurveyTemplate
        fields = [
            "id",
            "key",
            "version",
            "audience",
            "status",
            "title",
            "published_at",
            "questions",
        ]

    def get_questions(self, template: SurveyTemplate) -> list[dict[str, Any]]:
        return [
            {
                "position": q.position,
                "code": q.code,
                "kind": q.kind,
                "text": q.text,
                "safety_place": q.safety_place,
                "indicator": q.indicator,
                "column": q.column,
            }
            for q in template.questions.all()
        ]


class SurveyCampaignSerializer(serializers.ModelSerializer[SurveyCampaign]):
    template_key = serializers.CharField(source="template.key", read_only=True)
    audience = serializers.CharField(source="template.audience", read_only=True)
    teams: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SurveyCampaign
        fields = [
            "id", "name", "kind", "status", "template", "template_key", "audience",
            "opens_on", "closes_on", "all_teams", "teams", "events",
        ]  # fmt: skip


class SurveyUnitResultSerializer(serializers.ModelSerializer[SurveyUnitResult]):
    class Meta:
        model = SurveyUnitResult
        fields = [
            "unit_type", "unit_id", "period_type", "period_start", "period_end", "measure",
            "respondents", "numerator", "denominator", "value", "distribution", "suppressed",
        ]  # fmt: skip


class SafetyAlertSerializer(serializers.ModelSerializer[SafetyAlert]):
    case_reference = serializers.CharField(source="child.child_id", read_only=True)

    class Meta:
        model = SafetyAlert
        fields = [
            "id", "case_reference", "team", "worker", "places", "created_at",
            "acknowledged_at", "acknowledged_by", "escalated_at",
        ]  # fmt: skip


class SurveyTemplateListView(generics.ListAPIView[SurveyTemplate]):
    serializer_class = SurveyTemplateSerializer

    def get_queryset(self) -> QuerySet[SurveyTemplate]:
        return survey_template_list_for_user(user=self.request.user).prefetch_related("questions")


class SurveyCampaignListView(generics.ListAPIView[SurveyCampaign]):
    serializer_class = SurveyCampaignSerializer

    def get_queryset(self) -> QuerySet[SurveyCampaign]:
        return survey_campaign_list_for_user(user=self.request.user).prefetch_related("teams")


class SurveyCampaignDetailView(generics.RetrieveAPIView[SurveyCampaign]):
    serializer_class = SurveyCampaignSerializer

    def get_queryset(self) -> QuerySet[SurveyCampaign]:
        return survey_campaign_list_for_user(user=self.request.user).prefetch_related("teams")


class SurveyResultListView(generics.ListAPIView[SurveyUnitResult]):
    """Stored survey results of the units the user may see (suppressed rows carry no
    numbers). Filters: unit_type, unit_id, period_type, measure."""

    serializer_class = SurveyUnitResultSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("unit_type", str, enum=list(UNIT_TYPES)),
            OpenApiParameter("unit_id", int),
            OpenApiParameter("period_type", str, enum=list(PERIOD_TYPES)),
            OpenApiParameter("measure", str),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[SurveyUnitResult]:
        rows = survey_result_list_for_user(user=self.request.user)
        params = self.request.query_params
        if params.get("unit_type"):
            if params["unit_type"] not in UNIT_TYPES:
                raise ValidationError({"unit_type": "Not a unit type."})
            rows = rows.filter(unit_type=params["unit_type"])
        if params.get("unit_id"):
            if not params["unit_id"].isdigit():
                raise ValidationError({"unit_id": "Not a number."})
            rows = rows.filter(unit_id=int(params["unit_id"]))
        if params.get("period_type"):
            if params["period_type"] not in PERIOD_TYPES:
                raise ValidationError({"period_type": "Not a period type."})
            rows = rows.filter(period_type=params["period_type"])
        if params.get("measure"):
            rows = rows.filter(measure=params["measure"])
        return rows.order_by("unit_type", "unit_id", "measure", "period_type", "period_start")


class SafetyAlertListView(generics.ListAPIView[SafetyAlert]):
    """Child safety alerts the user may see (each one listed is in the access log)."""

    serializer_class = SafetyAlertSerializer

    def get_queryset(self) -> QuerySet[SafetyAlert]:
        return safety_alert_list_for_user(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        alerts = list(page) if page is not None else []
        access_log_record_many(
            user=request.user,  # type: ignore[arg-type]  # signed in (IsAuthenticated)
            objects=alerts,
            route="api:survey-alert-list",
        )
        return self.get_paginated_response(self.get_serializer(alerts, many=True).data)


class SafetyAlertDetailView(generics.RetrieveAPIView[SafetyAlert]):
    serializer_class = SafetyAlertSerializer

    def get_queryset(self) -> QuerySet[SafetyAlert]:
        return safety_alert_list_for_user(user=self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        alert = self.get_object()
        access_log_record(
            user=request.user,  # type: ignore[arg-type]  # signed in (IsAuthenticated)
            obj=alert,
            route="api:survey-alert-detail",
        )
        return Response(self.get_serializer(alert).data)


class AcknowledgeSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SafetyAlertAcknowledgeView(APIView):
    """Acknowledge a child safety alert (its team's and service's managers, QA leads)."""

    @extend_schema(request=AcknowledgeSerializer, responses=SafetyAlertSerializer)
    def post(self, request: Request, pk: int) -> Response:
        alert = safety_alert_get_for_user(user=request.user, pk=pk)
        if not safety_alert_can_acknowledge(user=request.user, alert=alert):
            raise PermissionDenied("You cannot acknowledge this alert.")
        payload = AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        alert = safety_alert_acknowledge(
            alert=alert, by=request.user, note=payload.validated_data.get("note", "")
        )
        return Response(SafetyAlertSerializer(alert).data, status=status.HTTP_200_OK)

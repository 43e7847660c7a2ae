"""Read-only API over tools, audits, actions and stored results, with the same visibility
selectors as the pages. Viewing audits (child-level data) writes the access log."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audits.models import (
    Audit,
    AuditAction,
    AuditRating,
    AuditTool,
    AuditToolItem,
    AuditToolSection,
    AuditToolVersion,
    AuditUnitResult,
)
from audits.selectors import audit_list_for_user
from audits.selectors_results import audit_results_list_for_user
from audits.selectors_work import (
    action_list_for_user,
    tool_list_for_user,
    tool_version_list_for_user,
)
from audits.services_tool_json import tool_version_export
from organisation.services import access_log_record, access_log_record_many


class AuditToolSerializer(serializers.ModelSerializer[AuditTool]):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = AuditTool
        fields = ["id", "name", "description", "is_default", "versions"]

    def get_versions(self, tool: AuditTool) -> list[dict[str, Any]]:
        return [
            {"id": v.pk, "number": v.number, "status": v.status, "published_at": v.published_at}
            for v in tool.versions.all()
        ]


class AuditToolItemSerializer(serializers.ModelSerializer[AuditToolItem]):
    class Meta:
        model = AuditToolItem
        fields = ["id", "code", "text", "guidance", "rating_scale"]


class AuditToolSectionSerializer(serializers.ModelSerializer[AuditToolSection]):
    items = AuditToolItemSerializer(many=True, read_only=True)

    class Meta:
        model = AuditToolSection
        fields = ["id", "code", "title", "kind", "guidance", "items"]


class AuditToolVersionSerializer(serializers.ModelSerializer[AuditToolVersion]):
    class Meta:
        model = AuditToolVersion
        fields = ["id", "tool", "number", "status", "rating_scale", "notes", "published_at"]


class AuditToolVersionDetailSerializer(AuditToolVersionSerializer):
    sections = AuditToolSectionSerializer(many=True, read_only=True)

    class Meta(AuditToolVersionSerializer.Meta):
        fields = [*AuditToolVersionSerializer.Meta.fields, "sections"]


class AuditSerializer(serializers.ModelSerializer[Audit]):
    child_pseudonym = serializers.CharField(source="child.pseudonym", read_only=True)
    service = serializers.IntegerField(source="team.service_id", read_only=True)

    class Meta:
        model = Audit
        fields = [
            "id", "child", "child_pseudonym", "kind", "state", "tool_version", "programme",
            "team", "service", "practitioner", "auditor", "month", "due_date", "overall_grade",
            "practice_scale", "created_at", "completed_at", "moderated_at", "closed_at",
        ]  # fmt: skip


class AuditRatingSerializer(serializers.ModelSerializer[AuditRating]):
    item_code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = AuditRating
        fields = [
            "item", "item_code", "practitioner_rating", "practitioner_comment",
            "auditor_rating", "auditor_comment", "agreed_rating", "agreed_comment",
        ]  # fmt: skip


class AuditDetailSerializer(AuditSerializer):
    ratings = AuditRatingSerializer(many=True, read_only=True)

    class Meta(AuditSerializer.Meta):
        fields = [
            *AuditSerializer.Meta.fields,
            "context", "working_well", "worries", "next_steps", "family_feedback", "ratings",
        ]  # fmt: skip


class AuditActionSerializer(serializers.ModelSerializer[AuditAction]):
    class Meta:
        model = AuditAction
        fields = ["id", "audit", "description", "owner", "due_date", "status", "completed_at"]


class AuditUnitResultSerializer(serializers.ModelSerializer[AuditUnitResult]):
    class Meta:
        model = AuditUnitResult
        fields = [
            "unit_type", "unit_id", "period_type", "period_start", "period_end", "measure",
            "breakdown", "numerator", "denominator", "value", "computed_at",
        ]  # fmt: skip


class AuditToolViewSet(viewsets.ReadOnlyModelViewSet[AuditTool]):
    """The organisation's audit tools and their versions."""

    serializer_class = AuditToolSerializer

    def get_queryset(self) -> QuerySet[AuditTool]:
        return tool_list_for_user(user=self.request.user).prefetch_related("versions")


class AuditToolVersionViewSet(viewsets.ReadOnlyModelViewSet[AuditToolVersion]):
    """Tool versions; the detail holds the sections and items; `export` the JSON file."""

    def get_queryset(self) -> QuerySet[AuditToolVersion]:
        return tool_version_list_for_user(user=self.request.user).prefetch_related(
            "sections__items"
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "list":
            return AuditToolVersionSerializer
        return AuditToolVersionDetailSerializer

    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        """The version in the tool file format (importable by a QA lead)."""
        return Response(tool_version_export(version=self.get_object()))


class AuditViewSet(viewsets.ReadOnlyModelViewSet[Audit]):
    """Audits the user may see (404 otherwise). Filters: ?state=, ?team=."""

    def get_queryset(self) -> QuerySet[Audit]:
        audits = audit_list_for_user(user=self.request.user).select_related("child", "team")
        state = self.request.query_params.get("state")
        team = self.request.query_params.get("team")
        if state:
            audits = audits.filter(state=state)
        if team:
            if not team.isdigit():
                raise Http404
            audits = audits.filter(team_id=int(team))
        return audits.order_by("-month", "pk")

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        return AuditSerializer if self.action == "list" else AuditDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page if page is not None else self.get_queryset())
        if rows:
            access_log_record_many(user=request.user, objects=rows, route="api:audit-list")  # type: ignore[arg-type]
        data = AuditSerializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit = self.get_object()
        access_log_record(user=request.user, obj=audit, route="api:audit-detail")  # type: ignore[arg-type]
        ratings = audit.ratings.select_related("item")
        data = AuditDetailSerializer(audit).data
        data["ratings"] = AuditRatingSerializer(ratings, many=True).data
        return Response(data)


class AuditActionViewSet(viewsets.ReadOnlyModelViewSet[AuditAction]):
    """Actions of audits the user may see, and the user's own."""

    serializer_class = AuditActionSerializer

    def get_queryset(self) -> QuerySet[AuditAction]:
        actions = action_list_for_user(user=self.request.user)
        status = self.request.query_params.get("status")
        return (actions.filter(status=status) if status else actions).order_by("due_date", "pk")


class AuditUnitResultViewSet(viewsets.ReadOnlyModelViewSet[AuditUnitResult]):
    """Stored audit results the user may read. Filters: ?unit_type=, ?unit_id=,
    ?period_type=, ?measure=."""

    serializer_class = AuditUnitResultSerializer

    def get_queryset(self) -> QuerySet[AuditUnitResult]:
        rows = audit_results_list_for_user(user=self.request.user)
        params = self.request.query_params
        for name in ("unit_type", "period_type", "measure"):
            if params.get(name):
                rows = rows.filter(**{name: params[name]})
        unit_id = params.get("unit_id")
        if unit_id:
            if not unit_id.isdigit():
                raise Http404
            rows = rows.filter(unit_id=int(unit_id))
        return rows.order_by(
            "unit_type", "unit_id", "period_type", "period_start", "measure", "breakdown"
        )

"""The imports API: start an import and read its run, under the same rules as the pages."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from coredata.models import ImportProblem, ImportRun
from coredata.models.imports import ImportKind
from coredata.selectors import import_problem_list, import_run_list_for_user, user_can_import
from coredata.services.imports import import_run_create
from organisation.selectors import organisation_for_user
from organisation.services import access_log_record


class ImportProblemSerializer(serializers.ModelSerializer[ImportProblem]):
    class Meta:
        model = ImportProblem
        fields = ["level", "file", "location", "field", "value", "reason"]


class ImportRunSerializer(serializers.ModelSerializer[ImportRun]):
    files = serializers.SerializerMethodField()

    class Meta:
        model = ImportRun
        fields = [
            "id", "status", "progress", "files", "counts", "error_count", "warning_count",
            "failure_reason", "created_at", "started_at", "finished_at",
        ]  # fmt: skip

    def get_files(self, run: ImportRun) -> list[dict[str, Any]]:
        keep = ("name", "kind", "checksum", "size", "year")
        return [{key: entry.get(key) for key in keep} for entry in run.files]


class ImportRunDetailSerializer(ImportRunSerializer):
    problems = serializers.SerializerMethodField()

    class Meta(ImportRunSerializer.Meta):
        fields = [*ImportRunSerializer.Meta.fields, "problems"]

    def get_problems(self, run: ImportRun) -> list[dict[str, Any]]:
        return list(ImportProblemSerializer(import_problem_list(run=run)[:1000], many=True).data)


class ImportCreateSerializer(serializers.Serializer[Any]):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    kind = serializers.ChoiceField(choices=ImportKind.choices, required=False)
    collection_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


class ImportRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ImportRun],
):
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[ImportRun]:
        return import_run_list_for_user(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return ImportCreateSerializer
        if self.action == "retrieve":
            return ImportRunDetailSerializer
        return ImportRunSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run = self.get_object()
        if run.error_count or run.warning_count:
            access_log_record(user=request.user, obj=run, route="api:importrun-detail")  # type: ignore[arg-type]
        return Response(ImportRunDetailSerializer(run).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not user_can_import(user=request.user):
            raise PermissionDenied("Only data officers and administrators can import.")
        incoming = ImportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        organisation = organisation_for_user(user=request.user)
        run = import_run_create(
            organisation=organisation,  # type: ignore[arg-type]
            user=request.user,  # type: ignore[arg-type]
            uploads=[(f.name, f) for f in incoming.validated_data["files"]],
            kind=incoming.validated_data.get("kind"),
            collection_year=incoming.validated_data.get("collection_year"),
        )
        return Response(ImportRunSerializer(run).data, status=status.HTTP_201_CREATED)

"""Read-only API over the organisation, with the same visibility selectors as the pages."""

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from organisation.models import Organisation, Service, StaffMember, Team
from organisation.selectors import (
    organisation_list_for_user,
    service_list_for_user,
    staff_list_for_user,
    team_list_for_user,
)


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "la_code"]


class ServiceSerializer(serializers.ModelSerializer[Service]):
    class Meta:
        model = Service
        fields = ["id", "code", "name"]


class TeamSerializer(serializers.ModelSerializer[Team]):
    service_code = serializers.CharField(source="service.code", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "code", "name", "service", "service_code"]


class StaffMemberSerializer(serializers.ModelSerializer[StaffMember]):
    class Meta:
        model = StaffMember
        fields = ["id", "worker_id", "name"]


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet[Organisation]):
    serializer_class = OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisation_list_for_user(user=self.request.user)


class ServiceViewSet(viewsets.ReadOnlyModelViewSet[Service]):
    serializer_class = ServiceSerializer

    def get_queryset(self) -> QuerySet[Service]:
        return service_list_for_user(user=self.request.user)


class TeamViewSet(viewsets.ReadOnlyModelViewSet[Team]):
    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return team_list_for_user(user=self.request.user)


class StaffMemberViewSet(viewsets.ReadOnlyModelViewSet[StaffMember]):
    serializer_class = StaffMemberSerializer

    def get_queryset(self) -> QuerySet[StaffMember]:
        return staff_list_for_user(user=self.request.user)

"""The API: one router for every app's endpoints, and one error handler."""

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from coredata.api import ImportRunViewSet
from organisation.api import (
    OrganisationViewSet,
    ServiceViewSet,
    StaffMemberViewSet,
    TeamViewSet,
)
from qa_system.errors import ApplicationError

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("services", ServiceViewSet, basename="service")
router.register("teams", TeamViewSet, basename="team")
router.register("staff", StaffMemberViewSet, basename="staff")
router.register("imports", ImportRunViewSet, basename="importrun")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus `ApplicationError` as a 400 with its message and details."""
    if isinstance(exc, ApplicationError):
        return Response(
            {"detail": exc.message, "extra": exc.extra}, status=status.HTTP_400_BAD_REQUEST
        )
    return drf_exception_handler(exc, context)

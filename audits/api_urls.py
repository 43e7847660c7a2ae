"""API URLs (mounted inside the api namespace under /api/v1/). Names start "audit-"."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from audits.api import (
    AuditActionViewSet,
    AuditToolVersionViewSet,
    AuditToolViewSet,
    AuditUnitResultViewSet,
    AuditViewSet,
)

router = SimpleRouter()
router.register("audit-tools", AuditToolViewSet, basename="audit-tool")
router.register("audit-tool-versions", AuditToolVersionViewSet, basename="audit-tool-version")
router.register("audits", AuditViewSet, basename="audit")
router.register("audit-actions", AuditActionViewSet, basename="audit-action")
router.register("audit-results", AuditUnitResultViewSet, basename="audit-result")

urlpatterns: list[URLPattern | URLResolver] = list(router.urls)

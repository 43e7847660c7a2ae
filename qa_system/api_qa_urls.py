"""API URLs of the QA unit pages (mounted inside the api namespace under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from qa_system.api_qa import QaUnitView

urlpatterns: list[URLPattern | URLResolver] = [
    path("qa/<str:kind>/<int:pk>/", QaUnitView.as_view(), name="qa-unit"),
]

"""The QA unit pages (included by qa_system/qa_urls.py, namespace "qa"): the
organisation, a service, a team, a practitioner, and my practice; and the retention
policy."""

from django.urls import URLPattern, URLResolver, path

from qa_system import views_qa, views_retention

urlpatterns: list[URLPattern | URLResolver] = [
    path("quality/", views_qa.unit_organisation, name="unit_organisation"),
    path("quality/services/<int:pk>/", views_qa.unit_service, name="unit_service"),
    path("quality/teams/<int:pk>/", views_qa.unit_team, name="unit_team"),
    path("quality/practitioners/<int:pk>/", views_qa.unit_practitioner, name="unit_practitioner"),
    path("quality/me/", views_qa.my_practice, name="my_practice"),
    path("retention/", views_retention.retention, name="retention"),
]

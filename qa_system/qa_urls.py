"""URLs of the linked QA views: the unit pages (urls_pages) and the reports, flags and case
cards (urls_reports), under one namespace."""

from django.urls import URLPattern, URLResolver

from qa_system import urls_pages, urls_reports

app_name = "qa"

urlpatterns: list[URLPattern | URLResolver] = [
    *urls_pages.urlpatterns,
    *urls_reports.urlpatterns,
]

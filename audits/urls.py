"""URLs of the audits pages."""

from django.urls import URLPattern, URLResolver

app_name = "audits"

urlpatterns: list[URLPattern | URLResolver] = []

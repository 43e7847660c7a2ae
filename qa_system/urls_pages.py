"""Linked QA view URLs (included by qa_system/qa_urls.py, namespace "qa")."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

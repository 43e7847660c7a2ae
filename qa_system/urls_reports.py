"""The QA reports (included by qa_system/qa_urls.py, namespace "qa"): flags where the
measures disagree and their rules, case cards, the self-evaluation pack."""

from django.urls import URLPattern, URLResolver, path

from qa_system import views_flags, views_reports

urlpatterns: list[URLPattern | URLResolver] = [
    path("quality/flags/", views_flags.flag_list, name="flag_list"),
    path("quality/flags/<int:pk>/", views_flags.flag_detail_view, name="flag_detail"),
    path("quality/flag-rules/", views_flags.rule_list, name="rule_list"),
    path("quality/flag-rules/new/", views_flags.rule_create, name="rule_create"),
    path("quality/flag-rules/<int:pk>/", views_flags.rule_edit, name="rule_edit"),
    path("quality/flag-rules/<int:pk>/toggle/", views_flags.rule_toggle, name="rule_toggle"),
    path("quality/cases/<int:pk>/", views_reports.case_card, name="case_card"),
    path("quality/pack/", views_reports.pack_organisation, name="pack"),
    path("quality/pack.pdf", views_reports.pack_organisation_pdf, name="pack_pdf"),
    path("quality/services/<int:pk>/pack/", views_reports.pack_service, name="pack_service"),
    path(
        "quality/services/<int:pk>/pack.pdf",
        views_reports.pack_service_pdf,
        name="pack_service_pdf",
    ),
]

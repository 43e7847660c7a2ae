from django.urls import path

from coredata import views, views_export, views_indicators

app_name = "coredata"

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/", views.import_create, name="import_create"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/problems.csv", views.import_problems_csv, name="import_problems_csv"),
    path("core-data/", views_indicators.indicators_organisation, name="indicators_organisation"),
    path(
        "core-data/services/<int:pk>/",
        views_indicators.indicators_service,
        name="indicators_service",
    ),
    path("core-data/teams/<int:pk>/", views_indicators.indicators_team, name="indicators_team"),
    path(
        "core-data/practitioners/<int:pk>/",
        views_indicators.indicators_practitioner,
        name="indicators_practitioner",
    ),
    path("core-data/me/", views_indicators.indicators_me, name="indicators_me"),
    # The children behind a figure of a service's, team's or practitioner's page.
    path(
        "core-data/<str:kind>/<int:pk>/children/",
        views_indicators.indicators_children,
        name="indicators_children",
    ),
    path("core-data/download/", views_export.results_download, name="results_download"),
]

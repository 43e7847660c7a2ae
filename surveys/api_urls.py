"""API URLs (mounted inside the api namespace under /api/v1/)."""

from django.urls import URLPattern, URLResolver, path

from surveys import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("surveys/templates/", api.SurveyTemplateListView.as_view(), name="survey-template-list"),
    path("surveys/campaigns/", api.SurveyCampaignListView.as_view(), name="survey-campaign-list"),
    path(
        "surveys/campaigns/<int:pk>/",
        api.SurveyCampaignDetailView.as_view(),
        name="survey-campaign-detail",
    ),
    path("surveys/results/", api.SurveyResultListView.as_view(), name="survey-result-list"),
    path("surveys/alerts/", api.SafetyAlertListView.as_view(), name="survey-alert-list"),
    path(
        "surveys/alerts/<int:pk>/", api.SafetyAlertDetailView.as_view(), name="survey-alert-detail"
    ),
    path(
        "surveys/alerts/<int:pk>/acknowledge/",
        api.SafetyAlertAcknowledgeView.as_view(),
        name="survey-alert-acknowledge",
    ),
]

"""URLs of the surveys pages.

Respondents (no account) use short paths under `s/`: the link `s/<token>/`, then pages
that carry no token. Staff pages are under `surveys/`. Paths that carry a record name
it by database pk only.
"""

from django.urls import URLPattern, URLResolver, path

# Imported by their full names: `from surveys import views_x` trips mypy on the import
# cycle through the URL configuration (it reports the modules as missing attributes).
import surveys.views_alerts as views_alerts
import surveys.views_campaigns as views_campaigns
import surveys.views_invitations as views_invitations
import surveys.views_respondent as views_respondent
import surveys.views_results as views_results
import surveys.views_templates as views_templates

app_name = "surveys"

respondent_patterns: list[URLPattern | URLResolver] = [
    # The fixed paths come before the link, whose token is any other segment.
    path("s/", views_respondent.intro, name="respond_intro"),
    path("s/q/<int:number>/", views_respondent.question, name="respond_question"),
    path("s/language/", views_respondent.language, name="respond_language"),
    path("s/check/", views_respondent.review, name="respond_review"),
    path("s/send/", views_respondent.submit, name="respond_submit"),
    path("s/thank-you/", views_respondent.done, name="respond_done"),
    path("s/<str:token>/", views_respondent.start, name="respond_start"),
]

staff_patterns: list[URLPattern | URLResolver] = [
    path("surveys/", views_campaigns.campaign_list, name="campaign_list"),
    path("surveys/campaigns/new/", views_campaigns.campaign_create, name="campaign_create"),
    path("surveys/campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("surveys/campaigns/<int:pk>/open/", views_campaigns.campaign_open, name="campaign_open"),
    path(
        "surveys/campaigns/<int:pk>/close/", views_campaigns.campaign_close, name="campaign_close"
    ),
    # A staff member's own staff survey: a fresh link, then the anonymous pages.
    path("surveys/campaigns/<int:pk>/take/", views_campaigns.staff_take, name="staff_take"),
    path(
        "surveys/campaigns/<int:pk>/invitations/",
        views_invitations.invitation_list,
        name="invitation_list",
    ),
    path(
        "surveys/campaigns/<int:pk>/invitations/new/",
        views_invitations.invitation_create,
        name="invitation_create",
    ),
    path(
        "surveys/invitations/<int:pk>/",
        views_invitations.invitation_detail,
        name="invitation_detail",
    ),
    path(
        "surveys/invitations/<int:pk>/link/",
        views_invitations.invitation_link,
        name="invitation_link",
    ),
    path(
        "surveys/invitations/<int:pk>/send/",
        views_invitations.invitation_send,
        name="invitation_send",
    ),
    path("surveys/templates/", views_templates.template_list, name="template_list"),
    path("surveys/templates/new/", views_templates.template_create, name="template_create"),
    path("surveys/templates/<int:pk>/", views_templates.template_detail, name="template_detail"),
    path("surveys/templates/<int:pk>/edit/", views_templates.template_edit, name="template_edit"),
    path(
        "surveys/templates/<int:pk>/publish/",
        views_templates.template_publish,
        name="template_publish",
    ),
    path(
        "surveys/templates/<int:pk>/new-version/",
        views_templates.template_new_version,
        name="template_new_version",
    ),
    path(
        "surveys/templates/<int:pk>/questions/new/",
        views_templates.question_add,
        name="question_add",
    ),
    path("surveys/questions/<int:pk>/edit/", views_templates.question_edit, name="question_edit"),
    path(
        "surveys/questions/<int:pk>/remove/",
        views_templates.question_remove,
        name="question_remove",
    ),
    path("surveys/results/", views_results.results_home, name="results"),
    path(
        "surveys/results/<str:unit_type>/<int:unit_id>/",
        views_results.results_unit,
        name="results_unit",
    ),
    path(
        "surveys/results/<str:unit_type>/<int:unit_id>/download.<str:file_format>",
        views_results.results_download,
        name="results_download",
    ),
    path("surveys/alerts/", views_alerts.alert_list, name="alert_list"),
    path("surveys/alerts/<int:pk>/", views_alerts.alert_detail, name="alert_detail"),
    path(
        "surveys/alerts/<int:pk>/acknowledge/",
        views_alerts.alert_acknowledge,
        name="alert_acknowledge",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [*respondent_patterns, *staff_patterns]

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coredata.api_indicators import IndicatorDefinitionsView, UnitResultsView
from qa_system import views
from qa_system.api import router

api_patterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    path("indicators/", IndicatorDefinitionsView.as_view(), name="indicator-list"),
    path("results/", UnitResultsView.as_view(), name="results"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Each app's API views; their URL names start with the app ("audit-", "survey-", "qa-").
    path("", include("audits.api_urls")),
    path("", include("surveys.api_urls")),
    path("", include("qa_system.api_qa_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Administrators manage people's email addresses (the staff file and the admin); the
    # page where allauth lets a user add or change addresses sends them to their account.
    path(
        "accounts/email/",
        login_required(RedirectView.as_view(pattern_name="organisation:my_account")),
        name="account_email",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_patterns, "api"))),
    path("", include("organisation.urls")),
    path("", include("coredata.urls")),
    path("", include("audits.urls")),
    path("", include("surveys.urls")),
    path("", include("qa_system.qa_urls")),
]

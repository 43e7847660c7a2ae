"""Admin for surveys: an organisation's survey settings (minimum responses, alert
escalation hours, invitation validity, reminder days), scoped to the administrator's
organisation. Templates, campaigns, invitations, responses and alerts are handled by
the app's own pages and services (child-level and anonymous data stays out of here)."""

from django.contrib import admin

from organisation.admin import OrganisationScopedAdmin
from surveys.models import SurveySettings


@admin.register(SurveySettings)
class SurveySettingsAdmin(OrganisationScopedAdmin):
    list_display = ["organisation", "min_responses", "alert_escalation_hours"]

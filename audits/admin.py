"""Audits in the admin: only an organisation's audit settings and its tools' names.

Audits themselves are child-level data and are not in the admin (administrators see no
audits); tools are built, versioned and imported in the app by QA leads, so the admin
neither adds nor deletes them.
"""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from audits.models import AuditSettings, AuditTool
from organisation.admin import OrganisationScopedAdmin


class ChangeOnlyAdmin(OrganisationScopedAdmin):
    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditSettings)
class AuditSettingsAdmin(ChangeOnlyAdmin):
    list_display = ["organisation", "follow_up_weeks", "moderation_percent", "reminder_days"]
    readonly_fields = ["organisation"]


@admin.register(AuditTool)
class AuditToolAdmin(ChangeOnlyAdmin):
    list_display = ["name", "is_default", "created_at"]
    fields = ["organisation", "name", "description", "is_default", "created_at"]
    readonly_fields = ["organisation", "is_default", "created_at"]

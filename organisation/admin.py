"""The admin for an organisation's administrators: everything scoped to their organisation."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group
from django.db.models import ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from organisation.models import (
    AccessLogEntry,
    Organisation,
    RoleAssignment,
    Service,
    StaffMember,
    Team,
    TeamMembership,
    User,
)
from organisation.selectors import organisation_for_user, user_scope
from organisation.services import staff_member_upsert, user_deactivate
from qa_system.errors import ApplicationError

# For each model an administrator may pick in a form, the lookup to its organisation.
ORGANISATION_LOOKUPS: dict[type[Model], str] = {
    Organisation: "pk",
    Service: "organisation",
    Team: "organisation",
    StaffMember: "organisation",
    User: "staff_member__organisation",
}


class OrganisationScopedAdmin(admin.ModelAdmin):
    """Shows and offers only the administrator's own organisation's records."""

    organisation_lookup = "organisation"

    def _organisation_id(self, request: HttpRequest) -> int | None:
        return user_scope(user=request.user).organisation_id

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.organisation_lookup: self._organisation_id(request)})

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        model = db_field.related_model
        if not request.user.is_superuser and model in ORGANISATION_LOOKUPS:
            kwargs["queryset"] = model._default_manager.filter(
                **{ORGANISATION_LOOKUPS[model]: self._organisation_id(request)}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)


class ScopedInline(admin.TabularInline):
    extra = 0

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        model = db_field.related_model
        if not request.user.is_superuser and model in ORGANISATION_LOOKUPS:
            organisation_id = user_scope(user=request.user).organisation_id
            kwargs["queryset"] = model._default_manager.filter(
                **{ORGANISATION_LOOKUPS[model]: organisation_id}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_lookup = "pk"
    list_display = ["name", "la_code"]
    readonly_fields = ["la_code", "created_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser


@admin.register(Service)
class ServiceAdmin(OrganisationScopedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Team)
class TeamAdmin(OrganisationScopedAdmin):
    list_display = ["name", "code", "service"]
    list_filter = ["service"]
    search_fields = ["name", "code"]


class TeamMembershipInline(ScopedInline):
    """Team history is shown, not edited here: moves come from the staff file import,
    which keeps one person's memberships from overlapping."""

    model = TeamMembership
    fields = readonly_fields = ("team", "start_date", "end_date")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class RoleAssignmentInline(ScopedInline):
    model = RoleAssignment
    fields = ["role", "team", "service"]


@admin.register(StaffMember)
class StaffMemberAdmin(OrganisationScopedAdmin):
    list_display = ["name", "worker_id", "user"]
    search_fields = ["name", "worker_id", "user__email"]
    inlines = [RoleAssignmentInline, TeamMembershipInline]


class StaffUserCreationForm(AdminUserCreationForm):
    """A new login is always a staff member of the administrator's organisation."""

    name = forms.CharField(max_length=200)
    worker_id = forms.CharField(
        max_length=64, help_text="The authority's own ID for this person (as in staff.csv)."
    )

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, DjangoUserAdmin):
    organisation_lookup = "staff_member__organisation"
    ordering = ["email"]
    list_display = ["email", "is_active", "last_login"]
    list_filter = ["is_active"]
    search_fields = ["email"]
    actions = ["deactivate"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Status", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_form = StaffUserCreationForm
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "name", "worker_id", "password1", "password2"],
            },
        )
    ]
    readonly_fields = ["last_login", "date_joined", "is_active"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        organisation = organisation_for_user(user=request.user)
        if not change and organisation is not None:
            # Links the new login to the staff member (created if the ID is new).
            staff_member_upsert(
                organisation=organisation,
                worker_id=form.cleaned_data["worker_id"],
                name=form.cleaned_data["name"],
                email=obj.email,
            )

    @admin.action(description="Deactivate and end their sessions")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                user_deactivate(user=user, by=request.user)  # type: ignore[arg-type]
            except ApplicationError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"Deactivated {done} user(s).", messages.SUCCESS)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(OrganisationScopedAdmin):
    """Read-only: the access log is append-only."""

    list_display = ["at", "user", "action", "object_type", "object_id", "route"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "user__email"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# Third-party models registered globally by their apps would show every organisation's
# records: unregister them and register scoped versions of the two administrators need.
for model in (Group, EmailAddress, Authenticator, UserSession):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(Authenticator)
class AuthenticatorAdmin(OrganisationScopedAdmin):
    """Lets an administrator remove a lost authenticator so the person can set up anew."""

    organisation_lookup = "user__staff_member__organisation"
    list_display = ["user", "type", "created_at", "last_used_at"]
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(UserSession)
class UserSessionAdmin(OrganisationScopedAdmin):
    """Where people are signed in; deleting a row ends that session."""

    organisation_lookup = "user__staff_member__organisation"
    list_display = ["user", "created_at", "last_seen_at"]
    fields = readonly_fields = ("user", "created_at", "last_seen_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: UserSession) -> None:
        obj.end()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UserSession]) -> None:
        for session in queryset:
            session.end()

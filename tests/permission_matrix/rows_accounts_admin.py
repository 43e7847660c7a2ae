"""Matrix rows: allauth's account pages and the admin."""

from collections.abc import Callable, Iterator
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from organisation.models import AccessLogEntry, Organisation, Service, StaffMember, Team, User
from organisation.services import access_log_record
from tests.conftest import World
from tests.permission_matrix.vocabulary import (
    ADMIN_INDEX,
    ADMIN_LOGIN,
    ADMIN_REFUSED,
    HOME,
    LOGIN,
    NONE,
    Kwargs,
    Redirect,
    Row,
    _their_service,
    _their_team,
    rows,
)

# allauth's pages: (anonymous, a signed-in practitioner). Signup is closed: allauth answers
# 200 with its "Sign Up Closed" page. Pages for an authenticator the user lacks are 404;
# pages that need a recent sign-in send a force-logged-in user to reauthenticate.
REAUTHENTICATE = Redirect("account_reauthenticate")
TOKEN = Kwargs("bad_key", lambda w: {"key": "not-a-key"})
RESET_TOKEN = Kwargs("bad_key", lambda w: {"uidb36": "0", "key": "not-a-key"})
# fmt: off
ALLAUTH: list[tuple[str, Kwargs, Any, Any]] = [
    ("account_login", NONE, 200, HOME),
    ("account_logout", NONE, Redirect("account_login"), 200),
    ("account_inactive", NONE, 200, 200),
    ("account_signup", NONE, 200, HOME),
    ("account_reauthenticate", NONE, LOGIN, 200),
    ("account_email", NONE, LOGIN, Redirect("organisation:my_account")),
    ("account_email_verification_sent", NONE, 200, 200),
    ("account_confirm_email", TOKEN, 200, 200),
    ("account_change_password", NONE, LOGIN, 200),
    ("account_set_password", NONE, LOGIN, Redirect("account_change_password")),
    ("account_reset_password", NONE, 200, 200),
    ("account_reset_password_done", NONE, 200, 200),
    ("account_reset_password_from_key", RESET_TOKEN, 200, 200),
    ("account_reset_password_from_key_done", NONE, 200, 200),
    ("account_confirm_login_code", NONE, Redirect("account_login"), HOME),
    ("mfa_index", NONE, LOGIN, 200),
    ("mfa_authenticate", NONE, Redirect("account_login"), HOME),
    ("mfa_reauthenticate", NONE, LOGIN, REAUTHENTICATE),
    ("mfa_activate_totp", NONE, LOGIN, REAUTHENTICATE),
    ("mfa_deactivate_totp", NONE, LOGIN, 404),
    ("mfa_view_recovery_codes", NONE, LOGIN, 404),
    ("mfa_generate_recovery_codes", NONE, LOGIN, REAUTHENTICATE),
    ("mfa_download_recovery_codes", NONE, LOGIN, 404),
    ("usersessions_list", NONE, LOGIN, 200),
]
ALLAUTH_PAGES: list[Row] = [
    *(
        row
        for name, kwargs, anonymous, signed_in in ALLAUTH
        for row in rows(name, kwargs, ("anonymous", anonymous), ("practitioner", signed_in))
    ),
    *rows("account_logout", NONE, ("practitioner", Redirect("account_login")), method="POST"),
    *rows("account_signup", NONE, ("anonymous", 200), method="POST"),
]
# fmt: on


Maker = Callable[[World], Model]


def per_user(make: Callable[[User], Model]) -> tuple[Maker, Maker]:
    """Records of the practitioner (ours) and of the other organisation's (theirs)."""
    return (lambda w: make(w.practitioner), lambda w: make(w.other_organisation_practitioner))


# For each model in the admin: a record of the administrator's organisation, and one of
# the other organisation.
ADMIN_OBJECTS: dict[type[Model], tuple[Maker, Maker]] = {
    Organisation: (lambda w: w.organisation, lambda w: w.other_organisation),
    Service: (lambda w: w.service, _their_service),
    Team: (lambda w: w.team, _their_team),
    StaffMember: per_user(lambda user: user.staff_member),
    User: per_user(lambda user: user),
    AccessLogEntry: per_user(lambda u: access_log_record(user=u, obj=u, route="tests")),
    Authenticator: per_user(
        lambda u: Authenticator.objects.create(user=u, type="recovery_codes", data={})
    ),
    UserSession: per_user(
        lambda u: UserSession.objects.create(user=u, ip="127.0.0.1", session_key=f"s{u.pk}")
    ),
}
# Organisations are created by superusers; the access log, authenticators and sessions
# come from use, and the access log is never deleted.
ADD_ALLOWED = {Service, Team, StaffMember, User}
DELETE_ALLOWED = ADD_ALLOWED | {Authenticator, UserSession}


def object_id(label: str, get: Maker) -> Kwargs:
    return Kwargs(label, lambda w: {"object_id": get(w).pk})


# fmt: off
def _admin_model_rows() -> Iterator[Row]:
    for model in admin.site._registry:
        if model not in ADMIN_OBJECTS:
            continue  # reported by test_every_named_url_has_a_row
        ours, theirs = ADMIN_OBJECTS[model]
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield from rows(f"{prefix}_changelist", NONE, ("anonymous", ADMIN_LOGIN),
                        ("practitioner", ADMIN_REFUSED), ("administrator", 200))
        yield from rows(f"{prefix}_add", NONE, ("anonymous", ADMIN_LOGIN),
                        ("practitioner", ADMIN_REFUSED),
                        ("administrator", 200 if model in ADD_ALLOWED else 403))
        for view in ("change", "delete", "history"):
            refused = view == "delete" and model not in DELETE_ALLOWED
            # An object outside the admin's queryset: Django redirects to the index.
            outside = 403 if refused else ADMIN_INDEX
            yield from rows(f"{prefix}_{view}", object_id("ours", ours),
                            ("anonymous", ADMIN_LOGIN), ("practitioner", ADMIN_REFUSED),
                            ("administrator", 403 if refused else 200),
                            ("other_organisation_admin", outside))
            yield from rows(f"{prefix}_{view}", object_id("theirs", theirs),
                            ("administrator", outside))
# fmt: on


def _team_on_site(get: Maker) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Team).pk,
        "object_id": get(w).pk,
    }


def admin_site_page(name: str, kwargs: Kwargs, administrator: Any) -> list[Row]:
    refusals = (("anonymous", ADMIN_LOGIN), ("practitioner", ADMIN_REFUSED))
    return rows(name, kwargs, *refusals, ("administrator", administrator))


# fmt: off
ADMIN_PAGES: list[Row] = [
    *admin_site_page("admin:index", NONE, 200),
    *rows("admin:index", NONE, ("qa_lead", ADMIN_REFUSED), ("other_organisation_admin", 200)),
    *(
        row
        for app in ("organisation", "mfa", "usersessions")
        for row in admin_site_page(
            "admin:app_list", Kwargs(app, lambda w, app=app: {"app_label": app}), 200
        )
    ),
    # The admin's own login only redirects to the product's; a signed-in administrator
    # belongs on the index, a signed-in non-administrator is refused.
    *rows("admin:login", NONE, ("anonymous", Redirect("account_login")),
          ("practitioner", 403), ("administrator", ADMIN_INDEX)),
    *rows("admin:logout", NONE, ("anonymous", ADMIN_INDEX), ("practitioner", ADMIN_INDEX),
          ("administrator", 405)),
    *rows("admin:logout", NONE, ("administrator", 200), method="POST"),
    *admin_site_page("admin:password_change", NONE, 200),
    *admin_site_page("admin:password_change_done", NONE, 200),
    *admin_site_page("admin:jsi18n", NONE, 200),
    # No admin declares autocomplete fields, so every autocomplete request is refused.
    *admin_site_page("admin:autocomplete", NONE, 403),
    # No model has get_absolute_url: "view on site" finds nothing, in any organisation.
    *admin_site_page("admin:view_on_site", Kwargs("team", _team_on_site(lambda w: w.team)), 404),
    *rows("admin:view_on_site", Kwargs("their_team", _team_on_site(_their_team)),
          ("administrator", 404)),
    *admin_site_page("admin:auth_user_password_change",
                     Kwargs("ours", lambda w: {"id": w.practitioner.pk}), 200),
    *rows("admin:auth_user_password_change",
          Kwargs("theirs", lambda w: {"id": w.other_organisation_practitioner.pk}),
          ("administrator", 404)),
    *_admin_model_rows(),
]
# fmt: on

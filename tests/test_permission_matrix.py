"""The permission matrix (STYLE.md): what each persona gets from every named URL.

Each row is (persona, method, URL name, kwargs builder, expected). Expected is a status
code, a Redirect, or HEALTH (the public health check answers 200 or 503). The rules:
anonymous on a signed-in page is sent to sign in; a record of another organisation, or
outside the user's visibility, is 404; a member who can see but may not change gets 403;
allowed is 200. A named URL with no row fails `test_every_named_url_has_a_row`.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from coredata.models import ImportProblem, ImportRun
from organisation.models import AccessLogEntry, Organisation, Service, StaffMember, Team, User
from organisation.services import access_log_record
from tests.conftest import World


@dataclass(frozen=True)
class Redirect:
    """A 302 to the URL named `to`. `keeps_next`: it carries ?next=<the requested path>.
    `then`: the status the signed-in persona gets from the page it is sent to."""

    to: str
    keeps_next: bool = False
    then: int | None = None
    same_kwargs: bool = False

    def __str__(self) -> str:
        return f"302->{self.to}" + (f"->{self.then}" if self.then else "")


LOGIN = Redirect("account_login", keeps_next=True)
HOME = Redirect("home")
ADMIN_LOGIN = Redirect("admin:login", keeps_next=True)
# The admin sends a signed-in non-administrator to its login page, which refuses them.
ADMIN_REFUSED = Redirect("admin:login", keeps_next=True, then=403)
ADMIN_INDEX = Redirect("admin:index")
HEALTH = "200 or 503"

# Every persona of the world, so that a new persona is checked wherever SIGNED_IN is.
SIGNED_IN = tuple(field.name for field in fields(World) if field.type is User)
EVERYONE = ("anonymous", *SIGNED_IN)


@dataclass(frozen=True)
class Kwargs:
    """Builds a URL's kwargs from the world; `label` names it in test ids."""

    label: str
    build: Callable[[World], dict[str, Any]]

    def __call__(self, world: World) -> dict[str, Any]:
        return self.build(world)


NONE = Kwargs("", lambda w: {})


def _their_service(w: World) -> Service:
    return Service.objects.get(organisation=w.other_organisation)


def _their_team(w: World) -> Team:
    return Team.objects.get(organisation=w.other_organisation)


def _import_run(organisation: Organisation) -> ImportRun:
    run = ImportRun.objects.create(organisation=organisation, status="failed", error_count=1)
    ImportProblem.objects.create(run=run, level="error", file="a.csv", location="row 2",
                                 field="LAchildID", value="X", reason="Not known")  # fmt: skip
    return run


# Units that are not attributes of the world.
OTHER_UNITS: dict[str, Callable[[World], Model]] = {
    "their_organisation": lambda w: w.other_organisation,
    "their_service": _their_service,
    "their_team": _their_team,
    "import_run": lambda w: _import_run(w.organisation),
    "their_import_run": lambda w: _import_run(w.other_organisation),
}


def pk_of(unit: str) -> Kwargs:
    """A unit by its name on the world (team, other_service, ...) or in OTHER_UNITS."""
    get = OTHER_UNITS.get(unit) or (lambda w: getattr(w, unit))
    return Kwargs(unit, lambda w: {"pk": get(w).pk})


def staff_of(persona: str) -> Kwargs:
    """The staff record of a persona; other_organisation_practitioner is 'their' staff."""
    return Kwargs(f"staff_of_{persona}", lambda w: {"pk": getattr(w, persona).staff_member.pk})


def children_of(kind: str, unit: Kwargs) -> Kwargs:
    """The list of children behind a unit's figures (`kind` as in its URL)."""
    return Kwargs(f"children_{unit.label}", lambda w: {"kind": kind, **unit(w)})


Row = tuple[str, str, str, Kwargs, Any]


def rows(name: str, kwargs: Kwargs, *cases: tuple[str, Any], method: str = "GET") -> list[Row]:
    return [(persona, method, name, kwargs, expected) for persona, expected in cases]


def signed_in_page(name: str) -> list[Row]:
    return rows(name, NONE, ("anonymous", LOGIN), *((p, 200) for p in SIGNED_IN))


# fmt: off
OUR_PAGES: list[Row] = [
    *signed_in_page("home"),
    *rows("healthz", NONE, *((p, HEALTH) for p in EVERYONE)),
    *signed_in_page("organisation:structure"),
    *rows("organisation:structure", NONE, ("qa_lead", 405), method="POST"),
    *signed_in_page("organisation:my_account"),
    *rows("organisation:service_detail", pk_of("service"),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 404), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("organisation:service_detail", pk_of("other_service"),
          ("service_manager", 404), ("qa_lead", 200), ("administrator", 200),
          ("other_organisation_admin", 404)),
    *rows("organisation:service_detail", pk_of("their_service"),
          ("administrator", 404), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 404)),
    *rows("organisation:team_detail", pk_of("team"),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("organisation:team_detail", pk_of("other_team"),
          ("team_manager", 404), ("service_manager", 200), ("other_team_practitioner", 404),
          ("qa_lead", 200), ("senior_leader", 200), ("administrator", 200),
          ("other_organisation_admin", 404)),
    *rows("organisation:team_detail", pk_of("far_team"),
          ("team_manager", 404), ("service_manager", 404), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("organisation:team_detail", pk_of("their_team"),
          ("qa_lead", 404), ("administrator", 404), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 404)),
    *rows("organisation:staff_detail", staff_of("practitioner"),
          ("anonymous", LOGIN), ("practitioner", 200), ("other_team_practitioner", 404),
          ("data_officer", 404), ("team_manager", 200), ("service_manager", 200),
          ("qa_lead", 200), ("senior_leader", 200), ("administrator", 200),
          ("other_organisation_admin", 404), ("other_organisation_practitioner", 404)),
    *rows("organisation:staff_detail", staff_of("team_manager"),
          ("practitioner", 404), ("team_manager", 200)),
    *rows("organisation:staff_detail", staff_of("other_team_practitioner"),
          ("team_manager", 404), ("service_manager", 200)),
    *rows("organisation:staff_detail", staff_of("far_team_practitioner"),
          ("team_manager", 404), ("service_manager", 404), ("qa_lead", 200),
          ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("organisation:staff_detail", staff_of("data_officer"), ("data_officer", 200)),
    *rows("organisation:staff_detail", staff_of("other_organisation_practitioner"),
          ("administrator", 404), ("other_organisation_admin", 200)),
    *rows("organisation:staff_deactivate", staff_of("practitioner"),
          ("anonymous", LOGIN), ("practitioner", 403), ("team_manager", 403),
          ("service_manager", 403), ("qa_lead", 403), ("senior_leader", 403),
          ("data_officer", 404), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("organisation:staff_deactivate", staff_of("administrator"), ("administrator", 403)),
    *rows("organisation:staff_deactivate", staff_of("far_team_practitioner"),
          ("team_manager", 404), ("administrator", 200)),
    *rows("organisation:staff_deactivate", staff_of("other_organisation_practitioner"),
          ("administrator", 404), ("other_organisation_admin", 200)),
    *rows("organisation:staff_deactivate", staff_of("practitioner"),
          ("anonymous", LOGIN), ("team_manager", 403), ("other_organisation_admin", 404),
          ("administrator", Redirect("organisation:staff_detail", same_kwargs=True)),
          method="POST"),
    *rows("organisation:staff_deactivate", staff_of("administrator"),
          ("administrator", 403), method="POST"),
    # Imports: data officers and administrators only; a run outside them is 404.
    *(row for name in ("coredata:import_list", "coredata:import_create")
      for row in rows(name, NONE, ("anonymous", LOGIN), ("practitioner", 403),
                      ("team_manager", 403), ("qa_lead", 403), ("data_officer", 200),
                      ("administrator", 200), ("other_organisation_admin", 200))),
    *rows("coredata:import_create", NONE, ("qa_lead", 403), method="POST"),
    *(row for name in ("coredata:import_detail", "coredata:import_problems_csv")
      for row in [*rows(name, pk_of("import_run"), ("anonymous", LOGIN),
                        ("practitioner", 404), ("qa_lead", 404), ("data_officer", 200),
                        ("administrator", 200), ("other_organisation_admin", 404)),
                  *rows(name, pk_of("their_import_run"), ("data_officer", 404),
                        ("other_organisation_admin", 200))]),
    # Core data: the organisation's aggregate page for whole-organisation roles and the
    # managers of a team or service (403 for the rest); a unit's page through the unit's
    # visibility selector (outside it, 404).
    *rows("coredata:indicators_organisation", NONE,
          ("anonymous", LOGIN), ("practitioner", 403), ("data_officer", 403),
          ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 403)),
    *rows("coredata:indicators_organisation", NONE, ("qa_lead", 405), method="POST"),
    *rows("coredata:indicators_service", pk_of("service"),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 404), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("coredata:indicators_service", pk_of("other_service"),
          ("service_manager", 404), ("qa_lead", 200), ("other_organisation_admin", 404)),
    *rows("coredata:indicators_service", pk_of("their_service"),
          ("administrator", 404), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 404)),
    *rows("coredata:indicators_team", pk_of("team"),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("coredata:indicators_team", pk_of("other_team"),
          ("team_manager", 404), ("service_manager", 200), ("other_team_practitioner", 404),
          ("qa_lead", 200)),
    *rows("coredata:indicators_team", pk_of("far_team"),
          ("team_manager", 404), ("service_manager", 404), ("senior_leader", 200)),
    *rows("coredata:indicators_team", pk_of("their_team"),
          ("qa_lead", 404), ("other_organisation_admin", 200)),
    *rows("coredata:indicators_team", pk_of("team"), ("team_manager", 405), method="POST"),
    *rows("coredata:indicators_practitioner", staff_of("practitioner"),
          ("anonymous", LOGIN), ("practitioner", 200), ("other_team_practitioner", 404),
          ("data_officer", 404), ("team_manager", 200), ("service_manager", 200),
          ("qa_lead", 200), ("senior_leader", 200), ("administrator", 200),
          ("other_organisation_admin", 404), ("other_organisation_practitioner", 404)),
    *rows("coredata:indicators_practitioner", staff_of("team_manager"),
          ("practitioner", 404), ("team_manager", 200)),
    *rows("coredata:indicators_practitioner", staff_of("other_team_practitioner"),
          ("practitioner", 404), ("team_manager", 404), ("service_manager", 200)),
    *rows("coredata:indicators_practitioner", staff_of("far_team_practitioner"),
          ("team_manager", 404), ("service_manager", 404), ("qa_lead", 200)),
    *rows("coredata:indicators_practitioner", staff_of("other_organisation_practitioner"),
          ("administrator", 404), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 200)),
    # The children behind a unit's figures: a unit outside the user's visibility is 404; one
    # they see but whose children they may not list (aggregates only) is 403. Practitioners
    # list their own, managers their teams', services' and those teams' practitioners'.
    *rows("coredata:indicators_children", children_of("teams", pk_of("team")),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 200), ("service_manager", 200), ("qa_lead", 403),
          ("senior_leader", 403), ("administrator", 403), ("other_team_practitioner", 404),
          ("other_organisation_admin", 404)),
    *rows("coredata:indicators_children", children_of("teams", pk_of("other_team")),
          ("team_manager", 404), ("service_manager", 200), ("qa_lead", 403)),
    *rows("coredata:indicators_children", children_of("teams", pk_of("far_team")),
          ("service_manager", 404), ("senior_leader", 403)),
    *rows("coredata:indicators_children", children_of("teams", pk_of("their_team")),
          ("qa_lead", 404), ("other_organisation_admin", 403),
          ("other_organisation_practitioner", 404)),
    *rows("coredata:indicators_children", children_of("services", pk_of("service")),
          ("anonymous", LOGIN), ("practitioner", 404), ("team_manager", 404),
          ("service_manager", 200), ("qa_lead", 403), ("administrator", 403),
          ("other_organisation_admin", 404)),
    *rows("coredata:indicators_children", children_of("services", pk_of("other_service")),
          ("service_manager", 404), ("senior_leader", 403)),
    *rows("coredata:indicators_children", children_of("practitioners", staff_of("practitioner")),
          ("anonymous", LOGIN), ("practitioner", 200), ("other_team_practitioner", 404),
          ("data_officer", 404), ("team_manager", 200), ("service_manager", 200),
          ("qa_lead", 403), ("senior_leader", 403), ("administrator", 403),
          ("other_organisation_admin", 404), ("other_organisation_practitioner", 404)),
    *rows("coredata:indicators_children", children_of("practitioners", staff_of("team_manager")),
          ("practitioner", 404), ("team_manager", 200)),
    *rows("coredata:indicators_children", children_of("practitioners", staff_of("data_officer")),
          ("data_officer", 403)),
    *rows("coredata:indicators_children",
          children_of("practitioners", staff_of("other_team_practitioner")),
          ("team_manager", 404), ("service_manager", 200), ("other_team_practitioner", 200)),
    *rows("coredata:indicators_children",
          children_of("practitioners", staff_of("far_team_practitioner")),
          ("service_manager", 404), ("qa_lead", 403)),
    *rows("coredata:indicators_children",
          children_of("practitioners", staff_of("other_organisation_practitioner")),
          ("administrator", 404), ("other_organisation_practitioner", 200)),
    *rows("coredata:indicators_children",
          Kwargs("children_organisation",
                 lambda w: {"kind": "organisation", "pk": w.organisation.pk}),
          ("qa_lead", 404), ("team_manager", 404)),
    *rows("coredata:indicators_children", children_of("teams", pk_of("team")),
          ("team_manager", 405), method="POST"),
    # My core data: everyone's own (their children and their unit's figures).
    *signed_in_page("coredata:indicators_me"),
    *rows("coredata:indicators_me", NONE, ("practitioner", 405), method="POST"),
]
# fmt: on


# fmt: off
API_PAGES: list[Row] = [
    *(
        row
        for name in ("api-root", "organisation-list", "service-list", "team-list",
                     "staff-list", "schema", "docs", "indicator-list")
        for row in rows(f"api:{name}", NONE, ("anonymous", 403), ("practitioner", 200),
                        ("administrator", 200), ("other_organisation_admin", 200))
    ),
    *rows("api:team-list", Kwargs("json", lambda w: {"format": "json"}), ("team_manager", 200)),
    # Results need a unit (query parameters, tested in tests/coredata/test_results_api.py):
    # without one the request is invalid.
    *rows("api:results", NONE, ("anonymous", 403), ("practitioner", 400),
          ("qa_lead", 400), ("other_organisation_admin", 400)),
    *rows("coredata:results_download", NONE, ("anonymous", LOGIN), ("practitioner", 404),
          ("qa_lead", 404)),
    *rows("api:team-list", NONE, ("anonymous", 403), ("administrator", 405), method="POST"),
    *rows("api:organisation-detail", pk_of("organisation"),
          ("anonymous", 403), ("practitioner", 200), ("administrator", 200),
          ("other_organisation_admin", 404)),
    *rows("api:organisation-detail", pk_of("their_organisation"), ("administrator", 404)),
    *rows("api:service-detail", pk_of("service"),
          ("anonymous", 403), ("practitioner", 404), ("team_manager", 404),
          ("service_manager", 200), ("qa_lead", 200), ("other_organisation_admin", 404)),
    *rows("api:service-detail", pk_of("other_service"), ("service_manager", 404)),
    *rows("api:team-detail", pk_of("team"),
          ("anonymous", 403), ("practitioner", 404), ("team_manager", 200),
          ("service_manager", 200), ("qa_lead", 200), ("other_organisation_admin", 404)),
    *rows("api:team-detail", pk_of("other_team"), ("team_manager", 404)),
    *rows("api:team-detail", pk_of("far_team"), ("service_manager", 404)),
    *rows("api:team-detail", pk_of("their_team"),
          ("administrator", 404), ("other_organisation_admin", 200)),
    *rows("api:team-detail", pk_of("team"), ("administrator", 405), method="DELETE"),
    *rows("api:staff-detail", staff_of("practitioner"),
          ("anonymous", 403), ("practitioner", 200), ("team_manager", 200),
          ("other_team_practitioner", 404), ("administrator", 200),
          ("other_organisation_admin", 404)),
    *rows("api:staff-detail", staff_of("team_manager"), ("practitioner", 404)),
    *rows("api:importrun-list", NONE, ("anonymous", 403), ("practitioner", 200),
          ("data_officer", 200)),
    *rows("api:importrun-list", NONE, ("anonymous", 403), ("practitioner", 403),
          ("data_officer", 400), method="POST"),
    *rows("api:importrun-detail", pk_of("import_run"), ("anonymous", 403),
          ("practitioner", 404), ("data_officer", 200), ("other_organisation_admin", 404)),
    *rows("api:importrun-detail", pk_of("their_import_run"), ("data_officer", 404)),
]
# fmt: on


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
    ("account_email", NONE, LOGIN, 200),
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

MATRIX: list[Row] = [*OUR_PAGES, *API_PAGES, *ALLAUTH_PAGES, *ADMIN_PAGES]


def _row_id(row: Row) -> str:
    persona, method, name, kwargs, expected = row
    return "-".join(part for part in (persona, method, name, kwargs.label, str(expected)) if part)


@pytest.mark.parametrize(
    ("persona", "method", "name", "kwargs", "expected"),
    MATRIX,
    ids=[_row_id(row) for row in MATRIX],
)
def test_permission_matrix(
    world: World, persona: str, method: str, name: str, kwargs: Kwargs, expected: Any
) -> None:
    client = Client(raise_request_exception=False)
    user = getattr(world, persona)
    if user.is_authenticated:
        client.force_login(user)
    url_kwargs = kwargs(world)
    url = reverse(name, kwargs=url_kwargs)

    response = client.generic(method, url)

    if expected == HEALTH:
        assert response.status_code in (200, 503)
        assert set(response.json()["checks"]) == {"database", "broker", "beat"}
    elif isinstance(expected, Redirect):
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse(
            expected.to, kwargs=url_kwargs if expected.same_kwargs else None
        )
        if expected.keeps_next:
            assert parse_qs(location.query)["next"] == [url]
        if expected.then is not None:
            assert client.get(response["Location"]).status_code == expected.then
    else:
        assert response.status_code == expected


def _url_names(resolver: URLResolver, namespace: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_named_url_has_a_row() -> None:
    covered = {name for _, _, name, _, _ in MATRIX}

    missing = sorted(set(_url_names(get_resolver())) - covered)

    assert missing == []

"""How rows of the permission matrix are written: personas, expected outcomes, URL kwargs."""

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Model

from coredata.models import ImportProblem, ImportRun
from organisation.models import Notification, Organisation, Service, Team, User
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


def notification_of(persona: str) -> Kwargs:
    """A notification addressed to a persona (only they may open it)."""

    def build(w: World) -> dict[str, Any]:
        user = getattr(w, persona)
        notification = Notification.objects.create(
            organisation=w.organisation, recipient=user, kind="test", subject="A test", url="/"
        )
        return {"pk": notification.pk}

    return Kwargs(f"notification_of_{persona}", build)


Row = tuple[str, str, str, Kwargs, Any]


def rows(name: str, kwargs: Kwargs, *cases: tuple[str, Any], method: str = "GET") -> list[Row]:
    return [(persona, method, name, kwargs, expected) for persona, expected in cases]


def signed_in_page(name: str) -> list[Row]:
    return rows(name, NONE, ("anonymous", LOGIN), *((p, 200) for p in SIGNED_IN))

"""Matrix rows: the linked QA views and their API (issue 7)."""

from datetime import date
from typing import Any

from organisation.models import Organisation
from qa_system.models import Flag, FlagRule
from tests.conftest import World
from tests.permission_matrix.vocabulary import (
    LOGIN,
    NONE,
    SIGNED_IN,
    Kwargs,
    Redirect,
    Row,
    pk_of,
    rows,
    staff_of,
)
from tests.qa_system.builders import child_allocated_to

# --- unit pages ---


def qa_api(kind: str, unit: Kwargs | None = None) -> Kwargs:
    """The API's view of a unit: `kind` as in its URL, the unit's pk (the organisation's
    own for "organisation" when `unit` is None)."""
    if unit is None:
        return Kwargs(f"qa_{kind}", lambda w: {"kind": kind, "pk": w.organisation.pk})
    return Kwargs(f"qa_{kind}_{unit.label}", lambda w: {"kind": kind, **unit(w)})


# fmt: off
# A unit's QA page follows the core data pages' rules: the unit through the visibility
# selectors (outside them, or in another organisation, 404); the organisation's page for
# whole-organisation roles and managers (others signed in: 403).
UNIT_PAGE_ROWS: list[Row] = [
    *rows("qa:unit_organisation", NONE,
          ("anonymous", LOGIN), ("practitioner", 403), ("data_officer", 403),
          ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 403)),
    *rows("qa:unit_organisation", NONE, ("qa_lead", 405), method="POST"),
    *rows("qa:unit_service", pk_of("service"),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 404), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("qa:unit_service", pk_of("other_service"),
          ("service_manager", 404), ("qa_lead", 200), ("other_organisation_admin", 404)),
    *rows("qa:unit_service", pk_of("their_service"),
          ("administrator", 404), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 404)),
    *rows("qa:unit_team", pk_of("team"),
          ("anonymous", LOGIN), ("practitioner", 404), ("data_officer", 404),
          ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("administrator", 200), ("other_team_practitioner", 404),
          ("other_organisation_admin", 404)),
    *rows("qa:unit_team", pk_of("other_team"),
          ("team_manager", 404), ("service_manager", 200), ("qa_lead", 200)),
    *rows("qa:unit_team", pk_of("far_team"),
          ("team_manager", 404), ("service_manager", 404), ("senior_leader", 200)),
    *rows("qa:unit_team", pk_of("their_team"),
          ("qa_lead", 404), ("other_organisation_admin", 200)),
    *rows("qa:unit_team", pk_of("team"), ("team_manager", 405), method="POST"),
    *rows("qa:unit_practitioner", staff_of("practitioner"),
          ("anonymous", LOGIN), ("practitioner", 200), ("other_team_practitioner", 404),
          ("data_officer", 404), ("team_manager", 200), ("service_manager", 200),
          ("qa_lead", 200), ("senior_leader", 200), ("administrator", 200),
          ("other_organisation_admin", 404), ("other_organisation_practitioner", 404)),
    *rows("qa:unit_practitioner", staff_of("team_manager"),
          ("practitioner", 404), ("team_manager", 200)),
    *rows("qa:unit_practitioner", staff_of("other_team_practitioner"),
          ("practitioner", 404), ("team_manager", 404), ("service_manager", 200)),
    *rows("qa:unit_practitioner", staff_of("far_team_practitioner"),
          ("team_manager", 404), ("service_manager", 404), ("qa_lead", 200)),
    *rows("qa:unit_practitioner", staff_of("other_organisation_practitioner"),
          ("administrator", 404), ("other_organisation_admin", 200),
          ("other_organisation_practitioner", 200)),
    # My practice: everyone's own page (every persona has a staff record).
    *rows("qa:my_practice", NONE, ("anonymous", LOGIN), *((p, 200) for p in SIGNED_IN)),
    *rows("qa:my_practice", NONE, ("practitioner", 405), method="POST"),
    # The API: the same rules, 403 for anonymous (DRF), 404 for an unknown kind.
    *rows("api:qa-unit", qa_api("organisation"),
          ("anonymous", 403), ("practitioner", 403), ("data_officer", 403),
          ("team_manager", 200), ("senior_leader", 200), ("other_organisation_admin", 404)),
    *rows("api:qa-unit", qa_api("organisation", pk_of("their_organisation")),
          ("administrator", 404), ("other_organisation_admin", 200)),
    *rows("api:qa-unit", qa_api("services", pk_of("service")),
          ("anonymous", 403), ("practitioner", 404), ("team_manager", 404),
          ("service_manager", 200), ("qa_lead", 200), ("other_organisation_admin", 404)),
    *rows("api:qa-unit", qa_api("teams", pk_of("team")),
          ("anonymous", 403), ("practitioner", 404), ("team_manager", 200),
          ("service_manager", 200), ("senior_leader", 200), ("other_organisation_admin", 404)),
    *rows("api:qa-unit", qa_api("teams", pk_of("far_team")),
          ("team_manager", 404), ("service_manager", 404), ("qa_lead", 200)),
    *rows("api:qa-unit", qa_api("practitioners", staff_of("practitioner")),
          ("anonymous", 403), ("practitioner", 200), ("other_team_practitioner", 404),
          ("team_manager", 200), ("administrator", 200), ("other_organisation_admin", 404)),
    *rows("api:qa-unit", Kwargs("qa_widgets", lambda w: {"kind": "widgets", "pk": 1}),
          ("administrator", 404)),
    *rows("api:qa-unit", qa_api("teams", pk_of("team")), ("team_manager", 405), method="POST"),
]
# fmt: on
# --- end of unit pages ---

# fmt: off
QA_PAGES: list[Row] = [
    *UNIT_PAGE_ROWS,
]
# fmt: on

# --- reports, flags, case cards ---


def _rule(w: World, organisation: Organisation) -> FlagRule:
    return FlagRule.objects.create(
        organisation=organisation, name="A rule", unit_types=["team"], a_source="surveys",
        a_code="rate:family", a_comparison="lt", a_threshold=20, wording="{unit}: {a}",
    )  # fmt: skip


def rule_of(which: str) -> Kwargs:
    """A flag rule of the world's organisation ("ours") or the other one ("theirs")."""

    def build(w: World) -> dict[str, Any]:
        return {"pk": _rule(w, w.organisation if which == "ours" else w.other_organisation).pk}

    return Kwargs(f"rule_{which}", build)


def flag_on(unit: str) -> Kwargs:
    """A flag on a team of the world (team, far_team) or on a persona's practitioner unit."""

    def build(w: World) -> dict[str, Any]:
        if unit.endswith("team"):
            unit_type, unit_id = "team", getattr(w, unit).pk
        else:
            unit_type, unit_id = "practitioner", getattr(w, unit).staff_member.pk
        flag = Flag.objects.create(
            organisation=w.organisation, rule=_rule(w, w.organisation), unit_type=unit_type,
            unit_id=unit_id, unit_name="A unit", period_start=date(2025, 4, 1),
            period_end=date(2025, 6, 30), text="The measures disagree",
        )  # fmt: skip
        return {"pk": flag.pk}

    return Kwargs(f"flag_on_{unit}", build)


def child_of(persona: str, team: str) -> Kwargs:
    """A child allocated now to a persona in a team of the world."""

    def build(w: World) -> dict[str, Any]:
        return {"pk": child_allocated_to(getattr(w, persona), getattr(w, team)).pk}

    return Kwargs(f"child_of_{persona}", build)


# fmt: off
REPORT_ROWS: list[Row] = [
    # Flags: each signed-in person lists the flags of the units they may see; a flag on
    # a unit outside them is a 404 (the unit pages' rules).
    *rows("qa:flag_list", NONE, ("anonymous", LOGIN), *((p, 200) for p in SIGNED_IN)),
    *rows("qa:flag_list", NONE, ("qa_lead", 405), method="POST"),
    *rows("qa:flag_detail", flag_on("team"),
          ("anonymous", LOGIN), ("practitioner", 404), ("other_team_practitioner", 404),
          ("data_officer", 404), ("team_manager", 200), ("service_manager", 200),
          ("qa_lead", 200), ("senior_leader", 200), ("administrator", 200),
          ("other_organisation_admin", 404)),
    *rows("qa:flag_detail", flag_on("far_team"),
          ("team_manager", 404), ("service_manager", 404), ("qa_lead", 200)),
    *rows("qa:flag_detail", flag_on("practitioner"),
          ("practitioner", 200), ("other_team_practitioner", 404), ("team_manager", 200),
          ("far_team_practitioner", 404), ("other_organisation_practitioner", 404)),
    # Rules: another organisation's rule is a 404; whole-organisation roles read them,
    # only QA leads change them (other members: 403).
    *rows("qa:rule_list", NONE,
          ("anonymous", LOGIN), ("qa_lead", 200), ("senior_leader", 200),
          ("administrator", 200), ("practitioner", 403), ("team_manager", 403),
          ("service_manager", 403), ("data_officer", 403), ("other_organisation_admin", 200)),
    *rows("qa:rule_create", NONE,
          ("anonymous", LOGIN), ("qa_lead", 200), ("senior_leader", 403),
          ("administrator", 403), ("practitioner", 403), ("team_manager", 403)),
    *rows("qa:rule_create", NONE, ("qa_lead", 200), ("senior_leader", 403), method="POST"),
    *rows("qa:rule_edit", rule_of("ours"),
          ("anonymous", LOGIN), ("qa_lead", 200), ("senior_leader", 403),
          ("practitioner", 403), ("other_organisation_admin", 404)),
    *rows("qa:rule_edit", rule_of("theirs"), ("qa_lead", 404)),
    *rows("qa:rule_toggle", rule_of("ours"),
          ("anonymous", LOGIN), ("qa_lead", Redirect("qa:rule_list")),
          ("senior_leader", 403), ("other_organisation_admin", 404), method="POST"),
    *rows("qa:rule_toggle", rule_of("ours"), ("qa_lead", 405)),
    # Case cards: the child's allocated practitioner and their managers; another team's
    # practitioner, senior leaders (aggregates) and QA leads (audited cases only) get 404.
    *rows("qa:case_card", child_of("practitioner", "team"),
          ("anonymous", LOGIN), ("practitioner", 200), ("team_manager", 200),
          ("service_manager", 200), ("other_team_practitioner", 404),
          ("far_team_practitioner", 404), ("qa_lead", 404), ("senior_leader", 404),
          ("data_officer", 404), ("administrator", 404), ("other_organisation_admin", 404),
          ("other_organisation_practitioner", 404)),
    *rows("qa:case_card", child_of("practitioner", "team"), ("practitioner", 405),
          method="POST"),
    # The pack: the organisation's for whole-organisation roles (others 403); a service's
    # for whoever may see the service (404 otherwise).
    *rows("qa:pack", NONE,
          ("anonymous", LOGIN), ("qa_lead", 200), ("senior_leader", 200),
          ("administrator", 200), ("practitioner", 403), ("team_manager", 403),
          ("service_manager", 403), ("data_officer", 403), ("other_organisation_admin", 200)),
    *rows("qa:pack_pdf", NONE,
          ("anonymous", LOGIN), ("senior_leader", 200), ("practitioner", 403),
          ("team_manager", 403)),
    *rows("qa:pack_service", pk_of("service"),
          ("anonymous", LOGIN), ("service_manager", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("team_manager", 404), ("practitioner", 404),
          ("other_organisation_admin", 404)),
    *rows("qa:pack_service", pk_of("other_service"), ("service_manager", 404)),
    *rows("qa:pack_service_pdf", pk_of("service"),
          ("anonymous", LOGIN), ("service_manager", 200), ("team_manager", 404),
          ("other_organisation_admin", 404)),
]
# fmt: on
QA_PAGES += REPORT_ROWS
# --- end of reports, flags, case cards ---

# fmt: off
# Retention: whole-organisation roles read the policy (each their own organisation's);
# administrators change it; other members are refused (403). A POST with no fields is
# the form again with its errors (200), never a change.
QA_PAGES += [
    *rows("qa:retention", NONE,
          ("anonymous", LOGIN), ("administrator", 200), ("qa_lead", 200),
          ("senior_leader", 200), ("other_organisation_admin", 200), ("practitioner", 403),
          ("team_manager", 403), ("service_manager", 403), ("data_officer", 403)),
    *rows("qa:retention", NONE,
          ("anonymous", LOGIN), ("administrator", 200), ("qa_lead", 403),
          ("senior_leader", 403), ("practitioner", 403), method="POST"),
]
# fmt: on

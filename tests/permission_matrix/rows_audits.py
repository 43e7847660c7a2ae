"""Matrix rows: the audit pages and audit API (issue 5).

The world's audits are of a case of the practitioner (team N1), audited by the team
manager: visible to them, the service manager of N and the QA lead; not to the other
teams' practitioners, senior leaders, data officers or administrators (aggregates only),
nor to another organisation. Builders take the audit to a state through the services.
"""

from typing import Any

from audits.models import AuditProgramme, AuditToolVersion
from audits.services_actions import action_create
from audits.services_escalation import escalation_raise
from audits.services_programme import audit_create
from audits.services_tools import tool_default_load, tool_draft_get_or_create
from tests.audits.factories import audit_in_state, case, days
from tests.conftest import World
from tests.permission_matrix.vocabulary import (
    LOGIN,
    NONE,
    SIGNED_IN,
    Kwargs,
    Redirect,
    Row,
    rows,
    signed_in_page,
)


def audit_of(state: str) -> Kwargs:
    return Kwargs(f"audit_{state}", lambda w: {"pk": audit_in_state(w, state).pk})


def _their_audit(w: World) -> dict[str, Any]:
    """An audit in the other organisation."""
    tool_default_load(organisation=w.other_organisation)
    team = w.other_organisation_practitioner.staff_member.memberships.get().team
    child = case(worker=w.other_organisation_practitioner, team=team)
    audit = audit_create(child=child, by=None, auditor=w.other_organisation_admin.staff_member)
    return {"pk": audit.pk}


THEIR_AUDIT = Kwargs("their_audit", _their_audit)


def section_of(state: str, code: str) -> Kwargs:
    return Kwargs(
        f"audit_{state}_section_{code}",
        lambda w: {"pk": audit_in_state(w, state).pk, "code": code},
    )


def step_of(state: str, step: str) -> Kwargs:
    return Kwargs(f"{step}_{state}", lambda w: {"pk": audit_in_state(w, state).pk, "step": step})


def _action(w: World) -> dict[str, Any]:
    audit = audit_in_state(w, "conversation")
    action = action_create(
        audit=audit,
        by=w.team_manager,
        description="Review the safety plan with the network.",
        owner=w.practitioner.staff_member,
        due_date=days(14),
    )
    return {"pk": action.pk}


ACTION = Kwargs("action", _action)


def _escalation(w: World) -> dict[str, Any]:
    audit = audit_in_state(w, "conversation")
    escalation = escalation_raise(audit=audit, by=w.team_manager, concern="A current risk.")
    return {"pk": escalation.pk}


ESCALATION = Kwargs("escalation", _escalation)


def _programme(w: World, organisation: Any) -> dict[str, Any]:
    tool = tool_default_load(organisation=organisation)
    programme = AuditProgramme.objects.create(organisation=organisation, name="Monthly", tool=tool)
    return {"pk": programme.pk}


PROGRAMME = Kwargs("programme", lambda w: _programme(w, w.organisation))
THEIR_PROGRAMME = Kwargs("their_programme", lambda w: _programme(w, w.other_organisation))
TOOL = Kwargs("tool", lambda w: {"pk": tool_default_load(organisation=w.organisation).pk})
THEIR_TOOL = Kwargs(
    "their_tool", lambda w: {"pk": tool_default_load(organisation=w.other_organisation).pk}
)


def _published(w: World) -> AuditToolVersion:
    return tool_default_load(organisation=w.organisation).versions.get()


def _draft(w: World) -> AuditToolVersion:
    return tool_draft_get_or_create(
        tool=tool_default_load(organisation=w.organisation), by=w.qa_lead
    )


PUBLISHED = Kwargs("published_version", lambda w: {"pk": _published(w).pk})
THEIR_VERSION = Kwargs(
    "their_version",
    lambda w: {"pk": tool_default_load(organisation=w.other_organisation).versions.get().pk},
)
DRAFT = Kwargs("draft_version", lambda w: {"pk": _draft(w).pk})
DRAFT_SECTION = Kwargs("draft_section", lambda w: {"pk": _draft(w).sections.get(code="B").pk})
THEIR_SECTION = Kwargs(
    "their_section",
    lambda w: {
        "pk": tool_default_load(organisation=w.other_organisation)
        .versions.get()
        .sections.get(code="B")
        .pk
    },
)
DRAFT_ITEM = Kwargs(
    "draft_item", lambda w: {"pk": _draft(w).sections.get(code="B").items.first().pk}
)

OUTSIDERS = (
    ("other_team_practitioner", 404), ("far_team_practitioner", 404), ("senior_leader", 404),
    ("data_officer", 404), ("administrator", 404), ("other_organisation_admin", 404),
    ("other_organisation_practitioner", 404),
)  # fmt: skip
# Pages only QA leads use: everyone else signed in is refused.
QA_LEAD_ONLY = (
    ("anonymous", LOGIN), ("qa_lead", 200),
    *((p, 403) for p in SIGNED_IN if p != "qa_lead"),
)  # fmt: skip
MANAGERS = (
    ("anonymous", LOGIN), ("practitioner", 403), ("other_team_practitioner", 403),
    ("team_manager", 200), ("service_manager", 200), ("qa_lead", 200), ("senior_leader", 403),
    ("data_officer", 403), ("administrator", 403), ("other_organisation_admin", 403),
)  # fmt: skip


def _audit_page(name: str) -> list[Row]:
    """A page that shows an audit: whoever sees the audit, 404 for the rest."""
    return rows(
        name, audit_of("planned"),
        ("anonymous", LOGIN), ("practitioner", 200), ("team_manager", 200),
        ("service_manager", 200), ("qa_lead", 200), *OUTSIDERS,
    )  # fmt: skip


# fmt: off
AUDIT_PAGES: list[Row] = [
    # Lists.
    *signed_in_page("audits:index"),
    *rows("audits:index", NONE, ("practitioner", 405), method="POST"),
    *rows("audits:team_list", NONE, *MANAGERS),
    *signed_in_page("audits:action_list"),
    *rows("audits:escalation_list", NONE, *MANAGERS),
    *rows("audits:moderation_queue", NONE, *QA_LEAD_ONLY),
    # The audit: a practitioner of another team gets 404.
    *_audit_page("audits:detail"),
    *_audit_page("audits:history"),
    *_audit_page("audits:summary"),
    # (Their administrator is that audit's auditor.)
    *rows("audits:detail", THEIR_AUDIT, ("qa_lead", 404), ("team_manager", 404),
          ("other_organisation_admin", 200), ("other_organisation_practitioner", 200)),
    *rows("audits:detail", audit_of("planned"), ("practitioner", 405), method="POST"),
    *rows("audits:section", section_of("planned", "B"),
          ("anonymous", LOGIN), ("practitioner", 200), ("team_manager", 200), ("qa_lead", 200),
          ("other_team_practitioner", 404), ("senior_leader", 404),
          ("other_organisation_admin", 404)),
    *rows("audits:section", section_of("planned", "A"), ("service_manager", 200)),
    *rows("audits:section", section_of("planned", "Z"), ("practitioner", 404)),
    # Saving: only who may edit now (a planned audit: nobody yet; a conversation: the
    # auditor, and the practitioner their own column).
    *rows("audits:section", section_of("planned", "B"),
          ("anonymous", LOGIN), ("practitioner", 403), ("qa_lead", 403),
          ("other_team_practitioner", 404), method="POST"),
    *rows("audits:section", section_of("conversation", "H"),
          ("practitioner", 403), ("service_manager", 403), ("team_manager", 302), method="POST"),
    *rows("audits:summary_pdf", audit_of("completed"),
          ("anonymous", LOGIN), ("practitioner", 200), ("team_manager", 200),
          ("service_manager", 200), ("qa_lead", 200), *OUTSIDERS),
    *rows("audits:summary_pdf", audit_of("planned"),
          ("practitioner", Redirect("audits:summary", same_kwargs=True))),
    # Moving the audit on: 403 for who sees it but may not, 404 for the rest.
    *rows("audits:transition", step_of("planned", "start-reflection"),
          ("anonymous", LOGIN), ("practitioner", 302), ("team_manager", 302), ("qa_lead", 302),
          ("service_manager", 403), ("other_team_practitioner", 404),
          ("other_organisation_admin", 404), method="POST"),
    *rows("audits:transition", step_of("planned", "start-reflection"), ("practitioner", 405)),
    *rows("audits:transition", step_of("planned", "jump"), ("practitioner", 404),
          method="POST"),
    *rows("audits:transition", step_of("reflection", "submit-reflection"),
          ("practitioner", 200), ("team_manager", 403), ("qa_lead", 403), method="POST"),
    *rows("audits:transition", step_of("conversation", "complete"),
          ("team_manager", 200), ("practitioner", 403), ("qa_lead", 403), method="POST"),
    *rows("audits:transition", step_of("completed", "close"),
          ("qa_lead", 200), ("practitioner", 403), ("service_manager", 403), method="POST"),
    *rows("audits:skip_reflection", audit_of("planned"),
          ("anonymous", LOGIN), ("team_manager", 200), ("qa_lead", 200), ("practitioner", 403),
          ("service_manager", 403), ("other_team_practitioner", 404)),
    *rows("audits:skip_reflection", audit_of("planned"), ("practitioner", 403), method="POST"),
    *rows("audits:cancel", audit_of("planned"),
          ("anonymous", LOGIN), ("qa_lead", 200), ("team_manager", 403), ("practitioner", 403),
          ("other_team_practitioner", 404)),
    *rows("audits:cancel", audit_of("planned"), ("team_manager", 403), method="POST"),
    *rows("audits:assign_auditor", audit_of("planned"),
          ("anonymous", LOGIN), ("qa_lead", 200), ("team_manager", 200),
          ("service_manager", 200), ("practitioner", 403), ("other_team_practitioner", 404)),
    # Actions and escalations.
    *rows("audits:action_new", audit_of("conversation"),
          ("anonymous", LOGIN), ("team_manager", 200), ("qa_lead", 200), ("practitioner", 403),
          ("service_manager", 403), ("other_team_practitioner", 404)),
    *rows("audits:action_new", audit_of("conversation"), ("practitioner", 403), method="POST"),
    *rows("audits:action_edit", ACTION,
          ("anonymous", LOGIN), ("team_manager", 200), ("qa_lead", 200), ("practitioner", 403),
          ("other_team_practitioner", 404), ("other_organisation_admin", 404)),
    *rows("audits:action_status", ACTION,
          ("anonymous", LOGIN), ("practitioner", 302), ("service_manager", 302),
          ("other_team_practitioner", 404), ("senior_leader", 404), method="POST"),
    *rows("audits:action_status", ACTION, ("practitioner", 405)),
    *rows("audits:escalation_new", audit_of("conversation"),
          ("anonymous", LOGIN), ("team_manager", 200), ("qa_lead", 200), ("practitioner", 403),
          ("service_manager", 403), ("other_team_practitioner", 404)),
    *rows("audits:escalation", ESCALATION,
          ("anonymous", LOGIN), ("practitioner", 200), ("team_manager", 200),
          ("service_manager", 200), ("qa_lead", 200), ("other_team_practitioner", 404),
          ("senior_leader", 404), ("other_organisation_admin", 404)),
    *rows("audits:escalation", ESCALATION,
          ("practitioner", 403), ("qa_lead", 403), ("service_manager", 302),
          ("other_team_practitioner", 404), method="POST"),
    # Moderation.
    *rows("audits:moderate", audit_of("completed"),
          ("anonymous", LOGIN), ("qa_lead", 200), ("team_manager", 403), ("practitioner", 403),
          ("service_manager", 403), ("other_team_practitioner", 404)),
    *rows("audits:moderation_request", audit_of("completed"),
          ("anonymous", LOGIN), ("qa_lead", 302), ("team_manager", 403),
          ("other_team_practitioner", 404), method="POST"),
    # The programme (QA leads).
    *rows("audits:programme_list", NONE, *QA_LEAD_ONLY),
    *rows("audits:programme_new", NONE, *QA_LEAD_ONLY),
    *rows("audits:settings", NONE, *QA_LEAD_ONLY),
    *rows("audits:programme_detail", PROGRAMME, ("anonymous", LOGIN), ("qa_lead", 200),
          ("team_manager", 403), ("senior_leader", 403), ("other_organisation_admin", 403)),
    *rows("audits:programme_detail", THEIR_PROGRAMME, ("qa_lead", 404)),
    *rows("audits:programme_edit", PROGRAMME, ("anonymous", LOGIN), ("qa_lead", 200),
          ("team_manager", 403)),
    *rows("audits:programme_draw", PROGRAMME, ("anonymous", LOGIN), ("qa_lead", 302),
          ("team_manager", 403), method="POST"),
    *rows("audits:programme_draw", THEIR_PROGRAMME, ("qa_lead", 404), method="POST"),
    *rows("audits:programme_draw", PROGRAMME, ("qa_lead", 405)),
    # Tools (QA leads): another organisation's tool is 404.
    *rows("audits:tool_list", NONE, *QA_LEAD_ONLY),
    *rows("audits:tool_new", NONE, *QA_LEAD_ONLY),
    *rows("audits:tool_import", NONE, *QA_LEAD_ONLY),
    *(row for name in ("audits:tool_detail", "audits:tool_edit", "audits:tool_import_into")
      for row in [*rows(name, TOOL, ("anonymous", LOGIN), ("qa_lead", 200),
                        ("practitioner", 403), ("team_manager", 403),
                        ("other_organisation_admin", 404)),
                  *rows(name, THEIR_TOOL, ("qa_lead", 404), ("other_organisation_admin", 403))]),
    *rows("audits:tool_draft", TOOL, ("anonymous", LOGIN), ("qa_lead", 302),
          ("practitioner", 403), method="POST"),
    *rows("audits:tool_draft", THEIR_TOOL, ("qa_lead", 404), method="POST"),
    *(row for name in ("audits:tool_version", "audits:tool_version_export")
      for row in [*rows(name, PUBLISHED, ("anonymous", LOGIN), ("qa_lead", 200),
                        ("practitioner", 403), ("administrator", 403),
                        ("other_organisation_admin", 404)),
                  *rows(name, THEIR_VERSION, ("qa_lead", 404))]),
    *(row for name in ("audits:tool_version_edit", "audits:tool_version_publish",
                       "audits:tool_section_new")
      for row in rows(name, DRAFT, ("anonymous", LOGIN), ("qa_lead", 200),
                      ("practitioner", 403), ("other_organisation_admin", 404))),
    *rows("audits:tool_version_edit", PUBLISHED,
          ("qa_lead", Redirect("audits:tool_version", same_kwargs=True))),
    *rows("audits:tool_version_publish", THEIR_VERSION, ("qa_lead", 404), method="POST"),
    *(row for name in ("audits:tool_section_edit", "audits:tool_section_delete",
                       "audits:tool_item_new")
      for row in [*rows(name, DRAFT_SECTION, ("anonymous", LOGIN), ("qa_lead", 200),
                        ("practitioner", 403), ("other_organisation_admin", 404)),
                  *rows(name, THEIR_SECTION, ("qa_lead", 404))]),
    *rows("audits:tool_section_move", DRAFT_SECTION, ("anonymous", LOGIN), ("qa_lead", 302),
          ("practitioner", 403), method="POST"),
    *rows("audits:tool_section_move", THEIR_SECTION, ("qa_lead", 404), method="POST"),
    *(row for name in ("audits:tool_item_edit", "audits:tool_item_delete")
      for row in rows(name, DRAFT_ITEM, ("anonymous", LOGIN), ("qa_lead", 200),
                      ("practitioner", 403), ("other_organisation_admin", 404))),
    *rows("audits:tool_item_move", DRAFT_ITEM, ("anonymous", LOGIN), ("qa_lead", 302),
          ("practitioner", 403), method="POST"),
]
# fmt: on

# --- API ---
# Read-only API (audits/api.py), the same visibility as the pages, and the admin's two
# audit models (settings and tool names; administrators see no audits).


def _result(w: World, unit: str) -> dict[str, Any]:
    from audits.models import AuditUnitResult
    from audits.services_results import audit_results_refresh

    audit_in_state(w, "completed")
    audit_results_refresh(organisation_id=w.organisation.pk)
    unit_id = w.organisation.pk if unit == "organisation" else w.practitioner.staff_member.pk
    row = AuditUnitResult.objects.filter(unit_type=unit, unit_id=unit_id).first()
    assert row is not None
    return {"pk": row.pk}


ORG_RESULT = Kwargs("organisation_result", lambda w: _result(w, "organisation"))
OWN_RESULT = Kwargs("practitioner_result", lambda w: _result(w, "practitioner"))


def _settings(organisation: Any) -> Any:
    from audits.selectors import audit_settings_for

    return audit_settings_for(organisation_id=organisation.pk)


def _admin_rows() -> list[Row]:
    from tests.permission_matrix.vocabulary import ADMIN_INDEX, ADMIN_LOGIN, ADMIN_REFUSED

    objects = {
        "auditsettings": (lambda w: _settings(w.organisation),
                          lambda w: _settings(w.other_organisation)),
        "audittool": (lambda w: tool_default_load(organisation=w.organisation),
                      lambda w: tool_default_load(organisation=w.other_organisation)),
    }  # fmt: skip
    found: list[Row] = []
    for model, (ours, theirs) in objects.items():
        prefix = f"admin:audits_{model}"
        ours_kwargs = Kwargs("ours", lambda w, get=ours: {"object_id": get(w).pk})
        theirs_kwargs = Kwargs("theirs", lambda w, get=theirs: {"object_id": get(w).pk})
        found += rows(f"{prefix}_changelist", NONE, ("anonymous", ADMIN_LOGIN),
                      ("practitioner", ADMIN_REFUSED), ("qa_lead", ADMIN_REFUSED),
                      ("administrator", 200))  # fmt: skip
        found += rows(f"{prefix}_add", NONE, ("practitioner", ADMIN_REFUSED),
                      ("administrator", 403))  # fmt: skip
        for view in ("change", "history"):
            found += rows(f"{prefix}_{view}", ours_kwargs, ("anonymous", ADMIN_LOGIN),
                          ("practitioner", ADMIN_REFUSED), ("administrator", 200),
                          ("other_organisation_admin", ADMIN_INDEX))  # fmt: skip
            found += rows(f"{prefix}_{view}", theirs_kwargs, ("administrator", ADMIN_INDEX))
        found += rows(f"{prefix}_delete", ours_kwargs, ("practitioner", ADMIN_REFUSED),
                      ("administrator", 403), ("other_organisation_admin", 403))  # fmt: skip
    found += rows("admin:app_list", Kwargs("audits", lambda w: {"app_label": "audits"}),
                  ("anonymous", ADMIN_LOGIN), ("practitioner", ADMIN_REFUSED),
                  ("administrator", 200))  # fmt: skip
    return found


# fmt: off
AUDIT_PAGES += [
    *(row for name in ("audit-tool-list", "audit-tool-version-list", "audit-list",
                       "audit-action-list", "audit-result-list")
      for row in rows(f"api:{name}", NONE, ("anonymous", 403), ("practitioner", 200),
                      ("qa_lead", 200), ("senior_leader", 200),
                      ("other_organisation_admin", 200))),
    *rows("api:audit-list", NONE, ("anonymous", 403), ("practitioner", 405), method="POST"),
    *rows("api:audit-tool-detail", TOOL, ("anonymous", 403), ("practitioner", 200),
          ("qa_lead", 200), ("other_organisation_admin", 404)),
    *rows("api:audit-tool-detail", THEIR_TOOL, ("qa_lead", 404)),
    *(row for name in ("audit-tool-version-detail", "audit-tool-version-export")
      for row in [*rows(f"api:{name}", PUBLISHED, ("anonymous", 403), ("practitioner", 200),
                        ("qa_lead", 200), ("other_organisation_admin", 404)),
                  *rows(f"api:{name}", THEIR_VERSION, ("qa_lead", 404))]),
    # An audit: a practitioner of another team gets 404, like everyone outside it.
    *rows("api:audit-detail", audit_of("planned"),
          ("anonymous", 403), ("practitioner", 200), ("team_manager", 200),
          ("service_manager", 200), ("qa_lead", 200), *OUTSIDERS),
    *rows("api:audit-detail", THEIR_AUDIT, ("qa_lead", 404), ("other_organisation_admin", 200)),
    *rows("api:audit-detail", audit_of("planned"), ("qa_lead", 405), method="DELETE"),
    *rows("api:audit-action-detail", ACTION,
          ("anonymous", 403), ("practitioner", 200), ("team_manager", 200), ("qa_lead", 200),
          ("other_team_practitioner", 404), ("senior_leader", 404),
          ("other_organisation_admin", 404)),
    *rows("api:audit-result-detail", ORG_RESULT,
          ("anonymous", 403), ("senior_leader", 200), ("qa_lead", 200), ("team_manager", 404),
          ("practitioner", 404), ("other_organisation_admin", 404)),
    *rows("api:audit-result-detail", OWN_RESULT,
          ("practitioner", 200), ("team_manager", 200), ("other_team_practitioner", 404)),
    *_admin_rows(),
]
# fmt: on

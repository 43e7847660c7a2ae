"""Who sees which audit: the selector, and the API through it (404 outside)."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import AuditState
from audits.selectors import (
    audit_get_for_user,
    audit_list_for_user,
    audit_list_mine,
    audit_list_team,
    audit_list_to_conduct,
    audit_permissions,
)
from audits.selectors_work import action_list_for_user, programme_list_for_user
from organisation.models import AccessLogEntry
from tests.audits.factories import audit_in_state, case, new_audit


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("practitioner", True),
        ("team_manager", True),
        ("service_manager", True),
        ("qa_lead", True),
        ("other_team_practitioner", False),
        ("far_team_practitioner", False),
        ("senior_leader", False),
        ("data_officer", False),
        ("administrator", False),
        ("other_organisation_admin", False),
        ("other_organisation_practitioner", False),
    ],
)
def test_audit_visibility(world, persona, sees):
    audit = new_audit(world)

    assert list(audit_list_for_user(user=getattr(world, persona))) == ([audit] if sees else [])


def test_outside_visibility_an_audit_is_404(world):
    from django.http import Http404

    audit = new_audit(world)

    with pytest.raises(Http404):
        audit_get_for_user(user=world.other_team_practitioner, pk=audit.pk)
    assert audit_get_for_user(user=world.practitioner, pk=audit.pk) == audit


def test_the_worker_a_case_moved_to_sees_its_audit(world):
    from datetime import date

    from coredata.models import Allocation

    child = case(worker=world.practitioner, team=world.team, end=date(2099, 1, 1))
    audit = new_audit(world, child=child)
    allocation = Allocation.objects.get(child=child)
    allocation.end_date = date(2024, 12, 31)
    allocation.save()
    Allocation.objects.create(
        organisation=world.organisation,
        run=allocation.run,
        child=child,
        worker=world.other_team_practitioner.staff_member,
        team=world.other_team,
        start_date=date(2025, 1, 1),
    )

    assert list(audit_list_for_user(user=world.other_team_practitioner)) == [audit]


def test_lists_by_role(world):
    audit = new_audit(world)

    assert list(audit_list_mine(user=world.practitioner)) == [audit]
    assert list(audit_list_mine(user=world.team_manager)) == []
    assert list(audit_list_to_conduct(user=world.team_manager)) == [audit]
    assert list(audit_list_team(user=world.service_manager)) == [audit]
    assert list(audit_list_team(user=world.practitioner)) == []


def test_programmes_are_for_qa_leads_only(world):
    from audits.models import AuditProgramme
    from tests.audits.factories import default_tool

    AuditProgramme.objects.create(
        organisation=world.organisation, name="P", tool=default_tool(world.organisation)
    )

    assert programme_list_for_user(user=world.qa_lead).count() == 1
    assert programme_list_for_user(user=world.team_manager).count() == 0


def test_the_owner_of_an_action_sees_it_even_outside_the_team(world):
    from audits.services_actions import action_create
    from tests.audits.factories import days

    audit = audit_in_state(world, AuditState.CONVERSATION)
    action = action_create(
        audit=audit,
        by=world.team_manager,
        description="x",
        owner=world.far_team_practitioner.staff_member,
        due_date=days(3),
    )

    assert list(action_list_for_user(user=world.far_team_practitioner)) == [action]
    assert list(action_list_for_user(user=world.other_team_practitioner)) == []


def test_permissions_follow_the_policy(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    practitioner = audit_permissions(user=world.practitioner, audit=audit)
    manager = audit_permissions(user=world.team_manager, audit=audit)

    assert practitioner.can_edit_practitioner
    assert practitioner.can_submit_reflection
    assert not practitioner.can_complete
    assert not practitioner.can_escalate
    assert manager.can_skip_reflection
    assert manager.can_escalate
    assert not manager.can_edit_auditor  # not before the conversation


def _api(user, name, **kwargs):
    client = Client()
    client.force_login(user)
    return client.get(reverse(f"api:{name}", kwargs=kwargs or None))


def test_api_another_teams_practitioner_gets_404(world):
    audit = new_audit(world)

    assert _api(world.other_team_practitioner, "audit-detail", pk=audit.pk).status_code == 404
    response = _api(world.practitioner, "audit-detail", pk=audit.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "planned"
    assert body["child_pseudonym"] == audit.child.pseudonym
    assert "child_id" not in body


def test_api_lists_only_visible_audits_and_logs_the_access(world):
    audit = new_audit(world)
    new_audit(world, child=case(worker=world.far_team_practitioner, team=world.far_team))

    response = _api(world.team_manager, "audit-list")

    assert [row["id"] for row in response.json()["results"]] == [audit.pk]
    entry = AccessLogEntry.objects.get(user=world.team_manager)
    assert (entry.object_type, entry.object_id, entry.route) == (
        "audits.audit",
        str(audit.pk),
        "api:audit-list",
    )
    assert _api(world.other_team_practitioner, "audit-list").json()["results"] == []


def test_api_list_queries_do_not_grow_with_audits(world, django_assert_max_num_queries):
    new_audit(world)
    client = Client()
    client.force_login(world.qa_lead)
    url = reverse("api:audit-list")
    with django_assert_max_num_queries(30) as first:
        client.get(url)
    for _ in range(4):
        new_audit(world, child=case(worker=world.practitioner, team=world.team))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(client.get(url).json()["results"]) == 5


def test_api_tool_version_export_is_the_tool_file(world):
    from tests.audits.factories import current_version

    version = current_version(world.organisation)

    body = _api(world.practitioner, "audit-tool-version-export", pk=version.pk).json()

    assert body["format"] == "sightline-audit-tool"
    assert [s["code"] for s in body["sections"]] == list("ABCDEFGHIJK")


def test_api_results_filtered_by_unit(world):
    from audits.services_results import audit_results_refresh

    audit_in_state(world, AuditState.COMPLETED)
    audit_results_refresh(organisation_id=world.organisation.pk)
    client = Client()
    client.force_login(world.team_manager)

    rows = client.get(
        reverse("api:audit-result-list"),
        {
            "unit_type": "team",
            "unit_id": world.team.pk,
            "period_type": "month",
            "measure": "completed",
        },
    ).json()["results"]
    everything = client.get(reverse("api:audit-result-list"), {"unit_type": "organisation"})

    assert [(r["unit_type"], r["measure"], r["value"]) for r in rows] == [
        ("team", "completed", 1.0)
    ]
    assert everything.json()["results"] == []

"""The case card: who may open it, what it shows, and that it never shows a survey answer."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coredata.models import Child, ImportRun, Visit
from organisation.models import AccessLogEntry
from qa_system.selectors_case import case_card_for
from tests.conftest import World
from tests.qa_system.builders import (
    action_on,
    audit_of,
    child_allocated_to,
    escalation_on,
    invitation_for,
    response_to,
    safety_alert_from,
)

SECRET_FREE_TEXT = "my uncle shouts at night"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(child: Child) -> str:
    return reverse("qa:case_card", args=[child.pk])


@pytest.fixture
def child(world: World) -> Child:
    return child_allocated_to(world.practitioner, world.team)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("practitioner", 200),
        ("team_manager", 200),
        ("service_manager", 200),
        ("other_team_practitioner", 404),
        ("far_team_practitioner", 404),
        ("senior_leader", 404),  # aggregates only (DESIGN.md)
        ("qa_lead", 404),  # QA leads see audited cases; this one is not audited
        ("data_officer", 404),
        ("administrator", 404),
        ("other_organisation_admin", 404),
        ("other_organisation_practitioner", 404),
    ],
)
def test_who_may_open_a_childs_case_card(
    world: World, child: Child, persona: str, status: int
) -> None:
    assert _client(getattr(world, persona)).get(_url(child)).status_code == status


def test_another_teams_practitioner_gets_404_for_their_child(world: World) -> None:
    theirs = child_allocated_to(world.other_team_practitioner, world.other_team)

    assert _client(world.practitioner).get(_url(theirs)).status_code == 404
    assert _client(world.other_team_practitioner).get(_url(theirs)).status_code == 200


def test_a_qa_lead_opens_the_card_of_an_audited_case(world: World, child: Child) -> None:
    audit_of(child, practitioner=world.practitioner, auditor=world.team_manager, team=world.team)

    assert _client(world.qa_lead).get(_url(child)).status_code == 200


def test_a_past_allocation_gives_no_access(world: World) -> None:
    closed = child_allocated_to(
        world.practitioner, world.team, since=date(2023, 1, 1), end=date(2023, 12, 31)
    )

    assert _client(world.practitioner).get(_url(closed)).status_code == 404


def test_opening_a_case_card_writes_the_access_log(world: World, child: Child) -> None:
    _client(world.team_manager).get(_url(child))

    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.object_type, entry.object_id, entry.route, entry.action) == (
        world.team_manager,
        "coredata.child",
        str(child.pk),
        "qa:case_card",
        "view",
    )


def test_the_card_shows_journey_audits_invitations_actions_and_alerts(
    world: World, child: Child
) -> None:
    audit = audit_of(
        child,
        practitioner=world.practitioner,
        auditor=world.team_manager,
        team=world.team,
        completed_at=timezone.now(),
    )
    action_on(audit, owner=world.practitioner, due=timezone.localdate() - timedelta(days=2))
    escalation_on(audit, by=world.team_manager)
    invitation_for(child, worker=world.practitioner, team=world.team)

    content = _client(world.team_manager).get(_url(child)).content.decode()

    assert f"Child {child.child_id}" in content
    assert "Referral (source 1A)" in content
    assert "Child seen alone" in content
    assert "Completed" in content
    assert "Good" in content
    assert "Update the safety plan with the network" in content
    assert "Action overdue" in content
    assert "Safeguarding escalation" in content
    assert "not yet acknowledged" in content
    assert "Family survey after a plan ends" in content
    assert "Not yet" in content


def test_the_card_never_shows_a_survey_answer(world: World, child: Child) -> None:
    invitation = invitation_for(child, worker=world.practitioner, team=world.team)
    response = response_to(
        invitation,
        {
            "explained_worries": 1,
            "worries": SECRET_FREE_TEXT,
            "children_safe_now": 2,
            "safe_home": 1,
        },
    )
    safety_alert_from(response)

    for persona in ("practitioner", "team_manager", "service_manager"):
        page = _client(getattr(world, persona)).get(_url(child))
        content = page.content.decode()

        assert "Yes" in content  # answered
        assert "Child safety alert" in content
        assert SECRET_FREE_TEXT not in content
        assert "explained_worries" not in content
        assert "safe_home" not in content
        assert "home" not in content.split("Child safety alert", 1)[1].split("</li>", 1)[0]
        card = page.context["card"]
        assert not hasattr(card.invitations[0], "answers")
        assert not hasattr(card.safety_alerts[0], "places")


def test_the_cards_queries_do_not_grow_with_the_childs_history(world: World) -> None:
    short = child_allocated_to(world.practitioner, world.team)
    long = child_allocated_to(world.practitioner, world.team)
    run = ImportRun.objects.create(organisation=world.organisation, status="succeeded")
    Visit.objects.bulk_create(
        [
            Visit(
                organisation=world.organisation,
                run=run,
                child=long,
                visit_date=date(2024, 2, 1) + timedelta(days=7 * i),
                seen=True,
                seen_alone=False,
            )
            for i in range(40)
        ]
    )

    case_card_for(user=world.practitioner, child=short)  # the user's scope is cached

    def queries(child: Child) -> int:
        with CaptureQueriesContext(connection) as captured:
            case_card_for(user=world.practitioner, child=child)
        return len(captured)

    assert queries(long) == queries(short)
    assert case_card_for(user=world.practitioner, child=long).visit_count == 41

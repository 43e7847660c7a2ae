"""The weekly digest to managers: what it says, to whom, and only once a week."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from organisation.models import Notification
from qa_system.services_digest import digest_for, digests_send, moved, week_key
from qa_system.services_flags import flag_rules_load_defaults, flags_refresh
from qa_system.tasks import notify_weekly_digest
from tests.conftest import World
from tests.coredata.indicator_results import refresh, store
from tests.qa_system.builders import (
    action_on,
    audit_of,
    audit_result,
    child_allocated_to,
    escalation_on,
    invitation_for,
    response_to,
    safety_alert_from,
    survey_result,
)

MAY = (date(2025, 5, 1), date(2025, 5, 31))
JUNE = (date(2025, 6, 1), date(2025, 6, 30))
Q1 = ("quarter", date(2025, 4, 1), date(2025, 6, 30))


@pytest.fixture
def week(world: World) -> World:
    """A week in North One: an audit completed, an overdue action, an escalation and a
    child safety alert not acknowledged, a flag raised, and core data that moved."""
    organisation = world.organisation
    run = refresh(organisation)
    store(
        run,
        "organisation",
        "901",
        [
            ("A1", "", MAY, None, None, 100),
            ("A1", "", JUNE, None, None, 130),
            ("O1", "", MAY, 20, 100, 20.0),
            ("O1", "", JUNE, 26, 118, 22.0),
        ],
    )
    store(
        run,
        "team",
        "N1",
        [("P4", "tier=CP", MAY, 8, 10, 80.0), ("P4", "tier=CP", JUNE, 6, 10, 60.0)],
    )
    child = child_allocated_to(world.practitioner, world.team)
    audit = audit_of(
        child,
        practitioner=world.practitioner,
        auditor=world.team_manager,
        team=world.team,
        completed_at=timezone.now() - timedelta(days=2),
    )
    action_on(audit, owner=world.practitioner, due=timezone.localdate() - timedelta(days=3))
    action_on(audit, owner=world.practitioner, due=timezone.localdate() + timedelta(days=3))
    escalation_on(audit, by=world.team_manager)
    invitation = invitation_for(child, worker=world.practitioner, team=world.team)
    safety_alert_from(response_to(invitation, {"safe_home": 1}))
    far_child = child_allocated_to(world.far_team_practitioner, world.far_team)
    audit_of(
        far_child,
        practitioner=world.far_team_practitioner,
        auditor=world.qa_lead,
        team=world.far_team,
        completed_at=timezone.now() - timedelta(days=1),
    )
    flag_rules_load_defaults(organisation=organisation)
    survey_result(organisation, ("team", world.team.pk), Q1, "rate:family", 2, 40)
    audit_result(organisation, ("team", world.team.pk), Q1, "completed", "", 1, None)
    flags_refresh(organisation_id=organisation.pk)
    return world


def test_a_team_managers_digest_covers_their_team(week: World) -> None:
    digest = digest_for(
        user=week.team_manager, organisation=week.organisation, today=timezone.localdate()
    )

    assert (digest.audits_completed, digest.actions_overdue) == (1, 1)
    assert (digest.escalations_unacknowledged, digest.safety_alerts_unacknowledged) == (1, 1)
    assert digest.flags_raised == 1
    assert digest.flags[0].startswith("In Q1 2025-26, the family survey response rate in North One")
    assert digest.months == ("May 2025", "Jun 2025")
    assert [(m.unit, m.label, m.before, m.after, m.direction) for m in digest.moved] == [
        (
            "North One",
            "Children seen in accordance with plan: Child protection",
            "80.0%",
            "60.0%",
            "down",
        ),
    ]


def test_a_senior_leaders_digest_covers_the_organisation(week: World) -> None:
    digest = digest_for(
        user=week.senior_leader, organisation=week.organisation, today=timezone.localdate()
    )

    assert digest.audits_completed == 2
    assert [(m.unit, m.label, m.direction) for m in digest.moved] == [
        ("Testshire", "Referrals", "up")
    ]


def test_each_manager_gets_one_digest_a_week(
    week: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_weekly_digest.delay().get()

    digests = Notification.objects.filter(kind="weekly_digest")
    assert sent == 4
    assert {n.recipient for n in digests} == {
        week.team_manager,
        week.service_manager,
        week.qa_lead,
        week.senior_leader,
    }
    assert {n.dedupe_key for n in digests} == {f"weekly-digest:{week_key(timezone.localdate())}"}
    manager = digests.get(recipient=week.team_manager)
    assert manager.subject == "Your weekly QA digest: 4 things to look at"
    assert "Audits completed: 1" in manager.body
    assert "Actions overdue now: 1" in manager.body
    assert "Alerts not yet acknowledged: 2" in manager.body
    assert "Flags raised where the measures disagree: 1" in manager.body
    assert (
        "North One: Children seen in accordance with plan: Child protection, down from 80.0% "
        "to 60.0%" in manager.body
    )
    assert len(mail.outbox) == 4
    assert mail.outbox[0].subject.startswith("Sightline: Your weekly QA digest")


def test_running_the_digest_again_in_the_same_week_sends_nothing(week: World) -> None:
    today = timezone.localdate()
    first = digests_send(today=today)

    again = digests_send(today=today)

    assert (first, again) == (4, 0)
    assert Notification.objects.filter(kind="weekly_digest").count() == 4


def test_next_week_brings_a_new_digest(week: World) -> None:
    today = timezone.localdate()
    digests_send(today=today)

    assert digests_send(today=today + timedelta(days=7)) == 4


def test_practitioners_and_data_officers_get_no_digest(week: World) -> None:
    digests_send(today=timezone.localdate())

    recipients = set(
        Notification.objects.filter(kind="weekly_digest").values_list("recipient", flat=True)
    )
    assert week.practitioner.pk not in recipients
    assert week.data_officer.pk not in recipients


@pytest.mark.parametrize(
    ("kind", "before", "after", "expected"),
    [
        ("pct", 20.0, 24.9, False),
        ("pct", 20.0, 25.0, True),
        ("pct", 30.0, 20.0, True),
        ("count", 100, 109, False),
        ("count", 100, 110, True),
        ("ratio", 18.0, 15.0, True),
        ("count", 0, 0, False),
        ("count", 0, 3, True),
        ("pct", None, 50.0, False),
    ],
)
def test_what_counts_as_moved(
    kind: str, before: float | None, after: float, expected: bool
) -> None:
    assert moved(kind, before, after) is expected

"""Ten submissions of the same response at the same moment store one response.

Runs on whatever database the suite runs on: SQLite locally (writers serialised by
BEGIN IMMEDIATE) and PostgreSQL in CI (row locks and the conditional UPDATE); each
thread has its own database connection, as concurrent web requests do.
"""

import threading

import pytest
from django.db import connection, connections

from surveys.errors import SurveyLinkUnavailable
from surveys.models import SafetyAlert, StaffSurveyResponse, SurveyInvitation, SurveyResponse
from surveys.services_invitations import survey_staff_link_issue
from surveys.services_responses import survey_response_submit
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import allocated_child, family_invitation, open_campaign

THREADS = 10


def _fire(invitation_id: int, hashed: str, answers: dict[str, object]) -> list[str]:
    """Submit from THREADS threads released together; each thread's outcome."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            survey_response_submit(invitation_id=invitation_id, token_hash=hashed, answers=answers)
            outcome = "stored"
        except SurveyLinkUnavailable:
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            outcome = f"error: {type(error).__name__}: {error}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_submissions_of_one_family_response_store_one(world: World) -> None:
    campaign = open_campaign(world.organisation, "child_8_12")
    the_child = allocated_child(world)
    invitation, token = family_invitation(world, campaign, the_child=the_child)
    # An unsafe answer too: the alert must be raised once, not ten times.
    answers = {"safe_home": 1, "asks_me": 4}

    outcomes = _fire(invitation.pk, token_hash(token), answers)

    assert outcomes == ["refused"] * (THREADS - 1) + ["stored"], connection.vendor
    assert SurveyResponse.objects.filter(invitation=invitation).count() == 1
    assert SafetyAlert.objects.filter(response__invitation=invitation).count() == 1
    assert SurveyInvitation.objects.get(pk=invitation.pk).used_at is not None


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_submissions_of_one_staff_response_store_one(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff")
    token = survey_staff_link_issue(campaign=campaign, user=world.practitioner)
    invitation = SurveyInvitation.objects.get(
        campaign=campaign, staff=world.practitioner.staff_member
    )

    outcomes = _fire(invitation.pk, token_hash(token), {"caseload_manageable": 2})

    assert outcomes == ["refused"] * (THREADS - 1) + ["stored"], connection.vendor
    assert StaffSurveyResponse.objects.filter(campaign=campaign).count() == 1

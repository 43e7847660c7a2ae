"""Downloads with the stored suppression, and the home page lists."""

import csv
import io

import pytest
from django.http import Http404
from openpyxl import load_workbook

from organisation.models import Role
from organisation.selectors import user_scope
from surveys.home import survey_waiting_lists
from surveys.services_exports import survey_results_csv, survey_results_xlsx
from surveys.services_responses import survey_response_submit
from surveys.services_results import survey_results_refresh
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import allocated_child, family_invitation, open_campaign


def _answer(world: World, count: int) -> None:
    campaign = open_campaign(world.organisation)
    for _ in range(count):
        invitation, token = family_invitation(world, campaign)
        survey_response_submit(
            invitation_id=invitation.pk,
            token_hash=token_hash(token),
            answers={"overall_satisfied": 5},
        )
    survey_results_refresh(organisation_id=world.organisation.pk)


def test_csv_and_xlsx_carry_the_same_rows_with_suppression(world: World) -> None:
    _answer(world, 4)

    text = survey_results_csv(user=world.team_manager, unit_type="team", unit_id=world.team.pk)
    workbook = load_workbook(io.BytesIO(survey_results_xlsx(
        user=world.team_manager, unit_type="team", unit_id=world.team.pk
    )))  # fmt: skip

    rows = list(csv.DictReader(io.StringIO(text)))
    sheet = list(workbook["results"].iter_rows(values_only=True))
    assert len(rows) == len(sheet) - 1 > 0
    satisfaction = [r for r in rows if r["measure"] == "parent_satisfaction"]
    assert {r["suppressed"] for r in satisfaction} == {"yes"}
    assert {(r["respondents"], r["value"]) for r in satisfaction} == {("", "")}
    assert satisfaction[0]["measure_name"] == "Parents' overall satisfaction"
    assert satisfaction[0]["unit_name"] == "North One"


def test_exports_follow_visibility(world: World) -> None:
    _answer(world, 5)

    with pytest.raises(Http404):
        survey_results_csv(user=world.practitioner, unit_type="team", unit_id=world.team.pk)
    own = world.practitioner.staff_member.pk
    text = survey_results_csv(user=world.practitioner, unit_type="practitioner", unit_id=own)
    rows = list(csv.DictReader(io.StringIO(text)))
    year = next(
        r for r in rows if r["measure"] == "parent_satisfaction" and r["period_type"] == "year"
    )
    assert (year["respondents"], year["value"], year["suppressed"]) == ("5", "100.0", "no")


def test_home_lists_alerts_invitations_and_campaigns(world: World) -> None:
    campaign = open_campaign(world.organisation, "child_8_12")
    invitation, token = family_invitation(world, campaign, the_child=allocated_child(world))
    survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers={"safe_home": 1}
    )
    waiting, _ = family_invitation(world, campaign)

    def lists(user: object) -> dict:
        return survey_waiting_lists(user=user, scope=user_scope(user=user))

    manager = lists(world.team_manager)[Role.TEAM_MANAGER][0]
    practitioner = lists(world.practitioner)[Role.PRACTITIONER][0]
    qa = lists(world.qa_lead)[Role.QA_LEAD][0]
    assert [item.url for item in manager.items] == [
        f"/surveys/alerts/{invitation.response.safety_alert.pk}/"
    ]
    assert invitation.child.child_id in manager.items[0].text
    assert [item.url for item in practitioner.items] == [f"/surveys/invitations/{waiting.pk}/"]
    assert "1 of 2 answered (50%)" in qa.items[0].text
    assert lists(world.service_manager)[Role.SERVICE_MANAGER][0].items == []

"""The survey results pages and downloads: figures only from enough responses, trends as
a table and a chart, free text in three columns, the same suppression in the files."""

import csv
import io
import json
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.services_responses import survey_response_submit
from surveys.services_results import survey_results_refresh
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import family_invitation, open_campaign

HAPPY = {"overall_satisfied": 5, "understand_next_steps": 4, "explained_worries": 2}
COMMENTS = {"worries": "Money", "needs_to_happen": "More visits"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _responses(
    world: World, count: int, *, share: bool = True, months_ago: tuple[int, ...] = (0,)
) -> None:
    today = timezone.localdate()
    campaign = open_campaign(world.organisation, opens_on=today - timedelta(days=95))
    for months in months_ago:
        now = timezone.now() - timedelta(days=31 * months)
        _submit(world, campaign, count, share=share, now=now)
    survey_results_refresh(organisation_id=world.organisation.pk)


def _submit(world: World, campaign: Any, count: int, *, share: bool, now: Any) -> None:
    for number in range(count):
        invitation, token = family_invitation(world, campaign)
        survey_response_submit(
            invitation_id=invitation.pk,
            token_hash=token_hash(token),
            answers={**HAPPY, **COMMENTS, "working_well": f"Comment {number}"},
            share_comments=share,
            now=now,
        )


def _team_page(world: World, user: Any = None) -> str:
    url = reverse("surveys:results_unit", args=["team", world.team.pk])
    return _client(user or world.team_manager).get(url).content.decode()


def test_a_team_with_enough_responses_shows_the_indicators_and_each_question(
    world: World,
) -> None:
    _responses(world, 6)

    page = _team_page(world)

    assert "Parents and carers" in page
    assert "Parents&#x27; overall satisfaction" in page
    assert "100%" in page
    assert "6 of 6 answers" in page
    assert "My worker explained clearly what children&#x27;s services are worried about." in page
    assert "0%" in page
    assert "Fewer than 5 responses</span>" not in page


def test_fewer_than_five_responses_show_no_numbers(world: World) -> None:
    _responses(world, 3)

    page = _team_page(world)

    assert "Fewer than 5 responses" in page
    assert "100%" not in page
    assert "3 of 3" not in page
    assert "Comment 0" not in page


def test_free_text_is_laid_out_in_three_columns_from_those_who_shared_it(world: World) -> None:
    _responses(world, 6)

    page = _team_page(world)

    assert "What&#x27;s working well" in page
    assert "What are we worried about" in page
    assert "What needs to happen" in page
    assert page.count("govuk-grid-column-one-third") == 3
    assert all(f"Comment {n}" in page for n in range(6))


def test_free_text_not_shared_is_not_shown(world: World) -> None:
    _responses(world, 6, share=False)

    page = _team_page(world)

    assert "Comment 0" not in page
    assert "100%" in page


def test_the_trend_is_a_table_beside_a_chart_of_the_same_numbers(world: World) -> None:
    _responses(world, 6, months_ago=(2, 0))

    page = _client(world.team_manager).get(
        reverse("surveys:results_unit", args=["team", world.team.pk]), {"period_type": "month"}
    )

    group = page.context["page"].groups[0]
    assert group.chart["kind"] == "pct"
    assert group.chart["datasets"][0]["label"] == "Parents' overall satisfaction"
    data = group.chart["datasets"][0]["data"]
    assert len(data) >= 3
    assert data[0] == data[-1] == 100.0
    assert set(data[1:-1]) == {None}
    texts = [figures[0].text for _, figures in group.trend_rows]
    assert texts == ["100%", *(["No data"] * (len(data) - 2)), "100%"]
    content = page.content.decode()
    assert 'id="survey-chart-parents" type="application/json"' in content
    assert 'data-chart-source="survey-chart-parents"' in content


def test_a_practitioner_sees_their_own_results_but_not_their_teams(world: World) -> None:
    _responses(world, 6)
    client = _client(world.practitioner)
    own = reverse("surveys:results_unit", args=["practitioner", world.practitioner.staff_member.pk])

    assert client.get(own).status_code == 200
    assert "100%" in client.get(own).content.decode()
    assert client.get(
        reverse("surveys:results_unit", args=["team", world.team.pk])
    ).status_code == (404)


def test_the_results_page_lists_the_units_one_level_down(world: World) -> None:
    _responses(world, 6)

    page = _team_page(world)

    practitioner_url = reverse(
        "surveys:results_unit", args=["practitioner", world.practitioner.staff_member.pk]
    )
    assert practitioner_url in page
    assert reverse("surveys:results_unit", args=["service", world.service.pk]) not in page


def test_the_download_has_the_same_suppression(world: World) -> None:
    _responses(world, 3)
    url = reverse("surveys:results_download", args=["team", world.team.pk, "csv"])

    response = _client(world.team_manager).get(url, {"period_type": "quarter"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    satisfaction = [row for row in table if row["measure"] == "parent_satisfaction"]
    assert len(satisfaction) == 1
    assert satisfaction[0]["suppressed"] == "yes"
    assert satisfaction[0]["value"] == ""
    assert satisfaction[0]["respondents"] == ""


def test_the_xlsx_download_is_a_workbook(world: World) -> None:
    _responses(world, 6)
    url = reverse("surveys:results_download", args=["team", world.team.pk, "xlsx"])

    response = _client(world.team_manager).get(url)

    assert response.content[:2] == b"PK"
    assert "survey-results-team-" in response["Content-Disposition"]


def test_a_unit_without_results_says_so(world: World) -> None:
    page = _team_page(world)

    assert "There are no survey results for North One yet." in page


def test_an_unknown_period_falls_back_to_the_latest(world: World) -> None:
    _responses(world, 6)

    response = _client(world.team_manager).get(
        reverse("surveys:results_unit", args=["team", world.team.pk]), {"period": "1999-01-01"}
    )

    assert "There are no results for the period asked for" in response.content.decode()
    assert response.context["page"].period_start is not None
    assert json.dumps(response.context["page"].groups[0].chart)

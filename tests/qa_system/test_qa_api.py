"""The API's view of a unit (`/api/v1/qa/<kind>/<pk>/`): the pages' figures and rules,
figures only (no themes or comments). Who gets what status is in the matrix."""

import json
from datetime import UTC, datetime
from typing import Any

from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from organisation.models import AccessLogEntry
from qa_system.api_qa_serializers import QaPageSerializer, qa_page_json
from qa_system.selectors_qa import qa_page_for
from qa_system.selectors_qa_units import qa_place_for_user
from tests.conftest import World
from tests.coredata.indicator_results import client_for
from tests.qa_system.qa_pages_results import Q1_KEY, completed_audit, flag_on, seed_world


def api(kind: str, pk: int) -> str:
    return reverse("api:qa-unit", kwargs={"kind": kind, "pk": pk})


def rows_of(panel: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for group in panel["groups"] for row in group["rows"]]


def test_a_teams_view_joins_audits_surveys_and_core_data(world: World) -> None:
    seed_world(world)

    data = client_for(world.team_manager).get(api("teams", world.team.pk)).json()

    assert data["unit"] == {"unit_type": "team", "id": world.team.pk, "code": "N1",
                            "name": "North One"}  # fmt: skip
    assert data["parent"]["name"] == "North"
    assert data["period"]["key"] == Q1_KEY
    good = data["audits"]["headline"][1]
    assert (good["label"], good["value"]["value"], good["value"]["text"]) == (
        "Graded good or outstanding", 70.0, "70.0%",
    )  # fmt: skip
    assert good["parent"]["text"] == "60.0%"
    understand = next(r for r in rows_of(data["surveys"]) if r["measure"] == "parent_understand")
    assert (understand["value"]["value"], understand["respondents"]) == (80.0, 10)
    seen = next(r for r in rows_of(data["core_data"]) if r["headline"]["indicator"] == "P4")
    assert (seen["value"]["value"], seen["change"], seen["parent"]["value"]) == (
        80.0, "Up from 70.0%", 78.0,
    )  # fmt: skip
    assert [row["label"] for row in data["timeline"]["rows"]] == [
        "Graded good or outstanding", "Parents who understand what needs to happen",
        "Children on a child protection plan seen as the plan says",
        "Re-referrals within 12 months",
    ]  # fmt: skip
    assert data["timeline"]["periods"][-1]["key"] == Q1_KEY
    assert len(data["comparison"]["rows"]) == 2  # the team's two people
    assert data["flags"] == []


def test_a_suppressed_survey_result_has_no_value_in_the_api(world: World) -> None:
    seed_world(world)

    data = client_for(world.service_manager).get(api("teams", world.other_team.pk)).json()

    understand = next(r for r in rows_of(data["surveys"]) if r["measure"] == "parent_understand")
    assert understand["value"] == {
        "kind": "pct", "value": None, "numerator": None, "denominator": None,
        "suppressed": True, "text": "Too few responses",
    }  # fmt: skip
    families = next(r for r in data["timeline"]["rows"] if r["element"] == "Families")
    assert families["values"][-1]["value"] is None


def test_the_service_view_compares_teams_sorted_as_asked(world: World) -> None:
    seed_world(world)

    data = (
        client_for(world.service_manager)
        .get(api("services", world.service.pk), {"sort": "-audits_good"})
        .json()
    )

    assert [row["unit"]["name"] for row in data["comparison"]["rows"]] == [
        "North One", "North Two",
    ]  # fmt: skip
    assert data["comparison"]["columns"][0] == {
        "key": "audits_good", "element": "Audits", "label": "Graded good or outstanding",
    }  # fmt: skip


def test_the_api_gives_figures_only_and_logs_nothing(world: World) -> None:
    seed_world(world)
    completed_audit(
        world,
        completed_at=datetime(2025, 5, 14, 10, tzinfo=UTC),
        working_well="Mum keeps the safety plan on the fridge",
    )

    response = client_for(world.team_manager).get(api("teams", world.team.pk))

    assert "Mum keeps the safety plan" not in response.content.decode()
    assert "themes" not in response.json()["audits"]
    assert not AccessLogEntry.objects.exists()


def test_the_organisation_view_needs_the_users_own_organisation(world: World) -> None:
    seed_world(world)

    own = client_for(world.senior_leader).get(api("organisation", world.organisation.pk))
    theirs = client_for(world.senior_leader).get(api("organisation", world.other_organisation.pk))

    assert own.status_code == 200
    assert own.json()["unit"]["name"] == "Testshire"
    assert [s["name"] for s in own.json()["children"]] == ["North", "South"]
    assert theirs.status_code == 404


def test_the_period_parameter_picks_the_period(world: World) -> None:
    seed_world(world)

    data = (
        client_for(world.practitioner)
        .get(api("practitioners", world.practitioner.staff_member.pk), {"period": "12m-2025-06"})
        .json()
    )

    assert data["period"]["kind"] == "rolling_12m"
    assert (data["audits"]["supported"], data["surveys"]["supported"]) == (False, False)
    assert data["comparison"] is None


def test_the_api_writes_what_its_documented_serializer_describes(world: World) -> None:
    seed_world(world)
    flag_on(world.organisation, "service", world.service.pk, "Staff say caseloads are high")
    user = world.service_manager

    flags = {}
    for unit_type, pk in (("service", world.service.pk), ("team", world.other_team.pk)):
        place = qa_place_for_user(user=user, unit_type=unit_type, pk=pk)
        page = qa_page_for(user=user, place=place, period_key=None, aggregates_only=True)

        written = json.loads(JSONRenderer().render(qa_page_json(page)))
        documented = json.loads(JSONRenderer().render(QaPageSerializer(page).data))

        assert written == documented
        assert written["unit"]["id"] == pk
        flags[unit_type] = [flag["text"] for flag in written["flags"]]
    assert flags == {"service": ["Staff say caseloads are high"], "team": []}

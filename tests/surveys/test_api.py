"""The survey API: the pages' visibility, the stored (suppressed) results."""

from django.test import Client
from django.urls import reverse

from organisation.models import AccessLogEntry
from surveys.services_responses import survey_response_submit
from surveys.services_results import survey_results_refresh
from surveys.tokens import token_hash
from tests.conftest import World
from tests.surveys.factories import allocated_child, family_invitation, open_campaign


def _get(user: object, name: str, **params: object) -> dict:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    response = client.get(reverse(f"api:{name}"), params)
    assert response.status_code == 200
    return response.json()


def _answered(world: World, count: int) -> None:
    campaign = open_campaign(world.organisation)
    for _ in range(count):
        invitation, token = family_invitation(world, campaign)
        survey_response_submit(
            invitation_id=invitation.pk,
            token_hash=token_hash(token),
            answers={"overall_satisfied": 4},
        )
    survey_results_refresh(organisation_id=world.organisation.pk)


def test_results_list_only_the_units_a_person_may_see(world: World) -> None:
    _answered(world, 5)

    mine = _get(world.practitioner, "survey-result-list", measure="parent_satisfaction")["results"]
    managers = _get(world.team_manager, "survey-result-list", measure="parent_satisfaction")[
        "results"
    ]
    others = _get(world.other_team_practitioner, "survey-result-list")["results"]
    theirs = _get(world.other_organisation_admin, "survey-result-list")["results"]

    assert {(r["unit_type"], r["unit_id"]) for r in mine} == {
        ("practitioner", world.practitioner.staff_member.pk)
    }
    assert {r["unit_type"] for r in managers} == {"organisation", "team", "practitioner"}
    assert others == []
    assert theirs == []
    year = next(r for r in mine if r["period_type"] == "year")
    assert (year["respondents"], year["value"], year["suppressed"]) == (5, 100.0, False)


def test_results_filters_and_suppressed_rows(world: World) -> None:
    _answered(world, 3)

    rows = _get(world.qa_lead, "survey-result-list", unit_type="team", period_type="month")[
        "results"
    ]

    assert rows
    assert {r["unit_type"] for r in rows} == {"team"}
    assert all(r["suppressed"] and r["respondents"] is None and r["value"] is None for r in rows)
    client = Client()
    client.force_login(world.qa_lead)
    assert client.get(reverse("api:survey-result-list"), {"unit_type": "planet"}).status_code == 400


def test_alerts_show_the_case_reference_to_those_who_see_them_and_are_logged(world: World) -> None:
    campaign = open_campaign(world.organisation, "child_13_plus")
    invitation, token = family_invitation(world, campaign, the_child=allocated_child(world))
    survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers={"safe_home": 1}
    )

    alerts = _get(world.team_manager, "survey-alert-list")["results"]

    assert [a["case_reference"] for a in alerts] == [invitation.child.child_id]
    assert _get(world.senior_leader, "survey-alert-list")["results"] == []
    assert (
        AccessLogEntry.objects.filter(
            user=world.team_manager, object_type="surveys.safetyalert"
        ).count()
        == 1
    )


def test_acknowledging_through_the_api(world: World) -> None:
    campaign = open_campaign(world.organisation, "child_8_12")
    invitation, token = family_invitation(world, campaign, the_child=allocated_child(world))
    alert = survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers={"safe_school": 1}
    ).safety_alert
    assert alert is not None
    client = Client()
    client.force_login(world.team_manager)
    url = reverse("api:survey-alert-acknowledge", kwargs={"pk": alert.pk})

    first = client.post(url, {"note": "Seen today"})
    second = client.post(url, {"note": "Again"})

    assert first.status_code == 200
    assert first.json()["acknowledged_at"] is not None
    assert second.status_code == 400
    assert "already" in second.json()["detail"]

"""The results job: stored measures per unit and period, suppressed under the minimum,
free text in three columns, and the indicators the QA views read."""

from datetime import date

import pytest
from django.http import Http404
from django.utils import timezone

from organisation.models import Role, Team, User
from surveys.models import SurveyCampaign, SurveyInvitation, SurveyResultsRun, SurveyUnitResult
from surveys.selectors_results import (
    survey_free_text_for_unit,
    survey_results_for_unit,
    survey_unit_list_for_user,
)
from surveys.services_invitations import survey_invitation_create, survey_invitation_issue_link
from surveys.services_responses import survey_response_submit
from surveys.services_results import survey_results_refresh
from surveys.tasks import refresh_survey_results_all
from surveys.tokens import token_hash
from tests.conftest import World
from tests.factories import person
from tests.surveys.factories import allocated_child, open_campaign


def _answer(
    world: World,
    campaign: SurveyCampaign,
    answers: dict[str, object],
    *,
    worker: User | None = None,
    team: Team | None = None,
) -> None:
    """A parent of a case of `worker` (default: the practitioner) in `team` answers."""
    the_child = allocated_child(world, worker=worker, team=team)
    invitation = survey_invitation_create(campaign=campaign, child=the_child, by=world.qa_lead)
    token = survey_invitation_issue_link(invitation=invitation, by=world.qa_lead).token
    survey_response_submit(
        invitation_id=invitation.pk, token_hash=token_hash(token), answers=answers
    )


def _row(
    world: World, unit_type: str, unit_id: int, measure: str, period_type: str = "year"
) -> SurveyUnitResult:
    return SurveyUnitResult.objects.get(
        organisation=world.organisation, unit_type=unit_type, unit_id=unit_id,
        measure=measure, period_type=period_type,
    )  # fmt: skip


@pytest.fixture
def results(world: World) -> World:
    """Six parents of the practitioner's cases answer (five satisfied, all with a
    comment), one of a second practitioner in the same team (with a worry), five of the
    other team; then the job runs."""
    campaign = open_campaign(world.organisation)
    for index in range(6):
        answers = {"overall_satisfied": 5 if index else 2, "understand_next_steps": 4}
        _answer(world, campaign, answers | {"working_well": f"Comment {index}"})
    newcomer = person(team=world.team, roles=[(Role.PRACTITIONER, None)])
    _answer(world, campaign, {"overall_satisfied": 1, "worries": "Only one"}, worker=newcomer)
    for _ in range(5):
        _answer(world, campaign, {"overall_satisfied": 4},
                worker=world.other_team_practitioner, team=world.other_team)  # fmt: skip
    survey_results_refresh(organisation_id=world.organisation.pk)
    return world


def test_the_job_stores_indicators_per_unit_with_numbers(results: World) -> None:
    w = results
    team = _row(w, "team", w.team.pk, "parent_satisfaction")
    other = _row(w, "team", w.other_team.pk, "parent_satisfaction")
    service = _row(w, "service", w.service.pk, "parent_satisfaction")

    assert (team.respondents, team.numerator, team.denominator) == (7, 5, 7)
    assert team.value == pytest.approx(71.4)
    assert team.distribution == {"1": 1, "2": 1, "5": 5}
    assert (other.respondents, other.value, other.suppressed) == (5, 100.0, False)
    assert (service.respondents, service.numerator) == (12, 10)
    assert _row(w, "organisation", w.organisation.pk, "parent_understand").value == 100.0


def test_a_practitioner_under_the_minimum_hides_their_colleague_too(results: World) -> None:
    w = results
    practitioner = _row(w, "practitioner", w.practitioner.staff_member.pk, "parent_satisfaction")
    other_team = _row(
        w, "practitioner", w.other_team_practitioner.staff_member.pk, "parent_satisfaction"
    )

    # The newcomer has one answer (hidden); the team shows 7, so the practitioner's 6
    # must be hidden too, or 7 - 6 would give the newcomer's answer away.
    assert practitioner.suppressed is True
    assert (practitioner.respondents, practitioner.value, practitioner.distribution) == (
        None,
        None,
        {},
    )
    assert other_team.suppressed is False
    # The one worry in the organisation is hidden everywhere.
    assert (
        SurveyUnitResult.objects.filter(measure="q:parents:worries", suppressed=False).count() == 0
    )
    # The comments were all the practitioner's: shown for them and their team.
    assert (
        _row(
            w, "practitioner", w.practitioner.staff_member.pk, "q:parents:working_well"
        ).respondents
        == 6
    )


def test_results_are_stored_per_month_quarter_and_financial_year(results: World) -> None:
    today = timezone.localdate()
    periods = set(
        SurveyUnitResult.objects.filter(
            unit_type="organisation", measure="parent_satisfaction"
        ).values_list("period_type", "period_start")
    )

    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    assert periods == {
        ("month", today.replace(day=1)),
        ("quarter", date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)),
        ("year", year_start),
    }


def test_response_rates_count_invitations_and_responses(results: World) -> None:
    w = results
    open_campaign_invitations = SurveyInvitation.objects.filter(team=w.team).count()

    rate = _row(w, "team", w.team.pk, "rate:family")

    assert (rate.numerator, rate.denominator) == (7, open_campaign_invitations)
    assert rate.value == 100.0


def test_a_rerun_replaces_the_rows(results: World) -> None:
    before = SurveyUnitResult.objects.count()

    run = survey_results_refresh(organisation_id=results.organisation.pk)

    assert SurveyUnitResult.objects.count() == before == run.rows
    assert run.status == SurveyResultsRun.Status.DONE


def test_the_nightly_task_refreshes_every_organisation(results: World) -> None:
    SurveyUnitResult.objects.all().delete()

    refresh_survey_results_all.delay()

    assert SurveyUnitResult.objects.filter(organisation=results.organisation).exists()
    assert not SurveyUnitResult.objects.filter(organisation=results.other_organisation).exists()


def test_free_text_in_three_columns_only_where_shown(results: World) -> None:
    w = results
    start = _row(w, "team", w.team.pk, "q:parents:working_well").period_start

    blocks = survey_free_text_for_unit(
        user=w.team_manager, unit_type="team", unit_id=w.team.pk, period_type="year",
        period_start=start,
    )  # fmt: skip

    [parents] = blocks
    columns = {column.column: column for column in parents.columns}
    assert columns["working_well"].comments == [f"Comment {i}" for i in range(6)]
    assert columns["working_well"].suppressed is False
    assert columns["worries"].suppressed is True
    assert columns["worries"].comments == []
    assert "needs_to_happen" not in columns  # nobody wrote in it


def test_staff_results_by_team_never_by_practitioner(world: World) -> None:
    from surveys.services_invitations import survey_staff_link_issue
    from surveys.services_responses import survey_link_open

    for _ in range(5):
        person(team=world.team, roles=[(Role.PRACTITIONER, None)])
    campaign = open_campaign(world.organisation, "staff")
    for invitation in SurveyInvitation.objects.filter(campaign=campaign, team=world.team):
        token = survey_staff_link_issue(campaign=campaign, user=invitation.staff.user)
        opened = survey_link_open(token=token, client_address="203.0.113.1")
        answers = {"caseload_manageable": 2, "time_with_families": 4}
        survey_response_submit(
            invitation_id=opened.invitation.pk, token_hash=opened.token_hash, answers=answers
        )

    survey_results_refresh(organisation_id=world.organisation.pk)

    team = _row(world, "team", world.team.pk, "staff_caseload")
    assert team.respondents == 7  # five new people, the practitioner and the team manager
    assert team.value == 0.0
    assert _row(world, "team", world.team.pk, "staff_time").value == 100.0
    assert _row(world, "team", world.team.pk, "rate:staff").value == 100.0
    assert not SurveyUnitResult.objects.filter(
        unit_type="practitioner", measure__startswith="staff_"
    ).exists()


def test_units_and_results_follow_visibility(results: World) -> None:
    w = results

    practitioner_units = {
        (u.unit_type, u.unit_id) for u in survey_unit_list_for_user(user=w.practitioner)
    }

    assert practitioner_units == {("practitioner", w.practitioner.staff_member.pk)}
    assert (
        survey_results_for_unit(
            user=w.practitioner, unit_type="practitioner", unit_id=w.practitioner.staff_member.pk
        )
        .filter(measure="q:parents:working_well", suppressed=False)
        .exists()
    )
    assert survey_results_for_unit(
        user=w.practitioner, unit_type="practitioner", unit_id=w.practitioner.staff_member.pk
    ).exists()
    for user, unit_type, unit_id in [
        (w.practitioner, "team", w.team.pk),
        (w.team_manager, "team", w.other_team.pk),
        (w.other_team_practitioner, "practitioner", w.practitioner.staff_member.pk),
        (w.other_organisation_admin, "organisation", w.organisation.pk),
        (w.data_officer, "organisation", w.organisation.pk),
    ]:
        with pytest.raises(Http404):
            survey_results_for_unit(user=user, unit_type=unit_type, unit_id=unit_id)
    assert survey_results_for_unit(
        user=w.service_manager, unit_type="team", unit_id=w.team.pk
    ).exists()
    assert survey_results_for_unit(
        user=w.senior_leader, unit_type="organisation", unit_id=w.organisation.pk
    ).exists()

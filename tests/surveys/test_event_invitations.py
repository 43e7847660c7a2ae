"""Continuous campaigns: invitations made from core data events, once."""

from datetime import date, timedelta

from django.utils import timezone

from coredata.models import Child, CINPlan, CPPlan, Referral, Section47
from organisation.models import Team
from surveys.models import SurveyCampaign, SurveyInvitation
from surveys.services_invitations import survey_invitations_create_from_events
from tests.conftest import World
from tests.surveys.factories import allocate, child, import_run, open_campaign

TODAY = date(2026, 3, 20)


def _cp_plan_ended(the_child: Child, ended: date) -> None:
    CPPlan.objects.create(
        organisation_id=the_child.organisation_id,
        child=the_child,
        run=import_run(the_child.organisation),
        collection_year=2026,
        referral_date=ended - timedelta(days=400),
        start_date=ended - timedelta(days=300),
        end_date=ended,
        initial_category="NEG",
        latest_category="NEG",
    )


ALL_EVENTS = ("plan_ended", "case_closed", "conference_held")


def _campaign(
    world: World,
    key: str = "parents",
    *,
    events: tuple[str, ...] = ALL_EVENTS,
    teams: list[Team] | None = None,
) -> SurveyCampaign:
    return open_campaign(
        world.organisation, key, events=events, teams=teams, opens_on=date(2026, 1, 1)
    )


def _allocated(world: World, *, birth: date = date(2012, 6, 1), team: Team | None = None) -> Child:
    the_child = child(world.organisation, birth=birth)
    allocate(the_child, worker=world.practitioner.staff_member, team=team or world.team)
    return the_child


def test_events_make_one_invitation_each_attributed_to_the_worker_and_team(world: World) -> None:
    campaign = _campaign(world)
    planned, closed, conferenced = (_allocated(world) for _ in range(3))
    _cp_plan_ended(planned, date(2026, 3, 1))
    run = import_run(world.organisation)
    Referral.objects.create(
        organisation=world.organisation,
        child=closed,
        run=run,
        collection_year=2026,
        referral_date=date(2025, 6, 1),
        source="1A",
        nfa=False,
        closure_date=date(2026, 2, 10),
    )
    Section47.objects.create(organisation=world.organisation, child=conferenced, run=run,
                             collection_year=2026, referral_date=date(2026, 1, 5),
                             start_date=date(2026, 1, 6), icpc_date=date(2026, 2, 1))  # fmt: skip

    made = survey_invitations_create_from_events(organisation_id=world.organisation.pk, today=TODAY)

    invitations = SurveyInvitation.objects.filter(campaign=campaign).order_by("event_date")
    assert made == 3
    assert [(i.child_id, i.event) for i in invitations] == [
        (conferenced.pk, "conference_held"),
        (closed.pk, "case_closed"),
        (planned.pk, "plan_ended"),
    ]
    assert {i.worker_id for i in invitations} == {world.practitioner.staff_member.pk}
    assert {(i.team_id, i.service_id) for i in invitations} == {(world.team.pk, world.service.pk)}
    assert {i.channel for i in invitations} == {"handover"}


def test_running_again_makes_nothing_new(world: World) -> None:
    _campaign(world)
    _cp_plan_ended(_allocated(world), date(2026, 3, 1))

    first = survey_invitations_create_from_events(
        organisation_id=world.organisation.pk, today=TODAY
    )
    second = survey_invitations_create_from_events(
        organisation_id=world.organisation.pk, today=TODAY
    )
    later = survey_invitations_create_from_events(
        organisation_id=world.organisation.pk, today=TODAY + timedelta(days=5)
    )

    assert (first, second, later) == (1, 0, 0)
    assert SurveyInvitation.objects.count() == 1


def test_the_same_plan_in_two_returns_and_a_closure_the_same_day_make_one(world: World) -> None:
    _campaign(world)
    the_child = _allocated(world)
    _cp_plan_ended(the_child, date(2026, 3, 1))
    CINPlan.objects.create(organisation=world.organisation, child=the_child,
                           run=import_run(world.organisation), collection_year=2025,
                           referral_date=date(2025, 1, 1), start_date=date(2025, 2, 1),
                           end_date=date(2026, 3, 1))  # fmt: skip

    made = survey_invitations_create_from_events(organisation_id=world.organisation.pk, today=TODAY)

    assert made == 1


def test_only_targeted_teams_and_events_after_opening(world: World) -> None:
    _campaign(world, teams=[world.other_team])
    _cp_plan_ended(_allocated(world), date(2026, 3, 1))  # the practitioner's team: not targeted
    elsewhere = _allocated(world, team=world.other_team)
    _cp_plan_ended(elsewhere, date(2025, 12, 1))  # before the campaign opened

    made = survey_invitations_create_from_events(organisation_id=world.organisation.pk, today=TODAY)

    assert made == 0


def test_a_childrens_survey_invites_children_of_its_age(world: World) -> None:
    campaign = _campaign(world, "child_8_12", events=("plan_ended",))
    ten = _allocated(world, birth=date(2015, 6, 1))
    fifteen = _allocated(world, birth=date(2010, 6, 1))
    for the_child in (ten, fifteen):
        _cp_plan_ended(the_child, date(2026, 3, 1))

    survey_invitations_create_from_events(organisation_id=world.organisation.pk, today=TODAY)

    assert list(
        SurveyInvitation.objects.filter(campaign=campaign).values_list("child_id", flat=True)
    ) == [ten.pk]


def test_an_unallocated_child_is_not_invited(world: World) -> None:
    _campaign(world)
    _cp_plan_ended(child(world.organisation), date(2026, 3, 1))

    assert (
        survey_invitations_create_from_events(organisation_id=world.organisation.pk, today=TODAY)
        == 0
    )


def test_the_daily_task_runs_for_every_organisation(world: World) -> None:
    from surveys.tasks import create_event_invitations

    _campaign(world)
    _cp_plan_ended(_allocated(world), timezone.localdate() - timedelta(days=2))

    create_event_invitations.delay()

    assert SurveyInvitation.objects.filter(event="plan_ended").count() == 1

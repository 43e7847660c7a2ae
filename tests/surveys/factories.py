"""Builders for survey tests: children allocated to a worker, campaigns of the default
templates, invitations with a link token. (Usable by the survey page tests too.)"""

import itertools
from datetime import date, timedelta

from django.utils import timezone

from coredata.models import Allocation, Child, ImportRun
from organisation.models import Organisation, StaffMember, Team, User
from surveys.models import SurveyCampaign, SurveyInvitation, SurveyTemplate
from surveys.services_campaigns import survey_campaign_create, survey_campaign_open
from surveys.services_invitations import survey_invitation_create, survey_invitation_issue_link
from surveys.services_templates import (
    survey_template_published,
    survey_templates_install_defaults,
)
from tests.conftest import World

_numbers = itertools.count(1)


def import_run(organisation: Organisation) -> ImportRun:
    run = ImportRun.objects.filter(organisation=organisation).first()
    return run or ImportRun.objects.create(organisation=organisation, status="succeeded")


def child(
    organisation: Organisation, *, birth: date | None = date(2014, 5, 1), child_id: str = ""
) -> Child:
    number = next(_numbers)
    return Child.objects.create(
        organisation=organisation,
        child_id=child_id or f"C{number:06d}",
        pseudonym=f"test-pseudonym-{organisation.pk}-{number}",
        birth_date_cin=birth,
    )


def allocate(
    the_child: Child,
    *,
    worker: StaffMember,
    team: Team,
    start: date = date(2020, 1, 1),
    end: date | None = None,
) -> Allocation:
    return Allocation.objects.create(
        organisation_id=the_child.organisation_id,
        run=import_run(the_child.organisation),
        child=the_child,
        worker=worker,
        team=team,
        start_date=start,
        end_date=end,
    )


def allocated_child(world: World, *, worker: User | None = None, team: Team | None = None,
                    birth: date | None = date(2014, 5, 1)) -> Child:  # fmt: skip
    """A child of the world's organisation allocated (since 2020) to the practitioner of
    the team (or the given worker and team)."""
    the_child = child(world.organisation, birth=birth)
    allocate(the_child, worker=(worker or world.practitioner).staff_member, team=team or world.team)
    return the_child


def template(organisation: Organisation, key: str = "parents") -> SurveyTemplate:
    """The published default template of `key` (installing the defaults once)."""
    found = survey_template_published(organisation_id=organisation.pk, key=key)
    if found is None:
        survey_templates_install_defaults(organisation=organisation)
        found = survey_template_published(organisation_id=organisation.pk, key=key)
    assert found is not None
    return found


def open_campaign(
    organisation: Organisation,
    key: str = "parents",
    *,
    kind: str = "",
    teams: list[Team] | None = None,
    events: tuple[str, ...] = (),
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> SurveyCampaign:
    """An open campaign of a default template: staff ones fixed (this week to 30 days
    on), family ones fixed too unless `events` are given (then continuous)."""
    today = timezone.localdate()
    kind = kind or ("continuous" if events else "fixed")
    if kind == "fixed" and closes_on is None:
        closes_on = today + timedelta(days=30)
    campaign = survey_campaign_create(
        organisation=organisation,
        template=template(organisation, key),
        name=f"{key} campaign {next(_numbers)}",
        kind=kind,
        opens_on=opens_on or today - timedelta(days=1),
        closes_on=closes_on,
        teams=teams,
        events=events,
    )
    return survey_campaign_open(campaign=campaign)


def family_invitation(
    world: World, campaign: SurveyCampaign | None = None, *, the_child: Child | None = None
) -> tuple[SurveyInvitation, str]:
    """An invitation for a child of the practitioner, and a link token for it."""
    campaign = campaign or open_campaign(world.organisation)
    the_child = the_child or allocated_child(world)
    invitation = survey_invitation_create(campaign=campaign, child=the_child, by=world.practitioner)
    link = survey_invitation_issue_link(invitation=invitation, by=world.practitioner)
    return invitation, link.token

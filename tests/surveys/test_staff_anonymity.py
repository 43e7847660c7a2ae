"""A staff response cannot be linked to the person who gave it."""

from datetime import timedelta

from django.db import models
from django.utils import timezone

from organisation.models import Notification
from surveys.models import StaffSurveyResponse, SurveyInvitation, SurveyToken
from surveys.services_campaigns import survey_campaign_close, survey_campaigns_close_ended
from surveys.services_invitations import survey_staff_link_issue
from surveys.services_responses import survey_link_open, survey_response_submit
from tests.conftest import World
from tests.surveys.factories import open_campaign


def _answer(world: World, campaign: object, user: object) -> None:
    token = survey_staff_link_issue(campaign=campaign, user=user)  # type: ignore[arg-type]
    opened = survey_link_open(token=token, client_address="198.51.100.7")
    survey_response_submit(
        invitation_id=opened.invitation.pk,
        token_hash=opened.token_hash,
        answers={"children_safer": 5, "working_well": "Good supervision"},
    )


def test_a_staff_response_has_no_user_invitation_address_or_time() -> None:
    fields = {field.name: field for field in StaffSurveyResponse._meta.get_fields()}
    related = {
        field.related_model
        for field in fields.values()
        if isinstance(field, models.ForeignKey | models.OneToOneField)
    }

    assert "user" not in fields
    assert "staff" not in fields
    assert "invitation" not in fields
    assert not any("ip" in name or "address" in name for name in fields)
    assert SurveyInvitation not in related
    assert SurveyToken not in related
    assert not any(isinstance(field, models.DateTimeField) for field in fields.values())
    assert isinstance(fields["id"], models.UUIDField)


def test_a_staff_response_keeps_only_the_team_and_the_monday_of_its_week(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff")

    _answer(world, campaign, world.practitioner)

    response = StaffSurveyResponse.objects.get()
    today = timezone.localdate()
    assert response.week_start == today - timedelta(days=today.weekday())
    assert response.week_start.weekday() == 0
    assert response.team_id == world.team.pk
    assert response.service_id == world.service.pk
    invitation = SurveyInvitation.objects.get(staff=world.practitioner.staff_member)
    # The invitation is marked used (so reminders stop) with the week, not the time.
    assert invitation.used_at is not None
    assert timezone.localtime(invitation.used_at).date() == response.week_start
    assert timezone.localtime(invitation.used_at).time().isoformat() == "00:00:00"
    assert invitation.opened_at is None


def test_staff_invitations_are_deleted_when_the_campaign_closes(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff", closes_on=timezone.localdate())
    invited = SurveyInvitation.objects.filter(campaign=campaign).count()
    _answer(world, campaign, world.practitioner)

    closed = survey_campaigns_close_ended(today=timezone.localdate() + timedelta(days=1))

    campaign.refresh_from_db()
    assert closed == 1
    assert campaign.status == "closed"
    assert not SurveyInvitation.objects.filter(campaign=campaign).exists()
    assert not SurveyToken.objects.filter(invitation__campaign=campaign).exists()
    assert StaffSurveyResponse.objects.filter(campaign=campaign).count() == 1
    # How many were invited per team is kept for the response rate, nothing per person.
    assert sum(campaign.invited_counts.values()) == invited
    assert set(campaign.invited_counts) <= {str(t.pk) for t in campaign.organisation.teams.all()}


def test_opening_a_staff_survey_invites_each_current_member_once(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff")
    from surveys.services_campaigns import survey_staff_invitations_create

    again = survey_staff_invitations_create(campaign=campaign)

    staff_ids = list(
        SurveyInvitation.objects.filter(campaign=campaign).values_list("staff_id", flat=True)
    )
    assert again == 0
    assert len(staff_ids) == len(set(staff_ids))
    assert world.practitioner.staff_member.pk in staff_ids
    assert world.team_manager.staff_member.pk in staff_ids
    notified = Notification.objects.filter(kind="survey_staff_invitation")
    assert notified.filter(recipient=world.practitioner).count() == 1
    # No notification carries a link token: they point at the page that issues one.
    assert not any("/s/" in n.url or "/s/" in n.body for n in notified)


def test_closing_twice_changes_nothing(world: World) -> None:
    campaign = open_campaign(world.organisation, "staff", closes_on=timezone.localdate())
    survey_campaign_close(campaign=campaign)
    counts = dict(survey_campaign_close(campaign=campaign).invited_counts)

    campaign.refresh_from_db()
    assert campaign.invited_counts == counts

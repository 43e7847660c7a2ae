"""Campaigns: creating, opening and closing them.

Opening a staff campaign makes one invitation per current member (with a login) of the
targeted teams and tells each person in the app and by email; the notification links
to the page where a signed-in person starts the survey (`surveys:staff_take`), which
issues a link token on the spot: no token is ever written in a notification or email.
Closing a staff campaign records how many were invited per team (for response rates)
and deletes its invitations, so nothing is left that could connect a person to the
survey; closing a family campaign clears the contact details of unused invitations
and deletes their tokens.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisation.models import Organisation, Team, TeamMembership
from organisation.services import notification_send
from qa_system.errors import ApplicationError
from surveys.links import page_path
from surveys.models import (
    AUTOMATIC_EVENTS,
    CampaignKind,
    CampaignStatus,
    SurveyCampaign,
    SurveyInvitation,
    SurveyTemplate,
    SurveyToken,
    TemplateStatus,
)
from surveys.models.campaigns import CampaignEvent
from surveys.services_invitations import invitation_expiry


def survey_campaign_create(
    *,
    organisation: Organisation,
    template: SurveyTemplate,
    name: str,
    kind: str,
    opens_on: date,
    closes_on: date | None = None,
    teams: Iterable[Team] | None = None,
    events: Iterable[str] = (),
    by: Any = None,
) -> SurveyCampaign:
    """A draft campaign of a published template. `teams` None: the whole organisation.

    A staff template makes a fixed-window campaign (dates required); a family template
    may be either; a continuous one names the core data `events` that invite a family.
    """
    if template.organisation_id != organisation.pk:
        raise ApplicationError("That survey belongs to another organisation.")
    if template.status != TemplateStatus.PUBLISHED:
        raise ApplicationError("Publish the survey before using it in a campaign.")
    if kind not in CampaignKind.values:
        raise ApplicationError("Choose a kind of campaign.", {"field": "kind"})
    if not name.strip():
        raise ApplicationError("Give the campaign a name.", {"field": "name"})
    if closes_on is not None and closes_on < opens_on:
        raise ApplicationError("The campaign must close after it opens.", {"field": "closes_on"})
    events = list(dict.fromkeys(events))
    if kind == CampaignKind.FIXED and closes_on is None:
        raise ApplicationError(
            "A fixed-window campaign needs a closing date.", {"field": "closes_on"}
        )
    if template.audience == "staff" and kind != CampaignKind.FIXED:
        raise ApplicationError("A staff survey runs in a fixed window.", {"field": "kind"})
    if kind == CampaignKind.CONTINUOUS:
        if not events or any(event not in AUTOMATIC_EVENTS for event in events):
            raise ApplicationError(
                "Choose the events that offer the survey (plan ended, case closed, "
                "conference held).",
                {"field": "events"},
            )
    elif events:
        raise ApplicationError("Only a continuous campaign is offered after events.")
    team_list = list(teams) if teams is not None else None
    if team_list is not None:
        if not team_list:
            raise ApplicationError("Choose at least one team.", {"field": "teams"})
        if any(team.organisation_id != organisation.pk for team in team_list):
            raise ApplicationError("A chosen team belongs to another organisation.")
    with transaction.atomic():
        campaign = SurveyCampaign.objects.create(
            organisation=organisation,
            template=template,
            name=name.strip(),
            kind=kind,
            opens_on=opens_on,
            closes_on=closes_on,
            all_teams=team_list is None,
            events=events,
            created_by=by if getattr(by, "pk", None) else None,
        )
        if team_list:
            campaign.teams.set(team_list)
    return campaign


def campaign_team_ids(*, campaign: SurveyCampaign) -> list[int] | None:
    """The targeted teams' pks, None for the whole organisation."""
    if campaign.all_teams:
        return None
    return list(campaign.teams.values_list("pk", flat=True))


def survey_campaign_open(*, campaign: SurveyCampaign, by: Any = None) -> SurveyCampaign:
    """Open a draft campaign. For a staff survey: invite every current member (with an
    active login) of the targeted teams, once (idempotent on (campaign, staff))."""
    if campaign.status != CampaignStatus.DRAFT:
        raise ApplicationError("Only a draft campaign can be opened.")
    with transaction.atomic():
        campaign.status = CampaignStatus.OPEN
        campaign.save(update_fields=["status"])
        if campaign.template.audience == "staff":
            survey_staff_invitations_create(campaign=campaign)
    return campaign


def survey_staff_invitations_create(*, campaign: SurveyCampaign) -> int:
    """One invitation per current staff member (with an active login) of the campaign's
    teams, and a notification to each. Idempotent."""
    today = timezone.localdate()
    memberships = TeamMembership.objects.filter(
        Q(start_date__lte=today),
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        team__organisation_id=campaign.organisation_id,
        staff__user__is_active=True,
    ).select_related("team", "staff__user")
    team_ids = campaign_team_ids(campaign=campaign)
    if team_ids is not None:
        memberships = memberships.filter(team_id__in=team_ids)
    existing = set(
        SurveyInvitation.objects.filter(campaign=campaign).values_list("staff_id", flat=True)
    )
    expires_at = invitation_expiry(campaign=campaign, days=None)
    created = []
    for membership in memberships:
        if membership.staff_id in existing:
            continue
        existing.add(membership.staff_id)
        created.append(
            SurveyInvitation(
                organisation_id=campaign.organisation_id,
                campaign=campaign,
                staff_id=membership.staff_id,
                team_id=membership.team_id,
                service_id=membership.team.service_id,
                event=CampaignEvent.STAFF,
                event_date=max(campaign.opens_on, today),
                expires_at=expires_at,
                channel="email",
            )
        )
    SurveyInvitation.objects.bulk_create(created, ignore_conflicts=True)
    url = page_path("surveys:staff_take", pk=campaign.pk)
    users = {m.staff_id: m.staff.user for m in memberships}
    for invitation in created:
        user = users.get(invitation.staff_id or 0)
        if user is None:
            continue
        notification_send(
            recipient=user,
            organisation_id=campaign.organisation_id,
            kind="survey_staff_invitation",
            subject=f"Please answer the staff survey: {campaign.name}",
            body=(
                "Your answers are anonymous: we do not record who answered, when, or from "
                f"where. The survey closes on {campaign.closes_on:%d %B %Y}."
                if campaign.closes_on
                else "Your answers are anonymous."
            ),
            url=url,
            email=True,
            dedupe_key=f"survey-staff-invite:{campaign.pk}",
        )
    return len(created)


def survey_campaign_close(*, campaign: SurveyCampaign, by: Any = None) -> SurveyCampaign:
    """Close a campaign (idempotent). Staff campaigns: keep the invited count per team,
    then delete every invitation. Family campaigns: forget unused invitations' contact
    details and tokens."""
    with transaction.atomic():
        campaign = SurveyCampaign.objects.select_for_update().get(pk=campaign.pk)
        invitations = SurveyInvitation.objects.filter(campaign=campaign)
        if campaign.template.audience == "staff":
            counts = Counter(invitations.values_list("team_id", flat=True))
            merged = dict(campaign.invited_counts or {})
            for team_id, count in counts.items():
                key = str(team_id or 0)
                merged[key] = merged.get(key, 0) + count
            campaign.invited_counts = merged
            invitations.delete()
        else:
            unused = invitations.filter(used_at__isnull=True)
            SurveyToken.objects.filter(invitation__in=unused).delete()
            unused.exclude(contact="").update(contact="")
        if campaign.status != CampaignStatus.CLOSED:
            campaign.status = CampaignStatus.CLOSED
            campaign.closed_at = timezone.now()
        campaign.save(update_fields=["status", "closed_at", "invited_counts"])
    return campaign


def survey_campaigns_close_ended(*, today: date | None = None) -> int:
    """Close every open campaign whose closing date has passed (the nightly job)."""
    today = today or timezone.localdate()
    ended = SurveyCampaign.objects.filter(status=CampaignStatus.OPEN, closes_on__lt=today)
    closed = 0
    for campaign in ended.select_related("template"):
        survey_campaign_close(campaign=campaign)
        closed += 1
    return closed

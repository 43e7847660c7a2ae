"""Invitations: made from core data events or by hand, handed over as a link and QR
code, sent by email or SMS, reminded; and the staff survey's link for a signed-in
person.

A link is a fresh token each time it is handed over, sent or re-sent (only its hash is
kept, so an old link cannot be shown again); every token of an invitation opens it
until the invitation is used or expires.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coredata.models import Allocation, Child, CINPlan, CPPlan, Referral, Section47
from organisation.models import User
from organisation.selectors import user_scope
from qa_system.errors import ApplicationError
from surveys.backends import OutgoingMessage, email_sender, sms_sender
from surveys.links import respond_path
from surveys.models import (
    AUTOMATIC_EVENTS,
    CampaignEvent,
    CampaignKind,
    CampaignStatus,
    DeliveryChannel,
    SurveyCampaign,
    SurveyInvitation,
    SurveyToken,
)
from surveys.selectors import (
    reminder_days,
    survey_invitation_can_hand_over,
    survey_settings_for,
)
from surveys.tokens import token_hash, token_new

# Events older than this when first seen (core data arrives late) are not offered:
# asking a family about something long past helps nobody.
EVENT_LOOKBACK_DAYS = 90
# One invitation per child per campaign in this many days (a plan ending and the case
# closing on the same day make one invitation, not two).
EVENT_SPACING_DAYS = 30
STAFF_REMINDER_BODY = "If you have not answered yet: it takes about 10 minutes and is anonymous."
AGE_BANDS = {"child_4_7": (4, 7), "child_8_12": (8, 12), "child_13_plus": (13, 17)}


@dataclass(frozen=True)
class IssuedLink:
    """A link to show once: the path (`/s/<token>/`), the absolute URL and a QR code of
    it as an SVG string (no scripts or external references)."""

    token: str
    path: str
    url: str
    qr_svg: str


def invitation_expiry(
    *, campaign: SurveyCampaign, days: int | None, now: datetime | None = None
) -> datetime:
    """When an invitation made now expires: after the organisation's valid days, and
    never after the end of the campaign's closing day."""
    now = now or timezone.now()
    if days is None:
        days = survey_settings_for(organisation_id=campaign.organisation_id).invitation_valid_days
    expires = now + timedelta(days=days)
    if campaign.closes_on is not None:
        end = timezone.make_aware(
            datetime.combine(campaign.closes_on + timedelta(days=1), time.min)
        )
        expires = min(expires, end)
    return expires


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _event_candidates(
    organisation_id: int, events: list[str], since: date, until: date
) -> list[tuple[date, int, str]]:
    """(date, child pk, event) for the chosen events in the window, oldest first."""
    found: set[tuple[date, int, str]] = set()

    def add(rows: Any, date_field: str, event: str) -> None:
        for child_id, day in rows.values_list("child_id", date_field):
            if day is not None:
                found.add((day, child_id, str(event)))

    window = {"organisation_id": organisation_id}
    if CampaignEvent.PLAN_ENDED in events:
        for model in (CPPlan, CINPlan):
            plans = model.objects.filter(**window, end_date__gte=since, end_date__lte=until)
            add(plans, "end_date", CampaignEvent.PLAN_ENDED)
    if CampaignEvent.CASE_CLOSED in events:
        closed = Referral.objects.filter(
            **window, nfa=False, closure_date__gte=since, closure_date__lte=until
        )
        add(closed, "closure_date", CampaignEvent.CASE_CLOSED)
    if CampaignEvent.CONFERENCE_HELD in events:
        icpc = Section47.objects.filter(**window, icpc_date__gte=since, icpc_date__lte=until)
        add(icpc, "icpc_date", CampaignEvent.CONFERENCE_HELD)
        cpc = Referral.objects.filter(
            **window, initial_cpc_date__gte=since, initial_cpc_date__lte=until
        )
        add(cpc, "initial_cpc_date", CampaignEvent.CONFERENCE_HELD)
    return sorted(found)


def _allocations(child_ids: set[int]) -> dict[int, list[Allocation]]:
    by_child: dict[int, list[Allocation]] = {}
    for allocation in Allocation.objects.filter(child_id__in=child_ids).select_related("team"):
        by_child.setdefault(allocation.child_id, []).append(allocation)
    return by_child


def _allocation_on(allocations: list[Allocation], on: date) -> Allocation | None:
    for allocation in allocations:
        if allocation.start_date <= on and (
            allocation.end_date is None or on <= allocation.end_date
        ):
            return allocation
    return None


def survey_invitations_create_from_events(
    *, organisation_id: int, today: date | None = None, now: datetime | None = None
) -> int:
    """Invitations for the core data events of every open continuous campaign of the
    organisation: a CP or CIN plan ended, a case closed (a referral closed other than
    as no further action), a conference held (initial child protection conference).

    For each event on or after the campaign opened (and within the last 90 days, up to
    today), for a child allocated then to a targeted team (the allocation on the event
    date gives the worker and team) and, for a children's survey, of the survey's age on
    that date: one invitation, handed over by the worker. Idempotent on (campaign,
    child, event, date), and at most one per child per campaign in 30 days. Children
    not allocated on the date are not invited (nobody could hand the link over).
    Returns the number made.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    campaigns = (
        SurveyCampaign.objects.filter(
            organisation_id=organisation_id,
            status=CampaignStatus.OPEN,
            kind=CampaignKind.CONTINUOUS,
            opens_on__lte=today,
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .select_related("template")
    )
    made = 0
    for campaign in campaigns:
        since = max(campaign.opens_on, today - timedelta(days=EVENT_LOOKBACK_DAYS))
        events = [e for e in campaign.events if e in AUTOMATIC_EVENTS]
        candidates = _event_candidates(organisation_id, events, since, today)
        if not candidates:
            continue
        child_ids = {child for _, child, _ in candidates}
        allocations = _allocations(child_ids)
        births = {
            c.pk: c.birth_date
            for c in Child.objects.filter(pk__in=child_ids).only(
                "pk", "birth_date_cin", "birth_date_903"
            )
        }
        last_invited: dict[int, list[date]] = {}
        for child_id, event_date in SurveyInvitation.objects.filter(
            campaign=campaign, child_id__in=child_ids
        ).values_list("child_id", "event_date"):
            last_invited.setdefault(child_id, []).append(event_date)
        team_ids = None if campaign.all_teams else set(campaign.teams.values_list("pk", flat=True))
        band = AGE_BANDS.get(campaign.template.audience)
        expires_at = invitation_expiry(campaign=campaign, days=None, now=now)
        new = []
        for event_date, child_id, event in candidates:
            allocation = _allocation_on(allocations.get(child_id, []), event_date)
            if allocation is None or (team_ids is not None and allocation.team_id not in team_ids):
                continue
            if band is not None:
                birth = births.get(child_id)
                if birth is None or not band[0] <= _age_on(birth, event_date) <= band[1]:
                    continue
            earlier = last_invited.setdefault(child_id, [])
            if any(abs((event_date - d).days) < EVENT_SPACING_DAYS for d in earlier):
                continue
            earlier.append(event_date)
            new.append(
                SurveyInvitation(
                    organisation_id=organisation_id,
                    campaign=campaign,
                    child_id=child_id,
                    worker_id=allocation.worker_id,
                    team_id=allocation.team_id,
                    service_id=allocation.team.service_id,
                    event=event,
                    event_date=event_date,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
        SurveyInvitation.objects.bulk_create(new, ignore_conflicts=True)
        made += len(new)
    return made


def survey_invitation_create(
    *,
    campaign: SurveyCampaign,
    child: Child,
    by: Any,
    event: str = CampaignEvent.MANUAL,
    event_date: date | None = None,
) -> SurveyInvitation:
    """An invitation made by hand for a child (for example a second parent), attributed
    to the child's allocation today. Refused for a staff or closed campaign, a child of
    another organisation, or a child not allocated to a targeted team."""
    today = timezone.localdate()
    if campaign.template.audience == "staff":
        raise ApplicationError("Staff are invited when the staff survey opens.")
    if campaign.status != CampaignStatus.OPEN:
        raise ApplicationError("The campaign is not open.")
    if child.organisation_id != campaign.organisation_id:
        raise ApplicationError("That child is not known here.")
    allocation = _allocation_on(_allocations({child.pk}).get(child.pk, []), event_date or today)
    if allocation is None:
        raise ApplicationError("The child has no allocated worker, so nobody could hand it over.")
    if not campaign.all_teams and not campaign.teams.filter(pk=allocation.team_id).exists():
        raise ApplicationError("The child's team is not part of this campaign.")
    invitation = SurveyInvitation(
        organisation_id=campaign.organisation_id,
        campaign=campaign,
        child=child,
        worker_id=allocation.worker_id,
        team_id=allocation.team_id,
        service_id=allocation.team.service_id,
        event=event,
        event_date=event_date or today,
        expires_at=invitation_expiry(campaign=campaign, days=None),
    )
    if by is not None and not survey_invitation_can_hand_over(user=by, invitation=invitation):
        raise ApplicationError("You cannot offer a survey for this child.")
    invitation.save()
    return invitation


def survey_invitation_token_new(*, invitation: SurveyInvitation) -> str:
    """A new link token for an invitation, with no permission check: for the system's
    own use (sending, reminders, the demo data, the benchmark). Pages use
    `survey_invitation_issue_link`, which checks who is asking."""
    token = token_new()
    SurveyToken.objects.create(invitation=invitation, token_hash=token_hash(token))
    return token


def _new_token(invitation: SurveyInvitation) -> str:
    return survey_invitation_token_new(invitation=invitation)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _usable_for_sending(invitation: SurveyInvitation) -> None:
    if invitation.used_at is not None:
        raise ApplicationError("This survey has been answered already.")
    if invitation.expires_at <= timezone.now() or invitation.campaign.status != CampaignStatus.OPEN:
        raise ApplicationError("This invitation has expired.")


def survey_invitation_issue_link(*, invitation: SurveyInvitation, by: Any) -> IssuedLink:
    """A new link for the worker to hand over (shown once, with its QR code)."""
    if not survey_invitation_can_hand_over(user=by, invitation=invitation):
        raise ApplicationError("You cannot hand over this survey.")
    _usable_for_sending(invitation)
    token = _new_token(invitation)
    path = respond_path(token)
    url = _absolute(path)
    qr_svg = segno.make(url, error="m").svg_inline(scale=4, title="Survey link")
    return IssuedLink(token=token, path=path, url=url, qr_svg=qr_svg)


def _message(invitation: SurveyInvitation, url: str, *, reminder: bool) -> OutgoingMessage:
    title = invitation.campaign.template.title.get("en", "Survey")
    first = "A reminder: we" if reminder else "We"
    body = (
        f"{first} would like to hear what you think about the help your family has had "
        f"from children's services. It takes about 5 minutes.\n\n{url}\n\n"
        "The link works until you send your answers. If you did not expect this "
        "message, you can ignore it."
    )
    return OutgoingMessage(to=invitation.contact, subject=str(title), body=body)


def _deliver(invitation: SurveyInvitation, *, reminder: bool) -> None:
    token = _new_token(invitation)
    message = _message(invitation, _absolute(respond_path(token)), reminder=reminder)
    sender = email_sender() if invitation.channel == DeliveryChannel.EMAIL else sms_sender()
    sender.send(message)


def survey_invitation_send(
    *, invitation: SurveyInvitation, channel: str, contact: str, by: Any
) -> SurveyInvitation:
    """Send the invitation by email or SMS to the contact the worker gives (kept for
    reminders until the survey is answered or the campaign closes)."""
    if not survey_invitation_can_hand_over(user=by, invitation=invitation):
        raise ApplicationError("You cannot send this survey.")
    _usable_for_sending(invitation)
    contact = contact.strip()
    if channel == DeliveryChannel.EMAIL:
        if "@" not in contact or len(contact) > 254:
            raise ApplicationError("Enter an email address.", {"field": "contact"})
    elif channel == DeliveryChannel.SMS:
        digits = contact.replace(" ", "").removeprefix("+")
        if not digits.isdigit() or not 10 <= len(digits) <= 15:
            raise ApplicationError("Enter a mobile phone number.", {"field": "contact"})
    else:
        raise ApplicationError("Choose email or text message.", {"field": "channel"})
    with transaction.atomic():  # a refused or failed send leaves nothing recorded
        invitation.channel = channel
        invitation.contact = contact
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["channel", "contact", "sent_at"])
        _deliver(invitation, reminder=False)
    return invitation


def survey_invitation_reminders_send(*, now: datetime | None = None) -> int:
    """Send the reminders that are due (the organisation's reminder days after sending),
    each once: a conditional update claims reminder number n before it goes. Family
    invitations sent by email or SMS get a new link; staff are reminded in the app."""
    from organisation.services import notification_send
    from surveys.links import page_path

    now = now or timezone.now()
    sent = 0
    due = (
        SurveyInvitation.objects.filter(
            used_at__isnull=True, expires_at__gt=now, campaign__status=CampaignStatus.OPEN
        )
        .filter(
            Q(sent_at__isnull=False, channel__in=["email", "sms"]) & ~Q(contact="")
            | Q(staff__isnull=False)
        )
        .select_related("campaign__template", "staff__user")
    )
    days_by_organisation: dict[int, tuple[int, ...]] = {}
    for invitation in due:
        days = days_by_organisation.setdefault(
            invitation.organisation_id,
            reminder_days(survey_settings_for(organisation_id=invitation.organisation_id)),
        )
        number = invitation.reminders_sent
        start = invitation.sent_at or invitation.created_at
        if number >= len(days) or now < start + timedelta(days=days[number]):
            continue
        claimed = SurveyInvitation.objects.filter(
            pk=invitation.pk, reminders_sent=number, used_at__isnull=True
        ).update(reminders_sent=number + 1, last_reminded_at=now)
        if claimed != 1:
            continue
        if invitation.is_staff:
            user = invitation.staff.user if invitation.staff else None
            if user is not None:
                notification_send(
                    recipient=user,
                    organisation_id=invitation.organisation_id,
                    kind="survey_staff_reminder",
                    subject=f"Reminder: the staff survey {invitation.campaign.name}",
                    body=STAFF_REMINDER_BODY,
                    url=page_path("surveys:staff_take", pk=invitation.campaign_id),
                    email=True,
                    dedupe_key=f"survey-staff-reminder:{invitation.campaign_id}:{number + 1}",
                )
        else:
            _deliver(invitation, reminder=True)
        sent += 1
    return sent


def survey_staff_link_issue(*, campaign: SurveyCampaign, user: User) -> str:
    """A link token for the signed-in person's staff survey invitation (the page then
    redirects to the anonymous respondent pages). Refused when they are not invited,
    have answered already, or the campaign is not open."""
    scope = user_scope(user=user)
    invitation = SurveyInvitation.objects.filter(
        campaign=campaign, staff_id=scope.staff_id, staff__isnull=False
    ).first()
    if invitation is None:
        raise ApplicationError("You are not invited to this survey.")
    if invitation.used_at is not None:
        raise ApplicationError("You have answered this survey already. Thank you.")
    _usable_for_sending(invitation)
    return _new_token(invitation)

"""Campaigns, invitations and the link tokens that open them."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from coredata.models import Child
from organisation.models import Organisation, Service, StaffMember, Team, User
from surveys.models.templates import SurveyTemplate


class CampaignKind(models.TextChoices):
    FIXED = "fixed", "Fixed window (opens and closes on dates)"
    CONTINUOUS = "continuous", "Continuous (offered after events in a case)"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CampaignEvent(models.TextChoices):
    """Why an invitation exists. The first three come from core data
    (`survey_invitations_create_from_events`); manual ones are made by a worker or
    manager; staff ones by opening a staff campaign."""

    PLAN_ENDED = "plan_ended", "A child protection or child in need plan ended"
    CASE_CLOSED = "case_closed", "The case closed"
    CONFERENCE_HELD = "conference_held", "A child protection conference was held"
    MANUAL = "manual", "Offered by the worker"
    STAFF = "staff", "Staff survey"


AUTOMATIC_EVENTS = (
    CampaignEvent.PLAN_ENDED,
    CampaignEvent.CASE_CLOSED,
    CampaignEvent.CONFERENCE_HELD,
)


class DeliveryChannel(models.TextChoices):
    HANDOVER = "handover", "Link and QR code handed over by the worker"
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class SurveyCampaign(models.Model):
    """A survey offered by an organisation, with one published template version.

    Fixed-window campaigns (the annual staff survey) are open from `opens_on` to
    `closes_on` inclusive. Continuous ones (family surveys) make invitations from core
    data `events` on or after `opens_on` for the cases of the targeted teams, until
    `closes_on` if set. `all_teams` targets the whole organisation, otherwise `teams`.
    `invited_counts` keeps, per team pk, how many staff were invited when a staff
    campaign closed (its invitations are deleted then, the response rates are not).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="survey_campaigns"
    )
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=CampaignKind.choices)
    status = models.CharField(
        max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    opens_on = models.DateField()
    closes_on = models.DateField(null=True, blank=True)
    all_teams = models.BooleanField(default=True)
    teams = models.ManyToManyField(Team, blank=True, related_name="survey_campaigns")
    events = models.JSONField(default=list, blank=True, help_text="CampaignEvent values.")
    invited_counts = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_campaign_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(kind="continuous") | Q(closes_on__isnull=False),
                name="survey_fixed_campaign_has_close_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyInvitation(models.Model):
    """One respondent's invitation.

    Family and child invitations are tied to the case (`child`) and so to the allocated
    `worker` and `team` when the invitation was made; results are attributed to those.
    Staff invitations name the staff member and exist only to send reminders: they are
    deleted when the campaign closes, and a staff response never refers to one.
    `contact` (an email address or phone number for email / SMS delivery) is cleared
    once the invitation is used or the campaign closes.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        SurveyCampaign, on_delete=models.CASCADE, related_name="invitations"
    )
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.CharField(max_length=16, choices=CampaignEvent.choices)
    event_date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    channel = models.CharField(
        max_length=10, choices=DeliveryChannel.choices, default=DeliveryChannel.HANDOVER
    )
    contact = models.CharField(max_length=254, blank=True)
    language = models.CharField(max_length=8, default="en")
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        child__isnull=False,
                        staff__isnull=True,
                        event__in=["plan_ended", "case_closed", "conference_held", "manual"],
                    )
                    | Q(child__isnull=True, staff__isnull=False, event="staff")
                ),
                name="survey_invitation_child_or_staff",
            ),
            models.UniqueConstraint(
                fields=["campaign", "child", "event", "event_date"],
                condition=Q(event__in=["plan_ended", "case_closed", "conference_held"]),
                name="survey_invitation_once_per_event",
            ),
            models.UniqueConstraint(
                fields=["campaign", "staff"],
                condition=Q(staff__isnull=False),
                name="survey_invitation_once_per_staff",
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "used_at"], name="survey_invitation_worker"),
            models.Index(fields=["campaign", "team"], name="survey_invitation_team"),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} to {self.campaign}"

    @property
    def is_staff(self) -> bool:
        return self.staff_id is not None


class SurveyToken(models.Model):
    """A link token, stored only as its SHA-256 hash. An invitation may have several
    (each link handed over, sent or re-sent in a reminder); any of them opens it until
    the invitation expires or is used."""

    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Token of invitation {self.invitation_id}"

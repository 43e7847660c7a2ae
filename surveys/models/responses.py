"""Responses (family and staff, kept apart) and child safety alerts."""

import uuid

from django.db import models
from django.utils import timezone

from coredata.models import Child
from organisation.models import Organisation, Service, StaffMember, Team, User
from surveys.models.campaigns import SurveyCampaign, SurveyInvitation
from surveys.models.templates import SurveyTemplate


class ResponseBase(models.Model):
    """What every response holds. `answers` maps question codes to an integer (see
    QuestionKind) or, for free text, a string. `share_comments`: the respondent's
    choice to let managers read their free text."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(SurveyTemplate, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8, default="en")
    answers = models.JSONField(default=dict)
    share_comments = models.BooleanField(default=True)

    class Meta:
        abstract = True


class SurveyResponse(ResponseBase):
    """A family or child response: one per invitation (a unique constraint is the last
    guard behind the token's atomic use), attributed to the case's worker and team."""

    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.CASCADE, related_name="response"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_on = models.DateField()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "submitted_on"], name="survey_resp_date")]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.campaign_id}"


class StaffSurveyResponse(ResponseBase):
    """A staff response. It holds no user, no IP address, no time (only the Monday of
    its ISO week) and no reference to the invitation; its key is random, so the order
    of rows says nothing about who answered when. `team`/`service` are the respondent's
    team when they answered (results by team and service, suppressed under the
    minimum)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    week_start = models.DateField(help_text="The Monday of the ISO week it was submitted in.")

    class Meta:
        ordering = ["-week_start"]
        indexes = [models.Index(fields=["organisation", "week_start"], name="survey_staff_week")]

    def __str__(self) -> str:
        return f"Staff response in week of {self.week_start.isoformat()}"


class SafetyAlert(models.Model):
    """A child said they do not feel safe (`places`: SafetyPlace values). The allocated
    worker's team managers are told at once; it must be acknowledged, and goes to the
    service managers if not acknowledged within the organisation's hours."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    response = models.OneToOneField(
        SurveyResponse, on_delete=models.CASCADE, related_name="safety_alert"
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worker = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    places = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Child safety alert {self.pk}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

"""Fidelity surveys: templates, campaigns, invitations and their link tokens, responses,
child safety alerts and the stored results.

Privacy (DESIGN.md "Surveys"): link tokens are stored only as SHA-256 hashes; a family
response is tied to the case (child, allocated worker and team at the time) so results
can be attributed; a staff response holds no user, no IP address, no time (only the
Monday of its ISO week) and no reference to the invitation, which is deleted when the
campaign closes.
"""

from surveys.models.campaigns import (
    AUTOMATIC_EVENTS,
    CampaignEvent,
    CampaignKind,
    CampaignStatus,
    DeliveryChannel,
    SurveyCampaign,
    SurveyInvitation,
    SurveyToken,
)
from surveys.models.responses import (
    SafetyAlert,
    StaffSurveyResponse,
    SurveyResponse,
)
from surveys.models.results import SurveyResultsRun, SurveyUnitResult
from surveys.models.templates import (
    CHILD_AUDIENCES,
    FAMILY_AUDIENCES,
    Audience,
    FreeTextColumn,
    QuestionKind,
    SafetyPlace,
    SurveyIndicator,
    SurveyQuestion,
    SurveySettings,
    SurveyTemplate,
    TemplateStatus,
)

__all__ = [
    "AUTOMATIC_EVENTS",
    "CHILD_AUDIENCES",
    "FAMILY_AUDIENCES",
    "Audience",
    "CampaignEvent",
    "CampaignKind",
    "CampaignStatus",
    "DeliveryChannel",
    "FreeTextColumn",
    "QuestionKind",
    "SafetyAlert",
    "SafetyPlace",
    "StaffSurveyResponse",
    "SurveyCampaign",
    "SurveyIndicator",
    "SurveyInvitation",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyResultsRun",
    "SurveySettings",
    "SurveyTemplate",
    "SurveyToken",
    "SurveyUnitResult",
    "TemplateStatus",
]

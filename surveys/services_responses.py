"""Opening a survey link and submitting a response.

Opening (`survey_link_open`) looks the token up by its hash and checks the invitation
can still be used; it never uses it up (mail scanners and link previews open links).
Submitting (`survey_response_submit`) uses the invitation up exactly once: inside one
transaction, a conditional `UPDATE ... SET used_at = now WHERE pk = ... AND used_at IS
NULL` claims it. On PostgreSQL a concurrent submit waits for the row lock and then
finds `used_at` set (0 rows updated); on SQLite the transaction starts with BEGIN
IMMEDIATE (settings), so writers are serialised and the second sees the first's
claim. Only the claimer writes the response; the one-to-one `invitation` column is the
last guard. Whatever the reason a link cannot be used, the respondent gets
`SurveyLinkUnavailable`.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from organisation.selectors import staff_current_team
from qa_system.errors import ApplicationError
from surveys.errors import SurveyLinkUnavailable, SurveyRateLimited
from surveys.models import (
    CampaignStatus,
    SafetyAlert,
    StaffSurveyResponse,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyToken,
)
from surveys.questions import Answer, answer_parse, answer_valid
from surveys.selectors import (
    survey_question_list,
    survey_template_for_respondent,
    template_languages,
)
from surveys.services_alerts import safety_alert_raise
from surveys.tokens import token_hash, token_looks_valid, token_lookup_allowed


@dataclass(frozen=True)
class OpenedLink:
    invitation: SurveyInvitation
    token_hash: str


@dataclass(frozen=True)
class Submission:
    kind: str  # "family" or "staff"
    safety_alert: SafetyAlert | None = None


def invitation_usable(*, invitation: SurveyInvitation, now: datetime) -> bool:
    """Not used, not expired, and its campaign open today."""
    campaign = invitation.campaign
    today = timezone.localdate(now)
    return (
        invitation.used_at is None
        and invitation.expires_at > now
        and campaign.status == CampaignStatus.OPEN
        and campaign.opens_on <= today
        and (campaign.closes_on is None or today <= campaign.closes_on)
    )


def survey_link_open(*, token: str, client_address: str, now: datetime | None = None) -> OpenedLink:
    """The invitation a link opens. Does not use it up.

    Raises SurveyRateLimited past the per-address limit, SurveyLinkUnavailable for an
    unknown, expired or used token or a closed campaign. Records the first opening of
    a family invitation (never of a staff one: nothing times a staff member's answers).
    """
    if not token_lookup_allowed(client_address=client_address):
        raise SurveyRateLimited
    if not token_looks_valid(token):
        raise SurveyLinkUnavailable
    now = now or timezone.now()
    hashed = token_hash(token)
    found = list(
        SurveyToken.objects.select_related("invitation__campaign")
        .filter(token_hash=hashed)
        .order_by()[:1]
    )
    row = found[0] if found else None
    if row is None or not invitation_usable(invitation=row.invitation, now=now):
        raise SurveyLinkUnavailable
    invitation = _with_template(row.invitation)
    if invitation.opened_at is None and not invitation.is_staff:
        SurveyInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=now
        )
    return OpenedLink(invitation=invitation, token_hash=hashed)


def survey_invitation_for_respondent(
    *, invitation_id: int, token_hash: str, now: datetime | None = None
) -> SurveyInvitation:
    """The invitation a respondent's session holds, if it can still be used (each page
    checks again: a link used or expired meanwhile gives SurveyLinkUnavailable)."""
    now = now or timezone.now()
    found = list(
        SurveyInvitation.objects.select_related("campaign")
        .filter(pk=invitation_id, tokens__token_hash=token_hash)
        .order_by()[:1]
    )
    invitation = found[0] if found else None
    if invitation is None or not invitation_usable(invitation=invitation, now=now):
        raise SurveyLinkUnavailable
    return _with_template(invitation)


def _with_template(invitation: SurveyInvitation) -> SurveyInvitation:
    """The invitation with its campaign's template (and organisation) attached, from
    the respondent template cache: every page of every survey reads them."""
    campaign = invitation.campaign
    campaign.template = survey_template_for_respondent(template_id=campaign.template_id)
    return invitation


def survey_answer_clean(*, question: SurveyQuestion, raw: str) -> Answer | None:
    """A submitted answer in its stored form (None: no answer). Raises ApplicationError
    (extra: the question's code) when it is not an answer the question offers."""
    try:
        return answer_parse(question.kind, raw)
    except ValueError:
        message = (
            "Your answer is too long: please use 2,000 characters or fewer."
            if question.kind == "free_text"
            else "Choose one of the answers."
        )
        raise ApplicationError(message, {"question": question.code}) from None


def survey_answers_check(
    *, questions: list[SurveyQuestion], answers: dict[str, object]
) -> dict[str, Answer]:
    """The answers to keep: only the template's questions, each of the right shape;
    every required question answered (else ApplicationError naming the first missing)."""
    kept: dict[str, Answer] = {}
    for question in questions:
        value = answers.get(question.code)
        if value is None or value == "":
            if question.required:
                raise ApplicationError("Answer this question.", {"question": question.code})
            continue
        if not answer_valid(question.kind, value):
            raise ApplicationError("Choose one of the answers.", {"question": question.code})
        kept[question.code] = value  # type: ignore[assignment]
    return kept


def _week_start(day: datetime) -> datetime:
    date = timezone.localdate(day)
    monday = date - timedelta(days=date.weekday())
    return timezone.make_aware(datetime.combine(monday, time.min))


def survey_response_submit(
    *,
    invitation_id: int,
    token_hash: str,
    answers: dict[str, object],
    language: str = "en",
    share_comments: bool = True,
    now: datetime | None = None,
) -> Submission:
    """Find the invitation by its pk and a token hash of it, then record the response
    (`survey_response_record`). SurveyLinkUnavailable when it cannot be used."""
    now = now or timezone.now()
    invitation = survey_invitation_for_respondent(
        invitation_id=invitation_id, token_hash=token_hash, now=now
    )
    return survey_response_record(
        invitation=invitation,
        questions=survey_question_list(template=invitation.campaign.template),
        answers=answers,
        language=language,
        share_comments=share_comments,
        now=now,
    )


def survey_response_record(
    *,
    invitation: SurveyInvitation,
    questions: list[SurveyQuestion],
    answers: dict[str, object],
    language: str = "en",
    share_comments: bool = True,
    now: datetime | None = None,
) -> Submission:
    """Record the response and use the invitation up, exactly once.

    `invitation` was found through a token (`survey_link_open`,
    `survey_invitation_for_respondent`) and `questions` are its template's. The claim is
    made in the database whatever the objects say: a conditional UPDATE that succeeds
    for one submission only. A family or child response is attributed to the
    invitation's child, worker, team and service and dated; an unsafe answer to a
    'feel safe' question raises a child safety alert (team managers told at once). A
    staff response keeps only the team, the Monday of the week and the answers; the
    invitation is marked used (for reminders) with the week's Monday, not the time.
    """
    now = now or timezone.now()
    if not invitation_usable(invitation=invitation, now=now):
        raise SurveyLinkUnavailable
    template = invitation.campaign.template
    kept = survey_answers_check(questions=questions, answers=answers)
    if language not in template_languages(template=template, questions=questions):
        language = "en"
    used_at = _week_start(now) if invitation.is_staff else now
    try:
        with transaction.atomic():
            claimed = SurveyInvitation.objects.filter(
                pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
            ).update(used_at=used_at, contact="")
            if claimed != 1:
                raise SurveyLinkUnavailable
            if invitation.is_staff:
                _record_staff(
                    invitation,
                    template_id=template.pk,
                    answers=kept,
                    language=language,
                    share_comments=share_comments,
                    now=now,
                )
                return Submission(kind="staff")
            response = SurveyResponse.objects.create(
                organisation_id=invitation.organisation_id,
                campaign_id=invitation.campaign_id,
                template_id=template.pk,
                invitation=invitation,
                child_id=invitation.child_id or 0,
                worker_id=invitation.worker_id,
                team_id=invitation.team_id,
                service_id=invitation.service_id,
                submitted_on=timezone.localdate(now),
                language=language,
                answers=kept,
                share_comments=share_comments,
            )
            alert = safety_alert_raise(response=response, questions=questions)
            return Submission(kind="family", safety_alert=alert)
    except IntegrityError:
        # The one-to-one guard: another submission got there first.
        raise SurveyLinkUnavailable from None


def _record_staff(
    invitation: SurveyInvitation,
    *,
    template_id: int,
    answers: dict[str, Answer],
    language: str,
    share_comments: bool,
    now: datetime,
) -> None:
    team = staff_current_team(staff=invitation.staff) if invitation.staff else None
    team_id = team.pk if team else invitation.team_id
    service_id = team.service_id if team else invitation.service_id
    StaffSurveyResponse.objects.create(
        organisation_id=invitation.organisation_id,
        campaign_id=invitation.campaign_id,
        template_id=template_id,
        team_id=team_id,
        service_id=service_id,
        week_start=_week_start(now).date(),
        language=language,
        answers=answers,
        share_comments=share_comments,
    )

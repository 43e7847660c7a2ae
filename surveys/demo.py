"""A year of surveys for the demo organisation (Demoshire): the default templates,
continuous family and children's campaigns over the last year of the demo's core data
(April 2025 to March 2026), with invitations made from its core data events by the real
service and about a third of them answered; last year's staff survey (closed), this
year's (open, so the demo logins can take it); three children who said they did not
feel safe (alerts for the demo team manager); and the stored results.

Deterministic (a fixed seed) and idempotent: once the demo's parents' campaign exists,
nothing is done. Staff responses to last year's survey are written directly (as if
the demo's 79 staff, most of whom have no login, had answered): they hold what a real
one holds (team, week, answers) and nothing more.
"""

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coredata.models import Allocation
from organisation.models import Organisation, StaffMember, Team, TeamMembership, User
from surveys.models import (
    StaffSurveyResponse,
    SurveyCampaign,
    SurveyInvitation,
    SurveyQuestion,
)
from surveys.services_alerts import safety_alert_acknowledge
from surveys.services_campaigns import survey_campaign_create, survey_campaign_open
from surveys.services_invitations import (
    survey_invitation_create,
    survey_invitation_token_new,
    survey_invitations_create_from_events,
)
from surveys.services_responses import survey_response_submit
from surveys.services_results import survey_results_refresh
from surveys.services_templates import survey_template_published, survey_templates_install_defaults
from surveys.tokens import token_hash

SEED = 970
YEAR_START, YEAR_END = date(2025, 4, 1), date(2026, 3, 31)
EVENTS = ["plan_ended", "case_closed", "conference_held"]
FAMILY_CAMPAIGNS = [
    ("parents", "Family feedback: parents and carers", 0.38),
    ("child_4_7", "Family feedback: children aged 4 to 7", 0.30),
    ("child_8_12", "Family feedback: children aged 8 to 12", 0.33),
    ("child_13_plus", "Family feedback: young people 13 and over", 0.27),
]
LAST_STAFF = ("Staff practice health check 2025", date(2025, 10, 6), date(2025, 10, 31))
CURRENT_STAFF = "Staff practice health check 2026"
UNSAFE_ALERTS = 3

COMMENTS = {
    "working_well": [
        "My worker listened to us and explained things.",
        "The plan was clear and we knew what to do.",
        "Having my family involved helped a lot.",
        "They asked what I thought.",
        "Supervision helps me think about the family's safety.",
        "Things at home are calmer now.",
    ],
    "worries": [
        "Too many changes of worker.",
        "Meetings were hard to follow.",
        "I still worry about what happens when it stops.",
        "Caseloads are high this year.",
        "Not enough time to see children on their own.",
    ],
    "needs_to_happen": [
        "Keep the same worker if possible.",
        "Write the plan in plainer words.",
        "More time for direct work with children.",
        "Check in with us after the case closes.",
    ],
}


def _aware(day: date, hour: int = 17) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _month_ends(start: date, end: date) -> list[date]:
    ends, day = [], start
    while day <= end:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        ends.append(min(following - timedelta(days=1), end))
        day = following
    return ends


def _answer(question: SurveyQuestion, rng: random.Random, quality: float) -> object | None:
    """A plausible answer: positive with probability `quality`; 'feel safe' questions
    never unsafe here (the alerts are made on purpose, see UNSAFE_ALERTS)."""
    if rng.random() < 0.06 and not question.required:
        return None
    positive = rng.random() < quality
    kind = question.kind
    if kind == "free_text":
        if rng.random() < 0.35:
            return rng.choice(COMMENTS[question.column or "working_well"])
        return None
    if kind == "agree5" or kind == "faces5":
        value = rng.choice([4, 5]) if positive else rng.choice([1, 2, 3, 3])
        return max(value, 3) if question.safety_place else value
    if kind == "faces3":
        return 3 if positive else (2 if question.safety_place else rng.choice([1, 2]))
    if kind == "yes_no":
        return 1 if positive or rng.random() < 0.5 else 0
    return min(10, max(0, round(rng.gauss(10 * quality, 2))))


def _answers(
    questions: list[SurveyQuestion], rng: random.Random, quality: float
) -> dict[str, object]:
    answers = {}
    for question in questions:
        value = _answer(question, rng, quality)
        if value is not None:
            answers[question.code] = value
    return answers


def _family_year(organisation: Organisation, rng: random.Random, quality: dict[int, float]) -> int:
    campaigns = []
    for key, name, rate in FAMILY_CAMPAIGNS:
        template = survey_template_published(organisation_id=organisation.pk, key=key)
        if template is None:
            continue
        campaign = survey_campaign_create(
            organisation=organisation, template=template, name=name, kind="continuous",
            opens_on=YEAR_START, events=EVENTS,
        )  # fmt: skip
        campaigns.append((survey_campaign_open(campaign=campaign), rate))
    for month_end in _month_ends(YEAR_START, YEAR_END):
        survey_invitations_create_from_events(
            organisation_id=organisation.pk, today=month_end, now=_aware(month_end)
        )
    answered = 0
    for campaign, rate in campaigns:
        questions = list(campaign.template.questions.order_by("position"))
        invitations = SurveyInvitation.objects.filter(campaign=campaign).order_by("pk")
        for invitation in invitations:
            if rng.random() >= rate:
                continue
            token = survey_invitation_token_new(invitation=invitation)
            survey_response_submit(
                invitation_id=invitation.pk,
                token_hash=token_hash(token),
                answers=_answers(questions, rng, quality.get(invitation.team_id or 0, 0.7)),
                share_comments=rng.random() < 0.9,
                now=invitation.created_at + timedelta(days=rng.randint(1, 20)),
            )
            answered += 1
    return answered


def _alerts(organisation: Organisation, rng: random.Random) -> None:
    """Three children of the demo team manager's team said they did not feel safe in
    the last month; one alert has been acknowledged."""
    manager = User.objects.filter(email="team.manager@demoshire.example").first()
    team = Team.objects.filter(organisation=organisation, name="Assessment North").first()
    if team is None:
        return
    invitations = SurveyInvitation.objects.filter(
        campaign__organisation=organisation,
        campaign__template__audience__in=["child_8_12", "child_13_plus"],
        team=team,
        used_at__isnull=True,
    ).order_by("-event_date")[:UNSAFE_ALERTS]
    for index, invitation in enumerate(invitations):
        token = survey_invitation_token_new(invitation=invitation)
        submitted = survey_response_submit(
            invitation_id=invitation.pk,
            token_hash=token_hash(token),
            answers={"safe_home": 1 if index != 1 else 3, "safe_where_i_live": 2, "asks_me": 4},
            now=invitation.created_at + timedelta(days=2),
        )
        if index == 2 and submitted.safety_alert and manager:
            safety_alert_acknowledge(
                alert=submitted.safety_alert,
                by=manager,
                note="Worker visited; safety plan reviewed.",
            )


def _staff_year(organisation: Organisation, rng: random.Random, quality: dict[int, float]) -> None:
    """Last year's staff survey, closed, with responses from about three in four staff."""
    name, opens_on, closes_on = LAST_STAFF
    template = survey_template_published(organisation_id=organisation.pk, key="staff")
    if template is None:
        return
    campaign = survey_campaign_create(
        organisation=organisation, template=template, name=name, kind="fixed",
        opens_on=opens_on, closes_on=closes_on,
    )  # fmt: skip
    questions = list(template.questions.order_by("position"))
    members = TeamMembership.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=opens_on),
        team__organisation=organisation, start_date__lte=opens_on,
    ).select_related("team")  # fmt: skip
    headcount = Counter(member.team_id for member in members)
    weeks = [opens_on + timedelta(days=7 * i) for i in range(4)]
    responses = [
        StaffSurveyResponse(
            organisation=organisation,
            campaign=campaign,
            template=template,
            team_id=member.team_id,
            service_id=member.team.service_id,
            week_start=rng.choice(weeks),
            answers=_answers(questions, rng, quality.get(member.team_id, 0.7) - 0.1),
            share_comments=rng.random() < 0.9,
        )  # fmt: skip
        for member in members
        if rng.random() < 0.75
    ]
    StaffSurveyResponse.objects.bulk_create(responses)
    campaign.status = "closed"
    campaign.closed_at = _aware(closes_on + timedelta(days=1), 0)
    campaign.invited_counts = {str(team_id): count for team_id, count in headcount.items()}
    campaign.save(update_fields=["status", "closed_at", "invited_counts"])


def _current(organisation: Organisation) -> None:
    """This year's staff survey, open for four weeks from the day the demo was made, and
    two family surveys for the demo practitioner to hand over."""
    template = survey_template_published(organisation_id=organisation.pk, key="staff")
    today = timezone.localdate()
    if template is not None:
        campaign = survey_campaign_create(
            organisation=organisation, template=template, name=CURRENT_STAFF, kind="fixed",
            opens_on=today, closes_on=today + timedelta(days=28),
        )  # fmt: skip
        survey_campaign_open(campaign=campaign)
    practitioner = StaffMember.objects.filter(user__email="practitioner@demoshire.example").first()
    parents = SurveyCampaign.objects.filter(
        organisation=organisation, name=FAMILY_CAMPAIGNS[0][1]
    ).first()
    if practitioner is None or parents is None:
        return
    allocations = Allocation.objects.filter(worker=practitioner, end_date__isnull=True).order_by(
        "child_id"
    )[:2]
    for allocation in allocations:
        survey_invitation_create(campaign=parents, child=allocation.child, by=None)


def demo_surveys_seed(*, organisation: Organisation) -> int:
    """Seed the demo's surveys once; the number of family responses made (0 when the
    demo has its surveys already)."""
    if SurveyCampaign.objects.filter(
        organisation=organisation, name=FAMILY_CAMPAIGNS[0][1]
    ).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    survey_templates_install_defaults(organisation=organisation)
    teams = list(Team.objects.filter(organisation=organisation).order_by("code"))
    quality = {team.pk: rng.uniform(0.55, 0.88) for team in teams}
    with transaction.atomic():
        answered = _family_year(organisation, rng, quality)
        _alerts(organisation, rng)
        _staff_year(organisation, rng, quality)
        _current(organisation)
    survey_results_refresh(organisation_id=organisation.pk)
    return answered

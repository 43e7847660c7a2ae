"""Campaigns: the list, one campaign, creating, opening and closing one (QA leads and
administrators), and a staff member's way into their own staff survey.

Everyone signed in sees the campaigns that concern them (the selector decides); a
campaign outside that is 404, and changing one without the right to is 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.selectors import team_list_for_user, user_scope
from qa_system.errors import ApplicationError
from surveys.errors import SurveyLinkUnavailable, SurveyRateLimited
from surveys.forms import CampaignForm
from surveys.models import Audience, CampaignStatus, SurveyInvitation, TemplateStatus
from surveys.respondent import respondent_session_start
from surveys.selectors import (
    survey_campaign_get_for_user,
    survey_campaign_list_for_user,
    survey_invitation_list_for_user,
    survey_template_list_for_user,
    survey_user_can_manage,
)
from surveys.services_campaigns import (
    survey_campaign_close,
    survey_campaign_create,
    survey_campaign_open,
)
from surveys.services_invitations import survey_staff_link_issue
from surveys.services_responses import survey_link_open
from surveys.views_common import form_error, require_manager, survey_nav


def _staff_surveys_to_answer(request: HttpRequest) -> set[int]:
    """The open campaigns whose staff survey this person is invited to and has not
    answered (their invitation exists only until the campaign closes)."""
    scope = user_scope(user=request.user)
    if scope.staff_id is None:
        return set()
    return set(
        SurveyInvitation.objects.filter(
            staff_id=scope.staff_id, used_at__isnull=True, campaign__status=CampaignStatus.OPEN
        ).values_list("campaign_id", flat=True)
    )


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(
        survey_campaign_list_for_user(user=request.user).order_by("status", "-opens_on", "name")
    )
    return render(
        request,
        "surveys/campaign_list.html",
        {
            "campaigns": campaigns,
            "to_answer": _staff_surveys_to_answer(request),
            "can_manage": survey_user_can_manage(user=request.user),
            "sees_cases": survey_invitation_list_for_user(user=request.user).exists(),
            "nav": survey_nav(request),
        },
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = survey_campaign_get_for_user(user=request.user, pk=pk)
    can_manage = survey_user_can_manage(user=request.user)
    is_staff = campaign.template.audience == Audience.STAFF
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "is_staff": is_staff,
            "teams": list(campaign.teams.order_by("name")) if not campaign.all_teams else [],
            "can_open": can_manage and campaign.status == CampaignStatus.DRAFT,
            "can_close": can_manage and campaign.status == CampaignStatus.OPEN,
            "sees_template": user_scope(user=request.user).sees_whole_organisation,
            "to_answer": campaign.pk in _staff_surveys_to_answer(request),
            "nav": survey_nav(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    organisation = require_manager(request)
    templates = survey_template_list_for_user(user=request.user).filter(
        status=TemplateStatus.PUBLISHED
    )
    form = CampaignForm(
        request.POST or None,
        templates=templates.order_by("key"),
        teams=team_list_for_user(user=request.user).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = survey_campaign_create(
                organisation=organisation,
                template=data["template"],
                name=data["name"],
                kind=data["kind"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                teams=list(data["teams"]) or None,
                events=data["events"],
                by=request.user,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Campaign created as a draft. Open it when it is ready.")
            return redirect("surveys:campaign_detail", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form})


@login_required
@require_POST
def campaign_open(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = survey_campaign_get_for_user(user=request.user, pk=pk)
    require_manager(request)
    try:
        survey_campaign_open(campaign=campaign, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The campaign is open.")
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = survey_campaign_get_for_user(user=request.user, pk=pk)
    require_manager(request)
    try:
        survey_campaign_close(campaign=campaign, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The campaign is closed. Its links no longer work.")
    return redirect("surveys:campaign_detail", pk=campaign.pk)


@login_required
@require_GET
def staff_take(request: HttpRequest, pk: int) -> HttpResponse:
    """Into the anonymous staff survey pages with a new link, which never appears in an
    address: the answers then carry nothing of who gave them."""
    campaign = survey_campaign_get_for_user(user=request.user, pk=pk)
    try:
        token = survey_staff_link_issue(campaign=campaign, user=request.user)  # type: ignore[arg-type]
        opened = survey_link_open(token=token, client_address=request.META.get("REMOTE_ADDR", ""))
    except (SurveyLinkUnavailable, SurveyRateLimited):
        messages.error(request, "The survey cannot be opened now. Try again in a minute.")
        return redirect("surveys:campaign_detail", pk=campaign.pk)
    except ApplicationError as error:
        messages.info(request, error.message)
        return redirect("surveys:campaign_detail", pk=campaign.pk)
    respondent_session_start(session=request.session, opened=opened)
    return redirect("surveys:respond_intro")

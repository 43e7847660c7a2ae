"""Family invitations of a campaign: the list for a worker's (or manager's) cases, one
invitation, a link and QR code to hand over, sending by email or text.

Invitations are child-level data: every page that shows them writes the access log.
Nobody ever sees what a family answered here. Staff invitations are never listed.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coredata.selectors_caseload import allocation_list_current_for_user
from organisation.services import access_log_record, access_log_record_many
from qa_system.errors import ApplicationError
from surveys.forms import InvitationCreateForm, InvitationSendForm
from surveys.models import Audience, CampaignStatus, SurveyCampaign, SurveyInvitation
from surveys.selectors import (
    survey_campaign_get_for_user,
    survey_invitation_can_hand_over,
    survey_invitation_get_for_user,
    survey_invitation_list_for_user,
)
from surveys.services_invitations import (
    survey_invitation_create,
    survey_invitation_issue_link,
    survey_invitation_send,
)
from surveys.views_common import form_error, survey_nav

LIST_LIMIT = 500


def _family_campaign(request: HttpRequest, pk: int) -> SurveyCampaign:
    campaign = survey_campaign_get_for_user(user=request.user, pk=pk)
    if campaign.template.audience == Audience.STAFF:
        raise Http404  # staff invitations are never listed
    return campaign


def invitation_state(invitation: SurveyInvitation) -> str:
    """What has happened to an invitation, in words (never what was answered)."""
    if invitation.used_at is not None:
        return "Answered"
    if invitation.expires_at <= timezone.now() or invitation.campaign.status != "open":
        return "Expired"
    if invitation.sent_at is not None:
        return f"Sent by {invitation.get_channel_display().lower()}"
    return "To hand over"


def _usable(invitation: SurveyInvitation) -> bool:
    return (
        invitation.used_at is None
        and invitation.expires_at > timezone.now()
        and invitation.campaign.status == CampaignStatus.OPEN
    )


@login_required
@require_GET
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _family_campaign(request, pk)
    invitations = list(
        survey_invitation_list_for_user(user=request.user)
        .filter(campaign=campaign)
        .select_related("campaign", "child", "worker", "team")[:LIST_LIMIT]
    )
    access_log_record_many(
        user=request.user,  # type: ignore[arg-type]
        objects=[i.child for i in invitations if i.child is not None],
        route="surveys:invitation_list",
    )
    rows = [{"invitation": i, "state": invitation_state(i)} for i in invitations]
    return render(
        request,
        "surveys/invitation_list.html",
        {
            "campaign": campaign,
            "rows": rows,
            "limited": len(invitations) == LIST_LIMIT,
            "can_offer": campaign.status == CampaignStatus.OPEN,
            "nav": survey_nav(request),
        },
    )


def _own_children(request: HttpRequest) -> dict[int, Any]:
    """The children allocated to the user now, by pk (only they can be offered a survey
    by hand: a manager offers it through the case's worker)."""
    return {a.child_id: a.child for a in allocation_list_current_for_user(user=request.user)}


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _family_campaign(request, pk)
    children = _own_children(request)
    choices = [(child_pk, f"{c.child_id} ({c.pseudonym})") for child_pk, c in children.items()]
    form = InvitationCreateForm(request.POST or None, children=choices)
    if request.method == "POST" and form.is_valid():
        child = children[int(form.cleaned_data["child"])]
        try:
            invitation = survey_invitation_create(campaign=campaign, child=child, by=request.user)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Survey offered. Show the link or send it to the family.")
            return redirect("surveys:invitation_detail", pk=invitation.pk)
    if children:
        access_log_record_many(
            user=request.user,  # type: ignore[arg-type]
            objects=list(children.values()),
            route="surveys:invitation_create",
        )
    return render(
        request,
        "surveys/invitation_form.html",
        {"campaign": campaign, "form": form, "has_children": bool(children)},
    )


def _detail_context(request: HttpRequest, invitation: SurveyInvitation) -> dict[str, Any]:
    return {
        "invitation": invitation,
        "state": invitation_state(invitation),
        "can_hand_over": _usable(invitation)
        and survey_invitation_can_hand_over(user=request.user, invitation=invitation),
        "nav": survey_nav(request),
    }


@login_required
@require_GET
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = survey_invitation_get_for_user(user=request.user, pk=pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=invitation.child,  # type: ignore[arg-type]
        route="surveys:invitation_detail",
    )
    return render(request, "surveys/invitation_detail.html", _detail_context(request, invitation))


def _handing_over(request: HttpRequest, pk: int) -> SurveyInvitation:
    invitation = survey_invitation_get_for_user(user=request.user, pk=pk)
    if not survey_invitation_can_hand_over(user=request.user, invitation=invitation):
        raise PermissionDenied
    return invitation


@login_required
@require_POST
def invitation_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A new link and its QR code, shown once: the token is not stored, so this page
    is not cached and cannot be shown again (a new link can be made at any time)."""
    invitation = _handing_over(request, pk)
    try:
        issued = survey_invitation_issue_link(invitation=invitation, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("surveys:invitation_detail", pk=invitation.pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=invitation.child,  # type: ignore[arg-type]
        route="surveys:invitation_link",
    )
    response = render(
        request,
        "surveys/invitation_link.html",
        {
            "invitation": invitation,
            "url": issued.url,
            # segno's SVG of our own link: markup we made, nothing a user typed.
            "qr_svg": mark_safe(issued.qr_svg),  # noqa: S308
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _handing_over(request, pk)
    form = InvitationSendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_invitation_send(
                invitation=invitation,
                channel=form.cleaned_data["channel"],
                contact=form.cleaned_data["contact"],
                by=request.user,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Sent. Reminders will follow if it is not answered.")
            return redirect("surveys:invitation_detail", pk=invitation.pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=invitation.child,  # type: ignore[arg-type]
        route="surveys:invitation_send",
    )
    return render(request, "surveys/invitation_send.html", {"invitation": invitation, "form": form})

"""The audit programme (QA leads): the programmes, each with its settings and its draws
month by month (with the seed that makes each reproducible), "draw now for this month",
and the organisation's audit settings (follow-up, moderation share, reminders)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms import ProgrammeForm, SettingsForm
from audits.models import AuditProgramme, SampleDraw, Tier
from audits.selectors import audit_list_for_user, audit_settings_for
from audits.selectors_work import (
    draw_list_for_user,
    moderation_queue_for_user,
    programme_get_for_user,
    programme_list_for_user,
)
from audits.services_programme import (
    audit_settings_update,
    first_of_month,
    programme_create,
    programme_draw,
    programme_update,
)
from audits.views_common import form_error, posted, require_qa_lead
from organisation.models import Organisation
from qa_system.errors import ApplicationError


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    organisation_id = require_qa_lead(request)
    programmes = programme_list_for_user(user=request.user).prefetch_related("teams")
    draws = draw_list_for_user(user=request.user).order_by("-month", "programme__name")[:24]
    this_month = first_of_month(timezone.localdate())
    open_audits = audit_list_for_user(user=request.user).filter(
        state__in=["planned", "reflection", "conversation"]
    )
    return render(
        request,
        "audits/programme_list.html",
        {
            "programmes": programmes,
            "draws": draws,
            "this_month": this_month,
            "settings": audit_settings_for(organisation_id=organisation_id),
            "open_count": open_audits.count(),
            "overdue_count": open_audits.filter(due_date__lt=timezone.localdate()).count(),
            "moderation_count": len(moderation_queue_for_user(user=request.user)),
        },
    )


def _programme_values(form: ProgrammeForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data["team_ids"] = [team.pk for team in data.pop("teams")]
    data["thematic_child_ids"] = data.pop("thematic_cases")
    return data


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    organisation_id = require_qa_lead(request)
    form = ProgrammeForm(
        posted(request),
        organisation_id=organisation_id,
        initial={"unit": "team", "audits_per_unit": 1, "deadline_days": 28, "active": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_create(
                organisation=Organisation.objects.get(pk=organisation_id),
                by=request.user,
                **_programme_values(form),
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{programme.name} is set up.")
            return redirect("audits:programme_detail", pk=programme.pk)
    return render(request, "audits/programme_form.html", {"form": form, "programme": None})


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_qa_lead(request)
    programme = programme_get_for_user(user=request.user, pk=pk)
    this_month = first_of_month(timezone.localdate())
    draws = list(programme.draws.select_related("drawn_by__staff_member").order_by("-month"))
    return render(
        request,
        "audits/programme_detail.html",
        {
            "programme": programme,
            "draws": draws,
            "this_month": this_month,
            "drawn_this_month": any(draw.month == this_month for draw in draws),
            "tiers": [Tier(code).label for code in programme.tiers],
            "teams": list(programme.teams.order_by("name")),
            "thematic_count": programme.thematic_children.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation_id = require_qa_lead(request)
    programme = programme_get_for_user(user=request.user, pk=pk)
    initial = {
        name: getattr(programme, name)
        for name in ("name", "tool", "unit", "audits_per_unit", "tiers", "weight_long_cp",
                     "weight_re_referral", "weight_not_seen", "is_thematic", "theme",
                     "deadline_days", "active")
    }  # fmt: skip
    initial["teams"] = list(programme.teams.all())
    initial["thematic_cases"] = "\n".join(
        programme.thematic_children.order_by("pseudonym").values_list("pseudonym", flat=True)
    )
    form = ProgrammeForm(posted(request), organisation_id=organisation_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme_update(programme=programme, by=request.user, **_programme_values(form))
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The programme is saved. The next draw uses it.")
            return redirect("audits:programme_detail", pk=programme.pk)
    return render(request, "audits/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_POST
def programme_draw_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Draw this month's sample now (as the monthly job would). Idempotent: a month
    already drawn is left as it is."""
    require_qa_lead(request)
    programme: AuditProgramme = programme_get_for_user(user=request.user, pk=pk)
    month = first_of_month(timezone.localdate())
    already = SampleDraw.objects.filter(programme=programme, month=month).first()
    if already is not None:
        messages.info(
            request,
            f"{month:%B %Y} was already drawn on {timezone.localtime(already.drawn_at):%d %B}: "
            "nothing has changed.",
        )
        return redirect("audits:programme_detail", pk=programme.pk)
    try:
        draw = programme_draw(programme=programme, month=month, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"{month:%B %Y} is drawn: {draw.selected_count} audit"
            f"{'s' if draw.selected_count != 1 else ''} assigned from {draw.eligible_count} "
            "eligible cases. The practitioners and auditors are told.",
        )
    return redirect("audits:programme_detail", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def audit_settings(request: HttpRequest) -> HttpResponse:
    organisation_id = require_qa_lead(request)
    current = audit_settings_for(organisation_id=organisation_id)
    initial = {
        "follow_up_weeks": current.follow_up_weeks,
        "moderation_percent": current.moderation_percent,
        "reminder_days": current.reminder_days,
    }
    form = SettingsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            audit_settings_update(
                organisation=Organisation.objects.get(pk=organisation_id),
                by=request.user,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The audit settings are saved.")
            return redirect("audits:programme_list")
    return render(request, "audits/settings_form.html", {"form": form})

"""The case card and the QA board / self-evaluation pack.

Case card: a child outside the user's scope does not exist (404); viewing writes the
access log. Pack: the organisation's for whole-organisation roles (others 403); a
service's for those who may see the service (404 otherwise). Downloading the PDF writes
the access log (an export).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from organisation.models import AccessLogEntry, Organisation, Service
from organisation.selectors import organisation_for_user, service_get_for_user, user_scope
from organisation.services import access_log_record
from qa_system.pack import Pack, pack_for
from qa_system.pack_pdf import pack_pdf
from qa_system.selectors_case import case_card_for, child_get_for_user

CASE_CARD_ROUTE = "qa:case_card"


@login_required
@require_GET
def case_card(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(user=request.user, pk=pk)
    card = case_card_for(user=request.user, child=child)
    access_log_record(user=request.user, obj=child, route=CASE_CARD_ROUTE)  # type: ignore[arg-type]
    return render(request, "qa_system/case_card.html", {"card": card})


def _organisation_for_pack(request: HttpRequest) -> Organisation:
    organisation = organisation_for_user(user=request.user)
    if organisation is None or not user_scope(user=request.user).sees_whole_organisation:
        raise PermissionDenied
    return organisation


def _pack(request: HttpRequest, service: Service | None) -> Pack:
    organisation = service.organisation if service else _organisation_for_pack(request)
    return pack_for(
        organisation=organisation, service=service, period_key=request.GET.get("period")
    )


def _render_pack(request: HttpRequest, pack: Pack, pdf_url: str) -> HttpResponse:
    if pack.period:
        pdf_url += f"?period={pack.period.key}"
    return render(request, "qa_system/pack.html", {"pack": pack, "pdf_url": pdf_url})


def _download(request: HttpRequest, pack: Pack, subject: Model, route: str) -> HttpResponse:
    pdf = pack_pdf(context={"pack": pack, "service_name": settings.SERVICE_NAME})
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=subject,
        route=route,
        action=AccessLogEntry.Action.EXPORT,
    )
    name = slugify(f"self-evaluation {pack.unit_name} {pack.period.key if pack.period else ''}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_GET
def pack_organisation(request: HttpRequest) -> HttpResponse:
    return _render_pack(request, _pack(request, None), reverse("qa:pack_pdf"))


@login_required
@require_GET
def pack_organisation_pdf(request: HttpRequest) -> HttpResponse:
    pack = _pack(request, None)
    return _download(request, pack, pack.organisation, "qa:pack_pdf")


def _service(request: HttpRequest, pk: int) -> Service:
    service: Service = service_get_for_user(user=request.user, pk=pk)
    return service


@login_required
@require_GET
def pack_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(request, pk)
    return _render_pack(
        request, _pack(request, service), reverse("qa:pack_service_pdf", args=[service.pk])
    )


@login_required
@require_GET
def pack_service_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    service = _service(request, pk)
    return _download(request, _pack(request, service), service, "qa:pack_service_pdf")

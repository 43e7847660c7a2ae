"""The QA unit pages: the organisation, a service, a team, a practitioner and my practice.

Each unit comes through `qa_system.selectors_qa_units` (the organisation's visibility
selectors: outside a user's scope a unit does not exist, 404) and its page through
`qa_system.selectors_qa.qa_page_for`. Query parameters: `period` (the core data pages'
period keys) and `sort` (the comparison's column, '-' first for largest first).
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organisation.services import access_log_record_many
from qa_system.selectors_qa import qa_page_for
from qa_system.selectors_qa_units import (
    UnitPlace,
    qa_place_me,
    qa_place_organisation,
    qa_place_practitioner,
    qa_place_service,
    qa_place_team,
)


def _render(request: HttpRequest, place: UnitPlace, route: str) -> HttpResponse:
    page = qa_page_for(
        user=request.user,
        place=place,
        period_key=request.GET.get("period"),
        sort=request.GET.get("sort", ""),
    )
    if page.audits.themes:
        # The themes quote single audits: child-level data, so each one shown is logged.
        access_log_record_many(
            user=request.user,  # type: ignore[arg-type]
            objects=[theme.audit for theme in page.audits.themes],
            route=route,
        )
    return render(
        request,
        "qa_system/unit.html",
        {"page": page, "place": place, "unit": place.unit},
    )


@login_required
@require_GET
def unit_organisation(request: HttpRequest) -> HttpResponse:
    return _render(request, qa_place_organisation(user=request.user), "qa:unit_organisation")


@login_required
@require_GET
def unit_service(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, qa_place_service(user=request.user, pk=pk), "qa:unit_service")


@login_required
@require_GET
def unit_team(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, qa_place_team(user=request.user, pk=pk), "qa:unit_team")


@login_required
@require_GET
def unit_practitioner(request: HttpRequest, pk: int) -> HttpResponse:
    place = qa_place_practitioner(user=request.user, pk=pk)
    return _render(request, place, "qa:unit_practitioner")


@login_required
@require_GET
def my_practice(request: HttpRequest) -> HttpResponse:
    """My practice: the signed-in person's own practitioner page."""
    return _render(request, qa_place_me(user=request.user), "qa:my_practice")

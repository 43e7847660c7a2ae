"""Survey results: the units a person may see, one unit's results for a period (with
trends, response rates and free text in three columns), and downloads.

Every unit comes through the results' visibility selectors (outside a person's scope
it does not exist: 404). The figures are the stored rows, already suppressed where
there are too few responses; the page and the downloads show the same.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from organisation.models import StaffMember, Team
from organisation.selectors import (
    service_list_for_user,
    staff_current_team,
    staff_list_for_user,
    team_list_for_user,
    team_members_current,
    user_scope,
)
from surveys.periods import PERIOD_TYPES, period_label
from surveys.results_cells import ORGANISATION, PRACTITIONER, SERVICE, TEAM
from surveys.results_display import (
    free_text_measures,
    period_type_or_default,
    results_page,
    survey_titles,
)
from surveys.selectors import survey_settings_for
from surveys.selectors_results import (
    SurveyUnit,
    survey_free_text_for_unit,
    survey_results_for_unit,
    survey_unit_get_for_user,
    survey_unit_list_for_user,
    survey_unit_visible,
)
from surveys.services_exports import measure_names, survey_results_csv, survey_results_xlsx
from surveys.views_common import survey_nav

UNIT_KINDS = {
    ORGANISATION: "Organisation",
    SERVICE: "Service",
    TEAM: "Team",
    PRACTITIONER: "Practitioner",
}
PERIOD_TYPE_LABELS = {"month": "Months", "quarter": "Quarters", "year": "Financial years"}
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _unit_url(unit_type: str, unit_id: int) -> str:
    return reverse("surveys:results_unit", args=[unit_type, unit_id])


@login_required
@require_GET
def results_home(request: HttpRequest) -> HttpResponse:
    """The units whose results this person may open, widest first."""
    grouped: dict[str, list[SurveyUnit]] = {kind: [] for kind in UNIT_KINDS}
    for unit in survey_unit_list_for_user(user=request.user):
        grouped[unit.unit_type].append(unit)
    groups = [
        (UNIT_KINDS[kind], [(u.name, _unit_url(u.unit_type, u.unit_id)) for u in units])
        for kind, units in grouped.items()
        if units
    ]
    return render(
        request, "surveys/results_home.html", {"groups": groups, "nav": survey_nav(request)}
    )


def _below(request: HttpRequest, unit: SurveyUnit) -> tuple[str, list[tuple[str, str]]]:
    """The units one level down that this person may open."""
    if unit.unit_type == ORGANISATION:
        services = service_list_for_user(user=request.user).order_by("name")
        links = [(s.name, _unit_url(SERVICE, s.pk)) for s in services]
        if links:
            return "Services", links
        teams = team_list_for_user(user=request.user).order_by("name")
        return "Teams", [(t.name, _unit_url(TEAM, t.pk)) for t in teams]
    if unit.unit_type == SERVICE:
        teams = team_list_for_user(user=request.user).filter(service_id=unit.unit_id)
        return "Teams", [(t.name, _unit_url(TEAM, t.pk)) for t in teams.order_by("name")]
    if unit.unit_type == TEAM:
        visible = staff_list_for_user(user=request.user).values("pk")
        members = team_members_current(team=Team(pk=unit.unit_id)).filter(pk__in=visible)
        return "Practitioners", [
            (s.name, _unit_url(PRACTITIONER, s.pk)) for s in members.order_by("name")
        ]
    return "", []


def _trail(request: HttpRequest, unit: SurveyUnit) -> list[tuple[str, str]]:
    """The units above this one that this person may open, widest first."""
    team: Team | None = None
    if unit.unit_type == PRACTITIONER:
        team = staff_current_team(staff=StaffMember(pk=unit.unit_id))
    elif unit.unit_type == TEAM:
        team = Team.objects.get(pk=unit.unit_id)
    candidates: list[tuple[str, int]] = []
    if unit.unit_type != ORGANISATION:
        candidates.append((ORGANISATION, int(user_scope(user=request.user).organisation_id or 0)))
    if unit.unit_type in (TEAM, PRACTITIONER) and team is not None:
        candidates.append((SERVICE, team.service_id))
    if unit.unit_type == PRACTITIONER and team is not None:
        candidates.append((TEAM, team.pk))
    links = [("Survey results", reverse("surveys:results"))]
    for unit_type, unit_id in candidates:
        if survey_unit_visible(user=request.user, unit_type=unit_type, unit_id=unit_id):
            above = survey_unit_get_for_user(
                user=request.user, unit_type=unit_type, unit_id=unit_id
            )
            links.append((above.name, _unit_url(unit_type, unit_id)))
    return links


@login_required
@require_GET
def results_unit(request: HttpRequest, unit_type: str, unit_id: int) -> HttpResponse:
    unit = survey_unit_get_for_user(user=request.user, unit_type=unit_type, unit_id=unit_id)
    organisation_id = int(user_scope(user=request.user).organisation_id or 0)
    period_type = period_type_or_default(request.GET.get("period_type"))
    rows = list(
        survey_results_for_unit(
            user=request.user, unit_type=unit_type, unit_id=unit_id, period_type=period_type
        )
    )
    min_responses = survey_settings_for(organisation_id=organisation_id).min_responses
    page = results_page(
        rows=rows,
        period_type=period_type,
        period_key=request.GET.get("period"),
        names=measure_names(organisation_id=organisation_id),
        titles=survey_titles(organisation_id=organisation_id),
        min_responses=min_responses,
        free_text=free_text_measures(organisation_id=organisation_id),
    )
    free_text: list[Any] = []
    if page.period_start is not None:
        free_text = survey_free_text_for_unit(
            user=request.user,
            unit_type=unit_type,
            unit_id=unit_id,
            period_type=period_type,
            period_start=page.period_start,
        )
    below_title, below = _below(request, unit)
    return render(
        request,
        "surveys/results_unit.html",
        {
            "unit": unit,
            "kind": UNIT_KINDS[unit.unit_type],
            "page": page,
            "free_text": free_text,
            "min_responses": min_responses,
            "period_types": [(t, PERIOD_TYPE_LABELS[t]) for t in PERIOD_TYPES],
            "below_title": below_title,
            "below": below,
            "trail": _trail(request, unit),
            "period_query": f"?period_type={period_type}"
            + (f"&period={page.period_start.isoformat()}" if page.period_start else ""),
            "period_name": period_label(period_type, page.period_start)
            if page.period_start
            else "",
            "nav": survey_nav(request),
        },
    )


@login_required
@require_GET
def results_download(
    request: HttpRequest, unit_type: str, unit_id: int, file_format: str
) -> HttpResponse:
    """Every stored period of the chosen period type, suppressed as on the page."""
    if file_format not in DOWNLOADS:
        raise Http404
    unit = survey_unit_get_for_user(user=request.user, unit_type=unit_type, unit_id=unit_id)
    period_type = period_type_or_default(request.GET.get("period_type"))
    writer = survey_results_csv if file_format == "csv" else survey_results_xlsx
    content = writer(
        user=request.user, unit_type=unit_type, unit_id=unit_id, period_type=period_type
    )
    response = HttpResponse(content, content_type=DOWNLOADS[file_format])
    name = f"survey-results-{unit.unit_type}-{unit.unit_id}-{period_type}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response

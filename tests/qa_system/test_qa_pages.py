"""The QA unit pages: audits, what families, children and staff say, and core data side
by side for a period, for the organisation, a service, a team, a practitioner and my
practice; the shared timeline; the parent's figures. Stored results are hand-made
(tests.qa_system.qa_pages_results): no engine, no audits or responses behind them.
Who may open which page is in the permission matrix (rows_qa.py)."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse

from audits.services_tools import tool_default_load
from organisation.models import AccessLogEntry
from qa_system.selectors_qa import QaPage
from tests.conftest import World
from tests.coredata.indicator_results import client_for, refresh, staff_of
from tests.qa_system.qa_pages_results import (
    Q1_KEY,
    completed_audit,
    core_results,
    flag_on,
    seed_world,
)

UrlOf = Callable[[World], str]


def page_of(response: Any) -> QaPage:
    page: QaPage = response.context["page"]
    return page


def audit_row(page: QaPage, label: str) -> Any:
    return next(row for row in page.audits.headline if row.label == label)


def survey_row(page: QaPage, measure: str) -> Any:
    rows = [row for group in page.surveys.groups for row in group.rows] + page.surveys.rates
    return next(row for row in rows if row.measure == measure)


def core_row(page: QaPage, code: str) -> Any:
    rows = [row for group in page.core.groups for row in group.rows]
    return next(row for row in rows if row.headline.code == code)


UNIT_PAGES: list[tuple[str, UrlOf, str, str, str, str]] = [
    # persona, URL, name, audits good or better, parents who understand, CP children seen
    ("senior_leader", lambda w: reverse("qa:unit_organisation"), "Testshire",
     "60.0%", "60.0%", "75.0%"),
    ("service_manager", lambda w: reverse("qa:unit_service", args=[w.service.pk]), "North",
     "60.0%", "65.0%", "78.0%"),
    ("team_manager", lambda w: reverse("qa:unit_team", args=[w.team.pk]), "North One",
     "70.0%", "80.0%", "80.0%"),
    ("team_manager",
     lambda w: reverse("qa:unit_practitioner", args=[staff_of(w.practitioner).pk]),
     "practitioner", "75.0%", "83.3%", "90.0%"),
    ("practitioner", lambda w: reverse("qa:my_practice"), "practitioner",
     "75.0%", "83.3%", "90.0%"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("persona", "url_of", "name", "audits", "parents", "seen"),
    UNIT_PAGES,
    ids=["organisation", "service", "team", "practitioner", "my_practice"],
)
def test_each_unit_page_shows_audits_surveys_and_core_data_side_by_side(
    world: World, persona: str, url_of: UrlOf, name: str, audits: str, parents: str, seen: str
) -> None:
    seed_world(world)
    if name == "practitioner":
        name = staff_of(world.practitioner).name

    response = client_for(getattr(world, persona)).get(url_of(world))

    page = page_of(response)
    content = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{name}</h1>' in content
    assert page.period is not None
    assert page.period.key == Q1_KEY  # the latest quarter
    for panel in ('id="audits"', 'id="surveys"', 'id="coredata"', 'id="timeline"'):
        assert panel in content
    assert content.index('id="audits"') < content.index('id="surveys"')
    assert content.index('id="surveys"') < content.index('id="coredata"')
    assert audit_row(page, "Graded good or outstanding").figure.text == audits
    assert survey_row(page, "parent_understand").figure.text == parents
    assert core_row(page, "P4").figure.text == seen
    assert [row.figures[-1].text for row in page.timeline.rows] == [audits, parents, seen, "22.0%"]


def test_the_panels_sit_in_one_grid_that_stacks_on_a_phone(world: World) -> None:
    seed_world(world)

    content = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    html = content.content.decode()
    grid = html[html.index('<div class="app-card-grid" id="panels">') : html.index('id="timeline"')]
    assert grid.count('<section class="app-card"') == 3


def test_a_team_page_sets_the_service_beside_the_team(world: World) -> None:
    seed_world(world)

    response = client_for(world.service_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    page = page_of(response)
    assert page.place.parent is not None
    assert page.place.parent.name == "North"
    assert audit_row(page, "Graded good or outstanding").parent.text == "60.0%"
    assert survey_row(page, "parent_understand").parent.text == "65.0%"
    assert core_row(page, "P4").parent.text == "78.0%"
    # The service manager may open the service's page: its name links to it.
    service_url = reverse("qa:unit_service", args=[world.service.pk])
    assert f'<a class="govuk-link" href="{service_url}?period={Q1_KEY}">North</a>' in (
        response.content.decode()
    )


def test_a_team_manager_sees_the_services_figures_without_a_link_to_its_page(
    world: World,
) -> None:
    seed_world(world)

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    page = page_of(response)
    assert page.place.parent_url == ""
    assert core_row(page, "P4").parent.text == "78.0%"
    assert reverse("qa:unit_service", args=[world.service.pk]) not in response.content.decode()


def test_the_core_data_panel_shows_the_change_and_englands_figure(world: World) -> None:
    seed_world(world)

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    page = page_of(response)
    assert "changes are from Q4 2024-25." in response.content.decode()
    seen = core_row(page, "P4")
    assert (seen.figure.of_text, seen.change) == ("80 of 100", "Up from 70.0%")
    assert core_row(page, "A1").change == "Up from 30"
    assert core_row(page, "O1").national == "22.6%"
    assert [group.title for group in page.core.groups] == [
        "Activity", "Plans", "Outcomes", "Workforce",
    ]  # fmt: skip


def test_the_audits_panel_shows_grades_sections_agreement_and_actions(world: World) -> None:
    seed_world(world)
    tool_default_load(organisation=world.organisation)  # the sections' titles

    page = page_of(
        client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))
    )

    assert audit_row(page, "Audits completed").figure.text == "10"
    assert audit_row(page, "Practitioner and auditor agree").figure.text == "80.0%"
    assert [(row.label, row.figure.text) for row in page.audits.grades][:2] == [
        ("Outstanding", "No data"),
        ("Good", "70.0%"),
    ]
    section = page.audits.sections[0]
    assert (section.code, section.good_or_better.text, section.agreement.text) == (
        "C", "75.0%", "90.0%",
    )  # fmt: skip
    assert section.title == "The child's voice"
    assert [(row.label, row.figure.text) for row in page.audits.actions][:2] == [
        ("Actions open", "5"),
        ("Actions overdue", "2"),
    ]


def test_a_practitioner_page_has_no_staff_survey_and_no_workforce_rates(world: World) -> None:
    seed_world(world)

    page = page_of(client_for(world.practitioner).get(reverse("qa:my_practice")))

    assert [group.title for group in page.surveys.groups] == [
        "Children and young people",
        "Parents and carers",
    ]
    assert [row.measure for row in page.surveys.rates] == ["rate:family"]
    workforce = next(group for group in page.core.groups if group.key == "workforce")
    assert [row.headline.code for row in workforce.rows] == ["W5"]


def test_the_timeline_is_one_table_of_periods_with_its_chart_data(world: World) -> None:
    seed_world(world)

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    page = page_of(response)
    assert [p.short_label for p in page.timeline.periods][-2:] == ["Q4 2024-25", "Q1 2025-26"]
    assert page.timeline.chart["kind"] == "pct"
    assert page.timeline.chart["datasets"][2] == {
        "label": "Core data: Children on a child protection plan seen as the plan says",
        "data": [None, None, None, 70.0, 80.0],
    }
    content = response.content.decode()
    assert '<script id="chart-timeline" type="application/json">' in content
    assert 'data-chart-source="chart-timeline"' in content
    assert "<script>" not in content  # no inline script (CSP)


def test_the_period_parameter_picks_the_period(world: World) -> None:
    seed_world(world)

    page = page_of(
        client_for(world.team_manager).get(
            reverse("qa:unit_team", args=[world.team.pk]), {"period": "2024-25-q4"}
        )
    )

    assert page.period is not None
    assert page.period.short_label == "Q4 2024-25"
    assert core_row(page, "P4").figure.text == "70.0%"
    assert '<option value="2024-25-q4" selected>' in page.choice.options_html
    assert page.choice.options_html.count(" selected") == 1
    assert audit_row(page, "Graded good or outstanding").figure.text == "No data"


def test_an_unknown_period_falls_back_to_the_latest_quarter_and_says_so(world: World) -> None:
    seed_world(world)

    response = client_for(world.team_manager).get(
        reverse("qa:unit_team", args=[world.team.pk]), {"period": "1999-00"}
    )

    assert page_of(response).period.key == Q1_KEY  # type: ignore[union-attr]
    assert "There are no results for the period asked for" in response.content.decode()


def test_twelve_months_to_a_month_show_core_data_only(world: World) -> None:
    seed_world(world)

    response = client_for(world.team_manager).get(
        reverse("qa:unit_team", args=[world.team.pk]), {"period": "12m-2025-06"}
    )

    page = page_of(response)
    assert (page.audits.supported, page.surveys.supported, page.core.available) == (
        False, False, True,
    )  # fmt: skip
    assert [row.element for row in page.timeline.rows] == ["Core data", "Core data"]
    assert "Audits are summarised by month, quarter and financial year" in (
        response.content.decode()
    )


def test_before_any_refresh_the_page_says_core_data_is_not_computed(world: World) -> None:
    response = client_for(world.senior_leader).get(reverse("qa:unit_organisation"))

    assert response.status_code == 200
    assert "The core data has not been computed yet" in response.content.decode()
    assert "No audits were completed in this period." in response.content.decode()


def test_the_themes_quote_audits_the_viewer_may_open_and_log_each_one(world: World) -> None:
    seed_world(world)
    audit = completed_audit(
        world,
        completed_at=datetime(2025, 5, 14, 10, tzinfo=UTC),
        working_well="Mum keeps the safety plan on the fridge",
        worries="School attendance dropped",
        next_steps="Network meeting with school",
    )

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    themes = page_of(response).audits.themes
    assert themes is not None
    assert [theme.audit.pk for theme in themes] == [audit.pk]
    assert "Mum keeps the safety plan on the fridge" in response.content.decode()
    entry = AccessLogEntry.objects.get(user=world.team_manager)
    assert (entry.object_type, entry.object_id, entry.route) == (
        "audits.audit", str(audit.pk), "qa:unit_team",
    )  # fmt: skip


def test_a_senior_leader_reads_figures_but_no_single_audit(world: World) -> None:
    seed_world(world)
    completed_audit(
        world,
        completed_at=datetime(2025, 5, 14, 10, tzinfo=UTC),
        working_well="Mum keeps the safety plan on the fridge",
    )

    response = client_for(world.senior_leader).get(reverse("qa:unit_team", args=[world.team.pk]))

    assert page_of(response).audits.themes == []
    assert "Mum keeps the safety plan" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(user=world.senior_leader).exists()


@pytest.mark.parametrize(
    ("persona", "label", "url_of"),
    [
        ("senior_leader", "Quality", lambda w: reverse("qa:unit_organisation")),
        ("service_manager", "Quality", lambda w: reverse("qa:unit_service", args=[w.service.pk])),
        ("team_manager", "Quality", lambda w: reverse("qa:unit_team", args=[w.team.pk])),
        ("practitioner", "My practice", lambda w: reverse("qa:my_practice")),
    ],
)
def test_the_navigation_links_the_widest_qa_page_someone_oversees(
    world: World, persona: str, label: str, url_of: UrlOf
) -> None:
    nav = client_for(getattr(world, persona)).get(reverse("home")).context["nav_items"]

    assert [item.url for item in nav if item.label == label] == [url_of(world)]


def test_the_navigation_has_no_qa_page_for_a_data_officer(world: World) -> None:
    nav = client_for(world.data_officer).get(reverse("home")).context["nav_items"]

    assert {"Quality", "My practice"}.isdisjoint(item.label for item in nav)


def test_a_new_refresh_shows_at_once_although_core_data_values_are_cached(world: World) -> None:
    seed_world(world)
    client = client_for(world.team_manager)
    url = reverse("qa:unit_team", args=[world.team.pk])
    before = core_row(page_of(client.get(url)), "P4").figure.text
    newer = refresh(world.organisation, age=timedelta(minutes=1))
    core_results(newer, "team", world.team.code, seen=55.0)

    after = core_row(page_of(client.get(url)), "P4").figure.text

    assert (before, after) == ("80.0%", "55.0%")


def test_the_flags_of_the_unit_and_period_are_shown_with_the_numbers_behind_them(
    world: World,
) -> None:
    seed_world(world)
    flag = flag_on(world.organisation, "team", world.team.pk, "Audits say good; children say no")
    flag_on(world.organisation, "team", world.other_team.pk, "Another team's flag")

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    assert page_of(response).flags == [flag]
    content = response.content.decode()
    flags = content[content.index('id="flags"') : content.index('id="panels"')]
    assert "Audits say good; children say no" in flags
    assert reverse("qa:flag_detail", args=[flag.pk]) in flags
    assert "Another team's flag" not in content


def test_flags_of_another_quarter_are_not_shown(world: World) -> None:
    seed_world(world)
    flag_on(world.organisation, "team", world.team.pk, "Audits say good; children say no")

    response = client_for(world.team_manager).get(
        reverse("qa:unit_team", args=[world.team.pk]), {"period": "2024-25-q4"}
    )

    assert page_of(response).flags == []
    assert "Audits say good; children say no" not in response.content.decode()

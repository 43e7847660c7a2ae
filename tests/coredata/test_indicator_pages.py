"""The core data pages of the organisation, a service, a team and a practitioner: each
indicator's value for the period, the parent's and England's figures, the trend, and the
state of the refresh behind them. Results are hand-built (tests.coredata.indicator_results).
"""

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse

from coredata.models import ImportRun, RefreshRun
from coredata.selectors_indicators import Row
from tests.conftest import World
from tests.coredata.indicator_results import (
    FY,
    Q1,
    Q4,
    client_for,
    refresh,
    staff_of,
    store,
)
from tests.factories import ServiceFactory, TeamFactory


def row_of(response: Any, code: str, breakdown: str = "") -> Row:
    cards = [card for section in response.context["page"].sections for card in section.cards]
    card = next(card for card in cards if card.code == code)
    return next(row for row in card.rows if row.breakdown == breakdown)


# --- Unit pages -----------------------------------------------------------------------


def test_organisation_page_shows_the_value_and_englands_figure(world: World) -> None:
    run = refresh(world.organisation)
    store(run, "organisation", "901", [("O1", "", FY, 30, 120, 25.0)])

    response = client_for(world.senior_leader).get(
        reverse("coredata:indicators_organisation"), {"period": "2024-25"}
    )

    row = row_of(response, "O1")
    assert (row.figure.text, row.figure.of_text) == ("25.0%", "30 of 120")
    assert row.national is not None
    assert (row.national_text, row.national.period_end) == ("22.6%", date(2025, 3, 31))
    content = response.content.decode()
    assert '25.0%<br><span class="govuk-body-s">30 of 120</span>' in content
    assert '22.6%<br><span class="govuk-body-s">31 Mar 2025</span>' in content


def test_a_unit_page_shows_the_latest_quarter_by_default(world: World) -> None:
    run = refresh(world.organisation)
    store(
        run, "organisation", "901", [("A1", "", Q1, 41, None, 41), ("A1", "", FY, 150, None, 150)]
    )

    response = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation"))

    assert response.context["page"].period.key == "2025-26-q1"
    assert row_of(response, "A1").figure.text == "41"
    assert "Quarter 1 of 2025-26 (1 April 2025 to 30 June 2025)" in response.content.decode()


def test_team_page_shows_the_services_value_beside_the_teams(world: World) -> None:
    run = refresh(world.organisation)
    store(run, "team", "N1", [("P4", "tier=CP", Q1, 9, 10, 90.0)])
    store(run, "service", "N", [("P4", "tier=CP", Q1, 30, 40, 75.0)])

    response = client_for(world.team_manager).get(
        reverse("coredata:indicators_team", args=[world.team.pk])
    )

    row = row_of(response, "P4", "tier=CP")
    assert row.figure.text == "90.0%"
    assert row.parent is not None
    assert row.parent.text == "75.0%"
    content = response.content.decode()
    assert ">North</th>" in content  # the parent's column


def test_a_zero_denominator_shows_no_data(world: World) -> None:
    run = refresh(world.organisation)
    store(
        run, "team", "N1", [("P4", "tier=LAC", Q1, 0, 0, None), ("P4", "tier=CP", Q1, 1, 1, 100.0)]
    )

    response = client_for(world.team_manager).get(
        reverse("coredata:indicators_team", args=[world.team.pk])
    )

    assert row_of(response, "P4", "tier=LAC").figure.text == "No data"
    assert row_of(response, "P4", "tier=CIN").figure.text == "No data"  # no row at all
    assert '<span class="app-empty-state">No data</span>' in response.content.decode()


def test_a_percentage_of_fewer_than_five_is_marked_low_base(world: World) -> None:
    run = refresh(world.organisation)
    store(
        run,
        "team",
        "N1",
        [("P4", "tier=CP", Q1, 2, 3, 200 / 3), ("P4", "tier=CIN", Q1, 4, 5, 80.0)],
    )

    response = client_for(world.team_manager).get(
        reverse("coredata:indicators_team", args=[world.team.pk])
    )

    assert row_of(response, "P4", "tier=CP").figure.low_base is True
    assert row_of(response, "P4", "tier=CIN").figure.low_base is False
    content = response.content.decode()
    assert '66.7% <strong class="govuk-tag govuk-tag--yellow">Low base</strong>' in content
    assert "80.0%<br>" in content


def test_a_count_missing_beside_other_breakdowns_is_zero(world: World) -> None:
    run = refresh(world.organisation)
    store(
        run, "team", "N1", [("P1", "tier=CP", Q1, 3, None, 3), ("P1", "tier=total", Q1, 3, None, 3)]
    )

    response = client_for(world.team_manager).get(
        reverse("coredata:indicators_team", args=[world.team.pk])
    )

    assert row_of(response, "P1", "tier=LAC").figure.text == "0"
    assert row_of(response, "A1").figure.text == "No data"


def test_rates_are_listed_only_for_units_with_a_population(world: World) -> None:
    run = refresh(world.organisation)
    store(run, "organisation", "901", [
        ("P1", "tier=CIN_DFE", (date(2023, 4, 1), date(2024, 3, 31)), 300, None, 300),
        ("P1", "tier=CIN_DFE;measure=rate_10k", FY, 300, 10_000, 300.0),
    ])  # fmt: skip
    store(run, "team", "N1", [("P1", "tier=CIN_DFE", FY, 30, None, 30)])

    organisation = client_for(world.qa_lead).get(
        reverse("coredata:indicators_organisation"), {"period": "2024-25"}
    )
    team = client_for(world.qa_lead).get(
        reverse("coredata:indicators_team", args=[world.team.pk]), {"period": "2024-25"}
    )

    assert row_of(organisation, "P1", "tier=CIN_DFE;measure=rate_10k").figure.text == "300.0"
    with pytest.raises(StopIteration):
        row_of(team, "P1", "tier=CIN_DFE;measure=rate_10k")


def test_the_trend_shows_earlier_quarters_from_the_first_with_data(world: World) -> None:
    run = refresh(world.organisation)
    q2 = (date(2024, 7, 1), date(2024, 9, 30))
    store(run, "organisation", "901", [
        ("A1", "", q2, 30, None, 30), ("A1", "", Q4, 35, None, 35), ("A1", "", Q1, 41, None, 41),
    ])  # fmt: skip

    response = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation"))

    content = response.content.decode()
    assert '<script id="chart-A1" type="application/json">' in content
    labels = '"labels": ["Q2 2024-25", "Q3 2024-25", "Q4 2024-25", "Q1 2025-26"]'
    assert labels in content
    assert '"data": [30.0, null, 35.0, 41.0]' in content
    assert '<th scope="row" class="govuk-table__header">Q3 2024-25</th>' in content
    assert "Q1 2024-25" not in content
    assert 'data-chart-source="chart-A1"' in content
    assert "js/charts.js" in content


def test_the_page_has_the_four_groups_and_each_definition(world: World) -> None:
    refresh(world.organisation)

    response = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation"))

    sections = response.context["page"].sections
    assert [s.title for s in sections] == ["Activity", "Plans", "Outcomes", "Workforce"]
    assert [c.code for c in sections[0].cards][:2] == ["A1", "A2"]
    assert "Definition of A1" in response.content.decode()
    assert "Referrals with a referral date in the period" in response.content.decode()
    assert 'id="chart-A1"' not in response.content.decode()  # no data: no chart


def test_a_practitioner_page_leaves_out_the_team_workforce_rates(world: World) -> None:
    refresh(world.organisation)
    staff = staff_of(world.practitioner)

    response = client_for(world.practitioner).get(
        reverse("coredata:indicators_practitioner", args=[staff.pk])
    )

    workforce = response.context["page"].sections[3]
    assert [c.code for c in workforce.cards] == ["W5"]
    assert response.context["parent"].name == "North One"


def test_an_unknown_period_falls_back_to_the_default(world: World) -> None:
    refresh(world.organisation)

    response = client_for(world.qa_lead).get(
        reverse("coredata:indicators_organisation"), {"period": "1999-00"}
    )

    assert response.context["page"].period.key == "2025-26-q1"
    assert "There are no results for the period asked for" in response.content.decode()


def test_drill_down_links_go_to_the_units_below(world: World) -> None:
    refresh(world.organisation)

    organisation = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation"))
    service = client_for(world.service_manager).get(
        reverse("coredata:indicators_service", args=[world.service.pk])
    )
    team = client_for(world.team_manager).get(
        reverse("coredata:indicators_team", args=[world.team.pk])
    )

    assert [name for name, _ in organisation.context["below"]] == ["North", "South"]
    assert [name for name, _ in service.context["below"]] == ["North One", "North Two"]
    practitioner = staff_of(world.practitioner)
    assert (
        practitioner.name,
        reverse("coredata:indicators_practitioner", args=[practitioner.pk]),
    ) in (team.context["below"])
    # A manager may open the organisation's aggregate page (not its children).
    assert service.context["trail"] == [("Testshire", reverse("coredata:indicators_organisation"))]


def test_a_managers_organisation_page_links_only_the_units_they_oversee(world: World) -> None:
    refresh(world.organisation)

    team_manager = client_for(world.team_manager).get(reverse("coredata:indicators_organisation"))
    service_manager = client_for(world.service_manager).get(
        reverse("coredata:indicators_organisation")
    )

    assert team_manager.context["below"] == [
        ("North One", reverse("coredata:indicators_team", args=[world.team.pk]))
    ]
    assert team_manager.context["below_title"] == "Teams"
    assert service_manager.context["below"] == [
        ("North", reverse("coredata:indicators_service", args=[world.service.pk]))
    ]
    assert team_manager.context["children_url"] == ""


# --- Refresh state --------------------------------------------------------------------


def test_results_older_than_a_day_carry_a_warning(world: World) -> None:
    imports = [
        ImportRun.objects.create(
            organisation=world.organisation,
            status="succeeded",
            files=[{"name": "referrals.xml", "kind": "cin_census"}],
        ).pk
    ]
    refresh(world.organisation, age=timedelta(days=2), import_run_ids=imports)

    content = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation")).content

    assert "This data was last refreshed more than a day ago" in content.decode()
    assert "from 1 import, with data up to 30 June 2025" in content.decode()
    assert "CIN census (XML)" in content.decode()


def test_fresh_results_carry_no_warning(world: World) -> None:
    refresh(world.organisation, age=timedelta(hours=23))

    content = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation")).content

    assert "more than a day ago" not in content.decode()
    assert "Data last refreshed on" in content.decode()


def test_a_page_before_any_refresh_says_so(world: World) -> None:
    content = client_for(world.qa_lead).get(reverse("coredata:indicators_organisation")).content

    assert "The core data has not been computed yet" in content.decode()


# --- Queries, navigation --------------------------------------------------------------


def _many_units(world: World, count: int) -> None:
    run = RefreshRun.objects.get(organisation=world.organisation)
    for n in range(count):
        service = ServiceFactory(organisation=world.organisation, code=f"X{n}")
        team = TeamFactory(service=service, code=f"XT{n}")
        store(run, "service", service.code, [("A1", "", Q1, n, None, n)])
        store(run, "team", team.code, [("A1", "", Q1, n, None, n)])


@pytest.mark.parametrize("units", [1, 12])
def test_queries_do_not_grow_with_units_or_indicators(
    world: World, units: int, django_assert_max_num_queries: Any
) -> None:
    imports = [
        ImportRun.objects.create(organisation=world.organisation, status="succeeded").pk
        for _ in range(units)
    ]
    run = refresh(world.organisation, import_run_ids=imports)
    codes = ["A1", "A4", "A5", "A6", "O2", "O3", "W1", "W2"][: 1 + units // 2]
    store(run, "organisation", "901", [(c, "", Q1, 5, None, 5) for c in codes])
    store(run, "service", "N", [(c, "", Q1, 2, None, 2) for c in codes])
    store(run, "team", "N1", [(c, "", Q1, 1, None, 1) for c in codes])
    _many_units(world, units)
    client = client_for(world.qa_lead)
    pages = [
        reverse("coredata:indicators_organisation"),
        reverse("coredata:indicators_service", args=[world.service.pk]),
        reverse("coredata:indicators_team", args=[world.team.pk]),
        reverse("coredata:indicators_practitioner", args=[staff_of(world.practitioner).pk]),
    ]
    for url in pages:
        client.get(url)  # the session and user are loaded once, as on any later page

        # 15: the page's own, plus the header's count of unread notifications.
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("senior_leader", lambda w: reverse("coredata:indicators_organisation")),
        ("administrator", lambda w: reverse("coredata:indicators_organisation")),
        ("service_manager", lambda w: reverse("coredata:indicators_service", args=[w.service.pk])),
        ("team_manager", lambda w: reverse("coredata:indicators_team", args=[w.team.pk])),
        ("practitioner", lambda w: reverse("coredata:indicators_me")),
    ],
)
def test_navigation_links_core_data_at_the_widest_unit_someone_oversees(
    world: World, persona: str, url: Any
) -> None:
    nav = client_for(getattr(world, persona)).get(reverse("home")).context["nav_items"]

    assert [item.url for item in nav if item.label == "Core data"] == [url(world)]


def test_navigation_has_no_core_data_for_a_data_officer(world: World) -> None:
    nav = client_for(world.data_officer).get(reverse("home")).context["nav_items"]

    assert "Core data" not in [item.label for item in nav]

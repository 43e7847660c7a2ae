"""The 5-response rule on the QA pages: where fewer people answered than the
organisation's minimum, the stored survey result has no numbers and no page shows one:
not the surveys panel, the parent column, the timeline, the comparison or the comments.
And the manager's comparison: the units below in one table, sorted by links."""

from typing import Any

from django.urls import reverse

from qa_system.selectors_qa import QaPage
from surveys.selectors_results import FreeTextBlock, FreeTextColumnView
from tests.conftest import World
from tests.coredata.indicator_results import client_for
from tests.qa_system.qa_pages_results import Q1_KEY, seed_world


def page_of(response: Any) -> QaPage:
    page: QaPage = response.context["page"]
    return page


def surveys_html(response: Any) -> str:
    content = response.content.decode()
    return content[content.index('id="surveys"') : content.index('id="coredata"')]


def test_too_few_responses_show_no_number_in_the_surveys_panel(world: World) -> None:
    seed_world(world)  # North Two: 3 family responses

    response = client_for(world.service_manager).get(
        reverse("qa:unit_team", args=[world.other_team.pk])
    )

    page = page_of(response)
    understand = next(
        row for group in page.surveys.groups for row in group.rows
        if row.measure == "parent_understand"
    )  # fmt: skip
    assert (understand.figure.suppressed, understand.figure.value) == (True, None)
    assert understand.figure.of_text == ""
    assert understand.respondents is None
    html = surveys_html(response)
    assert "Too few responses" in html
    assert "No figure is shown for fewer than 5 responses." in html
    # 1 of 3 understood and 3 of 9 invited answered: neither count is shown, and nothing
    # but the suppressed marker stands in the team's own cells.
    assert "1 of 3" not in html
    assert "3 of 9" not in html
    row = html.split("Parents who understand what needs to happen")[1].split("</tr>")[0]
    own = row.split("<strong>")[1].split("</strong>")[0]  # then the service's (20 responses)
    assert "%" not in own
    assert "Too few responses" in own
    assert "North: 65.0%" in row


def test_the_minimum_is_the_organisations_own(world: World) -> None:
    from surveys.models import SurveySettings

    SurveySettings.objects.create(organisation=world.organisation, min_responses=8)
    seed_world(world)

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    assert page_of(response).surveys.min_responses == 8
    assert "No figure is shown for fewer than 8 responses." in surveys_html(response)


def test_a_suppressed_parent_shows_no_number_in_the_parent_column(world: World) -> None:
    seed_world(world)

    # North Two's practitioner: their team (the parent) has too few responses.
    response = client_for(world.service_manager).get(
        reverse("qa:unit_practitioner", args=[world.other_team_practitioner.staff_member.pk])
    )

    page = page_of(response)
    parents = {
        row.measure: row.parent.text
        for group in page.surveys.groups for row in group.rows if row.parent
    }  # fmt: skip
    assert parents["parent_understand"] == parents["child_safe_home"] == "Too few responses"
    assert parents["parent_satisfaction"] == "No data"  # nothing stored


def test_too_few_responses_show_no_number_in_the_timeline(world: World) -> None:
    seed_world(world)

    page = page_of(
        client_for(world.service_manager).get(reverse("qa:unit_team", args=[world.other_team.pk]))
    )

    families = next(row for row in page.timeline.rows if row.element == "Families")
    assert families.figures[-1].suppressed
    assert families.figures[-1].value is None
    chart = next(d for d in page.timeline.chart["datasets"] if d["label"].startswith("Families"))
    assert chart["data"][-1] is None


def test_too_few_responses_show_no_number_in_the_comparison(world: World) -> None:
    seed_world(world)

    response = client_for(world.service_manager).get(
        reverse("qa:unit_service", args=[world.service.pk])
    )

    comparison = page_of(response).comparison
    assert comparison is not None
    keys = [column.key for column in comparison.columns]
    cells = {row.unit.name: row.cells for row in comparison.rows}
    understand = keys.index("parents_understand")
    assert cells["North Two"][understand].suppressed
    assert cells["North Two"][understand].text == "Too few responses"
    assert cells["North One"][understand].text == "80.0%"


def test_comments_under_the_minimum_are_not_shown(world: World, monkeypatch: Any) -> None:
    seed_world(world)
    suppressed = [
        FreeTextBlock("parents", "Parents", [
            FreeTextColumnView("working_well", "What's working well", True, []),
            FreeTextColumnView("worries", "What are we worried about", True, []),
        ]),
    ]  # fmt: skip
    monkeypatch.setattr(
        "qa_system.selectors_qa_surveys.survey_free_text_for_unit", lambda **_: suppressed
    )

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    free_text = page_of(response).surveys.free_text
    assert free_text is not None
    assert free_text.suppressed
    assert "Comments are shown once at least 5 people have answered." in surveys_html(response)


def test_shared_comments_are_shown_in_the_three_columns(world: World, monkeypatch: Any) -> None:
    seed_world(world)
    shared = [
        FreeTextBlock("parents", "Parents", [
            FreeTextColumnView("working_well", "What's working well", False, ["Kind worker"]),
            FreeTextColumnView("needs_to_happen", "What needs to happen", False, ["More visits"]),
        ]),
    ]  # fmt: skip
    monkeypatch.setattr(
        "qa_system.selectors_qa_surveys.survey_free_text_for_unit", lambda **_: shared
    )

    response = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))

    free_text = page_of(response).surveys.free_text
    assert free_text is not None
    assert free_text.columns == [
        ("What's working well", ["Kind worker"]),
        ("What are we worried about", []),
        ("What needs to happen", ["More visits"]),
    ]
    assert "Kind worker" in surveys_html(response)


# --- The comparison ---------------------------------------------------------------------


def names(response: Any) -> list[str]:
    comparison = page_of(response).comparison
    assert comparison is not None
    return [row.unit.name for row in comparison.rows]


def test_a_service_page_compares_its_teams_in_one_table(world: World) -> None:
    seed_world(world)

    response = client_for(world.service_manager).get(
        reverse("qa:unit_service", args=[world.service.pk])
    )

    comparison = page_of(response).comparison
    assert comparison is not None
    assert comparison.title == "Teams compared"
    assert [(c.element, c.label) for c in comparison.columns] == [
        ("Audits", "Graded good or outstanding"),
        ("Audits", "Actions overdue"),
        ("Families", "Parents who understand the plan"),
        ("Families", "Families who answered"),
        ("Core data", "Children on CP plans seen as planned"),
        ("Core data", "Average caseload"),
    ]
    rows = {row.unit.name: [cell.text for cell in row.cells] for row in comparison.rows}
    assert rows == {
        "North One": ["70.0%", "2", "80.0%", "33.3%", "80.0%", "15.0"],
        "North Two": ["50.0%", "4", "Too few responses", "Too few responses", "60.0%", "15.0"],
    }


def test_the_comparison_sorts_by_a_column_either_way_with_missing_values_last(
    world: World,
) -> None:
    seed_world(world)
    client = client_for(world.service_manager)
    url = reverse("qa:unit_service", args=[world.service.pk])

    ascending = client.get(url, {"sort": "audits_good"})
    descending = client.get(url, {"sort": "-audits_good"})
    by_families = client.get(url, {"sort": "parents_understand"})
    by_families_reversed = client.get(url, {"sort": "-parents_understand"})

    assert names(ascending) == ["North Two", "North One"]
    assert names(descending) == ["North One", "North Two"]
    # North Two's figure is suppressed: last whichever way.
    assert names(by_families) == names(by_families_reversed) == ["North One", "North Two"]


def test_the_sort_links_work_without_javascript(world: World) -> None:
    seed_world(world)
    url = reverse("qa:unit_service", args=[world.service.pk])

    response = client_for(world.service_manager).get(url, {"sort": "audits_good"})

    comparison = page_of(response).comparison
    assert comparison is not None
    good = comparison.columns[0]
    assert (good.aria_sort, good.sort_url) == (
        "ascending", f"{url}?period={Q1_KEY}&sort=-audits_good#compare",
    )  # fmt: skip
    assert comparison.columns[1].aria_sort == "none"
    assert comparison.name_column.sort_url == f"{url}?period={Q1_KEY}&sort=name#compare"
    content = response.content.decode()
    link = good.sort_url.replace("&", "&amp;")
    assert f'aria-sort="ascending"><a class="govuk-link" href="{link}">' in content


def test_an_unknown_sort_lists_by_name(world: World) -> None:
    seed_world(world)

    response = client_for(world.service_manager).get(
        reverse("qa:unit_service", args=[world.service.pk]), {"sort": "-nonsense"}
    )

    assert names(response) == ["North One", "North Two"]
    assert page_of(response).comparison.name_column.aria_sort == "ascending"  # type: ignore[union-attr]


def test_a_team_page_compares_its_practitioners_and_a_practitioner_page_nothing(
    world: World,
) -> None:
    seed_world(world)

    team = client_for(world.team_manager).get(reverse("qa:unit_team", args=[world.team.pk]))
    mine = client_for(world.practitioner).get(reverse("qa:my_practice"))

    assert sorted(names(team)) == sorted(
        [world.practitioner.staff_member.name, world.team_manager.staff_member.name]
    )
    assert page_of(mine).comparison is None
    assert 'id="compare"' not in mine.content.decode()

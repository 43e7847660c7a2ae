"""A team manager drills from the organisation to a team, to a practitioner, and opens the
list of children behind a number; a practitioner cannot open another team's page."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from organisation.models import AccessLogEntry, StaffMember
from tests.browser.conftest import csp_violations
from tests.browser.test_sign_in import _enter_password
from tests.conftest import World
from tests.coredata.children_data import load_children
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_team_manager_drills_down_to_the_children_behind_a_number(
    page: Page, live_server: LiveServer, world: World, console: list[str]
) -> None:
    load_children(world)
    practitioner = StaffMember.objects.get(user=world.practitioner)
    _enter_password(page, live_server, world.team_manager, PASSWORD)

    page.goto(f"{live_server.url}/core-data/")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Testshire")
    expect(main.get_by_role("link", name="North Two", exact=True)).to_have_count(0)
    main.get_by_role("link", name="North One", exact=True).click()
    expect(main.locator("h1")).to_have_text("North One")
    main.get_by_role("link", name=practitioner.name, exact=True).click()
    expect(main.locator("h1")).to_have_text(practitioner.name)
    main.get_by_role("link", name="Children behind P1: Child protection", exact=True).click()

    expect(main.locator("h1")).to_have_text("Children behind the figure: Child protection")
    table = main.locator("table")
    expect(table).to_contain_text("C1")
    expect(table).not_to_contain_text("C2")  # a child in need, not on a protection plan
    assert list(AccessLogEntry.objects.values_list("user_id", "route")) == [
        (world.team_manager.pk, "coredata:indicators_children")
    ]
    assert csp_violations(console) == []


def test_a_practitioner_cannot_open_another_teams_page(
    page: Page, live_server: LiveServer, world: World, console: list[str]
) -> None:
    _enter_password(page, live_server, world.practitioner, PASSWORD)

    page.goto(f"{live_server.url}/core-data/teams/{world.other_team.pk}/")

    expect(page.locator("main h1")).to_have_text("Page not found")
    assert csp_violations(console) == []

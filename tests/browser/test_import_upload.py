"""A data officer imports a file with an error, reads the report, fixes it, imports again."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from coredata.models import ImportRun
from organisation.models import Team
from tests.browser.conftest import csp_violations
from tests.browser.test_sign_in import _enter_password
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

HEADER = b"team_code,team_name,service_code,service_name\n"


def _upload(page: Page, live_server: LiveServer, content: bytes) -> None:
    page.goto(f"{live_server.url}/imports/new/")
    page.locator("input[type=file]").set_input_files(
        {"name": "teams.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()


def test_data_officer_fixes_an_import_error_and_imports_again(
    page: Page, live_server: LiveServer, world: World, console: list[str]
) -> None:
    _enter_password(page, live_server, world.data_officer, PASSWORD)

    _upload(page, live_server, HEADER + b",Duty and Assessment East,E,East locality\n")
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Not imported: nothing was changed")
    errors = main.locator("table").first
    expect(errors).to_contain_text("teams.csv")
    expect(errors).to_contain_text("row 2")
    expect(errors).to_contain_text("team_code")
    assert not Team.objects.filter(name="Duty and Assessment East").exists()

    main.get_by_role("link", name="Import more files").click()
    _upload(page, live_server, HEADER + b"E01,Duty and Assessment East,E,East locality\n")
    expect(main.locator("h1")).to_have_text("Imported")
    expect(main).to_contain_text("Teams")
    assert Team.objects.get(code="E01").service.name == "East locality"
    assert list(ImportRun.objects.values_list("status", flat=True).order_by("pk")) == [
        "failed",
        "succeeded",
    ]
    assert csp_violations(console) == []

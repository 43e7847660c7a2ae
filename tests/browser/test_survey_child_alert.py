"""A child answers on a 320 px wide phone that they do not feel safe at home; the team
manager, signed in in another browser, sees the alert with the case reference and
acknowledges it."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from surveys.models import SafetyAlert
from tests.browser.conftest import csp_violations
from tests.browser.test_sign_in import _enter_password
from tests.conftest import World
from tests.factories import PASSWORD
from tests.surveys.factories import family_invitation, open_campaign

pytestmark = pytest.mark.browser


def _answer(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def test_a_child_says_they_do_not_feel_safe_and_the_team_manager_sees_the_alert(
    browser: Browser, live_server: LiveServer, world: World
) -> None:
    campaign = open_campaign(world.organisation, "child_8_12")
    invitation, token = family_invitation(world, campaign)
    child = browser.new_context(viewport={"width": 320, "height": 640}, base_url=live_server.url)
    manager = browser.new_context(base_url=live_server.url)
    messages: list[str] = []
    try:
        page = child.new_page()
        page.on("console", lambda message: messages.append(message.text))
        page.goto(f"/s/{token}/")

        # Told before the questions that someone will be told.
        notice = page.locator("#safety-notice")
        expect(notice).to_contain_text("Keeping you safe")
        expect(notice).to_contain_text("If you tell us you do not feel safe")
        page.get_by_role("button", name="Start").click()
        for _ in range(4):
            _answer(page, "Happy")
        expect(page.locator("h1")).to_have_text("I feel safe at home.")
        expect(page.locator("#answer-safety")).to_contain_text("we will tell someone")
        # The faces have names a screen reader reads; the pictures are decoration.
        expect(page.get_by_role("radio", name="Very sad")).to_have_count(1)
        expect(page.locator("img[alt='']")).to_have_count(5)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        _answer(page, "Very sad")
        for _ in range(2):
            _answer(page, "Very happy")
        _answer(page, "Yes")
        for _ in range(3):
            page.get_by_role("button", name="Skip this question").click()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.locator("h1")).to_have_text("Thank you")
        expect(page.locator("main")).to_contain_text("Childline")

        alert = SafetyAlert.objects.get()
        assert alert.places == ["home"]
        assert alert.child_id == invitation.child_id

        desk = manager.new_page()
        desk.on("console", lambda message: messages.append(message.text))
        _enter_password(desk, live_server, world.team_manager, PASSWORD)
        desk.goto("/notifications/")
        expect(desk.locator("main")).to_contain_text("Child safety alert")
        desk.goto("/surveys/alerts/")
        waiting = desk.locator("#alerts-waiting").locator("xpath=ancestor::table")
        assert invitation.child is not None
        reference = invitation.child.child_id
        expect(waiting).to_contain_text(reference)
        waiting.get_by_role("link", name=reference).click()
        expect(desk.locator("h1")).to_contain_text(reference)
        expect(desk.locator("main")).to_contain_text("At home")
        desk.get_by_label("What has been done").fill("Worker visited the child today.")
        desk.get_by_role("button", name="Acknowledge the alert").click()
        expect(desk.locator("main")).to_contain_text("Alert acknowledged.")

        alert.refresh_from_db()
        assert alert.acknowledged_by == world.team_manager
        assert csp_violations(messages) == []
    finally:
        child.close()
        manager.close()

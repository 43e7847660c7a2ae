"""Signing in through a real browser: password, authenticator code, roles and refusals."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from organisation.models import User
from tests.browser.conftest import csp_violations
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now, with time left to use it.

    The server accepts only the current 30-second period, so near the end of one this
    waits for the next rather than race the boundary.
    """
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def _enter_password(page: Page, live_server: LiveServer, user: User, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def _expect_home(page: Page, live_server: LiveServer) -> None:
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("Hello")


def test_team_manager_signs_in_with_password_and_authenticator_code(
    page: Page, live_server: LiveServer, world: World, console: list[str]
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(world.team_manager, secret)

    _enter_password(page, live_server, world.team_manager, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(_current_totp_code(secret))
    page.get_by_role("button", name="Sign in").first.click()

    _expect_home(page, live_server)
    main = page.locator("main")
    expect(main).to_contain_text("As team manager")
    expect(main).to_contain_text("Audit conversations to hold")
    expect(page.locator("header")).to_contain_text("Testshire")
    page.wait_for_load_state("networkidle")
    assert csp_violations(console) == []


def test_a_wrong_authenticator_code_is_refused(
    page: Page, live_server: LiveServer, world: World
) -> None:
    secret = generate_totp_secret()
    TOTP.activate(world.team_manager, secret)
    right = _current_totp_code(secret)

    _enter_password(page, live_server, world.team_manager, PASSWORD)
    page.locator("input[name=code]").fill(f"{(int(right) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Sign in").first.click()

    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    expect(page.locator("main")).to_contain_text("Incorrect code")
    # Not signed in: the home page sends them back to finish signing in.
    page.goto(f"{live_server.url}/")
    expect(page).not_to_have_url(f"{live_server.url}/")
    expect(page.locator("main")).not_to_contain_text("As team manager")


def test_data_officer_sees_their_own_lists(
    page: Page, live_server: LiveServer, world: World, console: list[str]
) -> None:
    _enter_password(page, live_server, world.data_officer, PASSWORD)

    _expect_home(page, live_server)
    main = page.locator("main")
    expect(main).to_contain_text("As data officer")
    expect(main).to_contain_text("Imports")
    expect(main).not_to_contain_text("Audit conversations to hold")
    expect(page.locator("header")).to_contain_text("Testshire")
    page.wait_for_load_state("networkidle")
    assert csp_violations(console) == []


def test_another_organisations_team_is_not_found(
    page: Page, live_server: LiveServer, world: World
) -> None:
    _enter_password(page, live_server, world.other_organisation_admin, PASSWORD)
    _expect_home(page, live_server)

    response = page.goto(f"{live_server.url}/teams/{world.team.pk}/")

    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("North One")
    expect(page.locator("body")).not_to_contain_text("Testshire")


def test_a_wrong_password_shows_the_error_summary(
    page: Page, live_server: LiveServer, world: World
) -> None:
    _enter_password(page, live_server, world.data_officer, "not-the-password-at-all")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(page.locator("main")).not_to_contain_text("As data officer")


def test_the_console_check_would_see_a_policy_violation(
    page: Page, live_server: LiveServer, console: list[str]
) -> None:
    """The check above is worth something: a blocked request does reach the console."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => new Promise((resolve) => {
            const image = document.createElement("img");
            image.onerror = image.onload = () => resolve();
            image.src = "https://example.invalid/tracker.png";
            document.body.append(image);
        })"""
    )
    page.wait_for_timeout(200)
    assert csp_violations(console), console

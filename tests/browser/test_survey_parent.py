"""A parent answers the family survey on a 320 px wide phone: opens the link, answers one
question a page, goes back to change an answer, checks and sends, and cannot send
again. Nothing is loaded from another site and nothing is wider than the screen."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from surveys.models import SurveyResponse
from tests.browser.conftest import csp_violations
from tests.conftest import World
from tests.surveys.factories import family_invitation

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    yield context
    context.close()


def _watch(page: Page) -> tuple[list[str], list[str]]:
    """Console messages, and every request the page makes."""
    messages: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("request", lambda request: requests.append(request.url))
    return messages, requests


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def _continue(page: Page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_a_parent_answers_changes_an_answer_sends_and_cannot_send_again(
    phone: BrowserContext, live_server: LiveServer, world: World
) -> None:
    invitation, token = family_invitation(world)
    page = phone.new_page()
    messages, requests = _watch(page)

    page.goto(f"/s/{token}/")

    expect(page).to_have_url(f"{live_server.url}/s/")
    assert token not in page.url
    expect(page.locator("h1")).to_have_text("Survey for parents and carers")
    _fits_the_screen(page)
    page.get_by_role("button", name="Start").click()

    expect(page.locator("legend")).to_contain_text("Question 1 of 13")
    page.get_by_label("Agree", exact=True).check()
    _continue(page)
    expect(page.locator("legend")).to_contain_text("Question 2 of 13")
    page.get_by_label("Disagree", exact=True).check()
    _continue(page)
    expect(page.locator("legend")).to_contain_text("Question 3 of 13")
    _fits_the_screen(page)

    # Back to question 2: the answer is kept, and can be changed.
    page.get_by_role("link", name="Back").click()
    expect(page.locator("legend")).to_contain_text("Question 2 of 13")
    expect(page.get_by_label("Disagree", exact=True)).to_be_checked()
    page.get_by_label("Strongly agree", exact=True).check()
    _continue(page)

    for _ in range(3, 10):
        page.get_by_label("Agree", exact=True).check()
        _continue(page)
    expect(page.locator("legend")).to_contain_text("Question 10 of 13")
    page.get_by_label("8", exact=True).check()
    _fits_the_screen(page)
    _continue(page)
    page.get_by_label("What has worked well?").fill("Being listened to")
    _continue(page)
    page.get_by_role("button", name="Skip this question").click()
    page.get_by_role("button", name="Skip this question").click()

    expect(page.locator("h1")).to_have_text("Check your answers")
    _fits_the_screen(page)
    rows = page.locator(".govuk-summary-list__row")
    expect(rows.nth(1)).to_contain_text("Strongly agree")
    expect(rows.nth(11)).to_contain_text("Not answered")
    # Change the first answer from the review page.
    page.get_by_role("link", name=re.compile(r"^Change\s+your answer to question 1$")).click()
    expect(page.get_by_label("Agree", exact=True)).to_be_checked()
    page.get_by_label("Neither agree nor disagree").check()
    page.get_by_role("button", name="Save and go back to your answers").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(rows.nth(0)).to_contain_text("Neither agree nor disagree")
    page.get_by_label("Managers can read what I wrote").check()
    page.get_by_role("button", name="Send my answers").click()

    expect(page.locator("h1")).to_have_text("Thank you")
    response = SurveyResponse.objects.get()
    assert response.invitation_id == invitation.pk
    assert response.answers["explained_worries"] == 3
    assert response.answers["understand_next_steps"] == 5
    assert response.answers["children_safe_now"] == 8
    assert response.answers["working_well"] == "Being listened to"
    assert "worries" not in response.answers
    assert response.share_comments is True

    # Back to the review page, or the link again: the survey cannot be sent twice.
    page.go_back()
    expect(page.locator("h1").first).to_have_text("This link does not work")
    opened_again = page.goto(f"/s/{token}/")
    assert opened_again is not None
    assert opened_again.status == 404
    expect(page.locator("h1").first).to_have_text("This link does not work")
    assert SurveyResponse.objects.count() == 1

    assert csp_violations(messages) == []
    assert [url for url in requests if not url.startswith(live_server.url)] == []

"""The audit journey through a real browser: the QA lead's programme assigns a case; the
practitioner reflects; the manager holds the conversation and completes it with an action
and a safeguarding escalation; the service manager acknowledges; a moderator changes the
grade; the action shows on the practitioner's home page."""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from audits.models import Audit, AuditAction, AuditState, SafeguardingEscalation
from audits.services_programme import audit_settings_update, programme_create
from organisation.models import User
from tests.audits.factories import case, days, default_tool
from tests.browser.conftest import csp_violations
from tests.browser.test_sign_in import _enter_password
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

RATED = ("B", "C", "D", "E", "F", "G")


@pytest.fixture
def person_page(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[[User], tuple[Page, list[str]]]]:
    """A signed-in page of its own for each person (their own browser context), with the
    console messages it gets."""
    contexts = []

    def open_for(user: User) -> tuple[Page, list[str]]:
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
        _enter_password(page, live_server, user, PASSWORD)
        expect(page.locator("h1")).to_contain_text("Hello")
        return page, messages

    yield open_for
    for context in contexts:
        context.close()


def _rate_every_item(page: Page, audit: Audit) -> None:
    """On each rated section, choose a rating in every radio group the person may fill."""
    for code in RATED:
        page.goto(f"/audits/{audit.pk}/sections/{code}/")
        groups = page.locator("main .govuk-radios")
        for index in range(groups.count()):
            groups.nth(index).locator(".govuk-radios__input").nth(2).check()
        # Saved as they go (the Save button would save it without JavaScript too).
        expect(page.locator("#autosave-status")).to_contain_text("Saved at")
        page.get_by_role("button", name="Save and continue").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"Section {code} is saved."
        )


def test_an_audit_from_the_programme_to_the_practitioners_home_page(
    world: World, person_page: Callable[[User], tuple[Page, list[str]]]
) -> None:
    tool = default_tool(world.organisation)
    case(worker=world.practitioner, team=world.team, tier="CP")
    programme_create(
        organisation=world.organisation, by=world.qa_lead, name="Monthly audits", tool=tool,
        team_ids=[world.team.pk],
    )  # fmt: skip
    # Every completed audit is moderated, so that this one is.
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, moderation_percent=100)
    consoles: list[list[str]] = []

    # The QA lead draws this month's sample: the practitioner's case, audited by the
    # team manager.
    qa, qa_console = person_page(world.qa_lead)
    consoles.append(qa_console)
    qa.get_by_role("link", name="Audits", exact=True).click()
    qa.get_by_role("link", name="The audit programme").click()
    qa.get_by_role("link", name="Monthly audits").click()
    qa.get_by_role("button", name="Draw now for").click()
    expect(qa.locator(".govuk-notification-banner")).to_contain_text("1 audit assigned")
    audit = Audit.objects.get()
    assert audit.practitioner == world.practitioner.staff_member
    assert audit.auditor == world.team_manager.staff_member

    # The practitioner reflects.
    practitioner, practitioner_console = person_page(world.practitioner)
    consoles.append(practitioner_console)
    practitioner.get_by_role("link", name="Audits", exact=True).click()
    practitioner.get_by_role("link", name=f"Audit {audit.pk}").first.click()
    practitioner.get_by_role("button", name="Start the reflection").click()
    expect(practitioner.locator("h1")).to_contain_text("Practitioner reflection")
    _rate_every_item(practitioner, audit)
    practitioner.goto(f"/audits/{audit.pk}/")
    practitioner.get_by_role("button", name="Finish my reflection").click()
    expect(practitioner.locator("h1")).to_contain_text("Audit conversation")

    # The manager holds the conversation: rates, judges, writes the three columns, adds
    # an action and raises an escalation, then completes it.
    manager, manager_console = person_page(world.team_manager)
    consoles.append(manager_console)
    manager.goto(f"/audits/{audit.pk}/")
    _rate_every_item(manager, audit)
    manager.goto(f"/audits/{audit.pk}/sections/H/")
    manager.locator("fieldset", has_text="Overall grade").get_by_label("Good", exact=True).check()
    manager.locator("fieldset", has_text="Practice scale").get_by_label("6", exact=True).check()
    manager.get_by_role("button", name="Save and continue").click()
    manager.get_by_label("What's working well").fill("The safety network meets every week.")
    manager.get_by_label("What are we worried about").fill("The plan is not reviewed.")
    manager.get_by_label("What needs to happen").fill("Review the plan with the network.")
    manager.get_by_role("button", name="Save and continue").click()
    manager.goto(f"/audits/{audit.pk}/")
    manager.get_by_role("link", name="Add an action").click()
    manager.get_by_label("What needs to happen").fill("Hold a network meeting about the plan.")
    due = days(21)
    manager.get_by_label("Day").fill(str(due.day))
    manager.get_by_label("Month").fill(str(due.month))
    manager.get_by_label("Year").fill(str(due.year))
    manager.get_by_role("button", name="Add the action").click()
    manager.get_by_role("link", name="Raise a safeguarding escalation").click()
    manager.get_by_label("The current risk to the child").fill("Found at risk at home now.")
    manager.get_by_role("button", name="Raise the escalation now").click()
    expect(manager.locator("h1")).to_contain_text("Not acknowledged")
    manager.goto(f"/audits/{audit.pk}/")
    manager.get_by_role("button", name="Complete the audit").click()
    expect(manager.locator(".govuk-notification-banner")).to_contain_text("completed")
    expect(manager.locator("h1")).to_contain_text("Completed")

    # The service manager acknowledges the escalation.
    service, service_console = person_page(world.service_manager)
    consoles.append(service_console)
    service.get_by_role("link", name="Audits", exact=True).click()
    service.get_by_role("link", name="Safeguarding escalations").click()
    service.get_by_role("link", name=f"Escalation on audit {audit.pk}").click()
    expect(service.locator("main")).to_contain_text("Found at risk at home now.")
    service.get_by_label("What you are doing about it (optional)").fill("Strategy meeting.")
    service.get_by_role("button", name="Acknowledge").click()
    expect(service.locator("h1")).to_contain_text("Acknowledged")
    assert SafeguardingEscalation.objects.get().acknowledged_by == world.service_manager

    # A moderator (the QA lead) changes the grade, with a reason.
    qa.goto("/audits/moderation/")
    qa.get_by_role("link", name=f"Moderate audit {audit.pk}").click()
    qa.get_by_label("No, it should change").check()
    qa.get_by_label("Requires improvement").check()
    qa.get_by_label("Your reason").fill("Safety goals are not specific enough for good.")
    qa.get_by_role("button", name="Save the moderation").click()
    expect(qa.locator("main")).to_contain_text(
        "changed the grade from good to requires improvement"
    )
    audit.refresh_from_db()
    assert (audit.state, audit.overall_grade) == (AuditState.MODERATED, "requires_improvement")

    # The action is on the practitioner's home page until it is done.
    practitioner.goto("/")
    actions = practitioner.locator("section", has_text="Your actions")
    expect(actions).to_contain_text(f"action from audit {audit.pk}")
    assert AuditAction.objects.get().owner == world.practitioner.staff_member
    for console in consoles:
        assert csp_violations(console) == []

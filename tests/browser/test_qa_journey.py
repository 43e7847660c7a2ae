"""The QA journey through a real browser: the senior leader opens the organisation's QA
page, drills to a service, a team and a practitioner, opens a flag and follows it to the
numbers behind it, and downloads the self-evaluation pack; the case card is opened by
the QA lead (senior leaders see aggregates only: a child's card is a 404 for them)."""

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from organisation.models import AccessLogEntry, User
from qa_system.models import FlagRule
from qa_system.services_flags import flag_rules_load_defaults, flags_refresh
from tests.browser.conftest import csp_violations
from tests.browser.test_sign_in import _enter_password
from tests.conftest import World
from tests.coredata.indicator_results import Q1, refresh, store
from tests.factories import PASSWORD
from tests.qa_system.builders import (
    audit_of,
    audit_result,
    child_allocated_to,
    invitation_for,
    response_to,
    staff_of,
    survey_result,
)

pytestmark = pytest.mark.browser

QUARTER = ("quarter", *Q1)
SECRET_ANSWER = "nobody listens to me"


@pytest.fixture
def person_page(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[[User], tuple[Page, list[str]]]]:
    """A signed-in page of its own for each person, with the console messages it gets."""
    contexts = []

    def open_for(user: User) -> tuple[Page, list[str]]:
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
        _enter_password(page, live_server, user, PASSWORD)
        return page, messages

    yield open_for
    for context in contexts:
        context.close()


def _quarter_of_figures(world: World) -> None:
    """Stored results for Q1 2025-26: the practitioner's family response rate is too low
    to judge (a flag), with core data and audit figures around it."""
    organisation = world.organisation
    run = refresh(organisation)
    store(run, "organisation", "901", [("A1", "", Q1, None, None, 320)])
    store(run, "team", "N1", [("A1", "", Q1, None, None, 40)])
    practitioner = staff_of(world.practitioner)
    store(run, "practitioner", practitioner.worker_id, [("W5", "", Q1, 18, 1, 18.0)])
    audit_result(
        organisation, ("organisation", organisation.pk), QUARTER, "completed", "", 12, None
    )
    survey_result(organisation, ("practitioner", practitioner.pk), QUARTER, "rate:family",
                  None, None, suppressed=True)  # fmt: skip
    flag_rules_load_defaults(organisation=organisation)
    FlagRule.objects.filter(default_key="family-response-rate-low").update(
        unit_types=["organisation", "service", "team", "practitioner"]
    )
    flags_refresh(organisation_id=organisation.pk, today=date(2025, 7, 15))


def test_the_senior_leader_follows_a_flag_and_downloads_the_pack(
    world: World, person_page: Callable[[User], tuple[Page, list[str]]]
) -> None:
    _quarter_of_figures(world)
    practitioner = staff_of(world.practitioner)
    child = child_allocated_to(world.practitioner, world.team)
    audit_of(child, practitioner=world.practitioner, auditor=world.team_manager, team=world.team)
    answered = invitation_for(child, worker=world.practitioner, team=world.team)
    response_to(answered, {"explained_worries": 1, "worries": SECRET_ANSWER})

    page, console = person_page(world.senior_leader)
    main = page.locator("main")

    # The organisation, then down: a service, a team, a practitioner.
    page.goto("/quality/?period=2025-26-q1")
    expect(main.locator("h1")).to_have_text("Testshire")
    main.get_by_role("link", name="North", exact=True).first.click()
    expect(main.locator("h1")).to_have_text("North")
    main.get_by_role("link", name="North One", exact=True).first.click()
    expect(main.locator("h1")).to_have_text("North One")
    main.get_by_role("link", name=practitioner.name, exact=True).first.click()
    expect(main.locator("h1")).to_have_text(practitioner.name)

    # The flag where the measures disagree, and the numbers behind it.
    flags = main.locator("#flags")
    expect(flags).to_contain_text("family survey response rate")
    flags.get_by_role("link", name="See the numbers behind it").click()
    expect(main.locator("h1")).to_have_text("Family response rate too low to judge")
    expect(main.locator("#numbers")).to_have_text("The numbers behind it")
    expect(main).to_contain_text("too few responses to show")
    main.get_by_role("link", name=f"{practitioner.name}: quality page").click()
    expect(main.locator("h1")).to_have_text(practitioner.name)

    # A child's case card is not the senior leader's to see.
    response = page.goto(f"/quality/cases/{child.pk}/")
    assert response is not None
    assert response.status == 404

    # The self-evaluation pack, from the organisation's page.
    page.goto("/quality/?period=2025-26-q1")
    main.get_by_role("link", name="The QA board and self-evaluation pack").click()
    expect(main.locator("h1")).to_contain_text("Testshire")
    expect(main).to_contain_text("1. What do we know about the quality and impact of practice?")
    expect(main).to_contain_text("2. How do we know it?")
    expect(main).to_contain_text("3. What are we doing about it?")
    with page.expect_download() as download_info:
        main.get_by_role("link", name="Download the pack (PDF)").click()
    download = download_info.value
    path = download.path()
    assert download.suggested_filename.endswith(".pdf")
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert AccessLogEntry.objects.filter(
        user=world.senior_leader, action="export", route="qa:pack_pdf"
    ).exists()
    assert csp_violations(console) == []

    # The QA lead opens the card of the audited case: its journey, its audit, the survey
    # sent and answered, and never the answer itself.
    qa, qa_console = person_page(world.qa_lead)
    qa.goto(f"/quality/cases/{child.pk}/")
    card = qa.locator("main")
    expect(card.locator("h1")).to_have_text(f"Child {child.child_id}")
    expect(card.locator("#journey")).to_have_text("The child's journey")
    expect(card).to_contain_text("Referral (source 1A)")
    expect(card).to_contain_text("Family survey after a plan ends")
    expect(card).not_to_contain_text(SECRET_ANSWER)
    assert AccessLogEntry.objects.filter(user=world.qa_lead, route="qa:case_card").exists()
    assert csp_violations(qa_console) == []

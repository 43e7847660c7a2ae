"""The QA board and self-evaluation pack: its three sections in HTML, the PDF, who may
have it, and that making the PDF never leaves the machine."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisation.models import AccessLogEntry
from qa_system.pack import pack_for
from qa_system.pack_pdf import STATIC_PREFIX, StaticOnlyFetcher, pack_pdf
from qa_system.services_flags import flag_rules_load_defaults, flags_refresh
from tests.conftest import World
from tests.coredata.indicator_results import Q1, Q4, refresh, store
from tests.qa_system.builders import (
    action_on,
    audit_of,
    audit_result,
    child_allocated_to,
    survey_result,
)

QUARTER = ("quarter", *Q1)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def stored(world: World) -> World:
    organisation = world.organisation
    run = refresh(organisation)
    store(
        run,
        "organisation",
        "901",
        [
            ("A1", "", Q1, None, None, 320),
            ("A1", "", Q4, None, None, 300),
            ("O1", "", Q1, 64, 320, 20.0),
            ("W5", "", Q1, 340, 20, 17.0),
        ],
    )
    store(run, "service", "N", [("A1", "", Q1, None, None, 120), ("A1", "", Q4, None, None, 150)])
    org = ("organisation", organisation.pk)
    audit_result(organisation, org, QUARTER, "completed", "", 12, None)
    audit_result(organisation, org, QUARTER, "good_or_better", "", 9, 12)
    audit_result(organisation, org, QUARTER, "section_grade", "section=C;grade=good", 30, 60)
    survey_result(organisation, org, QUARTER, "child_safe_home", 40, 50)
    survey_result(organisation, org, QUARTER, "staff_caseload", None, None, suppressed=True)
    survey_result(organisation, org, QUARTER, "rate:family", 30, 100)
    child = child_allocated_to(world.practitioner, world.team)
    audit = audit_of(
        child,
        practitioner=world.practitioner,
        auditor=world.team_manager,
        team=world.team,
        completed_at=timezone.now(),
    )
    action_on(audit, owner=world.practitioner, due=timezone.localdate() - timedelta(days=1))
    flag_rules_load_defaults(organisation=organisation)
    flags_refresh(organisation_id=organisation.pk)
    return world


def test_the_pack_answers_the_three_questions(stored: World) -> None:
    pack = pack_for(organisation=stored.organisation, service=None, period_key=None)

    assert pack.period is not None
    assert pack.period.key == "2025-26-q1"
    referrals = next(h for h in pack.headlines if h.label == "Referrals")
    assert (referrals.figure.text, referrals.change) == ("320", "up from 300")
    assert ("Graded good or better", "75.0%", "9 of 12") in [
        (f.label, f.text, f.of_text) for f in pack.audit_figures
    ]
    assert ("C: the child's voice", "50.0%") in [(s.label, s.text) for s in pack.audit_sections]
    surveys = {f.label: f.text for f in pack.survey_figures}
    assert surveys["Children who feel safe at home"] == "80.0%"
    assert surveys["Staff who say their caseload is manageable"] == "too few responses to show"
    assert pack.rules_active == 4
    assert [(t.team, t.open, t.overdue) for t in pack.team_actions] == [("North One", 1, 1)]


def test_a_service_pack_compares_with_the_organisation(stored: World) -> None:
    pack = pack_for(
        organisation=stored.organisation, service=stored.service, period_key="2025-26-q1"
    )

    referrals = next(h for h in pack.headlines if h.label == "Referrals")
    assert (referrals.figure.text, referrals.change, referrals.parent.text) == (  # type: ignore[union-attr]
        "120",
        "down from 150",
        "320",
    )
    assert pack.unit_name == "North"


def test_the_pack_page_has_the_three_sections(stored: World) -> None:
    response = _client(stored.senior_leader).get(reverse("qa:pack"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "1. What do we know about the quality and impact of practice?" in content
    assert "2. How do we know it?" in content
    assert "3. What are we doing about it?" in content
    assert "Download the pack (PDF)" in content
    assert "Children who feel safe at home" in content


def test_downloading_the_pdf_writes_the_access_log(stored: World) -> None:
    response = _client(stored.senior_leader).get(reverse("qa:pack_pdf"), {"period": "2025-26-q1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="self-evaluation')
    assert response.content.startswith(b"%PDF-")
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type, entry.route) == (
        "export",
        "organisation.organisation",
        "qa:pack_pdf",
    )


def test_the_pdf_has_the_packs_text(stored: World) -> None:
    pack = pack_for(organisation=stored.organisation, service=None, period_key=None)

    pdf = pack_pdf(context={"pack": pack, "service_name": "Sightline"})

    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 5_000


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/tracker.png",
        "http://127.0.0.1:8000/static/css/app.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        f"{STATIC_PREFIX}../../qa_system/settings.py",
    ],
)
def test_the_pdf_fetcher_refuses_anything_but_our_static_files(url: str) -> None:
    with pytest.raises(ValueError, match="static"):
        StaticOnlyFetcher().fetch(url)


def test_the_pdf_fetcher_serves_our_stylesheet() -> None:
    response = StaticOnlyFetcher().fetch(f"{STATIC_PREFIX}css/pack-print.css")

    assert b"@page" in response.read()
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    ("persona", "name", "kwargs", "status"),
    [
        ("qa_lead", "qa:pack", {}, 200),
        ("administrator", "qa:pack", {}, 200),
        ("service_manager", "qa:pack", {}, 403),
        ("practitioner", "qa:pack", {}, 403),
        ("service_manager", "qa:pack_service", {"pk": "service"}, 200),
        ("service_manager", "qa:pack_service", {"pk": "other_service"}, 404),
        ("team_manager", "qa:pack_service", {"pk": "service"}, 404),
        ("other_organisation_admin", "qa:pack_service", {"pk": "service"}, 404),
    ],
)
def test_who_may_have_which_pack(
    world: World, persona: str, name: str, kwargs: dict[str, str], status: int
) -> None:
    resolved = {key: getattr(world, value).pk for key, value in kwargs.items()}

    assert (
        _client(getattr(world, persona)).get(reverse(name, kwargs=resolved)).status_code == status
    )


def test_a_pack_before_any_refresh_says_there_is_nothing_yet(world: World) -> None:
    pack = pack_for(organisation=world.organisation, service=None, period_key=None)

    assert (pack.period, pack.headlines) == (None, [])
    assert pack_pdf(context={"pack": pack, "service_name": "Sightline"}).startswith(b"%PDF-")

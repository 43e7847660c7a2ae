"""Computing flags from stored results: the default rules on hand-made core data, audit
and survey results; replacing an organisation's flags idempotently; who sees them."""

from datetime import date
from typing import Any

import pytest
from celery.signals import task_postrun
from django.test import Client
from django.urls import reverse

from coredata.models import RefreshRun
from organisation.models import Organisation
from organisation.selectors import user_scope
from qa_system.home_flags import flag_waiting_lists
from qa_system.models import Flag, FlagRule
from qa_system.selectors_flags import flag_detail, flag_list_for_unit, flag_list_for_user
from qa_system.services_flags import (
    flag_quarters,
    flag_rule_set_active,
    flag_rules_load_defaults,
    flags_refresh,
)
from qa_system.tasks import refresh_flags_all
from tests.conftest import World
from tests.coredata.indicator_results import refresh, store
from tests.qa_system.builders import audit_result, staff_of, survey_result

Q3 = ("quarter", date(2024, 10, 1), date(2024, 12, 31))
Q4 = ("quarter", date(2025, 1, 1), date(2025, 3, 31))
Q1 = ("quarter", date(2025, 4, 1), date(2025, 6, 30))
LONG_CP = "tier=CP;view=open;min=2y"


def _stored_world(world: World) -> None:
    """North One: every default rule's measures disagree in Q1 2025-26."""
    organisation = world.organisation
    run = refresh(organisation)
    store(
        run,
        "team",
        "N1",
        [
            ("P2", LONG_CP, Q3[1:], 1, 20, 5.0),
            ("P2", LONG_CP, Q4[1:], 1.5, 20, 7.5),
            ("P2", LONG_CP, Q1[1:], 2, 20, 10.0),
            ("W5", "", Q1[1:], 107, 5, 21.4),
        ],
    )
    store(run, "organisation", "901", [("W5", "", Q1[1:], 340, 20, 17.0)])
    team = ("team", world.team.pk)
    audit_result(organisation, team, Q1, "section_grade", "section=C;grade=good", 6, 10)
    audit_result(organisation, team, Q1, "section_grade", "section=C;grade=outstanding", 2, 10)
    audit_result(organisation, team, Q1, "section_grade", "section=F;grade=good", 7, 8)
    survey_result(organisation, team, Q1, "q:child_8_12:explained", 4, 10)
    survey_result(organisation, team, Q1, "q:child_13_plus:explained", 2, 5)
    survey_result(organisation, team, Q1, "staff_caseload", 3, 10)
    survey_result(organisation, team, Q1, "rate:family", None, None, suppressed=True)
    org = ("organisation", organisation.pk)
    survey_result(organisation, org, Q1, "rate:family", 30, 100)


@pytest.fixture
def stored(world: World) -> World:
    flag_rules_load_defaults(organisation=world.organisation)
    _stored_world(world)
    return world


def _texts(organisation: Organisation) -> dict[str, str]:
    return {
        flag.rule.default_key: flag.text
        for flag in Flag.objects.filter(organisation=organisation).select_related("rule")
    }


def test_default_rules_raise_their_flags_for_the_team(stored: World) -> None:
    count = flags_refresh(organisation_id=stored.organisation.pk)

    texts = _texts(stored.organisation)
    assert count == 4
    assert set(texts) == {
        "voice-not-explained",
        "oversight-cp-drift",
        "caseload-unmanageable",
        "family-response-rate-low",
    }
    assert texts["voice-not-explained"] == (
        "In Q1 2025-26, audits in North One graded the child's voice good or better (80.0% "
        "of rated items), but only 40.0% of children said someone explained why people are "
        "worried about their family."
    )
    assert "from 5.0% to 10.0%" in texts["oversight-cp-drift"]
    assert (
        "(21.4 children per worker) is above the organisation's (17.0)"
        in texts["caseload-unmanageable"]
    )
    assert "(too few responses to show)" in texts["family-response-rate-low"]
    assert set(Flag.objects.values_list("unit_type", "unit_id", "period_start")) == {
        ("team", stored.team.pk, date(2025, 4, 1))
    }


def test_recomputing_replaces_flags_and_keeps_when_first_raised(stored: World) -> None:
    flags_refresh(organisation_id=stored.organisation.pk)
    first = dict(Flag.objects.values_list("rule__default_key", "raised_at"))

    count = flags_refresh(organisation_id=stored.organisation.pk)

    assert count == 4
    assert Flag.objects.count() == 4
    assert dict(Flag.objects.values_list("rule__default_key", "raised_at")) == first


def test_a_rule_turned_off_raises_nothing_after_the_recomputation(
    stored: World, django_capture_on_commit_callbacks: Any
) -> None:
    flags_refresh(organisation_id=stored.organisation.pk)
    rule = FlagRule.objects.get(default_key="caseload-unmanageable")

    with django_capture_on_commit_callbacks(execute=True):
        flag_rule_set_active(rule=rule, by=stored.qa_lead, active=False)

    assert set(_texts(stored.organisation)) == {
        "voice-not-explained",
        "oversight-cp-drift",
        "family-response-rate-low",
    }


def test_figures_that_agree_raise_nothing(world: World) -> None:
    flag_rules_load_defaults(organisation=world.organisation)
    refresh(world.organisation)
    team = ("team", world.team.pk)
    audit_result(world.organisation, team, Q1, "section_grade", "section=C;grade=good", 8, 10)
    survey_result(world.organisation, team, Q1, "q:child_8_12:explained", 9, 10)
    survey_result(world.organisation, team, Q1, "rate:family", 40, 80)

    assert flags_refresh(organisation_id=world.organisation.pk) == 0


def test_loading_the_default_rules_twice_changes_nothing(world: World) -> None:
    first = flag_rules_load_defaults(organisation=world.organisation)
    FlagRule.objects.filter(pk=first[0].pk).update(a_threshold=90)

    second = flag_rules_load_defaults(organisation=world.organisation)

    assert [r.pk for r in second] == [r.pk for r in first]
    assert FlagRule.objects.filter(organisation=world.organisation).count() == 4
    assert FlagRule.objects.get(pk=first[0].pk).a_threshold == 90


def test_flags_of_another_organisation_are_untouched(stored: World) -> None:
    flag_rules_load_defaults(organisation=stored.other_organisation)
    flags_refresh(organisation_id=stored.organisation.pk)

    flags_refresh(organisation_id=stored.other_organisation.pk)

    assert Flag.objects.filter(organisation=stored.organisation).count() == 4


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("team_manager", True),
        ("service_manager", True),
        ("qa_lead", True),
        ("senior_leader", True),
        ("practitioner", False),
        ("other_team_practitioner", False),
        ("far_team_practitioner", False),
        ("data_officer", False),
        ("other_organisation_admin", False),
    ],
)
def test_who_sees_a_teams_flags(stored: World, persona: str, sees: bool) -> None:
    flags_refresh(organisation_id=stored.organisation.pk)
    user = getattr(stored, persona)

    flags = flag_list_for_unit(
        user=user,
        unit_type="team",
        unit_id=stored.team.pk,
        period_start=date(2025, 5, 1),
        period_end=date(2025, 5, 31),
    )

    assert len(flags) == (4 if sees else 0)


def test_a_practitioner_sees_flags_on_their_own_unit_only(stored: World) -> None:
    rule = FlagRule.objects.get(default_key="family-response-rate-low")
    mine = staff_of(stored.practitioner)
    theirs = staff_of(stored.other_team_practitioner)
    for staff in (mine, theirs):
        Flag.objects.create(
            organisation=stored.organisation,
            rule=rule,
            unit_type="practitioner",
            unit_id=staff.pk,
            unit_name=staff.name,
            period_start=Q1[1],
            period_end=Q1[2],
            text="A flag",
        )

    seen = flag_list_for_user(user=stored.practitioner)

    assert [(f.unit_type, f.unit_id) for f in seen] == [("practitioner", mine.pk)]


def test_flag_detail_links_each_number_to_its_pages(stored: World) -> None:
    flags_refresh(organisation_id=stored.organisation.pk)
    flag = Flag.objects.get(rule__default_key="caseload-unmanageable")

    detail = flag_detail(user=stored.senior_leader, flag=flag)

    staff, core = detail.measures
    assert (staff.source, staff.text, staff.of_text) == ("Surveys", "30.0%", "3 of 10")
    assert (core.source, core.text, core.organisation_text) == ("Core data", "21.4", "17.0")
    urls = [link.url for link in core.links]
    assert f"/core-data/teams/{stored.team.pk}/?period=2025-26-q1" in urls
    assert "/core-data/?period=2025-26-q1" in urls


def test_flags_are_judged_for_core_datas_quarters_and_the_latest_complete_ones(
    world: World,
) -> None:
    refresh(world.organisation)  # core data to 30 June 2025

    quarters = flag_quarters(
        organisation_id=world.organisation.pk, today=date(2025, 12, 5), count=4
    )

    assert [q[1] for q in quarters] == [
        date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1), date(2025, 4, 1),
        date(2025, 7, 1),
    ]  # fmt: skip


def _task(name: str) -> object:
    """A stand-in for the task object Celery sends the signal from."""
    return type("Task", (), {"name": name})()


def test_the_nightly_task_recomputes_every_organisations_flags(stored: World) -> None:
    refresh_flags_all.delay()

    assert Flag.objects.filter(organisation=stored.organisation).count() == 4


@pytest.mark.parametrize(
    "task_name",
    ["audits.tasks.refresh_audit_results", "surveys.tasks.refresh_survey_results"],
)
def test_flags_follow_a_successful_results_refresh(
    stored: World, task_name: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_postrun.send(
            sender=_task(task_name),
            task_id="1",
            args=(stored.organisation.pk,),
            kwargs={},
            retval=None,
            state="SUCCESS",
        )

    assert Flag.objects.filter(organisation=stored.organisation).count() == 4


def test_flags_follow_a_successful_core_data_refresh_only(
    stored: World, django_capture_on_commit_callbacks: Any
) -> None:
    run = RefreshRun.objects.get(organisation=stored.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        for state in ("RETRY", "FAILURE"):
            task_postrun.send(
                sender=_task("coredata.tasks.refresh_indicators"),
                task_id="1",
                args=(run.pk,),
                kwargs={},
                retval=None,
                state=state,
            )
        assert not Flag.objects.exists()

        task_postrun.send(
            sender=_task("coredata.tasks.refresh_indicators"),
            task_id="1",
            args=(run.pk,),
            kwargs={},
            retval=None,
            state="SUCCESS",
        )

    assert Flag.objects.filter(organisation=stored.organisation).count() == 4


def test_the_home_page_list_shows_the_latest_flags_once(stored: World) -> None:
    flags_refresh(organisation_id=stored.organisation.pk)

    lists = flag_waiting_lists(
        user=stored.senior_leader, scope=user_scope(user=stored.senior_leader)
    )
    none = flag_waiting_lists(user=stored.practitioner, scope=user_scope(user=stored.practitioner))

    (only,) = lists["senior_leader"]
    assert len(only.items) == 4
    assert only.items[0].text.startswith("North One, Q1 2025-26: ")
    assert all(item.url.startswith("/quality/flags/") for item in only.items)
    assert none == {}


def test_the_flag_page_shows_the_numbers_and_the_list_page_the_flags(stored: World) -> None:
    flags_refresh(organisation_id=stored.organisation.pk)
    flag = Flag.objects.get(rule__default_key="voice-not-explained")
    client = Client()
    client.force_login(stored.team_manager)

    detail = client.get(reverse("qa:flag_detail", args=[flag.pk])).content.decode()
    listed = client.get(reverse("qa:flag_list"), {"quarter": "2025-04-01"}).content.decode()

    assert "The numbers behind it" in detail
    assert "80.0% (8 of 10)" in detail
    assert "40.0% (6 of 15)" in detail
    assert f"/quality/teams/{stored.team.pk}/?period=2025-26-q1" in detail
    assert "Q1 2025-26: 4 flags" in listed
    assert flag.get_absolute_url() in listed

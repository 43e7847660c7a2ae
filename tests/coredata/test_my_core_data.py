"""My core data: a practitioner's caseload figures from their practitioner unit's results,
and the children allocated to them, each one written to the access log when shown."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from coredata.models import Allocation, Child, ImportRun, Visit
from organisation.models import AccessLogEntry, User
from tests.conftest import World
from tests.coredata.indicator_results import TWELVE_MONTHS, client_for, refresh, staff_of, store

# --- My core data ---------------------------------------------------------------------


def _allocate(
    world: World, child_id: str, worker: User, *, start: date, end: date | None = None
) -> Child:
    run = ImportRun.objects.get_or_create(organisation=world.organisation, status="succeeded")[0]
    child = Child.objects.create(
        organisation=world.organisation, child_id=child_id, pseudonym=f"PS-{child_id}"
    )
    Allocation.objects.create(
        organisation=world.organisation, run=run, child=child, worker=staff_of(worker),
        team=world.team, start_date=start, end_date=end,
    )  # fmt: skip
    return child


def test_my_core_data_lists_my_children_and_logs_each_one(world: World) -> None:
    today = timezone.localdate()
    mine = _allocate(world, "C001", world.practitioner, start=date(2024, 1, 10))
    _allocate(world, "C002", world.practitioner, start=date(2023, 1, 1), end=date(2023, 12, 31))
    _allocate(world, "C003", world.other_team_practitioner, start=date(2024, 1, 10))
    run = ImportRun.objects.get(organisation=world.organisation)
    Visit.objects.create(organisation=world.organisation, run=run, child=mine,
                         visit_date=today - timedelta(days=3), seen=True)  # fmt: skip
    Visit.objects.create(organisation=world.organisation, run=run, child=mine,
                         visit_date=today - timedelta(days=1), seen=False)  # fmt: skip

    response = client_for(world.practitioner).get(reverse("coredata:indicators_me"))

    content = response.content.decode()
    assert [a.child.child_id for a in response.context["allocations"]] == ["C001"]
    assert "PS-C001" in content
    assert ">C001<" in content
    assert "C002" not in content
    assert "C003" not in content
    assert f"{today - timedelta(days=3):%-d %b %Y}" in content
    assert "North One" in content
    logged = list(
        AccessLogEntry.objects.values_list("user_id", "object_type", "object_id", "route")
    )
    assert logged == [
        (world.practitioner.pk, "coredata.child", str(mine.pk), "coredata:indicators_me")
    ]


def test_my_core_data_shows_my_caseload_figures(world: World) -> None:
    run = refresh(world.organisation)
    worker = staff_of(world.practitioner).worker_id
    store(run, "practitioner", worker, [
        ("P1", "tier=CP", TWELVE_MONTHS, 4, None, 4),
        ("P1", "tier=CIN", TWELVE_MONTHS, 7, None, 7),
        ("P1", "tier=total", TWELVE_MONTHS, 11, None, 11),
        ("P2", "tier=CP;view=open;min=1y", TWELVE_MONTHS, 1, 4, 25.0),
        ("P4", "tier=CP", TWELVE_MONTHS, 3, 4, 75.0),
        ("O1", "", TWELVE_MONTHS, 2, 10, 20.0),
    ])  # fmt: skip

    response = client_for(world.practitioner).get(reverse("coredata:indicators_me"))

    caseload = response.context["caseload"]
    assert caseload.period.key == "12m-2025-06"
    assert [(t.tier, t.figures[0].text) for t in caseload.tiers] == [
        ("LAC", "0"), ("CP", "4"), ("CIN", "7"), ("EH", "0"), ("total", "11"),
    ]  # fmt: skip
    cp_open = next(t for t in caseload.open_plans if t.tier == "CP")
    assert [f.text for f in cp_open.figures] == ["No data", "25.0%", "No data"]
    cp_seen = next(t for t in caseload.not_seen if t.tier == "CP")
    assert [f.text for f in cp_seen.figures] == ["1", "75.0%"]
    assert caseload.re_referrals.text == "20.0%"
    content = response.content.decode()
    assert "1 of 4 plans" in content
    assert "2 of 10 referrals" in content


def test_my_core_data_without_allocations_logs_nothing(world: World) -> None:
    response = client_for(world.team_manager).get(reverse("coredata:indicators_me"))

    assert "No children are allocated to you." in response.content.decode()
    assert AccessLogEntry.objects.count() == 0

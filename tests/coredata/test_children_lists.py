"""The children behind a number: who may list them (404 outside a user's visibility, 403
for aggregates only), what a list shows, the access log, the links from the unit pages,
and lists that agree with the stored figures on generated data."""

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.urls import reverse

from coredata.demo import synthetic_load
from coredata.frames import engine_inputs_for
from coredata.indicators.members import LISTED, SHARES, context_at, members_in
from coredata.models import Allocation, Child
from coredata.selectors import refresh_current, unit_results_frame
from coredata.services.refresh import refresh_now
from coredata.synthetic import generate
from organisation.models import AccessLogEntry, Organisation, User
from tests.conftest import World
from tests.coredata.children_data import PERIOD, load_children
from tests.coredata.indicator_results import client_for, staff_of

ROUTE = "coredata:indicators_children"


def children_url(kind: str, pk: int) -> str:
    return reverse(ROUTE, args=[kind, pk])


def get_list(
    user: User, kind: str, pk: int, indicator: str = "P1", breakdown: str = "tier=total"
) -> Any:
    query = {"indicator": indicator, "breakdown": breakdown, "period": PERIOD}
    return client_for(user).get(children_url(kind, pk), query)


def listed_ids(response: Any) -> list[str]:
    return [row.child.child_id for row in response.context["listing"].rows]


def logged(user: User) -> list[tuple[str, str, str]]:
    entries = AccessLogEntry.objects.filter(user=user).order_by("object_id")
    return list(entries.values_list("object_type", "object_id", "route"))


def child_pk(child_id: str) -> str:
    return str(Child.objects.get(child_id=child_id).pk)


# --- What a list shows, and the access log ----------------------------------------------


def test_a_team_manager_lists_the_children_behind_a_count_and_each_is_logged(
    world: World,
) -> None:
    load_children(world)

    response = get_list(world.team_manager, "teams", world.team.pk)

    assert response.status_code == 200
    assert listed_ids(response) == ["C1", "C2"]  # the highest tier first
    content = response.content.decode()
    assert ">C1<" in content
    assert Child.objects.get(child_id="C1").pseudonym in content
    assert "Child protection" in content
    assert "1 Oct 2024" in content  # the plan's start
    assert "C3" not in content  # another team's child
    assert logged(world.team_manager) == [
        ("coredata.child", child_pk("C1"), ROUTE),
        ("coredata.child", child_pk("C2"), ROUTE),
    ]


def test_a_list_of_one_tier_holds_only_that_tiers_children(world: World) -> None:
    load_children(world)

    response = get_list(world.service_manager, "services", world.service.pk, "P1", "tier=CIN")

    assert listed_ids(response) == ["C2", "C3"]
    assert "The figure on North’s page: 2." in response.content.decode()


def test_a_percentage_lists_its_denominator_and_marks_the_numerator(world: World) -> None:
    load_children(world)

    seen = get_list(world.team_manager, "teams", world.team.pk, "P4", "tier=CP")
    not_seen = get_list(world.team_manager, "teams", world.team.pk, "P4", "tier=CIN")

    assert [(r.child.child_id, r.counted) for r in seen.context["listing"].rows] == [("C1", True)]
    assert [
        (r.child.child_id, r.counted, r.last_seen) for r in not_seen.context["listing"].rows
    ] == [("C2", False, date(2025, 1, 10))]
    content = not_seen.content.decode()
    assert "0 of 1 children: seen in time." in content
    assert "10 Jan 2025" in content
    assert "<strong>No</strong>" in content


def test_a_practitioners_list_is_their_own_children(world: World) -> None:
    load_children(world)
    own = staff_of(world.practitioner)

    response = get_list(world.practitioner, "practitioners", own.pk)

    assert listed_ids(response) == ["C1", "C2"]
    assert response.context["listing"].shows_held_by is False


def test_a_service_manager_lists_a_practitioner_of_their_service(world: World) -> None:
    load_children(world)
    other = staff_of(world.other_team_practitioner)

    response = get_list(world.service_manager, "practitioners", other.pk)

    assert listed_ids(response) == ["C3"]
    assert logged(world.service_manager) == [("coredata.child", child_pk("C3"), ROUTE)]


def test_caseload_lists_the_children_allocated_at_the_period_end(world: World) -> None:
    load_children(world)

    response = get_list(world.team_manager, "teams", world.team.pk, "W5", "")

    assert listed_ids(response) == ["C1", "C2"]
    assert [r.since for r in response.context["listing"].rows] == [
        date(2024, 9, 1),
        date(2024, 11, 1),
    ]


def test_without_parameters_the_list_is_every_child_in_any_tier(world: World) -> None:
    load_children(world)

    response = client_for(world.team_manager).get(children_url("teams", world.team.pk))

    assert listed_ids(response) == ["C1", "C2"]
    assert response.context["listing"].period.key == PERIOD  # the pages' default


def test_data_loaded_since_the_refresh_is_flagged(world: World) -> None:
    load_children(world)
    # C3 moves to the practitioner in June, after the figures were computed.
    moved = Allocation.objects.get(child__child_id="C3")
    Allocation.objects.filter(pk=moved.pk).update(end_date=date(2025, 5, 31))
    Allocation.objects.create(
        organisation=world.organisation, run=moved.run, child=moved.child,
        worker=staff_of(world.practitioner), team=world.team, start_date=date(2025, 6, 1),
    )  # fmt: skip

    response = get_list(world.team_manager, "teams", world.team.pk)

    assert listed_ids(response) == ["C1", "C2", "C3"]
    assert response.context["listing"].changed is True
    assert "changed since the figures were last refreshed" in response.content.decode()


# --- Who may list -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "kind", "unit", "expected"),
    [
        ("practitioner", "teams", "team", 404),
        ("other_team_practitioner", "practitioners", "practitioner", 404),
        ("team_manager", "teams", "other_team", 404),
        ("team_manager", "services", "service", 404),
        ("service_manager", "teams", "far_team", 404),
        ("qa_lead", "teams", "team", 403),
        ("senior_leader", "services", "service", 403),
        ("administrator", "practitioners", "practitioner", 403),
        ("data_officer", "teams", "team", 404),
        ("other_organisation_admin", "teams", "team", 404),
    ],
)
def test_outsiders_get_404_and_aggregate_readers_403_and_nothing_is_logged(
    world: World, persona: str, kind: str, unit: str, expected: int
) -> None:
    load_children(world)
    pk = staff_of(world.practitioner).pk if unit == "practitioner" else getattr(world, unit).pk

    response = get_list(getattr(world, persona), kind, pk)

    assert response.status_code == expected
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("indicator", "breakdown"),
    [
        ("A1", ""),  # a flow measure: no list
        ("P1", "tier=CP;measure=rate_10k"),
        ("P2", "tier=CP;view=ended;min=6m"),
        ("P4", "tier=EH"),
        ("P4", ""),
    ],
)
def test_a_figure_without_a_list_is_404(world: World, indicator: str, breakdown: str) -> None:
    response = get_list(world.team_manager, "teams", world.team.pk, indicator, breakdown)

    assert response.status_code == 404


# --- Links from the unit pages ----------------------------------------------------------


def test_the_unit_page_links_each_listed_figure_for_those_who_may_list(world: World) -> None:
    load_children(world)
    url = reverse("coredata:indicators_team", args=[world.team.pk])

    manager = client_for(world.team_manager).get(url, {"period": PERIOD}).content.decode()
    qa_lead = client_for(world.qa_lead).get(url, {"period": PERIOD}).content.decode()

    link = (
        f'href="{children_url("teams", world.team.pk)}'
        f'?indicator=P1&amp;breakdown=tier%3DCP&amp;period={PERIOD}"'
    )
    assert link in manager
    assert "indicator=P4&amp;breakdown=tier%3DCIN" in manager
    assert "indicator=A1" not in manager  # a flow measure has no list
    assert "measure%3Drate_10k" not in manager
    assert "/children/" not in qa_lead


# --- Queries ----------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 15])
def test_queries_do_not_grow_with_the_list(
    world: World, extra: int, django_assert_max_num_queries: Any
) -> None:
    load_children(world, extra_early_help=extra)
    client = client_for(world.team_manager)
    client.get(children_url("teams", world.team.pk))  # the session and user, loaded once

    with django_assert_max_num_queries(30):
        response = client.get(children_url("teams", world.team.pk))

    assert len(response.context["listing"].rows) == 2 + extra
    assert AccessLogEntry.objects.filter(user=world.team_manager).count() == 2 * (2 + extra)


# --- Lists agree with the stored figures -------------------------------------------------

TEAMS = [
    ("N01", "Assessment North", "N", "North locality"),
    ("N02", "Child Protection North", "N", "North locality"),
    ("S01", "Children in Care", "S", "South locality"),
    ("S02", "Family Support South", "S", "South locality"),
]
# Each listed breakdown but P2's longer thresholds (which differ only in `counted`).
BREAKDOWNS = [
    (indicator, breakdown)
    for indicator, breakdowns in LISTED.items()
    for breakdown in breakdowns
    if "min=1y" not in breakdown and "min=2y" not in breakdown
]


def _stored(run: Any, unit: tuple[str, str], r: date) -> pd.DataFrame:
    frame = unit_results_frame(run=run, unit_type=unit[0], unit_code=unit[1])
    return frame[frame["period_end"] == pd.Timestamp(r)].drop_duplicates(["indicator", "breakdown"])


def test_lists_agree_with_the_stored_figures_on_generated_data(db: None, tmp_path: Path) -> None:
    organisation = Organisation.objects.create(name="Synthshire", la_code="970")
    data = generate(la_code="970", teams=TEAMS, workers=None, start=date(2022, 4, 1), years=2,
                    referrals_per_year=250, seed=41)  # fmt: skip
    synthetic_load(organisation=organisation, data=data, folder=tmp_path)
    run = refresh_now(organisation=organisation)
    assert run == refresh_current(organisation_id=organisation.pk)
    inputs = engine_inputs_for(organisation=organisation)
    allocated = inputs.frame("allocations")
    busiest = allocated["worker_id"].value_counts().index[:2].tolist()
    units = [("organisation", "970"), ("service", "N"), ("team", "S01"), ("unallocated", "970"),
             *(("practitioner", worker) for worker in busiest)]  # fmt: skip
    checked = 0
    for r in (date(2024, 3, 31), date(2023, 11, 30)):
        context = context_at(inputs, r)
        for unit in units:
            stored = _stored(run, unit, r).set_index(["indicator", "breakdown"])
            for indicator, breakdown in BREAKDOWNS:
                found = members_in(context, indicator=indicator, breakdown=breakdown,
                                   unit_type=unit[0], unit_code=unit[1])  # fmt: skip
                row = (
                    stored.loc[(indicator, breakdown)]
                    if (indicator, breakdown) in stored.index
                    else None
                )
                numerator = 0.0 if row is None else float(row["numerator"])
                if indicator in SHARES:
                    denominator = 0.0 if row is None else float(row["denominator"])
                    assert (len(found), int(found["counted"].sum())) == (denominator, numerator), (
                        unit, r, indicator, breakdown,
                    )  # fmt: skip
                elif row is not None or indicator == "P1":
                    assert len(found) == numerator, (unit, r, indicator, breakdown)
                checked += len(found)
    assert checked > 1000  # the data exercises the lists

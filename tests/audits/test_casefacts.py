"""What core data says about a case on a date: tier, dates and the weighting factors."""

from datetime import date

from audits.casefacts import case_context, case_facts_on, months_before
from coredata.models import Referral
from tests.audits.factories import case, import_run, visit

ON = date(2026, 6, 1)


def test_tier_is_the_highest_open_plan(world):
    child = case(worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2026, 1, 5))

    facts = case_facts_on(organisation_id=world.organisation.pk, on=ON)[child.pk]

    assert facts.tier == "CP"
    assert facts.plan_start_date == date(2026, 1, 5)
    assert facts.worker_id == world.practitioner.staff_member.pk
    assert facts.team_id == world.team.pk


def test_a_case_whose_allocation_ended_is_not_open(world):
    child = case(worker=world.practitioner, team=world.team, end=date(2026, 5, 1))

    assert child.pk not in case_facts_on(organisation_id=world.organisation.pk, on=ON)


def test_long_cp_plan_is_18_months_or_more(world):
    long = case(worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2024, 12, 1))
    short = case(
        worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2024, 12, 2)
    )

    facts = case_facts_on(organisation_id=world.organisation.pk, on=ON)

    assert facts[long.pk].long_cp
    assert not facts[short.pk].long_cp


def test_re_referral_within_12_months_in_the_last_year(world):
    child = case(
        worker=world.practitioner, team=world.team, tier="CIN", plan_start=date(2025, 3, 1)
    )
    Referral.objects.create(
        organisation=world.organisation,
        child=child,
        collection_year=2026,
        run=import_run(world.organisation),
        referral_date=date(2026, 2, 1),
        source="1A",
        nfa=True,
    )

    facts = case_facts_on(organisation_id=world.organisation.pk, on=ON)[child.pk]

    assert facts.re_referral
    assert facts.referral_date == date(2026, 2, 1)


def test_not_seen_within_the_plan_interval(world):
    seen = case(worker=world.practitioner, team=world.team, tier="CP")
    visit(seen, date(2026, 5, 25))
    unseen = case(worker=world.practitioner, team=world.team, tier="CP")
    visit(unseen, date(2026, 5, 1))
    never = case(worker=world.practitioner, team=world.team, tier="CIN")

    facts = case_facts_on(organisation_id=world.organisation.pk, on=ON)

    assert not facts[seen.pk].not_seen
    assert facts[unseen.pk].not_seen
    assert facts[never.pk].not_seen
    assert facts[seen.pk].last_visit_date == date(2026, 5, 25)


def test_looked_after_child_is_lac(world):
    child = case(
        worker=world.practitioner, team=world.team, tier="LAC", plan_start=date(2025, 1, 1)
    )

    assert case_facts_on(organisation_id=world.organisation.pk, on=ON)[child.pk].tier == "LAC"


def test_case_context_is_section_a(world):
    child = case(worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2026, 1, 5))
    visit(child, date(2026, 5, 20))

    context = case_context(organisation_id=world.organisation.pk, child_id=child.pk, on=ON)

    assert context == {
        "tier": "CP",
        "team": "North One",
        "worker": world.practitioner.staff_member.name,
        "referral_date": "2026-01-05",
        "plan_start_date": "2026-01-05",
        "last_visit_date": "2026-05-20",
    }


def test_months_before_clamps_to_the_month_end():
    assert months_before(date(2026, 8, 31), 18) == date(2025, 2, 28)
    assert months_before(date(2026, 6, 1), 12) == date(2025, 6, 1)

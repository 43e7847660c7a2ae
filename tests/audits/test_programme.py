"""The programme and its monthly draw on the database: eligibility, reproducibility,
never a self-audit, weighting, idempotence, notifications."""

from datetime import date

import pytest

from audits.models import Audit, AuditProgramme, SampleDraw
from audits.services_programme import (
    audit_create,
    programme_create,
    programme_draw,
    programme_preview,
    programme_update,
)
from audits.tasks import draw_monthly_samples
from qa_system.errors import ApplicationError
from tests.audits.factories import case, default_tool, staff_of, visit

MONTH = date(2026, 6, 1)


def _programme(world, **kwargs):
    tool = default_tool(world.organisation)
    options = {"name": "Monthly", "tool": tool, "audits_per_unit": 1} | kwargs
    return programme_create(organisation=world.organisation, by=world.qa_lead, **options)


def test_only_a_qa_lead_sets_the_programme(world):
    tool = default_tool(world.organisation)

    with pytest.raises(ApplicationError, match="Only a QA lead can set the audit programme"):
        programme_create(
            organisation=world.organisation, by=world.team_manager, name="X", tool=tool
        )


def test_programme_refuses_an_unknown_tier(world):
    with pytest.raises(ApplicationError, match="Unknown tier: XX"):
        _programme(world, tiers=["CP", "XX"])


def test_thematic_programme_needs_its_cases(world):
    with pytest.raises(ApplicationError, match="needs the cases"):
        _programme(world, is_thematic=True)


def test_draw_creates_audits_with_the_team_manager_as_auditor(world):
    child = case(worker=world.practitioner, team=world.team)
    programme = _programme(world, team_ids=[world.team.pk])

    draw = programme_draw(programme=programme, month=MONTH, by=world.qa_lead, seed=5)

    audit = Audit.objects.get(draw=draw)
    assert audit.child == child
    assert audit.practitioner == staff_of(world.practitioner)
    assert audit.auditor == staff_of(world.team_manager)
    assert audit.state == "planned"
    assert audit.due_date == date(2026, 6, 29)
    assert (draw.seed, draw.eligible_count, draw.selected_count) == (5, 1, 1)
    assert world.practitioner.notifications.filter(kind="audit_assigned").count() == 1
    assert world.team_manager.notifications.filter(kind="audit_assigned").count() == 1


def test_a_case_is_never_audited_by_its_own_practitioner(world):
    # The team manager holds a case of their own: the auditor must be someone else.
    child = case(worker=world.team_manager, team=world.team)
    programme = _programme(world, team_ids=[world.team.pk])

    programme_draw(programme=programme, month=MONTH, seed=1)

    audit = Audit.objects.get(child=child)
    assert audit.practitioner == staff_of(world.team_manager)
    assert audit.auditor == staff_of(world.service_manager)


def test_auditor_falls_back_to_a_qa_lead_without_managers(world):
    child = case(worker=world.far_team_practitioner, team=world.far_team)
    programme = _programme(world)

    programme_draw(programme=programme, month=MONTH, seed=1)

    assert Audit.objects.get(child=child).auditor == staff_of(world.qa_lead)


def test_the_draw_is_idempotent_per_month(world):
    case(worker=world.practitioner, team=world.team)
    programme = _programme(world)

    first = programme_draw(programme=programme, month=MONTH, seed=1)
    second = programme_draw(programme=programme, month=date(2026, 6, 15), seed=99)

    assert first.pk == second.pk
    assert SampleDraw.objects.count() == 1
    assert Audit.objects.count() == 1


def test_the_monthly_task_draws_every_active_programme_once(world, settings):
    case(worker=world.practitioner, team=world.team)
    case(worker=world.other_team_practitioner, team=world.other_team)
    _programme(world, name="Active")
    _programme(world, name="Paused", active=False)

    assert draw_monthly_samples.delay().get() == 1
    assert draw_monthly_samples.delay().get() == 1

    assert SampleDraw.objects.count() == 1
    assert Audit.objects.count() == 2


def test_same_seed_same_data_same_sample(world):
    for _ in range(6):
        case(worker=world.practitioner, team=world.team)
        case(worker=world.team_manager, team=world.team)
    programme = _programme(world, audits_per_unit=3)

    preview = programme_preview(programme=programme, month=MONTH, seed=1234)
    draw = programme_draw(programme=programme, month=MONTH, seed=1234)

    drawn = sorted(draw.audits.values_list("child_id", flat=True))
    assert sorted(p.child_id for p in preview) == drawn
    assert len(drawn) == 3


def test_spread_across_practitioners(world):
    for _ in range(5):
        case(worker=world.practitioner, team=world.team)
        case(worker=world.team_manager, team=world.team)
    programme = _programme(world, audits_per_unit=2, team_ids=[world.team.pk])

    draw = programme_draw(programme=programme, month=MONTH, seed=3)

    assert sorted(draw.audits.values_list("practitioner_id", flat=True)) == sorted(
        [staff_of(world.practitioner).pk, staff_of(world.team_manager).pk]
    )


def test_eligibility_by_tier_team_and_open_on_the_first(world):
    cp = case(worker=world.practitioner, team=world.team, tier="CP")
    case(worker=world.practitioner, team=world.team, tier="CIN")
    case(worker=world.practitioner, team=world.team, tier="CP", start=date(2026, 6, 2))
    case(worker=world.practitioner, team=world.team, tier="CP", end=date(2026, 5, 31))
    case(worker=world.other_team_practitioner, team=world.other_team, tier="CP")
    programme = _programme(world, tiers=["CP"], team_ids=[world.team.pk], audits_per_unit=5)

    draw = programme_draw(programme=programme, month=MONTH, seed=1)

    assert list(draw.audits.values_list("child_id", flat=True)) == [cp.pk]
    assert draw.eligible_count == 1
    assert draw.shortfalls == ["North One: 1 of 5 (1 eligible)"]


def test_a_case_with_an_audit_under_way_is_not_drawn_again(world):
    child = case(worker=world.practitioner, team=world.team)
    default_tool(world.organisation)
    audit_create(child=child, by=world.qa_lead)
    programme = _programme(world)

    draw = programme_draw(programme=programme, month=MONTH, seed=1)

    assert draw.selected_count == 0


def test_thematic_programme_draws_only_its_cases(world):
    chosen = case(worker=world.practitioner, team=world.team)
    case(worker=world.practitioner, team=world.team)
    programme = _programme(
        world, is_thematic=True, theme="Neglect", thematic_child_ids=[chosen.pk], audits_per_unit=5
    )

    draw = programme_draw(programme=programme, month=MONTH, seed=1)

    audit = draw.audits.get()
    assert audit.child == chosen
    assert audit.kind == Audit.Kind.THEMATIC


def test_weighting_favours_long_cp_plans_unseen_children(world):
    # Ten light cases and one heavy one (CP open 18 months+ and not seen): over many
    # seeds the heavy case is drawn far more often than any light case.
    heavy = case(worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2024, 1, 1))
    lights = []
    for _ in range(10):
        light = case(
            worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2026, 3, 1)
        )
        visit(light, date(2026, 5, 29))
        lights.append(light.pk)
    programme = _programme(world, weight_long_cp=5, weight_not_seen=4)

    heavy_drawn = sum(
        heavy.pk
        in {p.child_id for p in programme_preview(programme=programme, month=MONTH, seed=s)}
        for s in range(200)
    )

    assert heavy_drawn > 60  # weight 10 of 20 in all: about 1 in 2 (100 of 200)
    programme_update(programme=programme, by=world.qa_lead, weight_long_cp=0, weight_not_seen=0)
    unweighted = sum(
        heavy.pk
        in {p.child_id for p in programme_preview(programme=programme, month=MONTH, seed=s)}
        for s in range(200)
    )
    assert unweighted < 40  # 1 in 11: about 18 of 200
    assert heavy_drawn > 3 * unweighted


def test_ad_hoc_audit_fills_section_a_and_refuses_a_second(world):
    child = case(worker=world.practitioner, team=world.team, tier="CP", plan_start=date(2026, 1, 2))
    default_tool(world.organisation)

    audit = audit_create(child=child, by=world.team_manager)

    assert audit.context["tier"] == "CP"
    assert audit.context["team"] == "North One"
    assert audit.section_states.count() == 11
    assert audit.events.get().kind == "created"
    with pytest.raises(ApplicationError, match="already has an audit under way"):
        audit_create(child=child, by=world.qa_lead)


def test_ad_hoc_audit_refused_to_a_manager_of_another_team(world):
    child = case(worker=world.far_team_practitioner, team=world.far_team)
    default_tool(world.organisation)

    with pytest.raises(ApplicationError, match="Only a QA lead or a manager"):
        audit_create(child=child, by=world.team_manager)


def test_programme_update_keeps_unique_names(world):
    _programme(world, name="One")
    second = _programme(world, name="Two")

    with pytest.raises(ApplicationError, match="already a programme called One"):
        programme_update(programme=second, by=world.qa_lead, name="One")
    assert AuditProgramme.objects.filter(name="Two").exists()

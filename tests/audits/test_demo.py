"""The demo audits: a year in every state, and loading twice changes nothing."""

from collections import Counter
from datetime import date

from audits.demo import demo_audits_seed
from audits.models import (
    Audit,
    AuditAction,
    AuditEvent,
    AuditModeration,
    AuditUnitResult,
    SafeguardingEscalation,
    SampleDraw,
)
from tests.audits.factories import case

TODAY = date(2026, 11, 21)


def _cases(world, per_worker=8):
    for user, team in (
        (world.practitioner, world.team),
        (world.team_manager, world.team),
        (world.other_team_practitioner, world.other_team),
        (world.far_team_practitioner, world.far_team),
    ):
        for number in range(per_worker):
            case(worker=user, team=team, tier=["CIN", "CP", "LAC"][number % 3])


def test_a_year_of_audits_in_every_state(world):
    _cases(world)

    created = demo_audits_seed(organisation=world.organisation, today=TODAY)

    states = Counter(Audit.objects.values_list("state", flat=True))
    assert created == Audit.objects.count() > 50
    assert set(states) == {
        "planned",
        "reflection",
        "conversation",
        "completed",
        "moderated",
        "closed",
        "cancelled",
    }
    assert SampleDraw.objects.count() == 12
    assert Audit.objects.filter(kind="follow_up").exists()
    assert AuditModeration.objects.filter(moderated_at__isnull=True).exists()
    assert AuditAction.objects.filter(status="done").exists()
    assert AuditAction.objects.filter(status="open").exists()
    assert SafeguardingEscalation.objects.exists()
    assert AuditUnitResult.objects.filter(measure="completed").exists()
    # Never a self-audit, and every audit has its history.
    assert not Audit.objects.filter(auditor=models_f("practitioner")).exists()
    assert AuditEvent.objects.filter(kind="created").count() == created


def models_f(name):
    from django.db.models import F

    return F(name)


def test_loading_twice_changes_nothing(world):
    _cases(world, per_worker=3)
    demo_audits_seed(organisation=world.organisation, today=TODAY)
    before = (Audit.objects.count(), AuditEvent.objects.count(), AuditUnitResult.objects.count())

    assert demo_audits_seed(organisation=world.organisation, today=TODAY) == 0

    after = (Audit.objects.count(), AuditEvent.objects.count(), AuditUnitResult.objects.count())
    assert after == before

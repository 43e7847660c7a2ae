"""The results job: per unit and period, counts, shares and agreement, idempotent, with
reads that do not grow with the data."""

from datetime import date

from django.utils import timezone

from audits.models import AuditState, AuditUnitResult
from audits.selectors_results import (
    audit_results_for_unit,
    audit_results_table,
    audit_results_visible,
)
from audits.services_escalation import escalation_raise
from audits.services_moderation import audit_moderate
from audits.services_programme import audit_settings_update
from audits.services_results import audit_results_refresh, period_starts
from audits.tasks import refresh_audit_results_all
from tests.audits.factories import audit_in_state, staff_of


def _value(rows, measure, breakdown=""):
    return next(r for r in rows if (r.measure, r.breakdown) == (measure, breakdown))


def test_period_starts_month_quarter_and_financial_year():
    assert period_starts(date(2026, 2, 14)) == [
        ("month", date(2026, 2, 1), date(2026, 2, 28)),
        ("quarter", date(2026, 1, 1), date(2026, 3, 31)),
        ("year", date(2025, 4, 1), date(2026, 3, 31)),
    ]
    assert period_starts(date(2026, 12, 1))[1] == ("quarter", date(2026, 10, 1), date(2026, 12, 31))


def test_results_per_unit_and_period(world):
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, moderation_percent=100)
    good = audit_in_state(world, AuditState.COMPLETED, grade="good")
    inadequate = audit_in_state(world, AuditState.COMPLETED, grade="inadequate")
    audit_moderate(audit=good, by=world.qa_lead, agrees=True)
    audit_moderate(
        audit=inadequate,
        by=world.qa_lead,
        agrees=False,
        grade="requires_improvement",
        reason="Better than it looks",
    )
    escalation_raise(audit=inadequate, by=world.team_manager, concern="Risk")

    written = audit_results_refresh(organisation_id=world.organisation.pk)

    month = timezone.localdate().replace(day=1)
    rows = [
        r
        for r in audit_results_for_unit(
            organisation_id=world.organisation.pk,
            unit_type="team",
            unit_id=world.team.pk,
            period_type="month",
        )
        if r.period_start == month
    ]
    assert written == AuditUnitResult.objects.count()
    assert _value(rows, "completed").value == 2
    assert _value(rows, "grade", "grade=good").value == 0.5
    assert _value(rows, "grade", "grade=requires_improvement").value == 0.5  # moderated grade
    assert _value(rows, "grade", "grade=inadequate").value == 0
    assert _value(rows, "good_or_better").value == 0.5
    assert _value(rows, "moderation_agreement").value == 0.5
    assert _value(rows, "moderated").value == 2
    assert _value(rows, "escalations").value == 1
    assert _value(rows, "escalations_unacknowledged").value == 1
    # The practitioner rated everything "good" and the auditor "good" on one audit and
    # "inadequate" on the other (yes/partly/no and 0-10 items agree on both).
    agreement = _value(rows, "agreement")
    assert 0 < agreement.value < 1
    assert agreement.denominator == 2 * 22
    assert _value(rows, "section_grade", "section=B;grade=good").value == 0.5
    assert _value(rows, "completed_on_time").value == 1
    assert _value(rows, "practice_scale").value == 7


def test_results_exist_for_every_unit_level(world):
    audit_in_state(world, AuditState.COMPLETED)
    audit_results_refresh(organisation_id=world.organisation.pk)

    units = set(AuditUnitResult.objects.values_list("unit_type", "unit_id"))

    assert units == {
        ("organisation", world.organisation.pk),
        ("service", world.service.pk),
        ("team", world.team.pk),
        ("practitioner", staff_of(world.practitioner).pk),
    }
    assert set(AuditUnitResult.objects.values_list("period_type", flat=True)) == {
        "month",
        "quarter",
        "year",
    }


def test_refresh_is_idempotent(world):
    audit_in_state(world, AuditState.COMPLETED)

    first = audit_results_refresh(organisation_id=world.organisation.pk)
    ids_before = sorted(AuditUnitResult.objects.values_list("measure", "breakdown", "value"))
    second = refresh_audit_results_all.delay().get()

    assert first == second
    assert (
        sorted(AuditUnitResult.objects.values_list("measure", "breakdown", "value")) == ids_before
    )


def test_action_measures(world):
    from audits.services_actions import action_create, action_status_set
    from tests.audits.factories import days

    audit = audit_in_state(world, AuditState.CONVERSATION)
    done = action_create(
        audit=audit,
        by=world.team_manager,
        description="a",
        owner=staff_of(world.practitioner),
        due_date=days(0),
    )
    action_create(
        audit=audit,
        by=world.team_manager,
        description="b",
        owner=staff_of(world.practitioner),
        due_date=days(0),
    )
    action_status_set(action=done, by=world.practitioner, status="done")

    audit_results_refresh(organisation_id=world.organisation.pk, today=days(1))

    rows = audit_results_for_unit(
        organisation_id=world.organisation.pk,
        unit_type="organisation",
        unit_id=world.organisation.pk,
        period_type="month",
    )
    assert _value(rows, "actions_due").value == 2
    assert _value(rows, "actions_open").value == 1
    assert _value(rows, "actions_overdue").value == 1
    assert _value(rows, "actions_done_on_time").value == 0.5


def test_reading_results_takes_one_query_whatever_the_data(world, django_assert_num_queries):
    for _ in range(3):
        audit_in_state(world, AuditState.COMPLETED)
    audit_results_refresh(organisation_id=world.organisation.pk)

    with django_assert_num_queries(1):
        table = audit_results_table(
            organisation_id=world.organisation.pk,
            unit_type="organisation",
            unit_id=world.organisation.pk,
            period_type="quarter",
        )

    assert len(table) == 1


def test_refresh_queries_do_not_grow_with_audits(world, django_assert_max_num_queries):
    audit_in_state(world, AuditState.COMPLETED)
    with django_assert_max_num_queries(20) as one:
        audit_results_refresh(organisation_id=world.organisation.pk)
    for _ in range(3):
        audit_in_state(world, AuditState.COMPLETED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        audit_results_refresh(organisation_id=world.organisation.pk)


def test_who_may_read_which_results(world):
    org, team, far = world.organisation.pk, world.team.pk, world.far_team.pk

    assert audit_results_visible(user=world.senior_leader, unit_type="organisation", unit_id=org)
    assert audit_results_visible(user=world.qa_lead, unit_type="team", unit_id=far)
    assert audit_results_visible(user=world.team_manager, unit_type="team", unit_id=team)
    assert not audit_results_visible(user=world.team_manager, unit_type="team", unit_id=far)
    assert not audit_results_visible(user=world.team_manager, unit_type="organisation", unit_id=org)
    assert audit_results_visible(
        user=world.service_manager, unit_type="service", unit_id=world.service.pk
    )
    assert audit_results_visible(
        user=world.practitioner, unit_type="practitioner", unit_id=staff_of(world.practitioner).pk
    )
    assert not audit_results_visible(
        user=world.other_team_practitioner,
        unit_type="practitioner",
        unit_id=staff_of(world.practitioner).pk,
    )
    assert not audit_results_visible(
        user=world.other_organisation_admin, unit_type="organisation", unit_id=org
    )

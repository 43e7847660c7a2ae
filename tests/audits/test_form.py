"""The long form: who writes which column when, scales, history, and the stale save."""

import pytest

from audits.models import AuditEvent, AuditRating, AuditState
from audits.selectors import audit_section_get, audit_task_list
from audits.services_form import StaleSaveError, audit_section_save
from audits.services_programme import audit_settings_update
from qa_system.errors import ApplicationError
from tests.audits.factories import audit_in_state, section


def _b1(audit):
    row = section(audit, "B")
    return row, row.items.get(code="B1")


def test_practitioner_saves_their_rating_and_the_version_moves_on(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    row, item = _b1(audit)

    state = audit_section_save(
        audit=audit,
        section=row,
        by=world.practitioner,
        base_version=0,
        ratings={item.pk: {"practitioner_rating": "good", "practitioner_comment": "Clear"}},
    )

    assert state.version == 1
    assert state.updated_by == world.practitioner
    rating = AuditRating.objects.get(audit=audit, item=item)
    assert (rating.practitioner_rating, rating.practitioner_comment) == ("good", "Clear")
    event = audit.events.get(kind=AuditEvent.Kind.RATING, field="B1 practitioner rating")
    assert (event.old, event.new, event.by) == ("", "good", world.practitioner)


def test_a_stale_save_is_refused_with_both_versions(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    row, item = _b1(audit)
    base = audit.section_states.get(section=row).version
    audit_section_save(
        audit=audit,
        section=row,
        by=world.team_manager,
        base_version=base,
        ratings={item.pk: {"auditor_rating": "good"}},
    )

    with pytest.raises(StaleSaveError) as raised:
        audit_section_save(
            audit=audit,
            section=row,
            by=world.practitioner,
            base_version=base,
            ratings={item.pk: {"practitioner_rating": "outstanding"}},
        )

    extra = raised.value.extra
    assert extra["your_version"] == base
    assert extra["current_version"] == base + 1
    assert extra["yours"]["ratings"] == {item.pk: {"practitioner_rating": "outstanding"}}
    assert extra["theirs"]["ratings"][item.pk]["auditor_rating"] == "good"
    assert extra["saved_by"] == world.team_manager.staff_member.name
    rating = AuditRating.objects.get(audit=audit, item=item)
    assert rating.practitioner_rating == "good"  # from the reflection, not overwritten


def test_a_stale_save_of_the_judgement_shows_their_grade(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    row = section(audit, "H")
    audit_section_save(
        audit=audit,
        section=row,
        by=world.team_manager,
        base_version=0,
        fields={"overall_grade": "good"},
    )

    with pytest.raises(StaleSaveError) as raised:
        audit_section_save(
            audit=audit,
            section=row,
            by=world.team_manager,
            base_version=0,
            fields={"overall_grade": "inadequate"},
        )

    assert raised.value.extra["theirs"]["fields"]["overall_grade"] == "good"
    assert raised.value.extra["yours"]["fields"]["overall_grade"] == "inadequate"
    audit.refresh_from_db()
    assert audit.overall_grade == "good"


def test_practitioner_cannot_write_the_auditor_column(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    row, item = _b1(audit)

    with pytest.raises(ApplicationError, match="Only the auditor can record"):
        audit_section_save(
            audit=audit,
            section=row,
            by=world.practitioner,
            base_version=0,
            ratings={item.pk: {"auditor_rating": "good"}},
        )


def test_auditor_cannot_rate_during_the_reflection(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    row, item = _b1(audit)

    with pytest.raises(ApplicationError, match="Only the practitioner whose case"):
        audit_section_save(
            audit=audit,
            section=row,
            by=world.team_manager,
            base_version=0,
            ratings={item.pk: {"practitioner_rating": "good"}},
        )


def test_nobody_rates_a_planned_audit(world):
    audit = audit_in_state(world, AuditState.PLANNED)
    row, item = _b1(audit)

    with pytest.raises(ApplicationError, match="planned, so you cannot change your ratings"):
        audit_section_save(
            audit=audit,
            section=row,
            by=world.practitioner,
            base_version=0,
            ratings={item.pk: {"practitioner_rating": "good"}},
        )


def test_a_rating_off_the_scale_is_refused(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    row = section(audit, "C")
    yes_no = row.items.get(code="C3")  # yes / partly / no

    with pytest.raises(ApplicationError, match="not a rating on item C3"):
        audit_section_save(
            audit=audit,
            section=row,
            by=world.practitioner,
            base_version=0,
            ratings={yes_no.pk: {"practitioner_rating": "good"}},
        )


def test_disagreement_keeps_both_views(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    row, item = _b1(audit)
    base = audit.section_states.get(section=row).version

    audit_section_save(
        audit=audit,
        section=row,
        by=world.team_manager,
        base_version=base,
        ratings={
            item.pk: {"auditor_rating": "requires_improvement", "agreed_comment": "We differ"}
        },
    )

    rating = AuditRating.objects.get(audit=audit, item=item)
    assert rating.practitioner_rating == "good"
    assert rating.auditor_rating == "requires_improvement"
    assert rating.agreed_rating == ""
    assert rating.disagrees


def test_practice_scale_must_be_0_to_10(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with pytest.raises(ApplicationError, match="from 0 to 10"):
        audit_section_save(
            audit=audit,
            section=section(audit, "H"),
            by=world.team_manager,
            base_version=0,
            fields={"practice_scale": 11},
        )


def test_family_feedback_can_be_added_after_completion(world):
    audit_settings_update(organisation=world.organisation, by=world.qa_lead, moderation_percent=100)
    audit = audit_in_state(world, AuditState.COMPLETED)
    assert audit.state == AuditState.COMPLETED  # waiting for moderation

    audit_section_save(
        audit=audit,
        section=section(audit, "J"),
        by=world.team_manager,
        base_version=0,
        fields={"family_feedback": "Mum said the plan made sense."},
    )

    audit.refresh_from_db()
    assert audit.family_feedback == "Mum said the plan made sense."


def test_section_a_cannot_be_edited(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    with pytest.raises(ApplicationError, match="Section A cannot be edited"):
        audit_section_save(
            audit=audit,
            section=section(audit, "A"),
            by=world.team_manager,
            base_version=0,
            fields={"overall_grade": "good"},
        )


def test_task_list_shows_each_section_status(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    row, item = _b1(audit)
    audit_section_save(
        audit=audit,
        section=row,
        by=world.practitioner,
        base_version=0,
        ratings={item.pk: {"practitioner_rating": "good"}},
    )

    statuses = {task.section.code: task.status for task in audit_task_list(audit=audit)}

    assert statuses["A"] == "Filled from core data"
    assert statuses["B"] == "In progress"
    assert statuses["C"] == "Not started"
    assert statuses["J"] == "Optional"
    assert statuses["K"] == "No escalation"


def test_section_form_gives_items_scales_and_neighbours(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    form = audit_section_get(audit=audit, code="C")

    assert form.previous_code == "B"
    assert form.next_code == "D"
    scales = {entry.item.code: entry.scale for entry in form.items}
    assert scales["C1"] == "ofsted"
    assert scales["C3"] == "yes_partly_no"
    assert [value for value, _ in form.items[2].choices] == ["yes", "partly", "no"]
    assert form.version == 0

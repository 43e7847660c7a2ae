"""The audit's pages: the task list, a section, the stale-save conflict, refusals and the
history; every view writes the access log."""

from audits.models import AuditRating, AuditState
from audits.services_form import audit_section_save
from organisation.models import AccessLogEntry
from tests.audits.factories import audit_in_state, new_audit, section
from tests.audits.pages import error_summary, logged, signed_in, text


def _url(audit, *parts):
    return "/".join([f"/audits/{audit.pk}", *parts, ""])


def test_the_audit_page_lists_the_sections_with_their_status_and_logs_the_view(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    response = signed_in(world.practitioner).get(_url(audit))

    assert response.status_code == 200
    page = text(response)
    assert "Case audit Practitioner reflection" in page
    assert "A. Case context Filled from core data" in page
    assert "B. Assessment and mapping 0 of 6 done Not started" in page
    assert "Finish my reflection" in page
    assert "Complete the audit" not in page
    assert logged(world.practitioner, "audits:detail") == [("audits.audit", str(audit.pk), "view")]


def test_a_practitioner_of_another_team_gets_404_and_nothing_is_logged(world):
    audit = new_audit(world)

    response = signed_in(world.other_team_practitioner).get(_url(audit))

    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(user=world.other_team_practitioner).count() == 0


def test_the_child_id_shows_to_the_team_but_only_the_reference_to_the_qa_lead(world):
    audit = new_audit(world)

    manager_page = text(signed_in(world.team_manager).get(_url(audit)))
    qa_page = text(signed_in(world.qa_lead).get(_url(audit)))

    assert f"LA child ID {audit.child.child_id}" in manager_page
    assert audit.child.pseudonym in qa_page
    assert audit.child.child_id not in qa_page


def test_a_section_shows_each_items_guidance_beside_the_practitioners_rating(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    item = section(audit, "B").items.get(code="B1")

    response = signed_in(world.practitioner).get(_url(audit, "sections", "B"))

    page = text(response)
    assert "B1. Danger or harm statements" in page
    assert f"Guidance {item.guidance[:40]}" in page
    html = response.content.decode()
    assert f'name="i{item.pk}_practitioner_rating"' in html
    assert f'name="i{item.pk}_auditor_rating"' not in html  # not the auditor's yet
    assert '<input type="hidden" name="base_version" value="0">' in html
    assert logged(world.practitioner, "audits:section") == [("audits.audit", str(audit.pk), "view")]


def test_the_practitioner_saves_a_section_and_goes_on_to_the_next(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    item = section(audit, "B").items.get(code="B1")

    response = signed_in(world.practitioner).post(
        _url(audit, "sections", "B"),
        {"base_version": "0", f"i{item.pk}_practitioner_rating": "good",
         f"i{item.pk}_practitioner_comment": "Clear statements.", "then": "next"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == _url(audit, "sections", "C")
    rating = AuditRating.objects.get(audit=audit, item=item)
    assert (rating.practitioner_rating, rating.practitioner_comment) == (
        "good",
        "Clear statements.",
    )
    assert audit.section_states.get(section=item.section).version == 1


def test_section_a_is_filled_from_core_data_and_cannot_be_posted(world):
    audit = new_audit(world)
    client = signed_in(world.practitioner)

    page = text(client.get(_url(audit, "sections", "A")))
    posted = client.post(_url(audit, "sections", "A"), {"base_version": "0"})

    assert "Plan tier Child in need" in page
    assert f"Team {world.team.name}" in page
    assert posted.status_code == 403


def test_a_stale_save_shows_both_versions_and_saves_nothing(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    row = section(audit, "B")
    item = row.items.get(code="B1")
    base = audit.section_states.get(section=row).version
    client = signed_in(world.team_manager)
    client.get(_url(audit, "sections", "B"))  # the auditor opens the section...
    audit_section_save(  # ...and saves it from another tab
        audit=audit, section=row, by=world.team_manager, base_version=base,
        ratings={item.pk: {"auditor_rating": "requires_improvement"}},
    )  # fmt: skip

    response = client.post(
        _url(audit, "sections", "B"),
        {"base_version": str(base), f"i{item.pk}_auditor_rating": "outstanding"},
    )

    assert response.status_code == 409
    page = text(response)
    assert "Your changes have not been saved yet" in page
    assert "Keep the saved version" in page
    assert "Requires improvement" in page
    assert "Use your version" in page
    assert "Outstanding" in page
    html = response.content.decode()
    assert f'name="base_version" value="{base + 1}"' in html
    rating = AuditRating.objects.get(audit=audit, item=item)
    assert rating.auditor_rating == "requires_improvement"


def test_choosing_your_version_on_the_conflict_page_saves_it(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    row = section(audit, "B")
    item = row.items.get(code="B1")
    audit_section_save(
        audit=audit, section=row, by=world.team_manager, base_version=1,
        ratings={item.pk: {"auditor_rating": "requires_improvement"}},
    )  # fmt: skip

    response = signed_in(world.team_manager).post(
        _url(audit, "sections", "B"),
        {"base_version": "2", f"i{item.pk}_auditor_rating": "outstanding", "then": "list"},
    )

    assert response.status_code == 302
    assert AuditRating.objects.get(audit=audit, item=item).auditor_rating == "outstanding"


def test_the_auditor_records_the_judgement_in_the_conversation(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)
    version = audit.section_states.get(section=section(audit, "H")).version

    response = signed_in(world.team_manager).post(
        _url(audit, "sections", "H"),
        {"base_version": str(version), "overall_grade": "good", "practice_scale": "7"},
    )

    assert response.status_code == 302
    audit.refresh_from_db()
    assert (audit.overall_grade, audit.practice_scale) == ("good", 7)


def test_an_invalid_rating_is_shown_in_the_error_summary_linked_to_the_field(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    item = section(audit, "B").items.get(code="B1")

    response = signed_in(world.practitioner).post(
        _url(audit, "sections", "B"),
        {"base_version": "0", f"i{item.pk}_practitioner_rating": "brilliant"},
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        "Select a valid choice. brilliant is not one of the available choices."
    ]
    assert f'href="#id_i{item.pk}_practitioner_rating"' in response.content.decode()


def test_a_refused_transition_shows_the_reason_as_the_error_summary(world):
    audit = audit_in_state(world, AuditState.REFLECTION)

    response = signed_in(world.practitioner).post(_url(audit, "steps", "submit-reflection"))

    assert response.status_code == 200
    assert error_summary(response) == [
        "Rate every item before you finish. Item B1 has no rating yet."
    ]
    audit.refresh_from_db()
    assert audit.state == AuditState.REFLECTION


def test_a_transition_the_role_does_not_allow_is_forbidden(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    response = signed_in(world.practitioner).post(_url(audit, "steps", "complete"))

    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.state == AuditState.CONVERSATION


def test_starting_the_reflection_moves_the_audit_on(world):
    audit = new_audit(world)

    response = signed_in(world.practitioner).post(_url(audit, "steps", "start-reflection"))

    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.state == AuditState.REFLECTION


def test_going_ahead_without_the_reflection_needs_a_reason(world):
    audit = new_audit(world)
    client = signed_in(world.team_manager)

    refused = client.post(_url(audit, "skip-reflection"), {"reason": ""})
    done = client.post(_url(audit, "skip-reflection"), {"reason": "The practitioner has left."})

    assert error_summary(refused) == ["This field is required."]
    assert done.status_code == 302
    audit.refresh_from_db()
    assert audit.state == AuditState.CONVERSATION
    assert audit.reflection_skipped_reason == "The practitioner has left."


def test_the_history_says_who_changed_what(world):
    audit = audit_in_state(world, AuditState.CONVERSATION)

    response = signed_in(world.qa_lead).get(_url(audit, "history"))

    page = text(response)
    assert "State changed: state planned reflection" in page
    assert f"{world.practitioner.staff_member.name} Rating changed: B1 practitioner rating" in page
    assert logged(world.qa_lead, "audits:history") == [("audits.audit", str(audit.pk), "view")]


def test_an_autosave_answers_with_the_new_version_and_does_not_log_a_view(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    item = section(audit, "B").items.get(code="B1")
    client = signed_in(world.practitioner)

    response = client.post(
        _url(audit, "sections", "B"),
        {"base_version": "0", f"i{item.pk}_practitioner_rating": "good"},
        headers={"X-Autosave": "1"},
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert response.json()["message"].startswith("Saved at ")
    assert AuditRating.objects.get(audit=audit, item=item).practitioner_rating == "good"
    assert logged(world.practitioner, "audits:section") == []


def test_a_stale_autosave_is_refused_and_writes_nothing(world):
    audit = audit_in_state(world, AuditState.REFLECTION)
    row = section(audit, "B")
    item = row.items.get(code="B1")
    audit_section_save(
        audit=audit, section=row, by=world.practitioner, base_version=0,
        ratings={item.pk: {"practitioner_rating": "inadequate"}},
    )  # fmt: skip

    response = signed_in(world.practitioner).post(
        _url(audit, "sections", "B"),
        {"base_version": "0", f"i{item.pk}_practitioner_rating": "good"},
        headers={"X-Autosave": "1"},
    )

    assert response.status_code == 409
    assert "Select Save to compare the two versions" in response.json()["message"]
    assert AuditRating.objects.get(audit=audit, item=item).practitioner_rating == "inadequate"

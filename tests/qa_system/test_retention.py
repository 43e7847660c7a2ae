"""Retention (DESIGN.md): each organisation sets how long audits, survey responses and
imported data are kept; the nightly job removes what is past it, records how many of
each went, removes nothing more when run again, and never touches another
organisation."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from audits.models import Audit, AuditAction, AuditEvent, SafeguardingEscalation
from coredata.models import (
    Allocation,
    Child,
    ImportRun,
    Population,
    Referral,
    RefreshRun,
    Visit,
)
from organisation.models import Organisation
from qa_system.errors import ApplicationError
from qa_system.models import RetentionPolicy, RetentionRun
from qa_system.services_retention import (
    months_before,
    retention_apply,
    retention_policy_update,
)
from qa_system.tasks import retention_apply_all
from surveys.models import SafetyAlert, StaffSurveyResponse, SurveyInvitation, SurveyResponse
from tests.conftest import World
from tests.coredata.indicator_results import client_for
from tests.qa_system.builders import (
    action_on,
    audit_of,
    child_allocated_to,
    escalation_on,
    invitation_for,
    response_to,
    safety_alert_from,
    staff_of,
)

TODAY = date(2026, 11, 21)  # defaults: audits before 21 Nov 2020, responses before
# 21 Nov 2023, imported data before 21 Nov 2019 (collection years up to 2019 are past)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _closed_audit(world: World, closed: date, state: str = "closed") -> Audit:
    child = child_allocated_to(world.practitioner, world.team)
    audit = audit_of(
        child, practitioner=world.practitioner, auditor=world.team_manager, team=world.team,
        state=state,
    )  # fmt: skip
    Audit.objects.filter(pk=audit.pk).update(
        closed_at=_at(closed) if state == "closed" else None, created_at=_at(closed)
    )
    return audit


def test_closed_audits_past_the_period_go_with_their_actions_history_and_escalations(
    world: World,
) -> None:
    old = _closed_audit(world, date(2019, 5, 1))
    action_on(old, owner=world.practitioner, due=date(2019, 6, 1))
    escalation_on(old, by=world.team_manager)
    AuditEvent.objects.create(audit=old, kind="state", at=_at(date(2019, 5, 1)))
    recent = _closed_audit(world, date(2025, 5, 1))
    still_open = _closed_audit(world, date(2015, 1, 1), state="conversation")

    run = retention_apply(organisation_id=world.organisation.pk, today=TODAY)

    assert set(Audit.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not AuditAction.objects.filter(audit_id=old.pk).exists()
    assert not SafeguardingEscalation.objects.filter(audit_id=old.pk).exists()
    assert not AuditEvent.objects.filter(audit_id=old.pk).exists()
    assert run.removed["audits.Audit"] == 1
    assert run.removed["audits.SafeguardingEscalation"] == 1
    assert run.audits_before == date(2020, 11, 21)


def test_a_cancelled_audit_counts_from_its_last_change(world: World) -> None:
    cancelled = _closed_audit(world, date(2018, 1, 1), state="cancelled")
    AuditEvent.objects.create(audit=cancelled, kind="state", at=_at(date(2021, 3, 1)))

    retention_apply(organisation_id=world.organisation.pk, today=TODAY)
    kept = Audit.objects.filter(pk=cancelled.pk).exists()
    retention_apply(organisation_id=world.organisation.pk, today=date(2027, 6, 1))

    assert kept
    assert not Audit.objects.filter(pk=cancelled.pk).exists()


def _response(world: World, sent: date) -> SurveyResponse:
    child = child_allocated_to(world.practitioner, world.team)
    response = response_to(
        invitation_for(child, worker=world.practitioner, team=world.team), {"feel_safe": 1}
    )
    SurveyResponse.objects.filter(pk=response.pk).update(submitted_on=sent)
    return response


def _staff_response(world: World, week: date) -> StaffSurveyResponse:
    family = _response(world, TODAY)
    return StaffSurveyResponse.objects.create(
        organisation=world.organisation, campaign=family.campaign, template=family.template,
        team=world.team, service=world.service, week_start=week, answers={"safer": 4},
    )  # fmt: skip


def test_survey_responses_go_with_their_invitation_and_alert_and_unused_links_too(
    world: World,
) -> None:
    old = _response(world, date(2023, 1, 9))
    safety_alert_from(old)
    recent = _response(world, date(2024, 6, 1))
    unused_child = child_allocated_to(world.practitioner, world.team)
    expired = invitation_for(unused_child, worker=world.practitioner, team=world.team)
    SurveyInvitation.objects.filter(pk=expired.pk).update(expires_at=_at(date(2023, 2, 1)))
    waiting = invitation_for(
        child_allocated_to(world.practitioner, world.team),
        worker=world.practitioner,
        team=world.team,
    )
    old_staff, recent_staff = (
        _staff_response(world, date(2023, 1, 2)),
        _staff_response(world, date(2025, 1, 6)),
    )

    run = retention_apply(organisation_id=world.organisation.pk, today=TODAY)

    assert not SurveyResponse.objects.filter(pk=old.pk).exists()
    assert not SurveyInvitation.objects.filter(pk__in=[old.invitation_id, expired.pk]).exists()
    assert not SafetyAlert.objects.exists()
    assert SurveyResponse.objects.filter(pk=recent.pk).exists()
    assert SurveyInvitation.objects.filter(pk=waiting.pk).exists()
    assert list(StaffSurveyResponse.objects.values_list("pk", flat=True)) == [recent_staff.pk]
    assert old_staff.pk not in StaffSurveyResponse.objects.values_list("pk", flat=True)
    assert run.removed["surveys.SurveyResponse"] == 1
    assert run.removed["surveys.SafetyAlert"] == 1
    assert run.removed["surveys.SurveyInvitation"] == 2
    assert run.removed["surveys.StaffSurveyResponse"] == 1


def _old_run(organisation: Organisation) -> ImportRun:
    run = ImportRun.objects.create(organisation=organisation, status="succeeded")
    ImportRun.objects.filter(pk=run.pk).update(created_at=_at(date(2018, 1, 1)))
    return run


def test_imported_data_goes_by_collection_year_and_end_date_then_children_left_with_nothing(
    world: World,
) -> None:
    organisation = world.organisation
    run = _old_run(organisation)
    gone = Child.objects.create(organisation=organisation, child_id="OLD1", pseudonym="old1")
    Referral.objects.create(organisation=organisation, run=run, child=gone, collection_year=2019,
                            referral_date=date(2018, 6, 1), source="1A", nfa=False)  # fmt: skip
    Visit.objects.create(organisation=organisation, run=run, child=gone,
                         visit_date=date(2018, 7, 1), seen=True, seen_alone=False)  # fmt: skip
    Allocation.objects.create(organisation=organisation, run=run, child=gone,
                              worker=staff_of(world.practitioner), team=world.team,
                              start_date=date(2018, 6, 1), end_date=date(2019, 3, 1))  # fmt: skip
    Population.objects.create(organisation=organisation, run=run, area_code="E06000001",
                              year=2018, population_0_17=30000)  # fmt: skip
    kept = child_allocated_to(world.practitioner, world.team, since=date(2018, 1, 1))
    Referral.objects.filter(child=kept).update(collection_year=2020)
    unused_old_run = _old_run(organisation)
    audited = Child.objects.create(organisation=organisation, child_id="AUD1", pseudonym="aud1")
    audit_of(audited, practitioner=world.practitioner, auditor=world.team_manager,
             team=world.team, state="conversation")  # fmt: skip

    retention = retention_apply(organisation_id=organisation.pk, today=TODAY)

    assert not Child.objects.filter(pk=gone.pk).exists()
    assert Child.objects.filter(pk__in=[kept.pk, audited.pk]).count() == 2
    assert Referral.objects.filter(child=kept).exists()
    assert not Visit.objects.filter(child=kept).exists()  # a 2018 visit goes all the same
    assert Allocation.objects.filter(child=kept, end_date__isnull=True).exists()
    assert Population.objects.filter(run=run).exists()  # counts, not records: kept
    assert ImportRun.objects.filter(pk=run.pk).exists()  # the population still comes from it
    assert not ImportRun.objects.filter(pk=unused_old_run.pk).exists()
    assert retention.removed["coredata.Referral"] == 1
    assert retention.removed["coredata.Child"] == 1
    assert RefreshRun.objects.filter(organisation=organisation, status="queued").exists()


def test_running_again_removes_nothing_more_and_says_so(world: World) -> None:
    _closed_audit(world, date(2019, 5, 1))
    retention_apply(organisation_id=world.organisation.pk, today=TODAY)
    audits = Audit.objects.count()

    again = retention_apply(organisation_id=world.organisation.pk, today=TODAY)

    assert again.removed == {}
    assert again.removed_total == 0
    assert Audit.objects.count() == audits
    assert RetentionRun.objects.filter(organisation=world.organisation).count() == 2


def test_another_organisations_records_are_never_touched(world: World) -> None:
    other = Organisation.objects.get(pk=world.other_organisation.pk)
    run = _old_run(other)
    child = Child.objects.create(organisation=other, child_id="X1", pseudonym="x1")
    Referral.objects.create(organisation=other, run=run, child=child, collection_year=2015,
                            referral_date=date(2014, 6, 1), source="1A", nfa=False)  # fmt: skip

    retention_apply(organisation_id=world.organisation.pk, today=TODAY)

    assert Referral.objects.filter(organisation=other).count() == 1
    assert Child.objects.filter(pk=child.pk).exists()


def test_a_shorter_policy_removes_sooner(world: World) -> None:
    retention_policy_update(
        organisation=world.organisation,
        by=world.administrator,
        months={"audit_months": 12, "survey_response_months": 12, "imported_data_months": 84},
    )
    two_years_ago = _closed_audit(world, date(2024, 10, 1))

    run = retention_apply(organisation_id=world.organisation.pk, today=TODAY)

    assert not Audit.objects.filter(pk=two_years_ago.pk).exists()
    assert run.audits_before == date(2025, 11, 21)


def test_periods_out_of_bounds_are_refused_with_each_field_named(world: World) -> None:
    with pytest.raises(ApplicationError) as refused:
        retention_policy_update(
            organisation=world.organisation,
            by=world.administrator,
            months={"audit_months": 3, "survey_response_months": None, "imported_data_months": 84},
        )

    errors = refused.value.extra["errors"]
    assert set(errors) == {"audit_months", "survey_response_months"}
    assert "between 12 and 300 months" in errors["audit_months"]
    assert not RetentionPolicy.objects.exists()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 21), 72, date(2020, 11, 21)),
        (date(2026, 1, 15), 13, date(2024, 12, 15)),
    ],
)
def test_months_before_keeps_the_day_or_the_months_last(
    day: date, months: int, expected: date
) -> None:
    assert months_before(day, months) == expected


def test_the_nightly_task_runs_every_organisation(world: World) -> None:
    retention_apply_all.delay()

    organisations = set(RetentionRun.objects.values_list("organisation_id", flat=True))
    assert organisations == set(Organisation.objects.values_list("pk", flat=True))


def test_an_administrator_changes_the_periods_on_the_page(world: World) -> None:
    client = client_for(world.administrator)

    response = client.post(
        reverse("qa:retention"),
        {"audit_months": "60", "survey_response_months": "24", "imported_data_months": "96"},
    )

    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(organisation=world.organisation)
    assert (policy.audit_months, policy.survey_response_months) == (60, 24)
    assert policy.updated_by == world.administrator
    page = client.get(reverse("qa:retention")).content.decode()
    assert "60 months" in page


def test_a_period_out_of_bounds_shows_the_error_summary(world: World) -> None:
    response = client_for(world.administrator).post(
        reverse("qa:retention"),
        {"audit_months": "6", "survey_response_months": "24", "imported_data_months": "96"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'href="#id_audit_months"' in page
    assert not RetentionPolicy.objects.exists()


def test_qa_leads_read_the_policy_but_cannot_change_it(world: World) -> None:
    client = client_for(world.qa_lead)

    page = client.get(reverse("qa:retention"))
    refused = client.post(
        reverse("qa:retention"),
        {"audit_months": "60", "survey_response_months": "24", "imported_data_months": "96"},
    )

    assert page.status_code == 200
    assert "Save the periods" not in page.content.decode()
    assert refused.status_code == 403
    assert not RetentionPolicy.objects.exists()


def test_the_page_lists_what_each_night_removed_in_plain_words(world: World) -> None:
    _closed_audit(world, date(2019, 5, 1))
    retention_apply(organisation_id=world.organisation.pk, today=TODAY)

    page = client_for(world.administrator).get(reverse("qa:retention")).content.decode()

    assert "audits 1" in page

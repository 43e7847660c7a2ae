"""Refreshing indicators: complete runs, coalesced requests, one at a time."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from coredata.models import RefreshRun, UnitResults
from coredata.selectors import refresh_current, unit_results_frame
from coredata.services import refresh as refresh_service
from coredata.services.refresh import (
    RefreshBusy,
    refresh_execute,
    refresh_now,
    refresh_request,
)
from organisation.models import Organisation
from tests.coredata.helpers import problems, run_import
from tests.coredata.test_import_local_files import ALLOCATIONS, STAFF, TEAMS

VISITS = "child_id,visit_date,seen,seen_alone\nC1,2024-01-02,Y,N\n"


@pytest.fixture
def organisation(db: None) -> Organisation:
    organisation = Organisation.objects.create(name="Testshire", la_code="901")
    run = run_import(
        organisation,
        {"teams.csv": TEAMS, "staff.csv": STAFF, "allocations.csv": ALLOCATIONS,
         "visits.csv": VISITS},
    )  # fmt: skip
    assert run.status == "succeeded", problems(run)
    # The import asked for a refresh; these tests run it themselves.
    RefreshRun.objects.all().delete()
    return organisation


def test_a_refresh_stores_results_for_every_unit(organisation: Organisation) -> None:
    run = refresh_now(organisation=organisation)
    assert run.status == RefreshRun.Status.SUCCEEDED, run.failure_reason
    units = set(UnitResults.objects.filter(run=run).values_list("unit_type", "unit_code"))
    assert ("organisation", "901") in units
    assert {("team", "N01"), ("team", "N02")} <= units
    assert run.unit_count == len(units)
    assert run.import_run_ids
    assert refresh_current(organisation_id=organisation.pk) == run
    w5 = unit_results_frame(run=run, unit_type="organisation", unit_code="901")
    assert list(w5.columns)[:3] == ["unit_type", "unit_code", "indicator"]
    assert run.result_count >= len(w5) > 0


def test_requests_are_coalesced_while_one_waits(organisation: Organisation) -> None:
    first = refresh_request(organisation=organisation, enqueue=False)
    second = refresh_request(organisation=organisation, enqueue=False)
    assert first is not None
    assert second is None
    assert RefreshRun.objects.filter(status="queued").count() == 1


def test_two_refreshes_never_run_at_once(organisation: Organisation) -> None:
    RefreshRun.objects.create(
        organisation=organisation, status="running", started_at=timezone.now()
    )
    waiting = refresh_request(organisation=organisation, enqueue=False)
    assert waiting is not None
    with pytest.raises(RefreshBusy):
        refresh_execute(run_id=waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == "queued"


def test_a_refresh_left_running_by_a_dead_worker_is_failed_and_replaced(
    organisation: Organisation,
) -> None:
    dead = RefreshRun.objects.create(
        organisation=organisation, status="running",
        started_at=timezone.now() - timedelta(hours=2),
    )  # fmt: skip
    run = refresh_now(organisation=organisation)
    dead.refresh_from_db()
    assert dead.status == "failed"
    assert run.status == "succeeded"


def test_a_failed_refresh_leaves_the_previous_results(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = refresh_now(organisation=organisation)
    before = UnitResults.objects.filter(run=good).count()

    def broken(inputs: Any) -> pd.DataFrame:
        raise RuntimeError("engine crashed")

    # Fault injection: the engine fails part-way through the second refresh.
    monkeypatch.setattr(refresh_service, "compute_all", broken)
    failed = refresh_now(organisation=organisation)
    assert failed.status == "failed"
    assert "previous results" in failed.failure_reason
    assert refresh_current(organisation_id=organisation.pk) == good
    assert UnitResults.objects.filter(run=good).count() == before
    assert not UnitResults.objects.filter(run=failed).exists()


def test_only_the_current_and_previous_runs_keep_results(organisation: Organisation) -> None:
    runs = [refresh_now(organisation=organisation) for _ in range(3)]
    kept = set(UnitResults.objects.values_list("run_id", flat=True))
    assert kept == {runs[1].pk, runs[2].pk}


def test_a_successful_import_asks_for_a_refresh(db: None) -> None:
    organisation = Organisation.objects.create(name="Elsewhere", la_code="902")
    run_import(organisation, {"teams.csv": TEAMS})
    assert RefreshRun.objects.filter(organisation=organisation, status="queued").count() == 1
    again = run_import(organisation, {"teams.csv": TEAMS})
    assert again.counts == {}
    assert RefreshRun.objects.filter(organisation=organisation).count() == 1


def test_the_command_refreshes_and_reports(organisation: Organisation) -> None:
    out = StringIO()
    call_command("refresh_indicators", "--organisation", "901", stdout=out)
    assert "Done" in out.getvalue()
    assert RefreshRun.objects.filter(status="succeeded").count() == 1

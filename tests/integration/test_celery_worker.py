"""A real worker takes tasks off a real broker and writes the test database."""

import io
import shutil
import time

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from coredata.models import ImportRun
from coredata.services.imports import import_run_create
from organisation.models import Team
from qa_system.celery import app as celery_app
from qa_system.models import Heartbeat
from qa_system.services import HEARTBEAT
from qa_system.tasks import heartbeat
from tests.factories import OrganisationFactory
from tests.integration.conftest import Worker

pytestmark = pytest.mark.integration

WAIT_FOR_TASK = 30.0


def _wait_for_heartbeat(worker: Worker) -> Heartbeat:
    deadline = time.monotonic() + WAIT_FOR_TASK
    while time.monotonic() < deadline:
        beat = Heartbeat.objects.filter(name=HEARTBEAT).first()
        if beat is not None:
            return beat
        if worker.process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(
        f"No heartbeat row within {WAIT_FOR_TASK:.0f} s of sending the task "
        f"(worker exit status {worker.process.poll()}). The worker's output:\n"
        f"{worker.output()}"
    )


def test_a_real_worker_runs_the_heartbeat_task(worker: Worker) -> None:
    assert not Heartbeat.objects.exists()
    sent_at = time.time()

    heartbeat.delay()

    beat = _wait_for_heartbeat(worker)
    assert beat.name == HEARTBEAT
    assert sent_at - 5 <= beat.last_run_at.timestamp() <= time.time() + 5, worker.output()
    assert Heartbeat.objects.count() == 1
    assert worker.wait_for_output("qa_system.tasks.heartbeat"), worker.output()
    assert worker.wait_for_output("succeeded"), worker.output()


def test_healthz_is_ok_once_the_worker_has_run_the_heartbeat(worker: Worker) -> None:
    client = Client()
    assert client.get("/healthz").json()["checks"]["beat"]["ok"] is False

    heartbeat.delay()
    _wait_for_heartbeat(worker)

    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, (body, worker.output())
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {
        "ok": True,
        "detail": "redis" if "redis" in worker.broker_kind else "filesystem",
    }
    assert body["checks"]["beat"]["ok"] is True


def test_an_import_queued_on_the_imports_queue_is_run_by_the_worker(
    worker: Worker, settings: Settings, request: pytest.FixtureRequest
) -> None:
    # The files are stored by the web process and read by the worker: one media folder.
    settings.MEDIA_ROOT = worker.var_dir / "media"
    route = celery_app.amqp.router.route({}, "coredata.tasks.import_run_execute")
    assert route["queue"].name == "imports"
    organisation = OrganisationFactory(name="Testshire", la_code="901")
    teams = "team_code,team_name,service_code,service_name\nN01,Assessment North,N,North\n"

    run = import_run_create(
        organisation=organisation,
        user=None,
        uploads=[("teams.csv", io.BytesIO(teams.encode()))],
    )
    stored = settings.MEDIA_ROOT / "imports" / str(organisation.pk) / str(run.pk)
    request.addfinalizer(lambda: shutil.rmtree(stored, ignore_errors=True))

    deadline = time.monotonic() + WAIT_FOR_TASK
    while time.monotonic() < deadline and worker.process.poll() is None:
        run.refresh_from_db()
        if run.status in {ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED}:
            break
        time.sleep(0.2)
    assert run.status == ImportRun.Status.SUCCEEDED, (run.status, worker.output())
    assert run.counts == {"services": 1, "teams": 1}
    assert Team.objects.filter(organisation=organisation, code="N01").exists()
    assert worker.wait_for_output("coredata.tasks.import_run_execute"), worker.output()

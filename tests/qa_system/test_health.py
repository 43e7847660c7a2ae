from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qa_system.models import Heartbeat
from qa_system.services import heartbeat_record
from qa_system.tasks import heartbeat


@pytest.mark.django_db
def test_healthz_is_unhealthy_before_any_heartbeat(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["beat"] == {"ok": False, "detail": "no heartbeat recorded yet"}


@pytest.mark.django_db
def test_healthz_is_healthy_after_the_heartbeat_task_runs(client: Client) -> None:
    heartbeat.delay()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["last_beat_at"] is not None


@pytest.mark.django_db
def test_healthz_reports_a_stale_heartbeat(client: Client) -> None:
    Heartbeat.objects.create(name="beat", last_run_at=timezone.now() - timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"]["ok"] is False
    assert "ago" in response.json()["checks"]["beat"]["detail"]


@pytest.mark.django_db
def test_heartbeat_record_keeps_one_row() -> None:
    heartbeat_record()
    heartbeat_record()
    assert Heartbeat.objects.count() == 1

"""Read-side helpers of the project package: the health report and retention."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.utils import timezone

from qa_system.celery import app as celery_app
from qa_system.models import Heartbeat, RetentionPolicy, RetentionRun
from qa_system.services import HEARTBEAT


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def _database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return Check(False, f"unreachable: {exc.__class__.__name__}")
    return Check(True, connection.vendor)


def _broker_check() -> Check:
    transport = celery_app.conf.broker_url.split(":", 1)[0]
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure to connect means unhealthy
        return Check(False, f"{transport} unreachable: {exc.__class__.__name__}")
    return Check(True, transport)


def _beat_check(now: datetime) -> tuple[Check, datetime | None]:
    try:
        beat = Heartbeat.objects.filter(name=HEARTBEAT).first()
    except DatabaseError:
        return Check(False, "unknown: database unreachable"), None
    if beat is None:
        return Check(False, "no heartbeat recorded yet"), None
    age = now - beat.last_run_at
    if age > settings.HEARTBEAT_STALE_AFTER:
        return Check(False, f"last heartbeat {int(age.total_seconds())} s ago"), beat.last_run_at
    return Check(True, f"last heartbeat {int(age.total_seconds())} s ago"), beat.last_run_at


def health_report() -> dict[str, Any]:
    """The state of the database, the broker and beat, for /healthz."""
    now = timezone.now()
    database = _database_check()
    broker = _broker_check()
    beat, last_tick = _beat_check(now)
    checks = {"database": database, "broker": broker, "beat": beat}
    return {
        "status": "ok" if all(check.ok for check in checks.values()) else "fail",
        "checked_at": now.isoformat(),
        "last_beat_at": last_tick.isoformat() if last_tick else None,
        "checks": {
            name: {"ok": check.ok, "detail": check.detail} for name, check in checks.items()
        },
    }


# --- Retention ---------------------------------------------------------------------------


def retention_policy_for(*, organisation_id: int) -> RetentionPolicy:
    """The organisation's policy (an unsaved one of the defaults when it has none)."""
    found = RetentionPolicy.objects.filter(organisation_id=organisation_id).first()
    return found or RetentionPolicy(organisation_id=organisation_id)


def retention_runs_for(*, organisation_id: int) -> QuerySet[RetentionRun]:
    """The organisation's retention runs, latest first (counts only)."""
    return RetentionRun.objects.filter(organisation_id=organisation_id)

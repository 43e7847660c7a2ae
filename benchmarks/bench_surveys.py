"""Survey submissions per second through gunicorn and PostgreSQL on 127.0.0.1, with the
count stored checked against the count sent: none lost, none duplicated.

1. Start a throwaway PostgreSQL 15 and migrate it; make one organisation, a team, a
   worker, N children allocated to them, an open parents' campaign, N invitations and
   one link token each.
2. Start gunicorn (gthread workers) on 127.0.0.1 with the project's settings (the
   per-address look-up limit lifted: every request comes from 127.0.0.1).
3. Open every link over HTTP (`surveys:respond_start`: the token goes into the session)
   and time it; then put a full set of answers into each session (in the session store
   directly, standing in for the one-question-per-page posts).
4. Fire every submission (`surveys:respond_submit`) concurrently from client threads,
   plus a few deliberate duplicates (the same session submitted twice at once), and time
   it. A submission is stored when the answer is the redirect to `surveys:respond_done`;
   a duplicate must get the "link cannot be used" page.
5. Measure the CPU time gunicorn and PostgreSQL used during the submissions (from
   /proc), so the capacity of two idle cores can be stated even on a busy machine.
6. Count what the database holds: responses == invitations used == N, no invitation
   with two responses, every duplicate refused.

Environment: SURVEY_BENCH_N (default 2000), SURVEY_BENCH_CLIENTS (default 24),
SURVEY_BENCH_WORKERS / SURVEY_BENCH_THREADS / SURVEY_BENCH_WORKER_CLASS (gunicorn,
default 3 gthread workers of 8 threads).
"""

import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from benchmarks.postgres_throwaway import cpu_seconds, free_port, throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
DUPLICATE_SHARE = 0.05
ANSWERS = {
    "explained_worries": 4, "understand_next_steps": 5, "strengths_talked_about": 4,
    "ideas_asked": 3, "network_involved": 4, "plan_words": 5, "listened_respect": 5,
    "things_better": 4, "overall_satisfied": 4, "children_safe_now": 8,
    "working_well": "The plan was clear.",
}  # fmt: skip


@contextmanager
def _database(url: str) -> Iterator[None]:
    """Point this process's default database at `url`, and back afterwards."""
    database = settings.DATABASES["default"]
    original = dict(database)
    connections.close_all()
    database.clear()
    database.update(dj_database_url.parse(url, conn_max_age=0))
    for key, value in original.items():
        database.setdefault(key, value if key not in ("OPTIONS", "TEST") else {})
    del connections["default"]
    try:
        yield
    finally:
        connections.close_all()
        database.clear()
        database.update(original)
        del connections["default"]


def _prepare(count: int) -> tuple[int, list[str]]:
    """The organisation, campaign and invitations; the tokens (kept only here)."""
    from coredata.models import Allocation, Child, ImportRun
    from organisation.models import Organisation, Service, StaffMember, Team
    from surveys.models import SurveyInvitation, SurveyToken
    from surveys.services_campaigns import survey_campaign_create, survey_campaign_open
    from surveys.services_templates import (
        survey_template_published,
        survey_templates_install_defaults,
    )
    from surveys.tokens import token_hash, token_new

    organisation = Organisation.objects.create(name="Benchshire", la_code="998")
    service = Service.objects.create(organisation=organisation, code="S", name="Service")
    team = Team.objects.create(organisation=organisation, service=service, code="T", name="Team")
    worker = StaffMember.objects.create(organisation=organisation, worker_id="W1", name="Worker")
    run = ImportRun.objects.create(organisation=organisation, status="succeeded")
    children = Child.objects.bulk_create(
        Child(organisation=organisation, child_id=f"B{i:06d}", pseudonym=f"bench-{i}")
        for i in range(count)
    )
    Allocation.objects.bulk_create(
        Allocation(organisation=organisation, run=run, child=child, worker=worker, team=team,
                   start_date=date(2020, 1, 1))
        for child in children
    )  # fmt: skip
    survey_templates_install_defaults(organisation=organisation)
    template = survey_template_published(organisation_id=organisation.pk, key="parents")
    assert template is not None
    today = date.today()  # noqa: DTZ011 - a date for the campaign window only
    campaign = survey_campaign_open(
        campaign=survey_campaign_create(
            organisation=organisation, template=template, name="Bench", kind="fixed",
            opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
        )
    )  # fmt: skip
    from django.utils import timezone

    expires = timezone.now() + timedelta(days=7)
    invitations = SurveyInvitation.objects.bulk_create(
        SurveyInvitation(organisation=organisation, campaign=campaign, child=child, worker=worker,
                         team=team, service=service, event="manual", event_date=today,
                         expires_at=expires)
        for child in children
    )  # fmt: skip
    tokens = [token_new() for _ in invitations]
    SurveyToken.objects.bulk_create(
        SurveyToken(invitation=invitation, token_hash=token_hash(token))
        for invitation, token in zip(invitations, tokens, strict=True)
    )
    return campaign.pk, tokens


@contextmanager
def _gunicorn(database_url: str) -> Iterator[tuple[int, int]]:
    """Start gunicorn on a free port; yield (port, master pid); stop it."""
    port = free_port()
    workers = os.environ.get("SURVEY_BENCH_WORKERS", "3")
    threads = os.environ.get("SURVEY_BENCH_THREADS", "8")
    worker_class = os.environ.get("SURVEY_BENCH_WORKER_CLASS", "gthread")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(  # noqa: S603 - a fixed command
        [sys.executable, "-m", "gunicorn", "qa_system.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", workers, "--threads", threads, "--worker-class", worker_class,
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        yield port, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


class _Client:
    """One keep-alive connection per thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
                ) -> http.client.HTTPResponse:  # fmt: skip
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body or None, headers=headers or {})
                response = self.connection.getresponse()
                response.read()
                return response
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        raise AssertionError("unreachable")


def _in_threads(port: int, jobs: list[Any], work: Any, clients: int) -> tuple[list[Any], float]:
    import threading

    local = threading.local()

    def run(job: Any) -> Any:
        if not hasattr(local, "client"):
            local.client = _Client(port)
        return work(local.client, job)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(run, jobs))
    return results, time.perf_counter() - started


def _open(client: _Client, token: str) -> str:
    response = client.request("GET", reverse("surveys:respond_start", kwargs={"token": token}))
    assert response.status == 302, response.status
    cookie = SimpleCookie(response.getheader("Set-Cookie") or "")
    return cookie[settings.SESSION_COOKIE_NAME].value


def _fill(session_keys: list[str]) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    for key in session_keys:
        session = SessionStore(session_key=key)
        state = dict(session["survey"])
        state["answers"] = ANSWERS
        session["survey"] = state
        session.save()


def _submit(client: _Client, session_key: str) -> int:
    csrf = secrets.token_urlsafe(24)[:32].ljust(32, "a")
    csrf = "".join(c if c.isalnum() else "a" for c in csrf)
    body = f"csrfmiddlewaretoken={csrf}&share_comments=yes"
    response = client.request(
        "POST", reverse("surveys:respond_submit"), body,
        {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
                   f"{settings.CSRF_COOKIE_NAME}={csrf}",
         "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    return response.status


def _check(campaign_id: int) -> dict[str, int]:
    from django.db.models import Count

    from surveys.models import SurveyInvitation, SurveyResponse

    responses = SurveyResponse.objects.filter(campaign_id=campaign_id)
    return {
        "stored": responses.count(),
        "used": SurveyInvitation.objects.filter(
            campaign_id=campaign_id, used_at__isnull=False
        ).count(),
        "doubled": responses.values("invitation").annotate(n=Count("pk")).filter(n__gt=1).count(),
    }


def run() -> dict[str, float]:
    count = int(os.environ.get("SURVEY_BENCH_N", "2000"))
    clients = int(os.environ.get("SURVEY_BENCH_CLIENTS", "24"))
    with throwaway_postgres() as cluster, _database(cluster.url):
        call_command("migrate", verbosity=0)
        campaign_id, tokens = _prepare(count)
        with _gunicorn(cluster.url) as (port, gunicorn_pid):
            session_keys, open_seconds = _in_threads(port, tokens, _open, clients)
            _fill(session_keys)
            rng = random.Random(6)
            duplicates = rng.sample(session_keys, int(count * DUPLICATE_SHARE))
            jobs = session_keys + duplicates
            rng.shuffle(jobs)
            web_before = cpu_seconds([gunicorn_pid])
            database_before = cpu_seconds([cluster.postmaster_pid])
            client_before = time.process_time()
            statuses, submit_seconds = _in_threads(port, jobs, _submit, clients)
            client_cpu = time.process_time() - client_before
            web_cpu = cpu_seconds([gunicorn_pid]) - web_before
            database_cpu = cpu_seconds([cluster.postmaster_pid]) - database_before
            cpu_used = web_cpu + database_cpu
        stored = _check(campaign_id)
    outcome = Counter(statuses)
    sent = len(jobs)
    assert stored["stored"] == stored["used"] == count, (stored, outcome)
    assert stored["doubled"] == 0, stored
    assert outcome[302] == count, outcome
    assert outcome[404] == len(duplicates), outcome
    return {
        "invitations": count,
        "opens_per_s": count / open_seconds,
        "submissions_sent": sent,
        "submissions_per_s": sent / submit_seconds,
        # CPU time gunicorn and PostgreSQL spent per submission: what the machine's load
        # from other work does not change. Two idle cores give 2000 / this per second.
        "server_cpu_ms_per_submission": 1000 * cpu_used / sent,
        "gunicorn_cpu_ms": 1000 * web_cpu / sent,
        "postgres_cpu_ms": 1000 * database_cpu / sent,
        "cores_2_capacity_per_s": 2 * sent / cpu_used,
        # The load generator's own CPU time (it shares the two cores with the server).
        "client_cpu_ms": 1000 * client_cpu / sent,
        "stored": stored["stored"],
        "lost": count - stored["stored"],
        "duplicated": stored["doubled"],
        "duplicates_refused": outcome[404],
    }

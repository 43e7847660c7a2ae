"""A real Celery worker, in its own process, on the test database and a real broker.

The broker, in order of preference:

1. REDIS_URL from the environment (the test process's Celery app already uses it);
2. a private `redis-server` on a free 127.0.0.1 port, when one is on PATH;
3. when neither and QA_REQUIRE_REDIS is set: the tests fail, so CI cannot pass quietly
   without Redis;
4. otherwise kombu's filesystem transport in a private folder, so `make test` works on a
   laptop without Redis.

The worker reads the test database through DATABASE_URL, built from the test process's
own connection settings (which name the test database once pytest-django has set it up).
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection

from qa_system.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = "default,imports,indicators,notifications"
READY_TIMEOUT = 60.0
# Settings the worker must not inherit: Celery reads these before its own configuration.
_CELERY_ENV_OVERRIDES = ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(process: subprocess.Popen[Any], *, timeout: float = 15.0) -> None:
    """Terminate `process` (and wait for it), killing it if it will not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def _reset_broker_connections() -> None:
    """Make the test process's Celery app open new connections from its current conf.

    The app keeps a connection pool, a producer pool built on it, and the control
    mailbox's reference to the producer pool; each is created lazily on first use, so
    clearing them (as Celery itself does after a fork) is enough.
    """
    app: Any = celery_app  # private attributes, which the type stubs do not describe
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    # kombu also keeps its pools in a process-wide registry keyed by broker URL: without
    # clearing it, the next test on the same broker would get the pool closed above.
    kombu.pools.reset()
    app.amqp._producer_pool = None
    app.control.mailbox.__dict__.pop("producer_pool", None)


def database_url() -> str:
    """A DATABASE_URL naming the database this test process is connected to."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(params['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        user = quote(params.get("USER") or "", safe="")
        password = quote(params.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = quote(params.get("HOST") or "", safe="")
        port = f":{params['PORT']}" if params.get("PORT") else ""
        name = quote(params["NAME"], safe="")
        options = {
            key: value
            for key, value in (params.get("OPTIONS") or {}).items()
            if isinstance(value, str | int) and not isinstance(value, bool)
        }
        query = f"?{urlencode(options)}" if options else ""
        return f"postgres://{credentials}{host}{port}/{name}{query}"
    raise NotImplementedError(f"No worker DATABASE_URL for the {connection.vendor} backend")


@dataclass
class Broker:
    """Where the worker and the test process send and receive tasks."""

    kind: str  # "redis (REDIS_URL)", "redis (private)" or "filesystem"
    worker_env: dict[str, str | None]  # changes to the worker's environment; None unsets
    # The worker's var/ directory (QA_VAR_DIR): its MEDIA_ROOT is the media/ folder in it.
    var_dir: Path = settings.VAR_DIR


@contextlib.contextmanager
def _private_redis() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"redis-server exited with {process.returncode}:\n{output}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not listen on 127.0.0.1:{port} within 15 s")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        _stop(process)
        if process.stdout:
            process.stdout.close()


@contextlib.contextmanager
def _app_broker(url: str, transport_options: dict[str, object]) -> Iterator[None]:
    """Point the test process's Celery app at another broker for the duration."""
    conf = celery_app.conf
    saved = {
        "broker_url": conf.broker_url,
        "broker_transport_options": conf.broker_transport_options,
    }
    conf.update(broker_url=url, broker_transport_options=transport_options)
    _reset_broker_connections()
    try:
        yield
    finally:
        conf.update(saved)
        _reset_broker_connections()


@pytest.fixture(scope="module")
def broker() -> Iterator[Broker]:
    with contextlib.ExitStack() as stack:
        env_redis = os.environ.get("REDIS_URL")
        if env_redis:
            # The settings read REDIS_URL at import: the app already points at it.
            assert celery_app.conf.broker_url == env_redis
            yield Broker("redis (REDIS_URL)", {"REDIS_URL": env_redis})
            return
        if shutil.which("redis-server"):
            url, process = stack.enter_context(_private_redis())
            stack.enter_context(_app_broker(url, {"visibility_timeout": 3600}))
            yield Broker("redis (private)", {"REDIS_URL": url})
            return
        if os.environ.get("QA_REQUIRE_REDIS"):
            pytest.fail(
                "QA_REQUIRE_REDIS is set but there is no Redis: set REDIS_URL, or install "
                "redis-server (apt-get install redis-server) so the test can start its own."
            )
        # The filesystem transport, in a private folder, so that the worker neither takes
        # nor leaves messages in the folders a local `make run` uses.
        var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qa-broker-")))
        folders = {name: var_dir / "celery" / name for name in ("queue", "processed", "control")}
        for folder in folders.values():
            folder.mkdir(parents=True)
        stack.enter_context(
            _app_broker(
                "filesystem://",
                {
                    # The same options settings.py builds from the worker's QA_VAR_DIR.
                    "data_folder_in": str(folders["queue"]),
                    "data_folder_out": str(folders["queue"]),
                    "processed_folder": str(folders["processed"]),
                    "control_folder": str(folders["control"]),
                    "store_processed": False,
                },
            )
        )
        yield Broker("filesystem", {"REDIS_URL": None, "QA_VAR_DIR": str(var_dir)}, var_dir)


class Worker:
    """A `celery worker` subprocess whose output is collected as it runs."""

    def __init__(self, env: dict[str, str], *, broker_kind: str, var_dir: Path) -> None:
        self.broker_kind = broker_kind
        self.var_dir = var_dir
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.hostname = f"integration-{uuid.uuid4().hex[:8]}@%h"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "qa_system",
                "worker",
                "-Q",
                QUEUES,
                "--pool=solo",
                "--loglevel=INFO",
                "-n",
                self.hostname,
            ],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        self._reader = threading.Thread(target=self._read, name="celery-worker-output")
        self._reader.daemon = True
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            # Celery logs "celery@host ready." once the consumer is taking messages.
            if line.rstrip().endswith(" ready."):
                self.ready.set()

    def wait_for_output(self, text: str, timeout: float = 10.0) -> bool:
        """Whether `text` appears in the worker's output within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline or self.process.poll() is not None:
                return any(text in line for line in self.lines)
            time.sleep(0.05)
        return True

    def output(self) -> str:
        return "\n".join(self.lines[-200:])

    def wait_until_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready.wait(0.1):
            if self.process.poll() is not None:
                self._reader.join(5)
                pytest.fail(
                    f"The Celery worker exited with {self.process.returncode} before it was "
                    f"ready. Its output:\n{self.output()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker was not ready within {timeout:.0f} s. "
                    f"Its output:\n{self.output()}"
                )

    def stop(self) -> None:
        _stop(self.process, timeout=20)
        self._reader.join(5)
        if self.process.stdout:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def celery_worker(
    broker: Broker, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Worker]:
    """One worker for the module's tests; each test still gets a flushed database through
    `transactional_db`, which the worker sees because nothing is held in a transaction."""
    with django_db_blocker.unblock():
        url = database_url()
    env = {key: value for key, value in os.environ.items() if key not in _CELERY_ENV_OVERRIDES}
    env.update(
        DJANGO_SETTINGS_MODULE="qa_system.settings",
        DATABASE_URL=url,
        CELERY_TASK_ALWAYS_EAGER="false",
        PYTHONUNBUFFERED="1",
    )
    for key, value in broker.worker_env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    worker = Worker(env, broker_kind=broker.kind, var_dir=broker.var_dir)
    try:
        worker.wait_until_ready()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def worker(celery_worker: Worker, transactional_db: None) -> Worker:
    assert settings.CELERY_TASK_DEFAULT_QUEUE in QUEUES.split(",")
    return celery_worker

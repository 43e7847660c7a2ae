"""The QA unit pages under load: 50 concurrent users, gunicorn and PostgreSQL on 127.0.0.1.

Starts a throwaway PostgreSQL 15 (benchmarks.postgres_throwaway, durability off), fills
it with a large authority (benchmarks.bench_qa_pages_seed: the engine's stored core data results for
~2,400 units, two years of stored audit and survey results for every unit, audits and
flags), starts gunicorn on a free port, then 50 users (threads, each with its own
connection and a signed-in session) request the QA pages (the organisation, every
service and team, practitioners, my practice and the API) round-robin until a fixed
number of requests have been answered, twice:

- `users_*`: 50 people using the pages: each reads a page for 1 to 3 seconds (uniform,
  seeded) before asking for the next, as load-testing tools model users. This is the
  DESIGN.md budget: 95th percentile under 300 ms, no errors.
- `saturated_*`: the same 50 users with no pause at all, so 50 requests are always
  waiting: the most the server answers per second; each request then waits for ~49
  others on 2 cores, so its latency is about 50 / (requests per second).

Prints requests per second, the 50th, 95th and 99th percentile latency and the errors
(any status but 200, or a failed connection). Every URL is requested twice before the
timed runs, as pages are by their first readers after a refresh (the core data values
of a refresh are cached once read).
"""

import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.postgres_throwaway import free_port, throwaway_postgres

USERS = 50
REQUESTS = int(os.environ.get("SIGHTLINE_BENCH_QA_REQUESTS", "3000"))
THINK_SECONDS = (1.0, 3.0)
WORKERS = int(os.environ.get("SIGHTLINE_BENCH_QA_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
TARGET_P95_MS = 300.0


def _environment(database_url: str, folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV")}  # fmt: skip
    env.update(
        DATABASE_URL=database_url,
        QA_VAR_DIR=str(folder / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="qa_system.settings",
    )
    return env


def _wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited before it answered")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


class Load:
    """USERS threads sharing one counter of requests to make."""

    def __init__(
        self,
        port: int,
        plan: list[tuple[str, str]],
        total: int,
        think: tuple[float, float] | None = None,
    ) -> None:
        self.port, self.plan, self.total, self.think = port, plan, total, think
        self.lock = threading.Lock()
        self.issued = 0
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}

    def _next(self) -> int | None:
        with self.lock:
            if self.issued >= self.total:
                return None
            self.issued += 1
            return self.issued - 1

    def user(self, number: int) -> None:
        pause = random.Random(number)  # noqa: S311 - think times, not secrets
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while (index := self._next()) is not None:
            if self.think:
                time.sleep(pause.uniform(*self.think))
            cookie, path = self.plan[index % len(self.plan)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                status = str(response.status)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies.append(elapsed)
                if status != "200":
                    self.errors[status] = self.errors.get(status, 0) + 1
        connection.close()

    def run(self) -> float:
        threads = [threading.Thread(target=self.user, args=(n,)) for n in range(USERS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run() -> dict[str, float]:
    with (
        tempfile.TemporaryDirectory() as temporary,
        throwaway_postgres(max_connections=200, durable=False) as cluster,
    ):
        database_url = cluster.url
        folder = Path(temporary)
        env = _environment(database_url, folder)
        seeded_file = folder / "seeded.json"
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "benchmarks.bench_qa_pages_seed", str(seeded_file)],
            env=env, check=True,
        )  # fmt: skip
        seeded = json.loads(seeded_file.read_text())
        cookies = {p: f"{seeded['cookie']}={key}" for p, key in seeded["sessions"].items()}
        plan = [(cookies[persona], path) for persona, path in seeded["urls"]]
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "qa_system.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
             "--backlog", "256", "--log-level", "warning"],
            env=env, cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        try:
            _wait_until_up(port, server)
            warm = Load(port, plan, len(plan) * 2)
            warm.run()
            users = Load(port, plan, REQUESTS, think=THINK_SECONDS)
            users_elapsed = users.run()
            saturated = Load(port, plan, REQUESTS)
            saturated_elapsed = saturated.run()
        finally:
            server.terminate()
            server.wait(timeout=30)
    if warm.errors or users.errors or saturated.errors:
        print(f"qa_pages errors: warming up {warm.errors}, users {users.errors}, "
              f"saturated {saturated.errors}", flush=True)  # fmt: skip
    figures = {key: float(value) for key, value in seeded["figures"].items()}
    figures.update(urls=float(len(plan)), users=float(USERS), gunicorn_workers=float(WORKERS))
    user_figures = _figures("users", users, users_elapsed)
    user_figures["users_p95_under_target"] = float(
        user_figures["users_p95_ms"] < TARGET_P95_MS and not users.errors
    )
    return {**figures, **user_figures, **_figures("saturated", saturated, saturated_elapsed)}


def _figures(name: str, load: Load, elapsed: float) -> dict[str, float]:
    latencies = [s * 1000 for s in load.latencies]
    return {
        f"{name}_requests": float(len(latencies)),
        f"{name}_requests_per_second": len(latencies) / elapsed,
        f"{name}_p50_ms": _percentile(latencies, 0.50),
        f"{name}_p95_ms": _percentile(latencies, 0.95),
        f"{name}_p99_ms": _percentile(latencies, 0.99),
        f"{name}_mean_ms": statistics.fmean(latencies),
        f"{name}_errors": float(sum(load.errors.values())),
    }

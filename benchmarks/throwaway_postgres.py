"""A throwaway PostgreSQL 15 cluster for a benchmark: created in a temporary folder,
listening on 127.0.0.1 on a free port, durability off for speed, stopped and removed
afterwards (as .ci/run starts the one the test suite uses).

PostgreSQL refuses to run as root: when the benchmark runs as root, the cluster runs as
the `postgres` system user (created if missing), through `runuser`.
"""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROLE = "sightline"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _ensure_postgres_user() -> None:
    if os.geteuid() != 0:
        return
    known = subprocess.run(["id", "-u", "postgres"], capture_output=True, check=False)  # noqa: S607
    if known.returncode != 0:
        subprocess.run(  # noqa: S603
            ["useradd", "--system", "--user-group", "--home-dir", "/var/lib/postgresql",  # noqa: S607
             "--shell", "/bin/bash", "postgres"],
            check=True,
        )  # fmt: skip


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a cluster and yield its DATABASE_URL (a role that owns one database)."""
    if not (PG_BIN / "postgres").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed in {PG_BIN}.")
    _ensure_postgres_user()
    folder = Path(tempfile.mkdtemp(prefix="sightline-bench-pg."))
    data, sockets, log = folder / "data", folder / "socket", folder / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
    port, password = free_port(), secrets.token_hex(16)
    run = subprocess.run
    try:
        run(  # noqa: S603
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "--username=postgres",
                          "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8",
                          "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=256MB"
        )
        run(  # noqa: S603
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                          "-o", options, "start"]),
            check=True, capture_output=True,
        )  # fmt: skip
        psql = [str(PG_BIN / "psql"), "-h", str(sockets), "-p", str(port), "-U", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q"]  # fmt: skip
        run(_as_postgres([*psql, "-c", f"CREATE ROLE {ROLE} LOGIN PASSWORD '{password}'"]),  # noqa: S603
            check=True, capture_output=True)  # fmt: skip
        run(_as_postgres([*psql, "-c", f"CREATE DATABASE {ROLE} OWNER {ROLE}"]),  # noqa: S603
            check=True, capture_output=True)  # fmt: skip
        yield f"postgres://{ROLE}:{password}@127.0.0.1:{port}/{ROLE}"
    finally:
        if (data / "postmaster.pid").exists():
            run(  # noqa: S603
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                check=False, capture_output=True,
            )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)

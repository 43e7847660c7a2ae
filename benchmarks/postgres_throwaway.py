"""A throwaway PostgreSQL 15 cluster on 127.0.0.1 for a benchmark: initdb in a temporary
folder (as the `postgres` user when run as root, as PostgreSQL refuses root), a random
port, one role and database, stopped and removed afterwards. Durability settings are
PostgreSQL's defaults (fsync and synchronous commit on: figures are for a real server)
unless `durable=False` (the read-heavy page benchmark loads millions of rows first)."""

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass(frozen=True)
class Cluster:
    url: str
    data: Path

    @property
    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])


@contextmanager
def throwaway_postgres(*, max_connections: int = 100, durable: bool = True) -> Iterator[Cluster]:
    """Start a cluster; yield it (its DATABASE_URL and data folder); stop and delete it."""
    if not (PG_BIN / "postgres").exists():
        raise RuntimeError(f"PostgreSQL 15 is not installed in {PG_BIN}.")
    folder = Path(tempfile.mkdtemp(prefix="sightline-bench-pg-"))
    data, sockets = folder / "data", folder / "socket"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        shutil.chown(sockets, "postgres", "postgres")
    port, password = free_port(), secrets.token_hex(16)
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    try:
        subprocess.run(  # noqa: S603 - fixed commands, no input
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "--username=postgres",
                          "--auth-local=trust", "--auth-host=scram-sha-256",
                          "--encoding=UTF8", "--locale=C.UTF-8"]),
            **quiet,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} "
            f"-c max_connections={max_connections}"
        )
        if not durable:
            options += (
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                " -c shared_buffers=256MB"
            )
        subprocess.run(  # noqa: S603 - fixed commands, no input
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l",
                          str(folder / "server.log"), "-w", "-o", options, "start"]),
            **quiet,
        )  # fmt: skip
        for statement in (
            f"CREATE ROLE bench LOGIN CREATEDB PASSWORD '{password}'",
            "CREATE DATABASE bench OWNER bench",
        ):
            subprocess.run(  # noqa: S603 - fixed commands, no input
                _as_postgres([str(PG_BIN / "psql"), "-h", str(sockets), "-p", str(port),
                              "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", statement]),
                **quiet,
            )  # fmt: skip
        yield Cluster(f"postgres://bench:{password}@127.0.0.1:{port}/bench", data)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(  # noqa: S603 - fixed commands, no input
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)


def cpu_seconds(roots: list[int]) -> float:
    """User and system CPU time used so far by the processes `roots` and all their
    descendants (Linux /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    family = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in stats.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    return sum(stats[pid][1] for pid in family if pid in stats) / tick

"""Run the whole product locally: migrate, load the demo, then web, Celery worker and beat.

Called by `make run` inside the virtual environment. Ctrl-C stops all three; if one of
them dies, the others are stopped too and the exit status says so.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = os.environ.get("PORT", "8000")
QUEUES = "default,imports,indicators,notifications"


def manage(*args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return result.stdout


def start(name: str, args: list[str]) -> tuple[str, subprocess.Popen[bytes]]:
    # Each child gets its own process group so Ctrl-C reaches it once, through us.
    process = subprocess.Popen(args, cwd=ROOT, start_new_session=True)
    return name, process


def stop(processes: list[tuple[str, subprocess.Popen[bytes]]]) -> None:
    for _, process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for _, process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_system.settings")
    print("  Applying database migrations...", flush=True)
    manage("migrate", "--noinput")
    print("  Loading the demo organisation...", flush=True)
    demo = manage("seed_demo")
    celery = [PYTHON, "-m", "celery", "-A", "qa_system"]
    processes = [
        start("web", [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"]),
        start("worker", [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "-Q", QUEUES]),
        start("beat", [*celery, "beat", "--loglevel=INFO"]),
    ]
    broker = "Redis" if os.environ.get("REDIS_URL") else "the filesystem broker in var/celery"
    print(
        f"\n  The QA system is running at http://{HOST}:{PORT}/\n"
        f"  Health: http://{HOST}:{PORT}/healthz (beat reports healthy within a minute)\n"
        f"  Celery worker and beat are running on {broker}.\n"
        f"\n{demo}\n"
        "  Press Ctrl-C to stop everything.\n",
        flush=True,
    )

    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    status = 0
    while not stopping:
        for name, process in processes:
            if process.poll() is not None:
                print(f"\n  The {name} process stopped (exit {process.returncode}).", flush=True)
                status = 1
                stopping = True
        time.sleep(0.5)
    print("\n  Stopping web, worker and beat...", flush=True)
    stop(processes)
    return status


if __name__ == "__main__":
    sys.exit(main())

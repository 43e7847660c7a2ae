"""Production settings pass Django's deployment checks with no warnings at all."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "QA_REQUIRE_SECOND_FACTOR"}
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        PSEUDONYM_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="qa.example.org",
        DJANGO_SETTINGS_MODULE="qa_system.settings",
        **extra,
    )
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_with_zero_warnings() -> None:
    result = _check_deploy(_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_run_without_a_second_factor() -> None:
    result = _check_deploy(_production_env(QA_REQUIRE_SECOND_FACTOR="false"))
    assert result.returncode != 0
    assert "organisation.E001" in result.stderr + result.stdout


def test_production_refuses_a_missing_secret_key() -> None:
    env = _production_env()
    env["SECRET_KEY"] = ""
    result = _check_deploy(env)
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr

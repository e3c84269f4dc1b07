"""Production settings pass Django's deployment checklist (issue 2, "Done when")."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_deploy(
    *, drop: tuple[str, ...] = (), **overrides: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        RETIRED_IDENTIFIER_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="ukeoi.example.jp",
        DJANGO_SETTINGS_MODULE="ukeoi.settings",
    )
    env.update(overrides)
    for name in drop:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_reports_the_development_secret_key():
    """The check is real: forgetting SECRET_KEY in production is reported."""
    result = _check_deploy(drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr

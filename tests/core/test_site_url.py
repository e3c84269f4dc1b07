"""Issue 14 item 3 (A3): links in mail start with SITE_URL. Unset, SITE_URL is the address
`manage.py runserver` serves (before: always port 8000, so a server on 8101 mailed links
to 8000); an explicit SITE_URL wins; any other process falls back to 127.0.0.1:8000."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ukeoi.core.siteurl import FALLBACK, default, runserver_site_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("args", "url"),
    [
        ([], "http://127.0.0.1:8000"),
        (["8101"], "http://127.0.0.1:8101"),
        (["127.0.0.1:8101"], "http://127.0.0.1:8101"),
        (["localhost:8102", "--nostatic"], "http://localhost:8102"),
        (["--noreload", "0.0.0.0:8103"], "http://127.0.0.1:8103"),
        (["0:8104"], "http://127.0.0.1:8104"),
        (["--settings", "ukeoi.settings", "8105"], "http://127.0.0.1:8105"),
        (["--settings=ukeoi.settings", "--verbosity", "2", "8106"], "http://127.0.0.1:8106"),
        (["-6"], "http://[::1]:8000"),
        (["[::1]:8107"], "http://[::1]:8107"),
        (["-6", "[::]:8108"], "http://[::1]:8108"),
    ],
)
def test_runserver_links_to_the_address_it_serves(args: list[str], url: str) -> None:
    assert runserver_site_url(["manage.py", "runserver", *args]) == url
    assert default(["manage.py", "runserver", *args]) == url


@pytest.mark.parametrize(
    "argv",
    [
        ["manage.py", "migrate"],
        ["gunicorn", "ukeoi.wsgi:application", "--bind", "127.0.0.1:8101"],
        ["celery", "-A", "ukeoi", "worker"],
        ["manage.py"],
        ["manage.py", "runserver", "not-a-port!"],
    ],
)
def test_other_processes_fall_back(argv: list[str]) -> None:
    assert runserver_site_url(argv) is None
    assert default(argv) == FALLBACK == "http://127.0.0.1:8000"


def settings_site_url(argv: list[str], **env: str) -> str:
    """SITE_URL as settings.py computes it in a fresh process started with `argv`."""
    code = (
        "import sys; sys.argv = sys.argv[1:]; import django; from django.conf import settings; "
        "django.setup(); print(settings.SITE_URL)"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "ukeoi.settings",
        "SITE_URL": "",  # as if unset, whatever a developer's .env says
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *argv],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_settings_follow_the_runserver_address() -> None:
    assert settings_site_url(["manage.py", "runserver", "127.0.0.1:8101"]) == (
        "http://127.0.0.1:8101"
    )


def test_an_explicit_site_url_wins_over_the_runserver_address() -> None:
    argv = ["manage.py", "runserver", "127.0.0.1:8101"]
    assert settings_site_url(argv, SITE_URL="https://ukeoi.example.jp/") == (
        "https://ukeoi.example.jp"
    )


def test_settings_outside_runserver_fall_back() -> None:
    assert settings_site_url(["manage.py", "shell"]) == "http://127.0.0.1:8000"

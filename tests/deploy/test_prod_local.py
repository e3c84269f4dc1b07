"""Issue 9, scale-out mode: `make prod-local` starts the production shape (gunicorn with N
workers, one Celery worker, one Celery beat, on PostgreSQL and Redis, static files through
whitenoise) and `make prod-local-stop` stops exactly those processes; the cache and the
sessions move to Redis when REDIS_URL is set."""

import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)


def _up(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _clean_env(**overrides: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST"))
        and k not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL", "DEBUG"}
    }
    env.update(overrides)
    return env


def _settings_of(**env: str) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_clean_env(DJANGO_SETTINGS_MODULE="ukeoi.settings", **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_cache_and_sessions_move_to_redis_when_redis_url_is_set():
    assert _settings_of(REDIS_URL="redis://127.0.0.1:6379/1") == [
        "django.core.cache.backends.redis.RedisCache",
        "ukeoi.core.sessions",
    ]
    assert _settings_of(CACHE_URL="redis://127.0.0.1:6379/2")[0] == (
        "django.core.cache.backends.redis.RedisCache"
    )


def test_without_redis_url_one_machine_needs_no_redis():
    assert _settings_of() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "ukeoi.core.dbsessions",
    ]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _children(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(p) for p in out.stdout.split()]


def test_prod_local_starts_the_production_shape_and_stops_exactly_it(tmp_path: Path):
    if not (_up(PG) and _up(REDIS)):
        pytest.skip("needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")
    port = _free_port()
    env = _clean_env(
        PROD_VAR_DIR=str(tmp_path),
        PROD_BIND=f"127.0.0.1:{port}",
        WEB_WORKERS="2",
        CELERY_CONCURRENCY="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/ukeoi_prod_local_test",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/13",
        REDIS_URL="redis://127.0.0.1:6379/14",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    script = ["bash", str(ROOT / "scripts" / "prod-local.sh")]
    started = subprocess.run(
        [*script, "start"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
    )
    pids: dict[str, int] = {}
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        run = tmp_path / "run"
        pids = {
            name: int((run / f"{name}.pid").read_text())
            for name in ("gunicorn", "celery-worker", "celery-beat")
        }
        assert all(_alive(pid) for pid in pids.values())
        assert len(_children(pids["gunicorn"])) == 2  # WEB_WORKERS

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
            page = response.read().decode()
            assert response.headers["Server"].startswith("gunicorn")
        # whitenoise serves the collected, hashed stylesheet with a long cache lifetime.
        css = page.split('href="/static/css/')[1].split('"')[0]
        assert css.count(".") == 2  # site.<hash>.css
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/{css}") as response:
            assert response.status == 200
            assert "immutable" in response.headers["Cache-Control"]

        second = subprocess.run(
            [*script, "start"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode != 0
        assert "already running" in second.stderr
    finally:
        stopped = subprocess.run(
            [*script, "stop"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not any(_alive(pid) for pid in pids.values())
    assert not list((tmp_path / "run").glob("*.pid"))

"""tests/faults/: the site under real failures — its own throwaway PostgreSQL cluster that
the tests stop and restart (never the shared server), and Celery workers killed with
SIGKILL. Each test starts the processes it needs and stops exactly those, by pid."""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Below the kernel's ephemeral range (32768-60999 here): a port in it can be held at any
# moment as the local end of some outgoing connection, and the cluster then fails to bind.
PG_PORT = int(os.environ.get("FAULTS_PG_PORT", "25432"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@dataclass
class Cluster:
    """A PostgreSQL cluster of its own, in a temporary folder, on PG_PORT."""

    data: Path
    port: int
    pg_ctl: str

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/ukeoi_faults"

    def ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([self.pg_ctl, "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self.ctl("-o", options, "-l", str(self.data.parent / "log"), "-w", "start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "-w", "stop")

    def restart(self) -> None:
        # Not `pg_ctl restart`: that forgets -l, and the server would hold our pipe open.
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("needs PostgreSQL's initdb and pg_ctl")
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", PG_PORT)) == 0:
            pytest.skip(f"port {PG_PORT} is taken (set FAULTS_PG_PORT)")
    base = Path(tempfile.mkdtemp(prefix="ukeoi-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    data = base / "data"
    subprocess.run(
        _as_postgres(
            [initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    pg = Cluster(data=data, port=PG_PORT, pg_ctl=pg_ctl)
    pg.start()
    try:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-q",
                "-c",
                "CREATE DATABASE ukeoi_faults",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=site_env(pg.url),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
        yield pg
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg.ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def site_env(database_url: str, **extra: str) -> dict[str, str]:
    """The production settings, over plain HTTP, on the given database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST"))
        and k not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ukeoi.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        DEMO_MODE="false",
        SECRET_KEY="faults-test-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        STATIC_MANIFEST="false",
        CONN_MAX_AGE="60",
    )
    env.update(extra)
    return env


class Process:
    """A child process in its own session, stopped (or killed) by its own pid."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self.handle = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL to the process and its children (its own process group), as a crash."""
        if self.handle.poll() is None:
            os.killpg(self.handle.pid, signal.SIGKILL)
        self.handle.wait(timeout=30)

    def stop(self) -> None:
        if self.handle.poll() is None:
            os.killpg(self.handle.pid, signal.SIGTERM)
            try:
                self.handle.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def gunicorn(port: int, env: dict[str, str], log: Path) -> Process:
    """The site under gunicorn on 127.0.0.1:`port` (2 workers of 2 threads), its output
    (tracebacks included) in `log`."""
    return Process(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "ukeoi.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--timeout",
            "30",
            "--capture-output",
        ],
        env=env,
        log=log,
    )


def get(url: str, timeout: float = 10) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer 200 within {seconds}s")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults: kills and restarts real processes")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run once per CI run: in the PostgreSQL pass (DATABASE_URL=postgres://...), like
    tests/concurrency. The tests bring their own cluster; this only avoids running twice."""
    from django.db import connection

    here = Path(__file__).parent
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="tests/faults runs in the PostgreSQL pass (DATABASE_URL)")
        for item in items:
            if here in item.path.parents:
                item.add_marker(skip)

"""Issue 6 item 8, Celery for real: a payout batch sent through Redis (127.0.0.1:6379) to a
real Celery worker started as a subprocess (`celery -A ukeoi worker`), which runs it on
the test database (PostgreSQL: the worker is another process and needs the committed data)."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.payouts.batch_seed import seed_payees
from ukeoi.celery import app
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.payouts import tasks
from ukeoi.payouts.enums import BatchStatus
from ukeoi.payouts.models import Payout, PayoutBatch

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)
BROKER = "redis://127.0.0.1:6379/14"
CLOSE = date(2026, 3, 15)
CREDITED = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


def _database_url() -> str:
    conf = connection.settings_dict
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return (
        f"postgres://{conf.get('USER') or 'postgres'}{password}@"
        f"{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{conf['NAME']}"
    )


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[str]:
    """A Celery worker subprocess consuming a queue of its own; yields the queue name."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs the test database on PostgreSQL")
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    queue = f"payouts-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "MEDIA_ROOT": str(tmp_path),
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ukeoi",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    app._after_fork()  # drop the connection pools built for the in-process broker
    app.conf.update(broker_url=BROKER, task_always_eager=False, result_backend=None)
    _forget_backend()
    try:
        yield queue
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
        app._after_fork()
        app.conf.update(previous)
        _forget_backend()


def _forget_backend() -> None:
    """The app caches its result backend (per thread) the first time a task result is
    asked for, e.g. by an eager task in an earlier test: build it again from the config."""
    vars(app._local).pop("backend", None)


@pytest.mark.django_db(transaction=True)
def test_a_batch_runs_through_redis_in_a_real_worker(worker: str, tmp_path: Path, settings: Any):
    # Given payees on the database the worker uses
    seeded = seed_payees(accounts=40, credited_at=CREDITED, tag="broker", ineligible_every=6)
    # When the batch task goes through Redis to the worker process
    log_path = tmp_path / "worker.log"
    tasks.payout_run.apply_async(args=(CLOSE.isoformat(),), queue=worker)
    _wait_until(lambda: _succeeded(log_path) == 1, log_path)
    # Then the worker ran the batch: exported, every eligible payee paid once, in the file
    batch = PayoutBatch.objects.get(close_date=CLOSE)
    assert batch.status == BatchStatus.EXPORTED
    assert Payout.objects.filter(batch=batch).count() == seeded.eligible
    assert batch.total_amount == seeded.eligible_total
    assert (tmp_path / batch.files.get().file.name).stat().st_size == (
        1 + seeded.eligible + 2
    ) * 122  # header, data, trailer, end
    # and the same task again is a no-op on the exported batch
    tasks.payout_run.apply_async(args=(CLOSE.isoformat(),), queue=worker)
    _wait_until(lambda: _succeeded(log_path) == 2, log_path)
    assert PayoutBatch.objects.filter(close_date=CLOSE).count() == 1
    assert Payout.objects.filter(batch=batch).count() == seeded.eligible
    assert ledger_check_get().ok


def _succeeded(log_path: Path) -> int:
    """How many payout_run tasks the worker has logged as succeeded (no result backend:
    the worker's own log is the receipt)."""
    text = log_path.read_text(errors="replace")
    return sum(
        1
        for line in text.splitlines()
        if "ukeoi.payouts.tasks.payout_run[" in line and "succeeded" in line
    )


def _wait_until(done: Callable[[], bool], log_path: Path, limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while not done():
        if time.monotonic() > deadline:
            print(log_path.read_text(errors="replace")[-5000:])
            raise AssertionError("the worker did not finish the task")
        time.sleep(0.2)

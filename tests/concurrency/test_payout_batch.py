"""M5, W6 on PostgreSQL: two batch runs at once make one batch; a run waits for a withdrawal
holding an account and then leaves the withdrawn account alone; and the crash test: a batch
over 20,000 accounts killed (SIGKILL) at random points five times, then run to completion,
pays every eligible account exactly once and leaves the ledger check clean."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection, connections, transaction

from tests.payouts.batch_seed import seed_payees
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.payouts import services
from ukeoi.payouts.enums import BatchStatus
from ukeoi.payouts.models import Payout, PayoutBatch

ROOT = Path(__file__).resolve().parents[2]
JST = ZoneInfo("Asia/Tokyo")
CLOSE = date(2026, 3, 15)
CREDITED = datetime(2026, 3, 10, 12, 0, tzinfo=JST)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = target()
        except BaseException as error:
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def _paid_exactly_once(eligible: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM payouts_payout p "
            "JOIN payouts_payoutbatch b ON b.id = p.batch_id WHERE b.close_date = %s",
            [CLOSE],
        )
        payouts, users = cursor.fetchone()
    assert payouts == users == eligible


def test_m5_two_runs_at_once_make_one_batch():
    seeded = seed_payees(accounts=600, credited_at=CREDITED, tag="two", ineligible_every=7)
    barrier = threading.Barrier(2)

    def run() -> int:
        barrier.wait()
        return services.payout_batch_run(close_date=CLOSE, chunk_size=50).pk

    threads = [_in_thread(run) for _ in range(2)]
    for thread, _result in threads:
        thread.join(120)
    results = [result for _thread, result in threads]
    assert all("error" not in result for result in results), results
    assert results[0]["value"] == results[1]["value"]
    batch = PayoutBatch.objects.get()
    assert batch.status == BatchStatus.EXPORTED
    assert batch.runs == 1  # the second caller waited and found it exported
    _paid_exactly_once(seeded.eligible)
    assert batch.total_amount == seeded.eligible_total
    assert ledger_check_get().ok


def test_m5_a_run_that_does_not_wait_returns_while_another_holds_the_batch():
    seed_payees(accounts=50, credited_at=CREDITED, tag="nowait")
    holder_ready, release = threading.Event(), threading.Event()

    def hold() -> None:
        from ukeoi.payouts.locks import batch_run_lock

        with batch_run_lock(CLOSE):
            holder_ready.set()
            release.wait(30)

    thread, _ = _in_thread(hold)
    assert holder_ready.wait(30)
    try:
        batch = services.payout_batch_run(close_date=CLOSE, wait=False)
        assert batch.status == BatchStatus.RUNNING
        assert not Payout.objects.exists()
    finally:
        release.set()
        thread.join(30)
    assert services.payout_batch_run(close_date=CLOSE).status == BatchStatus.EXPORTED


def test_w6_a_batch_waits_for_a_withdrawal_and_leaves_the_withdrawn_account():
    seed_payees(accounts=20, credited_at=CREDITED, tag="w6")
    leaving = User.objects.filter(email__startswith="w6.").order_by("pk")[5]
    locked, release = threading.Event(), threading.Event()

    def withdraw() -> None:
        # What account_withdraw does first: lock the row (W6), then change the status.
        with transaction.atomic():
            User.objects.select_for_update(no_key=True).get(pk=leaving.pk)
            locked.set()
            release.wait(30)
            User.objects.filter(pk=leaving.pk).update(
                status=AccountStatus.WITHDRAWN, is_active=False
            )

    withdrawal, _ = _in_thread(withdraw)
    assert locked.wait(30)
    run, result = _in_thread(lambda: services.payout_batch_run(close_date=CLOSE))
    time.sleep(1.0)
    assert run.is_alive()  # the chunk waits for the account's lock
    release.set()
    withdrawal.join(30)
    run.join(60)
    assert "error" not in result, result
    paid = set(Payout.objects.values_list("user_id", flat=True))
    assert leaving.pk not in paid
    assert len(paid) == 19
    assert LedgerAccount.objects.get(kind=AccountKind.REWARD, owner=leaving).balance > 0
    assert ledger_check_get().ok


# --- The crash test -------------------------------------------------------------------------


def _database_url() -> str:
    conf = connection.settings_dict
    user = conf.get("USER") or "postgres"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{conf['NAME']}"


def _payouts_so_far() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM payouts_payout")
        return int(cursor.fetchone()[0])


def _batch_status() -> str | None:
    return PayoutBatch.objects.filter(close_date=CLOSE).values_list("status", flat=True).first()


def _batch_runs() -> int:
    runs = PayoutBatch.objects.filter(close_date=CLOSE).values_list("runs", flat=True).first()
    return runs or 0


def _start_run(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "payout_run",
            "--close-date",
            CLOSE.isoformat(),
            "--chunk-size",
            "1000",
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


ACCOUNTS = int(os.environ.get("PAYOUT_CRASH_ACCOUNTS", "20000"))


def test_m5_crash_a_batch_killed_five_times_pays_every_eligible_account_exactly_once(
    tmp_path: Path,
):
    # Given 20,000 accounts, about a seventh of them not eligible (manual or below minimum)
    seeded = seed_payees(accounts=ACCOUNTS, credited_at=CREDITED, tag="crash", ineligible_every=9)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "CELERY_BROKER_URL": "",
    }
    rng = random.Random(os.environ.get("PAYOUT_CRASH_SEED", "6"))
    kills = []
    # When the run is killed with SIGKILL at a random point, five times
    for started in range(1, 6):
        process = _start_run(env)
        deadline = time.monotonic() + 300
        # The killed run's server backend may still commit the chunk it was sending; count
        # from when this run holds the run lock and has counted itself, not from its start
        while process.poll() is None and time.monotonic() < deadline:
            if _batch_runs() >= started:
                break
            time.sleep(0.02)
        target = _payouts_so_far() + rng.randint(1, max(1, seeded.eligible // 6))
        while process.poll() is None and time.monotonic() < deadline:
            if _payouts_so_far() >= target:
                time.sleep(rng.uniform(0, 0.3))  # somewhere inside a chunk, or between two
                break
            time.sleep(0.02)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(60)
        kills.append((process.returncode, _payouts_so_far(), _batch_status()))
    print("kills (return code, payouts so far, batch status):", kills)
    assert [code for code, _n, _s in kills].count(-signal.SIGKILL) >= 4, kills
    # Then every committed chunk stayed, and the payouts so far are each paid once
    assert all(status in (None, BatchStatus.RUNNING) for _c, _n, status in kills[:-1]), kills
    assert ledger_check_get().ok
    # When it runs again, to the end
    process = _start_run(env)
    _out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err.decode()
    # Then every eligible account is paid exactly once, by the one batch, in its file
    batch = PayoutBatch.objects.get(close_date=CLOSE)
    assert batch.status == BatchStatus.EXPORTED
    assert batch.runs >= 6
    _paid_exactly_once(seeded.eligible)
    assert batch.payout_count == seeded.eligible
    assert batch.total_amount == seeded.eligible_total
    content = (tmp_path / batch.files.get().file.name).read_bytes()
    assert content.count(b"\r\n") == seeded.eligible + 3
    trailer = content.split(b"\r\n")[-3]
    assert int(trailer[1:7]) == seeded.eligible
    assert int(trailer[7:19]) == seeded.eligible_total - batch.total_fee
    # the paid accounts are empty, the others kept their balance
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM ledger_ledgeraccount ra WHERE ra.kind = 'reward' "
            "AND ra.balance > 0 AND EXISTS (SELECT 1 FROM payouts_payout p "
            "WHERE p.user_id = ra.owner_id)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT COUNT(*) FROM ledger_ledgeraccount ra WHERE ra.kind = 'reward' "
            "AND ra.balance > 0"
        )
        assert cursor.fetchone()[0] == seeded.accounts - seeded.eligible
    assert ledger_check_get().ok
    assert settings.PAYOUT_MINIMUM == 1000

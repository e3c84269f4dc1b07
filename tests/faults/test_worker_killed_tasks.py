"""Issue 9 item 6, faults: a Celery worker killed (SIGKILL, as in a crash) in the middle of
the payout batch (M3–M5), an erasure run (P2, P4) and an export build (P3). Tasks are
acknowledged late, so the task goes back to the queue (after CELERY_VISIBILITY_TIMEOUT) and
the next worker runs it to completion — with one effect: each payee paid once, each account
erased once with one receipt, one archive per export.

The worker is a real `celery -A ukeoi worker` subprocess on Redis (a database of its own,
/13, and a queue of its own) and on the test database (PostgreSQL: the worker is another
process and needs committed data). Nothing in the code under test is mocked: the test stops
the worker at a chosen point mid-way by holding a database lock the task needs there (as a
concurrent withdrawal or operator would), kills it while it waits, then lets go."""

import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import redis
from celery import Celery
from django.conf import settings as django_settings
from django.db import connection, transaction

from tests.factories import JobFactory, UserFactory
from tests.faults.conftest import Process, site_env
from tests.payouts.batch_seed import seed_payees
from tests.privacy.support import withdraw
from tests.smtp import Inbox
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.mail import render_mail
from ukeoi.core.models import AuditEvent
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.payouts.enums import BatchStatus
from ukeoi.payouts.models import Payout, PayoutBatch
from ukeoi.privacy import services as privacy
from ukeoi.privacy.enums import ErasureSource, ErasureStatus, ExportStatus
from ukeoi.privacy.models import DataExport, ErasureRequest

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

REDIS = "redis://127.0.0.1:6379/13"
VISIBILITY_TIMEOUT = 3  # seconds before a dead worker's task is handed out again
CLOSE = date(2026, 3, 15)
CREDITED = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def _database_url() -> str:
    conf = connection.settings_dict
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return (
        f"postgres://{conf.get('USER') or 'postgres'}{password}@"
        f"{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{conf['NAME']}"
    )


class Workers:
    """Starts workers on one queue of its own (and the default queue, where the mail tasks
    go) and stops every one it started, by pid."""

    def __init__(self, tmp_path: Path, smtp_port: int) -> None:
        self.queue = f"faults-{uuid.uuid4().hex[:8]}"
        self.tmp_path = tmp_path
        self.media = tmp_path / "media"
        self.smtp_port = smtp_port
        self.started: list[Process] = []
        # Not the current app: the test process's own tasks (shared_task) stay in-process.
        self.producer = Celery(broker=REDIS, set_as_current=False)

    def start(self, name: str, **extra: str) -> Process:
        env = site_env(
            _database_url(),
            CELERY_BROKER_URL=REDIS,
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            MEDIA_ROOT=str(self.media),
            EMAIL_URL="",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp_port),
            # The test process wrote the rows (keyed hashes, signed links) with these.
            SECRET_KEY=django_settings.SECRET_KEY,
            RETIRED_IDENTIFIER_KEY=django_settings.RETIRED_IDENTIFIER_KEY,
            **extra,
        )
        process = Process(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "ukeoi",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--queues",
                f"{self.queue},celery",
                "--hostname",
                f"{name}-{self.queue}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            env=env,
            log=self.tmp_path / f"{name}.log",
        )
        self.started.append(process)
        return process

    def send(self, task: str, *args: Any) -> None:
        self.producer.send_task(task, args=args, queue=self.queue)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.log.name}\n{p.log.read_text(errors='replace')[-4000:]}" for p in self.started
        )

    def succeeded(self, task: str) -> int:
        """How many runs of `task` the workers logged as succeeded (there is no result
        backend: the workers' own logs are the receipts)."""
        return sum(
            1
            for p in self.started
            for line in p.log.read_text(errors="replace").splitlines()
            if f"{task}[" in line and "succeeded" in line
        )

    def close(self) -> None:
        for process in self.started:
            process.kill()
        self.producer.close()


@pytest.fixture
def workers(smtp_inbox: Inbox, tmp_path: Path) -> Iterator[Workers]:
    if connection.vendor != "postgresql":
        pytest.skip("the worker subprocess needs the test database on PostgreSQL")
    client = redis.Redis.from_url(REDIS)
    try:
        client.flushdb()  # this file's own Redis database: no message left by an earlier run
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    finally:
        client.close()
    pool = Workers(tmp_path, smtp_port=int(django_settings.EMAIL_PORT))
    try:
        yield pool
    finally:
        pool.close()


def _wait_until(done: Callable[[], bool], workers: Workers, what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {limit}s\n{workers.logs()}")
        time.sleep(0.1)


def _waiting_on_a_lock() -> bool:
    """Another session of the test database (the worker's) waits for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


def _kill_and_hand_over(first: Process, blocked_at: float) -> None:
    """SIGKILL the worker (its pool child too), then wait until its task is older than the
    visibility timeout, so the next worker's start-up sweep hands it out again."""
    first.kill()
    time.sleep(max(0.0, blocked_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_payout_batch_killed_after_its_first_chunks_pays_everyone_once(workers: Workers):
    """M3–M5: the worker dies with some chunks committed and one chunk open; the next
    worker resumes after the committed chunks: every eligible payee paid once, one Zengin
    file, the ledger balanced."""
    # Given payees (some ineligible) and a worker paying them 3 at a time,
    seeded = seed_payees(accounts=30, credited_at=CREDITED, tag="faults", ineligible_every=6)
    candidates = list(
        LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner__email__startswith="faults.")
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
    )
    first = workers.start("first", PAYOUT_CHUNK_SIZE="3")
    with transaction.atomic():
        # ...and a payee in the middle whose account row is held (as a withdrawal would),
        User.objects.select_for_update().get(pk=candidates[len(candidates) // 2])
        workers.send("ukeoi.payouts.tasks.payout_run", CLOSE.isoformat())
        # when the worker has committed its first chunks and waits in the next one,
        _wait_until(
            lambda: (
                PayoutBatch.objects.filter(close_date=CLOSE, cursor_user_id__gt=0).exists()
                and _waiting_on_a_lock()
            ),
            workers,
            "the batch reaching the held payee",
        )
        blocked_at = time.monotonic()
        paid_before = Payout.objects.filter(batch__close_date=CLOSE).count()
        assert 0 < paid_before < seeded.eligible
        # and dies there,
        _kill_and_hand_over(first, blocked_at)
    # then the next worker takes the task over and finishes the batch.
    workers.start("second", PAYOUT_CHUNK_SIZE="3")
    _wait_until(
        lambda: PayoutBatch.objects.filter(close_date=CLOSE, status=BatchStatus.EXPORTED).exists(),
        workers,
        "the batch export",
    )
    batch = PayoutBatch.objects.get(close_date=CLOSE)
    assert batch.runs == 2
    payouts = Payout.objects.filter(batch=batch)
    assert payouts.count() == seeded.eligible
    assert len(set(payouts.values_list("user_id", flat=True))) == seeded.eligible
    assert batch.payout_count == seeded.eligible
    assert batch.total_amount == seeded.eligible_total
    assert (
        LedgerAccount.objects.filter(
            kind=AccountKind.REWARD, owner_id__in=payouts.values("user_id")
        )
        .exclude(balance=0)
        .count()
        == 0
    )
    # One transfer file, with a line per payee (header, data, trailer, end).
    files = _files(workers.media / "payouts")
    assert len(files) == 1
    assert files[0].stat().st_size == (1 + seeded.eligible + 2) * 122
    _wait_until(
        lambda: workers.succeeded("ukeoi.payouts.tasks.payout_run") == 1, workers, "the receipt"
    )
    assert ledger_check_get().ok


def test_an_erasure_run_killed_mid_way_erases_each_account_once_with_one_receipt(
    workers: Workers, smtp_inbox: Inbox
):
    """P2, P4: the worker dies after the first due erasure has committed and while the next
    one waits for its account; the next worker does the rest: every account erased, each
    once, one receipt mail to each last address."""
    # Given three withdrawn accounts whose erasure is due,
    people = []
    for n in range(3):
        user = UserFactory.create(email=f"erase{n}@example.jp", display_name=f"消去{n}")
        withdraw(user)
        privacy.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)
        people.append(user)
    ErasureRequest.objects.update(scheduled_for=clock.now() - timedelta(minutes=1))
    order = list(
        ErasureRequest.objects.filter(status=ErasureStatus.REQUESTED).values_list(
            "user_id", flat=True
        )
    )  # the order erasure_run_due takes them in
    smtp_inbox.messages.clear()  # the "scheduled" mails, sent by the test process
    first = workers.start("first")
    with transaction.atomic():
        # ...and the second account's row held by another transaction,
        User.objects.select_for_update().get(pk=order[1])
        workers.send("ukeoi.privacy.tasks.run_due_erasures")
        # when the worker has erased the first account and waits for the second,
        _wait_until(
            lambda: (
                ErasureRequest.objects.filter(user_id=order[0], status=ErasureStatus.DONE).exists()
                and _waiting_on_a_lock()
            ),
            workers,
            "the first erasure",
        )
        blocked_at = time.monotonic()
        assert ErasureRequest.objects.filter(status=ErasureStatus.DONE).count() == 1
        # and dies there,
        _kill_and_hand_over(first, blocked_at)
    # then the next worker erases the others; the first is not erased again.
    workers.start("second")
    _wait_until(
        lambda: (
            ErasureRequest.objects.filter(status=ErasureStatus.DONE).count() == 3
            and len(smtp_inbox.messages) >= 3
        ),
        workers,
        "every erasure and receipt",
    )
    _wait_until(
        lambda: workers.succeeded("ukeoi.privacy.tasks.run_due_erasures") == 1,
        workers,
        "the receipt of the task",
    )
    time.sleep(VISIBILITY_TIMEOUT)  # no late duplicate turns up
    subject, _body = render_mail("privacy_erasure_receipt", {}, "ja")
    for user in people:
        request = ErasureRequest.objects.get(user=user)
        assert request.status == ErasureStatus.DONE
        assert (
            AuditEvent.objects.filter(
                subject_type="privacy.erasurerequest",
                subject_id=str(request.pk),
                action="erasure.done",
            ).count()
            == 1
        )
        received = [m for m in smtp_inbox.messages if user.email in m["X-Envelope-To"]]
        assert [m["Subject"].strip() for m in received] == [subject]
        assert User.objects.get(pk=user.pk).email != user.email
    assert len(smtp_inbox.messages) == 3


def test_an_export_build_killed_after_writing_the_archive_leaves_one_archive(
    workers: Workers, smtp_inbox: Inbox
):
    """P3: the worker dies after it has written the archive and before its transaction
    commits; the next worker builds it again: the export ready, exactly one archive file
    (the one the export names: no copy of the personal data left behind), one mail."""
    # Given an export waiting to be built,
    user = UserFactory.create(email="export@example.jp")
    JobFactory.create(client=user)
    now = clock.now()
    export = DataExport.objects.create(user=user, created_at=now, expires_at=now + timedelta(7))
    smtp_inbox.messages.clear()
    first = workers.start("first")
    with transaction.atomic():
        # ...and the exports table held in SHARE mode by another transaction (reads and
        # row locks pass, the update that marks an export ready waits),
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(DataExport._meta.db_table)} IN SHARE MODE"
            )
        workers.send("ukeoi.privacy.tasks.build_export", export.pk)
        # when the worker has written the archive and waits to commit,
        _wait_until(
            lambda: bool(_files(workers.media)) and _waiting_on_a_lock(),
            workers,
            "the archive being written",
        )
        blocked_at = time.monotonic()
        # and dies there,
        _kill_and_hand_over(first, blocked_at)
    # then the next worker builds the export: ready, one archive, one mail.
    workers.start("second")
    _wait_until(
        lambda: (
            DataExport.objects.filter(pk=export.pk, status=ExportStatus.READY).exists()
            and len(smtp_inbox.messages) >= 1
        ),
        workers,
        "the export",
    )
    _wait_until(
        lambda: workers.succeeded("ukeoi.privacy.tasks.build_export") == 1,
        workers,
        "the receipt of the task",
    )
    time.sleep(VISIBILITY_TIMEOUT)
    export.refresh_from_db()
    assert _files(workers.media) == [workers.media / export.file.name]
    assert len(smtp_inbox.messages) == 1
    assert smtp_inbox.messages[0]["X-Envelope-To"] == user.email
    assert (
        AuditEvent.objects.filter(
            subject_type="privacy.dataexport", subject_id=str(export.pk), action="export.ready"
        ).count()
        == 1
    )

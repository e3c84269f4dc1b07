"""The mail outbox under real concurrency (PostgreSQL row locks): the task queued at
commit and the sweep, or several sweeps on several workers, racing for the same rows send
each mail once (SELECT … FOR UPDATE SKIP LOCKED while the SMTP server takes it)."""

from datetime import timedelta

import pytest

from tests.concurrency.test_contracts_auto_step import run_together
from tests.smtp import Inbox
from ukeoi.core import clock
from ukeoi.core.mail import outbox_mail_send, outbox_sweep
from ukeoi.core.models import OutboxMail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ADDRESSES = [f"racer{i}@example.jp" for i in range(12)]


def test_racing_sweeps_and_tasks_send_each_mail_once(smtp_inbox: Inbox) -> None:
    long_ago = clock.now() - timedelta(hours=1)
    ids = [
        OutboxMail.objects.create(
            to=address, subject="件名", body=f"本文 {address}", template="t", created_at=long_ago
        ).pk
        for address in ADDRESSES
    ]

    def sweep() -> int:
        counts = outbox_sweep(older_than=timedelta(minutes=2), give_up_after=timedelta(days=3))
        return counts["sent"]

    def tasks() -> int:
        return sum(outbox_mail_send(pk) for pk in ids)

    results = run_together(sweep, sweep, tasks, sweep)

    assert all(isinstance(r, int) for r in results), results
    assert sum(results) == len(ADDRESSES)
    assert sorted(m["X-Envelope-To"] for m in smtp_inbox.messages) == sorted(ADDRESSES)
    assert not OutboxMail.objects.exists()

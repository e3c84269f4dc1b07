"""P2, P4: the erasure offer mailed on withdrawal, the periodic runner and command, and the
purge of kept records whose retention ended."""

import io
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.privacy.support import rich_user
from ukeoi.core import clock
from ukeoi.payouts.models import Payout, PayoutBatch, PayoutFile
from ukeoi.privacy import services
from ukeoi.privacy.enums import ErasureSource, ErasureStatus, ExportStatus
from ukeoi.privacy.models import DataExport, ErasureRequest
from ukeoi.privacy.tasks import run_due_erasures
from ukeoi.withdrawal.services import account_withdraw

pytestmark = pytest.mark.django_db


def test_withdrawal_mails_the_signed_erasure_link(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """P2: the withdrawn user gets a mail with a signed link that asks for erasure."""
    user = UserFactory.create(email="leaving@example.jp")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        account_withdraw(actor=user, password=DEFAULT_PASSWORD, reason="no_longer_needed")

    offers = [m for m in mail.outbox if "/privacy/erasure/" in m.body]
    assert [m.to for m in offers] == [["leaving@example.jp"]]
    link = next(line for line in offers[0].body.splitlines() if "/privacy/erasure/" in line)
    response = client.post(link.strip(), {"action": "request"})
    assert response.status_code == 302
    assert ErasureRequest.objects.get(user=user).status == ErasureStatus.REQUESTED


def test_command_and_task_run_due_erasures() -> None:
    """P4: `manage.py privacy_run_due` and the beat task run what is due, once."""
    person = rich_user()
    services.erasure_request(actor=None, user_id=person.user.pk, source=ErasureSource.SELF)
    out = io.StringIO()

    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        call_command("privacy_run_due", stdout=out)
        assert run_due_erasures.delay().get() == 0

    assert "erased 1" in out.getvalue()
    assert ErasureRequest.objects.get().status == ErasureStatus.DONE


def test_purge_deletes_expired_exports_and_payouts_past_retention_only() -> None:
    """P4: `privacy_purge_expired` deletes expired export archives and, 7 years after an
    erasure, that account's payout records; the ledger and contracts stay."""
    person = rich_user()
    services.erasure_request(actor=None, user_id=person.user.pk, source=ErasureSource.SELF)
    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        services.erasure_run_due()
    other = UserFactory.create()
    now = clock.now()
    expired = DataExport.objects.create(
        user=other, created_at=now - timedelta(days=8), expires_at=now - timedelta(days=1)
    )
    live = DataExport.objects.create(user=other, created_at=now, expires_at=now + timedelta(days=7))
    DataExport.objects.filter(pk=expired.pk).update(status=ExportStatus.READY)
    expired.refresh_from_db()
    expired.file.save("old.zip", ContentFile(b"zip"), save=True)
    stored = expired.file.name

    counts = services.purge_expired()

    assert counts == {
        "exports": 1,
        "payouts": 0,
        "accounts": 0,
        "transfer_files": 0,
        "documents": 0,
    }
    assert list(DataExport.objects.values_list("pk", flat=True)) == [live.pk]
    assert not expired.file.storage.exists(stored)
    assert Payout.objects.filter(user=person.user).count() == 1

    request = ErasureRequest.objects.get(user=person.user)
    assert request.retain_until is not None
    after_retention = request.retain_until + timedelta(days=1)
    counts = services.purge_expired(today=after_retention)
    again = services.purge_expired(today=after_retention)

    assert counts["payouts"] == 1
    assert counts["accounts"] == 1
    assert again == {"exports": 0, "payouts": 0, "accounts": 0, "transfer_files": 0, "documents": 0}
    assert not Payout.objects.filter(user=person.user).exists()
    assert person.user.lancer_contracts.exists()
    assert isinstance(request.retain_until, date)


def test_purge_deletes_bank_transfer_files_older_than_7_years_only() -> None:
    """P4: the Zengin files list every payee's account; they go 7 years after the transfer,
    the batch rows (totals) stay."""
    old = PayoutBatch.objects.create(
        close_date=date(2018, 1, 15), payment_date=date(2018, 1, 19), cutoff=clock.now()
    )
    recent = PayoutBatch.objects.create(
        close_date=date(2024, 1, 15), payment_date=date(2024, 1, 19), cutoff=clock.now()
    )
    files = {}
    for batch in (old, recent):
        part = PayoutFile(batch=batch, part=1, record_count=1, total=1000)
        part.file.save("zengin.txt", ContentFile(b"1210..."), save=True)
        files[batch.pk] = part.file.name

    counts = services.purge_expired(today=date(2025, 2, 1))

    assert counts["transfer_files"] == 1
    storage = PayoutFile._meta.get_field("file").storage
    assert not storage.exists(files[old.pk])
    assert storage.exists(files[recent.pk])
    assert list(PayoutFile.objects.values_list("batch_id", flat=True)) == [recent.pk]
    assert PayoutBatch.objects.count() == 2

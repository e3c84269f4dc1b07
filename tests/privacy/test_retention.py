"""P4, issue 22 item 6: the receipt's kept-records dates and the purge are one computation
(retention.kept_until of the payout batch's payment date, M3), and the bank transfer
(Zengin) files that keep the bank account are listed on the receipt as kept records with
their own date — the exception P2 states in erasure.py's docs (KEPT_VALUES)."""

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from tests.factories import DEFAULT_PASSWORD, OperatorFactory
from tests.payouts.batch_support import CLOSE, payee
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.payouts import services as payouts
from ukeoi.payouts.models import Payout, PayoutFile
from ukeoi.privacy import erasure, retention, services
from ukeoi.privacy.enums import ErasureSource
from ukeoi.privacy.models import ErasureRequest
from ukeoi.withdrawal.services import account_withdraw

pytestmark = pytest.mark.django_db

PAYMENT_DATE = date(2026, 3, 31)  # the batch of the 15 March 2026 close
KEPT_UNTIL = date(2033, 3, 31)


def paid_out_and_erased(capture: Any) -> User:
    """A lancer paid out in the batch of CLOSE (a real Zengin file), then withdrawn and
    erased."""
    user = payee(8_000)
    batch = payouts.payout_batch_run(close_date=CLOSE)
    payouts.payout_batch_mark_paid(actor=OperatorFactory.create(), batch_id=batch.pk)
    assert PayoutFile.objects.filter(batch=batch).exists()
    account_withdraw(actor=user, password=DEFAULT_PASSWORD, reason="no_longer_needed")
    services.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)
    mail.outbox.clear()
    with time_machine.travel(clock.now() + timedelta(days=15), tick=False), capture(execute=True):
        services.erasure_run_due()
    return user


def test_receipt_dates_the_kept_records_from_the_payment_date_not_the_erasure(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """P4, issue 22 item 6: payouts and the transfer file are kept until 7 years after the
    payment date; the receipt says so, and lists the transfer file with its own date."""
    user = paid_out_and_erased(django_capture_on_commit_callbacks)

    request = ErasureRequest.objects.get(user=user)
    assert request.retain_until == KEPT_UNTIL
    kept = {line["code"]: line for line in request.receipt["kept"]}
    assert kept["payouts"]["until"] == KEPT_UNTIL.isoformat()
    assert kept["transfer_files"]["transfers"] == [
        {"payment_date": PAYMENT_DATE.isoformat(), "until": KEPT_UNTIL.isoformat()}
    ]
    (receipt,) = [m for m in mail.outbox if "2033" in m.body]
    assert "2026年3月31日" in receipt.body  # the transfer the file records
    assert "2033年3月31日" in receipt.body
    assert "振込データ" in receipt.body


def test_the_purge_deletes_on_the_day_after_the_date_the_receipt_states(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """P4, issue 22 item 6: on the stated date the payout and the transfer file are still
    kept; the day after, the purge deletes both — the same computation."""
    user = paid_out_and_erased(django_capture_on_commit_callbacks)
    stated = date.fromisoformat(ErasureRequest.objects.get(user=user).receipt["retain_until"])

    on_the_day = services.purge_expired(today=stated)
    assert (on_the_day["payouts"], on_the_day["transfer_files"]) == (0, 0)
    assert Payout.objects.filter(user=user).exists()

    after = services.purge_expired(today=stated + timedelta(days=1))

    assert (after["payouts"], after["transfer_files"], after["accounts"]) == (1, 1, 1)
    assert not Payout.objects.filter(user=user).exists()
    assert not PayoutFile.objects.exists()


def test_kept_until_is_seven_years_on_even_from_29_february() -> None:
    """P4: one rule for every kept transfer record."""
    assert retention.kept_until(date(2026, 3, 31)) == date(2033, 3, 31)
    assert retention.kept_until(date(2028, 2, 29)) == date(2035, 2, 28)
    assert not retention.is_expired(date(2026, 3, 31), today=date(2033, 3, 31))
    assert retention.is_expired(date(2026, 3, 31), today=date(2033, 4, 1))


def test_the_transfer_file_is_a_stated_exception_of_p2() -> None:
    """P2, issue 22 item 6: the code's docs and the one list of kept values name it."""
    assert "payouts.PayoutFile.file" in erasure.KEPT_VALUES
    assert "Zengin" in (erasure.__doc__ or "")
    assert "transfer (Zengin) files" in (services.purge_expired.__doc__ or "")

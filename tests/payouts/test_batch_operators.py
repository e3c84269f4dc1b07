"""M5: operators mark a batch paid (in transit -> bank) or a single payout failed (money
back to the balance, the user told why), in the services and the admin. Refusals change
nothing."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import OperatorFactory
from tests.payouts.batch_support import AFTER_CLOSE, CLOSE, payee, platform_balance, reward_balance
from tests.support import assert_ledger_clean, assert_refused
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.payouts import services
from ukeoi.payouts.enums import BatchStatus, PayoutStatus
from ukeoi.payouts.models import Payout, PayoutBatch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_close(time_machine: Any, settings: Any, tmp_path: Any) -> None:
    time_machine.move_to(AFTER_CLOSE, tick=False)
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def operator():
    return OperatorFactory.create()


def _transit(payout: Payout) -> int:
    return LedgerAccount.objects.get(
        kind=AccountKind.PAYOUT_IN_TRANSIT, subject_id=str(payout.pk)
    ).balance


# --- Mark paid ------------------------------------------------------------------------------


def test_m5_marking_a_batch_paid_moves_each_payout_to_the_bank(operator):
    users = [payee(3_000), payee(5_000)]
    batch = services.payout_batch_run(close_date=CLOSE)
    bank_before = platform_balance(AccountKind.BANK)
    services.payout_batch_mark_paid(actor=operator, batch_id=batch.pk, chunk_size=1)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID
    assert batch.paid_at is not None
    payouts = list(Payout.objects.filter(batch=batch))
    assert {p.status for p in payouts} == {PayoutStatus.PAID}
    assert all(p.paid_at for p in payouts)
    assert all(_transit(p) == 0 for p in payouts)
    # the cash leaves the platform: the bank's (negative) balance rises by the nets
    assert platform_balance(AccountKind.BANK) - bank_before == 2_500 + 4_500
    assert [reward_balance(u) for u in users] == [0, 0]
    event = AuditEvent.objects.get(action="payout_batch.paid")
    assert event.actor == operator
    assert_ledger_clean()


def test_m5_a_failed_payout_stays_failed_when_its_batch_is_paid(operator):
    ok, bounced = payee(3_000), payee(5_000)
    batch = services.payout_batch_run(close_date=CLOSE)
    services.payout_mark_failed(
        actor=operator, payout_id=Payout.objects.get(user=bounced).pk, reason="口座なし"
    )
    services.payout_batch_mark_paid(actor=operator, batch_id=batch.pk)
    statuses = dict(Payout.objects.values_list("user_id", "status"))
    assert statuses == {ok.pk: PayoutStatus.PAID, bounced.pk: PayoutStatus.FAILED}
    assert reward_balance(bounced) == 5_000
    assert_ledger_clean()


def test_m5_a_batch_cannot_be_marked_paid_twice_or_before_its_file(operator):
    payee(3_000)
    batch = services.payout_batch_run(close_date=CLOSE)
    services.payout_batch_mark_paid(actor=operator, batch_id=batch.pk)
    assert_refused(
        lambda: services.payout_batch_mark_paid(actor=operator, batch_id=batch.pk),
        code="invalid_transition",
        status=409,
    )
    running = PayoutBatch.objects.create(
        close_date=CLOSE.replace(day=28), payment_date=CLOSE, cutoff=AFTER_CLOSE
    )
    assert_refused(
        lambda: services.payout_batch_mark_paid(actor=operator, batch_id=running.pk),
        code="invalid_transition",
    )


# --- Mark failed ----------------------------------------------------------------------------


def test_m5_a_failed_payout_returns_the_money_and_tells_the_user_why(
    operator, django_capture_on_commit_callbacks: Any
):
    user = payee(7_000)
    services.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(user=user)
    fees_before = platform_balance(AccountKind.TRANSFER_FEE_REVENUE)
    with django_capture_on_commit_callbacks(execute=True):
        services.payout_mark_failed(
            actor=operator, payout_id=payout.pk, reason="口座番号が存在しません"
        )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert payout.failure_reason == "口座番号が存在しません"
    assert payout.failed_at
    # the whole amount, fee included, is back in the balance; nothing left in transit
    assert reward_balance(user) == 7_000
    assert _transit(payout) == 0
    assert platform_balance(AccountKind.TRANSFER_FEE_REVENUE) == fees_before - 500
    # the user is told why, in their language
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "口座番号が存在しません" in message.body
    assert "7,000" in message.body
    assert "6,500" in message.body
    assert AuditEvent.objects.filter(action="payout.fail", actor=operator).count() == 1
    assert_ledger_clean()


def test_m5_the_mail_is_in_english_for_an_english_user(
    operator, django_capture_on_commit_callbacks: Any
):
    user = payee(2_000)
    user.language = "en"
    user.save()
    services.payout_batch_run(close_date=CLOSE)
    with django_capture_on_commit_callbacks(execute=True):
        services.payout_mark_failed(
            actor=operator, payout_id=Payout.objects.get(user=user).pk, reason="Closed account"
        )
    assert "could not be made" in mail.outbox[0].subject
    assert "Closed account" in mail.outbox[0].body


def test_m5_a_failed_balance_is_paid_again_at_the_next_close(operator, time_machine: Any):
    user = payee(4_000)
    services.payout_batch_run(close_date=CLOSE)
    services.payout_mark_failed(
        actor=operator, payout_id=Payout.objects.get(user=user).pk, reason="x"
    )
    time_machine.move_to(AFTER_CLOSE.replace(month=4, day=1), tick=False)
    batch = services.payout_batch_run(close_date=CLOSE.replace(day=31))
    assert Payout.objects.get(batch=batch, user=user).amount == 4_000
    assert_ledger_clean()


def test_m5_marking_a_paid_payout_failed_is_refused_and_changes_nothing(operator):
    user = payee(3_000)
    batch = services.payout_batch_run(close_date=CLOSE)
    services.payout_batch_mark_paid(actor=operator, batch_id=batch.pk)
    payout = Payout.objects.get(user=user)
    refused = assert_refused(
        lambda: services.payout_mark_failed(actor=operator, payout_id=payout.pk, reason="x"),
        code="invalid_transition",
        status=409,
    )
    with translation.override("en"):
        assert "already paid" in str(refused.message)
    assert mail.outbox == []


def test_m5_marking_a_payout_failed_twice_is_refused(operator):
    user = payee(3_000)
    services.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(user=user)
    services.payout_mark_failed(actor=operator, payout_id=payout.pk, reason="x")
    assert_refused(
        lambda: services.payout_mark_failed(actor=operator, payout_id=payout.pk, reason="y"),
        code="invalid_transition",
    )


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_m5_a_failure_needs_a_reason(operator, reason: str):
    user = payee(3_000)
    services.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(user=user)
    refused = assert_refused(
        lambda: services.payout_mark_failed(actor=operator, payout_id=payout.pk, reason=reason),
        code="invalid",
        status=400,
    )
    assert "reason" in refused.fields


def test_m5_an_unknown_payout_is_not_found(operator):
    with pytest.raises(ApplicationError) as refused:
        services.payout_mark_failed(actor=operator, payout_id=999_999, reason="x")
    assert refused.value.status == 404


# --- The admin ------------------------------------------------------------------------------


def test_admin_marks_a_batch_paid(operator, client: Client):
    payee(3_000)
    batch = services.payout_batch_run(close_date=CLOSE)
    client.force_login(operator)
    url = reverse("admin:payouts_payoutbatch_changelist")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"action": "mark_paid", "_selected_action": [batch.pk]}, follow=True
    )
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PAID
    # again: a clear message, nothing changed
    response = client.post(
        url, {"action": "mark_paid", "_selected_action": [batch.pk]}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("can be marked paid" in m or "支払済" in m or "振込" in m for m in messages)
    assert_ledger_clean()


def test_admin_marks_a_payout_failed_with_the_typed_reason(operator, client: Client):
    user = payee(3_000)
    services.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(user=user)
    client.force_login(operator)
    url = reverse("admin:payouts_payout_changelist")
    assert client.get(url).status_code == 200
    # without a reason: refused with a message
    client.post(url, {"action": "mark_failed", "_selected_action": [payout.pk], "reason": ""})
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.EXPORTED
    client.post(
        url,
        {"action": "mark_failed", "_selected_action": [payout.pk], "reason": "名義不一致"},
    )
    payout.refresh_from_db()
    assert (payout.status, payout.failure_reason) == (PayoutStatus.FAILED, "名義不一致")
    assert reward_balance(user) == 3_000
    assert client.get(reverse("admin:payouts_payout_change", args=[payout.pk])).status_code == 200
    assert_ledger_clean()

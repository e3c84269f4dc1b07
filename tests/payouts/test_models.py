"""Payout models, settings services and selectors (M4, M6, W9): the constraints the
database enforces, the user's choices, and the four conditions with what to do."""

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tests.factories import UserFactory
from tests.payouts.batch_support import AFTER_CLOSE, CLOSE, OTHER_BANK, OWN_BANK, payee
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.core.errors import InvalidInput, NotAllowed
from ukeoi.core.models import AuditEvent
from ukeoi.payouts import selectors, services
from ukeoi.payouts.enums import PayoutMode, PayoutStatus
from ukeoi.payouts.models import Payout, PayoutBatch, PayoutSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch() -> PayoutBatch:
    return PayoutBatch.objects.create(close_date=CLOSE, payment_date=CLOSE, cutoff=AFTER_CLOSE)


def _payout(batch: PayoutBatch, user: User, **overrides: Any) -> Payout:
    fields: dict[str, Any] = {
        "batch": batch,
        "user": user,
        "amount": 1_500,
        "fee": 500,
        "net": 1_000,
        "bank_code": OTHER_BANK,
        "bank_name": "ﾐﾂﾋﾞｼ",
        "branch_code": "001",
        "branch_name": "ﾎﾝﾃﾝ",
        "account_type": 1,
        "account_number": "1234567",
        "holder_kana": "ﾔﾏﾀﾞ ﾀﾛｳ",
        **overrides,
    }
    return Payout.objects.create(**fields)


# --- Constraints ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"amount": 1_400}, id="amount_is_not_fee_plus_net"),
        pytest.param({"amount": 500, "net": 0}, id="nothing_to_transfer"),
        pytest.param({"fee": -1, "amount": 999}, id="negative_fee"),
        pytest.param({"status": "lost"}, id="unknown_status"),
        pytest.param({"status": PayoutStatus.FAILED}, id="failed_without_failed_at"),
    ],
)
def test_m5_m6_payout_rows_the_database_refuses(batch: PayoutBatch, overrides: dict[str, Any]):
    user = UserFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        _payout(batch, user, **overrides)
    assert not Payout.objects.exists()


def test_m5_one_payout_per_user_per_batch(batch: PayoutBatch):
    user = UserFactory.create()
    _payout(batch, user)
    with pytest.raises(IntegrityError), transaction.atomic():
        _payout(batch, user)
    assert Payout.objects.count() == 1


def test_m3_one_batch_per_close_date(batch: PayoutBatch):
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutBatch.objects.create(close_date=CLOSE, payment_date=CLOSE, cutoff=AFTER_CLOSE)


def test_m4_a_settings_row_with_an_unknown_mode_is_refused():
    user = UserFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutSettings.objects.create(user=user, mode="weekly")


# --- Settings services (M4, W9) -------------------------------------------------------------


def test_m4_a_user_without_settings_has_automatic_payout():
    user = UserFactory.create()
    current = selectors.payout_settings_get(user_id=user.pk)
    assert (current.mode, current.final_payout, current.pk) == (PayoutMode.AUTO, False, None)


def test_m4_choosing_manual_keeps_the_balance_and_is_audited():
    user = UserFactory.create()
    row = services.payout_settings_set(actor=user, mode=PayoutMode.MANUAL)
    assert selectors.payout_settings_get(user_id=user.pk).mode == PayoutMode.MANUAL
    event = AuditEvent.objects.get(subject_type="payouts.payoutsettings", subject_id=str(row.pk))
    assert (event.before, event.after) == ({"mode": None}, {"mode": "manual"})
    services.payout_settings_set(actor=user, mode=PayoutMode.MANUAL)  # no change, no event
    assert AuditEvent.objects.filter(action="payout_settings.mode").count() == 1


def test_m4_an_unknown_mode_is_refused_and_changes_nothing():
    user = UserFactory.create()
    with pytest.raises(InvalidInput) as refused:
        services.payout_settings_set(actor=user, mode="weekly")
    assert "mode" in refused.value.fields
    assert not PayoutSettings.objects.exists()


def test_w9_a_final_payout_can_be_asked_for_and_cancelled():
    user = UserFactory.create()
    services.payout_final_request(actor=user, enabled=True)
    assert selectors.payout_settings_get(user_id=user.pk).final_payout is True
    services.payout_final_request(actor=user, enabled=False)
    assert selectors.payout_settings_get(user_id=user.pk).final_payout is False
    assert AuditEvent.objects.filter(action="payout_settings.final_payout").count() == 2


def test_w6_a_withdrawn_account_cannot_change_its_settings():
    user = UserFactory.create()
    User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)
    with pytest.raises(NotAllowed):
        services.payout_settings_set(actor=user, mode=PayoutMode.MANUAL)
    with pytest.raises(NotAllowed):
        services.payout_final_request(actor=user, enabled=True)
    assert not PayoutSettings.objects.exists()


# --- Selectors ------------------------------------------------------------------------------


def test_m6_the_fee_depends_on_the_bank():
    assert selectors.payout_fee_for(bank_code=OWN_BANK) == 100
    assert selectors.payout_fee_for(bank_code=OTHER_BANK) == 500


def test_m6_the_fees_are_the_operators_settings(settings: Any):
    settings.PAYOUT_FEE_OTHER_BANK = 330
    assert selectors.payout_fee_for(bank_code=OTHER_BANK) == 330


def test_m4_the_four_conditions_in_order_with_what_to_do(time_machine: Any):
    time_machine.move_to(AFTER_CLOSE, tick=False)
    user = payee(500, bank_code=None, mode=PayoutMode.MANUAL, name_and_address=False)
    conditions = selectors.payout_conditions_get(user_id=user.pk)
    assert [c.code for c in conditions] == [
        "minimum_balance",
        "bank_account",
        "auto_mode",
        "name_and_address",
    ]
    assert [c.met for c in conditions] == [False, False, False, False]
    urls = {c.code: c.action_url for c in conditions}
    assert urls["bank_account"] == "/accounts/bank/" or urls["bank_account"].endswith("/bank/")
    assert urls["name_and_address"].endswith("/profile/")
    assert urls["minimum_balance"] == ""  # nothing to do but wait
    assert all(c.message for c in conditions)


def test_m4_conditions_that_hold_have_no_action(time_machine: Any):
    time_machine.move_to(AFTER_CLOSE, tick=False)
    user = payee(5_000)
    conditions = selectors.payout_conditions_get(user_id=user.pk)
    assert all(c.met for c in conditions)
    assert all(c.action_url == "" for c in conditions)


def test_w2_payouts_in_progress_are_the_requested_and_exported_ones(batch: PayoutBatch):
    user = UserFactory.create()
    requested = _payout(batch, user)
    other_batch = PayoutBatch.objects.create(
        close_date=CLOSE.replace(day=28), payment_date=CLOSE, cutoff=AFTER_CLOSE
    )
    _payout(other_batch, user, status=PayoutStatus.PAID)
    assert list(selectors.payouts_in_progress_list(user_id=user.pk)) == [requested]

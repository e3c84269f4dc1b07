"""Issue 6 items 4 and 5: the payout batch at a close (M3–M6, W6, W9) and its runs.

Every money test ends with the ledger check (M1)."""

from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.formats import date_format

from tests.payouts.batch_support import (
    AFTER_CLOSE,
    CLOSE,
    OTHER_BANK,
    OWN_BANK,
    credit,
    payee,
    platform_balance,
    reward_balance,
)
from tests.support import assert_ledger_clean
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerTransaction
from ukeoi.payouts import services
from ukeoi.payouts.enums import BatchStatus, PayoutMode, PayoutStatus
from ukeoi.payouts.models import Payout, PayoutBatch
from ukeoi.payouts.zengin import RECORD_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_close(time_machine: Any, settings: Any, tmp_path: Any) -> None:
    time_machine.move_to(AFTER_CLOSE, tick=False)
    settings.MEDIA_ROOT = str(tmp_path)


def _records(batch: PayoutBatch, part: int = 1) -> list[bytes]:
    with default_storage.open(batch.files.get(part=part).file.name, "rb") as handle:
        content = handle.read()
    assert content.endswith(b"\r\n")
    records = content.split(b"\r\n")[:-1]
    assert all(len(record) == RECORD_BYTES for record in records)
    return records


def _transit_balance(payout: Payout) -> int:
    return LedgerAccount.objects.get(
        kind=AccountKind.PAYOUT_IN_TRANSIT, subject_type="payouts.payout", subject_id=str(payout.pk)
    ).balance


# --- M4, M6: who is paid, how much ----------------------------------------------------------


def test_m4_m6_eligible_balances_are_paid_with_the_fee_of_their_bank():
    # Given two lancers meeting the four conditions, one at the platform's own bank
    own = payee(12_345, bank_code=OWN_BANK)
    other = payee(1_000, bank_code=OTHER_BANK)
    # When the batch of the close runs
    batch = services.payout_batch_run(close_date=CLOSE)
    # Then each has one payout of the whole confirmed balance, the fee of their bank deducted
    assert batch.status == BatchStatus.EXPORTED
    assert batch.payment_date == date(2026, 3, 31)
    paid = {p.user_id: p for p in Payout.objects.filter(batch=batch)}
    assert (paid[own.pk].amount, paid[own.pk].fee, paid[own.pk].net) == (12_345, 100, 12_245)
    assert (paid[other.pk].amount, paid[other.pk].fee, paid[other.pk].net) == (1_000, 500, 500)
    assert {p.status for p in paid.values()} == {PayoutStatus.EXPORTED}
    # and the money moved reward -> payouts in transit + transfer fee revenue
    assert reward_balance(own) == reward_balance(other) == 0
    assert _transit_balance(paid[own.pk]) == 12_245
    assert _transit_balance(paid[other.pk]) == 500
    assert platform_balance(AccountKind.TRANSFER_FEE_REVENUE) == 600
    assert (batch.payout_count, batch.total_amount, batch.total_fee) == (2, 13_345, 600)
    # the bank snapshot is kept on the payout
    assert (paid[own.pk].bank_code, paid[own.pk].branch_code) == (OWN_BANK, "001")
    assert paid[own.pk].holder_kana == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert_ledger_clean()


def test_m5_the_zengin_file_carries_each_payout_and_its_id_in_the_edi_field():
    first = payee(5_000)
    second = payee(2_000, bank_code=OWN_BANK)
    batch = services.payout_batch_run(close_date=CLOSE)
    header, *data, trailer, end = _records(batch)
    # header: general transfer (21), JIS, transfer date = payment date (MMDD)
    assert header[:4] == b"1210"
    assert header[54:58] == b"0331"
    payouts = list(Payout.objects.filter(batch=batch).order_by("pk"))
    assert [p.user_id for p in payouts] == [first.pk, second.pk]
    for record, payout in zip(data, payouts, strict=True):
        assert record[:1] == b"2"
        assert record[1:5] == payout.bank_code.encode()
        assert record[42:43] == b"1"  # ordinary account
        assert record[43:50] == payout.account_number.encode()
        assert record[50:80].decode("cp932").rstrip() == "ﾔﾏﾀﾞ ﾀﾛｳ"
        assert int(record[80:90]) == payout.net
        assert record[91:111].decode("cp932").rstrip() == str(payout.pk)  # EDI = payout id
        assert record[112:113] == b"Y"
    assert int(trailer[1:7]) == 2
    assert int(trailer[7:19]) == 4_500 + 1_900
    assert end == b"9" + b" " * 119
    assert_ledger_clean()


@pytest.mark.parametrize(
    "setup",
    [
        pytest.param({"balance": 999}, id="below_minimum"),
        pytest.param({"balance": 5_000, "bank_code": None}, id="no_bank_account"),
        pytest.param({"balance": 5_000, "mode": PayoutMode.MANUAL}, id="manual_mode"),
        pytest.param({"balance": 5_000, "name_and_address": False}, id="no_name_and_address"),
        pytest.param({"balance": 5_000, "withdrawn": True}, id="withdrawn"),
    ],
)
def test_m4_a_balance_missing_a_condition_stays(setup: dict[str, Any]):
    # Given a lancer missing one condition of M4 (or withdrawn, W6)
    user = payee(**setup)
    # When the batch runs
    batch = services.payout_batch_run(close_date=CLOSE)
    # Then there is no payout and the balance stays
    assert not Payout.objects.filter(user=user).exists()
    assert reward_balance(user) == setup["balance"]
    assert batch.payout_count == 0
    assert_ledger_clean()


def test_m3_only_the_balance_confirmed_by_the_close_is_paid():
    # Given 3,000 yen credited before the end of the close date and 2,000 after it
    user = payee(3_000)
    credit(user, 2_000, at=AFTER_CLOSE.replace(hour=0, minute=0, second=0))
    # When the batch runs
    services.payout_batch_run(close_date=CLOSE)
    # Then only the confirmed 3,000 is paid; 2,000 waits for the next close
    assert Payout.objects.get(user=user).amount == 3_000
    assert reward_balance(user) == 2_000
    assert_ledger_clean()


def test_m3_a_credit_at_the_last_moment_of_the_close_day_is_confirmed():
    user = payee(0)
    credit(user, 1_500, at=AFTER_CLOSE.replace(day=15, hour=23, minute=59, second=59))
    services.payout_batch_run(close_date=CLOSE)
    assert Payout.objects.get(user=user).amount == 1_500


# --- W9: the final payout -------------------------------------------------------------------


def test_w9_a_final_payout_pays_any_balance_above_the_fee_whatever_the_mode():
    small = payee(800, mode=PayoutMode.MANUAL, final=True)
    too_small = payee(500, final=True)  # exactly the 500-yen fee: nothing would arrive
    batch = services.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(batch=batch, user=small)
    assert (payout.amount, payout.fee, payout.net, payout.is_final) == (800, 500, 300, True)
    assert not Payout.objects.filter(user=too_small).exists()
    assert reward_balance(too_small) == 500
    assert_ledger_clean()


def test_w9_a_final_payout_still_needs_a_bank_account_and_the_name_and_address():
    no_bank = payee(5_000, final=True, bank_code=None)
    no_address = payee(5_000, final=True, name_and_address=False)
    services.payout_batch_run(close_date=CLOSE)
    assert not Payout.objects.filter(user__in=[no_bank, no_address]).exists()


# --- M5: runs are idempotent and resumable --------------------------------------------------


def test_m5_running_the_batch_twice_makes_one_batch_and_pays_once():
    user = payee(4_000)
    first = services.payout_batch_run(close_date=CLOSE)
    transactions = LedgerTransaction.objects.count()
    credit(user, 9_000, at=AFTER_CLOSE.replace(day=14))  # late-booked, but confirmed by the close
    second = services.payout_batch_run(close_date=CLOSE)
    assert second.pk == first.pk
    assert PayoutBatch.objects.count() == 1
    assert Payout.objects.filter(user=user).count() == 1
    assert LedgerTransaction.objects.count() == transactions + 1  # only the credit
    assert reward_balance(user) == 9_000  # paid at the next close
    assert_ledger_clean()


def test_m5_a_run_stopped_after_some_chunks_is_resumed_without_paying_twice(monkeypatch: Any):
    # Given ten payees and a run that stops (crashes) after its chunks, before the export
    users = [payee(1_000 + i) for i in range(10)]

    def crash(batch_id: int) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr("ukeoi.payouts.services.batch._export", crash)
    with pytest.raises(RuntimeError):
        services.payout_batch_run(close_date=CLOSE, chunk_size=3)
    batch = PayoutBatch.objects.get(close_date=CLOSE)
    assert batch.status == BatchStatus.RUNNING
    assert Payout.objects.count() == 10
    assert batch.cursor_user_id == users[-1].pk
    monkeypatch.undo()
    # When it runs again
    batch = services.payout_batch_run(close_date=CLOSE, chunk_size=3)
    # Then it finishes: each payee paid exactly once, the file lists ten transfers
    assert batch.status == BatchStatus.EXPORTED
    assert batch.runs == 2
    assert sorted(Payout.objects.values_list("user_id", flat=True)) == [u.pk for u in users]
    assert int(_records(batch)[-2][1:7]) == 10
    assert_ledger_clean()


def test_m5_chunks_cover_every_payee_whatever_the_chunk_size():
    users = [payee(2_000) for _ in range(7)]
    payee(100)  # a candidate balance that is not paid
    progress: list[tuple[int, int]] = []
    batch = services.payout_batch_run(
        close_date=CLOSE, chunk_size=2, progress=lambda done, total: progress.append((done, total))
    )
    assert batch.payout_count == 7
    assert set(Payout.objects.values_list("user_id", flat=True)) == {u.pk for u in users}
    assert progress[0] == (0, 8)
    assert progress[-1] == (8, 8)
    assert_ledger_clean()


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 3, 14), date(2026, 2, 27), date(2026, 3, 30)])
def test_m3_a_date_that_is_not_a_close_date_is_refused(day: date):
    payee(5_000)
    with pytest.raises(ApplicationError) as refused:
        services.payout_batch_run(close_date=day)
    assert refused.value.code == "not_a_close_date"
    # The date as every page gives it (issue 14 item 10), not 2026-03-14.
    assert date_format(day) in str(refused.value.message)
    assert not PayoutBatch.objects.exists()
    assert not Payout.objects.exists()


@pytest.mark.parametrize("day", [date(2026, 3, 31), date(2026, 4, 15)])
def test_m3_a_close_in_the_future_is_refused(day: date):
    payee(5_000)
    with pytest.raises(ApplicationError) as refused:
        services.payout_batch_run(close_date=day)
    assert refused.value.code == "close_not_ended"
    assert not PayoutBatch.objects.exists()


def test_m3_the_close_day_itself_has_not_ended(time_machine: Any):
    time_machine.move_to(AFTER_CLOSE.replace(day=15, hour=23), tick=False)
    with pytest.raises(ApplicationError) as refused:
        services.payout_batch_run(close_date=CLOSE)
    assert refused.value.code == "close_not_ended"
    assert not PayoutBatch.objects.exists()


# --- The command ----------------------------------------------------------------------------


def test_payout_run_command_runs_the_batch_with_a_progress_bar(capsys: Any):
    payee(3_000)
    call_command("payout_run", "--close-date", "2026-03-15")
    out, err = capsys.readouterr()
    assert "exported, 1 payouts, 3000 yen" in out
    assert "[" in err
    assert "1/1 accounts" in err
    call_command("payout_run", "--close-date", "2026-03-15", "--no-progress")
    assert Payout.objects.count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-14", "not a close date"),
        ("2026-04-30", "has not ended"),
        ("15/03/2026", "YYYY-MM-DD"),
    ],
)
def test_payout_run_command_refuses_bad_dates_with_a_clear_message(value: str, message: str):
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("payout_run", "--close-date", value, "--no-progress")
    assert not PayoutBatch.objects.exists()


# --- Audit ----------------------------------------------------------------------------------


def test_the_export_is_audited():
    payee(3_000)
    batch = services.payout_batch_run(close_date=CLOSE)
    event = AuditEvent.objects.get(subject_type="payouts.payoutbatch", subject_id=str(batch.pk))
    assert (event.action, event.before, event.after) == (
        "payout_batch.export",
        {"status": "running"},
        {"status": "exported"},
    )


def test_m5_a_batch_above_the_file_limit_is_written_as_several_files(settings: Any):
    # Given seven payees and banks that take at most three transfers per file
    settings.PAYOUT_FILE_MAX_RECORDS = 3
    users = [payee(1_000 + i) for i in range(7)]
    # When the batch runs
    batch = services.payout_batch_run(close_date=CLOSE)
    # Then there are three files of 3, 3 and 1 transfers, each a complete Zengin file
    files = list(batch.files.order_by("part"))
    assert [(f.part, f.record_count) for f in files] == [(1, 3), (2, 3), (3, 1)]
    payouts = list(Payout.objects.filter(batch=batch).order_by("pk"))
    seen = []
    for payout_file in files:
        header, *data, trailer, end = _records(batch, payout_file.part)
        assert header[:1] == b"1"
        assert end[:1] == b"9"
        assert int(trailer[1:7]) == len(data) == payout_file.record_count
        assert int(trailer[7:19]) == payout_file.total == sum(int(r[80:90]) for r in data)
        seen += [int(r[91:111].decode("cp932")) for r in data]
    # every payout in exactly one file, in id order
    assert seen == [p.pk for p in payouts]
    assert sum(f.total for f in files) == batch.total_amount - batch.total_fee
    assert len(users) == batch.payout_count
    assert_ledger_clean()

"""M4, M6, W9: the batch's SQL and the pure rules (shown on the payout page) agree on who is
paid and how much; the beat task runs the batch of the close that ended last."""

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.payouts.batch_support import AFTER_CLOSE, CLOSE, JST, OTHER_BANK, OWN_BANK, payee
from ukeoi.payouts import services, tasks
from ukeoi.payouts.enums import BatchStatus, PayoutMode
from ukeoi.payouts.models import Payout, PayoutBatch
from ukeoi.payouts.rules import PayoutFacts, payout_for
from ukeoi.payouts.selectors import fee_schedule, upcoming_payout_get

pytestmark = pytest.mark.django_db

facts = st.fixed_dictionaries(
    {
        "balance": st.sampled_from([0, 1, 99, 100, 101, 499, 500, 501, 999, 1_000, 1_001, 50_000]),
        "bank_code": st.sampled_from([None, OWN_BANK, OTHER_BANK]),
        "mode": st.sampled_from([None, PayoutMode.AUTO, PayoutMode.MANUAL]),
        "final": st.booleans(),
        "name_and_address": st.booleans(),
        "withdrawn": st.booleans(),
    }
)


# Each example runs at a close of its own (the database is not reset between examples).
_closes = iter([date(year, month, 15) for year in range(2030, 2060) for month in range(1, 13)])


@hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(facts, min_size=1, max_size=6))
def test_m4_w9_the_batch_pays_exactly_whom_the_rules_say(
    time_machine: Any, settings: Any, tmp_path: Any, people: list[dict[str, Any]]
):
    close = next(_closes)
    settings.MEDIA_ROOT = str(tmp_path)
    credited_at = datetime.combine(close, datetime.min.time(), tzinfo=JST).replace(hour=12)
    users = [payee(**person, credited_at=credited_at) for person in people]
    time_machine.move_to(credited_at.replace(day=16), tick=False)
    batch = services.payout_batch_run(close_date=close)
    paid = {p.user_id: (p.amount, p.fee, p.net, p.is_final) for p in batch.payouts.all()}
    for user, person in zip(users, people, strict=True):
        amounts, is_final = payout_for(
            PayoutFacts(
                confirmed_balance=person["balance"],
                has_bank_account=person["bank_code"] is not None,
                bank_code=person["bank_code"] or "",
                mode=person["mode"] or PayoutMode.AUTO,
                has_name_and_address=person["name_and_address"],
                is_active=not person["withdrawn"],
                final_payout=person["final"],
            ),
            minimum=settings.PAYOUT_MINIMUM,
            fees=fee_schedule(),
        )
        expected = None if amounts is None else (amounts.amount, amounts.fee, amounts.net, is_final)
        assert paid.get(user.pk) == expected, person


def test_m4_the_upcoming_payout_agrees_with_the_batch(
    time_machine: Any, settings: Any, tmp_path: Any
):
    time_machine.move_to(datetime(2026, 3, 12, 12, 0, tzinfo=JST), tick=False)
    settings.MEDIA_ROOT = str(tmp_path)
    paid, kept = payee(6_000, bank_code=OWN_BANK), payee(6_000, mode=PayoutMode.MANUAL)
    upcoming = upcoming_payout_get(user_id=paid.pk)
    assert (upcoming.close_date, upcoming.payment_date) == (CLOSE, date(2026, 3, 31))
    assert (upcoming.amount, upcoming.fee, upcoming.net, upcoming.will_pay) == (
        6_000,
        100,
        5_900,
        True,
    )
    assert not upcoming_payout_get(user_id=kept.pk).will_pay
    assert [c.code for c in upcoming_payout_get(user_id=kept.pk).missing] == ["auto_mode"]
    time_machine.move_to(AFTER_CLOSE, tick=False)
    batch = services.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(batch=batch)
    assert (payout.user_id, payout.amount, payout.fee, payout.net) == (paid.pk, 6_000, 100, 5_900)


# --- Beat (M3, M5) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "close"),
    [
        (date(2026, 3, 16), date(2026, 3, 15)),
        (date(2026, 3, 31), date(2026, 3, 15)),
        (date(2026, 4, 1), date(2026, 3, 31)),
        (date(2026, 3, 1), date(2026, 2, 28)),
        (date(2027, 1, 1), date(2026, 12, 31)),
    ],
)
def test_m3_the_beat_task_takes_the_close_that_ended_last(today: date, close: date):
    assert tasks.last_ended_close(today) == close


def test_m5_the_beat_task_runs_the_due_batch_once(time_machine: Any, settings: Any, tmp_path: Any):
    settings.MEDIA_ROOT = str(tmp_path)
    assert "payouts-run-due" in settings.CELERY_BEAT_SCHEDULE
    user = payee(2_000)
    time_machine.move_to(AFTER_CLOSE, tick=False)
    first = tasks.payout_run_due.delay().get()
    second = tasks.payout_run_due.delay().get()
    assert first == second
    batch = PayoutBatch.objects.get()
    assert (batch.close_date, batch.status) == (CLOSE, BatchStatus.EXPORTED)
    assert Payout.objects.get().user_id == user.pk

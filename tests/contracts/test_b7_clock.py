"""B4, B7: the clock of a cancellation and of inactivity, defined once in contracts' rules
and read by the contract page, the auto steps and the withdrawal checklist alike."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ukeoi.contracts import rules
from ukeoi.contracts.enums import CancellationStep

JST = ZoneInfo("Asia/Tokyo")
DUE = datetime(2026, 3, 2, 9, 0, tzinfo=JST)


@pytest.mark.parametrize(
    ("step", "later_steps"),
    [
        (CancellationStep.PROPOSED, 3),  # (1) waits; (2), (3), (4) may each wait 7 days
        (CancellationStep.AGREED, 2),
        (CancellationStep.ESCROW_CANCELLED, 1),
        (CancellationStep.PLAN_DELETED, 0),  # (4) waits; (5) follows at once
    ],
)
def test_an_open_cancellation_ends_at_the_latest_a_week_per_step_after_the_pending_one(
    step: CancellationStep, later_steps: int
) -> None:
    done_by = rules.cancellation_done_by(step=step, step_due_at=DUE)

    assert done_by == DUE + timedelta(days=7 * later_steps)


def test_a_cancellation_with_no_running_step_has_no_end() -> None:
    assert rules.cancellation_done_by(step=CancellationStep.PROPOSED, step_due_at=None) is None


def test_each_step_runs_seven_days_and_is_reminded_one_day_before() -> None:
    started = DUE - timedelta(days=7)
    assert rules.step_due(started) == DUE
    assert timedelta(days=rules.STEP_DAYS) == timedelta(weeks=1)
    assert timedelta(days=1) == rules.REMINDER_BEFORE


def test_an_untouched_contract_is_cancelled_a_year_after_its_last_activity() -> None:
    last = datetime(2025, 4, 1, 12, 0, tzinfo=JST)
    at = rules.inactivity_cancel_at(last)

    assert at == last + timedelta(days=365)

    def due(now: datetime) -> bool:
        return rules.inactivity_cancel_due(
            status="in_progress", has_open_cancellation=False, last_activity_at=last, now=now
        )

    assert not due(at - timedelta(seconds=1))
    assert due(at)

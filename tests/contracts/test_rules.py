"""Pure rules of contracts (B4, B6, B7), exercised with hypothesis."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ukeoi.contracts import rules
from ukeoi.contracts.enums import CANCELLATION_OPEN_STEPS, CancellationStep, ContractStatus
from ukeoi.core.fees import FeeRates
from ukeoi.jobs.rules import MAX_YEN

CLIENT, LANCER, STRANGER = 1, 2, 3
CONTRACT = rules.ContractFacts(10, CLIENT, LANCER, ContractStatus.CANCELLING, True)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


@given(st.integers(min_value=1, max_value=MAX_YEN))
def test_fees_add_up_and_round_down(amount: int) -> None:
    """B6: client pays amount + 5.5 %, lancer receives amount - 16.5 %, both rounded down."""
    fees = rules.fees_for(amount, FeeRates(client_permille=55, lancer_permille=165))
    assert fees.client_total == amount + fees.client_fee
    assert fees.lancer_net + fees.lancer_fee == amount
    assert 0 <= fees.client_fee * 1000 <= amount * 55 < (fees.client_fee + 1) * 1000
    assert 0 <= fees.lancer_fee * 1000 <= amount * 165 < (fees.lancer_fee + 1) * 1000
    assert (fees.client_fee_percent, fees.lancer_fee_percent) == ("5.5", "16.5")


@given(
    step=st.sampled_from(CANCELLATION_OPEN_STEPS),
    proposer=st.sampled_from([CLIENT, LANCER]),
    action=st.sampled_from(sorted(rules.STEP_TARGETS)),
    actor=st.sampled_from([CLIENT, LANCER, STRANGER]),
)
def test_each_step_is_taken_only_by_the_side_named_and_only_in_order(
    step: str, proposer: int, action: str, actor: int
) -> None:
    """B4: exactly the next actor may take exactly the action the step waits for."""
    next_actor = rules.next_actor_id(step=step, contract=CONTRACT, proposed_by_id=proposer)
    cancellation = rules.CancellationFacts(1, proposer, step, next_actor, NOW)
    refusal = rules.cancellation_step_refusal(
        action, actor_id=actor, contract=CONTRACT, cancellation=cancellation
    )
    expected_action = rules.STEP_ACTIONS[step][0]
    allowed = actor == next_actor and (
        action == expected_action or (action == "decline" and expected_action == "agree")
    )
    assert (refusal is None) == allowed
    if step == CancellationStep.PROPOSED:
        assert next_actor != proposer
    elif step in (CancellationStep.AGREED, CancellationStep.PLAN_DELETED):
        assert next_actor == LANCER
    else:
        assert next_actor == CLIENT


@given(st.integers(min_value=0, max_value=14 * 24 * 60))
def test_a_step_is_overdue_exactly_after_its_due_time_and_reminded_the_day_before(
    minutes: int,
) -> None:
    """B7."""
    due = rules.step_due(NOW)
    assert due == NOW + timedelta(days=7)
    cancellation = rules.CancellationFacts(1, CLIENT, CancellationStep.PROPOSED, LANCER, due)
    now = NOW + timedelta(minutes=minutes)
    assert rules.step_overdue(cancellation, now=now) == (now >= due)
    remind = rules.step_reminder_due(cancellation, reminded_step="", now=now)
    assert remind == (due - timedelta(days=1) <= now < due)
    assert not rules.step_reminder_due(
        cancellation, reminded_step=CancellationStep.PROPOSED, now=now
    )


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_a_milestone_amount_is_whole_yen_from_1_to_the_maximum(amount: int) -> None:
    problems = rules.milestone_drafts_problems(
        [rules.MilestoneDraft("作業", amount)], today=date(2026, 1, 1)
    )
    assert ("milestones.0.amount" in problems) == (not 1 <= amount <= MAX_YEN)


@given(
    days=st.integers(min_value=0, max_value=800),
    warned=st.booleans(),
)
def test_inactivity_warning_then_cancellation(days: int, warned: bool) -> None:
    """B7: warning from 335 days (once per quiet spell), cancellation from 365."""
    last = NOW
    now = NOW + timedelta(days=days)
    facts: dict[str, Any] = {
        "status": ContractStatus.IN_PROGRESS,
        "has_open_cancellation": False,
        "last_activity_at": last,
        "now": now,
    }
    assert rules.inactivity_cancel_due(**facts) == (days >= 365)
    warned_at = last + timedelta(days=335) if warned else None
    assert rules.inactivity_warning_due(warned_at=warned_at, **facts) == (
        days >= 335 and not warned
    )
    assert not rules.inactivity_cancel_due(**{**facts, "has_open_cancellation": True})

"""The pure withdrawal rules over arbitrary facts (W1, W2, W4, W5, W9), with hypothesis."""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ukeoi.withdrawal.enums import BalanceChoice, BlockerCode
from ukeoi.withdrawal.rules import (
    BLOCKER_ORDER,
    MAX_ITEMS,
    ItemRef,
    Items,
    WhenClearStep,
    WithdrawalFacts,
    can_request_when_clear,
    form_available,
    input_problems,
    when_clear_refusal,
    when_clear_step,
    withdrawal_blockers,
    withdrawal_refusal,
    work_blockers,
)

days = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def items(draw: st.DrawFn) -> Items:
    count = draw(st.integers(min_value=0, max_value=60))
    shown = min(count, MAX_ITEMS)
    refs = tuple(
        ItemRef(
            kind="job", id=n, title=f"item {n}", url=f"/x/{n}/", clears_on=draw(st.none() | days)
        )
        for n in range(shown)
    )
    return Items(items=refs, count=count, clears_on=draw(st.none() | days) if count else None)


facts_strategy = st.builds(
    WithdrawalFacts,
    withdrawn=st.booleans(),
    open_jobs=items(),
    pending_proposals=items(),
    contracts_in_progress=items(),
    unfinished_payments=items(),
    payouts_in_progress=items(),
    reward_balance=st.integers(min_value=0, max_value=50_000),
    payout_minimum=st.just(1000),
    transfer_fee=st.sampled_from([100, 500]),
    payout_conditions_met=st.booleans(),
    final_payout_possible=st.booleans(),
    next_payout_on=st.none() | days,
)

LISTS: dict[str, str] = {
    BlockerCode.OPEN_JOB: "open_jobs",
    BlockerCode.PENDING_PROPOSAL: "pending_proposals",
    BlockerCode.CONTRACT_IN_PROGRESS: "contracts_in_progress",
    BlockerCode.UNFINISHED_PAYMENT: "unfinished_payments",
    BlockerCode.PAYOUT_IN_PROGRESS: "payouts_in_progress",
}


# Facts with many items each are slow to draw on a busy machine; the draw is pure Python,
# so its speed says nothing about the code under test.
SLOW_DRAW = settings(suppress_health_check=[HealthCheck.too_slow])


@SLOW_DRAW
@given(facts_strategy, st.booleans())
def test_w1_exactly_the_conditions_that_hold_in_w1_order(
    facts: WithdrawalFacts, consented: bool
) -> None:
    blockers = withdrawal_blockers(facts, forfeit_consented=consented)

    expected = [code for code, name in LISTS.items() if getattr(facts, name).count > 0]
    if facts.reward_balance > 0 and not consented:
        expected.append(BlockerCode.REWARD_BALANCE)
    assert [b.code for b in blockers] == expected
    assert [b.code for b in blockers] == sorted((b.code for b in blockers), key=BLOCKER_ORDER.index)


@SLOW_DRAW
@given(facts_strategy)
def test_w2_each_blocker_carries_at_most_20_items_the_count_and_its_day(
    facts: WithdrawalFacts,
) -> None:
    for blocker in withdrawal_blockers(facts):
        assert len(blocker.items) <= MAX_ITEMS
        assert blocker.count >= len(blocker.items) >= 0
        assert blocker.clears_by
        if blocker.code in LISTS:
            source: Items = getattr(facts, LISTS[blocker.code])
            assert blocker.clears_on == source.clears_on
            assert blocker.count == source.count


@SLOW_DRAW
@given(facts_strategy)
def test_w2_w5_balance_blocker_says_whether_it_can_be_paid(facts: WithdrawalFacts) -> None:
    balance = [b for b in withdrawal_blockers(facts) if b.code == BlockerCode.REWARD_BALANCE]
    if facts.reward_balance <= 0:
        assert balance == []
        return
    (blocker,) = balance
    assert blocker.amount == facts.reward_balance
    assert blocker.forfeit_only == (facts.reward_balance < facts.payout_minimum)
    payable = not blocker.forfeit_only and facts.payout_conditions_met
    assert blocker.clears_on == (facts.next_payout_on if payable else None)


@SLOW_DRAW
@given(facts_strategy)
def test_w4_form_offered_iff_only_the_balance_is_left(facts: WithdrawalFacts) -> None:
    blockers = withdrawal_blockers(facts)
    assert form_available(blockers) == all(b.code == BlockerCode.REWARD_BALANCE for b in blockers)


@SLOW_DRAW
@given(facts_strategy, st.booleans(), st.none() | st.integers(min_value=0, max_value=50_000))
def test_w1_w5_withdrawal_allowed_exactly_when_nothing_holds_but_a_consented_balance(
    facts: WithdrawalFacts, forfeit: bool, amount: int | None
) -> None:
    refusal = withdrawal_refusal(facts, forfeit=forfeit, forfeit_amount=amount)

    allowed = (
        not facts.withdrawn
        and not work_blockers(withdrawal_blockers(facts))
        and (
            facts.reward_balance == 0
            or (forfeit and (amount is None or amount == facts.reward_balance))
        )
    )
    assert (refusal is None) == allowed
    if refusal is not None:
        assert refusal.message
        assert refusal.status in (400, 409)


@SLOW_DRAW
@given(facts_strategy, st.sampled_from(BalanceChoice.values))
def test_w9_request_only_when_everything_left_clears_on_its_own(
    facts: WithdrawalFacts, choice: str
) -> None:
    refusal = when_clear_refusal(facts, balance_choice=choice)
    if refusal is None:
        assert not facts.withdrawn
        waiting = work_blockers(withdrawal_blockers(facts))
        assert all(b.clears_on_its_own for b in waiting)
        final = choice == BalanceChoice.FINAL_PAYOUT and facts.reward_balance > 0
        assert waiting or final
        if final:
            assert facts.reward_balance > facts.transfer_fee
            assert facts.final_payout_possible
        assert can_request_when_clear(facts)


@SLOW_DRAW
@given(facts_strategy, st.sampled_from(BalanceChoice.values))
def test_w9_runner_withdraws_only_when_a_forfeit_withdrawal_is_allowed(
    facts: WithdrawalFacts, choice: str
) -> None:
    if when_clear_step(facts, balance_choice=choice) is WhenClearStep.WITHDRAW:
        assert withdrawal_refusal(facts, forfeit=True) is None
        if choice == BalanceChoice.FINAL_PAYOUT:
            assert facts.reward_balance <= facts.transfer_fee


@given(st.lists(items(), max_size=4))
def test_merged_items_count_all_and_clear_only_if_every_part_does(parts: list[Items]) -> None:
    merged = Items.merge(*parts)
    assert merged.count == sum(p.count for p in parts)
    assert len(merged.items) <= MAX_ITEMS
    present = [p for p in parts if p.count]
    if not present or any(p.clears_on is None for p in present):
        assert merged.clears_on is None
    else:
        assert merged.clears_on == max(p.clears_on for p in present if p.clears_on)


@given(
    st.text(max_size=20),
    st.text(max_size=1100),
    st.text(max_size=2100),
    st.text(max_size=10),
)
def test_w4_input_problems(reason: str, reason_text: str, comments: str, password: str) -> None:
    problems = input_problems(
        reason=reason, reason_text=reason_text, comments=comments, password=password
    )
    assert ("password" in problems) == (password == "")
    assert ("comments" in problems) == (len(comments) > 2000)
    valid_reasons = {
        "no_longer_needed",
        "no_suitable_work",
        "fees",
        "other_service",
        "hard_to_use",
        "other",
    }
    assert ("reason" in problems) == (reason not in valid_reasons)


def test_w9_examples() -> None:
    """A payout on its way, nothing else: the request is accepted; a task unit awaiting the
    client is not something that clears on its own."""
    payout = Items(items=(), count=1, clears_on=date(2026, 12, 15))
    facts = WithdrawalFacts(withdrawn=False, payouts_in_progress=payout)
    assert when_clear_refusal(facts, balance_choice="forfeit") is None
    assert when_clear_step(facts, balance_choice="forfeit") is WhenClearStep.WAIT

    stuck = WithdrawalFacts(withdrawn=False, unfinished_payments=Items(count=1))
    refusal = when_clear_refusal(stuck, balance_choice="forfeit")
    assert refusal is not None
    assert refusal.code == "not_clearing_on_its_own"

    final = WithdrawalFacts(
        withdrawn=False, reward_balance=800, transfer_fee=500, final_payout_possible=True
    )
    assert when_clear_refusal(final, balance_choice="final_payout") is None
    assert when_clear_step(final, balance_choice="final_payout") is WhenClearStep.WAIT
    assert when_clear_step(final, balance_choice="forfeit") is WhenClearStep.WITHDRAW
    small = WithdrawalFacts(withdrawn=False, reward_balance=500, transfer_fee=500)
    refusal = when_clear_refusal(small, balance_choice="final_payout")
    assert refusal is not None
    assert refusal.code == "balance_below_fee"

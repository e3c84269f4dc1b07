"""W1, W2, W9 with real contracts (built through the contracts services) and payout batches."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from tests.contracts.builders import (
    contract_agreeing,
    contract_completed,
    contract_in_progress,
    contract_mid_cancellation,
    operator,
)
from tests.payouts.batch_support import AFTER_CLOSE, CLOSE, OTHER_BANK, payee
from tests.support import assert_ledger_clean
from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.payouts import services as payouts
from ukeoi.payouts.models import PayoutSettings
from ukeoi.withdrawal import selectors, services
from ukeoi.withdrawal.enums import BlockerCode
from ukeoi.withdrawal.rules import withdrawal_blockers

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def codes(user: User) -> list[str]:
    return [b.code for b in withdrawal_blockers(selectors.withdrawal_facts_get(user=user))]


def withdraw(user: User, **changes: Any) -> Any:
    data: dict[str, Any] = {"password": PASSWORD, "reason": "fees"}
    data.update(changes)
    return services.account_withdraw(actor=user, **data)


class TestContracts:
    def test_w1_agreeing_contract_blocks_both_sides(self) -> None:
        contract = contract_agreeing()

        assert BlockerCode.CONTRACT_IN_PROGRESS in codes(contract.client)
        assert codes(contract.lancer) == [BlockerCode.CONTRACT_IN_PROGRESS]
        with pytest.raises(ApplicationError) as raised:
            withdraw(contract.lancer)
        assert raised.value.code == "withdrawal_blocked"

    def test_w1_escrowed_milestone_is_an_unfinished_payment_for_both(self) -> None:
        contract = contract_in_progress(escrowed=True)

        for side in (contract.client, contract.lancer):
            assert BlockerCode.UNFINISHED_PAYMENT in codes(side)
        facts = selectors.withdrawal_facts_get(user=contract.lancer)
        (milestone,) = facts.unfinished_payments.items
        assert milestone.kind == "milestone"
        assert milestone.amount == 10_000
        assert facts.unfinished_payments.clears_on is None  # no cancellation under way

    def test_w2_cancellation_shows_step_next_actor_and_the_day_it_ends(self) -> None:
        contract = contract_mid_cancellation(step="proposed", proposed_by="client")
        cancellation = contract.open_cancellation
        assert cancellation is not None
        assert cancellation.step_due_at is not None

        with translation.override("en"):
            facts = selectors.withdrawal_facts_get(user=contract.lancer)

        (item,) = facts.contracts_in_progress.items
        # B4, issue 14 item 5: the step that waits, named as the contract page names it.
        assert item.detail == (
            "Cancellation step 1 of 5 (Both sides agree to cancel): waiting for you"
        )
        expected = timezone.localdate(cancellation.step_due_at + timedelta(days=21))
        assert item.clears_on == expected
        assert facts.contracts_in_progress.clears_on == expected
        assert item.action_url == f"{contract.get_absolute_url()}#cancellation"

    def test_w9_lancer_may_wait_for_an_automatic_cancellation(self) -> None:
        contract = contract_mid_cancellation(step="agreed", proposed_by="lancer")

        request = services.withdraw_when_clear_request(
            actor=contract.lancer, password=PASSWORD, reason="fees", balance_choice="forfeit"
        )

        assert request.status == "pending"
        assert services.withdraw_when_clear_run() == 0

    def test_w5_completed_contract_leaves_only_the_balance_then_forfeit(self) -> None:
        contract = contract_completed()
        lancer = contract.lancer
        facts = selectors.withdrawal_facts_get(user=lancer)
        assert codes(lancer) == [BlockerCode.REWARD_BALANCE]

        withdrawal = withdraw(
            lancer, forfeit=True, forfeit_amount=facts.reward_balance, keep_profile=True
        )

        assert withdrawal.forfeited == facts.reward_balance > 0
        assert_ledger_clean()

    def test_w6_withdrawn_client_cannot_escrow(self) -> None:
        """The escrow service refuses a withdrawn account inside its own transaction."""
        from ukeoi.contracts import services as contract_services
        from ukeoi.contracts.models import Milestone

        contract = contract_agreeing()
        contract_services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        milestone = Milestone.objects.filter(contract=contract).first()
        assert milestone is not None
        User.objects.filter(pk=contract.client_id).update(status="withdrawn", is_active=False)
        contract.client.refresh_from_db()

        with pytest.raises(ApplicationError):
            contract_services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)
        assert operator() is not None


class TestPayouts:
    @pytest.fixture(autouse=True)
    def _after_close(self, time_machine: Any, settings: Any, tmp_path: Any) -> None:
        time_machine.move_to(AFTER_CLOSE, tick=False)
        settings.MEDIA_ROOT = str(tmp_path)

    def test_w1_w2_payout_in_progress_blocks_until_paid_with_its_date(self) -> None:
        user = payee(5000, bank_code=OTHER_BANK)
        batch = payouts.payout_batch_run(close_date=CLOSE)

        facts = selectors.withdrawal_facts_get(user=user)
        assert codes(user) == [BlockerCode.PAYOUT_IN_PROGRESS]
        (item,) = facts.payouts_in_progress.items
        assert item.amount == 4500  # net of the 500-yen fee
        assert item.clears_on == batch.payment_date
        with pytest.raises(ApplicationError):
            withdraw(user)

        payouts.payout_batch_mark_paid(actor=operator(), batch_id=batch.pk)
        assert codes(user) == []
        withdraw(user)
        assert_ledger_clean()

    def test_w9_final_payout_then_automatic_withdrawal(self) -> None:
        user = payee(800, bank_code=OTHER_BANK)
        assert codes(user) == [BlockerCode.REWARD_BALANCE]

        services.withdraw_when_clear_request(
            actor=user, password=PASSWORD, reason="fees", balance_choice="final_payout"
        )
        assert PayoutSettings.objects.get(user=user).final_payout
        assert services.withdraw_when_clear_run() == 0  # waits for the final payout

        batch = payouts.payout_batch_run(close_date=CLOSE)
        assert codes(user) == [BlockerCode.PAYOUT_IN_PROGRESS]
        assert services.withdraw_when_clear_run() == 0
        payouts.payout_batch_mark_paid(actor=operator(), batch_id=batch.pk)
        assert services.withdraw_when_clear_run() == 1

        user.refresh_from_db()
        assert user.is_withdrawn
        assert user.withdrawal.forfeited == 0
        assert_ledger_clean()

    def test_w9_final_payout_refused_when_the_balance_does_not_exceed_the_fee(self) -> None:
        user = payee(500, bank_code=OTHER_BANK)
        with pytest.raises(ApplicationError) as raised:
            services.withdraw_when_clear_request(
                actor=user, password=PASSWORD, reason="fees", balance_choice="final_payout"
            )
        assert raised.value.code == "balance_below_fee"

    def test_w6_batch_skips_a_withdrawn_account(self) -> None:
        user = payee(5000, bank_code=OTHER_BANK)
        withdraw(user, forfeit=True)
        batch = payouts.payout_batch_run(close_date=CLOSE)
        assert batch.payout_count == 0
        assert_ledger_clean()

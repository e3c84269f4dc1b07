"""B4: the five-step cancellation, each step only by the side named and only in order;
step (2) returns the escrow to the client through the ledger."""

from functools import partial
from typing import Any

import pytest
from django.core.mail import EmailMessage

from tests.contracts import builders
from tests.contracts.support import balance, escrow_balance
from tests.factories import UserFactory
from tests.support import assert_ledger_clean, assert_refused
from ukeoi.contracts import selectors, services
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Cancellation, Contract
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.core.models import AuditEvent
from ukeoi.jobs.enums import PaymentStatus
from ukeoi.ledger.enums import AccountKind

pytestmark = pytest.mark.django_db


def open_cancellation(contract: Contract) -> Cancellation:
    contract.refresh_from_db()
    assert contract.open_cancellation is not None
    return contract.open_cancellation


class TestFiveSteps:
    def test_the_five_steps_with_escrow_refund_the_client(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """B4 (1)–(5), B6: escrow 10,000 and its client fee 550 go to the client's refunds."""
        contract = builders.contract_in_progress(amount=10_000, escrowed=True)
        milestone = builders.first_milestone(contract)
        client, lancer = contract.client, contract.lancer

        with django_capture_on_commit_callbacks(execute=True):
            services.cancellation_propose(actor=client, contract_id=contract.pk, reason="予算変更")
        cancellation = open_cancellation(contract)
        assert contract.status == ContractStatus.CANCELLING
        assert (cancellation.step, cancellation.next_actor) == (CancellationStep.PROPOSED, lancer)
        assert cancellation.auto_step_at == cancellation.step_due_at
        assert contract.auto_step_at == cancellation.step_due_at

        services.cancellation_agree(actor=lancer, contract_id=contract.pk)
        cancellation.refresh_from_db()
        assert (cancellation.step, cancellation.next_actor) == (CancellationStep.AGREED, lancer)

        services.cancellation_escrow_cancel(actor=lancer, contract_id=contract.pk)
        cancellation.refresh_from_db()
        milestone.refresh_from_db()
        assert (cancellation.step, cancellation.next_actor) == (
            CancellationStep.ESCROW_CANCELLED,
            client,
        )
        assert milestone.status == MilestoneStatus.ESCROW_CANCELLED
        assert escrow_balance(milestone) == 0
        assert balance(AccountKind.REFUNDS, owner=client) == 10_550
        assert balance(AccountKind.FEE_REVENUE_CLIENT) == 0

        services.cancellation_plan_delete(actor=client, contract_id=contract.pk)
        cancellation.refresh_from_db()
        assert (cancellation.step, cancellation.next_actor) == (
            CancellationStep.PLAN_DELETED,
            lancer,
        )

        with django_capture_on_commit_callbacks(execute=True):
            services.cancellation_deletion_approve(actor=lancer, contract_id=contract.pk)
        cancellation.refresh_from_db()
        contract.refresh_from_db()
        assert cancellation.step == CancellationStep.DONE
        assert cancellation.next_actor is None
        assert cancellation.finished_at is not None
        assert contract.status == ContractStatus.CANCELLED
        assert contract.open_cancellation is None
        assert contract.cancelled_at is not None
        assert list(selectors.contracts_in_progress_list(user_id=client.pk)) == []
        assert list(selectors.unfinished_payments_list(user_id=lancer.pk)) == []
        steps = [
            e.action
            for e in AuditEvent.objects.filter(subject_type="contracts.cancellation").order_by("pk")
        ]
        assert steps == [
            "cancellation.proposed",
            "cancellation.agree",
            "cancellation.escrow_cancel",
            "cancellation.plan_delete",
            "cancellation.deletion_approve",
        ]
        assert {m.to[0] for m in mailoutbox} == {client.email, lancer.email}
        assert_ledger_clean()

    def test_without_escrow_step_two_is_recorded_as_done_and_the_client_is_next(self) -> None:
        """B4: nothing to return, so (2) is skipped-as-done; the pending payment is cancelled
        and the unfunded milestone deleted at (3)."""
        contract = builders.contract_in_progress(escrowed=False)
        milestone = builders.first_milestone(contract)
        services.milestone_escrow(actor=contract.client, milestone_id=milestone.pk)

        services.cancellation_propose(
            actor=contract.lancer, contract_id=contract.pk, reason="体調不良"
        )
        services.cancellation_agree(actor=contract.client, contract_id=contract.pk)

        cancellation = open_cancellation(contract)
        milestone.refresh_from_db()
        assert (cancellation.step, cancellation.next_actor) == (
            CancellationStep.ESCROW_CANCELLED,
            contract.client,
        )
        assert milestone.payment is not None
        assert milestone.payment.status == PaymentStatus.CANCELLED
        assert AuditEvent.objects.filter(action="cancellation.escrow_cancel_skipped").count() == 1
        services.cancellation_plan_delete(actor=contract.client, contract_id=contract.pk)
        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.DELETED
        services.cancellation_deletion_approve(actor=contract.lancer, contract_id=contract.pk)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.CANCELLED
        assert_ledger_clean()

    def test_an_agreeing_contract_can_be_cancelled(self) -> None:
        contract = builders.contract_mid_cancellation(step="done", escrowed=False)
        assert contract.status == ContractStatus.CANCELLED

    def test_accepted_milestones_stay_paid_and_only_the_escrowed_one_is_refunded(self) -> None:
        """Bad input: escrow cancel never touches an accepted milestone."""
        contract = builders.contract_agreeing()
        services.milestones_propose(
            actor=contract.client,
            contract_id=contract.pk,
            milestones=[MilestoneDraft("前半", 10_000), MilestoneDraft("後半", 20_000)],
        )
        services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        first, second = contract.milestones.filter(status=MilestoneStatus.AWAITING_ESCROW)
        builders.escrow(first)
        builders.escrow(second)
        services.milestone_deliver(actor=contract.lancer, milestone_id=first.pk, body="前半")
        services.milestone_accept(actor=contract.client, milestone_id=first.pk)

        builders_steps = ["agree", "escrow_cancel"]
        services.cancellation_propose(actor=contract.client, contract_id=contract.pk, reason="中止")
        for _step in builders_steps:
            getattr(services, f"cancellation_{_step}")(
                actor=contract.lancer, contract_id=contract.pk
            )

        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == MilestoneStatus.ACCEPTED
        assert second.status == MilestoneStatus.ESCROW_CANCELLED
        assert balance(AccountKind.REWARD, owner=contract.lancer) == 8_350
        assert balance(AccountKind.REFUNDS, owner=contract.client) == 21_100
        assert_ledger_clean()


class TestRefusedSteps:
    def test_each_step_by_the_wrong_side_is_refused(self) -> None:
        """B4: (1) by the proposer, (2) by the client, (3) by the lancer, (4) by the client."""
        contract = builders.contract_mid_cancellation(step="proposed", proposed_by="client")
        assert_refused(
            lambda: services.cancellation_agree(actor=contract.client, contract_id=contract.pk),
            code="not_your_step",
            status=403,
        )
        assert_refused(
            lambda: services.cancellation_decline(actor=contract.client, contract_id=contract.pk),
            code="not_your_step",
            status=403,
        )
        contract = builders.contract_mid_cancellation(step="agreed")
        assert_refused(
            lambda: services.cancellation_escrow_cancel(
                actor=contract.client, contract_id=contract.pk
            ),
            code="not_your_step",
            status=403,
        )
        contract = builders.contract_mid_cancellation(step="escrow_cancelled")
        assert_refused(
            lambda: services.cancellation_plan_delete(
                actor=contract.lancer, contract_id=contract.pk
            ),
            code="not_your_step",
            status=403,
        )
        contract = builders.contract_mid_cancellation(step="plan_deleted")
        assert_refused(
            lambda: services.cancellation_deletion_approve(
                actor=contract.client, contract_id=contract.pk
            ),
            code="not_your_step",
            status=403,
        )
        # A2: to a stranger the contract does not exist (404), not "not your step".
        stranger = UserFactory.create()
        assert_refused(
            lambda: services.cancellation_deletion_approve(actor=stranger, contract_id=contract.pk),
            code="not_found",
            status=404,
        )

    def test_steps_out_of_order_are_refused(self) -> None:
        contract = builders.contract_mid_cancellation(step="proposed", proposed_by="client")
        for action in ("escrow_cancel", "plan_delete", "deletion_approve"):
            assert_refused(
                partial(
                    getattr(services, f"cancellation_{action}"),
                    actor=contract.lancer,
                    contract_id=contract.pk,
                ),
                code="wrong_step",
                status=409,
            )
        contract = builders.contract_mid_cancellation(step="agreed")
        assert_refused(
            lambda: services.cancellation_deletion_approve(
                actor=contract.lancer, contract_id=contract.pk
            ),
            code="wrong_step",
            status=409,
        )
        assert_refused(
            lambda: services.cancellation_agree(actor=contract.lancer, contract_id=contract.pk),
            code="wrong_step",
            status=409,
        )

    def test_a_step_without_a_cancellation_and_a_second_proposal_are_refused(self) -> None:
        contract = builders.contract_in_progress()
        assert_refused(
            lambda: services.cancellation_agree(actor=contract.lancer, contract_id=contract.pk),
            code="no_cancellation",
            status=409,
        )
        services.cancellation_propose(actor=contract.client, contract_id=contract.pk, reason="中止")
        assert_refused(
            lambda: services.cancellation_propose(
                actor=contract.lancer, contract_id=contract.pk, reason="中止"
            ),
            code="cancellation_under_way",
            status=409,
        )

    def test_a_cancellation_needs_a_reason_and_an_open_contract(self) -> None:
        contract = builders.contract_in_progress()
        assert_refused(
            lambda: services.cancellation_propose(
                actor=contract.client, contract_id=contract.pk, reason="  "
            ),
            code="invalid",
            status=400,
        )
        done = builders.contract_completed()
        assert_refused(
            lambda: services.cancellation_propose(
                actor=done.client, contract_id=done.pk, reason="x"
            ),
            code="contract_closed",
            status=409,
        )

    def test_milestone_work_is_refused_while_a_cancellation_is_under_way(self) -> None:
        contract = builders.contract_mid_cancellation(step="proposed")
        milestone = builders.first_milestone(contract)
        assert_refused(
            lambda: services.milestone_deliver(
                actor=contract.lancer, milestone_id=milestone.pk, body="納品"
            ),
            code="cancellation_under_way",
            status=409,
        )


class TestDecline:
    def test_decline_ends_the_attempt_and_the_contract_goes_on(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        contract = builders.contract_mid_cancellation(step="proposed", proposed_by="lancer")
        with django_capture_on_commit_callbacks(execute=True):
            services.cancellation_decline(actor=contract.client, contract_id=contract.pk)
        contract.refresh_from_db()
        cancellation = contract.cancellations.get()
        assert cancellation.step == CancellationStep.DECLINED
        assert cancellation.finished_at is not None
        assert contract.status == ContractStatus.IN_PROGRESS
        assert contract.open_cancellation is None
        # A new attempt may start.
        services.cancellation_propose(
            actor=contract.lancer, contract_id=contract.pk, reason="再提案"
        )
        contract.refresh_from_db()
        assert contract.status == ContractStatus.CANCELLING
        assert_ledger_clean()

    def test_steps_view_shows_who_acts_and_the_button_only_for_them(self) -> None:
        contract = builders.contract_mid_cancellation(step="agreed")
        cancellation = open_cancellation(contract)
        as_lancer = selectors.cancellation_steps(
            cancellation=cancellation, viewer_id=contract.lancer_id
        )
        as_client = selectors.cancellation_steps(
            cancellation=cancellation, viewer_id=contract.client_id
        )
        assert [s.done for s in as_lancer] == [True, False, False, False, False]
        assert [s.current for s in as_lancer] == [False, True, False, False, False]
        assert as_lancer[1].viewer_action == "escrow_cancel"
        assert all(s.viewer_action is None for s in as_client)
        assert as_client[1].actor_id == contract.lancer_id

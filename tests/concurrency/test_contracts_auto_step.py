"""B7 under real concurrency (PostgreSQL row locks): two runs of the periodic task at the
same moment, or a run racing the side who acts at the last minute, have one effect."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.db import connection

from tests.contracts import builders
from tests.factories import UserFactory
from ukeoi.contracts import services
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Cancellation
from ukeoi.contracts.reconcile import documents_reconcile
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.core.models import AuditEvent
from ukeoi.documents.models import Document
from ukeoi.jobs import services as jobs
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerTransaction
from ukeoi.ledger.selectors import ledger_check_get

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def run_together(*works: Callable[[], Any]) -> list[Any]:
    """Start every work at once, each in its own thread and connection; each result is a
    value or the exception raised."""
    results: list[Any] = [None] * len(works)
    barrier = threading.Barrier(len(works))

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = works[index]()
        except Exception as error:  # reported to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return results


def test_two_runs_at_once_take_an_overdue_step_once(mailoutbox: list[EmailMessage]) -> None:
    """B7: the lancer left (2) undone for 7 days; both runs see it due, one takes it."""
    contract = builders.contract_mid_cancellation(step="agreed", amount=10_000)
    cancellation = contract.open_cancellation
    assert cancellation is not None
    assert cancellation.step_due_at is not None
    now = cancellation.step_due_at + timedelta(minutes=1)
    sent_before = len(mailoutbox)

    results = run_together(
        lambda: services.contracts_auto_step(now=now),
        lambda: services.contracts_auto_step(now=now),
    )

    assert sorted(r.stepped for r in results) == [0, 1]
    cancellation.refresh_from_db()
    assert cancellation.step == CancellationStep.ESCROW_CANCELLED
    assert AuditEvent.objects.filter(action="cancellation.auto.escrow_cancel").count() == 1
    assert LedgerTransaction.objects.filter(kind="milestone.escrow_cancel").count() == 1
    assert len(mailoutbox) - sent_before == 2
    assert ledger_check_get().ok


def test_two_runs_at_once_cancel_an_inactive_contract_once() -> None:
    """B7: a year without activity; the refund is posted once."""
    contract = builders.contract_in_progress(amount=10_000, escrowed=True)
    now = contract.last_activity_at + timedelta(days=366)

    results = run_together(
        lambda: services.contracts_auto_step(now=now),
        lambda: services.contracts_auto_step(now=now),
    )

    assert sorted(r.cancelled for r in results) == [0, 1]
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CANCELLED
    assert AuditEvent.objects.filter(action="contract.cancelled_inactive").count() == 1
    assert LedgerTransaction.objects.filter(kind="milestone.escrow_cancel").count() == 1
    assert ledger_check_get().ok


def test_the_side_acting_at_the_last_minute_races_the_run_with_one_effect() -> None:
    """B4, B7: the lancer agrees as the run takes the overdue agreement: one of them wins,
    the other is refused or finds nothing to do."""
    contract = builders.contract_mid_cancellation(step="proposed", proposed_by="client")
    cancellation = contract.open_cancellation
    assert cancellation is not None
    assert cancellation.step_due_at is not None
    now = cancellation.step_due_at + timedelta(seconds=1)

    # One clock for both threads (time-machine moves it for the whole process).
    with time_machine.travel(now, tick=False):
        results = run_together(
            services.contracts_auto_step,
            lambda: services.cancellation_agree(actor=contract.lancer, contract_id=contract.pk),
        )

    cancellation.refresh_from_db()
    assert cancellation.step == CancellationStep.AGREED
    agreements = AuditEvent.objects.filter(
        action__in=["cancellation.agree", "cancellation.auto.agree"]
    ).count()
    assert agreements == 1
    assert isinstance(results[0], services.AutoStepReport)
    assert ledger_check_get().ok


@pytest.mark.parametrize("lancer_first", [True, False])
def test_escrow_confirmation_racing_the_escrow_cancel_strands_no_money(
    lancer_first: bool,
) -> None:
    """B4 (2), M1: an operator confirms milestone B's transfer while the lancer cancels the
    escrow. Whichever wins, no money stays in escrow and nothing deadlocks (both lock the
    client's row first, in either pk order of the two sides)."""
    first, second = UserFactory.create(), UserFactory.create()
    lancer, client = (first, second) if lancer_first else (second, first)
    contract = builders.contract_agreeing(client=client, lancer=lancer)
    services.milestones_propose(
        actor=client,
        contract_id=contract.pk,
        milestones=[MilestoneDraft("A", 10_000), MilestoneDraft("B", 20_000)],
    )
    services.milestones_agree(actor=lancer, contract_id=contract.pk)
    a, b = contract.milestones.filter(status=MilestoneStatus.AWAITING_ESCROW).order_by("pk")
    builders.escrow(a)
    b = services.milestone_escrow(actor=client, milestone_id=b.pk)
    services.cancellation_propose(actor=client, contract_id=contract.pk, reason="中止")
    services.cancellation_agree(actor=lancer, contract_id=contract.pk)
    operator = builders.operator()
    assert b.payment_id is not None
    payment_id = b.payment_id

    results = run_together(
        lambda: jobs.client_payment_confirm(actor=operator, payment_id=payment_id),
        lambda: services.cancellation_escrow_cancel(actor=lancer, contract_id=contract.pk),
    )

    assert isinstance(results[1], Cancellation), results
    assert not isinstance(results[0], Exception) or getattr(results[0], "code", "") == (
        "payment_cancelled"
    ), results
    escrows = LedgerAccount.objects.filter(
        kind=AccountKind.ESCROW, subject_type="contracts.milestone"
    )
    assert sum(escrows.values_list("balance", flat=True)) == 0
    refunded = 10_550 + (21_100 if not isinstance(results[0], Exception) else 0)
    assert LedgerAccount.objects.get(kind=AccountKind.REFUNDS, owner=client).balance == refunded
    assert ledger_check_get().ok


def test_two_runs_at_once_accept_a_delivery_past_its_inspection_period_once(
    mailoutbox: list[EmailMessage],
) -> None:
    """L2: both runs see the deadline passed; the escrow reaches the lancer once."""
    contract = builders.contract_in_progress(amount=10_000, delivered=True)
    milestone = builders.first_milestone(contract)
    assert milestone.inspection_due_at is not None
    now = milestone.inspection_due_at + timedelta(minutes=1)
    sent_before = len(mailoutbox)

    results = run_together(
        lambda: services.contracts_auto_step(now=now),
        lambda: services.contracts_auto_step(now=now),
    )

    assert sorted(r.accepted for r in results) == [0, 1]
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.ACCEPTED
    assert AuditEvent.objects.filter(action="milestone.accepted_automatically").count() == 1
    assert LedgerTransaction.objects.filter(kind="milestone.accept").count() == 1
    reward = LedgerAccount.objects.get(kind=AccountKind.REWARD, owner=contract.lancer)
    assert reward.balance == 8_350
    # Accepted automatically to both, the contract completed to both, and each side's one
    # mail of the documents the acceptance issued (T2), once.
    assert len(mailoutbox) - sent_before == 6
    assert (
        Document.objects.filter(
            subject_type="contracts.milestone", subject_id=str(milestone.pk)
        ).count()
        == 2
    )  # the lancer's fee invoice and the payment notice
    assert documents_reconcile() == []
    assert ledger_check_get().ok


def test_the_clients_acceptance_at_the_deadline_races_the_run_with_one_effect() -> None:
    """L2: the client accepts as the run accepts automatically: one acceptance is posted,
    the other is refused or finds nothing to do."""
    contract = builders.contract_in_progress(amount=10_000, delivered=True)
    milestone = builders.first_milestone(contract)
    assert milestone.inspection_due_at is not None

    with time_machine.travel(milestone.inspection_due_at + timedelta(seconds=1), tick=False):
        results = run_together(
            services.contracts_auto_step,
            lambda: services.milestone_accept(actor=contract.client, milestone_id=milestone.pk),
        )

    assert isinstance(results[0], services.AutoStepReport), results
    acceptances = AuditEvent.objects.filter(
        action__in=["milestone.accepted", "milestone.accepted_automatically"]
    ).count()
    assert acceptances == 1
    assert LedgerTransaction.objects.filter(kind="milestone.accept").count() == 1
    assert ledger_check_get().ok

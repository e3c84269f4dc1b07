"""B7: nothing strands. Overdue cancellation steps are taken automatically (reminder a day
before), and a contract quiet for a year is cancelled with its escrow refunded (warning a
month before). The clock is moved with time-machine; every run is idempotent."""

from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.core.management import call_command

from tests.contracts import builders
from tests.contracts.support import balance, escrow_balance
from tests.support import assert_ledger_clean
from ukeoi.contracts import services
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Contract
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.contracts.services import AutoStepReport, contracts_auto_step
from ukeoi.core import clock
from ukeoi.core.models import AuditEvent
from ukeoi.ledger.enums import AccountKind

pytestmark = pytest.mark.django_db


def run_at(moment: datetime, capture: Any) -> AutoStepReport:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return contracts_auto_step()


class TestCancellationSteps:
    def test_reminder_a_day_before_once_then_the_step_is_taken_automatically(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """B7: the lancer leaves (1) undone; a day before the 7 days both get a reminder,
        once; after 7 days the agreement is taken for them, with mail to both."""
        contract = builders.contract_mid_cancellation(step="proposed", proposed_by="client")
        cancellation = contract.open_cancellation
        assert cancellation is not None
        assert cancellation.step_due_at is not None
        due = cancellation.step_due_at

        assert run_at(due - timedelta(days=2), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        assert mailoutbox == []

        report = run_at(due - timedelta(hours=20), django_capture_on_commit_callbacks)
        assert report.reminded == 1
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [contract.client.email, contract.lancer.email]
        )
        assert run_at(due - timedelta(hours=10), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        assert len(mailoutbox) == 2

        report = run_at(due + timedelta(minutes=1), django_capture_on_commit_callbacks)
        assert report.stepped == 1
        cancellation.refresh_from_db()
        assert cancellation.step == CancellationStep.AGREED
        assert cancellation.next_actor_id == contract.lancer_id
        assert cancellation.step_due_at == due + timedelta(minutes=1) + timedelta(days=7)
        assert len(mailoutbox) == 4
        event = AuditEvent.objects.get(action="cancellation.auto.agree")
        assert event.actor is None

        assert run_at(due + timedelta(minutes=2), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        assert len(mailoutbox) == 4

    def test_a_cancellation_nobody_touches_finishes_on_its_own_with_the_escrow_refunded(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        """B4, B7: four automatic steps, 7 days apart, end with the contract cancelled."""
        contract = builders.contract_mid_cancellation(step="proposed", amount=10_000)
        milestone = builders.first_milestone(contract)
        moment = clock.now()
        for expected in (
            CancellationStep.AGREED,
            CancellationStep.ESCROW_CANCELLED,
            CancellationStep.PLAN_DELETED,
            CancellationStep.DONE,
        ):
            moment += timedelta(days=7, minutes=1)
            assert run_at(moment, django_capture_on_commit_callbacks).stepped == 1
            assert contract.cancellations.get().step == expected
        contract.refresh_from_db()
        milestone.refresh_from_db()
        assert contract.status == ContractStatus.CANCELLED
        assert milestone.status == MilestoneStatus.ESCROW_CANCELLED
        assert escrow_balance(milestone) == 0
        assert balance(AccountKind.REFUNDS, owner=contract.client) == 10_550
        assert contract.auto_step_at is None
        assert_ledger_clean()

    def test_the_management_command_does_the_same(self) -> None:
        contract = builders.contract_mid_cancellation(step="proposed")
        out = StringIO()
        with time_machine.travel(clock.now() + timedelta(days=8), tick=False):
            call_command("contracts_auto_step", stdout=out)
            call_command("contracts_auto_step", stdout=out)
        assert "stepped 1" in out.getvalue()
        assert "stepped 0" in out.getvalue()
        assert contract.cancellations.get().step == CancellationStep.AGREED


class TestInactivity:
    def test_warning_at_335_days_once_then_cancelled_at_365_with_escrow_refunded(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """B7: a year without activity cancels the contract; a month before, a warning. The
        escrow of work never delivered goes back to the client (L3: delivered work would
        have been accepted, tests/contracts/test_inspection.py)."""
        contract = builders.contract_in_progress(amount=10_000, escrowed=True)
        milestone = builders.first_milestone(contract)
        start = contract.last_activity_at

        assert run_at(start + timedelta(days=334), django_capture_on_commit_callbacks).warned == 0
        report = run_at(start + timedelta(days=335, hours=1), django_capture_on_commit_callbacks)
        assert report.warned == 1
        assert len(mailoutbox) == 2
        assert run_at(start + timedelta(days=336), django_capture_on_commit_callbacks).warned == 0
        assert len(mailoutbox) == 2
        contract.refresh_from_db()
        assert contract.auto_step_at == start + timedelta(days=365)

        report = run_at(start + timedelta(days=365, hours=1), django_capture_on_commit_callbacks)
        assert report.cancelled == 1
        contract.refresh_from_db()
        milestone.refresh_from_db()
        assert contract.status == ContractStatus.CANCELLED
        assert milestone.status == MilestoneStatus.ESCROW_CANCELLED
        assert balance(AccountKind.REFUNDS, owner=contract.client) == 10_550
        assert len(mailoutbox) == 4
        assert run_at(start + timedelta(days=400), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        assert_ledger_clean()

    def test_activity_after_the_warning_restarts_the_clock(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        contract = builders.contract_in_progress(escrowed=True)
        start = contract.last_activity_at
        run_at(start + timedelta(days=340), django_capture_on_commit_callbacks)
        with time_machine.travel(start + timedelta(days=350), tick=False):
            services.milestones_propose(
                actor=contract.client,
                contract_id=contract.pk,
                milestones=[MilestoneDraft(title="追加のバナー", amount=5_000)],
            )
        assert run_at(start + timedelta(days=366), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        report = run_at(start + timedelta(days=350 + 336), django_capture_on_commit_callbacks)
        assert report.warned == 1
        contract.refresh_from_db()
        assert contract.status == ContractStatus.AGREEING

    def test_an_agreeing_contract_without_escrow_is_cancelled_too(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        contract = builders.contract_agreeing()
        run_at(contract.last_activity_at + timedelta(days=366), django_capture_on_commit_callbacks)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.CANCELLED
        assert builders.first_milestone(contract) is None
        assert Contract.objects.filter(status=ContractStatus.CANCELLED).count() == 1
        assert_ledger_clean()

"""L2, L3: the inspection period (検収期間). A delivered milestone shows its deadline and
payment date, both sides get notice 3 days before, and at the deadline it is accepted
automatically through the same acceptance as the client's (same posting, same key). No
automatic step takes a delivered milestone's money from the lancer: B7's inactivity
cancellation and B4's automatic step (2) accept delivered work first. The clock is moved
with time-machine; every run is idempotent."""

from datetime import date, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from tests.contracts import builders
from tests.contracts.support import balance, escrow_balance
from tests.support import assert_ledger_clean
from ukeoi.contracts import rules, services
from ukeoi.contracts.checks import inspection_period_check
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.contracts.services import AutoStepReport, contracts_auto_step
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerTransaction

pytestmark = pytest.mark.django_db

AMOUNT = 10_000
LANCER_NET = 8_350  # 10,000 - 16.5 % (B6)
CLIENT_REFUND = 10_550  # escrow + the client fee (B6)


def run_at(moment: datetime, capture: Any) -> AutoStepReport:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return contracts_auto_step()


def delivered(**extra: Any) -> tuple[Contract, Milestone]:
    contract = builders.contract_in_progress(amount=AMOUNT, delivered=True, **extra)
    milestone = builders.first_milestone(contract)
    return contract, milestone


def reward(contract: Contract) -> int:
    return balance(AccountKind.REWARD, owner=contract.lancer)


class TestTheDeadline:
    def test_a_delivery_is_due_for_inspection_fourteen_days_later(self) -> None:
        """L2: the default inspection period is 14 days, as Lancers."""
        _contract, milestone = delivered()

        assert milestone.delivered_at is not None
        assert milestone.inspection_due_at == milestone.delivered_at + timedelta(days=14)

    def test_the_operators_period_applies_to_new_deliveries_only(self, settings: Any) -> None:
        _contract, before = delivered()
        settings.INSPECTION_DAYS = 7
        _contract, after = delivered()

        before.refresh_from_db()
        assert before.inspection_due_at == before.delivered_at + timedelta(days=14)  # type: ignore[operator]
        assert after.inspection_due_at == after.delivered_at + timedelta(days=7)  # type: ignore[operator]

    def test_the_contract_page_shows_the_deadline_and_the_payment_date(
        self, client: Client
    ) -> None:
        """L2: both sides see, for the delivered milestone, when it is accepted at the latest
        and when it is then paid (M3)."""
        contract, milestone = delivered()
        assert milestone.inspection_due_at is not None
        due = timezone.localtime(milestone.inspection_due_at)
        with translation.override("en"):
            shown_due = date_format(due, "SHORT_DATETIME_FORMAT")
            shown_pay_day = date_format(rules.payment_date(due.date()), "SHORT_DATE_FORMAT")

        for side in (contract.client, contract.lancer):
            client.force_login(side)
            page = client.get(contract.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
            html = page.content.decode()
            block = html[html.index(f'id="inspection-{milestone.pk}"') :][:600]
            assert page.status_code == 200
            assert "Inspection deadline" in block
            assert shown_due in block
            assert shown_pay_day in block

    def test_the_api_gives_the_deadline_and_the_payment_date(self, client: Client) -> None:
        contract, milestone = delivered()
        client.force_login(contract.lancer)

        answer = client.get(f"/api/contracts/{contract.pk}").json()

        (row,) = answer["milestones"]
        assert row["inspection_due_at"] is not None
        assert milestone.inspection_due_at is not None
        shown = datetime.fromisoformat(row["inspection_due_at"])
        assert abs(shown - milestone.inspection_due_at) < timedelta(milliseconds=1)
        due_day = timezone.localdate(milestone.inspection_due_at)
        assert row["payment_date"] == rules.payment_date(due_day).isoformat()
        assert row["accepted_automatically"] is False


class TestAutomaticAcceptance:
    def test_notice_three_days_before_once_then_accepted_at_the_deadline(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """L2: notice to both 3 days before, once; at the deadline the milestone is
        accepted, its escrow reaches the lancer through the same posting as a client's
        acceptance, and both are told."""
        contract, milestone = delivered()
        due = milestone.inspection_due_at
        assert due is not None
        mailoutbox.clear()

        assert run_at(due - timedelta(days=3, minutes=1), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        report = run_at(due - timedelta(days=2, hours=23), django_capture_on_commit_callbacks)
        assert report.inspection_reminded == 1
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [contract.client.email, contract.lancer.email]
        )
        assert run_at(due - timedelta(days=1), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        assert len(mailoutbox) == 2

        report = run_at(due + timedelta(minutes=5), django_capture_on_commit_callbacks)

        assert report.accepted == 1
        milestone.refresh_from_db()
        contract.refresh_from_db()
        assert milestone.status == MilestoneStatus.ACCEPTED
        assert milestone.accepted_automatically
        assert milestone.inspection_due_at is None
        assert contract.status == ContractStatus.COMPLETED
        assert escrow_balance(milestone) == 0
        assert reward(contract) == LANCER_NET
        posting = LedgerTransaction.objects.get(key=f"milestone:{milestone.pk}:accept")
        assert posting.kind == "milestone.accept"
        with translation.override("ja"):  # the recipients' language
            subject = gettext("[ukeoi] Accepted automatically: “%(title)s”") % {
                "title": milestone.title
            }
        assert [m.subject for m in mailoutbox[2:]].count(subject) == 2
        assert run_at(due + timedelta(days=1), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        assert_ledger_clean()

    def test_the_clients_decision_before_the_deadline_wins(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        contract, milestone = delivered()
        due = milestone.inspection_due_at
        assert due is not None
        services.milestone_accept(actor=contract.client, milestone_id=milestone.pk)

        assert run_at(due + timedelta(hours=1), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )
        milestone.refresh_from_db()
        assert not milestone.accepted_automatically
        assert reward(contract) == LANCER_NET
        assert_ledger_clean()

    def test_changes_requested_stop_the_clock_and_the_next_delivery_restarts_it(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        """L2: sending the work back restarts the period on the next delivery."""
        contract, milestone = delivered()
        first_due = milestone.inspection_due_at
        assert first_due is not None
        services.milestone_request_changes(
            actor=contract.client, milestone_id=milestone.pk, comment="色を変えてください"
        )
        milestone.refresh_from_db()
        assert milestone.inspection_due_at is None
        assert run_at(first_due + timedelta(hours=1), django_capture_on_commit_callbacks) == (
            AutoStepReport()
        )

        redelivered_at = first_due + timedelta(days=2)
        with time_machine.travel(redelivered_at, tick=False):
            services.milestone_deliver(
                actor=contract.lancer, milestone_id=milestone.pk, body="再納品"
            )
        milestone.refresh_from_db()
        assert milestone.inspection_due_at == redelivered_at + timedelta(days=14)
        assert milestone.status == MilestoneStatus.DELIVERED

    def test_the_management_command_accepts_too_and_twice_is_once(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        contract, milestone = delivered()
        assert milestone.inspection_due_at is not None
        out = StringIO()
        moment = milestone.inspection_due_at + timedelta(minutes=1)
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("contracts_auto_step", stdout=out)
            call_command("contracts_auto_step", stdout=out)
        assert "accepted 1" in out.getvalue()
        assert "accepted 0" in out.getvalue()
        assert LedgerTransaction.objects.filter(kind="milestone.accept").count() == 1
        assert reward(contract) == LANCER_NET
        assert_ledger_clean()

    def test_a_delivery_left_by_an_older_version_gets_its_deadline(self) -> None:
        """L2: the migration gives a delivery made before the period existed its deadline."""
        _contract, milestone = delivered()
        Milestone.objects.filter(pk=milestone.pk).update(inspection_due_at=None)
        migration = __import__("ukeoi.contracts.migrations.0003_inspection_period", fromlist=["x"])

        migration.deadlines_for_deliveries_waiting(apps, None)

        milestone.refresh_from_db()
        assert milestone.inspection_due_at == milestone.delivered_at + timedelta(days=14)  # type: ignore[operator]


class TestNothingTakenFromTheLancer:
    def test_inactivity_accepts_delivered_work_instead_of_refunding_it(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        """L3: before, B7's cancellation after a year refunded a delivered milestone to the
        client (10,550 yen) and the lancer got nothing for work handed over. A delivery
        with no deadline (left by an older version, or a period the operator made long)
        reaching the year must be accepted: the lancer gets the reward, the client no
        refund, and the contract is completed, not cancelled."""
        contract, milestone = delivered()
        Milestone.objects.filter(pk=milestone.pk).update(inspection_due_at=None)

        report = run_at(
            contract.last_activity_at + timedelta(days=365, hours=1),
            django_capture_on_commit_callbacks,
        )

        contract.refresh_from_db()
        milestone.refresh_from_db()
        assert report.cancelled == 1
        assert milestone.status == MilestoneStatus.ACCEPTED
        assert milestone.accepted_automatically
        assert reward(contract) == LANCER_NET
        assert balance(AccountKind.REFUNDS, owner=contract.client) == 0
        assert contract.status == ContractStatus.COMPLETED
        assert_ledger_clean()

    def test_inactivity_refunds_only_the_escrow_of_work_not_delivered(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        contract, milestone = delivered()
        Milestone.objects.filter(pk=milestone.pk).update(inspection_due_at=None)
        services.milestones_propose(
            actor=contract.client,
            contract_id=contract.pk,
            milestones=[MilestoneDraft(title="第2弾", amount=AMOUNT)],
        )
        services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        second = contract.milestones.get(title="第2弾")
        builders.escrow(second)
        contract.refresh_from_db()

        run_at(
            contract.last_activity_at + timedelta(days=365, hours=1),
            django_capture_on_commit_callbacks,
        )

        contract.refresh_from_db()
        milestone.refresh_from_db()
        second.refresh_from_db()
        assert milestone.status == MilestoneStatus.ACCEPTED
        assert second.status == MilestoneStatus.ESCROW_CANCELLED
        assert reward(contract) == LANCER_NET
        assert balance(AccountKind.REFUNDS, owner=contract.client) == CLIENT_REFUND
        assert contract.status == ContractStatus.CANCELLED
        assert_ledger_clean()

    def test_the_automatic_escrow_step_of_a_cancellation_accepts_delivered_work(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        """L3 with B4: both agreed to cancel, the lancer leaves step (2) undone for 7 days;
        the automatic step accepts the delivered milestone instead of refunding it."""
        contract, milestone = delivered()
        services.cancellation_propose(
            actor=contract.client, contract_id=contract.pk, reason="方針変更"
        )
        services.cancellation_agree(actor=contract.lancer, contract_id=contract.pk)
        cancellation = contract.cancellations.get()
        assert cancellation.step == CancellationStep.AGREED
        assert cancellation.step_due_at is not None

        run_at(cancellation.step_due_at + timedelta(minutes=1), django_capture_on_commit_callbacks)

        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.ACCEPTED
        assert reward(contract) == LANCER_NET
        assert balance(AccountKind.REFUNDS, owner=contract.client) == 0
        assert contract.cancellations.get().step == CancellationStep.ESCROW_CANCELLED
        assert_ledger_clean()

    def test_no_agreed_amount_changes_without_the_lancer(self) -> None:
        """L3: the client may only propose milestones; agreed ones keep their amount, and a
        proposal is not in the plan until the lancer agrees to it."""
        contract = builders.contract_in_progress(amount=AMOUNT, escrowed=False)
        agreed = builders.first_milestone(contract)

        services.milestones_propose(
            actor=contract.client,
            contract_id=contract.pk,
            milestones=[MilestoneDraft(title="値下げ案", amount=1)],
        )

        agreed.refresh_from_db()
        proposal = contract.milestones.get(title="値下げ案")
        assert agreed.amount == AMOUNT
        assert agreed.status == MilestoneStatus.AWAITING_ESCROW
        assert proposal.status == MilestoneStatus.PROPOSED
        assert proposal.client_fee == proposal.lancer_fee == 0


class TestSixtyDays:
    def test_every_delivery_day_of_2026_to_2030_is_paid_within_60_days(self) -> None:
        """L2 (§4): with the default period, the latest payment date of a delivery on any
        day from 2026-01-01 to 2030-12-31 is at most 60 days after it, weekends, national
        holidays and the year-end closure (M3) included."""
        day, worst = date(2026, 1, 1), 0
        while day <= date(2030, 12, 31):
            latest = rules.latest_payment_date(day, inspection_days=14)
            assert latest >= day + timedelta(days=15)
            worst = max(worst, (latest - day).days)
            day += timedelta(days=1)

        assert worst <= rules.PAYMENT_WITHIN_DAYS

    def test_the_latest_payment_date_is_the_payout_of_the_close_after_the_deadline(
        self,
    ) -> None:
        # Delivered 2026-03-01: due 03-15, taken by the 16th at the latest: close 03-31,
        # paid 2026-04-15 (a Wednesday).
        assert rules.latest_payment_date(date(2026, 3, 1), inspection_days=14) == date(2026, 4, 15)

    def test_a_period_that_could_pay_later_than_60_days_is_refused(self, settings: Any) -> None:
        """L2: the operator settings refuse a combination that could break the 60 days."""
        assert rules.inspection_days_problem(28, years=range(2026, 2031)) is None
        assert rules.inspection_days_problem(30, years=range(2026, 2031)) is not None
        assert inspection_period_check() == []

        settings.INSPECTION_DAYS = 40
        (error,) = inspection_period_check()

        assert error.id == "ukeoi.E021"
        assert "INSPECTION_DAYS=40" in error.msg

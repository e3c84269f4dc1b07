"""B6, M1 (issue 21, "The bug (B6)"): the operator's fee settings apply to agreements made
after a change, never to work already agreed. Each of the three job formats — a project's
contract, a competition, a task — is charged the rates in force when it was made (stored on
it): the new rates on one made after the settings changed, the old rates on one made
before, whichever money moves after the change. Every test ends with a balanced ledger.

Old rates: the defaults, 55 ‰ to the client, 165 ‰ to the lancer. New: 30 ‰ and 100 ‰."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation

from tests.contracts import builders
from tests.contracts.support import balance
from tests.factories import UserFactory
from tests.support import assert_ledger_clean
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.contracts.display import FeeView, fee_view
from ukeoi.contracts.enums import MilestoneStatus
from ukeoi.contracts.models import Contract, Milestone
from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.core import clock, fees
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job
from ukeoi.ledger.enums import AccountKind

OLD = (55, 165)
NEW = (30, 100)


def change_rates(settings: Any) -> None:
    """The operator sets new fees in the environment (settings.py reads them)."""
    settings.CLIENT_FEE_PERMILLE, settings.LANCER_FEE_PERMILLE = NEW


def rates(agreement: Job | Contract) -> tuple[int, int]:
    agreement.refresh_from_db()
    return (agreement.client_fee_permille, agreement.lancer_fee_permille)


def fee_revenue() -> tuple[int, int]:
    return (
        balance(AccountKind.FEE_REVENUE_CLIENT),
        balance(AccountKind.FEE_REVENUE_LANCER),
    )


def reward(lancer: User) -> int:
    return balance(AccountKind.REWARD, owner=lancer)


# --- Project contracts ----------------------------------------------------------------------


def settle(milestone: Milestone) -> ClientPayment:
    """Escrow (requested and confirmed), delivery and acceptance of an agreed milestone."""
    milestone = builders.escrow(milestone)
    contract = milestone.contract
    contracts.milestone_deliver(actor=contract.lancer, milestone_id=milestone.pk, body="納品")
    contracts.milestone_accept(actor=contract.client, milestone_id=milestone.pk)
    assert milestone.payment is not None
    return milestone.payment


@pytest.mark.django_db
def test_project_contract_made_before_the_change_keeps_its_rates_and_a_new_one_takes_the_new(
    settings: Any,
) -> None:
    """Issue 21 (B6): a contract made before the operator's change is charged the old rates
    on every milestone, agreed and escrowed after the change or proposed after it; a contract
    made after the change — even on a job posted before it — is charged the new rates."""
    old = builders.contract_agreeing(amount=10_000)
    job_before = builders.project_proposal(amount=10_000)

    change_rates(settings)
    new = builders.contract_agreeing(amount=10_000)
    contracts.proposal_hire(actor=job_before.job.client, proposal_id=job_before.pk)
    hired_after = Contract.objects.get(proposal=job_before)

    assert rates(old) == OLD
    assert rates(new) == NEW
    assert rates(hired_after) == NEW  # the contract is the agreement, not the posting

    # The old contract: its first milestone agreed after the change, a second one proposed
    # after it (shown, then charged, at the old rates).
    contracts.milestones_agree(actor=old.lancer, contract_id=old.pk)
    [second] = contracts.milestones_propose(
        actor=old.client,
        contract_id=old.pk,
        milestones=[MilestoneDraft(title="第2回", amount=20_000)],
    )
    second = Milestone.objects.select_related("contract").get(pk=second.pk)
    assert fee_view(second) == FeeView(20_000, 1_100, 21_100, 3_300, 0, 16_700, True)
    contracts.milestones_agree(actor=old.lancer, contract_id=old.pk)
    first_payment = settle(builders.first_milestone(old))
    second_payment = settle(second)

    contracts.milestones_agree(actor=new.lancer, contract_id=new.pk)
    new_payment = settle(builders.first_milestone(new))
    contracts.milestones_agree(actor=hired_after.lancer, contract_id=hired_after.pk)
    hired_after_payment = settle(builders.first_milestone(hired_after))

    assert (first_payment.client_fee, first_payment.amount) == (550, 10_550)
    assert (second_payment.client_fee, second_payment.amount) == (1_100, 21_100)
    assert reward(old.lancer) == 8_350 + 16_700
    for payment, contract in ((new_payment, new), (hired_after_payment, hired_after)):
        assert (payment.client_fee, payment.amount) == (300, 10_300)
        assert reward(contract.lancer) == 9_000
    assert fee_revenue() == (550 + 1_100 + 300 + 300, 1_650 + 3_300 + 1_000 + 1_000)
    assert all(
        m.status == MilestoneStatus.ACCEPTED
        for m in Milestone.objects.filter(contract__in=[old, new, hired_after])
    )
    assert_ledger_clean()


@pytest.mark.django_db
def test_contract_page_prints_the_contracts_own_rates(settings: Any, client: Client) -> None:
    """Issue 21 (B6): the contract page states the rates its money is charged at: the old
    contract's after the change, the new contract's for a new one."""
    old = builders.contract_agreeing()
    change_rates(settings)
    new = builders.contract_agreeing()

    def page(contract: Contract) -> str:
        client.force_login(contract.client)
        with translation.override("en"):
            response = client.get(contract.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return response.content.decode()

    old_page, new_page = page(old), page(new)
    assert "5.5% of the amount for the client" in old_page
    assert "16.5% for the lancer" in old_page
    assert "3% of the amount for the client" in new_page
    assert "10% for the lancer" in new_page
    assert_ledger_clean()


# --- Competitions and tasks -----------------------------------------------------------------


def post(client: User, **job: Any) -> Job:
    return jobs.job_post(
        actor=client,
        title="ロゴコンペ",
        description="募集します。",
        category="design",
        deadline=clock.now() + timedelta(days=7),
        **job,
    )


def confirm(job: Job, operator: User) -> ClientPayment:
    payment = ClientPayment.objects.get(job=job)
    return jobs.client_payment_confirm(actor=operator, payment_id=payment.pk)


@pytest.mark.django_db
def test_competition_posted_before_the_change_keeps_its_rates_and_a_new_one_takes_the_new(
    settings: Any, client_user: User, operator: User
) -> None:
    """Issue 21 (B6): a competition is charged the rates of its posting — the client fee on
    its prize payment and the lancer fee on the prize — even when the payment is confirmed
    and the winner chosen after the operator's change."""
    old = post(client_user, format="competition", budget_min=30_000)

    change_rates(settings)
    new = post(client_user, format="competition", budget_min=30_000)
    old_payment, new_payment = confirm(old, operator), confirm(new, operator)
    old_winner, new_winner = UserFactory.create(), UserFactory.create()
    for competition, winner in ((old, old_winner), (new, new_winner)):
        entry = jobs.proposal_submit(actor=winner, job_id=competition.pk, message="応募します")
        contracts.proposal_hire(actor=client_user, proposal_id=entry.pk)

    assert (rates(old), rates(new)) == (OLD, NEW)
    assert (old_payment.client_fee, old_payment.amount) == (1_650, 31_650)
    assert (new_payment.client_fee, new_payment.amount) == (900, 30_900)
    assert reward(old_winner) == 30_000 - 4_950
    assert reward(new_winner) == 30_000 - 3_000
    assert fee_revenue() == (1_650 + 900, 4_950 + 3_000)
    assert_ledger_clean()


@pytest.mark.django_db
def test_task_posted_before_the_change_keeps_its_rates_and_a_new_one_takes_the_new(
    settings: Any, client_user: User, lancer: User, operator: User
) -> None:
    """Issue 21 (B6): a task is charged the rates of its posting — the client fee on its
    budget and the lancer fee on each unit's reward — for units approved after the change."""
    old = post(client_user, format="task", unit_reward=1_000, units=2)

    change_rates(settings)
    new = post(client_user, format="task", unit_reward=1_000, units=2)
    old_payment, new_payment = confirm(old, operator), confirm(new, operator)
    old_lancer = UserFactory.create()
    for task, worker in ((old, old_lancer), (new, lancer)):
        unit = jobs.task_submission_submit(actor=worker, job_id=task.pk, content="一件目です")
        jobs.task_submission_approve(actor=client_user, submission_id=unit.pk)

    assert (rates(old), rates(new)) == (OLD, NEW)
    assert (old_payment.client_fee, old_payment.amount) == (110, 2_110)
    assert (new_payment.client_fee, new_payment.amount) == (60, 2_060)
    assert reward(old_lancer) == 1_000 - 165
    assert reward(lancer) == 1_000 - 100
    assert fee_revenue() == (110 + 60, 165 + 100)
    assert_ledger_clean()


# --- The one reader of the settings ---------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 1001, "55", True])
def test_a_fee_setting_out_of_range_is_refused_at_the_first_agreement(
    settings: Any, value: object
) -> None:
    """B6: a rate is whole permille from 0 to 1,000 (a fee never exceeds its amount); any
    other setting stops the site at the first agreement instead of charging it."""
    settings.LANCER_FEE_PERMILLE = value

    with pytest.raises(ImproperlyConfigured, match="LANCER_FEE_PERMILLE"):
        fees.rates_in_force()


# --- Rows made before the migration ---------------------------------------------------------

BEFORE = [("jobs", "0002_clientpayment_milestone_purpose"), ("contracts", "0001_initial")]


@pytest.fixture
def old_models() -> Iterator[tuple[Any, Any]]:
    """jobs and contracts migrated back to before the stored rates, and their Job and
    Contract models of that time; the latest schema is restored afterwards."""
    for app, name in BEFORE:
        call_command("migrate", app, name, verbosity=0)
    try:
        state = MigrationExecutor(connection).loader.project_state(BEFORE)
        yield state.apps.get_model("jobs", "Job"), state.apps.get_model("contracts", "Contract")
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_migration_keep_the_rates_they_were_charged(
    settings: Any, old_models: tuple[Any, Any]
) -> None:
    """Issue 21 (B6): a competition or task posted before the migration was charged jobs'
    constants (55 ‰ and 165 ‰, whatever the settings said) and keeps them; a contract was
    charged the operator's settings of the moment and keeps the ones in force when the
    migration runs."""
    old_job, old_contract = old_models
    client, lancer = UserFactory.create(), UserFactory.create()
    common = {
        "client_id": client.pk,
        "title": "過去の依頼",
        "description": "過去の依頼です。",
        "category": "design",
        "budget_min": 30_000,
        "budget_max": 30_000,
        "deadline": clock.now() + timedelta(days=7),
        "status": "open",
    }
    competition = old_job.objects.create(format="competition", **common)
    project = old_job.objects.create(format="project", **common)
    contract = old_contract.objects.create(
        job_id=project.pk, client_id=client.pk, lancer_id=lancer.pk, title="過去の契約"
    )
    change_rates(settings)

    call_command("migrate", verbosity=0)

    assert rates(Job.objects.get(pk=competition.pk)) == OLD
    assert rates(Contract.objects.get(pk=contract.pk)) == NEW
    assert rates(post(client, format="competition", budget_min=10_000)) == NEW
    assert_ledger_clean()

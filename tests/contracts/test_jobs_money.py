"""B1, B6, M1: the money of competitions and tasks, settled through jobs' services: the
winner's prize goes to their reward balance minus the lancer fee; escrow nobody can earn
any more is refunded to the client when the job closes."""

from datetime import timedelta
from typing import Any

import pytest

from tests.contracts.support import balance
from tests.factories import UserFactory
from tests.support import assert_ledger_clean, snapshot
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job
from ukeoi.ledger.enums import AccountKind

pytestmark = pytest.mark.django_db


def funded(client: User, operator: User, **job: Any) -> Job:
    posted = jobs.job_post(
        actor=client,
        title="ロゴコンペ",
        description="募集します。",
        category="design",
        deadline=clock.now() + timedelta(days=7),
        **job,
    )
    payment = ClientPayment.objects.get(job=posted)
    jobs.client_payment_confirm(actor=operator, payment_id=payment.pk)
    return posted


def job_escrow(job: Job) -> int:
    return balance(AccountKind.ESCROW, subject_type="jobs.job", subject_id=str(job.pk))


def test_competition_winner_gets_the_prize_minus_the_lancer_fee(
    client_user: User, lancer: User, operator: User
) -> None:
    """B6: prize 30,000 -> reward 25,050 + lancer fee 4,950; key per winning entry."""
    competition = funded(client_user, operator, format="competition", budget_min=30_000)
    entry = jobs.proposal_submit(actor=lancer, job_id=competition.pk, message="応募します")

    jobs.proposal_select(actor=client_user, proposal_id=entry.pk)

    assert balance(AccountKind.REWARD, owner=lancer) == 25_050
    assert balance(AccountKind.FEE_REVENUE_LANCER) == 4_950
    assert job_escrow(competition) == 0
    assert balance(AccountKind.REFUNDS, owner=client_user) == 0
    before = snapshot()
    with pytest.raises(ApplicationError):
        jobs.proposal_select(actor=client_user, proposal_id=entry.pk)
    assert snapshot() == before
    assert_ledger_clean()


def test_competition_closed_without_a_winner_refunds_the_prize(
    client_user: User, operator: User
) -> None:
    competition = funded(client_user, operator, format="competition", budget_min=30_000)

    jobs.job_close(actor=client_user, job_id=competition.pk)

    assert job_escrow(competition) == 0
    assert balance(AccountKind.REFUNDS, owner=client_user) == 30_000
    assert_ledger_clean()


def test_task_closing_refunds_the_unspent_budget_and_later_rejections(
    client_user: User, operator: User
) -> None:
    """3 units of 500: one approved, one awaiting a decision, one never taken."""
    task = funded(client_user, operator, format="task", unit_reward=500, units=3)
    a, b = UserFactory.create(), UserFactory.create()
    approved = jobs.task_submission_submit(actor=a, job_id=task.pk, content="作業1")
    waiting = jobs.task_submission_submit(actor=b, job_id=task.pk, content="作業2")
    jobs.task_submission_approve(actor=client_user, submission_id=approved.pk)

    jobs.job_close(actor=client_user, job_id=task.pk)

    assert balance(AccountKind.REFUNDS, owner=client_user) == 500
    assert job_escrow(task) == 500
    jobs.task_submission_reject(actor=client_user, submission_id=waiting.pk)
    assert balance(AccountKind.REFUNDS, owner=client_user) == 1_000
    assert job_escrow(task) == 0
    assert_ledger_clean()


def test_a_project_closing_moves_no_money(client_user: User) -> None:
    job = jobs.job_post(
        actor=client_user,
        title="サイト制作",
        description="制作してください。",
        category="web",
        format="project",
        deadline=clock.now() + timedelta(days=7),
        budget_min=10_000,
    )
    before = snapshot()
    jobs.job_close(actor=client_user, job_id=job.pk)
    after = snapshot()
    for table in ("ledger.LedgerAccount", "ledger.LedgerTransaction", "ledger.LedgerEntry"):
        assert after[table] == before[table], table

"""The state the withdrawal journey starts from, built through the real services (jobs,
contracts, ledger), so the withdrawal page sees what production would leave behind:

- a pending proposal of the lancer's on an open project of the client's (W1: 提案中);
- a contract in progress whose milestone is escrowed (W1: 進行中, and its escrow is an
  unfinished payment);
- a small reward balance (800 yen, below the 1,000-yen payout minimum) from one approved
  unit of a task (W1: 報酬の残高, W5: can only be forfeited);
- a contract completed earlier as a client, its job closed (nothing in the way; W8: the
  track record a kept profile goes on showing).
"""

from dataclasses import dataclass
from datetime import timedelta

from tests.contracts import builders
from tests.factories import UserFactory
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Contract
from ukeoi.core import clock, fees
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Proposal
from ukeoi.ledger.models import LedgerAccount
from ukeoi.ledger.services import reward_account

LANCER_EMAIL = "taro.yamada@example.jp"
LANCER_USERNAME = "taro_yamada"
LANCER_NAME = "山田 太郎"
CLIENT_EMAIL = "sakura@example.jp"
CLIENT_NAME = "株式会社さくら"

PROPOSAL_JOB_TITLE = "ECサイトの商品説明文の作成"
CONTRACT_JOB_TITLE = "コーポレートサイトのロゴ制作"
TASK_TITLE = "商品レビューのアンケート回答"
CONTRACT_AMOUNT = 30_000
# One approved unit of 958 yen leaves 958 - 16.5 % (158, rounded down) = 800 yen.
UNIT_REWARD = 958
BALANCE = 800


@dataclass(frozen=True)
class Journey:
    lancer: User
    client: User
    proposal: Proposal
    contract: Contract


def lancer_with_three_blockers() -> Journey:
    """A lancer who wants to leave, with a pending proposal, a contract in progress (its
    milestone escrowed) and an 800-yen reward balance, all with the same client."""
    lancer = UserFactory.create(
        email=LANCER_EMAIL, username=LANCER_USERNAME, display_name=LANCER_NAME
    )
    client = UserFactory.create(email=CLIENT_EMAIL, username="sakura_inc", display_name=CLIENT_NAME)
    operator = builders.operator()

    # The track record (W8): earlier, the lancer had work done as a client, and closed the job.
    earlier = builders.contract_completed(client=lancer)
    jobs.job_close(actor=lancer, job_id=earlier.job_id)

    # The reward balance: a task the client paid for, one unit done and approved.
    task = jobs.job_post(
        actor=client,
        title=TASK_TITLE,
        description="お使いの商品について、簡単なアンケートにお答えください。",
        category="writing",
        format="task",
        deadline=clock.now() + timedelta(days=20),
        unit_reward=UNIT_REWARD,
        units=1,
    )
    payment = ClientPayment.objects.get(job=task)
    jobs.client_payment_confirm(actor=operator, payment_id=payment.pk)
    unit = jobs.task_submission_submit(
        actor=lancer, job_id=task.pk, content="使いやすく、毎日愛用しています。"
    )
    jobs.task_submission_approve(actor=client, submission_id=unit.pk)
    assert UNIT_REWARD - fees.rates_of(task).lancer_fee(UNIT_REWARD) == BALANCE

    # The contract in progress: a project proposal selected, the plan agreed, escrowed.
    logo = jobs.job_post(
        actor=client,
        title=CONTRACT_JOB_TITLE,
        description="新しいコーポレートサイト用のロゴを制作してください。",
        category="design",
        format="project",
        deadline=clock.now() + timedelta(days=10),
        budget_min=20_000,
        budget_max=40_000,
    )
    chosen = jobs.proposal_submit(
        actor=lancer,
        job_id=logo.pk,
        amount=CONTRACT_AMOUNT,
        delivery_date=clock.today() + timedelta(days=14),
        message="ロゴ制作の実績が多数ございます。よろしくお願いいたします。",
    )
    contracts.proposal_hire(actor=client, proposal_id=chosen.pk)
    contract = Contract.objects.get(proposal=chosen)
    contracts.milestones_agree(actor=lancer, contract_id=contract.pk)
    builders.escrow(builders.first_milestone(contract), operator_user=operator)

    # The pending proposal, on another open project of the same client.
    copy = jobs.job_post(
        actor=client,
        title=PROPOSAL_JOB_TITLE,
        description="ECサイトに掲載する商品説明文を20点ほど作成してください。",
        category="writing",
        format="project",
        deadline=clock.now() + timedelta(days=14),
        budget_min=10_000,
        budget_max=20_000,
    )
    proposal = jobs.proposal_submit(
        actor=lancer,
        job_id=copy.pk,
        amount=15_000,
        delivery_date=clock.today() + timedelta(days=21),
        message="商品説明文の執筆経験があります。ぜひお任せください。",
    )
    contract.refresh_from_db()
    return Journey(lancer=lancer, client=client, proposal=proposal, contract=contract)


def reward_balance(user: User) -> int:
    account: LedgerAccount = reward_account(lancer=user)
    return account.balance

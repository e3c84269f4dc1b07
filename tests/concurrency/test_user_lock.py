"""W6: every service that can create a W1 blocker takes the user lock before it writes.

`ukeoi.accounts.locks.lock_users` locks the accounts' rows FOR NO KEY UPDATE, and the
withdrawal service locks the same row before it re-checks W1: that is what keeps a
withdrawal and an action of the same account from interleaving. This file reads the SQL
each blocker-creating service sends to PostgreSQL and fails if, before its first write
(INSERT, UPDATE, DELETE; savepoints aside), there is no `SELECT ... FROM "accounts_user"
... FOR NO KEY UPDATE` whose ids include every account that gets the blocker. The table
is keyed by every `BlockerCode`, so a new blocker cannot be added without its services.

Services that touch blockers but are left out of the table, and why:
- contracts.milestones_propose, milestones_agree: the contract counts as in progress from
  "agreeing" on, and proposed or agreed milestones with no payment requested are not
  unfinished payments: they create no blocker (they lock both sides anyway, `_lock`).
- contracts.milestone_deliver, milestone_request_changes: escrowed <-> delivered, both
  unfinished payments already.
- jobs.client_payment_confirm's lancer side for a milestone: the milestone was an
  unfinished payment of both sides from `milestone_escrow` on (which locks both); the
  confirmation only moves it awaiting escrow -> escrowed, and by design
  (`contracts.services.escrow.payment_confirmed`) does not lock the lancer's row.
- jobs.proposal_select on a project: it leaves the proposal selected and makes no contract
  (`contracts.proposal_hire`, in the table, does); on a competition it is the prize case.
- The cancellation steps, jobs_close_expired, contracts_auto_step, payout_batch_mark_paid,
  job_close, proposal_decline/delete: they clear blockers; refunds go to the client's
  refunds account, which is no blocker.
- withdrawal, privacy, accounts and payout-settings services: no blocker rows.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.contracts.builders import (
    contract_agreeing,
    contract_in_progress,
    first_milestone,
    operator,
    project_proposal,
)
from tests.factories import CompetitionFactory, JobFactory, UserFactory
from tests.jobs.support import in_days
from tests.payouts.batch_support import BEFORE_CLOSE, CLOSE, payee
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.payouts import services as payouts
from ukeoi.payouts.models import Payout
from ukeoi.withdrawal import selectors
from ukeoi.withdrawal.enums import BlockerCode
from ukeoi.withdrawal.rules import withdrawal_blockers

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

USER_TABLE = User._meta.db_table


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    """The payout batch writes its Zengin file to default storage."""
    settings.MEDIA_ROOT = str(tmp_path)


# --- reading the SQL --------------------------------------------------------------------------

# The statement's first FROM is the user table (not a subquery of another table's lock).
_LOCK_FROM = re.compile(
    rf'^\s*SELECT\b(?:(?!\bFROM\b).)*\bFROM\s+"{USER_TABLE}"', re.IGNORECASE | re.DOTALL
)
_ID_IN = re.compile(rf'"{USER_TABLE}"\."id"\s+IN\s+\(([\d,\s]+)\)', re.IGNORECASE)
_ID_EQ = re.compile(rf'"{USER_TABLE}"\."id"\s+=\s+(\d+)', re.IGNORECASE)
# The payout batch's raw chunk query: `u.id > N AND u.id <= M`.
_ID_RANGE = re.compile(r"\b(\w+)\.id\s*>\s*(\d+)\s+AND\s+\1\.id\s*<=\s*(\d+)", re.IGNORECASE)
_WRITE_IN_WITH = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b", re.IGNORECASE)
_WRITE_TABLE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE
)


def is_write(sql: str) -> bool:
    """INSERT, UPDATE or DELETE, also inside a WITH (the ledger's one-statement posting)."""
    head = sql.lstrip().upper()
    if head.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
        return False
    if head.startswith(("INSERT", "UPDATE", "DELETE")):
        return True
    return head.startswith("WITH") and _WRITE_IN_WITH.search(sql) is not None


def written_table(sql: str) -> str:
    found = _WRITE_TABLE.match(sql)
    return found.group(1) if found else ""


def locked_user_ids(sql: str) -> list[range | set[int]] | None:
    """The account ids a statement locks with the user lock, or None if it is not one: a
    SELECT from the user table FOR NO KEY UPDATE, ids by `IN (..)`, `= n` or the batch's
    range."""
    if "FOR NO KEY UPDATE" not in sql.upper() or not _LOCK_FROM.match(sql):
        return None
    ids: list[range | set[int]] = []
    for found in _ID_IN.finditer(sql):
        ids.append({int(pk) for pk in found.group(1).split(",") if pk.strip()})
    for found in _ID_EQ.finditer(sql):
        ids.append({int(found.group(1))})
    for found in _ID_RANGE.finditer(sql):
        ids.append(range(int(found.group(2)) + 1, int(found.group(3)) + 1))
    return ids


_COLUMNS = re.compile(r"^(\s*SELECT)\s.*?\s(FROM\s)", re.IGNORECASE | re.DOTALL)


def _shown(statements: Sequence[str], upto: int) -> str:
    """The statements numbered, each SELECT's column list left out so its FROM, WHERE and
    lock clause show."""
    short = [_COLUMNS.sub(r"\1 ... \2", sql, count=1)[:400] for sql in statements[:upto]]
    lines = [f"  {n:>3}. {sql}" for n, sql in enumerate(short, start=1)]
    return "\n".join(lines)


def assert_locks_before_first_write(
    service: str, statements: Sequence[str], accounts: Sequence[int], exempt: Sequence[str] = ()
) -> None:
    """W6: before the first write (other than to `exempt` tables) the user lock covers
    every one of `accounts`."""
    locked: list[range | set[int]] = []
    first_write = None
    for index, sql in enumerate(statements):
        if is_write(sql) and written_table(sql) not in exempt:
            first_write = index
            break
        ids = locked_user_ids(sql)
        if ids is not None:
            locked.extend(ids)
    missing = sorted(pk for pk in accounts if not any(pk in ids for ids in locked))
    if missing:
        where = (
            f"its first write (statement {first_write + 1})"
            if first_write is not None
            else "the end (it wrote nothing)"
        )
        shown = first_write + 1 if first_write is not None else len(statements)
        raise AssertionError(
            f"W6: {service} does not lock account(s) {missing} with the user lock "
            f'(SELECT ... FROM "{USER_TABLE}" ... FOR NO KEY UPDATE) before {where}; '
            f"locked before that: {locked or 'nothing'}. Its first statements:\n"
            + _shown(statements, min(max(shown, 1) + 2, 25))
        )


# --- the services that create each blocker ---------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    call: Callable[[], object]
    # The accounts that get the blocker.
    accounts: tuple[User, ...]


@dataclass(frozen=True)
class Case:
    service: str
    variant: str
    setup: Callable[[], Prepared]
    # Tables the service may write before the lock: bookkeeping no withdrawal reads.
    exempt: tuple[str, ...] = ()
    # Why the service is known not to lock (the case is then a strict xfail).
    known_gap: str = ""

    @property
    def name(self) -> str:
        return f"{self.service} ({self.variant})" if self.variant else self.service


def _post(client: User, format: str) -> Job:
    extra: dict[str, Any] = {
        "project": {"budget_min": 10_000, "budget_max": 20_000},
        "competition": {"budget_min": 30_000},
        "task": {"unit_reward": 500, "units": 3},
    }[format]
    return jobs.job_post(
        actor=client,
        title="ロゴ制作",
        description="ロゴを作ってください。",
        category="design",
        format=format,
        deadline=in_days(7),
        **extra,
    )


def _paid_job(format: str) -> Job:
    """A competition or task posted and its prize or budget confirmed (open, with escrow)."""
    job = _post(UserFactory.create(), format)
    payment = ClientPayment.objects.get(job=job)
    jobs.client_payment_confirm(actor=operator(), payment_id=payment.pk)
    job.refresh_from_db()
    return job


def job_post(format: str) -> Callable[[], Prepared]:
    def setup() -> Prepared:
        client = UserFactory.create()
        return Prepared(lambda: _post(client, format), (client,))

    return setup


def confirm_job_payment() -> Prepared:
    job = _post(UserFactory.create(), "competition")
    payment = ClientPayment.objects.get(job=job)
    staff = operator()
    return Prepared(
        lambda: jobs.client_payment_confirm(actor=staff, payment_id=payment.pk), (job.client,)
    )


def proposal_submit(job_factory: Callable[[], Job]) -> Callable[[], Prepared]:
    def setup() -> Prepared:
        job = job_factory()
        lancer = UserFactory.create()
        return Prepared(
            lambda: jobs.proposal_submit(
                actor=lancer,
                job_id=job.pk,
                message="提案します",
                amount=15_000,
                delivery_date=in_days(30).date(),
            ),
            (lancer,),
        )

    return setup


def proposal_hire() -> Prepared:
    proposal = project_proposal()
    client = proposal.job.client
    return Prepared(
        lambda: contracts.proposal_hire(actor=client, proposal_id=proposal.pk),
        (client, proposal.lancer),
    )


def contract_create() -> Prepared:
    proposal = project_proposal()
    client = proposal.job.client
    jobs.proposal_select(actor=client, proposal_id=proposal.pk)
    return Prepared(
        lambda: contracts.contract_create_from_proposal(actor=client, proposal_id=proposal.pk),
        (client, proposal.lancer),
    )


def task_submit(side: str) -> Callable[[], Prepared]:
    def setup() -> Prepared:
        job = _paid_job("task")
        lancer = UserFactory.create()
        gets = lancer if side == "lancer" else job.client
        return Prepared(
            lambda: jobs.task_submission_submit(actor=lancer, job_id=job.pk, content="作業結果"),
            (gets,),
        )

    return setup


def milestone_escrow() -> Prepared:
    contract = contract_agreeing(amount=8000)
    contracts.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
    milestone = first_milestone(contract)
    return Prepared(
        lambda: contracts.milestone_escrow(actor=contract.client, milestone_id=milestone.pk),
        (contract.client, contract.lancer),
    )


def confirm_milestone_payment() -> Prepared:
    contract = contract_agreeing(amount=8000)
    contracts.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
    milestone = contracts.milestone_escrow(
        actor=contract.client, milestone_id=first_milestone(contract).pk
    )
    payment_id = milestone.payment_id
    assert payment_id is not None
    staff = operator()
    return Prepared(
        lambda: jobs.client_payment_confirm(actor=staff, payment_id=payment_id),
        (contract.client,),
    )


def milestone_accept() -> Prepared:
    contract = contract_in_progress(amount=8000, delivered=True)
    milestone = first_milestone(contract)
    return Prepared(
        lambda: contracts.milestone_accept(actor=contract.client, milestone_id=milestone.pk),
        (contract.lancer,),
    )


def task_approve() -> Prepared:
    job = _paid_job("task")
    lancer = UserFactory.create()
    unit = jobs.task_submission_submit(actor=lancer, job_id=job.pk, content="作業結果")
    client = User.objects.get(pk=job.client_id)
    return Prepared(
        lambda: jobs.task_submission_approve(actor=client, submission_id=unit.pk), (lancer,)
    )


def competition_prize() -> Prepared:
    job = _paid_job("competition")
    lancer = UserFactory.create()
    entry = jobs.proposal_submit(actor=lancer, job_id=job.pk, message="応募します")
    client = User.objects.get(pk=job.client_id)
    return Prepared(lambda: contracts.proposal_hire(actor=client, proposal_id=entry.pk), (lancer,))


def _payee() -> User:
    user = payee(3000, credited_at=BEFORE_CLOSE)
    # The platform account the run reads first exists, as after any earlier batch (the
    # first run ever creates it, a platform row and no blocker, before its first chunk).
    ledger.platform_account(kind=AccountKind.TRANSFER_FEE_REVENUE)
    return user


def payout_batch_run() -> Prepared:
    user = _payee()
    return Prepared(lambda: payouts.payout_batch_run(close_date=CLOSE), (user,))


def payout_mark_failed() -> Prepared:
    user = _payee()
    payouts.payout_batch_run(close_date=CLOSE)
    payout = Payout.objects.get(user=user)
    staff = operator()
    return Prepared(
        lambda: payouts.payout_mark_failed(actor=staff, payout_id=payout.pk, reason="口座相違"),
        (user,),
    )


_BATCH_ROW = "payouts_payoutbatch"

SERVICES_BY_BLOCKER: dict[str, list[Case]] = {
    BlockerCode.OPEN_JOB: [
        Case("jobs.job_post", "project", job_post("project")),
        Case("jobs.job_post", "competition", job_post("competition")),
        Case("jobs.job_post", "task", job_post("task")),
        # The competition was a live job already (awaiting payment); it opens.
        Case("jobs.client_payment_confirm", "prize", confirm_job_payment),
    ],
    BlockerCode.PENDING_PROPOSAL: [
        Case("jobs.proposal_submit", "project", proposal_submit(JobFactory.create)),
        Case(
            "jobs.proposal_submit", "competition entry", proposal_submit(CompetitionFactory.create)
        ),
    ],
    BlockerCode.CONTRACT_IN_PROGRESS: [
        Case("contracts.proposal_hire", "project", proposal_hire),
        Case("contracts.contract_create_from_proposal", "", contract_create),
    ],
    BlockerCode.UNFINISHED_PAYMENT: [
        Case("jobs.job_post", "competition prize to pay", job_post("competition")),
        Case("jobs.job_post", "task budget to pay", job_post("task")),
        Case("jobs.task_submission_submit", "lancer", task_submit("lancer")),
        Case(
            "jobs.task_submission_submit",
            "the task's client",
            task_submit("client"),
        ),
        Case("contracts.milestone_escrow", "", milestone_escrow),
        Case("jobs.client_payment_confirm", "milestone", confirm_milestone_payment),
    ],
    BlockerCode.PAYOUT_IN_PROGRESS: [
        Case("payouts.payout_batch_run", "", payout_batch_run, exempt=(_BATCH_ROW,)),
    ],
    BlockerCode.REWARD_BALANCE: [
        Case("contracts.milestone_accept", "", milestone_accept),
        Case(
            "jobs.task_submission_approve",
            "",
            task_approve,
        ),
        Case("contracts.proposal_hire", "competition prize", competition_prize),
        Case("payouts.payout_mark_failed", "money back to the balance", payout_mark_failed),
    ],
}


def test_every_blocker_lists_the_services_that_create_it() -> None:
    """A new BlockerCode fails here until its services are in the table."""
    assert set(SERVICES_BY_BLOCKER) == set(BlockerCode)
    assert all(SERVICES_BY_BLOCKER.values())


def run_case(case: Case, code: str) -> None:
    prepared = case.setup()
    with CaptureQueriesContext(connection) as captured:
        prepared.call()
    statements = [query["sql"] for query in captured.captured_queries]
    assert_locks_before_first_write(
        case.name, statements, [user.pk for user in prepared.accounts], case.exempt
    )
    for user in prepared.accounts:
        user.refresh_from_db()
        codes = [b.code for b in withdrawal_blockers(selectors.withdrawal_facts_get(user=user))]
        assert code in codes, f"{case.name} gave account {user.pk} no {code}: {codes}"


def _params() -> list[Any]:
    params = []
    for code, cases in SERVICES_BY_BLOCKER.items():
        for case in cases:
            marks = (
                [pytest.mark.xfail(strict=True, raises=AssertionError, reason=case.known_gap)]
                if case.known_gap
                else []
            )
            params.append(pytest.param(case, code, id=f"{code}:{case.name}", marks=marks))
    return params


@pytest.mark.parametrize(("case", "code"), _params())
def test_w6_service_takes_the_user_lock_before_it_writes(case: Case, code: str) -> None:
    run_case(case, code)


def test_the_check_catches_a_service_that_forgets_the_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same check with the jobs services' lock replaced by a plain read: it names the
    service."""

    def plain_read(*pks: int) -> dict[int, User]:
        return {user.pk: user for user in User.objects.filter(pk__in=set(pks)).order_by("pk")}

    monkeypatch.setattr("ukeoi.jobs.services._common.lock_users", plain_read)
    case = SERVICES_BY_BLOCKER[BlockerCode.OPEN_JOB][0]
    with pytest.raises(AssertionError, match=r"W6: jobs\.job_post \(project\) does not lock"):
        run_case(case, BlockerCode.OPEN_JOB)


def test_lock_statements_are_read_in_their_three_forms() -> None:
    table = f'"{USER_TABLE}"'
    orm = f'SELECT {table}."id" FROM {table} WHERE {table}."id" IN (3, 5) FOR NO KEY UPDATE'
    one = f'SELECT {table}."id" FROM {table} WHERE {table}."id" = 7 FOR NO KEY UPDATE'
    batch = f"SELECT u.id FROM {table} u WHERE u.id > 10 AND u.id <= 12 FOR NO KEY UPDATE OF u"
    assert locked_user_ids(orm) == [{3, 5}]
    assert locked_user_ids(one) == [{7}]
    assert locked_user_ids(batch) == [range(11, 13)]
    assert locked_user_ids(orm.replace(" FOR NO KEY UPDATE", "")) is None
    assert locked_user_ids(f'SELECT 1 FROM "jobs_job" WHERE {table}."id" = 7 FOR UPDATE') is None
    other = (
        f'SELECT 1 FROM "jobs_job" WHERE "client_id" IN ({one.replace(" FOR NO KEY UPDATE", "")})'
    )
    assert locked_user_ids(f"{other} FOR NO KEY UPDATE") is None
    with pytest.raises(AssertionError, match="does not lock account"):
        assert_locks_before_first_write(
            "a service", ['INSERT INTO "jobs_job" VALUES (1)', one], [7]
        )
    assert_locks_before_first_write("a service", ["SAVEPOINT s1", one, "INSERT INTO x"], [7])

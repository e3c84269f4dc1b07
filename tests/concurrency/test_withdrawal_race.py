"""W6 under real concurrency (PostgreSQL row locks): `account_withdraw` raced, 200 rounds
each, against a proposal submission, a job post, a proposal selection, an escrow payment
and a payout batch for the same account. Afterwards no withdrawn account has any blocker
(the reward balance included), and the ledger check is clean (M1).

WITHDRAWAL_RACE_ROUNDS overrides the number of rounds (default 200)."""

import os
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.contracts.builders import contract_agreeing, first_milestone, project_proposal
from tests.factories import JobFactory, UserFactory
from tests.payouts.batch_support import OTHER_BANK, payee
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.jobs import services as jobs
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.payouts import calendar
from ukeoi.payouts import services as payouts
from ukeoi.withdrawal import selectors, services
from ukeoi.withdrawal.rules import withdrawal_blockers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

ROUNDS = int(os.environ.get("WITHDRAWAL_RACE_ROUNDS", "200"))
PASSWORD = "correct horse battery staple"
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any, tmp_path: Any) -> None:
    """The race is about locks, not about hashing: a fast hasher keeps 1,000 rounds short."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path)


def race(first: Callable[[], Any], second: Callable[[], Any]) -> list[Any]:
    """Run both at the same moment, each on its own connection; each result is a value or
    the exception raised."""
    results: list[Any] = [None, None]
    barrier = threading.Barrier(2)

    def target(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # reported to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i, w)) for i, w in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    for result in results:
        # Only refusals are expected; anything else (a deadlock, an IntegrityError) fails.
        if isinstance(result, Exception) and not isinstance(result, ApplicationError):
            raise result
    return results


def outcome(results: list[Any]) -> str:
    return "+".join(
        r.code if isinstance(r, ApplicationError) else type(r).__name__ for r in results
    )


def withdraw(user: User, **extra: Any) -> Callable[[], Any]:
    return lambda: services.account_withdraw(
        actor=user, password=PASSWORD, reason="no_longer_needed", **extra
    )


def assert_no_withdrawn_account_has_a_blocker() -> None:
    for user in User.objects.filter(status="withdrawn"):
        blockers = withdrawal_blockers(selectors.withdrawal_facts_get(user=user))
        assert blockers == [], (user.pk, [b.code for b in blockers])
    check = ledger_check_get()
    assert check.ok, check


def finish(seen: Counter[str]) -> None:
    print(dict(seen))  # which side won how often (pytest -s shows it)
    assert sum(seen.values()) == ROUNDS
    assert_no_withdrawn_account_has_a_blocker()


def test_w6_withdraw_races_proposal_submit() -> None:
    seen: Counter[str] = Counter()
    job = JobFactory.create()
    for _ in range(ROUNDS):
        lancer = UserFactory.create()
        results = race(
            withdraw(lancer),
            partial(
                jobs.proposal_submit,
                actor=lancer,
                job_id=job.pk,
                message="提案します",
                amount=5000,
                delivery_date=clock.today() + timedelta(days=30),
            ),
        )
        seen[outcome(results)] += 1
        assert outcome(results) in {
            "Withdrawal+account_withdrawn",
            "withdrawal_blocked+Proposal",
        }, results
    finish(seen)


def test_w6_withdraw_races_job_post() -> None:
    seen: Counter[str] = Counter()
    deadline = clock.now() + timedelta(days=20)
    for _ in range(ROUNDS):
        client = UserFactory.create()
        results = race(
            withdraw(client),
            partial(
                jobs.job_post,
                actor=client,
                title="ロゴ制作",
                description="ロゴを作ってください",
                category="design",
                format="project",
                deadline=deadline,
                budget_min=10_000,
                budget_max=20_000,
            ),
        )
        seen[outcome(results)] += 1
        assert outcome(results) in {"Withdrawal+account_withdrawn", "withdrawal_blocked+Job"}
    finish(seen)


def test_w6_withdraw_races_proposal_select() -> None:
    """The lancer withdraws while the client selects the lancer's proposal (which makes a
    contract); and the client withdraws while selecting on a competition that ends with it."""
    seen: Counter[str] = Counter()
    for n in range(ROUNDS):
        proposal = project_proposal()
        leaving = proposal.lancer if n % 2 == 0 else proposal.job.client
        results = race(
            withdraw(leaving),
            partial(contracts.proposal_hire, actor=proposal.job.client, proposal_id=proposal.pk),
        )
        seen[outcome(results)] += 1
        # Both sides always have a blocker here (a pending proposal, an open job).
        assert outcome(results).startswith("withdrawal_blocked+"), results
    finish(seen)


def test_w6_withdraw_races_escrow() -> None:
    seen: Counter[str] = Counter()
    for n in range(ROUNDS):
        contract = contract_agreeing(amount=8000)
        contracts.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        milestone = first_milestone(contract)
        leaving = contract.client if n % 2 == 0 else contract.lancer
        results = race(
            withdraw(leaving),
            partial(contracts.milestone_escrow, actor=contract.client, milestone_id=milestone.pk),
        )
        seen[outcome(results)] += 1
        # Both sides of a contract in progress always have a blocker.
        assert outcome(results).startswith("withdrawal_blocked+"), results
    finish(seen)


def closes(count: int) -> list[date]:
    """`count` past close dates in order, each taking one round's batch."""
    found: list[date] = []
    day = date(2012, 1, 15)
    while len(found) < count:
        found.append(day)
        day = calendar.next_close(day + timedelta(days=1))
    return found


def test_w6_withdraw_races_the_payout_batch() -> None:
    """The balance is either forfeited by the withdrawal (and the batch pays nobody) or paid
    out by the batch (and the withdrawal is refused: a payout is in progress)."""
    seen: Counter[str] = Counter()
    for close in closes(ROUNDS):
        user = payee(3000, bank_code=OTHER_BANK, credited_at=datetime(2011, 12, 1, tzinfo=JST))
        results = race(
            withdraw(user, forfeit=True),
            partial(payouts.payout_batch_run, close_date=close),
        )
        batch = results[1]
        paid = getattr(batch, "payout_count", None)
        seen[f"{outcome(results)}:{paid}"] += 1
        assert (outcome(results[:1]), paid) in {("Withdrawal", 0), ("withdrawal_blocked", 1)}, (
            results,
            paid,
        )
    finish(seen)

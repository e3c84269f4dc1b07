"""B1, M2, W6 under real concurrency (PostgreSQL row locks): one proposal per lancer, no
pending proposal left on a closed job, a payment posted once, units never over-taken."""

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from tests.factories import JobFactory, OperatorFactory, UserFactory
from tests.jobs.support import in_days
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.jobs import services
from ukeoi.jobs.enums import JobStatus, ProposalStatus
from ukeoi.jobs.models import ClientPayment, Job, Proposal, TaskSubmission
from ukeoi.ledger.models import LedgerTransaction
from ukeoi.ledger.selectors import ledger_check_get

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

THREADS = 8


@pytest.fixture(autouse=True)
def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: set DATABASE_URL=postgres://...")


def run_in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Start `count` workers together; each result is a value or the exception raised."""
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def target(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:  # reported to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return results


def codes(results: list[Any]) -> Counter[str]:
    return Counter(r.code if isinstance(r, ApplicationError) else type(r).__name__ for r in results)


def test_one_lancer_proposing_from_many_tabs_sends_one_proposal() -> None:
    """B1: proposing twice on the same project, at the same moment."""
    job, lancer = JobFactory.create(), UserFactory.create()

    results = run_in_threads(
        THREADS,
        lambda i: services.proposal_submit(
            actor=lancer,
            job_id=job.pk,
            message=f"#{i}",
            amount=1000,
            delivery_date=in_days(10).date(),
        ),
    )

    assert codes(results) == Counter({"Proposal": 1, "already_proposed": THREADS - 1})
    assert Proposal.objects.count() == 1


def test_closing_while_lancers_propose_leaves_no_pending_proposal() -> None:
    """B1: every proposal is either refused or becomes not selected with the close."""
    job = JobFactory.create()
    lancers = UserFactory.create_batch(THREADS - 1)

    def work(i: int) -> Any:
        if i == 0:
            return services.job_close(actor=job.client, job_id=job.pk)
        return services.proposal_submit(
            actor=lancers[i - 1],
            job_id=job.pk,
            message="x",
            amount=1000,
            delivery_date=in_days(10).date(),
        )

    results = run_in_threads(THREADS, work)

    assert set(codes(results)) <= {"Job", "Proposal", "job_closed"}
    job.refresh_from_db()
    assert job.status == JobStatus.CLOSED
    assert not Proposal.objects.filter(status=ProposalStatus.PENDING).exists()


def test_confirming_one_payment_from_many_operators_posts_it_once() -> None:
    """M2: the payment is escrowed once; the ledger stays balanced (M1)."""
    client, operators = UserFactory.create(), OperatorFactory.create_batch(THREADS)
    job = services.job_post(
        actor=client,
        title="コンペ",
        description="x",
        category="design",
        format="competition",
        deadline=in_days(5),
        budget_min=40_000,
    )
    payment = ClientPayment.objects.get(job=job)

    results = run_in_threads(
        THREADS,
        lambda i: services.client_payment_confirm(actor=operators[i], payment_id=payment.pk),
    )

    assert codes(results) == Counter({"ClientPayment": THREADS})
    assert LedgerTransaction.objects.count() == 2
    assert AuditEvent.objects.filter(action="client_payment.confirmed").count() == 1
    assert ledger_check_get().ok


def test_deadline_task_running_twice_at_once_closes_each_job_once() -> None:
    """B1: the periodic task is idempotent even when two workers overlap."""
    JobFactory.create_batch(5, deadline=in_days(-1))

    results = run_in_threads(4, lambda i: services.jobs_close_expired())

    assert sum(results) == 5
    assert AuditEvent.objects.filter(action="job.closed").count() == 5
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.CLOSED}


def test_units_are_never_over_taken() -> None:
    """B1: a task with 3 units takes 3 units of work, however many arrive at once."""
    task = JobFactory.create(
        format="task", unit_reward=100, units=3, budget_min=300, budget_max=300
    )
    lancers = UserFactory.create_batch(THREADS)

    results = run_in_threads(
        THREADS,
        lambda i: services.task_submission_submit(actor=lancers[i], job_id=task.pk, content="x"),
    )

    assert codes(results) == Counter({"TaskSubmission": 3, "units_full": THREADS - 3})
    assert TaskSubmission.objects.count() == 3

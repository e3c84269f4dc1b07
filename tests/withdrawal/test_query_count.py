"""W1, W2: the facts selector runs the same bounded number of queries (at most 8) for an
account with no history and one with 100,000 rows of it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import JobFactory, TaskFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.jobs.models import Job, Proposal, TaskSubmission
from ukeoi.withdrawal.selectors import withdrawal_facts_get

MAX_QUERIES = 8
HISTORY = 100_000


def facts_queries(user: User) -> int:
    with CaptureQueriesContext(connection) as captured:
        withdrawal_facts_get(user=user)
    return len(captured.captured_queries)


def build_history(user: User, rows: int) -> None:
    """Finished work in bulk: closed jobs the user posted, proposals on others' jobs that were
    not selected, and approved task units (none of them a blocker)."""
    other = UserFactory.create()
    closed = clock.now() - timedelta(days=30)
    quarter = rows // 4
    common = {
        "description": "過去の依頼",
        "category": "design",
        "format": "project",
        "budget_min": 10_000,
        "budget_max": 20_000,
        "deadline": closed,
        "status": "closed",
        "closed_at": closed,
    }
    Job.objects.bulk_create(
        [Job(client=user, title=f"過去の依頼 {n}", **common) for n in range(quarter * 2)],
        batch_size=5000,
    )
    others = Job.objects.bulk_create(
        [Job(client=other, title=f"他の依頼 {n}", **common) for n in range(quarter)],
        batch_size=5000,
    )
    Proposal.objects.bulk_create(
        [
            Proposal(job=job, lancer=user, amount=10_000, message="提案", status="not_selected")
            for job in others
        ],
        batch_size=5000,
    )
    task = TaskFactory.create(
        client=other, units=quarter, budget_min=500 * quarter, budget_max=500 * quarter
    )
    TaskSubmission.objects.bulk_create(
        [
            TaskSubmission(job=task, lancer=user, content="作業", status="approved")
            for _ in range(rows - 3 * quarter)
        ],
        batch_size=5000,
    )


@pytest.mark.django_db
def test_w1_facts_query_count_is_flat_from_no_history_to_100000_rows() -> None:
    empty = UserFactory.create()
    busy = UserFactory.create()
    build_history(busy, HISTORY)
    assert (
        Job.objects.filter(client=busy).count()
        + Proposal.objects.filter(lancer=busy).count()
        + TaskSubmission.objects.filter(lancer=busy).count()
        == HISTORY
    )

    at_zero = facts_queries(empty)
    at_history = facts_queries(busy)

    assert at_zero <= MAX_QUERIES
    assert at_history == at_zero


@pytest.mark.django_db
def test_w2_many_open_items_list_20_and_count_all_in_the_same_queries() -> None:
    user = UserFactory.create()
    baseline = facts_queries(user)
    for _ in range(25):
        JobFactory.create(client=user)

    assert facts_queries(user) == baseline
    facts = withdrawal_facts_get(user=user)
    assert len(facts.open_jobs.items) == 20
    assert facts.open_jobs.count == 25
    latest = max(job.deadline for job in Job.objects.filter(client=user))
    assert facts.open_jobs.clears_on == timezone.localdate(latest)

"""Issue 9, load: the job list's queries do not grow with the data, its page count needs no
join over proposals, and the cached job cards never show a stale value (B1)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import JobFactory, ProposalFactory, UserFactory
from ukeoi.jobs import selectors

pytestmark = pytest.mark.django_db


def _queries(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_job_list_makes_the_same_queries_for_3_or_25_jobs(client: Client):
    for _ in range(3):
        ProposalFactory.create(job=JobFactory.create())
    few = _queries(client, "/jobs/")
    for _ in range(22):
        job = JobFactory.create()
        ProposalFactory.create_batch(2, job=job)
    many = _queries(client, "/jobs/")

    assert len(many) == len(few)


def test_the_page_count_does_not_join_the_proposals():
    JobFactory.create_batch(3)

    with CaptureQueriesContext(connection) as captured:
        page = selectors.job_list(search=selectors.JobSearch())
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]

    assert page.paginator.count == 3
    assert len(counts) == 1
    assert "jobs_proposal" not in counts[0]
    assert "GROUP BY" not in counts[0]


def test_proposal_counts_on_the_list_are_right(client: Client):
    job = JobFactory.create(title="数を数える案件")
    ProposalFactory.create_batch(2, job=job)

    assert selectors.job_list(search=selectors.JobSearch()).object_list[0].proposal_count == 2


def test_a_cached_job_card_changes_with_what_it_shows(client: Client):
    owner = UserFactory.create(display_name="最初の名前")
    job = JobFactory.create(client=owner, title="キャッシュの確認")
    first = client.get("/jobs/", headers={"accept-language": "en"}).content.decode()
    assert "0 proposals" in first
    assert "最初の名前" in first

    ProposalFactory.create(job=job)
    owner.display_name = "新しい名前"
    owner.save(update_fields=["display_name"])
    second = client.get("/jobs/", headers={"accept-language": "en"}).content.decode()

    assert "1 proposal" in second
    assert "新しい名前" in second
    assert "最初の名前" not in second

"""P2, issue 22 item 3: only records a transaction needs are kept. A job the person posted
that never became a contract (nor took a confirmed payment) is closed and anonymised at
erasure and answers 404 to visitors, on the web (also from the visitor page cache) and in
the API; a job a contract needs keeps its title as a kept record."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.contracts.builders import contract_completed
from tests.factories import JobFactory, OperatorFactory, ProposalFactory, UserFactory
from tests.privacy.support import withdraw
from ukeoi.core import clock
from ukeoi.jobs.enums import JobStatus
from ukeoi.jobs.models import Job, Proposal
from ukeoi.privacy import services
from ukeoi.privacy.enums import ErasureSource
from ukeoi.privacy.erasure import PLACEHOLDER

pytestmark = pytest.mark.django_db


def erase(user_id: int) -> None:
    services.erasure_request(actor=None, user_id=user_id, source=ErasureSource.SELF)
    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        services.erasure_run_due()


def closed_job(client_user: object, title: str) -> Job:
    return JobFactory.create(
        client=client_user, title=title, status=JobStatus.CLOSED, closed_at=clock.now()
    )


def test_a_job_that_never_became_a_contract_is_gone_for_visitors(client: Client) -> None:
    """P2, issue 22 item 3: before erasure visitors see the job (and the page is cached);
    after it the page, the API and the list answer as if it never existed, while a
    counterpart's proposal on it stays theirs."""
    person = UserFactory.create()
    job = closed_job(person, "誰も契約しなかった依頼QJX")
    proposal = ProposalFactory.create(job=job, status="not_selected", message="相手の提案")
    page = reverse("jobs:detail", args=[job.pk])
    listing = reverse("jobs:list") + "?closed=on"
    assert client.get(page).status_code == 200  # now in the visitor page cache
    assert "誰も契約しなかった依頼QJX" in client.get(listing).content.decode()
    assert client.get(f"/api/jobs/{job.pk}").status_code == 200
    assert "QJX" in client.get("/api/jobs?closed=true").content.decode()
    withdraw(person)

    erase(person.pk)

    assert client.get(page).status_code == 404
    assert client.get(f"/api/jobs/{job.pk}").status_code == 404
    assert "QJX" not in client.get(listing).content.decode()
    assert "QJX" not in client.get("/api/jobs?closed=true").content.decode()
    job.refresh_from_db()
    assert (job.title, job.description, job.status) == (PLACEHOLDER, PLACEHOLDER, "closed")
    assert job.erased_at is not None
    assert Proposal.objects.get(pk=proposal.pk).message == "相手の提案"


def test_signed_in_users_get_404_and_operators_still_see_it(client: Client) -> None:
    """P2: nobody but the operators sees an erased job."""
    person = UserFactory.create()
    job = closed_job(person, "消える依頼QJX")
    withdraw(person)
    erase(person.pk)
    page = reverse("jobs:detail", args=[job.pk])

    client.force_login(UserFactory.create())
    assert client.get(page).status_code == 404
    client.force_login(OperatorFactory.create())
    assert client.get(page).status_code == 200


def test_a_job_a_contract_needs_keeps_its_title_and_stays() -> None:
    """P2: a job that became a contract is a transaction record: its title stays (its
    description, the person's writing, does not)."""
    person = UserFactory.create()
    contract = contract_completed(client=person)
    job = contract.job
    other = closed_job(person, "契約にならなかった依頼")
    withdraw(person)

    erase(person.pk)

    job.refresh_from_db()
    other.refresh_from_db()
    assert (job.title, job.erased_at) == ("ロゴ制作", None)
    assert job.description == PLACEHOLDER
    assert (other.title, other.erased_at is not None) == (PLACEHOLDER, True)

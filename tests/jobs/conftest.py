import pytest
from django.test import Client

from tests.factories import JobFactory, OperatorFactory, ProposalFactory, UserFactory
from ukeoi.accounts import visibility
from ukeoi.accounts.models import User
from ukeoi.jobs.models import Job, Proposal
from ukeoi.jobs.selectors import has_proposal_between


@pytest.fixture
def client_user(db: None) -> User:
    return UserFactory.create(display_name="依頼主", username="client_handle")


@pytest.fixture
def lancer(db: None) -> User:
    return UserFactory.create(display_name="ランサー", username="lancer_handle")


@pytest.fixture
def operator(db: None) -> User:
    return OperatorFactory.create(display_name="運営")


@pytest.fixture
def job(client_user: User) -> Job:
    return JobFactory.create(client=client_user, title="ロゴ制作")


@pytest.fixture
def proposal(job: Job, lancer: User) -> Proposal:
    return ProposalFactory.create(job=job, lancer=lancer)


@pytest.fixture(autouse=True)
def jobs_counterpart_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the jobs app's own A2 check, whatever other apps registered."""
    monkeypatch.setattr(visibility, "_counterpart_checks", [has_proposal_between])


@pytest.fixture
def en(client: Client) -> Client:
    """The test client asking for English pages, for assertions on the source wording
    (the Japanese catalogue is regenerated separately)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client

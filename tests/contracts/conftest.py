import pytest

from tests.factories import OperatorFactory, UserFactory
from ukeoi.accounts.models import User


@pytest.fixture
def client_user(db: None) -> User:
    return UserFactory.create(display_name="依頼主", username="client_handle")


@pytest.fixture
def lancer(db: None) -> User:
    return UserFactory.create(display_name="ランサー", username="lancer_handle")


@pytest.fixture
def operator(db: None) -> User:
    return OperatorFactory.create(display_name="運営", username="contracts_op")

import pytest

from tests.factories import UserFactory
from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount


@pytest.fixture
def bank(db: None) -> LedgerAccount:
    return services.platform_account(kind=AccountKind.BANK)


@pytest.fixture
def lancer(db: None):
    return UserFactory.create()


@pytest.fixture
def client_user(db: None):
    return UserFactory.create()


@pytest.fixture
def escrow(bank: LedgerAccount) -> LedgerAccount:
    """A milestone escrow holding 10,000 yen, paid in from the bank."""
    account = services.escrow_account(subject_type="contracts.milestone", subject_id=1)
    services.post(key="fund:escrow:1", kind="test.fund", legs=[(bank, -10_000), (account, 10_000)])
    account.refresh_from_db()
    return account


@pytest.fixture
def reward(lancer) -> LedgerAccount:
    return services.reward_account(lancer=lancer)


@pytest.fixture
def fee_lancer(db: None) -> LedgerAccount:
    return services.platform_account(kind=AccountKind.FEE_REVENUE_LANCER)

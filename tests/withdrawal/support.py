"""Helpers shared by the withdrawal tests (those of every app are in tests.support)."""

from ukeoi.accounts.models import User
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerEntry


def give_reward(user: User, amount: int, *, key: str | None = None) -> None:
    """Credit a reward balance the way real money arrives: from the bank via escrow."""
    bank = ledger.platform_account(kind=AccountKind.BANK)
    ledger.post(
        key=key or f"test:reward:{user.pk}:{amount}:{LedgerEntry.objects.count()}",
        kind="test.reward",
        legs=[(bank, -amount), (ledger.reward_account(lancer=user), amount)],
    )

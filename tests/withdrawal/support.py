"""Helpers shared by the withdrawal tests."""

from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session

from ukeoi.accounts.models import ApiToken, RetiredIdentifier, User
from ukeoi.core.models import AuditEvent
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerEntry
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.withdrawal.models import Withdrawal, WithdrawWhenClear


@dataclass(frozen=True)
class Snapshot:
    """Everything a refused withdrawal must leave as it was."""

    user: tuple[Any, ...]
    rows: dict[str, int]
    live_tokens: int


def snapshot(user: User) -> Snapshot:
    fresh = User.objects.get(pk=user.pk)
    models: list[Any] = [
        Withdrawal,
        WithdrawWhenClear,
        RetiredIdentifier,
        AuditEvent,
        LedgerEntry,
        Session,
    ]
    return Snapshot(
        user=(fresh.status, fresh.is_active, fresh.email, fresh.username, fresh.password),
        rows={model.__name__: model.objects.count() for model in models},
        live_tokens=ApiToken.objects.filter(user=user, revoked_at__isnull=True).count(),
    )


def give_reward(user: User, amount: int, *, key: str | None = None) -> None:
    """Credit a reward balance the way real money arrives: from the bank via escrow."""
    bank = ledger.platform_account(kind=AccountKind.BANK)
    ledger.post(
        key=key or f"test:reward:{user.pk}:{amount}:{LedgerEntry.objects.count()}",
        kind="test.reward",
        legs=[(bank, -amount), (ledger.reward_account(lancer=user), amount)],
    )


def assert_ledger_clean() -> None:
    check = ledger_check_get()
    assert check.ok, check

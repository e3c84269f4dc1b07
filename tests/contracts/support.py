"""Helpers shared by the contracts tests (those of every app are in tests.support)."""

from typing import Any

from ukeoi.contracts.models import Milestone
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount


def balance(kind: str, **scope: Any) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **scope).first()
    return account.balance if account else 0


def escrow_balance(milestone: Milestone) -> int:
    return balance(
        AccountKind.ESCROW, subject_type="contracts.milestone", subject_id=str(milestone.pk)
    )


def english(message: Any) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(message)

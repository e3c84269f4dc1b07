"""Helpers shared by the contracts tests."""

from dataclasses import dataclass
from typing import Any

from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.core.models import AuditEvent
from ukeoi.jobs.models import ClientPayment
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry
from ukeoi.ledger.selectors import ledger_check_get


@dataclass(frozen=True)
class Snapshot:
    rows: dict[str, int]
    statuses: dict[str, dict[int, str]]
    balances: dict[int, int]


def snapshot() -> Snapshot:
    """Everything a refused action must leave as it was."""
    models: list[Any] = [
        Contract,
        Milestone,
        Delivery,
        Cancellation,
        Rating,
        ClientPayment,
        AuditEvent,
        LedgerEntry,
    ]
    return Snapshot(
        rows={model.__name__: model.objects.count() for model in models},
        statuses={
            "contract": dict(Contract.objects.values_list("pk", "status")),
            "milestone": dict(Milestone.objects.values_list("pk", "status")),
            "cancellation": dict(Cancellation.objects.values_list("pk", "step")),
            "payment": dict(ClientPayment.objects.values_list("pk", "status")),
        },
        balances=dict(LedgerAccount.objects.values_list("pk", "balance")),
    )


def balance(kind: str, **scope: Any) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **scope).first()
    return account.balance if account else 0


def escrow_balance(milestone: Milestone) -> int:
    return balance(
        AccountKind.ESCROW, subject_type="contracts.milestone", subject_id=str(milestone.pk)
    )


def assert_ledger_clean() -> None:
    check = ledger_check_get()
    assert check.ok, check


def english(message: Any) -> str:
    from django.utils import translation

    with translation.override("en"):
        return str(message)

"""Helpers shared by the ledger tests."""

from dataclasses import dataclass

from django.db import connection

from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction


@dataclass(frozen=True)
class LedgerSnapshot:
    transactions: int
    entries: int
    balances: dict[int, int]


def ledger_snapshot() -> LedgerSnapshot:
    """Everything a refused posting must leave as it was."""
    return LedgerSnapshot(
        transactions=LedgerTransaction.objects.count(),
        entries=LedgerEntry.objects.count(),
        balances=dict(LedgerAccount.objects.values_list("pk", "balance")),
    )


def balance(account: LedgerAccount) -> int:
    return LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)


def bypass_postgres_guards() -> None:
    """Tamper tests only: switch off the ledger triggers for the rest of this transaction
    (PostgreSQL, superuser), as someone writing around the application would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")

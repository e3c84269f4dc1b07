"""Helpers shared by the ledger tests."""

from django.db import connection

from ukeoi.ledger.models import LedgerAccount


def balance(account: LedgerAccount) -> int:
    return LedgerAccount.objects.values_list("balance", flat=True).get(pk=account.pk)


def bypass_postgres_guards() -> None:
    """Tamper tests only: switch off the ledger triggers for the rest of this transaction
    (PostgreSQL, superuser), as someone writing around the application would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")

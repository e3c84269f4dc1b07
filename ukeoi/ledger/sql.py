"""The ledger's tables in raw SQL, for callers that work in sets (the payout batch, M3–M6).

The ledger owns its tables: a caller whose own SQL needs an account's balance takes the
reads or the fragments from here and never names a ledger table or column. A fragment is
SQL text with `%s` placeholders and the parameters that fill them, in order; `alias` is the
name the caller's query gives the account row. Each read runs a fixed number of queries on
the caller's connection (inside its transaction)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Model

from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction


@dataclass(frozen=True)
class Sql:
    text: str
    params: tuple[Any, ...] = ()


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _int_array(values: list[int]) -> str:
    """A PostgreSQL array literal, for `%s::bigint[]` (one parameter, not thousands)."""
    return "{" + ",".join(map(str, values)) + "}"


def _positive_owned(kind: AccountKind, after: int) -> Sql:
    """The accounts of `kind` with a positive balance whose owner's pk is above `after`."""
    return Sql(
        f"FROM {_table(LedgerAccount)} ra WHERE ra.kind = %s AND ra.owner_id IS NOT NULL "
        "AND ra.owner_id > %s AND ra.balance > 0",
        (kind, after),
    )


def positive_owners(*, kind: AccountKind, after: int, upto: int) -> Sql:
    """A subquery: the owners (user pks in `(after, upto]`) of an account of `kind` with a
    positive balance."""
    owned = _positive_owned(kind, after)
    return Sql(f"SELECT ra.owner_id {owned.text} AND ra.owner_id <= %s", (*owned.params, upto))


def positive_owner_count(*, kind: AccountKind, after: int) -> int:
    """How many owners above `after` hold an account of `kind` with a positive balance."""
    owned = _positive_owned(kind, after)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {owned.text}", list(owned.params))
        return int(cursor.fetchone()[0])


def positive_owners_chunk_end(*, kind: AccountKind, after: int, size: int) -> int | None:
    """The owner pk that ends the next `size` owners above `after` of an account of `kind`
    with a positive balance (the last one when fewer are left); None when none is."""
    owned = _positive_owned(kind, after)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ra.owner_id {owned.text} ORDER BY ra.owner_id LIMIT 1 OFFSET %s",
            [*owned.params, size - 1],
        )
        row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        cursor.execute(f"SELECT MAX(ra.owner_id) {owned.text}", list(owned.params))
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


def positive_account_join(*, kind: AccountKind, owner: str, alias: str) -> Sql:
    """A JOIN clause: the account of `kind` owned by the caller's column `owner`, only
    when its balance is positive, as `alias`."""
    return Sql(
        f"JOIN {_table(LedgerAccount)} {alias} ON {alias}.owner_id = {owner} "
        f"AND {alias}.kind = %s AND {alias}.balance > 0",
        (kind,),
    )


def balance_confirmed_by(*, alias: str, moment: datetime) -> Sql:
    """An expression: the balance of the account `alias` without the credits posted from
    `moment` on (debits count whenever they were posted), i.e. the part of it that was
    already there at `moment` and has not been spent since."""
    return Sql(
        f"{alias}.balance - COALESCE(("
        f"SELECT SUM(e.amount) FROM {_table(LedgerEntry)} e "
        f"JOIN {_table(LedgerTransaction)} tx ON tx.id = e.transaction_id "
        f"WHERE e.account_id = {alias}.id AND e.amount > 0 AND tx.created_at >= %s"
        "), 0)",
        (connection.ops.adapt_datetimefield_value(moment),),
    )


def account_ids_by_owner(*, kind: AccountKind, owner_ids: list[int]) -> dict[int, int]:
    """Owner pk -> the pk of their account of `kind`, for the owners that have one; one
    query whatever the number of owners."""
    if not owner_ids:
        return {}
    params: list[Any]
    if connection.vendor == "postgresql":
        condition, params = "ra.owner_id = ANY(%s::bigint[])", [_int_array(owner_ids)]
    else:
        condition, params = f"ra.owner_id IN ({', '.join(['%s'] * len(owner_ids))})", owner_ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ra.owner_id, ra.id FROM {_table(LedgerAccount)} ra "
            f"WHERE ra.kind = %s AND {condition}",
            [kind, *params],
        )
        return {int(owner): int(pk) for owner, pk in cursor.fetchall()}

"""One posting (M1): balanced legs, whole yen, idempotent by key, running balances."""

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.ledger.enums import NEGATIVE_ALLOWED_KINDS
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from ukeoi.ledger.services._common import (
    MAX_LEG_AMOUNT,
    DuplicateLeg,
    EmptyPosting,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    Leg,
    NotWholeYen,
    UnbalancedPosting,
    ZeroLeg,
)


def post(*, key: str, kind: str, legs: Sequence[Leg], memo: str = "") -> LedgerTransaction:
    """M1, M2: move money as one balanced transaction, exactly once per key.

    Locks the touched accounts in primary-key order and writes the transaction, its entries
    and the accounts' running balances in one database transaction. Refuses (and changes
    nothing) on empty legs, a zero or fractional amount, an account named twice, legs that
    do not sum to zero, or an account that may not go negative going below zero. The same
    key with the same kind and legs returns the existing transaction; with anything else it
    raises `IdempotencyConflict`."""
    deltas = _checked_deltas(key=key, kind=kind, legs=legs)
    fingerprint = _legs_fingerprint(kind=kind, deltas=deltas)
    try:
        with transaction.atomic():
            return _write(key=key, kind=kind, memo=memo, deltas=deltas, fingerprint=fingerprint)
    except (IntegrityError, InsufficientBalance):
        # The key may be taken (IntegrityError), or the money this retry would move may have
        # moved on since the first posting. The savepoint is rolled back: read what is there.
        existing = LedgerTransaction.objects.filter(key=key).first()
        if existing is None:
            raise
    if existing.legs_fingerprint != fingerprint:
        raise IdempotencyConflict(
            _("This request was already made with different amounts; nothing was changed.")
        )
    return existing


def _legs_fingerprint(*, kind: str, deltas: dict[int, int]) -> str:
    """A digest of the kind and the legs, independent of the order the legs were given in."""
    text = kind + "\n" + "\n".join(f"{pk}:{amount}" for pk, amount in sorted(deltas.items()))
    return hashlib.sha256(text.encode()).hexdigest()


def _checked_deltas(*, key: str, kind: str, legs: Sequence[Leg]) -> dict[int, int]:
    """The legs as {account pk: amount} in primary-key order, or a refusal."""
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        raise InvalidPosting(_("A posting needs an idempotency key of 1 to 200 characters."))
    if not isinstance(kind, str) or not kind.strip() or len(kind) > 64:
        raise InvalidPosting(_("A posting needs a kind of 1 to 64 characters."))
    if not legs:
        raise EmptyPosting(_("A posting needs at least two legs."))
    deltas: dict[int, int] = {}
    for account, amount in legs:
        if not isinstance(account, LedgerAccount) or account.pk is None:
            raise InvalidPosting(_("Every leg of a posting needs a saved ledger account."))
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise NotWholeYen(_("Amounts are whole yen."))
        if amount == 0:
            raise ZeroLeg(_("A leg of a posting may not be zero yen."))
        if abs(amount) > MAX_LEG_AMOUNT:
            raise InvalidPosting(_("The amount is too large."))
        if account.pk in deltas:
            raise DuplicateLeg(_("An account may appear only once in a posting."))
        deltas[account.pk] = amount
    if sum(deltas.values()) != 0:
        raise UnbalancedPosting(_("The legs of a posting must sum to zero."))
    return dict(sorted(deltas.items()))


def _write(
    *, key: str, kind: str, memo: str, deltas: dict[int, int], fingerprint: str
) -> LedgerTransaction:
    """Lock, check and write one posting in a fixed number of statements, whatever the
    number of legs: lock the accounts, then insert the transaction and entries and update
    the balances (one statement on PostgreSQL, three on SQLite).

    Hand-written SQL on purpose: building these statements with the ORM (a Case/When
    update, two bulk_creates) took three quarters of a posting's CPU time, and each round
    trip to the server counts (bench/ledger.py)."""
    db = transaction.get_connection()
    sql = _statements(len(deltas))
    ids = list(deltas)
    with db.cursor() as cursor:
        # Primary-key order, so that concurrent postings always lock in the same order.
        cursor.execute(sql.lock + (" FOR UPDATE" if db.features.has_select_for_update else ""), ids)
        locked = cursor.fetchall()
        if len(locked) != len(ids):
            raise InvalidPosting(_("Every leg of a posting needs a saved ledger account."))
        legs: list[tuple[int, int, int]] = []  # (account id, amount, balance after)
        for pk, account_kind, balance in locked:
            amount = deltas[pk]
            if balance + amount < 0 and account_kind not in NEGATIVE_ALLOWED_KINDS:
                raise InsufficientBalance(
                    account_id=pk, kind=account_kind, balance=balance, amount=amount
                )
            legs.append((pk, amount, balance + amount))
        now = clock.now()
        header = [key, kind, memo, db.ops.adapt_datetimefield_value(now), fingerprint]
        balances = [*[value for pk, amount, _ in legs for value in (pk, amount)], *ids]
        # A reused key fails the unique index here: IntegrityError, handled by post().
        if db.vendor == "postgresql":
            cursor.execute(
                sql.write_all_at_once,
                [*header, *[value for leg in legs for value in leg], *balances],
            )
            transaction_id = cursor.fetchone()[0]
        else:
            cursor.execute(sql.insert_transaction, header)
            transaction_id = cursor.fetchone()[0]
            cursor.execute(
                sql.insert_entries, [value for leg in legs for value in (transaction_id, *leg)]
            )
            cursor.execute(sql.update_balances, balances)
    posted = LedgerTransaction(
        id=transaction_id,
        key=key,
        kind=kind,
        memo=memo,
        created_at=now,
        legs_fingerprint=fingerprint,
    )
    posted._state.adding = False
    posted._state.db = db.alias
    return posted


_TRANSACTION_COLUMNS = ["key", "kind", "memo", "created_at", "legs_fingerprint"]


@dataclass(frozen=True)
class _Statements:
    lock: str
    insert_transaction: str
    insert_entries: str
    update_balances: str
    # PostgreSQL: the three writes above as one statement (one round trip).
    write_all_at_once: str


@functools.lru_cache(maxsize=32)
def _statements(legs: int) -> _Statements:
    """The SQL of a posting with this many legs (identifiers quoted the standard way)."""
    account, txn, entry = (
        f'"{model._meta.db_table}"' for model in (LedgerAccount, LedgerTransaction, LedgerEntry)
    )
    in_ids = ", ".join(["%s"] * legs)
    columns = ", ".join(f'"{column}"' for column in _TRANSACTION_COLUMNS)
    insert_transaction = f"INSERT INTO {txn} ({columns}) VALUES (%s, %s, %s, %s, %s) RETURNING id"
    entry_columns = "(transaction_id, account_id, amount, balance_after)"
    update_balances = (
        f"UPDATE {account} SET balance = balance + CASE id "
        + " ".join(["WHEN %s THEN %s"] * legs)
        + f" END WHERE id IN ({in_ids})"
    )
    leg_rows = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * legs)
    return _Statements(
        lock=f"SELECT id, kind, balance FROM {account} WHERE id IN ({in_ids}) ORDER BY id",
        insert_transaction=insert_transaction,
        insert_entries=f"INSERT INTO {entry} {entry_columns} VALUES "
        + ", ".join(["(%s, %s, %s, %s)"] * legs),
        update_balances=update_balances,
        write_all_at_once=(
            f"WITH txn AS ({insert_transaction}), "
            f"entries AS (INSERT INTO {entry} {entry_columns} "
            f"SELECT txn.id, legs.* FROM txn, (VALUES {leg_rows}) AS legs), "
            f"balances AS ({update_balances}) "
            "SELECT id FROM txn"
        ),
    )

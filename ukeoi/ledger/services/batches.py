"""Many postings at once (M3 batches): the same checks as `post`, set-based SQL."""

from collections.abc import Sequence
from typing import Any, NamedTuple, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.ledger.enums import KIND_SCOPE, NEGATIVE_ALLOWED_KINDS, AccountScope
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from ukeoi.ledger.services._common import (
    MAX_LEG_AMOUNT,
    DuplicateLeg,
    EmptyPosting,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidPosting,
    NotWholeYen,
    UnbalancedPosting,
    ZeroLeg,
)
from ukeoi.ledger.services.posting import _TRANSACTION_COLUMNS, _legs_fingerprint


class NewAccount(NamedTuple):
    """A subject-scoped account that a `post_many` posting opens: created by the posting
    with its opening balance (the leg's amount) in the same statement, instead of being
    created at zero and then updated. If it exists already it is used like any other.
    (Named tuples, this and `Posting`: a batch makes one per posting, and a frozen
    dataclass costs several times as much to make and to hash.)"""

    kind: str
    subject_type: str
    subject_id: str


class Posting(NamedTuple):
    """One movement of `post_many`: like `post()`'s arguments, with legs by account pk,
    and `opens`: more legs, on accounts the posting opens (`NewAccount`)."""

    key: str
    legs: Sequence[tuple[int, int]]  # (ledger account pk, signed amount)
    memo: str = ""
    opens: Sequence[tuple[NewAccount, int]] = ()


_T = TypeVar("_T")

# SQLite limits the parameters of one statement; PostgreSQL gets arrays instead.
_SQLITE_ROWS_PER_STATEMENT = 500

_Deltas = dict[int | NewAccount, int]


def post_many(*, kind: str, postings: Sequence[Posting]) -> list[int]:
    """M1, M2 for a batch: many balanced transactions of one kind, in a fixed number of
    statements whatever their number. Returns the transaction ids in `postings` order.

    Same invariants as `post()`: each posting is checked as `post()` checks it (two or more
    legs summing to zero, whole non-zero yen, no account twice, valid key); the touched
    accounts are locked in primary-key order; entries carry the running balance, applied in
    `postings` order, and no account that may not go negative goes below zero at any step;
    a key already posted with the same kind and legs is skipped (its id is returned), with
    different ones the whole call is refused (`IdempotencyConflict`). All or nothing: a
    refusal writes nothing. A `NewAccount` leg that does not exist yet is created with the
    leg as its opening balance (such an account may open in only one posting of a call).
    Call it inside the caller's transaction, after its row locks."""
    checked: list[tuple[Posting, _Deltas]] = []
    seen: set[str] = set()
    for posting in postings:
        if posting.key in seen:
            raise InvalidPosting(_("Each posting of a batch needs its own idempotency key."))
        seen.add(posting.key)
        legs: list[tuple[int | NewAccount, int]] = [*posting.legs, *posting.opens]
        deltas = _checked_id_deltas(key=posting.key, kind=kind, legs=legs)
        checked.append((posting, deltas))
    if not checked:
        return []
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _write_many(kind=kind, checked=checked)
        except IntegrityError:
            # A concurrent caller posted one of these keys (or opened one of these accounts)
            # first; the second attempt sees it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _checked_id_deltas(
    *, key: str, kind: str, legs: Sequence[tuple[int | NewAccount, int]]
) -> _Deltas:
    if not isinstance(key, str) or not key.strip() or len(key) > 200:
        raise InvalidPosting(_("A posting needs an idempotency key of 1 to 200 characters."))
    if not isinstance(kind, str) or not kind.strip() or len(kind) > 64:
        raise InvalidPosting(_("A posting needs a kind of 1 to 64 characters."))
    if len(legs) < 2:
        raise EmptyPosting(_("A posting needs at least two legs."))
    deltas: _Deltas = {}
    for account_id, amount in legs:
        if isinstance(account_id, NewAccount):
            if (
                KIND_SCOPE.get(account_id.kind) != AccountScope.SUBJECT
                or not isinstance(account_id.subject_type, str)
                or not isinstance(account_id.subject_id, str)
                or not account_id.subject_type
                or not account_id.subject_id
            ):
                raise InvalidPosting(_("Every leg of a posting needs a saved ledger account."))
        elif isinstance(account_id, bool) or not isinstance(account_id, int):
            raise InvalidPosting(_("Every leg of a posting needs a saved ledger account."))
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise NotWholeYen(_("Amounts are whole yen."))
        if amount == 0:
            raise ZeroLeg(_("A leg of a posting may not be zero yen."))
        if abs(amount) > MAX_LEG_AMOUNT:
            raise InvalidPosting(_("The amount is too large."))
        if account_id in deltas:
            raise DuplicateLeg(_("An account may appear only once in a posting."))
        deltas[account_id] = amount
    if sum(deltas.values()) != 0:
        raise UnbalancedPosting(_("The legs of a posting must sum to zero."))
    return deltas


def _int_array(values: Sequence[int]) -> str:
    """A PostgreSQL array literal of integers, for `%s::bigint[]`: one string to send
    instead of one adapted element per value (a batch posts tens of thousands)."""
    return "{" + ",".join(map(str, values)) + "}"


def _text_array(values: Sequence[str]) -> str:
    """A PostgreSQL array literal of strings, every element quoted (backslash and double
    quote escaped), for `%s::text[]`."""
    return (
        "{"
        + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
        + "}"
    )


def _chunks(values: Sequence[_T], size: int) -> list[Sequence[_T]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _find_accounts(cursor: Any, postgres: bool, refs: set[NewAccount]) -> dict[NewAccount, int]:
    """The pks of the `NewAccount`s that exist already."""
    table = f'"{LedgerAccount._meta.db_table}"'
    groups: dict[tuple[str, str], list[str]] = {}
    for ref in refs:
        groups.setdefault((ref.kind, ref.subject_type), []).append(ref.subject_id)
    found: dict[NewAccount, int] = {}
    for (account_kind, subject_type), subject_ids in groups.items():
        parts: list[Sequence[str]] = (
            [subject_ids] if postgres else _chunks(subject_ids, _SQLITE_ROWS_PER_STATEMENT)
        )
        for part in parts:
            if postgres:
                condition, params = "subject_id = ANY(%s::text[])", [_text_array(part)]
            else:
                condition, params = f"subject_id IN ({', '.join(['%s'] * len(part))})", list(part)
            cursor.execute(
                f"SELECT subject_id, id FROM {table} "
                f"WHERE kind = %s AND subject_type = %s AND {condition}",
                [account_kind, subject_type, *params],
            )
            for subject_id, pk in cursor.fetchall():
                found[NewAccount(account_kind, subject_type, subject_id)] = int(pk)
    return found


def _open_accounts(
    cursor: Any, postgres: bool, opening: dict[NewAccount, int], now: Any
) -> dict[NewAccount, int]:
    """Insert these accounts with their opening balances; a concurrent creation of one of
    them fails the unique constraint (IntegrityError, retried by post_many)."""
    table = f'"{LedgerAccount._meta.db_table}"'
    refs = list(opening)
    created: dict[NewAccount, int] = {}
    columns = "(kind, owner_id, subject_type, subject_id, balance, created_at)"
    if postgres:
        cursor.execute(
            f"INSERT INTO {table} {columns} "
            "SELECT u.kind, NULL, u.subject_type, u.subject_id, u.balance, %s "
            "FROM unnest(%s::text[], %s::text[], %s::text[], %s::bigint[]) WITH ORDINALITY "
            "AS u(kind, subject_type, subject_id, balance, n) ORDER BY u.n "
            "RETURNING id, kind, subject_type, subject_id",
            [
                now,
                _text_array([ref.kind for ref in refs]),
                _text_array([ref.subject_type for ref in refs]),
                _text_array([ref.subject_id for ref in refs]),
                _int_array([opening[ref] for ref in refs]),
            ],
        )
        rows = cursor.fetchall()
    else:
        rows = []
        for part in _chunks(refs, _SQLITE_ROWS_PER_STATEMENT):
            cursor.execute(
                f"INSERT INTO {table} {columns} VALUES "
                + ", ".join(["(%s, NULL, %s, %s, %s, %s)"] * len(part))
                + " RETURNING id, kind, subject_type, subject_id",
                [
                    value
                    for ref in part
                    for value in (ref.kind, ref.subject_type, ref.subject_id, opening[ref], now)
                ],
            )
            rows.extend(cursor.fetchall())
    for pk, account_kind, subject_type, subject_id in rows:
        created[NewAccount(account_kind, subject_type, subject_id)] = int(pk)
    return created


class _Tables(NamedTuple):
    account: str
    txn: str
    entry: str


def _write_many(*, kind: str, checked: list[tuple[Posting, _Deltas]]) -> list[int]:
    """`post_many`'s writes, in one transaction: find the accounts and the keys that exist,
    set aside the postings already made, open the new accounts, lock and run the balances
    forward, then insert the transactions and entries and store the balances."""
    db = transaction.get_connection()
    postgres = db.vendor == "postgresql"
    tables = _Tables(
        *(f'"{model._meta.db_table}"' for model in (LedgerAccount, LedgerTransaction, LedgerEntry))
    )
    keys = [posting.key for posting, _d in checked]
    now = db.ops.adapt_datetimefield_value(clock.now())
    with db.cursor() as cursor:
        # Accounts to open that exist already are legs like any other.
        refs = {leg for _p, deltas in checked for leg in deltas if isinstance(leg, NewAccount)}
        resolved = _find_accounts(cursor, postgres, refs) if refs else {}
        existing = {
            key: (pk, fingerprint)
            for key, pk, fingerprint in _select_in(
                cursor,
                postgres,
                f"SELECT key, id, legs_fingerprint FROM {tables.txn}",
                column="key",
                values=keys,
                array="text",
            )
        }
        fresh, opening, ids = _set_aside_posted(kind, checked, existing, resolved)
        if not fresh:
            return [ids[key] for key in keys]

        # Lock every touched existing account in primary-key order, then run the balances
        # forward; the accounts opened here are new rows nobody else can see.
        opened_refs = _open_accounts(cursor, postgres, opening, now) if opening else {}
        pks = {**resolved, **opened_refs}
        fresh_pk = [(posting, _by_pk(deltas, pks)) for posting, deltas in fresh]
        opened = set(opened_refs.values())
        account_ids = sorted({pk for _p, by_pk in fresh_pk for pk in by_pk} - opened)
        locked = _select_in(
            cursor,
            postgres,
            f"SELECT id, kind, balance FROM {tables.account}",
            column="id",
            values=account_ids,
            array="bigint",
            order_by="id",
            for_update=True,
        )
        if len(locked) != len(account_ids):
            raise InvalidPosting(_("Every leg of a posting needs a saved ledger account."))
        balances = {pk: balance for pk, _kind, balance in locked}
        kinds = {pk: account_kind for pk, account_kind, _b in locked}
        for ref, pk in opened_refs.items():
            balances[pk], kinds[pk] = 0, ref.kind
        entry_rows = _run_forward(fresh_pk, balances, kinds)
        fingerprints = [_legs_fingerprint(kind=kind, deltas=by_pk) for _p, by_pk in fresh_pk]
        by_key = _insert_transactions(
            cursor, postgres, tables, kind=kind, now=now, fresh=fresh, fingerprints=fingerprints
        )
        transaction_ids = [by_key[posting.key] for posting, _d in fresh]
        ids.update(by_key)
        _insert_entries(cursor, postgres, tables, transaction_ids, entry_rows)
        # Each existing account's running balance becomes that of its last entry (an account
        # opened here was written with it).
        _store_balances(cursor, postgres, tables, [(balances[pk], pk) for pk in account_ids])
    return [ids[key] for key in keys]


def _select_in(
    cursor: Any,
    postgres: bool,
    select: str,
    *,
    column: str,
    values: Sequence[Any],
    array: str,
    order_by: str = "",
    for_update: bool = False,
) -> list[tuple[Any, ...]]:
    """`select` over the rows whose `column` is one of `values`: one statement with an
    array on PostgreSQL, chunks of `IN (...)` on SQLite (its parameter limit)."""
    tail = f" ORDER BY {order_by}" if order_by else ""
    if postgres:
        literal = _int_array(values) if array == "bigint" else _text_array(values)
        cursor.execute(
            f"{select} WHERE {column} = ANY(%s::{array}[]){tail}"
            + (" FOR UPDATE" if for_update else ""),
            [literal],
        )
        return list(cursor.fetchall())
    rows: list[tuple[Any, ...]] = []
    for part in _chunks(values, _SQLITE_ROWS_PER_STATEMENT):
        marks = ", ".join(["%s"] * len(part))
        cursor.execute(f"{select} WHERE {column} IN ({marks}){tail}", list(part))
        rows.extend(cursor.fetchall())
    return rows


def _set_aside_posted(
    kind: str,
    checked: list[tuple[Posting, _Deltas]],
    existing: dict[str, tuple[int, str]],
    resolved: dict[NewAccount, int],
) -> tuple[list[tuple[Posting, _Deltas]], dict[NewAccount, int], dict[str, int]]:
    """Keys already posted: the same legs are skipped (their ids kept), different ones
    refuse the call. Returns the postings still to write, the accounts they open with their
    opening balances, and the ids of the postings already made."""
    fresh: list[tuple[Posting, _Deltas]] = []
    opening: dict[NewAccount, int] = {}
    ids: dict[str, int] = {}
    for posting, deltas in checked:
        found = existing.get(posting.key)
        if found is None:
            fresh.append((posting, deltas))
            for leg, amount in deltas.items():
                if isinstance(leg, NewAccount) and leg not in resolved:
                    if leg in opening:
                        raise InvalidPosting(
                            _("A new account can be opened by only one posting of a batch.")
                        )
                    if amount < 0 and leg.kind not in NEGATIVE_ALLOWED_KINDS:
                        raise InsufficientBalance(
                            account_id=0, kind=leg.kind, balance=0, amount=amount
                        )
                    opening[leg] = amount
            continue
        # A posting that opens an account cannot be the earlier one, whose accounts all
        # exist; otherwise its legs must be the earlier one's.
        opens = any(isinstance(leg, NewAccount) and leg not in resolved for leg in deltas)
        if opens or found[1] != _legs_fingerprint(kind=kind, deltas=_by_pk(deltas, resolved)):
            raise IdempotencyConflict(
                _("This request was already made with different amounts; nothing was changed.")
            )
        ids[posting.key] = found[0]
    return fresh, opening, ids


def _run_forward(
    fresh_pk: list[tuple[Posting, dict[int, int]]],
    balances: dict[int, int],
    kinds: dict[int, str],
) -> list[tuple[int, int, int, int]]:
    """Apply the postings in order to `balances` (in place): the entry rows (posting index,
    account, amount, balance after); no account that may not go negative goes below zero."""
    entry_rows: list[tuple[int, int, int, int]] = []
    for index, (_posting, by_pk) in enumerate(fresh_pk):
        for pk, amount in by_pk.items():
            after = balances[pk] + amount
            if after < 0 and kinds[pk] not in NEGATIVE_ALLOWED_KINDS:
                raise InsufficientBalance(
                    account_id=pk, kind=kinds[pk], balance=balances[pk], amount=amount
                )
            balances[pk] = after
            entry_rows.append((index, pk, amount, after))
    return entry_rows


def _insert_transactions(
    cursor: Any,
    postgres: bool,
    tables: _Tables,
    *,
    kind: str,
    now: Any,
    fresh: list[tuple[Posting, _Deltas]],
    fingerprints: list[str],
) -> dict[str, int]:
    """The transactions, in postings order (ids follow it); a reused key fails the unique
    index. Returns their ids by key."""
    columns = ", ".join(f'"{column}"' for column in _TRANSACTION_COLUMNS)
    if postgres:
        cursor.execute(
            f"INSERT INTO {tables.txn} ({columns}) "
            "SELECT u.key, %s, u.memo, %s, u.fingerprint "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY "
            "AS u(key, memo, fingerprint, n) ORDER BY u.n RETURNING id, key",
            [
                kind,
                now,
                _text_array([p.key for p, _d in fresh]),
                _text_array([p.memo for p, _d in fresh]),
                _text_array(fingerprints),
            ],
        )
        return {key: pk for pk, key in cursor.fetchall()}
    by_key: dict[str, int] = {}
    rows = list(zip(fresh, fingerprints, strict=True))
    for part in _chunks(rows, _SQLITE_ROWS_PER_STATEMENT):
        cursor.execute(
            f"INSERT INTO {tables.txn} ({columns}) VALUES "
            + ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
            + " RETURNING id, key",
            [
                value
                for (posting, _d), fingerprint in part
                for value in (posting.key, kind, posting.memo, now, fingerprint)
            ],
        )
        by_key.update((key, pk) for pk, key in cursor.fetchall())
    return by_key


def _insert_entries(
    cursor: Any,
    postgres: bool,
    tables: _Tables,
    transaction_ids: list[int],
    entry_rows: list[tuple[int, int, int, int]],
) -> None:
    """All entries in one statement (the PostgreSQL trigger checks each transaction's sum)."""
    entry_columns = "(transaction_id, account_id, amount, balance_after)"
    if postgres:
        cursor.execute(
            f"INSERT INTO {tables.entry} {entry_columns} "
            "SELECT u.t, u.a, u.amount, u.after "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[]) "
            "WITH ORDINALITY AS u(t, a, amount, after, n) ORDER BY u.n",
            [
                _int_array([transaction_ids[index] for index, _a, _m, _b in entry_rows]),
                _int_array([pk for _i, pk, _m, _b in entry_rows]),
                _int_array([amount for _i, _a, amount, _b in entry_rows]),
                _int_array([after for _i, _a, _m, after in entry_rows]),
            ],
        )
    else:
        cursor.executemany(
            f"INSERT INTO {tables.entry} {entry_columns} VALUES (%s, %s, %s, %s)",
            [
                (transaction_ids[index], pk, amount, after)
                for index, pk, amount, after in entry_rows
            ],
        )


def _store_balances(
    cursor: Any, postgres: bool, tables: _Tables, final: list[tuple[int, int]]
) -> None:
    """Write each (balance, account pk) as the account's running balance."""
    if postgres:
        cursor.execute(
            f"UPDATE {tables.account} AS a SET balance = u.balance "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS u(id, balance) WHERE a.id = u.id",
            [_int_array([pk for _b, pk in final]), _int_array([b for b, _pk in final])],
        )
    else:
        cursor.executemany(f"UPDATE {tables.account} SET balance = %s WHERE id = %s", final)


def _by_pk(deltas: _Deltas, pks: dict[NewAccount, int]) -> dict[int, int]:
    """The legs by account pk, in pk order (an account named twice refused)."""
    out: dict[int, int] = {}
    for leg, amount in deltas.items():
        pk = pks[leg] if isinstance(leg, NewAccount) else leg
        if pk in out:
            raise DuplicateLeg(_("An account may appear only once in a posting."))
        out[pk] = amount
    return dict(sorted(out.items()))


def subject_accounts_get_or_create_many(
    *, kind: str, subject_type: str, subject_ids: Sequence[str | int]
) -> dict[str, int]:
    """The subject-scoped accounts of `kind` for many subjects, created where missing, in a
    fixed number of statements: {subject id: account pk}. Safe under concurrency (the
    unique constraint lets one row per subject through)."""
    if KIND_SCOPE.get(kind) != AccountScope.SUBJECT:
        raise ValueError(f"{kind!r} accounts are not identified by a subject")
    if not subject_type:
        raise ValueError("a subject-scoped account needs a subject_type")
    wanted = [str(subject_id) for subject_id in subject_ids]
    if any(not subject_id for subject_id in wanted):
        raise ValueError("a subject-scoped account needs a subject_id")
    if not wanted:
        return {}
    db = transaction.get_connection()
    table = f'"{LedgerAccount._meta.db_table}"'
    now = db.ops.adapt_datetimefield_value(clock.now())
    found: dict[str, int] = {}
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (kind, owner_id, subject_type, subject_id, balance, "
                "created_at) SELECT %s, NULL, %s, s, 0, %s FROM unnest(%s::text[]) AS s "
                "ON CONFLICT "
                "DO NOTHING",
                [kind, subject_type, now, wanted],
            )
            cursor.execute(
                f"SELECT subject_id, id FROM {table} "
                "WHERE kind = %s AND subject_type = %s AND subject_id = ANY(%s)",
                [kind, subject_type, wanted],
            )
            found.update(cursor.fetchall())
        else:
            for part in _chunks(wanted, _SQLITE_ROWS_PER_STATEMENT):
                cursor.execute(
                    f"INSERT INTO {table} (kind, owner_id, subject_type, subject_id, balance, "
                    "created_at) VALUES "
                    + ", ".join(["(%s, NULL, %s, %s, 0, %s)"] * len(part))
                    + " ON CONFLICT "
                    "DO NOTHING",
                    [
                        value
                        for subject_id in part
                        for value in (kind, subject_type, subject_id, now)
                    ],
                )
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT subject_id, id FROM {table} "
                    f"WHERE kind = %s AND subject_type = %s AND subject_id IN ({marks})",
                    [kind, subject_type, *part],
                )
                found.update(cursor.fetchall())
    return found

"""Many payees at once, with set-based SQL (PostgreSQL): for the crash test and
bench/payouts.py. A few statements whatever the number of accounts.

Every payee gets a user row, a complete profile (A7), a bank account and a reward balance
credited by ONE ledger transaction (bank -> every reward account) dated `credited_at`, so
`ledger_check` stays clean. With `ineligible_every=k`, every k-th payee keeps the balance
(manual mode) and every (k+1)-th has less than the minimum: the batch must leave those."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction

from ukeoi.accounts.models import Bank, BankAccount, BankBranch, Profile, User
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction
from ukeoi.payouts.models import PayoutSettings

OWN_BANK = "0001"
OTHER_BANK = "0005"


@dataclass(frozen=True)
class Seeded:
    tag: str
    accounts: int
    # The user ids the batch must pay, and the total of their balances.
    eligible: int
    eligible_total: int


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _insert_select(
    model: type[models.Model],
    given: dict[str, str | tuple[str, list[Any]]],
    from_sql: str,
    params: list[Any],
) -> None:
    """INSERT INTO model (every concrete column) SELECT … : the columns in `given` get their
    SQL expression (with its parameters), every other one its Python default (so fields
    other apps add later with a default keep working); `params` are `from_sql`'s."""
    columns, expressions, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        columns.append(_q(column))
        if column in given:
            expression = given[column]
            sql, sql_params = expression if isinstance(expression, tuple) else (expression, [])
            expressions.append(sql)
            values.extend(sql_params)
        else:
            expressions.append("%s")
            values.append(field.get_db_prep_save(field.get_default(), connection))
    sql = (
        f"INSERT INTO {_q(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} {from_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])


def bank_master() -> dict[str, BankBranch]:
    branches = {}
    for code, name, kana, branch_kana in [
        (OWN_BANK, "みずほ銀行", "ミズホ", "トウキヨウ"),
        (OTHER_BANK, "三菱ＵＦＪ銀行", "ミツビシユーエフジエイ", "ホンテン"),
    ]:
        bank, _ = Bank.objects.get_or_create(code=code, defaults={"name": name, "kana": kana})
        branches[code], _ = BankBranch.objects.get_or_create(
            bank=bank, code="001", defaults={"name": branch_kana, "kana": branch_kana}
        )
    return branches


def seed_payees(
    *, accounts: int, credited_at: datetime, tag: str = "s", ineligible_every: int = 0
) -> Seeded:
    """`accounts` payees in a handful of statements; see the module docstring."""
    assert connection.vendor == "postgresql", "seed_payees needs PostgreSQL"
    branches = bank_master()
    bank = ledger.platform_account(kind=AccountKind.BANK)
    now = credited_at
    with transaction.atomic():
        _insert_select(
            User,
            {
                "email": ("%s || g || '@bench.example.jp'", [f"{tag}."]),
                "username": ("%s || g", [tag]),
                "display_name": "'payee ' || g",
                "password": "'!'",
                "date_joined": ("%s", [now]),
            },
            "FROM generate_series(1, %s) AS g",
            [accounts],
        )
        users = f"FROM {_q(User._meta.db_table)} u WHERE u.email LIKE %s"
        pattern = f"{tag}.%@bench.example.jp"
        _insert_select(
            Profile,
            {
                "user_id": "u.id",
                "legal_name": "'山田 太郎'",
                "legal_name_kana": "'ヤマダ タロウ'",
                "postal_code": "'150-0001'",
                "prefecture": "'東京都'",
                "city": "'渋谷区'",
                "street": "'神宮前1-2-3'",
            },
            users,
            [pattern],
        )
        _insert_select(
            BankAccount,
            {
                "user_id": "u.id",
                "bank_id": (
                    "CASE WHEN u.id %% 5 = 0 THEN %s ELSE %s END",
                    [branches[OWN_BANK].bank_id, branches[OTHER_BANK].bank_id],
                ),
                "branch_id": (
                    "CASE WHEN u.id %% 5 = 0 THEN %s ELSE %s END",
                    [branches[OWN_BANK].pk, branches[OTHER_BANK].pk],
                ),
                "account_type": "1",
                "number": "lpad((u.id %% 10000000)::text, 7, '0')",
                "holder_kana": "'ﾔﾏﾀﾞ ﾀﾛｳ'",
                "updated_at": ("%s", [now]),
            },
            users,
            [pattern],
        )
        # Balances: 1,000–50,999 yen; with ineligible_every, some too small or kept.
        amount = "(1000 + (u.id * 7919) %% 50000)"
        if ineligible_every:
            amount = f"(CASE WHEN u.id %% {ineligible_every + 1} = 0 THEN 700 ELSE {amount} END)"
            _insert_select(
                PayoutSettings,
                {"user_id": "u.id", "mode": "'manual'", "updated_at": ("%s", [now])},
                users + f" AND u.id %% {ineligible_every} = 0",
                [pattern],
            )
        ledger_table = _q(LedgerAccount._meta.db_table)
        entry_table = _q(LedgerEntry._meta.db_table)
        txn_table = _q(LedgerTransaction._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {ledger_table} (kind, owner_id, subject_type, subject_id, balance, "
                f"created_at) SELECT 'reward', u.id, '', '', {amount}, %s {users}",
                [now, pattern],
            )
            cursor.execute(
                f"INSERT INTO {txn_table} (key, kind, memo, created_at, legs_fingerprint) "
                "VALUES (%s, 'test.seed', '', %s, '') RETURNING id",
                [f"seed:{tag}", now],
            )
            txn_id = cursor.fetchone()[0]
            # One statement: the bank's leg and every reward leg (balanced per statement).
            cursor.execute(
                f"""
                WITH legs AS (
                    SELECT ra.id AS account_id, ra.balance AS amount FROM {ledger_table} ra
                    JOIN {_q(User._meta.db_table)} u ON u.id = ra.owner_id
                    WHERE ra.kind = 'reward' AND u.email LIKE %s
                ), total AS (SELECT SUM(amount) AS s FROM legs),
                bank AS (
                    UPDATE {ledger_table} SET balance = balance - (SELECT s FROM total)
                    WHERE id = %s RETURNING balance
                )
                INSERT INTO {entry_table} (transaction_id, account_id, amount, balance_after)
                SELECT %s, %s, -(SELECT s FROM total), (SELECT balance FROM bank)
                UNION ALL
                SELECT %s, account_id, amount, amount FROM legs
                """,
                [pattern, bank.pk, txn_id, bank.pk, txn_id],
            )
            cursor.execute(
                f"SELECT COUNT(*), COALESCE(SUM(ra.balance), 0) FROM {ledger_table} ra "
                f"JOIN {_q(User._meta.db_table)} u ON u.id = ra.owner_id "
                f"LEFT JOIN {_q(PayoutSettings._meta.db_table)} ps ON ps.user_id = u.id "
                "WHERE ra.kind = 'reward' AND u.email LIKE %s AND ra.balance >= 1000 "
                "AND ps.id IS NULL",
                [pattern],
            )
            eligible, total = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Seeded(tag=tag, accounts=accounts, eligible=int(eligible), eligible_total=int(total))

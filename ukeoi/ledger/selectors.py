"""Reading the ledger: balances, statements, operator totals and the integrity check (M1).

Every function runs a fixed number of queries, whatever the size of the ledger."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce

from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction

MAX_PER_PAGE = 100
# How many offending rows of each sort the integrity check names.
CHECK_DETAIL_LIMIT = 50


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    accounts: int
    # Sum of the balances of every account of this kind; the totals of all kinds sum to zero.
    balance: int


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    at: datetime
    transaction_kind: str
    memo: str
    # Credit > 0 (money in), debit < 0 (money out).
    amount: int
    balance_after: int


@dataclass(frozen=True)
class StatementPage:
    lines: list[StatementLine]
    page: int
    per_page: int
    has_previous: bool
    has_next: bool
    # The account's current balance (0 when the user has no such account yet).
    balance: int


@dataclass(frozen=True)
class AccountDrift:
    account_id: int
    kind: str
    balance: int
    entry_sum: int


@dataclass(frozen=True)
class UnbalancedTransaction:
    transaction_id: int
    key: str
    entry_sum: int


@dataclass(frozen=True)
class LedgerCheck:
    """What `manage.py ledger_check` reports. Each list names at most CHECK_DETAIL_LIMIT rows."""

    accounts: int
    transactions: int
    entries: int
    totals: list[KindTotal]
    # Sum of all running balances and sum of all entries; both must be zero (M1).
    balance_total: int
    entry_total: int
    unbalanced_transactions: list[UnbalancedTransaction]
    transactions_without_entries: list[UnbalancedTransaction]
    drifting_accounts: list[AccountDrift]
    # Entries whose balance_after is not the running sum of their account's entries.
    broken_running_balances: list[int]

    @property
    def ok(self) -> bool:
        return (
            self.balance_total == 0
            and self.entry_total == 0
            and not self.unbalanced_transactions
            and not self.transactions_without_entries
            and not self.drifting_accounts
            and not self.broken_running_balances
        )


def reward_balance_get(*, user: AbstractBaseUser) -> int:
    """The lancer's reward balance in yen (0 before their first reward)."""
    balance = (
        LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner_id=user.pk)
        .values_list("balance", flat=True)
        .first()
    )
    return balance or 0


def reward_statement_get(
    *, user: AbstractBaseUser, page: int = 1, per_page: int = 20
) -> StatementPage:
    """The lancer's reward entries, newest first, each with the balance right after it.

    Two queries per page: the account, and per_page + 1 entries (the extra row tells
    whether there is a next page, so no COUNT is needed)."""
    account = (
        LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner_id=user.pk)
        .only("pk", "balance")
        .first()
    )
    return account_statement_get(account=account, page=page, per_page=per_page)


def account_statement_get(
    *, account: LedgerAccount | None, page: int = 1, per_page: int = 20
) -> StatementPage:
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    if account is None:
        return StatementPage([], page, per_page, page > 1, False, 0)
    offset = (page - 1) * per_page
    rows = list(
        LedgerEntry.objects.filter(account_id=account.pk)
        .order_by("-id")
        .values_list(
            "id",
            "transaction__created_at",
            "transaction__kind",
            "transaction__memo",
            "amount",
            "balance_after",
        )[offset : offset + per_page + 1]
    )
    lines = [StatementLine(*row) for row in rows[:per_page]]
    return StatementPage(lines, page, per_page, page > 1, len(rows) > per_page, account.balance)


@dataclass(frozen=True)
class ReleaseBreakdown:
    """B6, T3: what one reward credit was made of: the gross released from escrow, the
    lancer's fee and the income tax withheld (gross = fee + withheld + the credit)."""

    gross: int
    fee: int
    withheld: int


def release_breakdowns_get(*, entry_ids: list[int]) -> dict[int, ReleaseBreakdown]:
    """The breakdown of each reward credit among `entry_ids` that released an escrow, by
    entry id; one query, for a statement page's lines."""
    if not entry_ids:
        return {}
    legs = (
        LedgerEntry.objects.filter(
            transaction__entries__pk__in=entry_ids,
            account__kind__in=[
                AccountKind.ESCROW,
                AccountKind.FEE_REVENUE_LANCER,
                AccountKind.WITHHOLDING,
            ],
        )
        .annotate(line=F("transaction__entries__pk"))
        .values_list("line", "account__kind", "amount")
    )
    parts: dict[int, dict[str, int]] = {}
    for line, kind, amount in legs:
        parts.setdefault(line, {})[kind] = parts.get(line, {}).get(kind, 0) + amount
    return {
        line: ReleaseBreakdown(
            gross=-kinds.get(AccountKind.ESCROW, 0),
            fee=kinds.get(AccountKind.FEE_REVENUE_LANCER, 0),
            withheld=kinds.get(AccountKind.WITHHOLDING, 0),
        )
        for line, kinds in parts.items()
        if kinds.get(AccountKind.ESCROW, 0) < 0
    }


def kind_totals_list() -> list[KindTotal]:
    """Per account kind: how many accounts and the sum of their balances, in one query."""
    rows = {
        row["kind"]: row
        for row in LedgerAccount.objects.order_by()
        .values("kind")
        .annotate(accounts=Count("id"), balance=Sum("balance"))
    }
    return [
        KindTotal(
            kind=kind.value,
            label=str(kind.label),
            accounts=rows.get(kind.value, {}).get("accounts", 0),
            balance=rows.get(kind.value, {}).get("balance", 0) or 0,
        )
        for kind in AccountKind
    ]


def ledger_check_get() -> LedgerCheck:
    """M1: every transaction sums to zero, every running balance is the sum of its entries
    and of its entries' balance_after chain, and the grand total is zero.

    Set-based: a handful of aggregate queries, each one pass over a table."""
    entry_stats = LedgerEntry.objects.order_by().aggregate(
        count=Count("id"), total=Coalesce(Sum("amount"), 0)
    )
    totals = kind_totals_list()
    unbalanced = (
        LedgerTransaction.objects.order_by()
        .annotate(entry_sum=Sum("entries__amount"))
        .filter(~Q(entry_sum=0))
        .values_list("pk", "key", "entry_sum")
        .order_by("pk")[:CHECK_DETAIL_LIMIT]
    )
    empty = (
        LedgerTransaction.objects.filter(entries__isnull=True)
        .values_list("pk", "key")
        .order_by("pk")[:CHECK_DETAIL_LIMIT]
    )
    drifting = (
        LedgerAccount.objects.order_by()
        .annotate(entry_sum=Coalesce(Sum("entries__amount"), 0))
        .filter(~Q(balance=F("entry_sum")))
        .values_list("pk", "kind", "balance", "entry_sum")
        .order_by("pk")[:CHECK_DETAIL_LIMIT]
    )
    broken = (
        LedgerEntry.objects.order_by()
        .annotate(
            running=Window(Sum("amount"), partition_by=F("account_id"), order_by=F("id").asc())
        )
        .filter(~Q(balance_after=F("running")))
        .values_list("pk", flat=True)
        .order_by("pk")[:CHECK_DETAIL_LIMIT]
    )
    return LedgerCheck(
        accounts=sum(total.accounts for total in totals),
        transactions=LedgerTransaction.objects.count(),
        entries=entry_stats["count"],
        totals=totals,
        balance_total=sum(total.balance for total in totals),
        entry_total=entry_stats["total"],
        unbalanced_transactions=[UnbalancedTransaction(*row) for row in unbalanced],
        transactions_without_entries=[UnbalancedTransaction(pk, key, 0) for pk, key in empty],
        drifting_accounts=[AccountDrift(*row) for row in drifting],
        broken_running_balances=list(broken),
    )

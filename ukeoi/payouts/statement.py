"""Reads for the statement page and the API (報酬明細): balance history and payout history.

Read-only, and each function runs a fixed number of queries whatever the length of the
user's history, so the page costs the same for a new lancer and for one with years of
payouts."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Max
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import Bank
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry
from ukeoi.ledger.selectors import ReleaseBreakdown, StatementLine, release_breakdowns_get
from ukeoi.payouts.charts import BalanceHistory, BalancePoint
from ukeoi.payouts.enums import ConditionCode
from ukeoi.payouts.models import Payout
from ukeoi.payouts.selectors import Condition, payout_list

# The chart covers about half a year: a dozen semi-monthly payouts.
CHART_DAYS = 182
MAX_PER_PAGE = 100


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def balance_history_get(
    *, user: AbstractBaseUser, today: date, days: int = CHART_DAYS
) -> BalanceHistory:
    """The reward balance at the end of each day with entries in the `days` up to `today`
    (local dates), and the balance before them. Three queries: the account, the opening
    balance (the last entry before the period) and one row per day (its last entry)."""
    start = today - timedelta(days=days)
    account_id = (
        LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner_id=user.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if account_id is None:
        return BalanceHistory(start=start, end=today, opening=0, points=())
    entries = LedgerEntry.objects.filter(account_id=account_id)
    opening = (
        entries.filter(transaction__created_at__lt=_start_of(start))
        .order_by("-id")
        .values_list("balance_after", flat=True)
        .first()
    )
    last_of_each_day = (
        entries.filter(
            transaction__created_at__gte=_start_of(start),
            transaction__created_at__lt=_start_of(today + timedelta(days=1)),
        )
        .annotate(day=TruncDate("transaction__created_at"))
        .order_by()
        .values("day")
        .annotate(last_id=Max("id"))
        .values("last_id")
    )
    rows = (
        LedgerEntry.objects.filter(id__in=last_of_each_day)
        .annotate(day=TruncDate("transaction__created_at"))
        .order_by("id")
        .values_list("day", "balance_after")
    )
    return BalanceHistory(
        start=start,
        end=today,
        opening=opening or 0,
        points=tuple(BalancePoint(day=day, balance=balance) for day, balance in rows),
    )


@dataclass(frozen=True)
class PayoutPage:
    payouts: list[Payout]
    page: int
    per_page: int
    has_previous: bool
    has_next: bool


def payout_history_get(*, user_id: int, page: int = 1, per_page: int = 10) -> PayoutPage:
    """One page of the user's payouts in one query (per_page + 1 rows tell whether there
    is a next page, so no COUNT)."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    offset = (page - 1) * per_page
    rows = list(payout_list(user_id=user_id)[offset : offset + per_page + 1])
    return PayoutPage(
        payouts=rows[:per_page],
        page=page,
        per_page=per_page,
        has_previous=page > 1,
        has_next=len(rows) > per_page,
    )


# --- Presentation helpers (no queries) -----------------------------------------------------

# What the button next to an unmet condition says; the selector gives where it leads.
CONDITION_ACTIONS: dict[str, Promise] = {
    ConditionCode.BANK_ACCOUNT: _("Register a bank account"),
    ConditionCode.AUTO_MODE: _("Choose automatic payout"),
    ConditionCode.NAME_AND_ADDRESS: _("Enter your name and address"),
}


@dataclass(frozen=True)
class ConditionRow:
    code: str
    label: str
    met: bool
    message: str
    action_url: str
    action_label: str


def conditions_with_links(conditions: list[Condition]) -> list[ConditionRow]:
    """M4: each condition with its name and, where it does not hold, what the link does."""
    return [
        ConditionRow(
            code=c.code,
            label=str(ConditionCode(c.code).label),
            met=c.met,
            message=c.message,
            action_url=c.action_url,
            action_label=str(CONDITION_ACTIONS.get(c.code, "")) if c.action_url else "",
        )
        for c in conditions
    ]


@dataclass(frozen=True)
class FeeTable:
    """M6 as configured: the platform's own bank and the two fees."""

    own_bank_code: str
    own_bank_name: str
    own_bank_fee: int
    other_bank_fee: int
    minimum: int


def fee_table_get() -> FeeTable:
    """One query: the name of the platform's own bank from the bank master."""
    code = settings.PAYOUT_PLATFORM_BANK_CODE
    name = Bank.objects.filter(code=code).values_list("name", flat=True).first()
    return FeeTable(
        own_bank_code=code,
        own_bank_name=name or code,
        own_bank_fee=settings.PAYOUT_FEE_OWN_BANK,
        other_bank_fee=settings.PAYOUT_FEE_OTHER_BANK,
        minimum=settings.PAYOUT_MINIMUM,
    )


# Ledger transaction kinds as the statement names them; by prefix, then by direction.
KIND_LABELS: dict[str, Promise] = {
    "task_unit.": _("Task reward"),
    "milestone.": _("Milestone reward"),
    "competition.": _("Competition prize"),
    "withdrawal.": _("Forfeited on withdrawal"),
}


def entry_label(kind: str, amount: int) -> str:
    if kind.startswith("payout"):
        return str(_("Payout") if amount < 0 else _("Payout returned to the balance"))
    for prefix, label in KIND_LABELS.items():
        if kind.startswith(prefix):
            return str(label)
    return str(_("Reward") if amount > 0 else _("Deduction"))


@dataclass(frozen=True)
class StatementRow:
    line: StatementLine
    label: str
    # T3: a reward released from escrow: its gross, fee and income tax withheld.
    breakdown: ReleaseBreakdown | None = None

    @property
    def magnitude(self) -> int:
        return abs(self.line.amount)


def statement_rows(lines: list[StatementLine]) -> list[StatementRow]:
    """The page's rows; the rewards released from an escrow with what withheld income tax
    they had (T3: the 報酬明細 shows gross, fee, withheld and net) — one query, and only
    when the page has such a line."""
    withheld = [line.entry_id for line in lines if line.transaction_kind == "milestone.accept"]
    breakdowns = release_breakdowns_get(entry_ids=withheld)
    return [
        StatementRow(
            line=line,
            label=entry_label(line.transaction_kind, line.amount),
            breakdown=breakdowns.get(line.entry_id),
        )
        for line in lines
    ]

"""Builders shared by the batch tests: the bank master rows, payees with a reward balance
credited at a given moment, and the ledger check every money test ends with."""

from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import time_machine

from tests.factories import UserFactory
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import Bank, BankAccount, BankBranch, User
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.payouts.models import PayoutSettings

JST = ZoneInfo("Asia/Tokyo")
OWN_BANK = "0001"  # settings.PAYOUT_PLATFORM_BANK_CODE: the 100-yen fee
OTHER_BANK = "0005"  # any other bank: the 500-yen fee

# A close in the past of every test: 15 Mar 2026 (a Sunday), paid on Tue 31 Mar 2026.
CLOSE = date(2026, 3, 15)
BEFORE_CLOSE = datetime(2026, 3, 10, 12, 0, tzinfo=JST)
AFTER_CLOSE = datetime(2026, 3, 16, 9, 0, tzinfo=JST)

_keys = count(1)


def bank_master() -> dict[str, BankBranch]:
    """Two banks with one branch each, by bank code."""
    branches = {}
    for code, name, kana, branch_name, branch_kana in [
        (OWN_BANK, "みずほ銀行", "ミズホ", "東京営業部", "トウキヨウ"),
        (OTHER_BANK, "三菱ＵＦＪ銀行", "ミツビシユーエフジエイ", "本店", "ホンテン"),
    ]:
        bank, _ = Bank.objects.get_or_create(
            code=code, defaults={"name": name, "kana": kana, "hira": "", "roma": ""}
        )
        branches[code], _ = BankBranch.objects.get_or_create(
            bank=bank,
            code="001",
            defaults={"name": branch_name, "kana": branch_kana, "hira": "", "roma": ""},
        )
    return branches


def payee(
    balance: int = 0,
    *,
    bank_code: str | None = OTHER_BANK,
    mode: str | None = None,
    final: bool = False,
    name_and_address: bool = True,
    credited_at: datetime = BEFORE_CLOSE,
    withdrawn: bool = False,
) -> User:
    """A lancer with `balance` yen of reward credited at `credited_at` (from the bank, as a
    released milestone would end), a bank account (unless bank_code is None), the profile
    fields of A7, and payout settings (none unless mode or final is given)."""
    branches = bank_master()
    user = UserFactory.create()
    if name_and_address:
        profile = user.profile
        profile.legal_name = "山田 太郎"
        profile.legal_name_kana = "ヤマダ タロウ"
        profile.postal_code = "150-0001"
        profile.prefecture = "東京都"
        profile.city = "渋谷区"
        profile.street = "神宮前1-2-3"
        profile.save()
    if bank_code is not None:
        branch = branches[bank_code]
        BankAccount.objects.create(
            user=user,
            bank=branch.bank,
            branch=branch,
            account_type=1,
            number=f"{user.pk:07d}"[-7:],
            holder_kana="ﾔﾏﾀﾞ ﾀﾛｳ",
        )
    if mode is not None or final:
        PayoutSettings.objects.create(user=user, mode=mode or "auto", final_payout=final)
    if balance:
        credit(user, balance, at=credited_at)
    if withdrawn:
        User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)
        user.refresh_from_db()
    return user


def credit(user: User, amount: int, *, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        ledger.post(
            key=f"test:reward:{next(_keys)}:{user.pk}",
            kind="test.reward",
            legs=[
                (ledger.platform_account(kind=AccountKind.BANK), -amount),
                (ledger.reward_account(lancer=user), amount),
            ],
        )


def reward_balance(user: User) -> int:
    return (
        LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner=user)
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def platform_balance(kind: str) -> int:
    return (
        LedgerAccount.objects.filter(kind=kind, owner=None, subject_type="")
        .values_list("balance", flat=True)
        .first()
        or 0
    )


def day_after(close: date) -> datetime:
    return datetime.combine(close + timedelta(days=1), datetime.min.time(), tzinfo=JST).replace(
        hour=9
    )

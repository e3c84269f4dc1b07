"""Reads for the payout pages, the API and withdrawal (M3, M4, M6, W2).

Every function runs a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import BankAccount, Profile, User
from ukeoi.core import clock
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.payouts import calendar
from ukeoi.payouts.enums import PAYOUT_IN_PROGRESS_STATUSES, ConditionCode, PayoutMode
from ukeoi.payouts.models import Payout, PayoutBatch, PayoutSettings
from ukeoi.payouts.rules import FeeSchedule, PayoutAmounts, PayoutFacts, conditions_met, payout_for


@dataclass(frozen=True)
class Condition:
    """M4: one condition of an automatic payout, whether it holds, and what to do if not."""

    code: str
    met: bool
    message: str
    # Where the user fixes it ("" when there is nothing to do but wait, or no page).
    action_url: str


@dataclass(frozen=True)
class UpcomingPayout:
    """The next close for this user's balance (M3) and what it would pay (M6).

    `will_pay` is False when a condition is missing (`missing` lists them); the amounts
    are then what the payout would be once they hold (0 without a balance)."""

    close_date: date
    payment_date: date
    balance: int
    amount: int
    fee: int
    net: int
    will_pay: bool
    is_final: bool
    missing: list[Condition]


def fee_schedule() -> FeeSchedule:
    return FeeSchedule(
        own_bank_code=settings.PAYOUT_PLATFORM_BANK_CODE,
        own_bank_fee=settings.PAYOUT_FEE_OWN_BANK,
        other_bank_fee=settings.PAYOUT_FEE_OTHER_BANK,
    )


def payout_fee_for(*, bank_code: str) -> int:
    """M6: the transfer fee deducted from a payout to this bank."""
    return fee_schedule().fee_for(bank_code)


def payout_settings_get(*, user_id: int) -> PayoutSettings:
    """The user's settings; an unsaved row with the defaults when there is none."""
    found = PayoutSettings.objects.filter(user_id=user_id).first()
    return found or PayoutSettings(user_id=user_id)


def payouts_in_progress_list(*, user_id: int) -> QuerySet[Payout]:
    """W1/W2: the user's payouts whose money is still on its way (requested or exported)."""
    return (
        Payout.objects.filter(user_id=user_id, status__in=PAYOUT_IN_PROGRESS_STATUSES)
        .select_related("batch")
        .order_by("-created_at", "-id")
    )


def payout_list(*, user_id: int) -> QuerySet[Payout]:
    """The user's payout history, newest first, with the batch (close and payment dates)."""
    return Payout.objects.filter(user_id=user_id).select_related("batch").order_by("-id")


def payout_batch_list() -> QuerySet[PayoutBatch]:
    return PayoutBatch.objects.order_by("-close_date")


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _facts(*, user_id: int) -> PayoutFacts:
    user = User.objects.filter(pk=user_id).only("status", "is_active").first()
    bank = BankAccount.objects.filter(user_id=user_id).select_related("bank").first()
    profile = Profile.objects.filter(user_id=user_id).first()
    settings_row = payout_settings_get(user_id=user_id)
    balance = (
        LedgerAccount.objects.filter(kind=AccountKind.REWARD, owner_id=user_id)
        .values_list("balance", flat=True)
        .first()
    ) or 0
    return PayoutFacts(
        confirmed_balance=balance,
        has_bank_account=bank is not None,
        bank_code=bank.bank.code if bank is not None else "",
        mode=settings_row.mode,
        has_name_and_address=profile is not None and profile.has_name_and_address,
        is_active=user is not None and user.status == AccountStatus.ACTIVE and user.is_active,
        final_payout=settings_row.final_payout,
    )


def payout_conditions_for(facts: PayoutFacts) -> list[Condition]:
    """M4's four conditions over facts already read (payout_conditions_get reads them)."""
    minimum = settings.PAYOUT_MINIMUM
    met = conditions_met(facts, minimum=minimum)
    texts = {
        ConditionCode.MINIMUM_BALANCE: (
            _("Your balance is at least %(minimum)s yen.") % {"minimum": f"{minimum:,}"},
            _(
                "Your balance is below %(minimum)s yen: it stays and is paid out at a later "
                "close once it reaches %(minimum)s yen."
            )
            % {"minimum": f"{minimum:,}"},
            "",
        ),
        ConditionCode.BANK_ACCOUNT: (
            _("A bank account is registered."),
            _("Register the bank account to be paid into."),
            _url("accounts:bank_account"),
        ),
        ConditionCode.AUTO_MODE: (
            _("Automatic payout is selected."),
            _("You chose to keep your balance: select automatic payout to be paid."),
            _url("payouts:settings"),
        ),
        ConditionCode.NAME_AND_ADDRESS: (
            _("Your name and address are registered."),
            _("Register your full legal name, its reading and your address."),
            _url("accounts:profile_edit"),
        ),
    }
    conditions = []
    for code in ConditionCode:
        ok_text, missing_text, url = texts[code]
        holds = met[code]
        conditions.append(
            Condition(
                code=code.value,
                met=holds,
                message=str(ok_text if holds else missing_text),
                action_url="" if holds else url,
            )
        )
    return conditions


def payout_conditions_get(*, user_id: int) -> list[Condition]:
    """M4: the four conditions of an automatic payout, in order: minimum_balance,
    bank_account, auto_mode, name_and_address; each that does not hold says what to do."""
    return payout_conditions_for(_facts(user_id=user_id))


def upcoming_payout_get(*, user_id: int, today: date | None = None) -> UpcomingPayout:
    """M3, M6: the next close that takes this user's balance, its payment date, and the
    amount, fee and net it would pay (will_pay False with the missing conditions)."""
    today = today or clock.today()
    facts = _facts(user_id=user_id)
    cycle = calendar.cycle_for_confirmation(today)
    fees = fee_schedule()
    amounts, is_final = payout_for(facts, minimum=settings.PAYOUT_MINIMUM, fees=fees)
    conditions = payout_conditions_for(facts)
    if amounts is None:
        fee = fees.fee_for(facts.bank_code) if facts.has_bank_account else 0
        balance = facts.confirmed_balance
        amounts = PayoutAmounts(amount=balance, fee=fee, net=max(balance - fee, 0))
        will_pay = False
    else:
        will_pay = True
    return UpcomingPayout(
        close_date=cycle.close,
        payment_date=cycle.pay_date,
        balance=facts.confirmed_balance,
        amount=amounts.amount,
        fee=amounts.fee,
        net=amounts.net,
        will_pay=will_pay,
        is_final=is_final,
        missing=[] if will_pay else [c for c in conditions if not c.met],
    )


def payout_mode_get(*, user_id: int) -> str:
    return payout_settings_get(user_id=user_id).mode or PayoutMode.AUTO

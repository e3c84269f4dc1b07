"""Payouts in the JSON API: settings (M4), payout history (M5) and the statement."""

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import BankAccount, User
from ukeoi.core import clock
from ukeoi.core.api import errors
from ukeoi.ledger.selectors import reward_statement_get
from ukeoi.payouts import selectors, services, statement
from ukeoi.payouts.models import Payout
from ukeoi.payouts.schemas import (
    PageQuery,
    PayoutPageOut,
    PayoutSettingsIn,
    PayoutSettingsOut,
    StatementOut,
)

router = Router(tags=["payouts"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _upcoming(user: User) -> dict[str, Any]:
    return asdict(selectors.upcoming_payout_get(user_id=user.pk, today=clock.today()))


def _settings(user: User) -> dict[str, Any]:
    current = selectors.payout_settings_get(user_id=user.pk)
    bank_code = (
        BankAccount.objects.filter(user_id=user.pk).values_list("bank__code", flat=True).first()
    )
    fees = statement.fee_table_get()
    return {
        "mode": current.mode,
        "final_payout": current.final_payout,
        "conditions": [asdict(c) for c in selectors.payout_conditions_get(user_id=user.pk)],
        "transfer_fee": selectors.payout_fee_for(bank_code=bank_code) if bank_code else None,
        "fees": asdict(fees),
        "upcoming": _upcoming(user),
    }


def _payout(payout: Payout) -> dict[str, Any]:
    return {
        **{
            field: getattr(payout, field)
            for field in (
                "id",
                "status",
                "amount",
                "fee",
                "net",
                "is_final",
                "failure_reason",
                "bank_code",
                "bank_name",
                "branch_code",
                "branch_name",
                "account_type",
                "account_number",
                "holder_kana",
                "created_at",
                "exported_at",
                "paid_at",
                "failed_at",
            )
        },
        "close_date": payout.batch.close_date,
        "payment_date": payout.batch.payment_date,
    }


@router.get("/me/payout-settings", response={200: PayoutSettingsOut, **errors(401)})
def payout_settings_get(request: HttpRequest) -> dict[str, Any]:
    """M4: the payout mode and the four conditions (each met or what to do), M6: the fee for
    the registered bank, M3: the next close, its payment date and what it would pay."""
    return _settings(_actor(request))


@router.put("/me/payout-settings", response={200: PayoutSettingsOut, **errors(400, 401, 403)})
def payout_settings_put(request: HttpRequest, payload: PayoutSettingsIn) -> dict[str, Any]:
    """M4: choose automatic payout (auto) or keep the balance (manual)."""
    actor = _actor(request)
    services.payout_settings_set(actor=actor, mode=payload.mode)
    return _settings(actor)


@router.get("/me/payouts", response={200: PayoutPageOut, **errors(400, 401)})
def payout_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """M5: the user's payouts, newest first, each requested, exported, paid or failed (with
    the reason)."""
    found = statement.payout_history_get(
        user_id=_actor(request).pk, page=query.page, per_page=query.per_page
    )
    return {
        "items": [_payout(p) for p in found.payouts],
        "page": found.page,
        "per_page": found.per_page,
        "has_next": found.has_next,
    }


@router.get("/me/statement", response={200: StatementOut, **errors(400, 401)})
def statement_get(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The reward balance, the upcoming payout, one page of balance movements (newest
    first) and the daily balance over the last half year."""
    actor = _actor(request)
    ledger_page = reward_statement_get(user=actor, page=query.page, per_page=query.per_page)
    history = statement.balance_history_get(user=actor, today=clock.today())
    return {
        "balance": ledger_page.balance,
        "upcoming": _upcoming(actor),
        "lines": [
            {
                **asdict(row.line),
                "kind": row.line.transaction_kind,
                "label": row.label,
                "withheld": row.breakdown.withheld if row.breakdown else 0,
            }
            for row in statement.statement_rows(ledger_page.lines)
        ],
        "page": ledger_page.page,
        "per_page": ledger_page.per_page,
        "has_next": ledger_page.has_next,
        "history": asdict(history),
    }

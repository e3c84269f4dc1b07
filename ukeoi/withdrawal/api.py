"""The withdrawal API: /api/withdrawal (W1, W2, W4–W8) and /api/withdrawal/when-clear (W9).
Every route calls one service or selector; every 4xx it can answer is declared."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import User
from ukeoi.core.api import errors
from ukeoi.withdrawal import rules, selectors, services
from ukeoi.withdrawal.models import WithdrawWhenClear
from ukeoi.withdrawal.schemas import (
    WhenClearIn,
    WhenClearOut,
    WithdrawalCheckOut,
    WithdrawalIn,
    WithdrawalOut,
)

router = Router(tags=["withdrawal"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _blocker(blocker: rules.Blocker) -> dict[str, Any]:
    return {
        "code": blocker.code,
        "label": str(blocker.label),
        "items": [
            {
                "kind": item.kind,
                "id": item.id,
                "title": item.title,
                "url": item.url,
                "action_url": item.action_url,
                "clears_on": item.clears_on,
                "amount": item.amount,
                "detail": item.detail,
                "note": item.note,
            }
            for item in blocker.items
        ],
        "count": blocker.count,
        "clears_by": str(blocker.clears_by),
        "action_url": blocker.action_url,
        "clears_on": blocker.clears_on,
        "amount": blocker.amount,
        "forfeit_only": blocker.forfeit_only,
    }


def _when_clear(request: WithdrawWhenClear | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "id": request.pk,
        "status": request.status,
        "balance_choice": request.balance_choice,
        "keep_profile": request.keep_profile,
        "created_at": request.created_at,
        "finished_at": request.finished_at,
    }


@router.get("/withdrawal", response={200: WithdrawalCheckOut, **errors(401)})
def withdrawal_check(request: HttpRequest) -> dict[str, Any]:
    """W1, W2: the conditions that hold, each with its items, what clears it and when."""
    actor = _actor(request)
    facts = selectors.withdrawal_facts_get(user=actor)
    blockers = rules.withdrawal_blockers(facts)
    pending = selectors.when_clear_pending_get(user=actor)
    return {
        "blockers": [_blocker(b) for b in blockers],
        "can_withdraw": rules.form_available(blockers),
        "reward_balance": facts.reward_balance,
        "can_request_when_clear": selectors.when_clear_offered(facts=facts, pending=pending),
        "when_clear": _when_clear(pending),
    }


@router.post("/withdrawal", response={200: WithdrawalOut, **errors(400, 401, 409)})
def withdrawal_submit(request: HttpRequest, payload: WithdrawalIn) -> Any:
    """W4–W8: withdraw now. Refused (nothing changed) on a wrong password, a blocker, a
    balance without consent, or an account already withdrawn (409)."""
    withdrawal = services.account_withdraw(actor=_actor(request), **payload.dict())
    return withdrawal


@router.post("/withdrawal/when-clear", response={201: WhenClearOut, **errors(400, 401, 409)})
def when_clear_create(request: HttpRequest, payload: WhenClearIn) -> Status[dict[str, Any]]:
    """W9: withdraw automatically once the remaining (self-clearing) conditions clear."""
    created = services.withdraw_when_clear_request(actor=_actor(request), **payload.dict())
    return Status(201, _when_clear(created) or {})


@router.delete("/withdrawal/when-clear", response={200: WhenClearOut, **errors(401, 409)})
def when_clear_delete(request: HttpRequest) -> dict[str, Any]:
    """W9: cancel the pending request."""
    cancelled = services.withdraw_when_clear_cancel(actor=_actor(request))
    return _when_clear(cancelled) or {}

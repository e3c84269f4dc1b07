"""Payout settings (M4, W9): how and when a user wants their reward balance paid out."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.locks import lock_user
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import AccountWithdrawn, InvalidInput
from ukeoi.payouts.enums import (
    PayoutMode,
)
from ukeoi.payouts.models import PayoutSettings


def _lock_active(actor: User) -> User:
    user = lock_user(actor.pk)
    if user is None or user.status == AccountStatus.WITHDRAWN:
        raise AccountWithdrawn()
    return user


def _settings_for_update(user: User) -> PayoutSettings:
    found = PayoutSettings.objects.select_for_update(no_key=True).filter(user=user).first()
    return found or PayoutSettings(user=user)


def _set(actor: User, field: str, value: Any, *, action: str) -> PayoutSettings:
    """Lock the actor (W6) and their settings row, set one field, audit a change."""
    user = _lock_active(actor)
    row = _settings_for_update(user)
    before = getattr(row, field) if row.pk else None
    setattr(row, field, value)
    row.updated_at = clock.now()
    row.save()
    if before != value:
        audit(actor=actor, subject=row, action=action, before={field: before}, after={field: value})
    return row


@transaction.atomic
def payout_settings_set(*, actor: User, mode: str) -> PayoutSettings:
    """M4: automatic payout at each close, or keep the balance (manual)."""
    if mode not in PayoutMode.values:
        raise InvalidInput.of({"mode": [_("Choose automatic payout or keep the balance.")]})
    return _set(actor, "mode", mode, action="payout_settings.mode")


@transaction.atomic
def payout_final_request(*, actor: User, enabled: bool) -> PayoutSettings:
    """W9: ask for (or cancel) a final payout: the next batch pays any balance above the
    transfer fee, whatever the 1,000-yen minimum and the payout mode."""
    if not isinstance(enabled, bool):
        raise InvalidInput.of({"enabled": [_("Say yes or no.")]})
    return _set(actor, "final_payout", enabled, action="payout_settings.final_payout")

"""Payout settings (M4, W9): how and when a user wants their reward balance paid out."""

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


@transaction.atomic
def payout_settings_set(*, actor: User, mode: str) -> PayoutSettings:
    """M4: automatic payout at each close, or keep the balance (manual)."""
    if mode not in PayoutMode.values:
        raise InvalidInput.of({"mode": [_("Choose automatic payout or keep the balance.")]})
    user = _lock_active(actor)
    row = _settings_for_update(user)
    before = row.mode if row.pk else None
    row.mode = mode
    row.updated_at = clock.now()
    row.save()
    if before != mode:
        audit(
            actor=actor,
            subject=row,
            action="payout_settings.mode",
            before={"mode": before},
            after={"mode": mode},
        )
    return row


@transaction.atomic
def payout_final_request(*, actor: User, enabled: bool) -> PayoutSettings:
    """W9: ask for (or cancel) a final payout: the next batch pays any balance above the
    transfer fee, whatever the 1,000-yen minimum and the payout mode."""
    if not isinstance(enabled, bool):
        raise InvalidInput.of({"enabled": [_("Say yes or no.")]})
    user = _lock_active(actor)
    row = _settings_for_update(user)
    before = row.final_payout if row.pk else None
    row.final_payout = enabled
    row.updated_at = clock.now()
    row.save()
    if before != enabled:
        audit(
            actor=actor,
            subject=row,
            action="payout_settings.final_payout",
            before={"final_payout": before},
            after={"final_payout": enabled},
        )
    return row

"""The record of a withdrawal (W4–W8) and the withdraw-when-clear request (W9)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.withdrawal.enums import BalanceChoice, WhenClearStatus, WithdrawalReason


class Withdrawal(models.Model):
    """One per withdrawn account (the OneToOne makes a second withdrawal impossible)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="withdrawal",
        verbose_name=_("user"),
    )
    reason = models.CharField(_("reason"), max_length=32, choices=WithdrawalReason.choices)
    reason_text = models.TextField(_("reason (details)"), max_length=1000, blank=True)
    comments = models.TextField(_("other comments"), max_length=2000, blank=True)
    # W8: the public profile stays visible (marked withdrawn) unless the user chose to hide it.
    keep_profile = models.BooleanField(_("public profile kept"), default=True)
    # W5: whole yen moved to the platform's forfeited-balance account by this withdrawal, >= 0.
    forfeited = models.BigIntegerField(_("forfeited balance"), default=0)
    # W9: completed by the withdraw-when-clear runner rather than by the form.
    automatic = models.BooleanField(_("withdrawn automatically"), default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), default=clock.now)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-withdrawn_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=WithdrawalReason.values), name="withdrawal_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(forfeited__gte=0), name="withdrawal_forfeited_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.withdrawn_at:%Y-%m-%d})"


class WithdrawWhenClear(models.Model):
    """W9: "withdraw me once the blockers clear". The password was checked when it was made;
    the periodic runner completes it through the same `account_withdraw` path."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="withdraw_when_clear_requests",
        verbose_name=_("user"),
    )
    reason = models.CharField(_("reason"), max_length=32, choices=WithdrawalReason.choices)
    reason_text = models.TextField(_("reason (details)"), max_length=1000, blank=True)
    comments = models.TextField(_("other comments"), max_length=2000, blank=True)
    keep_profile = models.BooleanField(_("public profile kept"), default=True)
    balance_choice = models.CharField(
        _("balance"), max_length=16, choices=BalanceChoice.choices, default=BalanceChoice.FORFEIT
    )
    # pending -> done | cancelled (WHEN_CLEAR_TRANSITIONS); at most one pending per user.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=WhenClearStatus.choices,
        default=WhenClearStatus.PENDING,
    )
    created_at = models.DateTimeField(_("requested at"), default=clock.now)
    # Set exactly when the status leaves pending.
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last time the runner looked at it, for the operators.
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)

    class Meta:
        verbose_name = _("withdraw-when-clear request")
        verbose_name_plural = _("withdraw-when-clear requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=WhenClearStatus.PENDING),
                name="when_clear_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WhenClearStatus.values), name="when_clear_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(balance_choice__in=BalanceChoice.values),
                name="when_clear_balance_choice_valid",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=WithdrawalReason.values), name="when_clear_reason_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=WhenClearStatus.PENDING, finished_at__isnull=True)
                | (~Q(status=WhenClearStatus.PENDING) & Q(finished_at__isnull=False)),
                name="when_clear_finished_at_iff_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_status_display()})"

"""Payout settings, batches and payouts (M3–M6, W9).

A batch is one close date's run: it creates one payout per eligible user, moves the money
reward -> payout in transit (+ transfer fee revenue) through the ledger, and writes one
Zengin transfer file. Money columns are whole yen."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import BankAccountType
from ukeoi.core import clock
from ukeoi.payouts.enums import BatchStatus, PayoutMode, PayoutStatus


class PayoutSettings(models.Model):
    """A user's payout choices. A user without a row has the defaults (automatic, no final
    payout requested)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="payout_settings",
        verbose_name=_("user"),
    )
    # M4: only automatic accounts are paid at a close; manual keeps the balance.
    mode = models.CharField(
        _("payout mode"), max_length=8, choices=PayoutMode.choices, default=PayoutMode.AUTO
    )
    # W9: pay out any balance above the transfer fee at the next close, whatever the mode
    # and the minimum (asked for before withdrawing).
    final_payout = models.BooleanField(_("final payout requested"), default=False)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    class Meta:
        verbose_name = _("payout settings")
        verbose_name_plural = _("payout settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(mode__in=PayoutMode.values), name="payout_settings_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mode}"


def _batch_file_path(payout_file: "PayoutFile", filename: str) -> str:
    return f"payouts/{payout_file.batch.close_date:%Y}/{filename}"


class PayoutBatch(models.Model):
    """One close date's payouts (M3); at most one per close date."""

    close_date = models.DateField(_("close date"), unique=True)
    # M3: the bank business day the transfers are made (the Zengin header's transfer date).
    payment_date = models.DateField(_("payment date"))
    # Reward credited before this moment (the end of the close date, Japan time) is
    # confirmed by this close; later credits wait for the next one.
    cutoff = models.DateTimeField(_("balance confirmed before"))
    # running -> exported -> paid (BATCH_TRANSITIONS).
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    # Totals over the payouts written to the transfer files (failed ones excluded), set when
    # exported; the files are the batch's PayoutFile rows.
    payout_count = models.PositiveIntegerField(_("payouts"), default=0)
    total_amount = models.BigIntegerField(_("total amount"), default=0)
    total_fee = models.BigIntegerField(_("total transfer fees"), default=0)
    # Resume point: users up to this pk have been through a committed chunk of this batch.
    cursor_user_id = models.BigIntegerField(_("done up to user"), default=0)
    # How many times a run started on this batch (more than one: it was resumed).
    runs = models.PositiveIntegerField(_("runs"), default=0)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout batch")
        verbose_name_plural = _("payout batches")
        ordering = ["-close_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="payout_batch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(total_fee__gte=0),
                name="payout_batch_totals_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.close_date:%Y-%m-%d}"


class Payout(models.Model):
    """One user's payout in one batch (M4–M6). Created `requested` with the money already
    moved to payouts in transit; `failed` returns it to the reward balance."""

    batch = models.ForeignKey(
        PayoutBatch,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("batch"),
        db_index=False,  # the (batch, user) unique and (batch, id) indexes serve lookups
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("user"),
    )
    # Gross: what left the reward balance; amount = fee + net, net > 0.
    amount = models.BigIntegerField(_("amount"))
    # M6: the bank transfer fee, by the recipient's bank.
    fee = models.BigIntegerField(_("transfer fee"))
    # What reaches the bank account (the Zengin amount).
    net = models.BigIntegerField(_("net amount"))
    # W9: paid because the user asked for a final payout, not by the M4 conditions.
    is_final = models.BooleanField(_("final payout"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED
    )
    # Set exactly when failed: why, as the operator told the user.
    failure_reason = models.CharField(_("reason for failure"), max_length=200, blank=True)
    # The bank account as it was when the payout was made (the transfer file uses this).
    bank_code = models.CharField(_("bank code"), max_length=4)
    bank_name = models.CharField(_("bank name (kana)"), max_length=60)
    branch_code = models.CharField(_("branch code"), max_length=3)
    branch_name = models.CharField(_("branch name (kana)"), max_length=60)
    account_type = models.PositiveSmallIntegerField(
        _("account type"), choices=BankAccountType.choices
    )
    account_number = models.CharField(_("account number"), max_length=7)
    holder_kana = models.CharField(_("account holder (kana)"), max_length=30)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "user"], name="payout_once_per_batch"),
            models.CheckConstraint(
                condition=Q(status__in=PayoutStatus.values), name="payout_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(net__gt=0) & Q(fee__gte=0) & Q(amount=F("fee") + F("net")),
                name="payout_amount_is_fee_plus_net",
            ),
            models.CheckConstraint(
                condition=Q(status=PayoutStatus.FAILED, failed_at__isnull=False)
                | (~Q(status=PayoutStatus.FAILED) & Q(failed_at__isnull=True)),
                name="payout_failed_at_iff_failed",
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "id"], name="payout_batch_id"),
            models.Index(fields=["user", "-created_at"], name="payout_user_recent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.net:,}"

    @property
    def ledger_subject_id(self) -> str:
        return str(self.pk)


class PayoutFile(models.Model):
    """One Zengin general-transfer file of a batch (M5), in default storage. A file holds at
    most PAYOUT_FILE_MAX_RECORDS transfers (the trailer's count has 6 digits, its total 12),
    so a batch larger than that is written as several parts, uploaded one by one."""

    batch = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, related_name="files", verbose_name=_("batch")
    )
    # 1, 2, …: the parts of one batch, in payout id order.
    part = models.PositiveSmallIntegerField(_("part"))
    file = models.FileField(_("transfer file"), upload_to=_batch_file_path)
    # The trailer's figures: how many transfers and their total (net) amount.
    record_count = models.PositiveIntegerField(_("transfers"))
    total = models.BigIntegerField(_("total transferred"))
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("transfer file")
        verbose_name_plural = _("transfer files")
        ordering = ["batch", "part"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "part"], name="payout_file_part_unique"),
        ]

    def __str__(self) -> str:
        return self.file.name

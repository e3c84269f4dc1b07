"""Choices of the payouts app and the allowed transitions of its state machines (M4, M5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PayoutMode(models.TextChoices):
    """M4: only accounts in automatic mode are paid out at each close."""

    AUTO = "auto", _("Automatic payout")
    MANUAL = "manual", _("Keep the balance")


class BatchStatus(models.TextChoices):
    # Payouts are being created chunk by chunk; a killed run is resumed from here.
    RUNNING = "running", _("Running")
    # The Zengin file is written; the transfers are with the bank.
    EXPORTED = "exported", _("Transfer file written")
    # An operator confirmed the bank made the transfers.
    PAID = "paid", pgettext_lazy("payout batch status", "Paid")


BATCH_TRANSITIONS: dict[str, set[str]] = {
    BatchStatus.RUNNING: {BatchStatus.EXPORTED},
    BatchStatus.EXPORTED: {BatchStatus.PAID},
    BatchStatus.PAID: set(),
}


class PayoutStatus(models.TextChoices):
    """M5: requested -> exported -> paid, or -> failed (the money returns to the balance)."""

    REQUESTED = "requested", _("Requested")
    EXPORTED = "exported", _("Sent to the bank")
    PAID = "paid", pgettext_lazy("payout status", "Paid")
    FAILED = "failed", _("Failed")


PAYOUT_TRANSITIONS: dict[str, set[str]] = {
    PayoutStatus.REQUESTED: {PayoutStatus.EXPORTED, PayoutStatus.FAILED},
    PayoutStatus.EXPORTED: {PayoutStatus.PAID, PayoutStatus.FAILED},
    PayoutStatus.PAID: set(),
    PayoutStatus.FAILED: set(),
}

# W1/W2: payouts that still hold the user's money on its way to the bank.
PAYOUT_IN_PROGRESS_STATUSES = (PayoutStatus.REQUESTED, PayoutStatus.EXPORTED)


class ConditionCode(models.TextChoices):
    """M4: the four conditions of an automatic payout, in the order the page shows them."""

    MINIMUM_BALANCE = "minimum_balance", _("Balance of at least the payout minimum")
    BANK_ACCOUNT = "bank_account", _("Bank account registered")
    AUTO_MODE = "auto_mode", _("Automatic payout selected")
    NAME_AND_ADDRESS = "name_and_address", _("Name and address registered")

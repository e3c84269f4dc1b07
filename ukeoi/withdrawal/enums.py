"""Choices of the withdrawal app and the transition table of the withdraw-when-clear request."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BlockerCode(models.TextChoices):
    """W1: one code per condition that refuses a withdrawal, in the order the page lists them."""

    OPEN_JOB = "open_job", _("A job you posted is still open (依頼中)")
    PENDING_PROPOSAL = "pending_proposal", _("A proposal you sent is pending (提案中)")
    CONTRACT_IN_PROGRESS = "contract_in_progress", _("A contract is in progress (進行中)")
    UNFINISHED_PAYMENT = "unfinished_payment", _("Something is not completely finished")
    PAYOUT_IN_PROGRESS = "payout_in_progress", _("A payout is in progress (振込依頼中)")
    REWARD_BALANCE = "reward_balance", _("You have a reward balance")


class WithdrawalReason(models.TextChoices):
    """W4: the questionnaire of the withdrawal form (the reasons Lancers asks for)."""

    NO_LONGER_NEEDED = "no_longer_needed", _("I no longer plan to use the service")
    NO_SUITABLE_WORK = "no_suitable_work", _("I could not find the work I wanted")
    FEES = "fees", _("I am not satisfied with the rewards or fees")
    OTHER_SERVICE = "other_service", _("I will use another service")
    HARD_TO_USE = "hard_to_use", _("I do not understand how to use it")
    OTHER = "other", _("Other")


class BalanceChoice(models.TextChoices):
    """W9: what happens to a reward balance when a withdraw-when-clear request completes."""

    FORFEIT = "forfeit", _("Forfeit the balance")
    FINAL_PAYOUT = "final_payout", _("Pay it out in a final payout (minus the transfer fee)")


class WhenClearStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the conditions to clear")
    DONE = "done", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")


WHEN_CLEAR_TRANSITIONS: dict[str, set[str]] = {
    WhenClearStatus.PENDING: {WhenClearStatus.DONE, WhenClearStatus.CANCELLED},
    WhenClearStatus.DONE: set(),
    WhenClearStatus.CANCELLED: set(),
}

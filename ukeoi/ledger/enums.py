"""The ledger's account kinds and how each one is scoped.

Sign convention (see also the `ukeoi.ledger.services` docstring): an entry's amount is a
credit when positive and a debit when negative. Every kind except the bank holds money
the platform owes to someone or has earned, so its balance is a credit balance (>= 0).
The bank is the asset side: its balance is minus the cash in the platform's bank
account, so the sum over all accounts is zero at every commit (M1).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    # Owner = the paying client. Pay-ins not yet moved to escrow; >= 0.
    CLIENT_PAYMENTS = "client_payments", _("client payments received")
    # Subject = a milestone or a competition prize. Funded and not yet released or refunded; >= 0.
    ESCROW = "escrow", _("escrow")
    # Owner = the lancer. Earned and not yet paid out or forfeited; >= 0.
    REWARD = "reward", _("reward balance")
    # Subject = a payout. Its amount while requested or exported, zero once paid or failed; >= 0.
    PAYOUT_IN_TRANSIT = "payout_in_transit", _("payout in transit")
    # Platform. System fees charged to lancers on release; only grows except on reversal; >= 0.
    FEE_REVENUE_LANCER = "fee_revenue_lancer", _("fee revenue (lancer side)")
    # Platform. System fees charged to clients on escrow; >= 0.
    FEE_REVENUE_CLIENT = "fee_revenue_client", _("fee revenue (client side)")
    # Platform. Bank transfer fees deducted from payouts (M6); >= 0.
    TRANSFER_FEE_REVENUE = "transfer_fee_revenue", _("transfer fee revenue")
    # Platform. Reward balances given up on withdrawal with consent; >= 0.
    FORFEITED = "forfeited", _("forfeited balances")
    # Owner = the client. Refunds decided and not yet sent back to the client's bank; >= 0.
    REFUNDS = "refunds", _("refunds to clients")
    # Owner = the client. T3: income tax withheld from rewards on acceptance, which the
    # client owes the tax office (due the 10th of the next month); >= 0.
    WITHHOLDING = "withholding", _("income tax withheld")
    # Platform. Counter-side of money entering or leaving; its balance is minus the cash held.
    BANK = "bank", _("bank")


class AccountScope(models.TextChoices):
    PLATFORM = "platform", _("platform")
    OWNER = "owner", _("owner")
    SUBJECT = "subject", _("subject")


# Which of owner / subject identifies an account of each kind; enforced by a CheckConstraint.
KIND_SCOPE: dict[str, str] = {
    AccountKind.CLIENT_PAYMENTS: AccountScope.OWNER,
    AccountKind.ESCROW: AccountScope.SUBJECT,
    AccountKind.REWARD: AccountScope.OWNER,
    AccountKind.PAYOUT_IN_TRANSIT: AccountScope.SUBJECT,
    AccountKind.FEE_REVENUE_LANCER: AccountScope.PLATFORM,
    AccountKind.FEE_REVENUE_CLIENT: AccountScope.PLATFORM,
    AccountKind.TRANSFER_FEE_REVENUE: AccountScope.PLATFORM,
    AccountKind.FORFEITED: AccountScope.PLATFORM,
    AccountKind.REFUNDS: AccountScope.OWNER,
    AccountKind.WITHHOLDING: AccountScope.OWNER,
    AccountKind.BANK: AccountScope.PLATFORM,
}

# The only kinds whose balance may be below zero; every other balance is >= 0 (CheckConstraint).
NEGATIVE_ALLOWED_KINDS: frozenset[str] = frozenset({AccountKind.BANK})


def kinds_with_scope(scope: str) -> list[str]:
    return [kind for kind, kind_scope in KIND_SCOPE.items() if kind_scope == scope]

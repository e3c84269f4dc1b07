"""Contracts use cases (B3–B7, B6, M1, M2, W6).

Each is one transaction that locks its rows in the order of `ukeoi.contracts.locks` (both
sides' user rows first), refuses a withdrawn actor, asks a pure rule, writes through the
transition tables (audited), posts money only through `ledger.post` with keys derived from
the object, and sends its mail after commit.

Escrow (仮払い) goes through the jobs app's client payments: `milestone_escrow` (the
client) creates a `jobs.ClientPayment` of purpose `milestone` for amount + client fee and
mails the transfer instructions; an operator confirms the transfer with the one
confirmation service, `jobs.services.client_payment_confirm`, which posts bank -> the
client's payments and sends `jobs.signals.client_payment_confirmed`. The receiver here
(`payment_confirmed`) moves the milestone to escrowed and posts client payments -> the
milestone's escrow (`escrow_account("contracts.milestone", pk)`) + client fee revenue.
jobs never imports contracts (DESIGN.md's dependency direction).

Money (B6: every fee at the contract's rates, the ones in force when it was made and stored
on it, `ukeoi.core.fees`; a milestone's fees are fixed when the lancer agrees to it):
- acceptance: escrow -> lancer reward (amount - lancer fee) + lancer fee revenue,
  key `milestone:<pk>:accept`;
- B4 step (2) and B7 inactivity: escrow -> the client's refunds account, and the client fee
  back from client fee revenue, key `milestone:<pk>:escrow_cancel`. The client fee is
  refunded too: B6 charges fees on accepted amounts, and a cancelled milestone was never
  accepted.

B4 step (2) with nothing in escrow (no milestone escrowed or delivered) is recorded as done
automatically when both agree ("cancellation.escrow_cancel_skipped"), so the client is next.
Pending payments of milestones awaiting escrow are cancelled at step (2) (or its skip).
"""

from ukeoi.contracts.rules import MilestoneDraft
from ukeoi.contracts.services._common import (
    ESCROW_SUBJECT,
)
from ukeoi.contracts.services.auto_steps import AutoStepReport, contracts_auto_step
from ukeoi.contracts.services.cancellation import (
    cancellation_agree,
    cancellation_decline,
    cancellation_deletion_approve,
    cancellation_escrow_cancel,
    cancellation_plan_delete,
    cancellation_propose,
)
from ukeoi.contracts.services.delivery import (
    DELIVERY_VALIDATORS,
    contract_complete,
    milestone_accept,
    milestone_deliver,
    milestone_request_changes,
)
from ukeoi.contracts.services.escrow import milestone_escrow, payment_confirmed
from ukeoi.contracts.services.hiring import proposal_hire
from ukeoi.contracts.services.plan import (
    contract_create_from_proposal,
    milestones_agree,
    milestones_propose,
)
from ukeoi.contracts.services.ratings import rating_submit

__all__ = [
    "DELIVERY_VALIDATORS",
    "ESCROW_SUBJECT",
    "AutoStepReport",
    "MilestoneDraft",
    "cancellation_agree",
    "cancellation_decline",
    "cancellation_deletion_approve",
    "cancellation_escrow_cancel",
    "cancellation_plan_delete",
    "cancellation_propose",
    "contract_complete",
    "contract_create_from_proposal",
    "contracts_auto_step",
    "milestone_accept",
    "milestone_deliver",
    "milestone_escrow",
    "milestone_request_changes",
    "milestones_agree",
    "milestones_propose",
    "payment_confirmed",
    "proposal_hire",
    "rating_submit",
]

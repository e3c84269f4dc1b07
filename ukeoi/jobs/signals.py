"""Signals through which higher apps (contracts) follow what happens in jobs, so that jobs
never imports them (DESIGN.md, dependency direction). Both are sent inside the service's
transaction with its rows locked: a receiver that raises undoes the whole action."""

from django.dispatch import Signal

# B1: a client selected a proposal. kwargs: proposal, job, actor. The contracts app turns a
# project's selected proposal into a contract.
proposal_selected = Signal()

# An operator confirmed a client payment and bank -> the client's payments is posted.
# kwargs: payment, actor. For a payment of purpose `milestone` the contracts app moves the
# money on into the milestone's escrow.
client_payment_confirmed = Signal()

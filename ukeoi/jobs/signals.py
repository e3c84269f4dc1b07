"""Signals through which higher apps (contracts) follow what happens in jobs, so that jobs
never imports them (DESIGN.md, dependency direction). Sent inside the service's transaction
with its rows locked: a receiver that raises undoes the whole action.

Selecting a proposal sends none: a project's selection makes its contract through the
explicit service `contracts.services.proposal_hire` (issue 21)."""

from django.dispatch import Signal

# An operator confirmed a client payment and bank -> the client's payments is posted.
# kwargs: payment, actor. For a payment of purpose `milestone` the contracts app moves the
# money on into the milestone's escrow.
client_payment_confirmed = Signal()

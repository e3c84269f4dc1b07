"""Payout use cases (M3–M6, W6, W9): the user's payout settings, the batch run at each
close, and the operators' "paid" and "failed".

The batch (`payout_batch_run`) is set-based: each chunk transaction locks up to
PAYOUT_CHUNK_SIZE user rows (FOR NO KEY UPDATE, pk order, withdrawn accounts skipped) and
their reward accounts, creates their payouts with one INSERT … SELECT that applies M4/W9 in
SQL, and moves the money reward -> payout in transit + transfer fee revenue with one
`ledger.post_many`. A chunk commits with the batch's resume point (`cursor_user_id`), so a
run killed at any moment leaves whole chunks behind and the next run continues after them;
the unique (batch, user) makes a payout twice impossible whatever happens. When every
chunk is done the Zengin file is written to default storage and the batch and its payouts
become `exported` in one transaction.

Ledger movements (idempotency keys derived from the payout):
    payout:<id>:request  reward(user) -amount · payout_in_transit(payout) +net
                         · transfer_fee_revenue +fee
    payout:<id>:paid     payout_in_transit(payout) -net · bank +net
    payout:<id>:fail     payout_in_transit(payout) -net · transfer_fee_revenue -fee
                         · reward(user) +amount
"""

from ukeoi.payouts.services._common import PAYOUT_SUBJECT, Progress
from ukeoi.payouts.services.batch import FILE_MAX_TOTAL, close_cutoff, payout_batch_run
from ukeoi.payouts.services.operators import payout_batch_mark_paid, payout_mark_failed
from ukeoi.payouts.services.settings import payout_final_request, payout_settings_set

__all__ = [
    "FILE_MAX_TOTAL",
    "PAYOUT_SUBJECT",
    "Progress",
    "close_cutoff",
    "payout_batch_mark_paid",
    "payout_batch_run",
    "payout_final_request",
    "payout_mark_failed",
    "payout_settings_set",
]

"""What operators do after the transfer (M5): mark a batch paid, a payout failed."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.locks import lock_user
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.errors import Conflict, InvalidInput, NotFound
from ukeoi.core.mail import notify
from ukeoi.core.transitions import transition, transition_all
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.payouts.enums import (
    BATCH_TRANSITIONS,
    PAYOUT_TRANSITIONS,
    BatchStatus,
    PayoutStatus,
)
from ukeoi.payouts.locks import lock_batch, lock_payout
from ukeoi.payouts.models import Payout, PayoutBatch
from ukeoi.payouts.services._common import PAYOUT_SUBJECT


def payout_batch_mark_paid(
    *, actor: User, batch_id: int, chunk_size: int | None = None
) -> PayoutBatch:
    """M5: the bank made the transfers: every exported payout of the batch becomes paid and
    its money leaves payouts in transit for the bank. Chunked and resumable like the run
    (payouts marked failed stay failed). Refuses a batch that is not exported."""
    chunk_size = chunk_size or settings.PAYOUT_CHUNK_SIZE
    batch = PayoutBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("That payout batch does not exist."))
    if batch.status != BatchStatus.EXPORTED:
        raise Conflict(
            _(
                "Only a batch whose transfer file was written can be marked paid; this one is "
                "%(status)s."
            )
            % {"status": batch.get_status_display()},
            code="invalid_transition",
        )
    bank = ledger.platform_account(kind=AccountKind.BANK)
    while True:
        with transaction.atomic():
            batch = lock_batch(batch_id)
            if batch.status != BatchStatus.EXPORTED:
                return batch
            now = clock.now()
            rows = list(
                Payout.objects.select_for_update(no_key=True)
                .filter(batch_id=batch_id, status=PayoutStatus.EXPORTED)
                .order_by("id")
                .values_list("id", "net")[:chunk_size]
            )
            if not rows:
                batch.paid_at = now
                transition(
                    batch,
                    BatchStatus.PAID,
                    table=BATCH_TRANSITIONS,
                    actor=actor,
                    action="payout_batch.paid",
                    fields=["paid_at"],
                )
                return batch
            transit = ledger.subject_accounts_get_or_create_many(
                kind=AccountKind.PAYOUT_IN_TRANSIT,
                subject_type=PAYOUT_SUBJECT,
                subject_ids=[pk for pk, _net in rows],
            )
            ledger.post_many(
                kind="payout.paid",
                postings=[
                    ledger.Posting(
                        key=f"payout:{pk}:paid", legs=[(transit[str(pk)], -net), (bank.pk, net)]
                    )
                    for pk, net in rows
                ],
            )
            transition_all(
                Payout.objects.filter(pk__in=[pk for pk, _net in rows]),
                PayoutStatus.EXPORTED,
                PayoutStatus.PAID,
                table=PAYOUT_TRANSITIONS,
                paid_at=now,
            )


def payout_mark_failed(*, actor: User, payout_id: int, reason: str) -> Payout:
    """M5: the bank could not make this transfer: the payout fails, its whole amount (fee
    included) returns to the user's reward balance, and the user is told why by mail.
    Refuses a payout already paid or failed, changing nothing."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidInput.of({"reason": [_("Give the reason in 1 to 200 characters.")]})
    with transaction.atomic():
        found = Payout.objects.filter(pk=payout_id).values_list("user_id", flat=True).first()
        if found is None:
            raise NotFound(_("That payout does not exist."))
        user = lock_user(found)
        payout = lock_payout(payout_id)
        if payout.status == PayoutStatus.PAID:
            raise Conflict(
                _("This payout was already paid; it cannot be marked failed."),
                code="invalid_transition",
            )
        now = clock.now()
        payout.failure_reason = reason
        payout.failed_at = now
        transition(
            payout,
            PayoutStatus.FAILED,
            table=PAYOUT_TRANSITIONS,
            actor=actor,
            action="payout.fail",
            fields=["failure_reason", "failed_at"],
            refusal=_("This payout has already failed."),
        )
        transit = ledger.payout_in_transit_account(
            subject_type=PAYOUT_SUBJECT, subject_id=payout.pk
        )
        legs = [(transit, -payout.net), (ledger.reward_account(lancer=payout.user), payout.amount)]
        if payout.fee:
            fee_account = ledger.platform_account(kind=AccountKind.TRANSFER_FEE_REVENUE)
            legs.append((fee_account, -payout.fee))
        ledger.post(key=f"payout:{payout.pk}:fail", kind="payout.fail", legs=legs)
        if user is not None:
            notify(user, "payout_failed", payout=payout, batch=payout.batch, reason=reason)
    return payout

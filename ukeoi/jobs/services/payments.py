"""Client payments (M1, M2): one confirmation service for every purpose."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.errors import Conflict, NotAllowed, NotFound
from ukeoi.core.mail import absolute_url
from ukeoi.core.transitions import transition
from ukeoi.jobs.enums import (
    JOB_PAYMENT_PURPOSES,
    JOB_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    JobStatus,
    PaymentStatus,
)
from ukeoi.jobs.locks import (
    lock_job,
    lock_payment,
)
from ukeoi.jobs.models import (
    ClientPayment,
    Job,
)
from ukeoi.jobs.services._common import (
    ESCROW_SUBJECT,
    _lock_active,
    _mail,
)
from ukeoi.jobs.signals import client_payment_confirmed
from ukeoi.jobs.tax_documents import payment_documents_issue
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind


def client_payment_confirm(*, actor: User, payment_id: int) -> ClientPayment:
    """入金確認: an operator confirms that a client's transfer arrived. Posts it to the ledger
    (bank -> the client's payments -> the job's escrow and the client fee, B6) and opens the
    competition or task it paid for.

    The one confirmation path for every payment method. Idempotent (M2): confirming a
    confirmed payment changes nothing, and the ledger keys are derived from the payment."""
    head = ClientPayment.objects.filter(pk=payment_id).values("client_id", "job_id").first()
    # A2: a payment is seen by its payer and the operators; to anyone else it does not
    # exist (404), and its payer is told that confirming is the operators' step (403).
    if head is None or not (actor.is_staff or actor.pk == head["client_id"]):
        raise NotFound(_("That payment does not exist."))
    if not actor.is_staff:
        raise NotAllowed(_("Only operators can confirm payments."), code="operators_only")
    with transaction.atomic():
        users = _lock_active(actor, head["client_id"])
        client = users[head["client_id"]]
        job = lock_job(head["job_id"])
        payment = lock_payment(payment_id)
        if payment.status == PaymentStatus.CONFIRMED:
            return payment
        if payment.status == PaymentStatus.CANCELLED:
            raise Conflict(
                _("This payment was cancelled because its job was closed."),
                code="payment_cancelled",
            )
        if client.is_withdrawn:
            raise Conflict(
                _("The client has withdrawn; the payment cannot be confirmed."),
                code="client_withdrawn",
            )
        payment.confirmed_at = clock.now()
        payment.confirmed_by = actor
        transition(
            payment,
            PaymentStatus.CONFIRMED,
            table=PAYMENT_TRANSITIONS,
            actor=actor,
            action="client_payment.confirmed",
            fields=["confirmed_at", "confirmed_by"],
        )
        _post_payment(payment=payment, client=client, job=job)
        # T2: the receipt and the fee invoice, in the same transaction as the posting.
        payment_documents_issue(payment=payment, client=client, job=job)
        client_payment_confirmed.send(sender=ClientPayment, payment=payment, actor=actor)
        if payment.purpose not in JOB_PAYMENT_PURPOSES:
            # A milestone's escrow: the contracts app took it on from the client's payments.
            return payment
        if job.status == JobStatus.AWAITING_PAYMENT:
            transition(
                job,
                JobStatus.OPEN,
                table=JOB_TRANSITIONS,
                actor=actor,
                action="job.opened",
            )
        _mail(
            client,
            "payment_confirmed",
            job=job,
            payment=payment,
            link=absolute_url(job.get_absolute_url()),
        )
    return payment


def _post_payment(*, payment: ClientPayment, client: User, job: Job) -> None:
    bank = ledger.platform_account(kind=AccountKind.BANK)
    received = ledger.client_payments_account(client=client)
    escrow = ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=job.pk)
    memo = f"{payment.reference} {job.title}"[:200]
    ledger.post(
        key=f"client_payment:{payment.pk}:received",
        kind="client_payment.received",
        legs=[(bank, -payment.amount), (received, payment.amount)],
        memo=memo,
    )
    if payment.purpose not in JOB_PAYMENT_PURPOSES:
        return
    legs = [(received, -payment.amount), (escrow, payment.escrow_amount)]
    if payment.client_fee:
        legs.append(
            (ledger.platform_account(kind=AccountKind.FEE_REVENUE_CLIENT), payment.client_fee)
        )
    ledger.post(
        key=f"client_payment:{payment.pk}:escrow",
        kind="client_payment.escrow",
        legs=legs,
        memo=memo,
    )

"""Escrow of a milestone (B3, M1, M2): the client payment and its confirmation."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    CancellationStep,
    MilestoneStatus,
)
from ukeoi.contracts.locks import (
    lock_contract,
    lock_milestone,
    lock_open_cancellation,
)
from ukeoi.contracts.models import Milestone

# The ledger names a milestone's escrow account by this subject (M1).
from ukeoi.contracts.services._common import (
    ESCROW_SUBJECT,
    _contract_of_milestone,
    _lock,
    _Locked,
    _mail,
    _mail_both,
    _move_milestone,
    _refuse_if_other_withdrawn,
    _touch,
)
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import Conflict, refuse
from ukeoi.core.mail import absolute_url
from ukeoi.jobs.enums import (
    PaymentPurpose,
    PaymentStatus,
)
from ukeoi.jobs.models import ClientPayment
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind


def milestone_escrow(*, actor: User, milestone_id: int) -> Milestone:
    """B3: the client asks to escrow (仮払い) an agreed milestone: a client payment of
    amount + client fee (B6, as fixed at agreement) is created and its transfer instructions
    mailed; the milestone is escrowed when an operator confirms the transfer
    (`jobs.client_payment_confirm`).
    Idempotent: asking again while the payment is pending returns the milestone unchanged.
    W6: refused for a withdrawn client or lancer."""
    contract_id = _contract_of_milestone(milestone_id, actor=actor)
    with transaction.atomic():
        locked = _lock(actor, contract_id)
        contract = locked.contract
        milestone = lock_milestone(milestone_id)
        if (
            milestone.payment_id is not None
            and milestone.status == MilestoneStatus.AWAITING_ESCROW
            and ClientPayment.objects.filter(
                pk=milestone.payment_id, status=PaymentStatus.AWAITING
            ).exists()
            and actor.pk == contract.client_id
        ):
            return milestone
        refusal = rules.escrow_refusal(
            actor_id=actor.pk,
            contract=rules.ContractFacts.of(contract),
            milestone=rules.MilestoneFacts.of(milestone),
        )
        if refusal is not None:
            refuse(refusal)
        _refuse_if_other_withdrawn(locked, actor)
        # B6: the fees fixed when the lancer agreed, at the contract's rates.
        payment = ClientPayment.objects.create(
            client_id=contract.client_id,
            purpose=PaymentPurpose.MILESTONE,
            job_id=contract.job_id,
            escrow_amount=milestone.amount,
            client_fee=milestone.client_fee,
            amount=milestone.client_total,
        )
        audit(
            actor=actor,
            subject=payment,
            action="client_payment.requested",
            after={
                "amount": payment.amount,
                "escrow_amount": payment.escrow_amount,
                "client_fee": payment.client_fee,
                "milestone": milestone.pk,
            },
        )
        milestone.payment = payment
        milestone.save(update_fields=["payment"])
        audit(
            actor=actor,
            subject=milestone,
            action="milestone.escrow_requested",
            after={"payment": payment.pk, "client_total": payment.amount},
        )
        now = clock.now()
        _touch(contract, now)
        _mail(
            locked.client,
            "escrow_instructions",
            contract=contract,
            milestone=milestone,
            payment=payment,
            link=absolute_url(contract.get_absolute_url()),
        )
    return milestone


def payment_confirmed(*, payment: ClientPayment, actor: User | None) -> Milestone | None:
    """Receiver of `jobs.signals.client_payment_confirmed`, inside the confirmation's
    transaction (the client's row, the job and the payment are locked): the milestone the
    payment is for becomes escrowed and its money moves client payments -> escrow + client
    fee revenue (B6). Returns None for payments that are not for a milestone."""
    if payment.purpose != PaymentPurpose.MILESTONE:
        return None
    head = Milestone.objects.filter(payment=payment).values("pk", "contract_id").first()
    if head is None:
        raise Conflict(_("This payment is not for a milestone."), code="no_milestone")
    # The confirmation holds the client's row: every contracts service locks it first too,
    # so they are serialized. The lancer's row is not locked here: taking it after the job
    # and the payment would invert the users-first order (deadlock), and escrow creates no
    # obligation the lancer could withdraw from (the open contract already blocks W1).
    contract = lock_contract(head["contract_id"])
    locked = _Locked(
        users=User.objects.in_bulk([contract.client_id, contract.lancer_id]), contract=contract
    )
    milestone = lock_milestone(head["pk"])
    if milestone.status != MilestoneStatus.AWAITING_ESCROW or not contract.is_open:
        raise Conflict(
            _("This milestone is no longer waiting for its escrow."), code="milestone_not_awaiting"
        )
    cancellation = lock_open_cancellation(contract)
    if cancellation is not None and cancellation.step not in (
        CancellationStep.PROPOSED,
        CancellationStep.AGREED,
    ):
        raise Conflict(
            _("This contract's escrow has been cancelled; the payment cannot be taken."),
            code="escrow_cancelled",
        )
    received = ledger.client_payments_account(client=locked.client)
    escrow = ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=milestone.pk)
    legs = [(received, -payment.amount), (escrow, payment.escrow_amount)]
    if payment.client_fee:
        legs.append(
            (ledger.platform_account(kind=AccountKind.FEE_REVENUE_CLIENT), payment.client_fee)
        )
    ledger.post(
        key=f"client_payment:{payment.pk}:escrow",
        kind="milestone.escrow",
        legs=legs,
        memo=f"{payment.reference} {milestone.title}"[:200],
    )
    now = clock.now()
    milestone.escrow_amount = payment.escrow_amount
    milestone.client_fee = payment.client_fee
    milestone.escrowed_at = now
    _move_milestone(
        milestone,
        MilestoneStatus.ESCROWED,
        actor=actor,
        action="milestone.escrowed",
        fields=["escrow_amount", "client_fee", "escrowed_at"],
    )
    if contract.work_started_at is None:
        contract.work_started_at = now
        contract.save(update_fields=["work_started_at"])
    _touch(contract, now)
    _mail_both(contract, locked.users, "escrowed", milestone=milestone)
    return milestone


# A delivery file: at most this size, and of a kind whose content matches its name.

"""Posting and closing jobs (B1), the deadline close and the refund of unused escrow."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core import clock, fees
from ukeoi.core.audit import audit
from ukeoi.core.errors import Conflict, InvalidInput, NotAllowed
from ukeoi.core.mail import absolute_url
from ukeoi.core.transitions import transition
from ukeoi.jobs import rules, selectors
from ukeoi.jobs.enums import (
    JOB_LIVE_STATUSES,
    JOB_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    JobFormat,
    JobStatus,
    PaymentPurpose,
    PaymentStatus,
    ProposalStatus,
    TaskSubmissionStatus,
)
from ukeoi.jobs.locks import (
    lock_job,
    lock_payment,
    lock_pending_proposals,
)
from ukeoi.jobs.models import (
    ClientPayment,
    Job,
    TaskSubmission,
)
from ukeoi.jobs.services._common import (
    ESCROW_SUBJECT,
    _lock_active,
    _mail,
)
from ukeoi.ledger import services as ledger
from ukeoi.ledger.models import LedgerAccount


def job_post(
    *,
    actor: User,
    title: str,
    description: str,
    category: str,
    format: str,
    deadline: datetime | None,
    budget_min: int | None = None,
    budget_max: int | None = None,
    unit_reward: int | None = None,
    units: int | None = None,
    withholding: bool = False,
) -> Job:
    """B1, T3: post a job (`withholding`: the client withholds income tax from its
    contracts' rewards). A project opens at once; a competition or task waits for its prize or
    budget to be paid into escrow (a ClientPayment the operators confirm). W6."""
    draft = rules.JobDraft(
        title=title.strip(),
        description=description.strip(),
        category=category,
        format=format,
        deadline=deadline,
        budget_min=budget_min,
        budget_max=budget_max,
        unit_reward=unit_reward,
        units=units,
        withholding=withholding,
    )
    problems = rules.job_draft_problems(draft, now=clock.now())
    if problems:
        raise InvalidInput.of(problems)
    budget = rules.job_budget(draft)
    assert draft.deadline is not None  # job_draft_problems requires it
    # B6: a competition or task is charged at the rates in force now, for good.
    rates = fees.rates_in_force()
    with transaction.atomic():
        client = _lock_active(actor)[actor.pk]
        job = Job.objects.create(
            client=client,
            title=draft.title,
            description=draft.description,
            category=draft.category,
            format=draft.format,
            deadline=draft.deadline,
            budget_min=budget.budget_min,
            budget_max=budget.budget_max,
            unit_reward=budget.unit_reward,
            units=budget.units,
            withholding=draft.withholding,
            status=rules.initial_job_status(draft.format),
            client_fee_permille=rates.client_permille,
            lancer_fee_permille=rates.lancer_permille,
        )
        audit(
            actor=actor,
            subject=job,
            action="job.posted",
            after={
                "format": job.format,
                "status": job.status,
                "budget_min": job.budget_min,
                "budget_max": job.budget_max,
                "withholding": job.withholding,
                "client_fee_permille": job.client_fee_permille,
                "lancer_fee_permille": job.lancer_fee_permille,
            },
        )
        if job.needs_payment:
            payment = _payment_create(job=job, actor=actor)
            _mail(
                client,
                "payment_instructions",
                job=job,
                payment=payment,
                link=absolute_url(job.get_absolute_url()),
            )
    return job


def _payment_create(*, job: Job, actor: User) -> ClientPayment:
    purpose = (
        PaymentPurpose.COMPETITION_PRIZE
        if job.format == JobFormat.COMPETITION
        else PaymentPurpose.TASK_BUDGET
    )
    escrow_amount = job.budget_min
    # B6: at the rates stored on the job when it was posted (the agreement's).
    client_fee = fees.rates_of(job).client_fee(escrow_amount)
    payment = ClientPayment.objects.create(
        client_id=job.client_id,
        purpose=purpose,
        job=job,
        escrow_amount=escrow_amount,
        client_fee=client_fee,
        amount=escrow_amount + client_fee,
    )
    audit(
        actor=actor,
        subject=payment,
        action="client_payment.requested",
        after={"amount": payment.amount, "escrow_amount": escrow_amount, "client_fee": client_fee},
    )
    return payment


def job_close(*, actor: User, job_id: int) -> Job:
    """B1: the client closes their job. It takes no more proposals and its pending ones
    become not selected (不採用). An unpaid prize or budget is cancelled."""
    with transaction.atomic():
        _lock_active(actor)
        job = lock_job(job_id)
        if actor.pk != job.client_id:
            raise NotAllowed(
                _("Only the client who posted the job can do this."), code="not_client"
            )
        if job.status == JobStatus.CLOSED:
            raise Conflict(_("This job is already closed."), code="already_closed")
        _close(job, actor=actor, now=clock.now())
    return job


def _close(job: Job, *, actor: User | None, now: datetime) -> None:
    """Close a locked job: B1's effects on its proposals and payment, audited, mails queued."""
    job.closed_at = now
    transition(
        job,
        JobStatus.CLOSED,
        table=JOB_TRANSITIONS,
        actor=actor,
        action="job.closed",
        fields=["closed_at"],
    )
    pending = lock_pending_proposals(job)
    for proposal in pending:
        proposal.decided_at = now
        transition(
            proposal,
            ProposalStatus.NOT_SELECTED,
            table=PROPOSAL_TRANSITIONS,
            actor=actor,
            action="proposal.not_selected",
            fields=["decided_at"],
        )
    payment = selectors.awaiting_payment_get(job=job)
    if payment is not None:
        payment = lock_payment(payment.pk)
        transition(
            payment,
            PaymentStatus.CANCELLED,
            table=PAYMENT_TRANSITIONS,
            actor=actor,
            action="client_payment.cancelled",
        )
    _refund_unused_escrow(job)
    lancers = User.objects.in_bulk([p.lancer_id for p in pending])
    for proposal in pending:
        _mail(
            lancers[proposal.lancer_id],
            "not_selected",
            job=job,
            link=absolute_url(proposal.get_absolute_url()),
        )


def _job_escrow(job: Job) -> LedgerAccount:
    return ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=job.pk)


def _refund_unused_escrow(job: Job) -> None:
    """M1: when a job closes, escrow nobody can earn any more goes to the client's refunds
    account: a competition's prize without a winner, a task's budget beyond the units still
    awaiting a decision (each of those is refunded if rejected later). Key per job."""
    if not job.needs_payment:
        return
    escrow = _job_escrow(job)
    escrow.refresh_from_db(fields=["balance"])
    reserved = 0
    if job.format == JobFormat.TASK:
        assert job.unit_reward is not None
        reserved = (
            job.unit_reward
            * TaskSubmission.objects.filter(job=job, status=TaskSubmissionStatus.SUBMITTED).count()
        )
    unused = escrow.balance - reserved
    if unused <= 0:
        return
    client = User.objects.get(pk=job.client_id)
    ledger.post(
        key=f"job:{job.pk}:refund_unused",
        kind="job.refund_unused",
        legs=[(escrow, -unused), (ledger.refunds_account(client=client), unused)],
        memo=job.title[:200],
    )


def jobs_close_expired(*, now: datetime | None = None) -> int:
    """B1: close every job whose proposal deadline has passed; returns how many it closed.

    Idempotent and safe to run concurrently: each job is closed in its own transaction
    after re-reading it under its lock, so a job closed meanwhile is skipped."""
    now = now or clock.now()
    expired = (
        Job.objects.filter(status__in=JOB_LIVE_STATUSES, deadline__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for job_id in list(expired):
        with transaction.atomic():
            job = lock_job(job_id)
            if not rules.is_expired(rules.JobFacts.of(job), now=now):
                continue
            _close(job, actor=None, now=now)
            closed += 1
    return closed

"""Jobs use cases (B1, B2, B8, M1, M2, W6). Each is one transaction that locks its rows in
the order of `ukeoi.jobs.locks`, refuses a withdrawn actor, asks a pure rule, writes, audits
and sends its mail after commit. Views, the API, the admin and the periodic task all call
these, so the rules live here once."""

from datetime import date, datetime
from typing import Any, NoReturn

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core import clock, fees
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, Conflict, InvalidInput, NotAllowed, NotFound
from ukeoi.core.mail import absolute_url, notify
from ukeoi.core.transitions import transition
from ukeoi.jobs import rules, selectors
from ukeoi.jobs.enums import (
    JOB_LIVE_STATUSES,
    JOB_PAYMENT_PURPOSES,
    JOB_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    TASK_SUBMISSION_TRANSITIONS,
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
    lock_proposal,
    lock_task_submission,
    lock_users,
)
from ukeoi.jobs.models import (
    AppendNote,
    ClientPayment,
    Job,
    Message,
    MessageThread,
    Proposal,
    TaskSubmission,
)
from ukeoi.jobs.signals import client_payment_confirmed, proposal_selected
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount

# The ledger names a job's escrow account by this subject (M1).
ESCROW_SUBJECT = "jobs.job"


class ActionRefused(Conflict):
    """Not possible in the current state (409)."""


class ActionNotAllowed(NotAllowed):
    """Not this account's to do (403)."""


class AccountWithdrawn(NotAllowed):
    code = "account_withdrawn"


def _refuse(refusal: rules.Refusal) -> NoReturn:
    error_class: type[ApplicationError] = (
        ActionNotAllowed if refusal.status == 403 else ActionRefused
    )
    raise error_class(refusal.message, code=refusal.code)


def _lock_active(actor: User, *others: int) -> dict[int, User]:
    """W6: lock the actor's row (and the others', in pk order) and refuse a withdrawn actor,
    so that an action and the actor's withdrawal never interleave."""
    users = lock_users(actor.pk, *others)
    if actor.pk not in users or users[actor.pk].is_withdrawn:
        raise AccountWithdrawn(_("This account has been withdrawn and can no longer do this."))
    return users


def _mail(recipient: User, template: str, **context: Any) -> None:
    """A notice of this app (templates `jobs_<name>`); none to a withdrawn account."""
    notify(recipient, f"jobs_{template}", **context)


# --- Jobs -----------------------------------------------------------------------------------


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
) -> Job:
    """B1: post a job. A project opens at once; a competition or task waits for its prize or
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
            raise ActionNotAllowed(
                _("Only the client who posted the job can do this."), code="not_client"
            )
        if job.status == JobStatus.CLOSED:
            raise ActionRefused(_("This job is already closed."), code="already_closed")
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


# --- Client payments (M1, M2) ---------------------------------------------------------------


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
        raise ActionNotAllowed(_("Only operators can confirm payments."), code="operators_only")
    with transaction.atomic():
        users = _lock_active(actor, head["client_id"])
        client = users[head["client_id"]]
        job = lock_job(head["job_id"])
        payment = lock_payment(payment_id)
        if payment.status == PaymentStatus.CONFIRMED:
            return payment
        if payment.status == PaymentStatus.CANCELLED:
            raise ActionRefused(
                _("This payment was cancelled because its job was closed."),
                code="payment_cancelled",
            )
        if client.is_withdrawn:
            raise ActionRefused(
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


# --- Proposals (B1, B2) ---------------------------------------------------------------------


def proposal_submit(
    *,
    actor: User,
    job_id: int,
    message: str,
    amount: int | None = None,
    delivery_date: date | None = None,
) -> Proposal:
    """B1: a lancer proposes on an open job (a competition entry carries the prize).
    Refused on one's own job, a job not open or past its deadline, and a second proposal
    on the same job. Opens the proposal's message thread (B8). W6."""
    with transaction.atomic():
        lancer = _lock_active(actor)[actor.pk]
        job = lock_job(job_id)
        facts = rules.JobFacts.of(job)
        refusal = rules.proposal_refusal(
            facts,
            lancer_id=lancer.pk,
            already_proposed=Proposal.objects.filter(job=job, lancer=lancer).exists(),
            now=clock.now(),
        )
        if refusal is not None:
            _refuse(refusal)
        draft = rules.ProposalDraft(
            amount=amount, message=message.strip(), delivery_date=delivery_date
        )
        problems = rules.proposal_draft_problems(draft, job_format=job.format, today=clock.today())
        if problems:
            raise InvalidInput.of(problems)
        is_project = job.format == JobFormat.PROJECT
        # A competition entry carries the prize; a project's amount was checked above.
        amount = draft.amount if is_project and draft.amount is not None else job.budget_min
        proposal = Proposal.objects.create(
            job=job,
            lancer=lancer,
            amount=amount,
            delivery_date=draft.delivery_date if is_project else None,
            message=draft.message,
        )
        MessageThread.objects.create(client_id=job.client_id, lancer=lancer, proposal=proposal)
        audit(
            actor=actor,
            subject=proposal,
            action="proposal.submitted",
            after={"job": job.pk, "amount": proposal.amount},
        )
        client = User.objects.get(pk=job.client_id)
        _mail(
            client,
            "new_proposal",
            job=job,
            proposal=proposal,
            link=absolute_url(proposal.get_absolute_url()),
        )
    return proposal


def _proposal_sides(*, actor: User, proposal_id: int) -> tuple[int, int]:
    """The proposal's job and lancer, read before any lock (neither ever changes). A2,
    B2: to anyone but its lancer and the job's client the proposal does not exist (404),
    so a refusal tells no stranger that it does; its two sides get the rule's answer."""
    head = (
        Proposal.objects.filter(pk=proposal_id)
        .values("job_id", "lancer_id", "job__client_id")
        .first()
    )
    if head is None or actor.pk not in (head["lancer_id"], head["job__client_id"]):
        raise NotFound(_("That proposal does not exist."))
    return head["job_id"], head["lancer_id"]


def _client_action(action: str, *, actor: User, proposal_id: int) -> Proposal:
    job_id, lancer_id = _proposal_sides(actor=actor, proposal_id=proposal_id)
    with transaction.atomic():
        # The lancer's row too: selecting creates obligations for both sides (W6).
        users = _lock_active(actor, lancer_id)
        if action == "select" and users[lancer_id].is_withdrawn:
            raise ActionRefused(
                _("This lancer has withdrawn from ukeoi; their proposal cannot be selected."),
                code="lancer_withdrawn",
            )
        job = lock_job(job_id)
        proposal = lock_proposal(proposal_id)
        refusal = rules.client_action_refusal(
            action,
            actor_id=actor.pk,
            job=rules.JobFacts.of(job),
            proposal=rules.ProposalFacts.of(proposal),
        )
        if refusal is not None:
            _refuse(refusal)
        now = clock.now()
        target = rules.CLIENT_ACTIONS[action]
        proposal.decided_at = now
        transition(
            proposal,
            target,
            table=PROPOSAL_TRANSITIONS,
            actor=actor,
            action=f"proposal.{target}",
            fields=["decided_at"],
        )
        lancer = users[proposal.lancer_id]
        if action == "select" and job.format == JobFormat.COMPETITION:
            # B1, B6: the winner's prize leaves the escrow for their reward balance.
            _release_prize(job=job, proposal=proposal, lancer=lancer)
            # A competition has one winner: choosing it ends the competition (B1).
            _close(job, actor=actor, now=now)
        if action == "select":
            proposal_selected.send(sender=Proposal, proposal=proposal, job=job, actor=actor)
        _mail(lancer, f"proposal_{target}", job=job, link=absolute_url(proposal.get_absolute_url()))
    return proposal


def _release_prize(*, job: Job, proposal: Proposal, lancer: User) -> None:
    """B1, B6, M2: a competition's prize goes from its escrow to the winner's reward balance
    minus the lancer fee at the competition's rate (stored when it was posted); once per
    winning entry (the key)."""
    prize = job.budget_min
    lancer_fee = fees.rates_of(job).lancer_fee(prize)
    legs = [(_job_escrow(job), -prize), (ledger.reward_account(lancer=lancer), prize - lancer_fee)]
    if lancer_fee:
        legs.append((ledger.platform_account(kind=AccountKind.FEE_REVENUE_LANCER), lancer_fee))
    ledger.post(
        key=f"proposal:{proposal.pk}:prize",
        kind="competition.prize",
        legs=legs,
        memo=job.title[:200],
    )


def proposal_select(*, actor: User, proposal_id: int) -> Proposal:
    """B1: the client picks a proposal (a competition's winner). Other proposals of a project
    stay pending (a client may hire several lancers) until declined or the job closes."""
    return _client_action("select", actor=actor, proposal_id=proposal_id)


def proposal_decline(*, actor: User, proposal_id: int) -> Proposal:
    """B2: the client declines a proposal; it no longer counts as pending."""
    return _client_action("decline", actor=actor, proposal_id=proposal_id)


def proposal_delete(*, actor: User, proposal_id: int) -> Proposal:
    """B2: only the client deletes a proposal (kept as a record, marked deleted). The lancer
    who sent it is refused with an explanation of what they can do instead (403)."""
    return _client_action("delete", actor=actor, proposal_id=proposal_id)


def append_note_add(*, actor: User, proposal_id: int, body: str) -> AppendNote:
    """B2: the proposal's lancer adds a note to it (e.g. asking the client to delete it);
    the client is told by mail."""
    _proposal_sides(actor=actor, proposal_id=proposal_id)
    with transaction.atomic():
        _lock_active(actor)
        proposal = lock_proposal(proposal_id)
        refusal = rules.append_note_refusal(
            actor_id=actor.pk, proposal=rules.ProposalFacts.of(proposal)
        )
        if refusal is not None:
            _refuse(refusal)
        body = body.strip()
        problems = rules.text_problems("body", body, rules.NOTE_MAX)
        if problems:
            raise InvalidInput.of(problems)
        note = AppendNote.objects.create(proposal=proposal, body=body)
        audit(
            actor=actor, subject=note, action="append_note.added", after={"proposal": proposal.pk}
        )
        job = Job.objects.select_related("client").get(pk=proposal.job_id)
        _mail(
            job.client,
            "append_note",
            job=job,
            note=note,
            lancer_name=actor.display_name,
            link=absolute_url(proposal.get_absolute_url()),
        )
    return note


# --- Messages (B8) --------------------------------------------------------------------------


def message_send(*, actor: User, thread_id: int, body: str) -> Message:
    """B8: one side writes to the other in their thread; the other side is told by mail
    after commit."""
    with transaction.atomic():
        _lock_active(actor)
        thread = selectors.thread_get(thread_id=thread_id, viewer=actor)
        other = User.objects.get(pk=thread.other_side(actor.pk))
        deleted = Proposal.objects.filter(thread=thread, status=ProposalStatus.DELETED).exists()
        refusal = rules.message_refusal(
            actor_id=actor.pk,
            thread=rules.ThreadFacts(
                thread.client_id, thread.lancer_id, other.is_withdrawn, subject_deleted=deleted
            ),
        )
        if refusal is not None:
            _refuse(refusal)
        body = body.strip()
        problems = rules.text_problems("body", body, rules.MESSAGE_MAX)
        if problems:
            raise InvalidInput.of(problems)
        message = Message.objects.create(thread=thread, sender=actor, body=body)
        # The text stays out of the audit trail (personal data); who wrote where is enough.
        audit(actor=actor, subject=message, action="message.sent", after={"thread": thread.pk})
        path = _thread_path(thread)
        _mail(
            other,
            "message",
            sender_name=actor.display_name,
            message=message,
            link=absolute_url(path),
        )
    return message


def _thread_path(thread: MessageThread) -> str:
    """Where the thread is read: a selected project proposal's talk continues on its
    contract page (contracts:for_proposal redirects either side there), others on the
    proposal page."""
    proposal = thread.proposal
    if proposal is None:
        return ""
    if proposal.status == ProposalStatus.SELECTED and proposal.job.format == JobFormat.PROJECT:
        return reverse("contracts:for_proposal", args=[proposal.pk])
    return proposal.get_absolute_url()


def message_mark_read(*, actor: User, thread_id: int) -> int:
    """B8: the actor has read the thread: the other side's unread messages get read_at.
    Returns how many. Not audited: reading changes no one's obligations."""
    with transaction.atomic():
        _lock_active(actor)
        thread = selectors.thread_get(thread_id=thread_id, viewer=actor)
        return (
            Message.objects.filter(thread=thread, read_at__isnull=True)
            .exclude(sender_id=actor.pk)
            .update(read_at=clock.now())
        )


# --- Task units (B1) ------------------------------------------------------------------------


def task_submission_submit(*, actor: User, job_id: int, content: str) -> TaskSubmission:
    """B1: a lancer submits one unit of work on an open task while units are left. W6."""
    with transaction.atomic():
        lancer = _lock_active(actor)[actor.pk]
        job = lock_job(job_id)
        refusal = rules.task_unit_refusal(
            rules.JobFacts.of(job),
            lancer_id=lancer.pk,
            units=job.units or 0,
            units_taken=selectors.task_units_taken(job=job),
            now=clock.now(),
        )
        if refusal is not None:
            _refuse(refusal)
        content = content.strip()
        problems = rules.text_problems("content", content, rules.UNIT_CONTENT_MAX)
        if problems:
            raise InvalidInput.of(problems)
        submission = TaskSubmission.objects.create(job=job, lancer=lancer, content=content)
        audit(actor=actor, subject=submission, action="task_unit.submitted", after={"job": job.pk})
    return submission


def _task_decide(*, actor: User, submission_id: int, target: str) -> TaskSubmission:
    head = (
        TaskSubmission.objects.filter(pk=submission_id)
        .values("job_id", "lancer_id", "job__client_id")
        .first()
    )
    # A2: a unit is seen by the task's client and the lancer who submitted it; to anyone
    # else it does not exist (404). Its lancer is told that deciding is the client's (403).
    if head is None or actor.pk not in (head["lancer_id"], head["job__client_id"]):
        raise NotFound(_("That unit of work does not exist."))
    job_id = head["job_id"]
    with transaction.atomic():
        _lock_active(actor)
        job = lock_job(job_id)
        submission = lock_task_submission(submission_id)
        refusal = rules.task_decision_refusal(
            actor_id=actor.pk, job=rules.JobFacts.of(job), status=submission.status, target=target
        )
        if refusal is not None:
            _refuse(refusal)
        submission.decided_at = clock.now()
        transition(
            submission,
            target,
            table=TASK_SUBMISSION_TRANSITIONS,
            actor=actor,
            action=f"task_unit.{target}",
            fields=["decided_at"],
        )
        lancer = User.objects.get(pk=submission.lancer_id)
        if target == TaskSubmissionStatus.APPROVED:
            _release_unit(job=job, submission=submission, lancer=lancer)
        elif job.status == JobStatus.CLOSED:
            _refund_rejected_unit(job=job, submission=submission)
        _mail(lancer, f"task_unit_{target}", job=job, link=absolute_url(job.get_absolute_url()))
    return submission


def _release_unit(*, job: Job, submission: TaskSubmission, lancer: User) -> None:
    """B6, M2: an approved unit's reward leaves the task's escrow for the lancer's reward
    balance, minus the lancer's system fee at the task's rate (stored when it was posted);
    once per unit (the key)."""
    assert job.unit_reward is not None
    reward = job.unit_reward
    lancer_fee = fees.rates_of(job).lancer_fee(reward)
    legs = [
        (ledger.escrow_account(subject_type=ESCROW_SUBJECT, subject_id=job.pk), -reward),
        (ledger.reward_account(lancer=lancer), reward - lancer_fee),
    ]
    if lancer_fee:
        legs.append((ledger.platform_account(kind=AccountKind.FEE_REVENUE_LANCER), lancer_fee))
    ledger.post(
        key=f"task_unit:{submission.pk}:release",
        kind="task_unit.release",
        legs=legs,
        memo=job.title[:200],
    )


def _refund_rejected_unit(*, job: Job, submission: TaskSubmission) -> None:
    """M1: a unit rejected after its task closed frees money no one can earn any more: it
    goes to the client's refunds account (the rest was refunded at closing)."""
    assert job.unit_reward is not None
    client = User.objects.get(pk=job.client_id)
    ledger.post(
        key=f"task_unit:{submission.pk}:refund",
        kind="task_unit.refund",
        legs=[
            (_job_escrow(job), -job.unit_reward),
            (ledger.refunds_account(client=client), job.unit_reward),
        ],
        memo=job.title[:200],
    )


def task_submission_approve(*, actor: User, submission_id: int) -> TaskSubmission:
    """B1: the client approves one unit; its reward is paid from the task's escrow."""
    return _task_decide(
        actor=actor, submission_id=submission_id, target=TaskSubmissionStatus.APPROVED
    )


def task_submission_reject(*, actor: User, submission_id: int) -> TaskSubmission:
    """B1: the client rejects one unit; its place is free again."""
    return _task_decide(
        actor=actor, submission_id=submission_id, target=TaskSubmissionStatus.REJECTED
    )

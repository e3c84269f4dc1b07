"""Task units (B1): submitted, approved (paid) or rejected (refunded)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core import clock, fees
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput, NotFound, refuse
from ukeoi.core.mail import absolute_url
from ukeoi.core.transitions import transition
from ukeoi.jobs import rules, selectors
from ukeoi.jobs.enums import (
    TASK_SUBMISSION_TRANSITIONS,
    JobStatus,
    TaskSubmissionStatus,
)
from ukeoi.jobs.locks import (
    lock_job,
    lock_task_submission,
)
from ukeoi.jobs.models import (
    Job,
    TaskSubmission,
)
from ukeoi.jobs.services._common import ESCROW_SUBJECT, _lock_active, _mail
from ukeoi.jobs.services.jobs import _job_escrow
from ukeoi.ledger import services as ledger
from ukeoi.ledger.enums import AccountKind


def task_submission_submit(*, actor: User, job_id: int, content: str) -> TaskSubmission:
    """B1: a lancer submits one unit of work on an open task while units are left. W6."""
    client_id = Job.objects.filter(pk=job_id).values_list("client_id", flat=True).first()
    with transaction.atomic():
        # W6: the unit is a blocker for both sides (the client's task has work to decide).
        lancer = _lock_active(actor, *([client_id] if client_id is not None else []))[actor.pk]
        job = lock_job(job_id)
        refusal = rules.task_unit_refusal(
            rules.JobFacts.of(job),
            lancer_id=lancer.pk,
            units=job.units or 0,
            units_taken=selectors.task_units_taken(job=job),
            now=clock.now(),
        )
        if refusal is not None:
            refuse(refusal)
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
        # W6: both sides, as approval credits the lancer's reward balance.
        users = _lock_active(actor, head["lancer_id"], head["job__client_id"])
        job = lock_job(job_id)
        submission = lock_task_submission(submission_id)
        refusal = rules.task_decision_refusal(
            actor_id=actor.pk, job=rules.JobFacts.of(job), status=submission.status, target=target
        )
        if refusal is not None:
            refuse(refusal)
        submission.decided_at = clock.now()
        transition(
            submission,
            target,
            table=TASK_SUBMISSION_TRANSITIONS,
            actor=actor,
            action=f"task_unit.{target}",
            fields=["decided_at"],
        )
        lancer = users[submission.lancer_id]
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

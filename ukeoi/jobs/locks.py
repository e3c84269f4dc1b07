"""Row locks of the jobs app, taken in one fixed order so concurrent services never deadlock:

    users (by pk, `ukeoi.accounts.locks`) -> job -> proposals (by pk) -> task units
    -> client payments -> ledger

Every service locks the acting account's row first with `ukeoi.accounts.locks.lock_users`
(W6). The locks are FOR NO KEY UPDATE for the reason given there."""

from django.utils.translation import gettext_lazy as _

from ukeoi.core.errors import NotFound
from ukeoi.jobs.enums import ProposalStatus
from ukeoi.jobs.models import ClientPayment, Job, Proposal, TaskSubmission


def lock_job(job_id: int) -> Job:
    job = Job.objects.select_for_update(no_key=True).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("That job does not exist."))
    return job


def lock_proposal(proposal_id: int) -> Proposal:
    proposal = Proposal.objects.select_for_update(no_key=True).filter(pk=proposal_id).first()
    if proposal is None:
        raise NotFound(_("That proposal does not exist."))
    return proposal


def lock_pending_proposals(job: Job) -> list[Proposal]:
    return list(
        Proposal.objects.select_for_update(no_key=True)
        .filter(job=job, status=ProposalStatus.PENDING)
        .order_by("pk")
    )


def lock_task_submission(submission_id: int) -> TaskSubmission:
    submission = (
        TaskSubmission.objects.select_for_update(no_key=True).filter(pk=submission_id).first()
    )
    if submission is None:
        raise NotFound(_("That unit of work does not exist."))
    return submission


def lock_payment(payment_id: int) -> ClientPayment:
    payment = ClientPayment.objects.select_for_update(no_key=True).filter(pk=payment_id).first()
    if payment is None:
        raise NotFound(_("That payment does not exist."))
    return payment

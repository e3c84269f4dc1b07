"""Row locks of the jobs app, taken in one fixed order so concurrent services never deadlock:

    users (by pk) -> job -> proposals (by pk) -> task units -> client payments -> ledger

Every service locks the acting account's row first; the withdrawal service locks the same
row, so an action and a withdrawal of the same account never interleave (W6).

The locks are FOR NO KEY UPDATE (no key is ever changed here): they exclude each other and
FOR UPDATE as usual, but not the KEY SHARE lock PostgreSQL takes on a row that a new row's
foreign key points at. Otherwise closing a job (client row, then job) and a proposal on it
(lancer row, job, then a thread pointing at the client row) would deadlock."""

from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core.errors import NotFound
from ukeoi.jobs.enums import ProposalStatus
from ukeoi.jobs.models import ClientPayment, Job, Proposal, TaskSubmission


def lock_users(*pks: int) -> dict[int, User]:
    users = User.objects.select_for_update(no_key=True).filter(pk__in=set(pks)).order_by("pk")
    return {user.pk: user for user in users}


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

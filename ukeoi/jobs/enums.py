"""Choices of the jobs app and the allowed transitions of each of its state machines.

A service moves a status only through `ukeoi.core.transitions.transition`, which checks these
tables and writes the audit event."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class JobFormat(models.TextChoices):
    """B1: the three ways of posting work."""

    PROJECT = "project", _("Project")
    COMPETITION = "competition", _("Competition")
    TASK = "task", _("Task")


class JobCategory(models.TextChoices):
    WEB = "web", _("Websites")
    SYSTEM = "system", _("System and app development")
    DESIGN = "design", _("Design")
    WRITING = "writing", _("Writing")
    TRANSLATION = "translation", _("Translation")
    VIDEO = "video", _("Video, photo and audio")
    MARKETING = "marketing", _("Marketing")
    DATA_ENTRY = "data_entry", _("Data entry and office work")
    OTHER = "other", _("Other")


class JobStatus(models.TextChoices):
    # Competition or task whose prize or budget is not escrowed yet (B1): no proposals yet.
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    OPEN = "open", _("Open for proposals")
    # The context keeps it apart from other apps' "Closed" (募集終了, not 完了).
    CLOSED = "closed", pgettext_lazy("job status", "Closed")


JOB_TRANSITIONS: dict[str, set[str]] = {
    JobStatus.AWAITING_PAYMENT: {JobStatus.OPEN, JobStatus.CLOSED},
    JobStatus.OPEN: {JobStatus.CLOSED},
    JobStatus.CLOSED: set(),
}

# W1 `open_job`: a job in one of these states keeps its client from withdrawing.
JOB_LIVE_STATUSES = (JobStatus.AWAITING_PAYMENT, JobStatus.OPEN)


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SELECTED = "selected", _("Selected")
    DECLINED = "declined", _("Declined")
    # B1: the job closed (deadline or the client) without selecting it.
    NOT_SELECTED = "not_selected", _("Not selected")
    # B2: only the client deletes a proposal; the row stays for the record.
    DELETED = "deleted", _("Deleted by the client")


PROPOSAL_TRANSITIONS: dict[str, set[str]] = {
    ProposalStatus.PENDING: {
        ProposalStatus.SELECTED,
        ProposalStatus.DECLINED,
        ProposalStatus.NOT_SELECTED,
        ProposalStatus.DELETED,
    },
    # The contract that follows a selection is the contracts app's business.
    ProposalStatus.SELECTED: set(),
    ProposalStatus.DECLINED: {ProposalStatus.DELETED},
    ProposalStatus.NOT_SELECTED: {ProposalStatus.DELETED},
    ProposalStatus.DELETED: set(),
}


class TaskSubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


TASK_SUBMISSION_TRANSITIONS: dict[str, set[str]] = {
    TaskSubmissionStatus.SUBMITTED: {TaskSubmissionStatus.APPROVED, TaskSubmissionStatus.REJECTED},
    TaskSubmissionStatus.APPROVED: set(),
    TaskSubmissionStatus.REJECTED: set(),
}


class PaymentPurpose(models.TextChoices):
    COMPETITION_PRIZE = "competition_prize", _("Competition prize")
    TASK_BUDGET = "task_budget", _("Task budget")
    # A contract milestone's escrow (仮払い); the contracts app points the milestone at it.
    MILESTONE = "milestone", _("Milestone escrow")


# The purposes whose escrow belongs to the job itself (one live payment per job and purpose).
JOB_PAYMENT_PURPOSES = (PaymentPurpose.COMPETITION_PRIZE, PaymentPurpose.TASK_BUDGET)


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")


class PaymentStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting payment")
    CONFIRMED = "confirmed", _("Payment confirmed")
    # The job was closed before the money arrived; nothing was posted.
    CANCELLED = "cancelled", _("Cancelled")


PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PaymentStatus.AWAITING: {PaymentStatus.CONFIRMED, PaymentStatus.CANCELLED},
    PaymentStatus.CONFIRMED: set(),
    PaymentStatus.CANCELLED: set(),
}

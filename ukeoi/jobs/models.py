"""Jobs (依頼) in three formats, proposals (提案) with append notes (追記), message threads,
task unit work and the client payments that escrow a competition prize or a task budget."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock, fees
from ukeoi.jobs.enums import (
    JOB_LIVE_STATUSES,
    JobCategory,
    JobFormat,
    JobStatus,
    PaymentMethod,
    PaymentPurpose,
    PaymentStatus,
    ProposalStatus,
    TaskSubmissionStatus,
)


class Job(models.Model):
    """B1: work a client posts, with a proposal deadline (募集期限)."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("client"),
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(_("category"), max_length=16, choices=JobCategory.choices)
    format = models.CharField(_("format"), max_length=16, choices=JobFormat.choices)
    # Whole yen, 1 <= budget_min <= budget_max; equal for a fixed budget, a competition's
    # prize, and a task's unit_reward * units (CheckConstraints).
    budget_min = models.BigIntegerField(_("budget from"))
    budget_max = models.BigIntegerField(_("budget up to"))
    # Task only (set exactly for tasks): whole yen paid per approved unit, >= 1.
    unit_reward = models.BigIntegerField(_("reward per unit"), null=True, blank=True)
    # Task only (set exactly for tasks): how many units may be approved, >= 1.
    units = models.PositiveIntegerField(_("units"), null=True, blank=True)
    # B1: proposals are taken until this moment; the periodic task closes the job after it.
    deadline = models.DateTimeField(_("proposal deadline"), db_index=True)
    # B6: the fee rates in force when the job was posted (permille, ukeoi.core.fees). A
    # competition or task is the agreement itself: its payment, prize and unit rewards are
    # charged at these, whatever the operator sets later. A project's contracts take their
    # own rates when the lancer is hired; these are not used for its money.
    client_fee_permille = models.PositiveSmallIntegerField(
        _("client fee rate (‰)"), default=fees.client_permille_in_force
    )
    lancer_fee_permille = models.PositiveSmallIntegerField(
        _("lancer fee rate (‰)"), default=fees.lancer_permille_in_force
    )
    # T3: the client must withhold income tax from the rewards of this job's contracts
    # (源泉徴収); each contract keeps the value it was made with.
    withholding = models.BooleanField(_("subject to withholding (源泉徴収)"), default=False)
    # awaiting_payment -> open -> closed (JOB_TRANSITIONS); only an open job takes proposals.
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices)
    created_at = models.DateTimeField(_("posted"), default=clock.now)
    # Set exactly when the status becomes closed.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # P2: set when the client's personal data was erased and no transaction needs the job
    # (no contract, no confirmed payment): closed, its title and text replaced, and shown
    # to nobody but the operators (404). A job a transaction needs keeps its title.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at", "-id"], name="job_status_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="job_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=JobFormat.values), name="job_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=JobCategory.values), name="job_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(budget_min__gte=1, budget_max__gte=F("budget_min")),
                name="job_budget_range",
            ),
            models.CheckConstraint(
                condition=~Q(format=JobFormat.COMPETITION) | Q(budget_max=F("budget_min")),
                name="job_competition_prize_fixed",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        format=JobFormat.TASK,
                        unit_reward__gte=1,
                        units__gte=1,
                        budget_min=F("unit_reward") * F("units"),
                        budget_max=F("budget_min"),
                    )
                    | (~Q(format=JobFormat.TASK) & Q(unit_reward__isnull=True, units__isnull=True))
                ),
                name="job_task_units",
            ),
            models.CheckConstraint(
                condition=Q(status=JobStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=JobStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="job_closed_at_iff_closed",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | Q(status=JobStatus.CLOSED),
                name="job_erased_is_closed",
            ),
            models.CheckConstraint(
                condition=Q(
                    client_fee_permille__lte=fees.MAX_PERMILLE,
                    lancer_fee_permille__lte=fees.MAX_PERMILLE,
                ),
                name="job_fee_rates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def is_fixed_budget(self) -> bool:
        return self.budget_min == self.budget_max

    @property
    def is_live(self) -> bool:
        """W1 `open_job`: not closed yet (open, or waiting for its prize or budget)."""
        return self.status in JOB_LIVE_STATUSES

    @property
    def is_taking_proposals(self) -> bool:
        """B1: open and before its deadline (the periodic task closes it soon after)."""
        return self.status == JobStatus.OPEN and self.deadline > clock.now()

    @property
    def needs_payment(self) -> bool:
        """B1: a competition's prize and a task's budget are escrowed before it opens."""
        return self.format in (JobFormat.COMPETITION, JobFormat.TASK)


class Proposal(models.Model):
    """B1, B2: a lancer's offer on a job (a competition entry too). Once sent, only the
    client can delete it; the lancer can add append notes."""

    job = models.ForeignKey(
        Job, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("job")
    )
    lancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("lancer"),
    )
    # Whole yen the lancer asks, >= 1; a competition entry carries the prize.
    amount = models.BigIntegerField(_("amount"))
    # Project only: when the lancer expects to deliver.
    delivery_date = models.DateField(_("estimated delivery"), null=True, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    # pending -> selected | declined | not_selected | deleted (PROPOSAL_TRANSITIONS).
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
    )
    created_at = models.DateTimeField(_("sent"), default=clock.now)
    # When the status last left pending (selected, declined, not selected or deleted).
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lancer", "status"], name="proposal_lancer_status"),
            models.Index(fields=["job", "status"], name="proposal_job_status"),
        ]
        constraints = [
            # B1: one proposal per lancer and job, whatever became of it.
            models.UniqueConstraint(fields=["job", "lancer"], name="proposal_one_per_lancer"),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="proposal_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.job} / {self.lancer}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:proposal_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class AppendNote(models.Model):
    """B2: text the proposal's lancer adds after sending; the only way to amend it."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="notes", verbose_name=_("proposal")
    )
    body = models.TextField(_("append note"), max_length=2000)
    created_at = models.DateTimeField(_("added"), default=clock.now)

    class Meta:
        verbose_name = _("append note")
        verbose_name_plural = _("append notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class MessageThread(models.Model):
    """B8: the conversation between one client and one lancer about one subject.

    A proposal has exactly one thread (created with it). The two sides are stored on the
    thread itself, so a thread needs no subject to decide who may read and write: the
    contracts app points its contract at a thread (its own, or its proposal's) without
    this app knowing contracts."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_threads",
        verbose_name=_("client"),
    )
    lancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="lancer_threads",
        verbose_name=_("lancer"),
    )
    proposal = models.OneToOneField(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="thread",
        verbose_name=_("proposal"),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("message thread")
        verbose_name_plural = _("message threads")
        constraints = [
            models.CheckConstraint(
                condition=~Q(client=F("lancer")), name="thread_two_different_sides"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} ⇄ {self.lancer}"

    def other_side(self, user_id: int) -> int:
        return self.lancer_id if user_id == self.client_id else self.client_id

    def has_side(self, user_id: int) -> bool:
        return user_id in (self.client_id, self.lancer_id)


class Message(models.Model):
    thread = models.ForeignKey(
        MessageThread,
        on_delete=models.PROTECT,
        related_name="messages",
        verbose_name=_("thread"),
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sender"),
    )
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(_("sent"), default=clock.now)
    # Set once, when the other side first reads the thread after this message arrived.
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_id")]

    def __str__(self) -> str:
        return self.body[:40]


class TaskSubmission(models.Model):
    """B1: one unit of work on a task; the client approves (paid per unit) or rejects it."""

    job = models.ForeignKey(
        Job, on_delete=models.PROTECT, related_name="task_submissions", verbose_name=_("job")
    )
    lancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="task_submissions",
        verbose_name=_("lancer"),
    )
    content = models.TextField(_("work"), max_length=5000)
    # submitted -> approved | rejected (TASK_SUBMISSION_TRANSITIONS); an approved unit is paid.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TaskSubmissionStatus.choices,
        default=TaskSubmissionStatus.SUBMITTED,
    )
    created_at = models.DateTimeField(_("submitted"), default=clock.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("task unit")
        verbose_name_plural = _("task units")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskSubmissionStatus.values),
                name="task_submission_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job} / {self.lancer}"


class ClientPayment(models.Model):
    """A client's payment into escrow, confirmed by an operator (入金確認).

    `client_payment_confirm` is the one service that confirms a payment and posts it to the
    ledger, whatever the method: a card processor becomes another PaymentMethod."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_payments",
        verbose_name=_("client"),
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=PaymentPurpose.choices)
    job = models.ForeignKey(
        Job,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("job"),
    )
    method = models.CharField(
        _("method"),
        max_length=16,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    # Whole yen held in escrow once confirmed: the prize, unit_reward * units, or a
    # milestone's amount; >= 1.
    escrow_amount = models.BigIntegerField(_("escrow amount"))
    # Whole yen system fee charged to the client on escrow (B6); >= 0.
    client_fee = models.BigIntegerField(_("system fee"))
    # What the client transfers: escrow_amount + client_fee (CheckConstraint).
    amount = models.BigIntegerField(_("amount to pay"))
    # awaiting -> confirmed | cancelled (PAYMENT_TRANSITIONS); confirmed is posted to the ledger.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.AWAITING,
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by"),
    )

    class Meta:
        verbose_name = _("client payment")
        verbose_name_plural = _("client payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="client_payment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=PaymentPurpose.values),
                name="client_payment_purpose_valid",
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="client_payment_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    escrow_amount__gte=1,
                    client_fee__gte=0,
                    amount=F("escrow_amount") + F("client_fee"),
                ),
                name="client_payment_amounts",
            ),
            models.CheckConstraint(
                condition=Q(status=PaymentStatus.CONFIRMED, confirmed_at__isnull=False)
                | (~Q(status=PaymentStatus.CONFIRMED) & Q(confirmed_at__isnull=True)),
                name="client_payment_confirmed_at_iff_confirmed",
            ),
            # One live prize or budget payment per job (a project has one per milestone).
            models.UniqueConstraint(
                fields=["job", "purpose"],
                condition=~Q(status=PaymentStatus.CANCELLED) & ~Q(purpose=PaymentPurpose.MILESTONE),
                name="client_payment_one_per_job",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The code the client writes in the transfer's name field so the operator can match it."""
        return f"UK{self.pk:07d}"

"""Contracts (契約), their milestones (計画) with escrow (仮払い), deliveries (納品),
the five-step cancellation (B4) and ratings (B5)."""

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ukeoi.contracts import rules
from ukeoi.contracts.enums import (
    CANCELLATION_OPEN_STEPS,
    CONTRACT_OPEN_STATUSES,
    CancellationStep,
    ContractStatus,
    MilestoneStatus,
    RatingValue,
)
from ukeoi.contracts.rules import inactivity_cancel_at
from ukeoi.core import clock, fees


class Contract(models.Model):
    """A proposal the client selected: work in progress (進行中) between two accounts."""

    job = models.ForeignKey(
        "jobs.Job", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("job")
    )
    proposal = models.OneToOneField(
        "jobs.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("proposal"),
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="client_contracts",
        verbose_name=_("client"),
    )
    lancer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="lancer_contracts",
        verbose_name=_("lancer"),
    )
    # B8: the two sides' messages (the proposal's thread, carried over).
    thread = models.ForeignKey(
        "jobs.MessageThread",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("message thread"),
    )
    title = models.CharField(_("title"), max_length=100)
    # B6: the fee rates in force when the contract was made (permille, ukeoi.core.fees):
    # every milestone of it, proposed then or later, is charged at these, whatever the
    # operator sets later.
    client_fee_permille = models.PositiveSmallIntegerField(
        _("client fee rate (‰)"), default=fees.client_permille_in_force
    )
    lancer_fee_permille = models.PositiveSmallIntegerField(
        _("lancer fee rate (‰)"), default=fees.lancer_permille_in_force
    )
    # T3: the client withholds income tax from every acceptance (the job's setting when the
    # contract was made; a term of the agreement, printed on its statement of terms).
    withholding = models.BooleanField(_("subject to withholding (源泉徴収)"), default=False)
    # CONTRACT_TRANSITIONS; completed and cancelled are final.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ContractStatus.choices,
        default=ContractStatus.AGREEING,
    )
    # B4: the cancellation under way, exactly while status is cancelling.
    open_cancellation = models.OneToOneField(
        "Cancellation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cancellation under way"),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)
    # B7: the inactivity clock; every action of either side moves it to "now".
    last_activity_at = models.DateTimeField(_("last activity"), default=clock.now, db_index=True)
    # B7: when the inactivity warning was mailed; a warning older than the last activity
    # no longer counts.
    inactivity_warned_at = models.DateTimeField(_("inactivity warning sent"), null=True, blank=True)
    # B5: set when the first milestone was escrowed: work started, so a cancelled
    # contract can be rated.
    work_started_at = models.DateTimeField(_("work started"), null=True, blank=True)
    # Set exactly when the status becomes completed.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Set exactly when the status becomes cancelled.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client", "status"], name="contract_client_status"),
            models.Index(fields=["lancer", "status"], name="contract_lancer_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ContractStatus.values), name="contract_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(client=F("lancer")), name="contract_two_different_sides"
            ),
            models.CheckConstraint(
                condition=Q(status=ContractStatus.COMPLETED, completed_at__isnull=False)
                | (~Q(status=ContractStatus.COMPLETED) & Q(completed_at__isnull=True)),
                name="contract_completed_at_iff_completed",
            ),
            models.CheckConstraint(
                condition=Q(status=ContractStatus.CANCELLED, cancelled_at__isnull=False)
                | (~Q(status=ContractStatus.CANCELLED) & Q(cancelled_at__isnull=True)),
                name="contract_cancelled_at_iff_cancelled",
            ),
            models.CheckConstraint(
                condition=Q(status=ContractStatus.CANCELLING, open_cancellation__isnull=False)
                | (~Q(status=ContractStatus.CANCELLING) & Q(open_cancellation__isnull=True)),
                name="contract_open_cancellation_iff_cancelling",
            ),
            models.CheckConstraint(
                condition=Q(
                    client_fee_permille__lte=fees.MAX_PERMILLE,
                    lancer_fee_permille__lte=fees.MAX_PERMILLE,
                ),
                name="contract_fee_rates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """W1 `contract_in_progress` (進行中)."""
        return self.status in CONTRACT_OPEN_STATUSES

    @property
    def auto_cancel_at(self) -> datetime | None:
        """B7: when the contract is cancelled for inactivity, unless someone acts before."""
        if not self.is_open:
            return None
        return inactivity_cancel_at(self.last_activity_at)

    @property
    def auto_step_at(self) -> datetime | None:
        """B7, W2: when the contract next moves on its own: the open cancellation's next
        step, otherwise the inactivity cancellation."""
        if self.open_cancellation_id is not None and self.open_cancellation is not None:
            return self.open_cancellation.auto_step_at
        return self.auto_cancel_at

    def side_of(self, user_id: int) -> str | None:
        if user_id == self.client_id:
            return "client"
        if user_id == self.lancer_id:
            return "lancer"
        return None

    def other_side_id(self, user_id: int) -> int:
        return self.lancer_id if user_id == self.client_id else self.client_id


class Milestone(models.Model):
    """B3: one payable step of a contract, escrowed before work on it starts."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("contract")
    )
    # Order on the contract page, 1-based.
    position = models.PositiveIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=100)
    # Whole yen the client pays the lancer for it, >= 1 (before fees).
    amount = models.BigIntegerField(_("amount"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # MILESTONE_TRANSITIONS.
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PROPOSED,
    )
    # Whole yen held in escrow: 0 until escrowed, then `amount` (kept after release as record).
    escrow_amount = models.BigIntegerField(_("escrow amount"), default=0)
    # B6: client-side fee charged with the escrow, at the contract's rate (fixed when the
    # lancer agrees to the milestone); >= 0.
    client_fee = models.BigIntegerField(_("client system fee"), default=0)
    # B6: lancer-side fee deducted on acceptance, at the contract's rate (fixed when the
    # lancer agrees to the milestone); >= 0.
    lancer_fee = models.BigIntegerField(_("lancer system fee"), default=0)
    # T3: income tax withheld on acceptance (core.withholding), owed by the client to the tax
    # office; the lancer is credited escrow_amount - lancer_fee - withholding_tax.
    withholding_tax = models.BigIntegerField(_("income tax withheld"), default=0)
    # The client's payment into escrow (入金確認 by the operators), once requested.
    payment = models.OneToOneField(
        "jobs.ClientPayment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="milestone",
        verbose_name=_("payment"),
    )
    created_at = models.DateTimeField(_("created"), default=clock.now)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    escrowed_at = models.DateTimeField(_("escrowed"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # L2: while delivered, when it is accepted automatically (the delivery's time plus the
    # inspection period in force then); the 3-day notice is sent once per delivery.
    inspection_due_at = models.DateTimeField(_("inspection deadline"), null=True, blank=True)
    inspection_reminded_at = models.DateTimeField(
        _("inspection reminder sent"), null=True, blank=True
    )
    accepted_automatically = models.BooleanField(_("accepted automatically"), default=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["contract", "status"], name="milestone_contract_status"),
            # L2: the periodic acceptance reads the delivered milestones by deadline.
            models.Index(
                fields=["inspection_due_at"],
                name="milestone_inspection_due",
                condition=Q(status="delivered"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="milestone_amount_positive"),
            models.CheckConstraint(
                condition=Q(escrow_amount__gte=0, client_fee__gte=0, lancer_fee__gte=0)
                & Q(lancer_fee__lte=F("amount")),
                name="milestone_fees_valid",
            ),
            models.CheckConstraint(
                condition=Q(escrow_amount=0) | Q(escrow_amount=F("amount")),
                name="milestone_escrow_is_amount",
            ),
            # T3: the lancer is never credited a negative amount.
            models.CheckConstraint(
                condition=Q(withholding_tax__gte=0)
                & Q(withholding_tax__lte=F("amount") - F("lancer_fee")),
                name="milestone_withholding_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def client_total(self) -> int:
        """B6: what the client pays into escrow: amount + client fee."""
        return self.amount + self.client_fee

    @property
    def lancer_net(self) -> int:
        """B6, T3: what reaches the lancer's reward balance on acceptance (the income tax
        withheld is known, and deducted, from the acceptance on)."""
        return self.amount - self.lancer_fee - self.withholding_tax

    @property
    def is_funded(self) -> bool:
        return self.status in (MilestoneStatus.ESCROWED, MilestoneStatus.DELIVERED)

    @property
    def inspection_payment_date(self) -> date | None:
        """L2: the payout day if the delivery is accepted at its deadline (shown with it)."""
        if self.inspection_due_at is None:
            return None
        return rules.payment_date(timezone.localdate(self.inspection_due_at))

    @property
    def payment_date(self) -> date | None:
        """M3, L2: the payout day of an accepted milestone's reward."""
        if self.accepted_at is None:
            return None
        return rules.payment_date(timezone.localdate(self.accepted_at))


def delivery_upload_to(instance: "Delivery", filename: str) -> str:
    return f"contracts/deliveries/{instance.milestone_id}/{filename}"


class Delivery(models.Model):
    """納品: what the lancer hands in for one milestone (text and/or a file)."""

    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("milestone")
    )
    body = models.TextField(_("delivery note"), max_length=5000, blank=True)
    file = models.FileField(_("file"), upload_to=delivery_upload_to, blank=True)
    created_at = models.DateTimeField(_("delivered"), default=clock.now)
    # What the client asked to change in this delivery (修正依頼); empty unless asked.
    change_request = models.TextField(_("requested changes"), max_length=5000, blank=True)
    change_requested_at = models.DateTimeField(_("changes requested"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.milestone} @ {self.created_at:%Y-%m-%d}"


class Cancellation(models.Model):
    """B4: one attempt to cancel a contract, through the five steps."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="cancellations",
        verbose_name=_("contract"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    reason = models.TextField(_("reason"), max_length=2000)
    # CANCELLATION_TRANSITIONS: what has been done so far.
    step = models.CharField(
        _("step"),
        max_length=20,
        choices=CancellationStep.choices,
        default=CancellationStep.PROPOSED,
    )
    # B7: 7 days after the current step started; null once finished.
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True, db_index=True)
    # Who must take the next step; null once finished.
    next_actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("next to act"),
    )
    # B7: the step whose one-day reminder was mailed (empty: none for the current step).
    reminded_step = models.CharField(_("reminder sent for"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(step__in=CancellationStep.values), name="cancellation_step_valid"
            ),
            # B4: at most one cancellation under way per contract.
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(step__in=CANCELLATION_OPEN_STEPS),
                name="cancellation_one_open_per_contract",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        step__in=CANCELLATION_OPEN_STEPS,
                        finished_at__isnull=True,
                        step_due_at__isnull=False,
                        next_actor__isnull=False,
                    )
                    | (
                        ~Q(step__in=CANCELLATION_OPEN_STEPS)
                        & Q(
                            finished_at__isnull=False,
                            step_due_at__isnull=True,
                            next_actor__isnull=True,
                        )
                    )
                ),
                name="cancellation_open_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} ({self.get_step_display()})"

    @property
    def is_open(self) -> bool:
        return self.step in CANCELLATION_OPEN_STEPS

    @property
    def auto_step_at(self) -> datetime | None:
        """B7, W2: when the pending step is taken automatically (None once finished)."""
        return self.step_due_at

    @property
    def step_number(self) -> int:
        """B4: the number (1..5) of the step waiting to be done; 6 once done."""
        return {
            CancellationStep.PROPOSED: 1,
            CancellationStep.AGREED: 2,
            CancellationStep.ESCROW_CANCELLED: 3,
            CancellationStep.PLAN_DELETED: 4,
            CancellationStep.DONE: 6,
            CancellationStep.DECLINED: 1,
        }[CancellationStep(self.step)]


class Rating(models.Model):
    """B5: one side's rating of the other after the contract ended; once per side."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("contract")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings_given",
        verbose_name=_("rated by"),
    )
    ratee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ratings_received",
        verbose_name=_("rated"),
    )
    value = models.CharField(_("rating"), max_length=16, choices=RatingValue.choices)
    comment = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("rated"), default=clock.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["ratee", "value"], name="rating_ratee_value")]
        constraints = [
            models.UniqueConstraint(fields=["contract", "rater"], name="rating_once_per_side"),
            models.CheckConstraint(
                condition=Q(value__in=RatingValue.values), name="rating_value_valid"
            ),
            models.CheckConstraint(condition=~Q(rater=F("ratee")), name="rating_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.rater} → {self.ratee}: {self.get_value_display()}"

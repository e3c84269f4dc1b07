from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field, StrictInt, StrictStr

from ukeoi.accounts.schemas import StrictIn
from ukeoi.contracts import rules
from ukeoi.contracts.enums import ContractStatus, RatingValue
from ukeoi.jobs.schemas import PersonOut


class ContractFilters(Schema):
    role: str | None = Field(
        default=None,
        pattern="^(client|lancer)$",
        description="client: contracts where you are the client (発注); lancer: 受注.",
    )
    status: ContractStatus | None = None
    page: int = Field(default=1, ge=1, le=10_000)


class MilestoneFeesOut(Schema):
    """B6: a milestone's money, shown before the action that incurs each fee."""

    amount: int
    client_fee: int
    client_total: int = Field(description="What the client pays into escrow (仮払い).")
    lancer_fee: int
    withholding: int = Field(
        description="T3: income tax withheld on acceptance (源泉徴収), owed by the client."
    )
    lancer_net: int = Field(description="What reaches the lancer's reward balance on acceptance.")
    estimated: bool = Field(description="At the operator's current rates: not yet fixed.")


class PaymentPendingOut(Schema):
    id: int
    reference: str = Field(description="Write it in the bank transfer, in front of your name.")
    amount: int


class DeliveryOut(Schema):
    id: int
    body: str
    file_name: str | None
    file_url: str | None = Field(description="For the contract's two sides only.")
    created_at: datetime
    change_request: str
    change_requested_at: datetime | None


class MilestoneOut(Schema):
    id: int
    position: int
    title: str
    amount: int
    due_date: date | None
    status: str
    escrow_amount: int
    fees: MilestoneFeesOut
    payment_pending: PaymentPendingOut | None = Field(
        description="The transfer the client must make, until an operator confirms it."
    )
    agreed_at: datetime | None
    escrowed_at: datetime | None
    delivered_at: datetime | None
    accepted_at: datetime | None
    inspection_due_at: datetime | None = Field(
        description="L2: while delivered, when it is accepted automatically (検収期限)."
    )
    payment_date: date | None = Field(
        description="L2, M3: the payout day: once accepted, of the acceptance; while "
        "delivered, if accepted at the inspection deadline."
    )
    accepted_automatically: bool = Field(description="L2: accepted at the inspection deadline.")
    deliveries: list[DeliveryOut]


class StepOut(Schema):
    """B4: one of the five steps."""

    number: int
    label: str
    side: str = Field(description="client, lancer, either (step 1) or system (step 5).")
    done: bool
    current: bool
    actor_id: int | None = Field(description="Who must take it, while it is the current step.")
    your_action: str | None = Field(
        description="The action you can post now (agree, escrow-cancel, ...), if it is yours."
    )


class CancellationOut(Schema):
    id: int
    proposed_by_id: int
    reason: str
    step: str
    next_actor_id: int | None
    step_due_at: datetime | None
    auto_step_at: datetime | None = Field(
        description="B7: when the pending step is taken automatically if nobody acts."
    )
    created_at: datetime
    finished_at: datetime | None
    steps: list[StepOut]


class RatingOut(Schema):
    id: int
    rater_id: int
    ratee_id: int
    value: str
    comment: str
    created_at: datetime


class ActionsOut(Schema):
    """What you may do now (the buttons the page shows you)."""

    propose_milestones: bool
    agree_milestones: bool
    escrow: list[int]
    deliver: list[int]
    accept: list[int]
    request_changes: list[int]
    propose_cancellation: bool
    cancellation: list[str]
    rate: bool


class ContractSummaryOut(Schema):
    id: int
    title: str
    job_id: int
    status: str
    role: str = Field(description="Your side: client or lancer.")
    client: PersonOut
    lancer: PersonOut
    plan_total: int
    next_step: str
    your_turn: bool
    auto_step_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ContractPageOut(Schema):
    items: list[ContractSummaryOut]
    page: int
    pages: int
    count: int


class ContractOut(ContractSummaryOut):
    proposal_id: int | None
    escrow_total: int
    completed_at: datetime | None
    cancelled_at: datetime | None
    milestones: list[MilestoneOut]
    cancellation: CancellationOut | None = Field(
        description="The cancellation under way, or the one that cancelled the contract."
    )
    ratings: list[RatingOut]
    actions: ActionsOut


class MilestoneIn(StrictIn):
    title: StrictStr = Field(max_length=rules.MILESTONE_TITLE_MAX)
    amount: StrictInt = Field(description="Whole yen, 1 to 100,000,000, before fees.")
    due_date: date | None = None


class MilestonesIn(StrictIn):
    """The client's plan (計画): replaces the milestones not yet agreed."""

    milestones: list[MilestoneIn] = Field(max_length=rules.MAX_MILESTONES)


class ChangesIn(StrictIn):
    comment: StrictStr = Field(max_length=rules.CHANGE_REQUEST_MAX)


class CancellationIn(StrictIn):
    reason: StrictStr = Field(max_length=rules.REASON_MAX)


class RatingIn(StrictIn):
    value: RatingValue
    comment: StrictStr = Field(max_length=rules.RATING_COMMENT_MAX)


class TermsStatementOut(Schema):
    """L1: one issued version of a contract's statement of terms (取引条件明示書)."""

    version: int
    number: str = Field(description="The document number, e.g. TERMS-000042 (gapless per series)")
    issued_at: datetime
    retain_until: date = Field(description="T4: kept until this day, then deleted")
    sha256: str = Field(description="T4: SHA-256 of the PDF, recorded at issue")
    pdf_url: str
    payload: dict[str, Any] = Field(description="The nine items as issued (the PDF's content)")

from datetime import date, datetime

from ninja import Schema
from pydantic import AwareDatetime, Field, StrictBool, StrictInt, StrictStr

from ukeoi.accounts.schemas import StrictIn
from ukeoi.jobs import rules
from ukeoi.jobs.enums import JobCategory, JobFormat


class PersonOut(Schema):
    """A2, A4: a client or lancer as another user sees them: the username only when it is
    visible to the viewer, and the trust signals."""

    id: int
    display_name: str
    username: str | None = Field(description="Shown to the user and their counterparts only (A2).")
    identity_verified: bool
    ratings: int
    satisfied_percent: int | None


class PaymentOut(Schema):
    id: int
    reference: str = Field(description="Write it in the bank transfer, in front of your name.")
    purpose: str
    status: str
    escrow_amount: int
    client_fee: int
    amount: int = Field(description="What to transfer: escrow amount + system fee, in yen.")
    created_at: datetime
    confirmed_at: datetime | None


class JobOut(Schema):
    id: int
    title: str
    description: str
    category: str
    format: str
    status: str
    budget_min: int
    budget_max: int
    unit_reward: int | None
    units: int | None
    deadline: datetime
    created_at: datetime
    closed_at: datetime | None
    withholding: bool = Field(description="T3: subject to withholding (源泉徴収).")
    proposal_count: int
    client: PersonOut
    caution: bool = Field(description="A4: the client is unverified and has no ratings yet.")
    payment: PaymentOut | None = Field(
        default=None, description="The payment this job waits for; shown to its client only."
    )


class JobPageOut(Schema):
    items: list[JobOut]
    page: int
    pages: int
    count: int


class JobIn(StrictIn):
    """B1. Project: budget_min (and budget_max for a range). Competition: budget_min is the
    prize. Task: unit_reward and units."""

    title: StrictStr = Field(max_length=rules.TITLE_MAX)
    description: StrictStr = Field(max_length=rules.DESCRIPTION_MAX)
    category: JobCategory
    format: JobFormat
    deadline: AwareDatetime
    budget_min: StrictInt | None = None
    budget_max: StrictInt | None = None
    unit_reward: StrictInt | None = None
    units: StrictInt | None = None
    withholding: StrictBool = Field(
        default=False,
        description="T3: the client withholds income tax (源泉徴収) from the rewards; projects.",
    )


class ProposalIn(StrictIn):
    """B1. A competition entry has only a message (it carries the prize)."""

    message: StrictStr = Field(max_length=rules.PROPOSAL_MESSAGE_MAX)
    amount: StrictInt | None = None
    delivery_date: date | None = None


class ProposalOut(Schema):
    id: int
    job_id: int
    job_title: str
    lancer: PersonOut
    amount: int
    delivery_date: date | None
    message: str
    status: str
    created_at: datetime
    decided_at: datetime | None
    thread_id: int | None


class NoteIn(StrictIn):
    body: StrictStr = Field(max_length=rules.NOTE_MAX)


class NoteOut(Schema):
    id: int
    body: str
    created_at: datetime


class MessageIn(StrictIn):
    body: StrictStr = Field(max_length=rules.MESSAGE_MAX)


class MessageOut(Schema):
    id: int
    sender_id: int
    body: str
    created_at: datetime
    read_at: datetime | None


class MarkedReadOut(Schema):
    marked: int


class TaskUnitIn(StrictIn):
    content: StrictStr = Field(max_length=rules.UNIT_CONTENT_MAX)


class TaskUnitOut(Schema):
    id: int
    job_id: int
    lancer_id: int
    content: str
    status: str
    created_at: datetime
    decided_at: datetime | None


class JobFilters(Schema):
    q: str = Field(default="", max_length=100, description="Keywords in the title or description.")
    format: JobFormat | None = None
    category: JobCategory | None = None
    closed: bool = Field(default=False, description="Include closed jobs.")
    page: int = Field(default=1, ge=1, le=10_000)

"""Pure rules of jobs, proposals, notes, messages and task units: facts in, problems out.

No ORM, no clock, no I/O: the services and selectors build the facts (frozen dataclasses)
and pass "now" in, so every rule is a plain function that hypothesis can exercise."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ukeoi.core.errors import Refusal
from ukeoi.jobs.enums import (
    PROPOSAL_TRANSITIONS,
    TASK_SUBMISSION_TRANSITIONS,
    JobCategory,
    JobFormat,
    JobStatus,
    ProposalStatus,
    TaskSubmissionStatus,
)

# Whole yen (M1). A budget, prize, unit reward or proposal amount is 1 .. MAX_YEN.
MAX_YEN = 100_000_000
MAX_UNITS = 10_000
# B1: how far ahead a proposal deadline may be set.
MAX_DEADLINE_DAYS = 90
MAX_DELIVERY_DAYS = 365
TITLE_MAX = 100
DESCRIPTION_MAX = 5000
PROPOSAL_MESSAGE_MAX = 5000
NOTE_MAX = 2000
MESSAGE_MAX = 4000
UNIT_CONTENT_MAX = 5000
# B6: the fee rates and the fee of an amount are ukeoi.core.fees's (the operator's settings,
# stored on each agreement).

Problems = dict[str, list[Any]]


def _add(problems: Problems, field: str, message: str | Promise) -> None:
    problems.setdefault(field, []).append(message)


def _check_yen(problems: Problems, field: str, value: int | None, *, required: bool) -> None:
    if value is None:
        if required:
            _add(problems, field, _("Enter an amount in yen."))
    elif value < 1:
        _add(problems, field, _("Enter an amount of at least 1 yen."))
    elif value > MAX_YEN:
        _add(problems, field, _("Enter an amount of at most 100,000,000 yen."))


def _check_text(problems: Problems, field: str, value: str, limit: int) -> None:
    if not value.strip():
        _add(problems, field, _("This field is required."))
    elif len(value) > limit:
        _add(problems, field, _("Use at most %(max)d characters.") % {"max": limit})


def text_problems(field: str, value: str, limit: int) -> Problems:
    """A required text of at most `limit` characters."""
    problems: Problems = {}
    _check_text(problems, field, value, limit)
    return problems


@dataclass(frozen=True)
class JobDraft:
    """What a client enters to post a job (B1)."""

    title: str
    description: str
    category: str
    format: str
    deadline: datetime | None
    budget_min: int | None = None
    budget_max: int | None = None
    unit_reward: int | None = None
    units: int | None = None
    # T3: the client withholds income tax from the rewards (projects only, for now).
    withholding: bool = False


@dataclass(frozen=True)
class JobBudget:
    budget_min: int
    budget_max: int
    unit_reward: int | None
    units: int | None


def job_draft_problems(draft: JobDraft, *, now: datetime) -> Problems:
    """B1: what is wrong with a job about to be posted, per field (empty when nothing is)."""
    problems: Problems = {}
    _check_text(problems, "title", draft.title, TITLE_MAX)
    _check_text(problems, "description", draft.description, DESCRIPTION_MAX)
    if draft.category not in JobCategory.values:
        _add(problems, "category", _("Choose a category from the list."))
    if draft.format not in JobFormat.values:
        _add(problems, "format", _("Choose a format from the list."))
    if draft.deadline is None:
        _add(problems, "deadline", _("Enter the proposal deadline."))
    elif draft.deadline <= now:
        _add(problems, "deadline", _("The proposal deadline must be in the future."))
    elif draft.deadline > now + timedelta(days=MAX_DEADLINE_DAYS):
        _add(
            problems,
            "deadline",
            _("The proposal deadline may be at most %(days)d days ahead.")
            % {"days": MAX_DEADLINE_DAYS},
        )
    if draft.withholding and draft.format != JobFormat.PROJECT:
        _add(
            problems,
            "withholding",
            _(
                "Withholding (源泉徴収) is available for projects only: a competition's prize "
                "and task rewards are paid without it."
            ),
        )
    if draft.format == JobFormat.TASK:
        _check_yen(problems, "unit_reward", draft.unit_reward, required=True)
        if draft.units is None:
            _add(problems, "units", _("Enter the number of units."))
        elif not 1 <= draft.units <= MAX_UNITS:
            _add(
                problems,
                "units",
                _("Enter a number of units from 1 to %(max)d.") % {"max": MAX_UNITS},
            )
        elif (
            "unit_reward" not in problems
            and draft.unit_reward is not None
            and draft.unit_reward * draft.units > MAX_YEN
        ):
            _add(problems, "units", _("The task's total budget may be at most 100,000,000 yen."))
    elif draft.format in JobFormat.values:
        _check_yen(problems, "budget_min", draft.budget_min, required=True)
        _check_yen(problems, "budget_max", draft.budget_max, required=False)
        if (
            "budget_min" not in problems
            and "budget_max" not in problems
            and draft.budget_min is not None
            and draft.budget_max is not None
        ):
            if draft.format == JobFormat.COMPETITION and draft.budget_max != draft.budget_min:
                _add(problems, "budget_max", _("A competition has one fixed prize."))
            elif draft.budget_max < draft.budget_min:
                _add(
                    problems,
                    "budget_max",
                    _("The upper end of the budget must not be below the lower end."),
                )
    return problems


def job_budget(draft: JobDraft) -> JobBudget:
    """The stored budget of a draft without problems: a task's is unit_reward * units, and a
    budget with no upper end is fixed."""
    if draft.format == JobFormat.TASK:
        assert draft.unit_reward is not None
        assert draft.units is not None
        total = draft.unit_reward * draft.units
        return JobBudget(total, total, draft.unit_reward, draft.units)
    assert draft.budget_min is not None
    upper = draft.budget_max if draft.budget_max is not None else draft.budget_min
    return JobBudget(draft.budget_min, upper, None, None)


def initial_job_status(job_format: str) -> JobStatus:
    """B1: a competition or task opens only once its prize or budget is escrowed."""
    if job_format in (JobFormat.COMPETITION, JobFormat.TASK):
        return JobStatus.AWAITING_PAYMENT
    return JobStatus.OPEN


def can_move(table: dict[str, set[str]], current: str, new: str) -> bool:
    return new in table.get(current, set())


def can_move_proposal(current: str, new: str) -> bool:
    return can_move(PROPOSAL_TRANSITIONS, current, new)


def can_move_task_submission(current: str, new: str) -> bool:
    return can_move(TASK_SUBMISSION_TRANSITIONS, current, new)


@dataclass(frozen=True)
class JobFacts:
    pk: int
    client_id: int
    format: str
    status: str
    deadline: datetime

    @classmethod
    def of(cls, job: Any) -> "JobFacts":
        return cls(job.pk, job.client_id, job.format, job.status, job.deadline)


def is_past_deadline(job: JobFacts, *, now: datetime) -> bool:
    return job.deadline <= now


def is_expired(job: JobFacts, *, now: datetime) -> bool:
    """B1: a job the periodic task must close: still live and past its deadline."""
    return job.status != JobStatus.CLOSED and is_past_deadline(job, now=now)


def _taking_work_refusal(job: JobFacts, *, actor_id: int, now: datetime) -> Refusal | None:
    """Common to proposals and task units: not one's own job, and only while open."""
    if job.client_id == actor_id:
        return Refusal("own_job", _("You cannot propose on your own job."), status=403)
    if job.status == JobStatus.AWAITING_PAYMENT:
        return Refusal(
            "job_not_open",
            _("This job is not open yet: the client's payment has not been confirmed."),
        )
    if job.status != JobStatus.OPEN or is_past_deadline(job, now=now):
        return Refusal(
            "job_closed",
            _("This job is closed: its proposal deadline has passed or the client closed it."),
        )
    return None


@dataclass(frozen=True)
class ProposalDraft:
    amount: int | None
    message: str
    delivery_date: date | None = None


def proposal_refusal(
    job: JobFacts, *, lancer_id: int, already_proposed: bool, now: datetime
) -> Refusal | None:
    """B1: may this lancer send this proposal on this job now? None when they may."""
    refusal = _taking_work_refusal(job, actor_id=lancer_id, now=now)
    if refusal is not None:
        return refusal
    if job.format == JobFormat.TASK:
        return Refusal(
            "task_needs_units", _("A task takes unit work, not proposals. Submit a unit instead.")
        )
    if already_proposed:
        return Refusal(
            "already_proposed",
            _(
                "You have already proposed on this job. A proposal is sent once; "
                "add an append note to it instead."
            ),
        )
    return None


def proposal_draft_problems(draft: ProposalDraft, *, job_format: str, today: date) -> Problems:
    """B1: bad input in a proposal, per field. A competition entry has no amount or date."""
    problems: Problems = {}
    _check_text(problems, "message", draft.message, PROPOSAL_MESSAGE_MAX)
    if job_format == JobFormat.PROJECT:
        _check_yen(problems, "amount", draft.amount, required=True)
        if draft.delivery_date is None:
            _add(problems, "delivery_date", _("Enter the estimated delivery date."))
        elif draft.delivery_date < today:
            _add(
                problems, "delivery_date", _("The estimated delivery date must not be in the past.")
            )
        elif draft.delivery_date > today + timedelta(days=MAX_DELIVERY_DAYS):
            _add(problems, "delivery_date", _("The estimated delivery date must be within a year."))
    return problems


# What the client may do to a proposal, and the status each action leads to.
CLIENT_ACTIONS: dict[str, str] = {
    "select": ProposalStatus.SELECTED,
    "decline": ProposalStatus.DECLINED,
    "delete": ProposalStatus.DELETED,
}

LANCER_CANNOT_DELETE = _(
    "A sent proposal cannot be withdrawn or deleted by the lancer. Only the client can "
    "delete it. You can add an append note to it — for example asking the client to delete "
    "it — or send the client a message."
)


@dataclass(frozen=True)
class ProposalFacts:
    pk: int
    lancer_id: int
    status: str

    @classmethod
    def of(cls, proposal: Any) -> "ProposalFacts":
        return cls(proposal.pk, proposal.lancer_id, proposal.status)


def client_action_refusal(
    action: str, *, actor_id: int, job: JobFacts, proposal: ProposalFacts
) -> Refusal | None:
    """B1, B2: only the job's client selects, declines or deletes a proposal; the lancer
    who sent it is told plainly what they can do instead."""
    if action not in CLIENT_ACTIONS:
        raise ValueError(f"unknown client action {action!r}")
    if actor_id != job.client_id:
        if action == "delete" and actor_id == proposal.lancer_id:
            return Refusal("lancer_cannot_delete", LANCER_CANNOT_DELETE, status=403)
        return Refusal(
            "not_client", _("Only the client who posted the job can do this."), status=403
        )
    target = CLIENT_ACTIONS[action]
    if proposal.status == target:
        return Refusal("already_done", _("This has already been done."))
    if not can_move_proposal(proposal.status, target):
        return Refusal(
            "not_possible",
            _("This proposal can no longer be changed this way (it is %(status)s).")
            % {"status": ProposalStatus(proposal.status).label},
        )
    if action == "select" and job.status == JobStatus.CLOSED:
        return Refusal(
            "job_closed", _("This job is closed; its proposals can no longer be selected.")
        )
    return None


def append_note_refusal(*, actor_id: int, proposal: ProposalFacts) -> Refusal | None:
    """B2: only the lancer who sent the proposal adds notes to it, until the client deletes it."""
    if actor_id != proposal.lancer_id:
        return Refusal(
            "not_your_proposal",
            _("Only the lancer who sent this proposal can add an append note to it."),
            status=403,
        )
    if proposal.status == ProposalStatus.DELETED:
        return Refusal(
            "proposal_deleted", _("The client has deleted this proposal; it takes no more notes.")
        )
    return None


@dataclass(frozen=True)
class ThreadFacts:
    client_id: int
    lancer_id: int
    other_side_withdrawn: bool
    # The thread's proposal was deleted by the client: the client no longer sees it.
    subject_deleted: bool = False


def message_refusal(*, actor_id: int, thread: ThreadFacts) -> Refusal | None:
    """B8: only the two sides of a thread write in it; not to an account that has left,
    nor about a proposal the client has deleted."""
    if actor_id not in (thread.client_id, thread.lancer_id):
        return Refusal(
            "not_a_side",
            _("Only the client and the lancer of this thread can read and write in it."),
            status=403,
        )
    if thread.other_side_withdrawn:
        return Refusal("recipient_withdrawn", _("The other side has withdrawn from ukeoi."))
    if thread.subject_deleted:
        return Refusal(
            "proposal_deleted",
            _("The client has deleted this proposal; its messages are closed."),
        )
    return None


def task_unit_refusal(
    job: JobFacts, *, lancer_id: int, units: int, units_taken: int, now: datetime
) -> Refusal | None:
    """B1: unit work on an open task, while units are left (submitted or approved ones count)."""
    if job.format != JobFormat.TASK:
        return Refusal("not_a_task", _("Unit work can be submitted only on a task."))
    refusal = _taking_work_refusal(job, actor_id=lancer_id, now=now)
    if refusal is not None:
        return refusal
    if units_taken >= units:
        return Refusal("units_full", _("All units of this task are taken."))
    return None


def task_decision_refusal(
    *, actor_id: int, job: JobFacts, status: str, target: str
) -> Refusal | None:
    if actor_id != job.client_id:
        return Refusal(
            "not_client", _("Only the client who posted the job can do this."), status=403
        )
    if not can_move_task_submission(status, target):
        return Refusal(
            "already_decided",
            _("This unit has already been decided (it is %(status)s).")
            % {"status": TaskSubmissionStatus(status).label},
        )
    return None


def needs_trust_caution(*, verified: bool, ratings: int) -> bool:
    """A4: warn about a client whose identity is unverified and who has no ratings."""
    return not verified and ratings == 0


def satisfied_share(*, ratings: int, satisfied: int) -> int | None:
    """A4, B5: the share of ratings that are satisfied, in whole per cent (None without any)."""
    if ratings <= 0:
        return None
    return round(100 * satisfied / ratings)

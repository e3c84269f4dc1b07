"""Reads of the jobs app: list pages with a bounded number of queries, the facts the rules
need, trust signals (A4), the counterpart check (A2) and the items the withdrawal issue
counts as blockers (W1)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core.errors import NotAllowed, NotFound
from ukeoi.jobs import rules
from ukeoi.jobs.enums import (
    JOB_LIVE_STATUSES,
    JOB_PAYMENT_PURPOSES,
    JobStatus,
    PaymentStatus,
    ProposalStatus,
    TaskSubmissionStatus,
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

PER_PAGE = 20
# Statuses a client still sees in a job's proposal list (a deleted proposal is gone from it).
VISIBLE_TO_CLIENT = [s for s in ProposalStatus.values if s != ProposalStatus.DELETED]


# --- Trust signals (A4) -------------------------------------------------------------------


@dataclass(frozen=True)
class TrustSignals:
    """A4: what a counterpart sees next to a name before deciding to work with them."""

    verified: bool
    ratings: int
    # Whole per cent of ratings that are satisfied (B5); None while there are no ratings.
    satisfied_percent: int | None

    @property
    def caution(self) -> bool:
        return rules.needs_trust_caution(verified=self.verified, ratings=self.ratings)


# user ids -> {user id: (ratings received, of which satisfied)}; one query per source.
RatingsSource = Callable[[Sequence[int]], dict[int, tuple[int, int]]]
_ratings_sources: list[RatingsSource] = []


def register_ratings_source(source: RatingsSource) -> None:
    """The contracts app (ratings, B5) registers where ratings come from, from its
    AppConfig.ready(); this app never imports it. Without a source nobody has ratings."""
    if source not in _ratings_sources:
        _ratings_sources.append(source)


def trust_signals_get(users: Iterable[User]) -> dict[int, TrustSignals]:
    """A4: the trust signals of these users, keyed by user id, in one query per ratings
    source whatever the number of users (the verified state is on the user row)."""
    people = {user.pk: user for user in users}
    counts: dict[int, tuple[int, int]] = {}
    for source in _ratings_sources:
        for pk, (ratings, satisfied) in source(sorted(people)).items():
            before = counts.get(pk, (0, 0))
            counts[pk] = (before[0] + ratings, before[1] + satisfied)
    signals = {}
    for pk, user in people.items():
        ratings, satisfied = counts.get(pk, (0, 0))
        signals[pk] = TrustSignals(
            verified=user.is_identity_verified,
            ratings=ratings,
            satisfied_percent=rules.satisfied_share(ratings=ratings, satisfied=satisfied),
        )
    return signals


# --- Counterparts (A2) --------------------------------------------------------------------


def has_proposal_between(viewer: User, subject: User) -> bool:
    """A2: one of the two has proposed on a job of the other.

    A proposal counts whatever became of it, deleted by the client included: once the
    two have dealt with each other, the username they saw is not taken back."""
    return Proposal.objects.filter(
        Q(job__client_id=viewer.pk, lancer_id=subject.pk)
        | Q(job__client_id=subject.pk, lancer_id=viewer.pk)
    ).exists()


# --- Jobs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobSearch:
    format: str = ""
    category: str = ""
    keyword: str = ""
    include_closed: bool = False


def _proposal_count() -> Coalesce:
    """Live proposals of each job, as a correlated subquery rather than JOIN + GROUP BY: the
    paginator's COUNT then drops it (no join over every proposal of every open job), and
    only the jobs on the page are counted, each through the (job, status) index."""
    live = (
        Proposal.objects.filter(job=OuterRef("pk"))
        .exclude(status=ProposalStatus.DELETED)
        .order_by()
        .values("job")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(live, output_field=IntegerField()), 0)


def job_list(*, search: JobSearch, page: int | str = 1, per_page: int = PER_PAGE) -> Page:
    """The public job search: open jobs (and closed ones on request), newest first, each
    with its client and its number of proposals. Two queries whatever the number of jobs
    and proposals (a COUNT for the pages and one SELECT); trust signals add one per
    ratings source (`trust_signals_get`)."""
    statuses = [JobStatus.OPEN, JobStatus.CLOSED] if search.include_closed else [JobStatus.OPEN]
    jobs = Job.objects.filter(status__in=statuses, erased_at__isnull=True)  # P2
    if search.format:
        jobs = jobs.filter(format=search.format)
    if search.category:
        jobs = jobs.filter(category=search.category)
    for word in search.keyword.split():
        jobs = jobs.filter(Q(title__icontains=word) | Q(description__icontains=word))
    jobs = (
        jobs.select_related("client")
        .annotate(proposal_count=_proposal_count())
        .order_by("-created_at", "-id")
    )
    return Paginator(jobs, per_page).get_page(page)


def job_get(*, job_id: int, viewer: User | AnonymousUser) -> Job:
    """One job with its client. A job waiting for its payment is seen only by its client
    (and the operators); one erased with its client's personal data (P2), by nobody but
    the operators."""
    job = (
        Job.objects.select_related("client")
        .annotate(proposal_count=_proposal_count())
        .filter(pk=job_id)
        .first()
    )
    viewer_pk = getattr(viewer, "pk", None)
    operator = getattr(viewer, "is_staff", False)
    if (
        job is None
        or (job.erased_at is not None and not operator)
        or (
            job.status == JobStatus.AWAITING_PAYMENT and viewer_pk != job.client_id and not operator
        )
    ):
        raise NotFound(_("That job does not exist."))
    return job


def my_jobs_list(*, client: User) -> QuerySet[Job]:
    """The client's jobs, newest first, with their number of proposals."""
    return (
        Job.objects.filter(client=client)
        .annotate(proposal_count=_proposal_count())
        .order_by("-created_at", "-id")
    )


def job_proposals_list(*, job: Job, viewer: User) -> QuerySet[Proposal]:
    """B2: the client's view of a job's proposals: every one they have not deleted, with
    its lancer and append notes."""
    if viewer.pk != job.client_id:
        raise NotAllowed(_("Only the client who posted the job can see its proposals."))
    return (
        Proposal.objects.filter(job=job, status__in=VISIBLE_TO_CLIENT)
        .select_related("lancer")
        .prefetch_related("notes")
        .order_by("created_at", "id")
    )


def own_proposal_get(*, job: Job, lancer: User | AnonymousUser) -> Proposal | None:
    if not lancer.is_authenticated:
        return None
    return Proposal.objects.filter(job=job, lancer_id=lancer.pk).first()


def job_task_units_list(*, job: Job, viewer: User) -> QuerySet[TaskSubmission]:
    """The client sees every unit of their task; a lancer sees their own."""
    units = TaskSubmission.objects.filter(job=job).select_related("lancer")
    if viewer.pk != job.client_id:
        units = units.filter(lancer_id=viewer.pk)
    return units.order_by("-created_at", "-id")


def task_units_taken(*, job: Job) -> int:
    """B1: units submitted or approved; a rejected unit frees its place."""
    return TaskSubmission.objects.filter(
        job=job, status__in=[TaskSubmissionStatus.SUBMITTED, TaskSubmissionStatus.APPROVED]
    ).count()


def awaiting_payment_get(*, job: Job) -> ClientPayment | None:
    """The job's own prize or budget payment still awaited (not a milestone's)."""
    return ClientPayment.objects.filter(
        job=job, status=PaymentStatus.AWAITING, purpose__in=JOB_PAYMENT_PURPOSES
    ).first()


# --- Proposals ------------------------------------------------------------------------------


def proposal_get(*, proposal_id: int, viewer: User) -> Proposal:
    """B2, B8: a proposal page is for its two sides only. The lancer keeps seeing a proposal
    the client deleted (marked so); to anyone else it does not exist."""
    proposal = (
        Proposal.objects.select_related("job", "job__client", "lancer", "thread")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None or viewer.pk not in (proposal.lancer_id, proposal.job.client_id):
        raise NotFound(_("That proposal does not exist."))
    if viewer.pk == proposal.job.client_id and proposal.status == ProposalStatus.DELETED:
        raise NotFound(_("You have deleted this proposal."))
    return proposal


def my_proposals_list(*, lancer: User) -> QuerySet[Proposal]:
    """The lancer's proposals, newest first, with their jobs and unread messages."""
    unread = Message.objects.filter(thread__proposal=OuterRef("pk"), read_at__isnull=True).exclude(
        sender_id=lancer.pk
    )
    return (
        Proposal.objects.filter(lancer=lancer)
        .select_related("job", "job__client")
        .annotate(has_unread=Exists(unread))
        .order_by("-created_at", "-id")
    )


def append_notes_list(*, proposal: Proposal) -> QuerySet[AppendNote]:
    return proposal.notes.order_by("created_at", "id")


# --- Messages (B8) --------------------------------------------------------------------------


def thread_get(*, thread_id: int, viewer: User) -> MessageThread:
    thread = MessageThread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise NotFound(_("That message thread does not exist."))
    if not thread.has_side(viewer.pk):
        raise NotAllowed(
            _("Only the client and the lancer of this thread can read and write in it.")
        )
    return thread


def thread_messages_list(*, thread: MessageThread) -> QuerySet[Message]:
    return thread.messages.select_related("sender").order_by("created_at", "id")


def unread_count(*, thread: MessageThread, viewer: User) -> int:
    return thread.messages.filter(read_at__isnull=True).exclude(sender_id=viewer.pk).count()


# --- Withdrawal blockers (W1): the questions the withdrawal issue asks ----------------------


def _count_of(model: type[Proposal] | type[TaskSubmission], status: str) -> Coalesce:
    """The rows of `model` in `status` of each job, as a correlated subquery (see
    `_proposal_count`)."""
    rows = (
        model.objects.filter(job=OuterRef("pk"), status=status)
        .order_by()
        .values("job")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def open_jobs_list(*, client: User) -> QuerySet[Job]:
    """W1 `open_job`: jobs the user posted that are not closed (open, or waiting for their
    prize or budget). Each clears when the client closes it or at its deadline (B1).

    Hiring does not close a project (a client may hire several lancers), nor approving
    units a task: each job carries `hired_count` (its selected proposals) and
    `approved_units` (its approved units), so that the withdrawal page can say why a job
    whose work is done still counts (issue 14 item 12)."""
    return (
        Job.objects.filter(client=client, status__in=JOB_LIVE_STATUSES)
        .annotate(
            hired_count=_count_of(Proposal, ProposalStatus.SELECTED),
            approved_units=_count_of(TaskSubmission, TaskSubmissionStatus.APPROVED),
        )
        .order_by("deadline")
    )


def pending_proposals_list(*, lancer: User) -> QuerySet[Proposal]:
    """W1 `pending_proposal`: proposals still pending. Each clears when the client selects,
    declines or deletes it, or when its job closes (deadline: `proposal.job.deadline`)."""
    return (
        Proposal.objects.filter(lancer=lancer, status=ProposalStatus.PENDING)
        .select_related("job")
        .order_by("job__deadline")
    )


def unfinished_task_units_list(*, user: User) -> QuerySet[TaskSubmission]:
    """W1 `unfinished_payment`: unit work awaiting the client's decision, on either side."""
    return (
        TaskSubmission.objects.filter(status=TaskSubmissionStatus.SUBMITTED)
        .filter(Q(lancer=user) | Q(job__client=user))
        .select_related("job")
    )

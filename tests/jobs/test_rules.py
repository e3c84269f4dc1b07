"""The pure rules (B1, B2, B6, B8, A4), exercised with hypothesis."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ukeoi.core import fees
from ukeoi.jobs import rules
from ukeoi.jobs.enums import (
    JOB_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    PROPOSAL_TRANSITIONS,
    TASK_SUBMISSION_TRANSITIONS,
    JobFormat,
    JobStatus,
    PaymentStatus,
    ProposalStatus,
    TaskSubmissionStatus,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)
yen = st.integers(min_value=1, max_value=rules.MAX_YEN)
any_int = st.integers(min_value=-(10**12), max_value=10**12)
future = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=90)).map(
    lambda d: NOW + d
)
past_or_now = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650)).map(
    lambda d: NOW - d
)
ids = st.integers(min_value=1, max_value=50)


def draft(**overrides: object) -> rules.JobDraft:
    values: dict = {
        "title": "ロゴ制作",
        "description": "説明",
        "category": "design",
        "format": JobFormat.PROJECT,
        "deadline": NOW + timedelta(days=7),
        "budget_min": 10_000,
        "budget_max": 20_000,
    } | overrides
    return rules.JobDraft(**values)


@given(low=yen, high=yen | st.none(), deadline=future)
def test_valid_project_budget_has_no_problems_and_is_a_range(
    low: int, high: int | None, deadline: datetime
) -> None:
    """B1: a yen range (or fixed when there is no upper end)."""
    if high is not None and high < low:
        low, high = high, low
    job = draft(budget_min=low, budget_max=high, deadline=deadline)

    assert rules.job_draft_problems(job, now=NOW) == {}
    budget = rules.job_budget(job)
    assert 1 <= budget.budget_min <= budget.budget_max <= rules.MAX_YEN
    assert (budget.budget_min == budget.budget_max) == (high is None or high == low)


@given(low=st.integers(max_value=0))
def test_budget_below_one_is_refused(low: int) -> None:
    """B1 bad input: budget below 1."""
    assert "budget_min" in rules.job_draft_problems(draft(budget_min=low), now=NOW)


@given(low=yen, high=yen)
def test_inverted_range_is_refused(low: int, high: int) -> None:
    """B1 bad input: inverted range."""
    problems = rules.job_draft_problems(draft(budget_min=low, budget_max=high), now=NOW)

    assert ("budget_max" in problems) == (high < low)


@given(deadline=past_or_now)
def test_deadline_not_in_the_future_is_refused(deadline: datetime) -> None:
    """B1 bad input: deadline in the past."""
    assert "deadline" in rules.job_draft_problems(draft(deadline=deadline), now=NOW)


@given(prize=yen, other=yen)
def test_competition_has_one_fixed_prize(prize: int, other: int) -> None:
    job = draft(format=JobFormat.COMPETITION, budget_min=prize, budget_max=other)

    assert ("budget_max" in rules.job_draft_problems(job, now=NOW)) == (prize != other)


@given(reward=any_int, units=st.integers(min_value=-5, max_value=20_000))
def test_task_budget_is_reward_times_units_within_limits(reward: int, units: int) -> None:
    """B1: a task's budget is unit_reward * units, at most MAX_YEN."""
    job = draft(
        format=JobFormat.TASK, budget_min=None, budget_max=None, unit_reward=reward, units=units
    )
    problems = rules.job_draft_problems(job, now=NOW)

    valid = 1 <= reward <= rules.MAX_YEN and 1 <= units <= rules.MAX_UNITS
    valid = valid and reward * units <= rules.MAX_YEN
    assert (problems == {}) == valid
    if valid:
        budget = rules.job_budget(job)
        assert budget.budget_min == budget.budget_max == reward * units


def test_initial_status_waits_for_payment_only_for_competitions_and_tasks() -> None:
    """B1."""
    assert rules.initial_job_status(JobFormat.PROJECT) == JobStatus.OPEN
    assert rules.initial_job_status(JobFormat.COMPETITION) == JobStatus.AWAITING_PAYMENT
    assert rules.initial_job_status(JobFormat.TASK) == JobStatus.AWAITING_PAYMENT


job_facts = st.builds(
    rules.JobFacts,
    pk=ids,
    client_id=ids,
    format=st.sampled_from(JobFormat.values),
    status=st.sampled_from(JobStatus.values),
    deadline=st.one_of(future, past_or_now),
)


@given(job=job_facts, lancer_id=ids, already=st.booleans())
def test_proposal_is_allowed_exactly_on_someone_elses_open_live_project_or_competition(
    job: rules.JobFacts, lancer_id: int, already: bool
) -> None:
    """B1: not one's own job, only while open and before the deadline, once per job."""
    refusal = rules.proposal_refusal(job, lancer_id=lancer_id, already_proposed=already, now=NOW)

    allowed = (
        job.client_id != lancer_id
        and job.status == JobStatus.OPEN
        and job.deadline > NOW
        and job.format != JobFormat.TASK
        and not already
    )
    assert (refusal is None) == allowed
    if job.client_id == lancer_id:
        assert refusal is not None
        assert (refusal.code, refusal.status) == ("own_job", 403)


proposal_facts = st.builds(
    rules.ProposalFacts, pk=ids, lancer_id=ids, status=st.sampled_from(ProposalStatus.values)
)


@given(
    action=st.sampled_from(list(rules.CLIENT_ACTIONS)),
    job=job_facts,
    proposal=proposal_facts,
    actor_id=ids,
)
def test_only_the_client_decides_and_only_along_the_transition_table(
    action: str, job: rules.JobFacts, proposal: rules.ProposalFacts, actor_id: int
) -> None:
    """B1, B2."""
    refusal = rules.client_action_refusal(action, actor_id=actor_id, job=job, proposal=proposal)

    if actor_id != job.client_id:
        assert refusal is not None
        assert refusal.status == 403
        return
    target = rules.CLIENT_ACTIONS[action]
    allowed = target in PROPOSAL_TRANSITIONS[proposal.status] and not (
        action == "select" and job.status == JobStatus.CLOSED
    )
    assert (refusal is None) == allowed


@given(job=job_facts, status=st.sampled_from(ProposalStatus.values))
def test_the_lancer_who_sent_it_is_told_how_to_get_it_deleted(
    job: rules.JobFacts, status: str
) -> None:
    """B2: a lancer's delete attempt is a 403 with an explanation, never a deletion."""
    lancer_id = job.client_id + 1
    proposal = rules.ProposalFacts(pk=1, lancer_id=lancer_id, status=status)

    refusal = rules.client_action_refusal("delete", actor_id=lancer_id, job=job, proposal=proposal)

    assert refusal is not None
    assert (refusal.code, refusal.status) == ("lancer_cannot_delete", 403)
    assert refusal.message == rules.LANCER_CANNOT_DELETE


@given(proposal=proposal_facts, actor_id=ids)
def test_append_notes_are_the_lancers_until_the_proposal_is_deleted(
    proposal: rules.ProposalFacts, actor_id: int
) -> None:
    """B2."""
    refusal = rules.append_note_refusal(actor_id=actor_id, proposal=proposal)

    allowed = actor_id == proposal.lancer_id and proposal.status != ProposalStatus.DELETED
    assert (refusal is None) == allowed


@given(client_id=ids, lancer_id=ids, actor_id=ids, withdrawn=st.booleans())
def test_messages_only_between_the_two_sides(
    client_id: int, lancer_id: int, actor_id: int, withdrawn: bool
) -> None:
    """B8."""
    thread = rules.ThreadFacts(client_id, lancer_id, withdrawn)

    refusal = rules.message_refusal(actor_id=actor_id, thread=thread)

    assert (refusal is None) == (actor_id in (client_id, lancer_id) and not withdrawn)


@given(job=job_facts, lancer_id=ids, units=st.integers(1, 20), taken=st.integers(0, 25))
def test_task_units_while_units_are_left(
    job: rules.JobFacts, lancer_id: int, units: int, taken: int
) -> None:
    refusal = rules.task_unit_refusal(
        job, lancer_id=lancer_id, units=units, units_taken=taken, now=NOW
    )

    allowed = (
        job.format == JobFormat.TASK
        and job.client_id != lancer_id
        and job.status == JobStatus.OPEN
        and job.deadline > NOW
        and taken < units
    )
    assert (refusal is None) == allowed


@given(amount=st.integers(0, 10**12), permille=st.integers(0, 1000))
def test_fee_is_whole_yen_rounded_down_and_never_above_the_amount(
    amount: int, permille: int
) -> None:
    """B6, M1."""
    fee = fees.fee(amount, permille)

    assert 0 <= fee <= amount
    assert fee * 1000 <= amount * permille < (fee + 1) * 1000


def test_default_fees_are_lancers() -> None:
    """B6: by default (settings.py), 5.5 % client side, 16.5 % lancer side."""
    rates = fees.rates_in_force()
    assert (rates.client_fee(10_000), rates.lancer_fee(10_000)) == (550, 1_650)


@given(ratings=st.integers(0, 10_000), data=st.data())
def test_satisfied_share_is_a_percentage(ratings: int, data: st.DataObject) -> None:
    """A4, B5."""
    satisfied = data.draw(st.integers(0, ratings))

    share = rules.satisfied_share(ratings=ratings, satisfied=satisfied)

    if ratings == 0:
        assert share is None
    else:
        assert share is not None
        assert 0 <= share <= 100


@given(verified=st.booleans(), ratings=st.integers(0, 100))
def test_caution_only_for_unverified_clients_without_ratings(verified: bool, ratings: int) -> None:
    """A4."""
    assert rules.needs_trust_caution(verified=verified, ratings=ratings) == (
        not verified and ratings == 0
    )


def test_every_status_has_a_transition_row_and_terminal_states_stay_put() -> None:
    for table, choices, terminal in [
        (JOB_TRANSITIONS, JobStatus, {JobStatus.CLOSED}),
        (PROPOSAL_TRANSITIONS, ProposalStatus, {ProposalStatus.DELETED, ProposalStatus.SELECTED}),
        (
            TASK_SUBMISSION_TRANSITIONS,
            TaskSubmissionStatus,
            {TaskSubmissionStatus.APPROVED, TaskSubmissionStatus.REJECTED},
        ),
        (PAYMENT_TRANSITIONS, PaymentStatus, {PaymentStatus.CONFIRMED, PaymentStatus.CANCELLED}),
    ]:
        assert set(table) == set(choices.values)
        for state in terminal:
            assert table[state] == set()
        assert all(targets <= set(choices.values) for targets in table.values())


def test_no_proposal_ever_returns_to_pending() -> None:
    """B1, B2: once decided, a proposal never counts as pending again."""
    assert all(ProposalStatus.PENDING not in targets for targets in PROPOSAL_TRANSITIONS.values())


@given(delivery=st.dates(), message=st.text(max_size=20))
def test_project_proposal_needs_a_date_from_today_within_a_year(
    delivery: date, message: str
) -> None:
    problems = rules.proposal_draft_problems(
        rules.ProposalDraft(amount=1000, message=message, delivery_date=delivery),
        job_format=JobFormat.PROJECT,
        today=TODAY,
    )

    assert ("delivery_date" in problems) == (
        not TODAY <= delivery <= TODAY + timedelta(days=rules.MAX_DELIVERY_DAYS)
    )
    assert ("message" in problems) == (not message.strip())

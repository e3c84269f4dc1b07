"""B1, B2: proposals. Only the client selects, declines or deletes; the lancer adds notes."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage

from tests.factories import (
    CompetitionFactory,
    JobFactory,
    ProposalFactory,
    TaskFactory,
    UserFactory,
)
from tests.jobs.support import english, in_days
from tests.support import assert_refused
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.models import AuditEvent
from ukeoi.jobs import services
from ukeoi.jobs.enums import JobStatus, ProposalStatus
from ukeoi.jobs.models import AppendNote, Job, MessageThread, Proposal

pytestmark = pytest.mark.django_db


def propose(actor: User, job: Job, **overrides: Any) -> Proposal:
    values: dict[str, Any] = {
        "message": "ご提案します。",
        "amount": 40_000,
        "delivery_date": clock.today() + timedelta(days=14),
    } | overrides
    return services.proposal_submit(actor=actor, job_id=job.pk, **values)


def fund_prize(job: Job) -> None:
    """B6: the winner's prize leaves the job's escrow, so fund it as a confirmed payment
    would (the factory's competition has no ledger rows)."""
    from ukeoi.ledger import services as ledger
    from ukeoi.ledger.enums import AccountKind

    ledger.post(
        key=f"test:job:{job.pk}:prize",
        kind="test.fund",
        legs=[
            (ledger.platform_account(kind=AccountKind.BANK), -job.budget_min),
            (ledger.escrow_account(subject_type="jobs.job", subject_id=job.pk), job.budget_min),
        ],
    )


class TestSubmit:
    def test_lancer_proposes_a_thread_opens_and_the_client_is_mailed(
        self,
        job: Job,
        lancer: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B1, B8."""
        with django_capture_on_commit_callbacks(execute=True):
            proposal = propose(lancer, job)

        assert (proposal.status, proposal.amount) == (ProposalStatus.PENDING, 40_000)
        thread = MessageThread.objects.get(proposal=proposal)
        assert (thread.client_id, thread.lancer_id) == (job.client_id, lancer.pk)
        assert AuditEvent.objects.filter(action="proposal.submitted").count() == 1
        assert [m.to for m in mailoutbox] == [[job.client.email]]
        assert proposal.get_absolute_url() in str(mailoutbox[0].body)

    def test_mail_is_not_sent_when_the_transaction_rolls_back(
        self,
        job: Job,
        lancer: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """Mail after commit: nothing is sent before the commit, one mail at it."""
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            propose(lancer, job)

        assert mailoutbox == []
        for callback in callbacks:
            callback()
        assert [m.to for m in mailoutbox] == [[job.client.email]]

    def test_competition_entry_carries_the_prize(self, lancer: User) -> None:
        """B1: an entry has no price of its own."""
        competition = CompetitionFactory.create()

        entry = propose(lancer, competition, amount=None, delivery_date=None)

        assert (entry.amount, entry.delivery_date) == (30_000, None)

    def test_own_job_is_refused(self, job: Job, client_user: User) -> None:
        """B1 bad input: proposing on one's own job."""
        assert_refused(lambda: propose(client_user, job), code="own_job", status=403)

    def test_closed_job_is_refused(self, job: Job, lancer: User) -> None:
        """B1 bad input: proposing on a closed job."""
        services.job_close(actor=job.client, job_id=job.pk)

        error = assert_refused(lambda: propose(lancer, job), code="job_closed", status=409)
        assert "closed" in english(error.message)

    def test_job_past_its_deadline_is_refused_before_the_task_closes_it(self, lancer: User) -> None:
        """B1: the deadline stops proposals at once, not at the next task run."""
        job = JobFactory.create(deadline=in_days(-0.001))

        assert_refused(lambda: propose(lancer, job), code="job_closed", status=409)

    def test_competition_waiting_for_its_prize_is_refused(self, lancer: User) -> None:
        """B1: a competition opens only once the prize is escrowed."""
        job = CompetitionFactory.create(status=JobStatus.AWAITING_PAYMENT)

        assert_refused(lambda: propose(lancer, job, amount=None), code="job_not_open", status=409)

    def test_second_proposal_on_the_same_project_is_refused(self, job: Job, lancer: User) -> None:
        """B1 bad input: proposing twice on the same project."""
        propose(lancer, job)

        error = assert_refused(lambda: propose(lancer, job), code="already_proposed", status=409)
        assert "append note" in english(error.message)

    def test_proposing_again_after_the_client_deleted_it_is_refused(
        self, proposal: Proposal, job: Job, lancer: User
    ) -> None:
        """B1, B2: a deleted proposal still counts; the lancer cannot send it again."""
        services.proposal_delete(actor=job.client, proposal_id=proposal.pk)

        assert_refused(lambda: propose(lancer, job), code="already_proposed", status=409)

    def test_task_takes_units_not_proposals(self, lancer: User) -> None:
        task = TaskFactory.create()

        assert_refused(lambda: propose(lancer, task), code="task_needs_units", status=409)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"amount": 0}, "amount"),
            ({"amount": -1}, "amount"),
            ({"amount": None}, "amount"),
            ({"amount": 100_000_001}, "amount"),
            ({"message": "  "}, "message"),
            ({"delivery_date": None}, "delivery_date"),
            ({"delivery_date": clock.today() - timedelta(days=1)}, "delivery_date"),
            ({"delivery_date": clock.today() + timedelta(days=400)}, "delivery_date"),
        ],
    )
    def test_bad_amount_or_text_is_refused_per_field(
        self, job: Job, lancer: User, overrides: dict[str, Any], field: str
    ) -> None:
        """B1 bad input: a bad amount."""
        error = assert_refused(
            lambda: propose(lancer, job, **overrides), code="invalid", status=400
        )
        assert field in error.fields

    def test_unknown_job_is_404(self, lancer: User) -> None:
        assert_refused(
            lambda: services.proposal_submit(actor=lancer, job_id=999_999, message="x", amount=1),
            code="not_found",
            status=404,
        )

    def test_withdrawn_lancer_cannot_propose(self, job: Job) -> None:
        """W6: a pending proposal is a withdrawal blocker; a withdrawn account makes none."""
        withdrawn = UserFactory.create(status=AccountStatus.WITHDRAWN, is_active=False)

        assert_refused(lambda: propose(withdrawn, job), code="account_withdrawn", status=403)


class TestClientDecisions:
    def test_client_selects_and_other_proposals_stay_pending(
        self,
        job: Job,
        proposal: Proposal,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B1: a project's client may hire more than one lancer; selecting rejects no one."""
        other = ProposalFactory.create(job=job)

        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_select(actor=job.client, proposal_id=proposal.pk)

        proposal.refresh_from_db()
        other.refresh_from_db()
        assert (proposal.status, other.status) == (ProposalStatus.SELECTED, ProposalStatus.PENDING)
        assert proposal.decided_at is not None
        job.refresh_from_db()
        assert job.status == JobStatus.OPEN
        assert [m.to for m in mailoutbox] == [[proposal.lancer.email]]

    def test_choosing_a_competition_winner_closes_it(self) -> None:
        """B1: a competition has one winner; the other entries become not selected."""
        competition = CompetitionFactory.create()
        winner, other = ProposalFactory.create_batch(2, job=competition, amount=30_000)
        fund_prize(competition)

        services.proposal_select(actor=competition.client, proposal_id=winner.pk)

        competition.refresh_from_db()
        winner.refresh_from_db()
        other.refresh_from_db()
        assert competition.status == JobStatus.CLOSED
        assert (winner.status, other.status) == (
            ProposalStatus.SELECTED,
            ProposalStatus.NOT_SELECTED,
        )

    def test_client_declines(self, job: Job, proposal: Proposal) -> None:
        """B2."""
        services.proposal_decline(actor=job.client, proposal_id=proposal.pk)

        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DECLINED

    def test_client_deletes_and_the_lancer_is_told(
        self,
        job: Job,
        proposal: Proposal,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B2: the row stays as a record, marked deleted, and is no longer pending."""
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_delete(actor=job.client, proposal_id=proposal.pk)

        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DELETED
        event = AuditEvent.objects.get(action="proposal.deleted")
        assert (event.before, event.after) == ({"status": "pending"}, {"status": "deleted"})
        assert [m.to for m in mailoutbox] == [[proposal.lancer.email]]

    def test_client_may_delete_a_declined_proposal(self, job: Job, proposal: Proposal) -> None:
        services.proposal_decline(actor=job.client, proposal_id=proposal.pk)

        services.proposal_delete(actor=job.client, proposal_id=proposal.pk)

        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.DELETED

    def test_lancer_cannot_delete_their_own_proposal_and_is_told_why(
        self, proposal: Proposal, lancer: User
    ) -> None:
        """B2 bad input: a lancer's delete attempt — a clear message, 403, nothing changed."""
        error = assert_refused(
            lambda: services.proposal_delete(actor=lancer, proposal_id=proposal.pk),
            code="lancer_cannot_delete",
            status=403,
        )
        message = english(error.message)
        assert "Only the client can delete it" in message
        assert "append note" in message

    @pytest.mark.parametrize("action", ["select", "decline"])
    def test_lancer_cannot_decide_their_own_proposal(
        self, proposal: Proposal, lancer: User, action: str
    ) -> None:
        service = getattr(services, f"proposal_{action}")

        assert_refused(
            lambda: service(actor=lancer, proposal_id=proposal.pk), code="not_client", status=403
        )

    @pytest.mark.parametrize("action", ["select", "decline", "delete"])
    def test_stranger_cannot_decide_and_is_not_told_it_exists(
        self, proposal: Proposal, action: str
    ) -> None:
        """A2, B2: to neither side the proposal does not exist (404, as an unknown one)."""
        service = getattr(services, f"proposal_{action}")
        stranger = UserFactory.create()

        error = assert_refused(
            lambda: service(actor=stranger, proposal_id=proposal.pk), code="not_found", status=404
        )
        unknown = assert_refused(
            lambda: service(actor=stranger, proposal_id=999_999), code="not_found", status=404
        )
        assert english(error.message) == english(unknown.message)

    def test_deleted_proposal_cannot_be_selected(self, job: Job, proposal: Proposal) -> None:
        services.proposal_delete(actor=job.client, proposal_id=proposal.pk)

        assert_refused(
            lambda: services.proposal_select(actor=job.client, proposal_id=proposal.pk),
            code="not_possible",
            status=409,
        )

    def test_deleting_twice_is_refused(self, job: Job, proposal: Proposal) -> None:
        services.proposal_delete(actor=job.client, proposal_id=proposal.pk)

        assert_refused(
            lambda: services.proposal_delete(actor=job.client, proposal_id=proposal.pk),
            code="already_done",
            status=409,
        )

    def test_not_selected_proposal_of_a_closed_job_cannot_be_selected(
        self, job: Job, proposal: Proposal
    ) -> None:
        """B1: once not selected, it no longer counts as pending and stays so."""
        services.job_close(actor=job.client, job_id=job.pk)

        assert_refused(
            lambda: services.proposal_select(actor=job.client, proposal_id=proposal.pk),
            code="not_possible",
            status=409,
        )

    def test_unknown_proposal_is_404(self, client_user: User) -> None:
        assert_refused(
            lambda: services.proposal_delete(actor=client_user, proposal_id=999_999),
            code="not_found",
            status=404,
        )


class TestAppendNotes:
    def test_lancer_adds_a_note_and_the_client_is_mailed(
        self,
        proposal: Proposal,
        lancer: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B2: the note is how a lancer asks the client to delete the proposal."""
        with django_capture_on_commit_callbacks(execute=True):
            note = services.append_note_add(
                actor=lancer, proposal_id=proposal.pk, body="  この提案を削除してください。  "
            )

        assert note.body == "この提案を削除してください。"
        assert list(proposal.notes.all()) == [note]
        assert [m.to for m in mailoutbox] == [[proposal.job.client.email]]
        assert "この提案を削除してください。" in str(mailoutbox[0].body)

    def test_note_on_someone_elses_proposal_is_refused(self, proposal: Proposal) -> None:
        """B2 bad input: an append note on someone else's proposal. A2: to a stranger it
        does not exist (404); the client sees it but notes are the lancer's (403)."""
        other_lancer = UserFactory.create()

        assert_refused(
            lambda: services.append_note_add(actor=other_lancer, proposal_id=proposal.pk, body="x"),
            code="not_found",
            status=404,
        )
        assert_refused(
            lambda: services.append_note_add(
                actor=proposal.job.client, proposal_id=proposal.pk, body="x"
            ),
            code="not_your_proposal",
            status=403,
        )

    def test_the_client_cannot_add_notes_to_a_proposal(
        self, proposal: Proposal, client_user: User
    ) -> None:
        """B2: notes are the lancer's; the client answers by message."""
        assert_refused(
            lambda: services.append_note_add(actor=client_user, proposal_id=proposal.pk, body="x"),
            code="not_your_proposal",
            status=403,
        )

    @pytest.mark.parametrize("body", ["", "   ", "あ" * 2001])
    def test_empty_or_long_note_is_refused(
        self, proposal: Proposal, lancer: User, body: str
    ) -> None:
        error = assert_refused(
            lambda: services.append_note_add(actor=lancer, proposal_id=proposal.pk, body=body),
            code="invalid",
            status=400,
        )
        assert "body" in error.fields

    def test_deleted_proposal_takes_no_more_notes(
        self, proposal: Proposal, lancer: User, job: Job
    ) -> None:
        services.proposal_delete(actor=job.client, proposal_id=proposal.pk)

        assert_refused(
            lambda: services.append_note_add(actor=lancer, proposal_id=proposal.pk, body="x"),
            code="proposal_deleted",
            status=409,
        )

    def test_note_on_a_not_selected_proposal_is_allowed(
        self, proposal: Proposal, lancer: User, job: Job
    ) -> None:
        services.job_close(actor=job.client, job_id=job.pk)

        services.append_note_add(
            actor=lancer, proposal_id=proposal.pk, body="ありがとうございました"
        )

        assert AppendNote.objects.count() == 1

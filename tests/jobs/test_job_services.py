"""B1: posting and closing jobs; W6: withdrawn accounts post nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage

from tests.factories import JobFactory, ProposalFactory, UserFactory
from tests.jobs.support import in_days
from tests.support import snapshot
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.jobs import services
from ukeoi.jobs.enums import JobStatus, PaymentStatus, ProposalStatus
from ukeoi.jobs.models import ClientPayment, Job

pytestmark = pytest.mark.django_db


def post(actor: User, **overrides: Any) -> Job:
    values: dict[str, Any] = {
        "title": "ECサイトの改修",
        "description": "既存サイトのデザインを改修してください。",
        "category": "web",
        "format": "project",
        "deadline": in_days(7),
        "budget_min": 50_000,
        "budget_max": 100_000,
    } | overrides
    return services.job_post(actor=actor, **values)


class TestPost:
    def test_project_opens_at_once_and_is_audited(self, client_user: User) -> None:
        """B1."""
        job = post(client_user)

        assert (job.status, job.budget_min, job.budget_max) == (JobStatus.OPEN, 50_000, 100_000)
        assert job.client == client_user
        assert not ClientPayment.objects.exists()
        event = AuditEvent.objects.get(action="job.posted")
        assert event.after["status"] == "open"

    def test_budget_without_upper_end_is_fixed(self, client_user: User) -> None:
        """B1: a fixed budget is a range whose ends are equal."""
        job = post(client_user, budget_max=None)

        assert (job.budget_min, job.budget_max, job.is_fixed_budget) == (50_000, 50_000, True)

    def test_competition_waits_for_its_prize_and_mails_payment_instructions(
        self,
        client_user: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B1: a competition opens only once its prize is escrowed; B6 client fee 5.5 %."""
        with django_capture_on_commit_callbacks(execute=True):
            job = post(client_user, format="competition", budget_min=30_000, budget_max=None)

        assert job.status == JobStatus.AWAITING_PAYMENT
        payment = ClientPayment.objects.get(job=job)
        assert (payment.status, payment.escrow_amount, payment.client_fee, payment.amount) == (
            PaymentStatus.AWAITING,
            30_000,
            1_650,
            31_650,
        )
        assert [m.to for m in mailoutbox] == [[client_user.email]]
        assert payment.reference in str(mailoutbox[0].body)
        assert "31,650" in str(mailoutbox[0].body)

    def test_task_budget_is_unit_reward_times_units(self, client_user: User) -> None:
        """B1: many small identical units."""
        job = post(
            client_user,
            format="task",
            budget_min=None,
            budget_max=None,
            unit_reward=300,
            units=20,
        )

        assert (job.unit_reward, job.units, job.budget_min, job.budget_max) == (
            300,
            20,
            6_000,
            6_000,
        )
        assert job.status == JobStatus.AWAITING_PAYMENT
        assert ClientPayment.objects.get(job=job).escrow_amount == 6_000

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"deadline": in_days(-1)}, "deadline"),
            ({"deadline": None}, "deadline"),
            ({"deadline": in_days(91)}, "deadline"),
            ({"budget_min": 0}, "budget_min"),
            ({"budget_min": -5}, "budget_min"),
            ({"budget_min": None}, "budget_min"),
            ({"budget_max": 0}, "budget_max"),
            ({"budget_min": 100_000, "budget_max": 50_000}, "budget_max"),
            ({"budget_min": 100_000_001, "budget_max": None}, "budget_min"),
            ({"title": "   "}, "title"),
            ({"title": "あ" * 101}, "title"),
            ({"description": ""}, "description"),
            ({"category": "astrology"}, "category"),
            ({"format": "auction"}, "format"),
            ({"format": "competition", "budget_min": 1_000, "budget_max": 2_000}, "budget_max"),
            ({"format": "task", "unit_reward": 0, "units": 5}, "unit_reward"),
            ({"format": "task", "unit_reward": 100, "units": 0}, "units"),
            ({"format": "task", "unit_reward": 100, "units": None}, "units"),
            ({"format": "task", "unit_reward": 100_000, "units": 10_000}, "units"),
        ],
    )
    def test_bad_input_is_refused_per_field_and_changes_nothing(
        self, client_user: User, overrides: dict[str, Any], field: str
    ) -> None:
        """B1 bad input: deadline in the past, budget below 1 or inverted range, …"""
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            post(client_user, **overrides)

        assert refused.value.status == 400
        assert refused.value.code == "invalid"
        assert field in refused.value.fields
        assert snapshot() == before

    def test_withdrawn_account_cannot_post(self) -> None:
        """W6: checked inside the transaction, on the locked account row."""
        withdrawn = UserFactory.create(status=AccountStatus.WITHDRAWN, is_active=False)
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            post(withdrawn)

        assert (refused.value.status, refused.value.code) == (403, "account_withdrawn")
        assert snapshot() == before

    def test_withdrawal_that_committed_meanwhile_is_seen(self, client_user: User) -> None:
        """W6: the stale in-memory user says active; the locked row says withdrawn."""
        User.objects.filter(pk=client_user.pk).update(
            status=AccountStatus.WITHDRAWN, is_active=False
        )

        with pytest.raises(ApplicationError) as refused:
            post(client_user)

        assert refused.value.code == "account_withdrawn"
        assert not Job.objects.exists()


class TestClose:
    def test_client_closes_and_pending_proposals_become_not_selected(
        self,
        job: Job,
        client_user: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B1: closing stops proposals; unselected ones become 不採用 and are told so."""
        pending = ProposalFactory.create_batch(2, job=job)
        selected = ProposalFactory.create(job=job, status=ProposalStatus.SELECTED)
        declined = ProposalFactory.create(job=job, status=ProposalStatus.DECLINED)

        with django_capture_on_commit_callbacks(execute=True):
            services.job_close(actor=client_user, job_id=job.pk)

        job.refresh_from_db()
        assert job.status == JobStatus.CLOSED
        assert job.closed_at is not None
        for p in pending:
            p.refresh_from_db()
            assert p.status == ProposalStatus.NOT_SELECTED
            assert p.decided_at == job.closed_at
        selected.refresh_from_db()
        declined.refresh_from_db()
        assert (selected.status, declined.status) == (
            ProposalStatus.SELECTED,
            ProposalStatus.DECLINED,
        )
        assert sorted(m.to[0] for m in mailoutbox) == sorted(p.lancer.email for p in pending)
        assert AuditEvent.objects.filter(action="proposal.not_selected").count() == 2

    def test_only_the_client_closes(self, job: Job, lancer: User) -> None:
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.job_close(actor=lancer, job_id=job.pk)

        assert refused.value.status == 403
        assert snapshot() == before

    def test_closing_twice_is_refused(self, job: Job, client_user: User) -> None:
        services.job_close(actor=client_user, job_id=job.pk)
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.job_close(actor=client_user, job_id=job.pk)

        assert (refused.value.status, refused.value.code) == (409, "already_closed")
        assert snapshot() == before

    def test_closing_an_unpaid_competition_cancels_its_payment(self, client_user: User) -> None:
        job = post(client_user, format="competition", budget_min=20_000, budget_max=None)

        services.job_close(actor=client_user, job_id=job.pk)

        assert ClientPayment.objects.get(job=job).status == PaymentStatus.CANCELLED

    def test_unknown_job_is_404(self, client_user: User) -> None:
        with pytest.raises(ApplicationError) as refused:
            services.job_close(actor=client_user, job_id=999_999)

        assert refused.value.status == 404


class TestDeadline:
    def test_expired_jobs_close_and_running_twice_changes_nothing_more(
        self, client_user: User, django_capture_on_commit_callbacks: Any, mailoutbox: list
    ) -> None:
        """B1: the periodic task is idempotent."""
        expired = JobFactory.create(client=client_user, deadline=in_days(-0.01))
        live = JobFactory.create(client=client_user, deadline=in_days(1))
        proposal = ProposalFactory.create(job=expired)
        ProposalFactory.create(job=live)

        with django_capture_on_commit_callbacks(execute=True):
            assert services.jobs_close_expired() == 1
        first = snapshot()
        mails = len(mailoutbox)

        with django_capture_on_commit_callbacks(execute=True):
            assert services.jobs_close_expired() == 0

        assert snapshot() == first
        assert len(mailoutbox) == mails == 1
        expired.refresh_from_db()
        live.refresh_from_db()
        proposal.refresh_from_db()
        assert (expired.status, live.status) == (JobStatus.CLOSED, JobStatus.OPEN)
        assert proposal.status == ProposalStatus.NOT_SELECTED
        event = AuditEvent.objects.get(action="job.closed")
        assert event.actor is None

    def test_unpaid_job_past_its_deadline_closes_and_its_payment_is_cancelled(
        self, client_user: User
    ) -> None:
        job = post(client_user, format="competition", budget_min=20_000, budget_max=None)

        assert services.jobs_close_expired(now=job.deadline + timedelta(seconds=1)) == 1

        job.refresh_from_db()
        assert job.status == JobStatus.CLOSED
        assert ClientPayment.objects.get(job=job).status == PaymentStatus.CANCELLED

    def test_management_command_closes_expired_jobs(self, client_user: User) -> None:
        from io import StringIO

        from django.core.management import call_command

        JobFactory.create(client=client_user, deadline=in_days(-1))
        out = StringIO()

        call_command("close_expired_jobs", stdout=out)
        call_command("close_expired_jobs", stdout=out)

        assert out.getvalue().splitlines() == ["closed 1 expired job(s)", "closed 0 expired job(s)"]

    def test_celery_task_runs_the_service(self, client_user: User) -> None:
        from ukeoi.jobs.tasks import close_expired_jobs

        JobFactory.create(client=client_user, deadline=in_days(-1))

        assert close_expired_jobs.delay().get() == 1
        assert close_expired_jobs.delay().get() == 0

    def test_beat_schedules_the_task(self) -> None:
        from django.conf import settings

        entries = settings.CELERY_BEAT_SCHEDULE.values()
        assert any(e["task"] == "ukeoi.jobs.tasks.close_expired_jobs" for e in entries)

    def test_deadline_exactly_now_counts_as_passed(self, client_user: User) -> None:
        now = clock.now()
        JobFactory.create(client=client_user, deadline=now)

        assert services.jobs_close_expired(now=now) == 1

"""Client payments into escrow (入金確認, M1, M2, B1, B6) and task units paid per approval."""

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from tests.factories import TaskSubmissionFactory, UserFactory
from tests.jobs.support import in_days
from tests.support import snapshot
from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.jobs import services
from ukeoi.jobs.enums import JobStatus, PaymentStatus, TaskSubmissionStatus
from ukeoi.jobs.models import ClientPayment, Job, TaskSubmission
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerTransaction
from ukeoi.ledger.selectors import ledger_check_get

pytestmark = pytest.mark.django_db


def balance(kind: str, **scope: Any) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **scope).first()
    return account.balance if account else 0


def competition(client: User, prize: int = 30_000) -> Job:
    return services.job_post(
        actor=client,
        title="ロゴコンペ",
        description="ロゴを募集します。",
        category="design",
        format="competition",
        deadline=in_days(7),
        budget_min=prize,
    )


def task(client: User, *, unit_reward: int = 500, units: int = 3) -> Job:
    return services.job_post(
        actor=client,
        title="商品名の入力作業",
        description="1件ずつ入力してください。",
        category="data_entry",
        format="task",
        deadline=in_days(7),
        unit_reward=unit_reward,
        units=units,
    )


def payment_of(job: Job) -> ClientPayment:
    return ClientPayment.objects.get(job=job)


class TestConfirm:
    def test_operator_confirms_the_prize_is_escrowed_and_the_competition_opens(
        self,
        client_user: User,
        operator: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """B1, M1, B6: bank -> client payments -> escrow 30,000 + client fee 1,650."""
        job = competition(client_user)
        payment = payment_of(job)

        with django_capture_on_commit_callbacks(execute=True):
            services.client_payment_confirm(actor=operator, payment_id=payment.pk)

        payment.refresh_from_db()
        job.refresh_from_db()
        assert (payment.status, payment.confirmed_by) == (PaymentStatus.CONFIRMED, operator)
        assert payment.confirmed_at is not None
        assert job.status == JobStatus.OPEN
        assert (
            balance(AccountKind.ESCROW, subject_type="jobs.job", subject_id=str(job.pk)) == 30_000
        )
        assert balance(AccountKind.FEE_REVENUE_CLIENT) == 1_650
        assert balance(AccountKind.CLIENT_PAYMENTS, owner=client_user) == 0
        assert balance(AccountKind.BANK) == -31_650
        assert [m.to for m in mailoutbox][-1] == [client_user.email]
        assert {"client_payment.confirmed", "job.opened"} <= set(
            AuditEvent.objects.values_list("action", flat=True)
        )

    def test_ledger_is_balanced_after_confirmation(self, client_user: User, operator: User) -> None:
        """M1: every transaction sums to zero and every running balance matches its entries."""
        services.client_payment_confirm(
            actor=operator, payment_id=payment_of(competition(client_user, 50_000)).pk
        )
        services.client_payment_confirm(actor=operator, payment_id=payment_of(task(client_user)).pk)

        check = ledger_check_get()
        assert check.ok, check

    def test_confirming_twice_moves_money_once(self, client_user: User, operator: User) -> None:
        """M2: idempotent; a second confirmation changes nothing."""
        payment = payment_of(competition(client_user))
        services.client_payment_confirm(actor=operator, payment_id=payment.pk)
        before = snapshot()
        transactions = LedgerTransaction.objects.count()

        services.client_payment_confirm(actor=operator, payment_id=payment.pk)

        assert snapshot() == before
        assert LedgerTransaction.objects.count() == transactions == 2

    def test_only_operators_confirm(self, client_user: User) -> None:
        payment = payment_of(competition(client_user))
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.client_payment_confirm(actor=client_user, payment_id=payment.pk)

        assert (refused.value.status, refused.value.code) == (403, "operators_only")
        assert snapshot() == before

    def test_to_a_stranger_the_payment_does_not_exist(self, client_user: User) -> None:
        """A2: a payment is its payer's and the operators'; anyone else is answered as for
        an unknown one (404), not "operators only"."""
        payment = payment_of(competition(client_user))
        stranger = UserFactory.create()
        before = snapshot()

        for payment_id in (payment.pk, 999_999):
            with pytest.raises(ApplicationError) as refused:
                services.client_payment_confirm(actor=stranger, payment_id=payment_id)
            assert (refused.value.status, refused.value.code) == (404, "not_found")

        assert snapshot() == before

    def test_cancelled_payment_cannot_be_confirmed(self, client_user: User, operator: User) -> None:
        job = competition(client_user)
        services.job_close(actor=client_user, job_id=job.pk)
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.client_payment_confirm(actor=operator, payment_id=payment_of(job).pk)

        assert (refused.value.status, refused.value.code) == (409, "payment_cancelled")
        assert snapshot() == before

    def test_unknown_payment_is_404(self, operator: User) -> None:
        with pytest.raises(ApplicationError) as refused:
            services.client_payment_confirm(actor=operator, payment_id=999_999)

        assert refused.value.status == 404

    def test_admin_action_confirms_receipt(
        self, client: Client, client_user: User, operator: User
    ) -> None:
        """入金確認 in the admin calls the same service."""
        first, second = competition(client_user), task(client_user)
        client.force_login(operator)

        response = client.post(
            "/admin/jobs/clientpayment/",
            {
                "action": "confirm",
                "_selected_action": [payment_of(first).pk, payment_of(second).pk],
            },
        )

        assert response.status_code == 302
        assert set(ClientPayment.objects.values_list("status", flat=True)) == {"confirmed"}
        assert set(Job.objects.values_list("status", flat=True)) == {"open"}

    def test_admin_changelist_lists_payments_with_their_reference(
        self, client: Client, client_user: User, operator: User
    ) -> None:
        payment = payment_of(competition(client_user))
        client.force_login(operator)

        page = client.get("/admin/jobs/clientpayment/").content.decode()

        assert payment.reference in page


class TestDemoConfirm:
    def test_client_confirms_as_operator_in_demo_mode(
        self, client: Client, client_user: User, operator: User, settings: Any
    ) -> None:
        """Issue 4 item 2: in demo mode the flow can be completed alone."""
        settings.DEMO_MODE = True
        job = competition(client_user)
        client.force_login(client_user)

        page = client.get(job.get_absolute_url()).content.decode()
        assert f"/jobs/{job.pk}/demo-confirm-payment/" in page
        response = client.post(f"/jobs/{job.pk}/demo-confirm-payment/")

        assert response.status_code == 302
        job.refresh_from_db()
        assert job.status == JobStatus.OPEN
        assert payment_of(job).confirmed_by == operator

    def test_no_demo_button_or_route_outside_demo_mode(
        self, client: Client, client_user: User, operator: User, settings: Any
    ) -> None:
        settings.DEMO_MODE = False
        job = competition(client_user)
        client.force_login(client_user)

        page = client.get(job.get_absolute_url()).content.decode()
        response = client.post(f"/jobs/{job.pk}/demo-confirm-payment/")

        assert "demo-confirm-payment" not in page
        assert response.status_code == 404
        job.refresh_from_db()
        assert job.status == JobStatus.AWAITING_PAYMENT

    def test_someone_elses_job_cannot_be_confirmed(
        self, client: Client, client_user: User, operator: User, settings: Any
    ) -> None:
        settings.DEMO_MODE = True
        job = competition(client_user)
        client.force_login(UserFactory.create())

        response = client.post(f"/jobs/{job.pk}/demo-confirm-payment/")

        assert response.status_code == 404
        assert payment_of(job).status == PaymentStatus.AWAITING


class TestTaskUnits:
    @pytest.fixture
    def open_task(self, client_user: User, operator: User) -> Job:
        job = task(client_user, unit_reward=1_000, units=2)
        services.client_payment_confirm(actor=operator, payment_id=payment_of(job).pk)
        job.refresh_from_db()
        return job

    def test_approved_unit_is_paid_from_escrow_less_the_lancer_fee(
        self, open_task: Job, lancer: User
    ) -> None:
        """B1, B6: 1,000 yen per unit; 16.5 % lancer fee; M1 balanced."""
        unit = services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="完了")

        services.task_submission_approve(actor=open_task.client, submission_id=unit.pk)

        unit.refresh_from_db()
        assert unit.status == TaskSubmissionStatus.APPROVED
        assert balance(AccountKind.REWARD, owner=lancer) == 835
        assert balance(AccountKind.FEE_REVENUE_LANCER) == 165
        escrow = balance(AccountKind.ESCROW, subject_type="jobs.job", subject_id=str(open_task.pk))
        assert escrow == 1_000
        assert ledger_check_get().ok

    def test_rejected_unit_is_not_paid_and_frees_its_place(
        self, open_task: Job, lancer: User
    ) -> None:
        first = services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="1")
        services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="2")
        before = snapshot()
        with pytest.raises(ApplicationError) as full:
            services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="3")
        assert full.value.code == "units_full"
        assert snapshot() == before

        services.task_submission_reject(actor=open_task.client, submission_id=first.pk)
        services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="3")

        assert balance(AccountKind.REWARD, owner=lancer) == 0
        assert TaskSubmission.objects.filter(status="submitted").count() == 2

    def test_deciding_twice_is_refused_and_pays_once(self, open_task: Job, lancer: User) -> None:
        unit = services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="x")
        services.task_submission_approve(actor=open_task.client, submission_id=unit.pk)
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.task_submission_approve(actor=open_task.client, submission_id=unit.pk)

        assert (refused.value.status, refused.value.code) == (409, "already_decided")
        assert snapshot() == before

    def test_only_the_client_decides_units(self, open_task: Job, lancer: User) -> None:
        unit = services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="x")
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.task_submission_approve(actor=lancer, submission_id=unit.pk)

        assert refused.value.status == 403
        assert snapshot() == before

    def test_to_a_stranger_a_unit_does_not_exist(self, open_task: Job, lancer: User) -> None:
        """A2, B1: someone else's unit is answered as an unknown one (404)."""
        unit = services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="x")
        stranger = UserFactory.create()
        before = snapshot()

        for decide in (services.task_submission_approve, services.task_submission_reject):
            for submission_id in (unit.pk, 999_999):
                with pytest.raises(ApplicationError) as refused:
                    decide(actor=stranger, submission_id=submission_id)
                assert (refused.value.status, refused.value.code) == (404, "not_found")

        assert snapshot() == before

    def test_unpaid_task_takes_no_units(self, client_user: User, lancer: User) -> None:
        """B1: the budget is escrowed first."""
        job = task(client_user)
        before = snapshot()

        with pytest.raises(ApplicationError) as refused:
            services.task_submission_submit(actor=lancer, job_id=job.pk, content="x")

        assert refused.value.code == "job_not_open"
        assert snapshot() == before

    def test_client_cannot_submit_units_on_their_own_task(self, open_task: Job) -> None:
        with pytest.raises(ApplicationError) as refused:
            services.task_submission_submit(
                actor=open_task.client, job_id=open_task.pk, content="x"
            )

        assert refused.value.status == 403

    def test_units_only_on_tasks(self, job: Job, lancer: User) -> None:
        with pytest.raises(ApplicationError) as refused:
            services.task_submission_submit(actor=lancer, job_id=job.pk, content="x")

        assert refused.value.code == "not_a_task"

    def test_empty_unit_is_refused(self, open_task: Job, lancer: User) -> None:
        with pytest.raises(ApplicationError) as refused:
            services.task_submission_submit(actor=lancer, job_id=open_task.pk, content="  ")

        assert "content" in refused.value.fields
        assert not TaskSubmission.objects.exists()

    def test_factory_unit_is_submitted(self) -> None:
        assert TaskSubmissionFactory.create().status == TaskSubmissionStatus.SUBMITTED

"""account_withdraw and the withdraw-when-clear services, one rule at a time (W1, W4–W9, A5)."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.mail import EmailMessage
from django.utils import timezone

from tests.factories import (
    ApiTokenFactory,
    JobFactory,
    ProposalFactory,
    TaskFactory,
    TaskSubmissionFactory,
    UserFactory,
)
from tests.support import assert_ledger_clean, assert_refused, snapshot
from tests.withdrawal.support import give_reward
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.accounts.retired import is_email_retired, is_username_retired
from ukeoi.accounts.services import api_token_authenticate, user_register
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.jobs.models import ClientPayment
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.ledger.selectors import reward_balance_get
from ukeoi.withdrawal import selectors, services
from ukeoi.withdrawal.enums import BlockerCode
from ukeoi.withdrawal.models import Withdrawal
from ukeoi.withdrawal.rules import withdrawal_blockers
from ukeoi.withdrawal.signals import account_withdrawn


def withdraw(user: User, **changes: Any) -> Withdrawal:
    data: dict[str, Any] = {
        "password": "correct horse battery staple",
        "reason": "no_longer_needed",
        "comments": "",
        "keep_profile": True,
    }
    data.update(changes)
    return services.account_withdraw(actor=user, **data)


def refused(user: User, code: str, **changes: Any) -> ApplicationError:
    """The withdrawal is refused with `code` and changes nothing."""
    return assert_refused(lambda: withdraw(user, **changes), code=code)


def codes(user: User) -> list[str]:
    return [b.code for b in withdrawal_blockers(selectors.withdrawal_facts_get(user=user))]


# --- W1: each blocker refuses -------------------------------------------------------------------


@pytest.mark.django_db
class TestW1Blockers:
    def test_w1_open_job_refuses_and_names_the_job(self, member: User) -> None:
        job = JobFactory.create(client=member, title="ロゴ制作")

        refused(member, "withdrawal_blocked")

        facts = selectors.withdrawal_facts_get(user=member)
        assert [i.id for i in facts.open_jobs.items] == [job.pk]
        assert facts.open_jobs.clears_on == timezone.localdate(job.deadline)

    def test_w1_pending_proposal_refuses_with_an_append_note_link(self, member: User) -> None:
        proposal = ProposalFactory.create(lancer=member)

        refused(member, "withdrawal_blocked")

        blocker = withdrawal_blockers(selectors.withdrawal_facts_get(user=member))[0]
        assert blocker.code == BlockerCode.PENDING_PROPOSAL
        assert blocker.items[0].action_url.endswith("?prefill=delete#note-form")
        assert blocker.items[0].url == proposal.get_absolute_url()
        assert blocker.clears_on is not None

    def test_w1_proposal_no_longer_pending_does_not_block(self, member: User) -> None:
        ProposalFactory.create(lancer=member, status="not_selected")
        JobFactory.create(client=member, status="closed", closed_at=clock.now())

        assert codes(member) == []

    def test_w1_task_unit_awaiting_approval_blocks_both_sides(
        self, member: User, other: User
    ) -> None:
        task = TaskFactory.create(client=other)
        TaskSubmissionFactory.create(job=task, lancer=member)

        assert codes(member) == [BlockerCode.UNFINISHED_PAYMENT]
        assert BlockerCode.UNFINISHED_PAYMENT in codes(other)

    def test_w1_payment_awaiting_confirmation_blocks_the_client(self, member: User) -> None:
        job = TaskFactory.create(client=member, status="awaiting_payment")
        ClientPayment.objects.create(
            client=member,
            purpose="task_budget",
            job=job,
            escrow_amount=5000,
            client_fee=275,
            amount=5275,
        )

        assert codes(member) == [BlockerCode.OPEN_JOB, BlockerCode.UNFINISHED_PAYMENT]
        refused(member, "withdrawal_blocked")

    def test_w1_reward_balance_blocks_without_consent(self, member: User) -> None:
        give_reward(member, 800)

        error = refused(member, "forfeit_consent_required")

        assert error.fields == {"forfeit": [error.message]}
        assert "800" in str(error.message)


# --- W4: bad input ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestW4Input:
    def test_w4_wrong_password_changes_nothing(self, member: User) -> None:
        error = refused(member, "invalid", password="not my password")
        assert "password" in error.fields

    def test_w4_missing_reason_changes_nothing(self, member: User) -> None:
        error = refused(member, "invalid", reason="")
        assert "reason" in error.fields

    def test_w4_other_reason_needs_a_few_words(self, member: User) -> None:
        error = refused(member, "invalid", reason="other", reason_text="  ")
        assert "reason_text" in error.fields

    def test_w4_missing_password_changes_nothing(self, member: User) -> None:
        error = refused(member, "invalid", password="")
        assert "password" in error.fields

    def test_w4_comments_are_optional_and_kept(self, member: User) -> None:
        withdrawal = withdraw(member, comments="", reason="other", reason_text="転職のため")
        assert withdrawal.reason == "other"
        assert withdrawal.reason_text == "転職のため"


# --- W5: the balance ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestW5Forfeit:
    def test_w5_forfeit_moves_the_balance_to_the_forfeited_account(self, member: User) -> None:
        give_reward(member, 750)

        withdrawal = withdraw(member, forfeit=True, forfeit_amount=750)

        assert withdrawal.forfeited == 750
        assert reward_balance_get(user=member) == 0
        forfeited = LedgerAccount.objects.get(kind=AccountKind.FORFEITED)
        assert forfeited.balance == 750
        assert_ledger_clean()

    def test_w5_consent_to_another_amount_is_refused(self, member: User) -> None:
        give_reward(member, 1200)

        refused(member, "balance_changed", forfeit=True, forfeit_amount=750)

    def test_w5_no_balance_forfeits_nothing(self, member: User) -> None:
        withdrawal = withdraw(member, forfeit=True)

        assert withdrawal.forfeited == 0
        assert not LedgerAccount.objects.filter(kind=AccountKind.FORFEITED, balance__gt=0).exists()


# --- W6: re-checked under the lock ----------------------------------------------------------------


@pytest.mark.django_db
def test_w6_a_blocker_that_appeared_after_the_page_refuses(member: User) -> None:
    page = withdrawal_blockers(selectors.withdrawal_facts_get(user=member))
    assert page == []
    ProposalFactory.create(lancer=member)  # sent from another tab meanwhile

    error = refused(member, "withdrawal_blocked")

    assert "pending" in str(error.message).lower() or "提案中" in str(error.message)


# --- W7: what withdrawal does ---------------------------------------------------------------------


@pytest.mark.django_db
class TestW7Effects:
    def test_w7_account_closed_tokens_revoked_identifiers_retired_mail_and_signal(
        self,
        member: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        ApiTokenFactory.create(user=member, raw="uk_withdrawal-test-token")
        received: list[dict[str, Any]] = []

        def receiver(sender: Any, **kwargs: Any) -> None:
            received.append(kwargs)

        account_withdrawn.connect(receiver)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                withdrawal = withdraw(member, keep_profile=False)
        finally:
            account_withdrawn.disconnect(receiver)

        member.refresh_from_db()
        assert member.status == AccountStatus.WITHDRAWN
        assert not member.is_active
        assert withdrawal.keep_profile is False
        assert api_token_authenticate("uk_withdrawal-test-token") is None
        assert is_email_retired("Leaving@Example.jp")
        assert is_username_retired("leaving_user")
        assert [m.to for m in mailoutbox][-1] == ["leaving@example.jp"]
        assert [r["user"].pk for r in received] == [member.pk]
        assert received[0]["withdrawal"] == withdrawal

    def test_w7_every_session_of_the_account_is_deleted(
        self, member: User, other: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        sessions: list[str] = []
        for user in (member, member, other):
            store = SessionStore()
            store["_auth_user_id"] = str(user.pk)
            store.create()
            assert store.session_key is not None
            sessions.append(store.session_key)

        with django_capture_on_commit_callbacks(execute=True):
            withdraw(member)

        assert [SessionStore().exists(key) for key in sessions] == [False, False, True]

    def test_w7_second_submit_is_a_conflict_and_changes_nothing(self, member: User) -> None:
        withdraw(member)

        error = refused(member, "already_withdrawn")

        assert error.status == 409
        assert Withdrawal.objects.filter(user=member).count() == 1

    def test_w7_withdrawn_account_cannot_post_jobs_or_propose(self, member: User) -> None:
        from ukeoi.jobs import services as jobs_services

        job = JobFactory.create()
        withdraw(member)

        with pytest.raises(ApplicationError) as raised:
            jobs_services.proposal_submit(actor=member, job_id=job.pk, message="提案", amount=1000)
        assert raised.value.code == "account_withdrawn"


# --- A5: registering again ---------------------------------------------------------------


@pytest.mark.django_db
def test_a5_old_email_and_username_refused_new_ones_work(member: User) -> None:
    withdraw(member)

    with pytest.raises(ApplicationError) as raised:
        user_register(
            email="LEAVING@example.jp",
            username="leaving_user",
            display_name="再登録",
            password="another good passphrase 42",
        )
    assert set(raised.value.fields) == {"email", "username"}
    again = user_register(
        email="back@example.jp",
        username="back_again",
        display_name="再登録",
        password="another good passphrase 42",
    )
    assert again.is_active


# --- W9: withdraw when clear ---------------------------------------------------------------


@pytest.mark.django_db
class TestW9WhenClear:
    def when_clear(self, user: User, **changes: Any) -> Any:
        data: dict[str, Any] = {
            "password": "correct horse battery staple",
            "reason": "other_service",
            "balance_choice": "forfeit",
        }
        data.update(changes)
        return services.withdraw_when_clear_request(actor=user, **data)

    def test_w9_request_while_only_a_job_deadline_is_left_then_runner_withdraws(
        self, member: User, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Any
    ) -> None:
        job = JobFactory.create(client=member)
        give_reward(member, 300)
        request = self.when_clear(member)
        assert services.withdraw_when_clear_run() == 0  # the job is still open

        from ukeoi.jobs import services as jobs_services

        jobs_services.jobs_close_expired(now=job.deadline + timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.withdraw_when_clear_run() == 1

        member.refresh_from_db()
        request.refresh_from_db()
        assert member.is_withdrawn
        assert request.status == "done"
        assert member.withdrawal.automatic
        assert member.withdrawal.forfeited == 300
        assert_ledger_clean()

    def test_w9_refused_while_a_blocker_does_not_clear_on_its_own(
        self, member: User, other: User
    ) -> None:
        TaskSubmissionFactory.create(job=TaskFactory.create(client=other), lancer=member)
        before = snapshot()

        with pytest.raises(ApplicationError) as raised:
            self.when_clear(member)

        assert raised.value.code == "not_clearing_on_its_own"
        assert snapshot() == before

    def test_w9_refused_when_nothing_is_left_to_wait_for(self, member: User) -> None:
        with pytest.raises(ApplicationError) as raised:
            self.when_clear(member)
        assert raised.value.code == "nothing_to_wait_for"

    def test_w9_wrong_password_refused(self, member: User) -> None:
        JobFactory.create(client=member)
        with pytest.raises(ApplicationError) as raised:
            self.when_clear(member, password="wrong")
        assert "password" in raised.value.fields

    def test_w9_cancel_until_done(self, member: User) -> None:
        JobFactory.create(client=member)
        self.when_clear(member)

        cancelled = services.withdraw_when_clear_cancel(actor=member)

        assert cancelled.status == "cancelled"
        assert services.withdraw_when_clear_run() == 0
        with pytest.raises(ApplicationError) as raised:
            services.withdraw_when_clear_cancel(actor=member)
        assert raised.value.status == 409

    def test_w9_second_request_is_a_conflict(self, member: User) -> None:
        JobFactory.create(client=member)
        self.when_clear(member)
        with pytest.raises(ApplicationError) as raised:
            self.when_clear(member)
        assert raised.value.code == "when_clear_pending"

    def test_w9_withdrawing_by_the_form_cancels_the_pending_request(self, member: User) -> None:
        job = JobFactory.create(client=member)
        request = self.when_clear(member)
        from ukeoi.jobs import services as jobs_services

        jobs_services.job_close(actor=member, job_id=job.pk)
        withdraw(member)

        request.refresh_from_db()
        assert request.status == "cancelled"


@pytest.mark.django_db
def test_refused_for_another_users_new_account_is_independent(member: User) -> None:
    """Withdrawing one account leaves another account's blockers and state alone."""
    someone = UserFactory.create()
    JobFactory.create(client=someone)
    withdraw(member)
    someone.refresh_from_db()
    assert someone.is_active
    assert codes(someone) == [BlockerCode.OPEN_JOB]


@pytest.mark.django_db
def test_w9_runner_command_and_task(member: User) -> None:
    """The periodic runner is reachable as `manage.py withdraw_when_clear` and as the beat task."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command

    from ukeoi.withdrawal.tasks import withdraw_when_clear

    out = StringIO()
    call_command("withdraw_when_clear", stdout=out)
    assert out.getvalue().strip() == "withdrawn: 0"
    assert withdraw_when_clear.delay().get() == 0
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "ukeoi.withdrawal.tasks.withdraw_when_clear" in tasks

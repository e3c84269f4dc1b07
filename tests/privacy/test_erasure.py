"""P2, P4: staged erasure of a withdrawn account's personal data, with a receipt."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from tests.factories import (
    IdentityVerificationFactory,
    InquiryFactory,
    OperatorFactory,
    UserFactory,
)
from tests.privacy.support import dumpdata_text, found, rich_user, sql_text, withdraw
from ukeoi.accounts import services as accounts
from ukeoi.accounts.models import IdentityVerification, User
from ukeoi.contracts.models import Delivery, Rating
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, Conflict, NotAllowed
from ukeoi.core.models import AuditEvent
from ukeoi.helpdesk import services as helpdesk
from ukeoi.jobs.models import Job, Proposal
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.privacy import links, services
from ukeoi.privacy.enums import ErasureSource, ErasureStatus
from ukeoi.privacy.erasure import ERASED_DISPLAY_NAME, PLACEHOLDER, erase_personal_data
from ukeoi.privacy.models import ErasureRequest

pytestmark = pytest.mark.django_db


def request_for(user: User) -> ErasureRequest:
    return services.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)


def after_14_days() -> time_machine.travel:
    return time_machine.travel(clock.now() + timedelta(days=14, minutes=1), tick=False)


class TestDatabaseHoldsNoErasedValue:
    def test_after_erasure_no_erased_value_is_anywhere_in_the_database(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        """P2: after erasure, a dump of every table and every column (dumpdata and SQL)
        contains none of the erased values, the audit trail and admin log included. The
        receipt to the old address waits in the mail outbox until its commit sends it."""
        person = rich_user()
        assert found(person.erased, dumpdata_text()) == person.erased  # the test sees them
        request = request_for(person.user)

        with after_14_days(), django_capture_on_commit_callbacks(execute=True):
            done = services.erasure_run_due()

        assert done == 1
        request.refresh_from_db()
        assert request.status == ErasureStatus.DONE
        assert found(person.erased, dumpdata_text()) == []
        assert found(person.erased, sql_text()) == []

    def test_other_peoples_audit_events_are_left_alone(self) -> None:
        """P2 erases this person's values only: codes, statuses and other people's names in
        the audit trail stay as they were."""
        person = rich_user()
        other = UserFactory.create(display_name="別の人")
        accounts.user_update_display_name(actor=other, display_name="別の人の新しい名前")
        audit(
            actor=other,
            subject=other,
            action="test.codes",
            before={"status": "active", "reason": "no_longer_needed"},
            after={"status": "withdrawn", "format": "project", "bank": "0005"},
        )
        before = list(AuditEvent.objects.filter(actor=other).values("before", "after"))
        request_for(person.user)

        with after_14_days():
            services.erasure_run_due()

        assert list(AuditEvent.objects.filter(actor=other).values("before", "after")) == before

    def test_erasure_keeps_amounts_titles_and_dates_linked_to_the_anonymous_account(
        self,
    ) -> None:
        """P2: transaction records stay, linked to the anonymous account."""
        person = rich_user()
        request_for(person.user)

        with after_14_days():
            services.erasure_run_due()

        user = User.objects.get(pk=person.user.pk)
        assert user.display_name == ERASED_DISPLAY_NAME
        assert not user.has_usable_password()
        assert Job.objects.filter(client=user, title=person.kept_job_title).exists()
        proposal = Proposal.objects.get(lancer=user)
        assert (proposal.amount, proposal.message) == (person.kept_proposal_amount, PLACEHOLDER)
        rating = Rating.objects.get(rater=user)
        assert (rating.value, rating.comment) == ("satisfied", PLACEHOLDER)
        assert IdentityVerification.objects.filter(user=user).exists()
        assert ledger_check_get().ok

    def test_receipt_goes_to_the_last_address_listing_erased_and_kept_until_when(
        self, django_capture_on_commit_callbacks: Any
    ) -> None:
        """P4: the receipt lists what was erased, what was kept, why and until when."""
        person = rich_user()
        request_for(person.user)
        mail.outbox.clear()

        with after_14_days(), django_capture_on_commit_callbacks(execute=True):
            services.erasure_run_due()

        (receipt,) = mail.outbox
        assert receipt.to == ["hanako.shoukyo@example.jp"]
        request = ErasureRequest.objects.get(user=person.user)
        assert request.retain_until is not None
        assert request.retain_until.year == clock.today().year + 7
        assert str(request.retain_until.year) in receipt.body
        assert "税" in receipt.body or "tax" in receipt.body.lower()
        assert "ZQX" not in str(request.receipt)


class TestStaging:
    def test_erasure_does_not_run_before_14_days(self) -> None:
        """P4: it runs 14 days after the request, not earlier."""
        person = rich_user()
        request = request_for(person.user)

        with time_machine.travel(clock.now() + timedelta(days=13), tick=False):
            assert services.erasure_run_due() == 0

        request.refresh_from_db()
        assert request.status == ErasureStatus.REQUESTED
        assert User.objects.get(pk=person.user.pk).email == "hanako.shoukyo@example.jp"

    def test_cancelled_erasure_never_runs(self) -> None:
        """P4: cancellable until it runs; a cancelled request erases nothing."""
        person = rich_user()
        request = request_for(person.user)

        services.erasure_cancel(actor=None, request_id=request.pk)
        with after_14_days():
            assert services.erasure_run_due() == 0

        request.refresh_from_db()
        assert request.status == ErasureStatus.CANCELLED
        assert found(person.erased, dumpdata_text()) == person.erased

    def test_cancel_after_it_ran_is_refused(self) -> None:
        person = rich_user()
        request = request_for(person.user)
        with after_14_days():
            services.erasure_run_due()

        with pytest.raises(Conflict):
            services.erasure_cancel(actor=None, request_id=request.pk)

        request.refresh_from_db()
        assert request.status == ErasureStatus.DONE

    def test_second_request_while_one_is_scheduled_is_refused(self) -> None:
        person = rich_user()
        request_for(person.user)

        with pytest.raises(Conflict) as refused:
            request_for(person.user)

        assert refused.value.code == "already_scheduled"
        assert ErasureRequest.objects.count() == 1

    def test_active_account_cannot_be_erased(self) -> None:
        """P2: only a withdrawn account's data is erased."""
        user = UserFactory.create()

        with pytest.raises(ApplicationError) as refused:
            services.erasure_request(
                actor=OperatorFactory.create(), user_id=user.pk, source=ErasureSource.OPERATOR
            )

        assert refused.value.code == "not_withdrawn"
        assert not ErasureRequest.objects.exists()

    def test_only_operators_request_erasure_for_someone_else(self) -> None:
        user = UserFactory.create()
        withdraw(user)

        with pytest.raises(NotAllowed):
            services.erasure_request(
                actor=UserFactory.create(), user_id=user.pk, source=ErasureSource.OPERATOR
            )

        assert not ErasureRequest.objects.exists()

    def test_running_due_twice_erases_once(self) -> None:
        person = rich_user()
        request_for(person.user)

        with after_14_days():
            assert services.erasure_run_due() == 1
            assert services.erasure_run_due() == 0


class TestSignedLink:
    def test_withdrawal_mail_link_requests_erasure(self, client: Client) -> None:
        """P2: the withdrawn user follows the signed link and asks for erasure."""
        user = UserFactory.create()
        withdraw(user)
        url = links.erasure_link(user)

        page = client.get(url)
        response = client.post(url, {"action": "request"})

        assert page.status_code == 200
        assert response.status_code == 302
        request = ErasureRequest.objects.get(user=user)
        assert (request.source, request.status) == (ErasureSource.SELF, ErasureStatus.REQUESTED)
        assert request.scheduled_for - request.requested_at == timedelta(days=14)

    def test_signed_link_cancels_a_scheduled_erasure(self, client: Client) -> None:
        """P4."""
        user = UserFactory.create()
        withdraw(user)
        request = request_for(user)

        response = client.post(links.erasure_link(user), {"action": "cancel"})

        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == ErasureStatus.CANCELLED

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_forged_link_is_refused_and_changes_nothing(self, client: Client, method: str) -> None:
        """Bad input: a forged erasure link → 400 with a message, nothing changed."""
        user = UserFactory.create()
        withdraw(user)
        token = links.erasure_token(user)
        forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")

        response = getattr(client, method)(
            reverse("privacy:erasure_confirm", args=[forged]), {"action": "request"}
        )

        assert response.status_code == 400
        assert (
            "有効ではありません" in response.content.decode()
            or "not valid" in response.content.decode()
        )
        assert not ErasureRequest.objects.exists()

    def test_link_for_another_account_id_cannot_be_made_without_the_key(
        self, client: Client
    ) -> None:
        """A token signed with another key (someone guessing the format) is refused."""
        from django.core import signing

        user = UserFactory.create()
        withdraw(user)
        token = signing.dumps({"u": user.pk}, salt=links.SALT, key="not-our-key")

        response = client.post(
            reverse("privacy:erasure_confirm", args=[token]), {"action": "request"}
        )

        assert response.status_code == 400
        assert not ErasureRequest.objects.exists()

    def test_expired_link_is_refused_and_changes_nothing(self, client: Client) -> None:
        """Bad input: an expired erasure link → 400 with a message, nothing changed."""
        user = UserFactory.create()
        withdraw(user)
        url = links.erasure_link(user)

        with time_machine.travel(clock.now() + timedelta(days=91), tick=False):
            response = client.post(url, {"action": "request"})

        assert response.status_code == 400
        assert "期限" in response.content.decode() or "expired" in response.content.decode()
        assert not ErasureRequest.objects.exists()

    def test_link_of_an_active_account_is_refused(self, client: Client) -> None:
        user = UserFactory.create()

        response = client.post(links.erasure_link(user), {"action": "request"})

        assert response.status_code == 400
        assert not ErasureRequest.objects.exists()


class TestOperators:
    def test_inquiry_erasure_request_schedules_the_erasure(self) -> None:
        """P1, P2: an operator starts erasure from a 'delete my personal information'
        inquiry; the helpdesk signal schedules it here."""
        user = UserFactory.create()
        withdraw(user)
        inquiry = InquiryFactory.create(user=user, category="delete_personal_data")
        operator = OperatorFactory.create()

        _inquiry, taken = helpdesk.inquiry_request_erasure(actor=operator, inquiry_id=inquiry.pk)

        assert taken
        request = ErasureRequest.objects.get(user=user)
        assert (request.source, request.inquiry_id, request.requested_by_id) == (
            ErasureSource.INQUIRY,
            inquiry.pk,
            operator.pk,
        )

    def test_inquiry_for_an_active_account_is_refused_and_records_nothing(self) -> None:
        user = UserFactory.create()
        inquiry = InquiryFactory.create(user=user, category="delete_personal_data")

        with pytest.raises(ApplicationError):
            helpdesk.inquiry_request_erasure(actor=OperatorFactory.create(), inquiry_id=inquiry.pk)

        inquiry.refresh_from_db()
        assert inquiry.erasure_requested_at is None
        assert not ErasureRequest.objects.exists()

    def test_admin_action_requests_erasure_of_withdrawn_users(self, client: Client) -> None:
        """P2: the operator action on the user list."""
        operator = OperatorFactory.create()
        user = UserFactory.create()
        withdraw(user)
        active = UserFactory.create()
        client.force_login(operator)

        response = client.post(
            "/admin/accounts/user/",
            {"action": "request_erasure", "_selected_action": [user.pk, active.pk]},
        )

        assert response.status_code == 302
        request = ErasureRequest.objects.get()
        assert (request.user_id, request.source, request.requested_by_id) == (
            user.pk,
            ErasureSource.OPERATOR,
            operator.pk,
        )


class TestApi:
    def test_post_schedules_and_delete_cancels(self, client: Client) -> None:
        """P2, P4 over the API, with the token of the signed link (no sign-in: W7)."""
        user = UserFactory.create()
        withdraw(user)
        body = {"token": links.erasure_token(user)}

        created = client.post("/api/erasure", body, content_type="application/json")
        again = client.post("/api/erasure", body, content_type="application/json")
        cancelled = client.delete("/api/erasure", body, content_type="application/json")
        nothing = client.delete("/api/erasure", body, content_type="application/json")

        assert created.status_code == 201
        assert created.json()["status"] == "requested"
        assert (again.status_code, again.json()["code"]) == (409, "already_scheduled")
        assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
        assert nothing.status_code == 404
        assert ErasureRequest.objects.get().status == ErasureStatus.CANCELLED

    @pytest.mark.parametrize("method", ["post", "delete"])
    def test_forged_token_is_400_and_changes_nothing(self, client: Client, method: str) -> None:
        """Bad input: a forged token → 400 with a message, nothing changed."""
        user = UserFactory.create()
        withdraw(user)
        request_for(user)
        body = {"token": links.erasure_token(user) + "x"}

        response = getattr(client, method)("/api/erasure", body, content_type="application/json")

        assert (response.status_code, response.json()["code"]) == (400, "link_invalid")
        assert response.json()["message"]
        assert ErasureRequest.objects.get().status == ErasureStatus.REQUESTED

    def test_expired_token_is_400_and_changes_nothing(self, client: Client) -> None:
        user = UserFactory.create()
        withdraw(user)
        body = {"token": links.erasure_token(user)}

        with time_machine.travel(clock.now() + timedelta(days=91), tick=False):
            response = client.post("/api/erasure", body, content_type="application/json")

        assert (response.status_code, response.json()["code"]) == (400, "link_expired")
        assert not ErasureRequest.objects.exists()

    def test_missing_token_is_400(self, client: Client) -> None:
        response = client.post("/api/erasure", {}, content_type="application/json")

        assert response.status_code == 400
        assert not ErasureRequest.objects.exists()


class TestAfterErasure:
    def test_erased_account_cannot_be_erased_again(self, client: Client) -> None:
        person = rich_user()
        request_for(person.user)
        with after_14_days():
            services.erasure_run_due()

        with pytest.raises(Conflict) as refused:
            request_for(person.user)
        page = client.get(links.erasure_link(person.user))

        assert refused.value.code == "already_erased"
        assert ErasureRequest.objects.count() == 1
        assert page.status_code == 200
        assert 'name="action"' not in page.content.decode()

    def test_delivered_files_are_deleted_from_storage(self) -> None:
        """P2: files the user delivered are personal writing too."""
        person = rich_user()
        delivery = Delivery.objects.get(milestone__contract__lancer=person.user)
        delivery.file.save("logo.zip", ContentFile(b"PK\x03\x04 logo"), save=True)
        stored = delivery.file.name
        request_for(person.user)

        with after_14_days():
            services.erasure_run_due()

        delivery.refresh_from_db()
        assert delivery.file.name == ""
        assert not delivery.file.storage.exists(stored)


def test_erasure_deletes_an_undecided_identity_document() -> None:
    """P2, A4: the image of a request nobody decided yet goes with the rest."""
    request = IdentityVerificationFactory.create()
    stored = request.document.name
    assert default_storage.exists(stored)

    erase_personal_data(user=request.user)

    request.refresh_from_db()
    assert request.document.name == ""
    assert not default_storage.exists(stored)

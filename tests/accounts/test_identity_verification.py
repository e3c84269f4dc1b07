"""A4: identity verification. The user asks, an operator decides, the badge shows."""

from datetime import date
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from tests.factories import IdentityVerificationFactory, OperatorFactory, UserFactory
from ukeoi.accounts import services
from ukeoi.accounts.enums import DocumentType, VerificationStatus
from ukeoi.accounts.models import IdentityVerification, User
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError, NotAllowed
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

VERIFICATION_URL = "/accounts/verification/"
ADMIN_LIST_URL = "/admin/accounts/identityverification/"
# A6: the request carries the document number and birth date (hashed, never stored).
PASSPORT: dict[str, Any] = {
    "document_type": DocumentType.PASSPORT,
    "document_number": "TK1234567",
    "birth_date": date(1990, 4, 1),
}


def state(request: IdentityVerification) -> tuple[str, Any, Any]:
    request.refresh_from_db()
    request.user.refresh_from_db()
    return request.status, request.decided_by_id, request.user.identity_verified_at


class TestRequest:
    def test_user_requests_verification_on_the_page(self, client: Client) -> None:
        """A4."""
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(
            VERIFICATION_URL,
            {
                "document_type": DocumentType.MY_NUMBER_CARD,
                "document_number": "1234 5678 9012",
                "birth_date": "1990-04-01",
            },
        )

        assert response.status_code == 302
        request = IdentityVerification.objects.get(user=user)
        assert (request.status, request.document_type) == (
            VerificationStatus.PENDING,
            DocumentType.MY_NUMBER_CARD,
        )
        assert AuditEvent.objects.filter(action="identity.requested").count() == 1

    def test_second_request_while_one_is_pending_is_refused(self, client: Client) -> None:
        """A4: one pending request at a time."""
        user = UserFactory.create()
        IdentityVerificationFactory.create(user=user)
        client.force_login(user)

        response = client.post(VERIFICATION_URL, {**PASSPORT, "birth_date": "1990-04-01"})

        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
        assert IdentityVerification.objects.filter(user=user).count() == 1

    def test_service_refuses_a_second_pending_request_with_its_code(self) -> None:
        user = UserFactory.create()
        IdentityVerificationFactory.create(user=user)

        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_request(actor=user, **PASSPORT)

        assert refused.value.code == "already_pending"
        assert IdentityVerification.objects.count() == 1

    def test_verified_user_cannot_request_again(self) -> None:
        user = UserFactory.create(identity_verified_at=clock.now())

        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_request(actor=user, **PASSPORT)

        assert refused.value.code == "already_verified"
        assert not IdentityVerification.objects.exists()

    def test_user_may_ask_again_after_a_rejection(self) -> None:
        user = UserFactory.create()
        IdentityVerificationFactory.create(user=user, status=VerificationStatus.REJECTED)

        services.identity_verification_request(actor=user, **PASSPORT)

        assert IdentityVerification.objects.filter(user=user).count() == 2

    def test_unknown_document_type_is_refused(self, client: Client) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(
            VERIFICATION_URL,
            {**PASSPORT, "document_type": "library_card", "birth_date": "1990-04-01"},
        )

        assert response.status_code == 400
        assert not IdentityVerification.objects.exists()


class TestDecision:
    def test_operator_approval_verifies_the_user_audits_and_mails_after_commit(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """A4."""
        operator = OperatorFactory.create()
        request = IdentityVerificationFactory.create(user__language="en")

        with django_capture_on_commit_callbacks(execute=True):
            services.identity_verification_decide(
                actor=operator, verification_id=request.pk, approve=True
            )

        status, decided_by, verified_at = state(request)
        assert (status, decided_by) == (VerificationStatus.APPROVED, operator.pk)
        assert verified_at == request.decided_at
        event = AuditEvent.objects.get(action="identity.decided")
        assert (event.before, event.after) == ({"status": "pending"}, {"status": "approved"})
        assert [m.to for m in mailoutbox] == [[request.user.email]]
        assert mailoutbox[0].subject == "[ukeoi] Your identity is verified"

    def test_operator_rejection_keeps_the_user_unverified_and_says_why(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """A4."""
        request = IdentityVerificationFactory.create()

        with django_capture_on_commit_callbacks(execute=True):
            services.identity_verification_decide(
                actor=OperatorFactory.create(),
                verification_id=request.pk,
                approve=False,
                reason="写真が不鮮明です",
            )

        assert state(request)[0] == VerificationStatus.REJECTED
        assert request.user.identity_verified_at is None
        assert request.rejection_reason == "写真が不鮮明です"
        assert "写真が不鮮明です" in str(mailoutbox[0].body)

    def test_non_staff_cannot_decide(self, mailoutbox: list[EmailMessage]) -> None:
        """A4: only operators decide; the refusal is a 403."""
        request = IdentityVerificationFactory.create()

        with pytest.raises(NotAllowed) as refused:
            services.identity_verification_decide(
                actor=request.user, verification_id=request.pk, approve=True
            )

        assert refused.value.status == 403
        assert state(request) == (VerificationStatus.PENDING, None, None)
        assert not AuditEvent.objects.filter(action="identity.decided").exists()
        assert mailoutbox == []

    @pytest.mark.parametrize("second_approve", [True, False])
    def test_deciding_twice_is_refused_and_changes_nothing(
        self, second_approve: bool, django_capture_on_commit_callbacks: Any
    ) -> None:
        """A4: a decided request stays decided (pending → approved | rejected only)."""
        operator = OperatorFactory.create()
        request = IdentityVerificationFactory.create()
        with django_capture_on_commit_callbacks(execute=True):
            services.identity_verification_decide(
                actor=operator, verification_id=request.pk, approve=True
            )
        decided = state(request)
        second = OperatorFactory.create()

        with (
            django_capture_on_commit_callbacks() as callbacks,
            pytest.raises(ApplicationError) as refused,
        ):
            services.identity_verification_decide(
                actor=second, verification_id=request.pk, approve=second_approve
            )

        assert refused.value.code == "already_decided"
        assert state(request) == decided
        assert AuditEvent.objects.filter(action="identity.decided").count() == 1
        assert callbacks == []

    def test_deciding_an_unknown_request_is_404(self) -> None:
        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_decide(
                actor=OperatorFactory.create(), verification_id=999999, approve=True
            )

        assert refused.value.status == 404


class TestAdmin:
    def test_operator_approves_through_the_admin_action(
        self,
        client: Client,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """A4: the changelist action decides every selected pending request."""
        operator = OperatorFactory.create()
        first, second = IdentityVerificationFactory.create(), IdentityVerificationFactory.create()
        client.force_login(operator)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                ADMIN_LIST_URL,
                {"action": "approve", "_selected_action": [first.pk, second.pk]},
            )

        assert response.status_code == 302
        for request in (first, second):
            status, decided_by, verified_at = state(request)
            assert (status, decided_by) == (VerificationStatus.APPROVED, operator.pk)
            assert verified_at is not None
        assert sorted(m.to[0] for m in mailoutbox) == sorted([first.user.email, second.user.email])

    def test_admin_reject_action_rejects_with_a_reason(self, client: Client) -> None:
        request = IdentityVerificationFactory.create()
        client.force_login(OperatorFactory.create())

        client.post(ADMIN_LIST_URL, {"action": "reject", "_selected_action": [request.pk]})

        status, _, verified_at = state(request)
        assert (status, verified_at) == (VerificationStatus.REJECTED, None)
        assert request.rejection_reason

    def test_admin_action_skips_requests_already_decided(self, client: Client) -> None:
        decided = IdentityVerificationFactory.create(status=VerificationStatus.REJECTED)
        client.force_login(OperatorFactory.create())

        client.post(ADMIN_LIST_URL, {"action": "approve", "_selected_action": [decided.pk]})

        assert state(decided) == (VerificationStatus.REJECTED, None, None)

    def test_non_staff_cannot_use_the_admin_action(self, client: Client) -> None:
        """A4."""
        request = IdentityVerificationFactory.create()
        client.force_login(UserFactory.create())

        response = client.post(
            ADMIN_LIST_URL, {"action": "approve", "_selected_action": [request.pk]}
        )

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert state(request) == (VerificationStatus.PENDING, None, None)


class TestBadge:
    def badge(self, client: Client, user: User) -> str:
        page = client.get(f"/users/{user.pk}/").content.decode()
        return "verified" if 'class="badge verified"' in page else "none"

    def test_badge_shows_on_the_public_profile_once_approved(self, client: Client) -> None:
        """A4."""
        request = IdentityVerificationFactory.create()
        assert self.badge(client, request.user) == "none"

        services.identity_verification_decide(
            actor=OperatorFactory.create(), verification_id=request.pk, approve=True
        )

        assert self.badge(client, request.user) == "verified"

    def test_api_me_reports_identity_verified(self, client: Client) -> None:
        user = UserFactory.create(identity_verified_at=clock.now())
        client.force_login(user)

        assert client.get("/api/me").json()["identity_verified"] is True

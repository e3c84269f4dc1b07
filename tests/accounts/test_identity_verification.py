"""A4: identity verification. The user asks, an operator decides, the badge shows."""

from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from tests.factories import (
    IDENTITY_READING,
    PNG_BYTES,
    IdentityVerificationFactory,
    OperatorFactory,
    UserFactory,
    identity_document,
    jpeg_bytes,
)
from ukeoi.accounts import services
from ukeoi.accounts.enums import AccountStatus, DocumentType, VerificationStatus
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


def passport() -> dict[str, Any]:
    """A passport request with its image (a new upload each time)."""
    return {**PASSPORT, "document": identity_document("passport.jpg", jpeg_bytes())}


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
                "document": identity_document(),
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

        response = client.post(VERIFICATION_URL, {**passport(), "birth_date": "1990-04-01"})

        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
        assert IdentityVerification.objects.filter(user=user).count() == 1

    def test_service_refuses_a_second_pending_request_with_its_code(self) -> None:
        user = UserFactory.create()
        IdentityVerificationFactory.create(user=user)

        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_request(actor=user, **passport())

        assert refused.value.code == "already_pending"
        assert IdentityVerification.objects.count() == 1

    def test_verified_user_cannot_request_again(self) -> None:
        user = UserFactory.create(identity_verified_at=clock.now())

        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_request(actor=user, **passport())

        assert refused.value.code == "already_verified"
        assert not IdentityVerification.objects.exists()

    def test_user_may_ask_again_after_a_rejection(self) -> None:
        user = UserFactory.create()
        IdentityVerificationFactory.create(user=user, status=VerificationStatus.REJECTED)

        services.identity_verification_request(actor=user, **passport())

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
                actor=operator, verification_id=request.pk, approve=True, **IDENTITY_READING
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
                actor=request.user, verification_id=request.pk, approve=True, **IDENTITY_READING
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
                actor=operator, verification_id=request.pk, approve=True, **IDENTITY_READING
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
                actor=OperatorFactory.create(),
                verification_id=999999,
                approve=True,
                **IDENTITY_READING,
            )

        assert refused.value.status == 404


def decide_url(request: IdentityVerification) -> str:
    return reverse("admin:accounts_identityverification_decide", args=[request.pk])


def document_url(request: IdentityVerification) -> str:
    return reverse("admin:accounts_identityverification_document", args=[request.pk])


class TestAdmin:
    def test_operator_approves_on_the_decide_page_with_what_they_read(
        self,
        client: Client,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """A4, A6: the page shows the image; the number and birth date the operator reads
        give the user's digest, so the request is approved and its image deleted."""
        operator = OperatorFactory.create()
        request = IdentityVerificationFactory.create()
        stored = request.document.name
        client.force_login(operator)

        page = client.get(decide_url(request))
        assert page.status_code == 200
        assert f'src="{document_url(request)}"' in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                decide_url(request),
                {
                    "document_number": "ab-1234567",  # normalised like the user's entry
                    "birth_date": "1990-04-01",
                    "approve": "1",
                },
            )

        assert response.status_code == 302
        status, decided_by, verified_at = state(request)
        assert (status, decided_by) == (VerificationStatus.APPROVED, operator.pk)
        assert verified_at is not None
        assert [m.to for m in mailoutbox] == [[request.user.email]]
        assert request.document.name == ""
        assert not default_storage.exists(stored)

    @pytest.mark.parametrize(
        ("number", "birth"), [("AB7654321", "1990-04-01"), ("AB1234567", "1990-04-02")]
    )
    def test_a_reading_that_does_not_match_is_refused_and_changes_nothing(
        self, client: Client, number: str, birth: str
    ) -> None:
        """A6: the digest that carries ratings is one an operator checked."""
        request = IdentityVerificationFactory.create()
        client.force_login(OperatorFactory.create())

        response = client.post(
            decide_url(request), {"document_number": number, "birth_date": birth, "approve": "1"}
        )

        assert 400 <= response.status_code < 500
        assert "do not match" in response.content.decode() or response.context["form"].errors
        assert state(request) == (VerificationStatus.PENDING, None, None)
        assert default_storage.exists(request.document.name)

    def test_approving_needs_the_reading(self, client: Client) -> None:
        request = IdentityVerificationFactory.create()
        client.force_login(OperatorFactory.create())

        response = client.post(decide_url(request), {"approve": "1"})

        assert response.status_code == 400
        assert set(response.context["form"].errors) == {"document_number", "birth_date"}
        assert state(request) == (VerificationStatus.PENDING, None, None)

    def test_an_identity_verified_on_another_live_account_is_refused(self) -> None:
        """One person, one account; a withdrawn holder is A6's case and is allowed."""
        operator = OperatorFactory.create()
        first, second = IdentityVerificationFactory.create(), IdentityVerificationFactory.create()
        services.identity_verification_decide(
            actor=operator, verification_id=first.pk, approve=True, **IDENTITY_READING
        )

        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_decide(
                actor=operator, verification_id=second.pk, approve=True, **IDENTITY_READING
            )

        assert refused.value.code == "identity_in_use"
        assert state(second) == (VerificationStatus.PENDING, None, None)
        User.objects.filter(pk=first.user_id).update(
            status=AccountStatus.WITHDRAWN, is_active=False
        )
        services.identity_verification_decide(
            actor=operator, verification_id=second.pk, approve=True, **IDENTITY_READING
        )
        assert state(second)[0] == VerificationStatus.APPROVED

    def test_the_document_image_is_shown_to_operators_only(self, client: Client) -> None:
        """Issue 9 (uploads), A4: anonymous and non-staff users go to the admin sign-in;
        an operator sees the image inline; once decided it is gone (404)."""
        request = IdentityVerificationFactory.create()

        assert client.get(document_url(request))["Location"].startswith("/admin/login/")
        client.force_login(request.user)  # its own uploader is not an operator either
        assert client.get(document_url(request))["Location"].startswith("/admin/login/")
        client.force_login(OperatorFactory.create())
        shown = client.get(document_url(request))
        assert shown.status_code == 200
        assert shown["Content-Type"] == "image/png"
        assert shown["Cache-Control"].startswith("private")
        client.post(decide_url(request), {"reason": "読めません", "reject": "1"})
        assert client.get(document_url(request)).status_code == 404

    def test_admin_reject_action_rejects_with_a_reason(self, client: Client) -> None:
        request = IdentityVerificationFactory.create()
        client.force_login(OperatorFactory.create())

        client.post(ADMIN_LIST_URL, {"action": "reject", "_selected_action": [request.pk]})

        status, _, verified_at = state(request)
        assert (status, verified_at) == (VerificationStatus.REJECTED, None)
        assert request.rejection_reason
        assert request.document.name == ""

    def test_admin_action_skips_requests_already_decided(self, client: Client) -> None:
        decided = IdentityVerificationFactory.create(status=VerificationStatus.APPROVED)
        client.force_login(OperatorFactory.create())

        client.post(ADMIN_LIST_URL, {"action": "reject", "_selected_action": [decided.pk]})

        assert state(decided)[0] == VerificationStatus.APPROVED

    def test_non_staff_cannot_use_the_admin_action(self, client: Client) -> None:
        """A4."""
        request = IdentityVerificationFactory.create()
        client.force_login(UserFactory.create())

        response = client.post(
            ADMIN_LIST_URL, {"action": "reject", "_selected_action": [request.pk]}
        )

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
        assert state(request) == (VerificationStatus.PENDING, None, None)


class TestDocument:
    def test_a_request_without_an_image_is_refused(self, client: Client) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(VERIFICATION_URL, {**PASSPORT, "birth_date": "1990-04-01"})

        assert response.status_code == 400
        assert "document" in response.context["form"].errors
        assert not IdentityVerification.objects.exists()

    def test_a_file_that_is_not_an_image_or_pdf_is_refused(self) -> None:
        """Issue 9: the type is checked on the content, not the name."""
        user = UserFactory.create()

        with pytest.raises(ApplicationError) as refused:
            services.identity_verification_request(
                actor=user, **{**PASSPORT, "document": identity_document("id.png", b"<html>")}
            )

        assert "document" in refused.value.fields
        assert not IdentityVerification.objects.exists()

    def test_an_image_over_10_mb_is_refused(self) -> None:
        user = UserFactory.create()
        big = identity_document("id.png", PNG_BYTES + bytes(10 * 1024 * 1024))

        with pytest.raises(ApplicationError):
            services.identity_verification_request(actor=user, **{**PASSPORT, "document": big})

        assert not IdentityVerification.objects.exists()

    def test_the_image_is_stored_outside_the_web_root_under_a_random_name(self) -> None:
        request = services.identity_verification_request(actor=UserFactory.create(), **passport())

        assert request.document.name.startswith("identity/")
        assert "passport" not in request.document.name
        assert default_storage.exists(request.document.name)


class TestBadge:
    def badge(self, client: Client, user: User) -> str:
        page = client.get(f"/users/{user.pk}/").content.decode()
        return "verified" if 'class="badge verified"' in page else "none"

    def test_badge_shows_on_the_public_profile_once_approved(self, client: Client) -> None:
        """A4."""
        request = IdentityVerificationFactory.create()
        assert self.badge(client, request.user) == "none"

        services.identity_verification_decide(
            actor=OperatorFactory.create(),
            verification_id=request.pk,
            approve=True,
            **IDENTITY_READING,
        )

        assert self.badge(client, request.user) == "verified"

    def test_api_me_reports_identity_verified(self, client: Client) -> None:
        user = UserFactory.create(identity_verified_at=clock.now())
        client.force_login(user)

        assert client.get("/api/me").json()["identity_verified"] is True

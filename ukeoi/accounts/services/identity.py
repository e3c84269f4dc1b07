"""Identity verification (A4, A6): the user asks with a document, an operator decides."""

import hmac
import re
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import (
    VERIFICATION_TRANSITIONS,
    AccountStatus,
    DocumentType,
    VerificationStatus,
)
from ukeoi.accounts.identity import identity_digest, normalize_document_number
from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import (
    IDENTITY_DOCUMENT_VALIDATORS,
    IdentityVerification,
    User,
)
from ukeoi.accounts.services._common import _accept_upload, _delete_file_after_commit
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, InvalidInput, NotAllowed, NotFound
from ukeoi.core.mail import send_templated_mail
from ukeoi.core.transitions import transition

DOCUMENT_NUMBER_PATTERN = re.compile(r"^[A-Z0-9]{4,20}$")


def _accept_document(document: File | None) -> tuple[File | None, list[Any]]:
    if document is None:
        return None, [_("Attach a photo or scan of the document.")]
    return _accept_upload(document, IDENTITY_DOCUMENT_VALIDATORS)


def identity_verification_request(
    *,
    actor: User,
    document_type: str,
    document_number: str,
    birth_date: date | None,
    document: File | None,
) -> IdentityVerification:
    """A4: ask the operators to verify identity, with a photo or scan of the document; one
    pending request at a time.

    A6: the document number and birth date are hashed with a key (accounts.identity) and only
    the digest is stored; the number is never written anywhere. The image is kept until an
    operator decides the request."""
    errors: dict[str, list[Any]] = {}
    if document_type not in DocumentType.values:
        errors["document_type"] = [_("Choose a document from the list.")]
    if not DOCUMENT_NUMBER_PATTERN.match(normalize_document_number(document_number)):
        errors["document_number"] = [
            _("Enter the number printed on the document: 4 to 20 letters and digits.")
        ]
    if birth_date is None or not (date(1900, 1, 1) <= birth_date <= clock.today()):
        errors["birth_date"] = [_("Enter a real date of birth.")]
    document, problems = _accept_document(document)
    if problems:
        errors["document"] = problems
    if errors:
        raise InvalidInput.of(errors)
    assert birth_date is not None
    assert document is not None
    digest = identity_digest(
        document_type=document_type, number=document_number, birth_date=birth_date
    )
    with transaction.atomic():
        user = lock_users(actor.pk)[actor.pk]
        if user.is_identity_verified:
            raise ApplicationError(_("Your identity is already verified."), code="already_verified")
        if user.identity_verifications.filter(status=VerificationStatus.PENDING).exists():
            raise ApplicationError(
                _("Your request is already being reviewed. Please wait for the result."),
                code="already_pending",
            )
        request = IdentityVerification(
            user=user, document_type=document_type, identity_digest=digest
        )
        # Written last, after every check: only a database error could now orphan it.
        request.document.save(PurePath(document.name or "document").name, document, save=False)
        request.save()
        audit(
            actor=actor,
            subject=request,
            action="identity.requested",
            after={"document_type": document_type},
        )
    return request


def _delete_document_after_commit(request: IdentityVerification) -> None:
    _delete_file_after_commit(request.document)
    request.document = ""


def _other_live_holder(request: IdentityVerification) -> int | None:
    """The id of another live (not withdrawn) account whose approved verification has the
    same identity digest: one person, one account."""
    if not request.identity_digest:
        return None
    return (
        IdentityVerification.objects.filter(
            identity_digest=request.identity_digest, status=VerificationStatus.APPROVED
        )
        .exclude(user_id=request.user_id)
        .exclude(user__status=AccountStatus.WITHDRAWN)
        .values_list("user_id", flat=True)
        .first()
    )


def identity_verification_decide(
    *,
    actor: User,
    verification_id: int,
    approve: bool,
    reason: str = "",
    document_number: str = "",
    birth_date: date | None = None,
) -> IdentityVerification:
    """A4: an operator approves or rejects a pending request; the user is told by mail.

    To approve, the operator types the document number and birth date as read on the
    document image; they must give the digest the user's own entry gave (A6: the digest
    that carries ratings is then one an operator has checked against the document). An
    identity already verified on another live account is refused (one person, one
    account). Either way the document image is deleted once the decision commits."""
    if not actor.is_staff:
        raise NotAllowed(_("Only operators can decide identity verification requests."))
    with transaction.atomic():
        request = (
            IdentityVerification.objects.select_for_update()
            .select_related("user")
            .filter(pk=verification_id)
            .first()
        )
        if request is None:
            raise NotFound(_("That verification request does not exist."))
        new_status = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
        if new_status not in VERIFICATION_TRANSITIONS[request.status]:
            raise ApplicationError(
                _("This request has already been decided."), code="already_decided"
            )
        if approve:
            _check_operator_reading(request, document_number, birth_date)
            holder = _other_live_holder(request)
            if holder is not None:
                raise ApplicationError(
                    _(
                        "This identity is already verified on another live account "
                        "(#%(id)s). One person may hold one account: reject this request."
                    )
                    % {"id": holder},
                    code="identity_in_use",
                )
        user = lock_users(request.user_id)[request.user_id]
        request.decided_at = clock.now()
        request.decided_by = actor
        request.rejection_reason = "" if approve else reason.strip()[:200]
        _delete_document_after_commit(request)
        transition(
            request,
            new_status,
            table=VERIFICATION_TRANSITIONS,
            actor=actor,
            action="identity.decided",
            fields=["decided_at", "decided_by", "rejection_reason", "document"],
        )
        if approve:
            user.identity_verified_at = request.decided_at
            user.save(update_fields=["identity_verified_at"])
        send_templated_mail(
            to=user.email,
            template="identity_decided",
            context={"user": user, "approved": approve, "reason": request.rejection_reason},
            language=user.language,
        )
    return request


def _check_operator_reading(
    request: IdentityVerification, document_number: str, birth_date: date | None
) -> None:
    errors: dict[str, list[Any]] = {}
    if not DOCUMENT_NUMBER_PATTERN.match(normalize_document_number(document_number)):
        errors["document_number"] = [
            _("Type the number printed on the document: 4 to 20 letters and digits.")
        ]
    if birth_date is None:
        errors["birth_date"] = [_("Type the date of birth printed on the document.")]
    if errors:
        raise InvalidInput.of(errors)
    assert birth_date is not None
    read = identity_digest(
        document_type=request.document_type, number=document_number, birth_date=birth_date
    )
    if request.identity_digest and not hmac.compare_digest(read, request.identity_digest):
        raise ApplicationError(
            _(
                "The number and date of birth you read do not match what the user entered. "
                "Check the document again, or reject the request."
            ),
            code="document_mismatch",
        )

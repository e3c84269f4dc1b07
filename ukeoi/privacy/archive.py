"""P3: the export archive: one ZIP of JSON files with everything held about an account.

Each file is a JSON list of rows as the database holds them (every column, ids included, so
a row can be matched with what the user sees on the site), except secrets: password hashes,
token digests and the A6 identity digest are left out. Money is integer yen.

It holds what erasure (P2) would erase, from the same definitions (privacy.selectors): the
inquiries sent signed in and those sent signed out from one of the account's addresses,
every address the account used before, and the uploaded files themselves (portfolio images,
identity documents, delivered files) under files/, listed in files.json."""

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile

from ukeoi.accounts.models import (
    ApiToken,
    BankAccount,
    IdentityVerification,
    PortfolioItem,
    PreviousEmail,
    Profile,
    User,
)
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.core import clock
from ukeoi.core.models import AuditEvent
from ukeoi.documents.selectors import documents_of
from ukeoi.helpdesk.models import Answer, InquiryReply, Question
from ukeoi.jobs.models import (
    AppendNote,
    ClientPayment,
    Job,
    Message,
    MessageThread,
    Proposal,
    TaskSubmission,
)
from ukeoi.ledger.models import LedgerEntry
from ukeoi.legal.selectors import consent_rows
from ukeoi.payouts.models import Payout, PayoutSettings
from ukeoi.privacy.selectors import person_inquiries
from ukeoi.withdrawal.models import Withdrawal, WithdrawWhenClear

ACCOUNT_FIELDS = (
    "id",
    "email",
    "username",
    "display_name",
    "status",
    "language",
    "date_joined",
    "last_login",
    "identity_verified_at",
)


def _rows(queryset: QuerySet[Any], *exclude: str) -> list[dict[str, Any]]:
    fields = [
        f.attname
        for f in queryset.model._meta.concrete_fields
        if f.attname not in exclude and f.name not in exclude
    ]
    return list(queryset.order_by("pk").values(*fields))


def _files(user: User) -> Iterable[tuple[str, Any]]:
    uid = user.pk
    threads = MessageThread.objects.filter(Q(client_id=uid) | Q(lancer_id=uid))
    contracts = Contract.objects.filter(Q(client_id=uid) | Q(lancer_id=uid))
    inquiries = person_inquiries(user=user)
    personal_subjects = Q(subject_type="accounts.user", subject_id=str(uid)) | Q(
        subject_type="accounts.profile",
        subject_id__in=[
            str(pk) for pk in Profile.objects.filter(user=user).values_list("pk", flat=True)
        ],
    )
    yield (
        "profile.json",
        {
            "account": User.objects.filter(pk=uid).values(*ACCOUNT_FIELDS).get(),
            "previous_emails": _rows(PreviousEmail.objects.filter(user=user), "user"),
            "profile": _rows(Profile.objects.filter(user=user), "user"),
            "portfolio": _rows(PortfolioItem.objects.filter(user=user)),
            "bank_account": _rows(BankAccount.objects.filter(user=user)),
            "identity_verifications": _rows(
                IdentityVerification.objects.filter(user=user),
                "identity_digest",
                "decided_by",
                "document",
            ),
            "api_tokens": _rows(ApiToken.objects.filter(user=user), "digest"),
            "payout_settings": _rows(PayoutSettings.objects.filter(user=user)),
        },
    )
    yield "jobs.json", _rows(Job.objects.filter(client_id=uid))
    yield "client_payments.json", _rows(ClientPayment.objects.filter(client_id=uid), "confirmed_by")
    yield "proposals.json", _rows(Proposal.objects.filter(lancer_id=uid))
    yield "append_notes.json", _rows(AppendNote.objects.filter(proposal__lancer_id=uid))
    yield "task_units.json", _rows(TaskSubmission.objects.filter(lancer_id=uid))
    yield "message_threads.json", _rows(threads)
    yield "messages.json", _rows(Message.objects.filter(thread__in=threads))
    yield "contracts.json", _rows(contracts)
    yield "milestones.json", _rows(Milestone.objects.filter(contract__in=contracts))
    yield "deliveries.json", _rows(Delivery.objects.filter(milestone__contract__in=contracts))
    yield "cancellations.json", _rows(Cancellation.objects.filter(contract__in=contracts))
    yield (
        "ratings.json",
        {
            "given": _rows(Rating.objects.filter(rater_id=uid)),
            "received": _rows(Rating.objects.filter(ratee_id=uid)),
        },
    )
    yield (
        "ledger_statement.json",
        list(
            LedgerEntry.objects.filter(account__owner_id=uid)
            .order_by("pk")
            .values(
                "id",
                "account__kind",
                "transaction__created_at",
                "transaction__kind",
                "transaction__memo",
                "amount",
                "balance_after",
            )
        ),
    )
    yield "payouts.json", _rows(Payout.objects.filter(user_id=uid))
    yield (
        "help_centre.json",
        {
            "inquiries": _rows(inquiries, "internal_note"),
            "inquiry_replies": _rows(
                InquiryReply.objects.filter(inquiry__in=inquiries), "operator"
            ),
            "questions": _rows(Question.objects.filter(asker_id=uid)),
            "answers": _rows(Answer.objects.filter(author_id=uid)),
        },
    )
    yield (
        "withdrawal.json",
        {
            "withdrawal": _rows(Withdrawal.objects.filter(user_id=uid)),
            "withdraw_when_clear": _rows(WithdrawWhenClear.objects.filter(user_id=uid)),
        },
    )
    # L1, T4: the documents issued to the user, as issued (their PDFs are under files/).
    yield "documents.json", _rows(documents_of(uid))
    # L4: which version of the terms and the privacy policy the user agreed to, and when.
    yield "legal_consents.json", consent_rows(user_id=uid)
    yield "audit_events.json", _rows(AuditEvent.objects.filter(Q(actor_id=uid) | personal_subjects))


def _uploads(user: User) -> Iterable[tuple[str, int, str, FieldFile]]:
    """(table, row id, column, file) of every file uploaded by or for the account."""
    uid = user.pk
    for item in PortfolioItem.objects.filter(user=user).exclude(image="").order_by("pk"):
        yield "accounts.portfolioitem", item.pk, "image", item.image
    verifications = IdentityVerification.objects.filter(user=user).exclude(document="")
    for verification in verifications.order_by("pk"):
        yield "accounts.identityverification", verification.pk, "document", verification.document
    deliveries = Delivery.objects.filter(
        Q(milestone__contract__client_id=uid) | Q(milestone__contract__lancer_id=uid)
    ).exclude(file="")
    for delivery in deliveries.order_by("pk"):
        yield "contracts.delivery", delivery.pk, "file", delivery.file
    for document in documents_of(uid).exclude(pdf=""):
        yield "documents.document", document.pk, "pdf", document.pdf


def _write_uploads(archive: zipfile.ZipFile, user: User) -> list[dict[str, Any]]:
    """Copy each uploaded file into files/ and return the index of files.json (a file gone
    from storage is listed as missing)."""
    index: list[dict[str, Any]] = []
    for table, pk, column, field_file in _uploads(user):
        stored = str(field_file.name)
        entry: dict[str, Any] = {"table": table, "id": pk, "column": column, "stored_as": stored}
        path = f"files/{table}/{pk}/{PurePosixPath(stored).name}"
        try:
            with field_file.open("rb") as source:
                archive.writestr(path, source.read())
        except FileNotFoundError:
            entry["missing"] = True
        else:
            entry["in_archive"] = path
        index.append(entry)
    return index


def build_archive(*, user: User) -> bytes:
    """The ZIP's bytes; `manifest.json` names every file and when the archive was made."""
    buffer = io.BytesIO()
    names: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*_files(user), ("files.json", _write_uploads(archive, user))]:
            text = json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(name, text)
            names.append(name)
        manifest = {"user_id": user.pk, "created_at": clock.now(), "files": names}
        archive.writestr(
            "manifest.json",
            json.dumps(manifest, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
    return buffer.getvalue()

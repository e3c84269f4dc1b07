"""P2–P4 use cases: export an account's data, and request, cancel and perform its erasure.

Erasure is staged (P4): a request is scheduled PRIVACY_ERASURE_DELAY_DAYS ahead and can be
cancelled until then; `erasure_run_due` (Celery beat and `manage.py privacy_run_due`) performs
the due ones. Only withdrawn accounts are erased: an active account still has work, money
and sign-in that need its data, so it must withdraw first (W1–W7)."""

import logging
from datetime import date, datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.locks import lock_user
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import ApplicationError, Conflict, NotAllowed, NotFound
from ukeoi.core.mail import absolute_url, send_templated_mail
from ukeoi.core.taskqueue import enqueue
from ukeoi.core.transitions import transition
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.payouts.models import Payout, PayoutBatch, PayoutFile
from ukeoi.privacy import erasure, links, receipt, retention
from ukeoi.privacy.enums import (
    ERASURE_TRANSITIONS,
    EXPORT_TRANSITIONS,
    ErasureSource,
    ErasureStatus,
    ExportStatus,
)
from ukeoi.privacy.links import erasure_link
from ukeoi.privacy.models import DataExport, ErasureRequest

logger = logging.getLogger(__name__)


def _lock_user(user_id: int) -> User:
    user = lock_user(user_id)
    if user is None:
        raise NotFound(_("That account does not exist."))
    return user


# --- Erasure (P2, P4) -------------------------------------------------------------------------


def erasure_subject_from_token(token: str) -> User:
    """The withdrawn account a signed erasure link names. A forged, garbled or expired link,
    or one for an account that has not withdrawn, is refused (400) and changes nothing."""
    try:
        user_id = links.user_id_from_token(token)
    except signing.SignatureExpired:
        raise ApplicationError(
            _(
                "This link has expired. Ask the operators through the contact form to erase "
                "your personal data."
            ),
            code="link_expired",
        ) from None
    except signing.BadSignature:
        raise ApplicationError(
            _("This link is not valid. Open the link exactly as it appears in our e-mail."),
            code="link_invalid",
        ) from None
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_withdrawn:
        raise ApplicationError(
            _("Personal data can only be erased after the account has withdrawn."),
            code="not_withdrawn",
        )
    return user


def erasure_request(
    *,
    actor: User | None,
    user_id: int,
    source: str,
    inquiry_id: int | None = None,
) -> ErasureRequest:
    """P2: schedule the erasure of a withdrawn account's personal data 14 days ahead (P4).

    `actor` is the operator for source operator/inquiry, None when the user asked through
    their signed link. Refused for an active account, one already erased, and while another
    request is scheduled (that one is returned by the caller's page instead)."""
    if source != ErasureSource.SELF and not (actor is not None and actor.is_staff):
        raise NotAllowed(_("Only operators can request the erasure of another account."))
    with transaction.atomic():
        user = _lock_user(user_id)
        if not user.is_withdrawn:
            raise ApplicationError(
                _(
                    "Personal data can only be erased after the account has withdrawn. "
                    "Ask the user to withdraw first (退会手続き)."
                ),
                code="not_withdrawn",
            )
        existing = ErasureRequest.objects.filter(
            user=user, status__in=[ErasureStatus.REQUESTED, ErasureStatus.DONE]
        ).first()
        if existing is not None and existing.status == ErasureStatus.DONE:
            raise Conflict(
                _("The personal data of this account has already been erased."),
                code="already_erased",
            )
        if existing is not None:
            raise Conflict(
                _("Erasure is already scheduled for %(date)s.")
                % {"date": date_format(timezone.localtime(existing.scheduled_for), "DATE_FORMAT")},
                code="already_scheduled",
            )
        now = clock.now()
        request = ErasureRequest.objects.create(
            user=user,
            requested_by=actor if source != ErasureSource.SELF else None,
            source=source,
            inquiry_id=inquiry_id,
            requested_at=now,
            scheduled_for=now + timedelta(days=settings.PRIVACY_ERASURE_DELAY_DAYS),
        )
        audit(
            actor=actor or user,
            subject=request,
            action="erasure.requested",
            after={"status": request.status, "source": source},
        )
        send_templated_mail(
            to=user.email,
            template="privacy_erasure_scheduled",
            context={"user": user, "request": request, "link": erasure_link(user)},
            language=user.language,
        )
    return request


def erasure_cancel(*, actor: User | None, request_id: int) -> ErasureRequest:
    """P4: a scheduled erasure can be cancelled until it runs (by the user through their
    signed link, actor None, or by an operator)."""
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            raise NotFound(_("That erasure request does not exist."))
        if actor is not None and not actor.is_staff and actor.pk != request.user_id:
            raise NotFound(_("That erasure request does not exist."))
        user = _lock_user(request.user_id)
        request.cancelled_at = clock.now()
        transition(
            request,
            ErasureStatus.CANCELLED,
            table=ERASURE_TRANSITIONS,
            actor=actor or user,
            action="erasure.cancelled",
            fields=["cancelled_at"],
            refusal=_("This erasure can no longer be cancelled: it has already run."),
        )
        send_templated_mail(
            to=user.email,
            template="privacy_erasure_cancelled",
            context={"user": user, "request": request, "link": erasure_link(user)},
            language=user.language,
        )
    return request


def erasure_perform(*, request_id: int, now: datetime | None = None) -> ErasureRequest:
    """P2, P4: erase a due request's account data and mail the receipt to its last address.
    Idempotent: a request that is no longer scheduled, or not yet due, is left alone."""
    now = now or clock.now()
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or not request.is_scheduled or request.scheduled_for > now:
            return request  # type: ignore[return-value]
        user = _lock_user(request.user_id)
        last_address, language = user.email, user.language
        counts = erasure.erase_personal_data(user=user)
        # P4: the dates the receipt states are the ones the purge deletes by (retention).
        kept = retention.kept_records(user=user, today=timezone.localdate(now))
        retain_until = retention.retain_until(kept)
        request.done_at = now
        request.retain_until = retain_until
        request.receipt = {
            "erased": counts,
            "kept": [_kept_json(record) for record in kept],
            "retain_until": retain_until.isoformat(),
        }
        transition(
            request,
            ErasureStatus.DONE,
            table=ERASURE_TRANSITIONS,
            actor=None,
            action="erasure.done",
            fields=["done_at", "retain_until", "receipt"],
        )
        send_templated_mail(
            to=last_address,
            template="privacy_erasure_receipt",
            context={
                "request": request,
                "erased": [
                    (receipt.ERASED_LABELS[code], n)
                    for code, n in counts.items()
                    if code in receipt.ERASED_LABELS
                ],
                "kept": _kept_lines(kept),
                "retain_until": retain_until,
            },
            language=language,
        )
    logger.info("erasure %s done", request.pk)
    return request


def _kept_json(record: retention.KeptRecord) -> dict[str, object]:
    line: dict[str, object] = {
        "code": record.code,
        "until": record.until.isoformat() if record.until else None,
    }
    if record.transfers:
        line["transfers"] = [
            {"payment_date": day.isoformat(), "until": until.isoformat()}
            for day, until in record.transfers
        ]
    if record.documents:
        line["documents"] = [
            {
                "number": d.number,
                "kind": d.kind,
                "version": d.version,
                "issued_on": d.issued_on.isoformat(),
                "until": d.until.isoformat(),
            }
            for d in record.documents
        ]
    return line


def _kept_lines(records: list[retention.KeptRecord]) -> list[dict[str, object]]:
    """The receipt's kept records in words: what, why, how long, until when (P4)."""
    words = {code: (what, why, how_long) for code, what, why, how_long in receipt.KEPT}
    kinds = dict(DocumentKind.choices)
    lines = []
    for record in records:
        what, why, how_long = words[record.code]
        lines.append(
            {
                "what": what,
                "why": why,
                "how_long": how_long,
                "until": record.until,
                "transfers": record.transfers,
                "documents": [
                    {
                        "number": d.number,
                        "kind": kinds.get(d.kind, d.kind),
                        "version": d.version,
                        "issued_on": d.issued_on,
                        "until": d.until,
                    }
                    for d in record.documents
                ],
            }
        )
    return lines


def erasure_run_due(*, now: datetime | None = None) -> int:
    """P4: perform every scheduled erasure whose date has come; one transaction each."""
    now = now or clock.now()
    due = list(
        ErasureRequest.objects.filter(
            status=ErasureStatus.REQUESTED, scheduled_for__lte=now
        ).values_list("pk", flat=True)
    )
    done = 0
    for pk in due:
        if erasure_perform(request_id=pk, now=now).status == ErasureStatus.DONE:
            done += 1
    return done


# --- Export (P3) ------------------------------------------------------------------------------


def export_request(*, actor: User) -> DataExport:
    """P3: ask for an archive of everything held about the account; built in the background.
    One export in preparation at a time."""
    if not actor.is_active or actor.is_withdrawn:
        raise NotAllowed(_("Sign in to download your data."))
    with transaction.atomic():
        user = _lock_user(actor.pk)
        if DataExport.objects.filter(user=user, status=ExportStatus.PENDING).exists():
            raise Conflict(
                _("Your data is already being prepared. You will get an e-mail when it is ready."),
                code="export_pending",
            )
        now = clock.now()
        export = DataExport.objects.create(
            user=user,
            created_at=now,
            expires_at=now + timedelta(days=settings.PRIVACY_EXPORT_VALID_DAYS),
        )
        audit(actor=actor, subject=export, action="export.requested", after={"status": "pending"})
        # Queued through the outbox: a broker that is away delays the build, never loses it
        # (issue 23); a build that fails marks the export failed, never a 500.
        enqueue("ukeoi.privacy.tasks.build_export", export.pk)
    return export


def export_build(*, export_id: int) -> DataExport:
    """P3: write the ZIP for a pending export and tell the owner where to download it."""
    from ukeoi.privacy.archive import build_archive

    export = DataExport.objects.select_related("user").get(pk=export_id)
    if export.status != ExportStatus.PENDING:
        return export
    content = build_archive(user=export.user)
    with transaction.atomic():
        export = DataExport.objects.select_for_update().select_related("user").get(pk=export_id)
        if export.status != ExportStatus.PENDING:
            return export
        # A build killed after writing the file and before this transaction commits left it
        # behind (the export still pending): the next build writes the same path, replacing
        # it, so no copy of the personal data is left that no export names (issue 9 faults).
        name = _archive_name(export)
        storage = export.file.storage
        if storage.exists(name):
            storage.delete(name)
        export.file.name = storage.save(name, ContentFile(content))
        export.finished_at = clock.now()
        transition(
            export,
            ExportStatus.READY,
            table=EXPORT_TRANSITIONS,
            actor=None,
            action="export.ready",
            fields=["file", "finished_at"],
        )
        user = export.user
        send_templated_mail(
            to=user.email,
            template="privacy_export_ready",
            context={"user": user, "export": export, "link": _link_to(export)},
            language=user.language,
        )
    return export


def _archive_name(export: DataExport) -> str:
    """Where an export's archive is stored: the same path each time this export is built,
    unguessable like every private upload (keyed with SECRET_KEY, never the user's name)."""
    message = f"{export.pk}:{export.created_at.isoformat()}"
    key = salted_hmac("ukeoi.privacy.export_archive", message, algorithm="sha256")
    return f"privacy/exports/{export.created_at:%Y/%m}/{key.hexdigest()[:32]}.zip"


def export_fail(*, export_id: int) -> None:
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export_id).first()
        if export is not None and export.status == ExportStatus.PENDING:
            export.finished_at = clock.now()
            transition(
                export,
                ExportStatus.FAILED,
                table=EXPORT_TRANSITIONS,
                actor=None,
                action="export.failed",
                fields=["finished_at"],
            )


def _link_to(export: DataExport) -> str:
    from django.urls import reverse

    return absolute_url(reverse("privacy:export_download", args=[export.pk]))


# --- Retention (P4) ---------------------------------------------------------------------------


def sign_in_records_expire(*, now: datetime | None = None) -> dict[str, int]:
    """P2: delete the sign-in records (django-axes: access logs, failed attempts, their
    log) older than SIGN_IN_RECORDS_KEEP_DAYS, whoever they are about. Each names an
    e-mail address, a network address and a browser, and serves only to watch and throttle
    recent sign-ins; a failed attempt still within its cool-off (AXES_COOLOFF_TIME) stays
    whatever the setting, so the throttle keeps working. Idempotent."""
    now = now or clock.now()
    cutoff = now - timedelta(days=settings.SIGN_IN_RECORDS_KEEP_DAYS)
    throttled_since = now - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return {
        "access_logs": AccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "failed_attempts": AccessAttempt.objects.filter(
            attempt_time__lt=min(cutoff, throttled_since)
        )
        .delete()[1]
        .get(AccessAttempt._meta.label, 0),
        "failure_logs": AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
    }


def purge_expired(*, today: date | None = None) -> dict[str, int]:
    """Delete what is no longer kept. Precisely:

    1. export archives whose link expired (file in storage and row), whoever they belong to;
    2. the payout rows of erased accounts, each once its batch's retention has passed
       (`retention.is_expired(payment date)`: kept only as tax records, the bank details
       were already erased); an erased account whose every dated record has passed
       (the request's retain_until) is marked purged;
    3. the bank transfer (Zengin) files of every payout batch whose retention has passed
       (the files and their rows: the batch row with its totals stays). Those files list the
       account of every payee, so they are the one place erased bank details outlive erasure
       (P2's exception, stated on the receipt with the same date);
    4. the issued documents (L1, T4) whose retention date has passed, whoever they name
       (`Document.retain_until`: 7 years from the end of the fiscal year of issue; P2's other
       exception, each listed on the receipt with that date).

    Never deleted: ledger transactions and entries (append-only; they prove every other
    account's balance and carry no personal data after erasure), contracts, milestones, jobs,
    proposals and ratings (the counterparts' records), the anonymous account row they point
    to, retired identifiers (A5) and identity digests (A6)."""
    today = today or clock.today()
    counts = {"exports": 0, "payouts": 0, "accounts": 0, "transfer_files": 0, "documents": 0}
    for export in DataExport.objects.filter(expires_at__lte=clock.now()):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        counts["exports"] += 1
    # Two payout batches a month: the dates are few, and each is judged by the one rule.
    expired_batches = [
        pk
        for pk, payment_date in PayoutBatch.objects.values_list("pk", "payment_date")
        if retention.is_expired(payment_date, today=today)
    ]
    erased = ErasureRequest.objects.filter(status=ErasureStatus.DONE, purged_at__isnull=True)
    if expired_batches:
        with transaction.atomic():
            counts["payouts"] = Payout.objects.filter(
                batch_id__in=expired_batches, user_id__in=erased.values("user_id")
            ).delete()[0]
    for request in erased.filter(retain_until__lt=today):
        with transaction.atomic():
            locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
            if locked.purged_at is not None:
                continue
            locked.purged_at = clock.now()
            locked.save(update_fields=["purged_at"])
            audit(actor=None, subject=locked, action="erasure.purged", after={"status": "done"})
            counts["accounts"] += 1
    for transfer_file in PayoutFile.objects.filter(batch_id__in=expired_batches):
        transfer_file.file.delete(save=False)
        transfer_file.delete()
        counts["transfer_files"] += 1
    with transaction.atomic():
        counts["documents"] = Document.objects.purge_expired(today=today)
    return counts

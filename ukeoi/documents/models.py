"""Issued documents (L1, T2, T3, T4).

A document is written once, by `services.document_issue`, and never changed: `save()` of an
existing row, `delete()`, and `QuerySet.update()` / `delete()` are refused. Only the
retention purge (`Document.objects.purge_expired`) deletes rows, and only those whose
retention date has passed."""

from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models, transaction
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ukeoi.core.errors import ApplicationError

M = TypeVar("M", bound=models.Model)


class DocumentWriteRefused(ApplicationError):
    """A code path tried to change or delete an issued document; always a programming error."""

    code = "document_write_refused"
    status = 500


def _refuse() -> NoReturn:
    raise DocumentWriteRefused(
        _("An issued document is kept as issued: it is never changed or deleted.")
    )


class DocumentKind(models.TextChoices):
    TERMS = "terms", _("Statement of terms")
    # T2 (a): the platform's qualified invoice for its system fee, to the side it charged.
    FEE_INVOICE = "fee_invoice", _("Invoice for the system fee")
    # T2 (b): per accepted milestone, the lancer's invoice to the client, issued by the
    # platform under the 媒介者交付特例 (a registered lancer) ...
    REWARD_INVOICE = "reward_invoice", _("Invoice for the reward")
    # ... or, for a lancer not registered, the client's payment notice (支払通知書).
    PAYMENT_NOTICE = "payment_notice", _("Payment notice")
    # T2 (c): per confirmed client payment.
    RECEIPT = "receipt", _("Receipt")
    # T3: a client's yearly 支払調書 for one lancer.
    PAYMENT_RECORD = "payment_record", _("Payment record (支払調書)")


class DocumentSeries(models.Model):
    """The counter of one numbering series: `document_issue` locks this row, takes
    `next_number` and increments it in the same transaction, so numbers have no gaps and
    no duplicates however many issue at once."""

    # The series' name, e.g. "terms"; each kind has its own series (T2 may add more).
    name = models.CharField(_("series"), max_length=32, unique=True)
    # The number the next document of this series gets; >= 1, only ever incremented.
    next_number = models.PositiveBigIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("document series")
        verbose_name_plural = _("document series")
        constraints = [
            models.CheckConstraint(
                condition=Q(next_number__gte=1), name="documents_series_next_number_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class _InsertOnlyQuerySet(models.QuerySet[M]):
    """Rows are only inserted; deleting is the retention purge's alone."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self) -> NoReturn:
        _refuse()

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse()


class DocumentQuerySet(_InsertOnlyQuerySet["Document"]):
    def purge_expired(self, *, today: date, batch: int = 1000) -> int:
        """T4: delete the documents (rows, party rows and files) whose retention ended before
        `today`, `batch` at a time; each batch's files go once its rows are gone."""
        deleted = 0
        while expired := list(
            self.filter(retain_until__lt=today).order_by("pk").values_list("pk", "pdf")[:batch]
        ):
            with transaction.atomic():
                _count, per_model = models.QuerySet.delete(
                    Document.objects.filter(pk__in=[pk for pk, _name in expired])
                )
                names = [name for _pk, name in expired if name]
                transaction.on_commit(partial(_delete_files, names))
            deleted += per_model.get(Document._meta.label, 0)
        return deleted


def _delete_files(names: list[str]) -> None:
    storage = Document._meta.get_field("pdf").storage
    for name in names:
        storage.delete(name)


class DocumentStorage(FileSystemStorage):
    """Issued documents live beside MEDIA_ROOT, in `<MEDIA_ROOT>/../documents` (var/documents:
    outside the web root, like the uploads, and apart from them, since they are kept for
    years and removed only by the retention purge). Read only through `files.document_bytes`."""

    @cached_property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT).resolve().parent / "documents")


def document_path(instance: "Document", filename: str) -> str:
    return f"{instance.series}/{filename}"


class Document(models.Model):
    """One issued document, as issued (L1, T4)."""

    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    # The numbering series (one per kind today); (series, number) is unique.
    series = models.CharField(_("series"), max_length=32)
    # Gapless within the series: allocated from DocumentSeries under its row lock.
    number = models.PositiveBigIntegerField(_("number"))
    # What the document is about, named by strings like the ledger's ("contracts.contract", "42").
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    # 1, 2, ... per (kind, subject): each change of terms issues the next version.
    version = models.PositiveIntegerField(_("version"))
    # The parties as issued: [{"role": ..., "name": ..., "user_id": ...}, ...].
    parties = models.JSONField(_("parties"), default=list)
    # What the document says, as issued (amounts by tax rate live here too, T2).
    payload = models.JSONField(_("payload"), default=dict)
    # The document's total in yen (for the archive search by amount, T4); >= 0.
    total_amount = models.BigIntegerField(_("total amount"), default=0)
    # SHA-256 (hex) of the PDF bytes, recorded at issue and checked on every download (T4).
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The PDF, in the private storage (outside the web root), served by a permission-checked view.
    pdf = models.FileField(
        _("PDF"), upload_to=document_path, storage=DocumentStorage, max_length=200
    )
    issued_at = models.DateTimeField(_("issued"))
    # T4: may be deleted after this day (rules.retain_until of the issue date).
    retain_until = models.DateField(_("kept until"), db_index=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="documents_unique_number"),
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "version"],
                name="documents_unique_version",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0), name="documents_total_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="documents_subject_idx"),
            models.Index(fields=["issued_at"], name="documents_issued_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.display_number} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

    @property
    def display_number(self) -> str:
        return f"{self.series.upper()}-{self.number:06d}"


class DocumentPartyQuerySet(_InsertOnlyQuerySet["DocumentParty"]):
    pass


class DocumentParty(models.Model):
    """A person a document names, as a row (written with the document, never changed): a
    user's own documents and the counterparty search (T4), and the erasure receipt's list
    of what is kept (P2, P4), are index lookups instead of reads of every `parties` value."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="party_rows")
    # PROTECT: accounts are never deleted (an erased one stays, anonymous).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="document_parties"
    )
    # The party's role on the document ("client", "lancer", ...), as in `Document.parties`.
    role = models.CharField(_("role"), max_length=16)
    # The name as issued (T4: the counterparty search finds it; kept as issued, P2).
    name = models.CharField(_("name as issued"), max_length=200, blank=True)

    objects = DocumentPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("document party")
        verbose_name_plural = _("document parties")
        constraints = [
            models.UniqueConstraint(fields=["document", "role"], name="documents_party_role")
        ]
        indexes = [models.Index(fields=["user", "document"], name="documents_party_user_idx")]

    def __str__(self) -> str:
        return f"{self.role} {self.user_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()

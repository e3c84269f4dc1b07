"""The one writer of issued documents (L1, T4)."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from ukeoi.core import clock
from ukeoi.documents import rules
from ukeoi.documents.models import Document, DocumentParty, DocumentSeries, document_path


@dataclass(frozen=True)
class IssuedFacts:
    """What a renderer gets: the document as it will be stored, number included."""

    kind: str
    series: str
    number: int
    display_number: str
    version: int
    issued_at: Any
    parties: Sequence[dict[str, Any]]
    payload: dict[str, Any]


Renderer = Callable[[IssuedFacts], bytes]

# The renderer of each kind, as the issuing app passed it (kept to render a document whose
# after-commit rendering did not happen, e.g. the process ended first).
RENDERERS: dict[str, Renderer] = {}


def _take_number(series: str) -> int:
    """The next number of `series`, under the counter row's lock (gapless, no duplicates:
    a rolled-back issue gives its number back with the rest of its transaction)."""
    DocumentSeries.objects.get_or_create(name=series)
    counter = DocumentSeries.objects.select_for_update().get(name=series)
    number = counter.next_number
    DocumentSeries.objects.filter(pk=counter.pk).update(next_number=number + 1)
    return number


def document_issue(
    *,
    kind: str,
    subject_type: str,
    subject_id: str,
    parties: Sequence[dict[str, Any]],
    payload: dict[str, Any],
    render: Renderer,
    total_amount: int = 0,
    series: str | None = None,
    lazy: bool = False,
) -> Document:
    """Issue the next version of `kind` for the subject: number it, record what it says and
    the retention date, inside the caller's transaction (a savepoint of its own), so the
    document exists exactly when the change it records does. The PDF is rendered and its
    SHA-256 recorded once the transaction commits (`document_render`): rendering takes a
    few hundred milliseconds, which no row lock should wait for, and a rolled-back change
    leaves no file behind. `lazy`: not rendered until first served (T2's documents, issued
    by the thousand in a batch: the bytes depend only on what is stored, so rendering later
    gives the same PDF)."""
    series_name = series or kind
    with transaction.atomic():
        number = _take_number(series_name)
        latest = Document.objects.filter(
            kind=kind, subject_type=subject_type, subject_id=subject_id
        ).aggregate(v=Max("version"))["v"]
        version = (latest or 0) + 1
        issued_at = clock.now()
        document = Document(
            kind=kind,
            series=series_name,
            number=number,
            subject_type=subject_type,
            subject_id=str(subject_id),
            version=version,
            parties=list(parties),
            payload=payload,
            total_amount=total_amount,
            issued_at=issued_at,
            retain_until=rules.retain_until(timezone.localdate(issued_at)),
        )
        document.save()
        DocumentParty.objects.bulk_create(
            DocumentParty(
                document=document,
                user_id=party["user_id"],
                role=party["role"],
                name=str(party.get("name", ""))[:200],
            )
            for party in parties
            if party.get("user_id")
        )
    RENDERERS[kind] = render
    if not lazy:
        pk = document.pk
        transaction.on_commit(lambda: document_render(pk))
    return document


def document_render(document_id: int) -> Document:
    """Render an issued document's PDF, store it and record its SHA-256, once: a document
    already rendered is returned as it is (T4: from then on its bytes never change)."""
    document = Document.objects.get(pk=document_id)
    if document.sha256:
        return document
    render = RENDERERS[document.kind]
    data = render(
        IssuedFacts(
            kind=document.kind,
            series=document.series,
            number=document.number,
            display_number=document.display_number,
            version=document.version,
            issued_at=document.issued_at,
            parties=document.parties,
            payload=document.payload,
        )
    )
    name = document.pdf.storage.save(
        document_path(document, f"{document.number:06d}.pdf"), ContentFile(data)
    )
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # The one change an issued row takes: its file, once (the queryset refuses updates).
        filled = models.QuerySet.update(
            Document.objects.filter(pk=document_id, sha256=""),
            sha256=digest,
            pdf=name,
        )
    if not filled:  # rendered at the same moment by another process: keep theirs
        document.pdf.storage.delete(name)
    return Document.objects.get(pk=document_id)

"""The one writer of issued documents (L1, T4)."""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ukeoi.core import clock
from ukeoi.documents import rules
from ukeoi.documents.models import Document, DocumentSeries


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
) -> Document:
    """Issue the next version of `kind` for the subject: number it, render it, record the
    PDF's SHA-256 and the retention date. Runs inside the caller's transaction (it opens a
    savepoint of its own), so the document exists exactly when the change it records does."""
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
        data = render(
            IssuedFacts(
                kind=kind,
                series=series_name,
                number=number,
                display_number=document.display_number,
                version=version,
                issued_at=issued_at,
                parties=document.parties,
                payload=payload,
            )
        )
        document.sha256 = hashlib.sha256(data).hexdigest()
        document.pdf.save(f"{number:06d}.pdf", ContentFile(data), save=False)
        document.save()
    return document

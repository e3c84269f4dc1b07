"""T4 in the JSON API: a user's issued documents — search, one, and its PDF."""

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router

from ukeoi.accounts.auth import api_auth
from ukeoi.core.api import errors
from ukeoi.core.errors import InvalidInput, NotFound
from ukeoi.documents.models import Document, DocumentParty
from ukeoi.documents.schemas import DocumentFilters, DocumentOut, DocumentPageOut
from ukeoi.documents.selectors import documents_search

router = Router(tags=["documents"], auth=api_auth)
PER_PAGE = 50


def _out(document: Document, parties: list[DocumentParty]) -> dict[str, Any]:
    return {
        "id": document.pk,
        "kind": document.kind,
        "number": document.display_number,
        "version": document.version,
        "issued_at": document.issued_at,
        "total_amount": document.total_amount,
        "retain_until": document.retain_until,
        "sha256": document.sha256,
        "parties": [{"role": p.role, "name": p.name} for p in parties],
        "pdf_url": reverse("documents:pdf", args=[document.pk]),
        "payload": document.payload,
    }


def _mine(request: HttpRequest, document_id: int) -> Document:
    document = Document.objects.filter(
        pk=document_id,
        party_rows__user_id=request.auth.pk,  # type: ignore[attr-defined]
    ).first()
    if document is None:
        raise NotFound(_("This document does not exist or you cannot see it."))
    return document


@router.get("/documents", response={200: DocumentPageOut, **errors(400, 401)})
def document_list(request: HttpRequest, filters: Query[DocumentFilters]) -> dict[str, Any]:
    """T4: your documents, newest first, by issue date range, amount range, counterparty
    (part of a name) and kind, combinable; 50 a page."""
    if filters.issued_from and filters.issued_to and filters.issued_from > filters.issued_to:
        raise InvalidInput.of({"issued_to": [_("The end of the period is before its start.")]})
    if (
        filters.amount_min is not None
        and filters.amount_max is not None
        and filters.amount_min > filters.amount_max
    ):
        raise InvalidInput.of({"amount_max": [_("The upper amount is below the lower one.")]})
    found = documents_search(
        user_id=request.auth.pk,  # type: ignore[attr-defined]
        issued_from=filters.issued_from,
        issued_to=filters.issued_to,
        amount_min=filters.amount_min,
        amount_max=filters.amount_max,
        counterparty=filters.counterparty.strip(),
        kind=filters.kind.value if filters.kind else "",
    )
    page = Paginator(found, PER_PAGE).get_page(filters.page)
    documents = list(page.object_list)
    parties: dict[int, list[DocumentParty]] = {}
    for party in DocumentParty.objects.filter(document__in=documents).order_by("pk"):
        parties.setdefault(party.document_id, []).append(party)
    return {
        "items": [_out(d, parties.get(d.pk, [])) for d in documents],
        "page": page.number,
        "pages": page.paginator.num_pages,
        "count": page.paginator.count,
    }


@router.get("/documents/{document_id}", response={200: DocumentOut, **errors(400, 401, 404)})
def document_detail(request: HttpRequest, document_id: int) -> dict[str, Any]:
    """T4: one of your documents, as issued."""
    document = _mine(request, document_id)
    return _out(document, list(document.party_rows.order_by("pk")))

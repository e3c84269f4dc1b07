"""Serving an issued document's PDF (T4): only to whom the caller's permission rule allows,
and only while the stored bytes still match the SHA-256 recorded at issue."""

import hashlib
import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ukeoi.core.errors import ApplicationError
from ukeoi.core.files import FILE_CSP
from ukeoi.documents.models import Document

logger = logging.getLogger(__name__)


class DocumentTampered(ApplicationError):
    """The stored file no longer matches its recorded hash: never served (T4)."""

    code = "document_tampered"
    status = 409


def document_bytes(document: Document) -> bytes:
    """The PDF's bytes, checked against the SHA-256 recorded at issue (T4); rendered first
    if the after-commit rendering has not happened yet."""
    if not document.sha256:
        from ukeoi.documents.services import document_render

        document = document_render(document.pk)
    try:
        with document.pdf.storage.open(document.pdf.name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, IsADirectoryError):
        data = b""
    if hashlib.sha256(data).hexdigest() != document.sha256:
        logger.error(
            "Issued document %s (id %s) does not match its SHA-256: refused",
            document.display_number,
            document.pk,
        )
        raise DocumentTampered(
            _(
                "This document's file does not match the one issued, so it is not served. "
                "The operators have been told; please contact them."
            )
        )
    return data


def document_file_response(
    request: HttpRequest, document: Document | None, *, allowed: bool
) -> HttpResponse:
    """The PDF as a download, if `allowed`; a stranger gets 404, a tampered file 409."""
    if not allowed or document is None:
        raise Http404(_("This file does not exist or you cannot see it."))
    data = document_bytes(document)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{document.display_number}-v{document.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

"""Uploaded files are private. They live under MEDIA_ROOT (in var/, outside the web root;
no URL serves that folder) and reach a browser only through a view that decides who may
see them and then returns `protected_file_response`:

    @login_required
    def document(request, pk):
        verification = get_object_or_404(IdentityVerification, pk=pk)
        return protected_file_response(
            request, verification.document, allowed=request.user.is_staff
        )

A refused or missing file is a 404 (a stranger learns nothing about what exists). The file
is sent as an attachment, with its stored content type, never cached by shared caches, and
under a sandboxing Content-Security-Policy, so an uploaded HTML or SVG file cannot run."""

import mimetypes
from pathlib import PurePath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _

from ukeoi.core.validators import content_type_for

FILE_CSP = "default-src 'none'; sandbox"  # django-csp leaves a header already set alone
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "application/pdf"})


def protected_file_response(
    request: HttpRequest,
    file_field: FieldFile | None,
    *,
    allowed: bool,
    download_name: str | None = None,
    inline: bool = False,
) -> FileResponse:
    """The file, if `allowed` (decided by the caller's permission rule); else 404."""
    if not allowed or not file_field or not file_field.name:
        raise Http404(_("This file does not exist or you cannot see it."))
    try:
        handle = file_field.storage.open(file_field.name, "rb")
    except (FileNotFoundError, IsADirectoryError) as error:
        raise Http404(_("This file does not exist or you cannot see it.")) from error
    name = download_name or PurePath(file_field.name).name
    content_type = content_type_for(file_field.name)
    if content_type == "application/octet-stream":
        guessed, _encoding = mimetypes.guess_type(name)
        content_type = guessed if guessed and not guessed.startswith("text/html") else content_type
    # Only images and PDFs may be shown in the browser; everything else is a download.
    show_inline = inline and content_type in INLINE_TYPES
    response = FileResponse(
        handle, as_attachment=not show_inline, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

"""Upload rules shared by every app that accepts files (deliveries, portfolio, identity
documents, exports): a size limit, a list of allowed types checked by extension *and* by the
file's first bytes, and a storage path that the uploader cannot choose.

    document = models.FileField(
        upload_to=private_upload_to("identity"),
        validators=[FileSizeValidator(10 * MB), FileTypeValidator(DOCUMENT_TYPES)],
    )

Serve such files only through `ukeoi.core.files.protected_file_response`."""

import uuid
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024

# Extension → (content type, accepted leading bytes). An empty tuple of signatures means
# plain text, checked by decoding instead.
FileKind = tuple[str, tuple[bytes, ...]]
PDF: FileKind = ("application/pdf", (b"%PDF-",))
PNG: FileKind = ("image/png", (b"\x89PNG\r\n\x1a\n",))
JPEG: FileKind = ("image/jpeg", (b"\xff\xd8\xff",))
GIF: FileKind = ("image/gif", (b"GIF87a", b"GIF89a"))
ZIP: FileKind = ("application/zip", (b"PK\x03\x04", b"PK\x05\x06"))
TEXT: FileKind = ("text/plain", ())
CSV: FileKind = ("text/csv", ())
# A logo is often delivered as SVG: text, and only ever served as a download (nosniff).
SVG: FileKind = ("image/svg+xml", ())

IMAGE_TYPES: dict[str, FileKind] = {".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".gif": GIF}
DOCUMENT_TYPES: dict[str, FileKind] = {**IMAGE_TYPES, ".pdf": PDF}
DELIVERY_TYPES: dict[str, FileKind] = {
    **DOCUMENT_TYPES,
    ".svg": SVG,
    ".zip": ZIP,
    ".txt": TEXT,
    ".csv": CSV,
}

SNIFF_BYTES = 8192


def _human(size: int) -> str:
    return f"{size / MB:g} MB" if size >= MB else f"{size // 1024} KB"


@deconstructible
class FileSizeValidator:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def __call__(self, value: File) -> None:
        if value.size is not None and value.size > self.max_bytes:
            raise ValidationError(
                _("The file is too large. Files of up to %(max)s can be uploaded."),
                code="file_too_large",
                params={"max": _human(self.max_bytes)},
            )
        if not value.size:
            raise ValidationError(_("The file is empty."), code="file_empty")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileSizeValidator) and other.max_bytes == self.max_bytes


@deconstructible
class FileTypeValidator:
    """The extension must be one of `kinds` and the content must start like that kind."""

    def __init__(self, kinds: Mapping[str, FileKind]) -> None:
        self.kinds = dict(kinds)

    def __call__(self, value: File) -> None:
        extension = PurePath(value.name or "").suffix.lower()
        allowed = ", ".join(sorted({e.lstrip(".").upper() for e in self.kinds}))
        kind = self.kinds.get(extension)
        if kind is None:
            raise ValidationError(
                _("This type of file cannot be uploaded. Allowed: %(allowed)s."),
                code="file_type",
                params={"allowed": allowed},
            )
        head = _head(value)
        signatures = kind[1]
        if signatures:
            ok = any(head.startswith(signature) for signature in signatures)
        else:
            ok = b"\x00" not in head and _decodes(head)
        if not ok:
            raise ValidationError(
                _("The file's content does not match its type (%(type)s)."),
                code="file_content",
                params={"type": extension.lstrip(".").upper()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileTypeValidator) and other.kinds == self.kinds


def _head(value: File) -> bytes:
    position = value.tell() if hasattr(value, "tell") else None
    try:
        value.seek(0)
        head = value.read(SNIFF_BYTES)
    finally:
        if position is not None:
            value.seek(position)
    return head if isinstance(head, bytes) else str(head).encode()


def _decodes(head: bytes) -> bool:
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the sniffed block is fine.
            if error.start >= len(head) - 4:
                return True
            continue
        return True
    return False


def content_type_for(name: str) -> str:
    """The content type a stored file is served as (never guessed from its content)."""
    extension = PurePath(name).suffix.lower()
    kind = DELIVERY_TYPES.get(extension)
    return kind[0] if kind else "application/octet-stream"


@deconstructible
class private_upload_to:  # named like the function it stands for in model fields
    """`<folder>/<yyyy>/<mm>/<random>.<ext>`: the uploader's file name is never part of the
    path (it is kept, if needed, in a separate field)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        extension = PurePath(filename).suffix.lower()[:10]
        now = timezone.now()
        return f"{self.folder}/{now:%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, private_upload_to) and other.folder == self.folder


FileValidator = Callable[[File], None]


def upload_validators(*, max_bytes: int, kinds: Mapping[str, FileKind]) -> list[FileValidator]:
    return [FileSizeValidator(max_bytes), FileTypeValidator(kinds)]

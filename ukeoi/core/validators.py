"""Upload rules shared by every app that accepts files (deliveries, portfolio, identity
documents, exports): a size limit, a list of allowed types checked by extension *and* by the
file's first bytes, and a storage path that the uploader cannot choose.

    document = models.FileField(
        upload_to=private_upload_to("identity"),
        validators=[FileSizeValidator(10 * MB), FileTypeValidator(DOCUMENT_TYPES)],
    )

Serve such files only through `ukeoi.core.files.protected_file_response`.

A service stores what `accepted_upload` gives back: after the checks, an image is re-encoded
from its pixels (`pixels_only`), so bytes after the picture and metadata never reach
storage."""

import io
import uuid
from collections.abc import Callable, Mapping
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps

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


# Extension → the formats Pillow may read such a file as (MPO: a camera's JPEG with extra
# frames) and the one it is written back as.
IMAGE_FORMATS: dict[str, tuple[tuple[str, ...], str]] = {
    ".png": (("PNG",), "PNG"),
    ".jpg": (("JPEG", "MPO"), "JPEG"),
    ".jpeg": (("JPEG", "MPO"), "JPEG"),
    ".gif": (("GIF",), "GIF"),
}
# More than any phone camera's photo (48 MP), less than what would fill a worker's memory.
MAX_IMAGE_PIXELS = 64_000_000
# What a re-encoded image keeps besides its pixels: transparency, a GIF's timing and loop.
KEPT_IMAGE_INFO = ("transparency", "duration", "loop", "background", "disposal")


def pixels_only(upload: File) -> File:
    """Issue 14 item 4: an uploaded image (IMAGE_FORMATS) decoded and written again in its
    own format from its pixels alone. Nothing else of the file is kept: bytes after the
    image's end (a script after a valid PNG), EXIF (a photo's GPS position), comments, text
    chunks, colour profiles. A photo's EXIF orientation is applied first, so it stays
    upright. A JPEG keeps its quantisation tables (no visible loss); an animated GIF keeps
    its frames. Any other file (a PDF scan) is returned as it is.

    ValidationError (file_content) when the file does not decode as its type, file_too_large
    past MAX_IMAGE_PIXELS. Call it after the upload validators passed."""
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in IMAGE_FORMATS:
        return upload
    readable, written = IMAGE_FORMATS[extension]
    too_large = ValidationError(
        _("The image is too large: at most %(max)d megapixels."),
        code="file_too_large",
        params={"max": MAX_IMAGE_PIXELS // 1_000_000},
    )
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(readable)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_large
            image.load()
            content = _encode(image, written)
    except Image.DecompressionBombError as error:
        raise too_large from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("The file's content does not match its type (%(type)s)."),
            code="file_content",
            params={"type": extension.lstrip(".").upper()},
        ) from error
    finally:
        upload.seek(0)
    return ContentFile(content, name=upload.name)


def _encode(image: Image.Image, written: str) -> bytes:
    kept: dict[str | tuple[int, int], Any] = {
        key: image.info[key] for key in KEPT_IMAGE_INFO if key in image.info
    }
    upright = image
    if image.getexif().get(ExifTags.Base.Orientation, 1) != 1:
        upright = ImageOps.exif_transpose(image)
    upright.info = kept
    out = io.BytesIO()
    if written == "JPEG":
        # "keep" reuses the source's quantisation: a second encoding loses nothing visible.
        same_jpeg = upright is image and image.format == "JPEG"
        upright.save(out, format="JPEG", quality="keep" if same_jpeg else 90)
    elif written == "GIF":
        frames = getattr(image, "n_frames", 1)
        upright.save(out, format="GIF", save_all=frames > 1, comment=b"")
    else:
        upright.save(out, format=written)
    return out.getvalue()


def accepted_upload(upload: File, validators: list[FileValidator]) -> File:
    """The upload as a service stores it, or ValidationError with every problem: the
    validators' (size, type by extension and content), then, for an image, `pixels_only`."""
    problems: list[ValidationError] = []
    for validate in validators:
        try:
            validate(upload)
        except ValidationError as error:
            problems.extend(error.error_list)
    if problems:
        raise ValidationError(problems)
    return pixels_only(upload)

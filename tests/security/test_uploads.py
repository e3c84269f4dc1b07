"""Issue 9, security: uploaded files are size- and type-limited, stored under MEDIA_ROOT
outside the web root with names the uploader cannot choose, never served by a URL of their
own, and reach a browser only through `protected_file_response` when the caller allows it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import get_resolver

from ukeoi.core.files import protected_file_response
from ukeoi.core.validators import (
    DELIVERY_TYPES,
    DOCUMENT_TYPES,
    MB,
    FileSizeValidator,
    FileTypeValidator,
    private_upload_to,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def codes(validator, file) -> list[str]:
    try:
        validator(file)
    except ValidationError as error:
        return [e.code or "" for e in error.error_list]
    return []


@pytest.mark.parametrize(
    ("name", "content"),
    [("passport.png", PNG), ("license.PDF", PDF), ("card.pdf", PDF)],
)
def test_documents_of_an_allowed_type_pass(name: str, content: bytes):
    assert codes(FileTypeValidator(DOCUMENT_TYPES), upload(name, content)) == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "file_type"),
        ("image.svg", b"<svg onload=alert(1)>", "file_type"),
        ("program.exe", b"MZ\x90\x00", "file_type"),
        ("no-extension", PNG, "file_type"),
        ("fake.png", b"<html><script>alert(1)</script>", "file_content"),
        ("fake.pdf", PNG, "file_content"),
    ],
)
def test_other_types_and_disguised_files_are_refused(name: str, content: bytes, code: str):
    assert codes(FileTypeValidator(DOCUMENT_TYPES), upload(name, content)) == [code]


def test_text_deliveries_must_be_text():
    validator = FileTypeValidator(DELIVERY_TYPES)
    assert codes(validator, upload("notes.txt", "納品物です。\n".encode())) == []
    assert codes(validator, upload("notes.txt", "納品物です。\n".encode("cp932"))) == []
    assert codes(validator, upload("notes.txt", b"\x00\x01binary")) == ["file_content"]


def test_size_limit_and_empty_files():
    validator = FileSizeValidator(1 * MB)
    assert codes(validator, upload("a.png", PNG)) == []
    assert codes(validator, upload("a.png", b"\x00" * (MB + 1))) == ["file_too_large"]
    assert codes(validator, upload("a.png", b"")) == ["file_empty"]


def test_the_size_message_is_translated_and_names_the_limit():
    from django.utils import translation

    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="up to 10 MB"),
    ):
        FileSizeValidator(10 * MB)(upload("a.png", b"\x00" * (10 * MB + 1)))


def test_stored_names_are_random_and_keep_only_the_extension():
    upload_to = private_upload_to("identity")
    first = upload_to(None, "../../etc/passwd.PNG")
    second = upload_to(None, "../../etc/passwd.PNG")

    assert first != second
    assert re.fullmatch(r"identity/\d{4}/\d{2}/[0-9a-f]{32}\.png", first)


def test_media_root_is_outside_the_web_root_and_no_url_serves_it():
    media = Path(settings.MEDIA_ROOT).resolve()
    for web_root in [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]:
        assert not media.is_relative_to(web_root.resolve())
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    assert not any(p.startswith(("media", settings.MEDIA_URL.strip("/"))) for p in patterns)


@pytest.mark.django_db
def test_a_file_in_media_root_is_not_reachable_by_url(client: Client, settings, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "identity").mkdir()
    (tmp_path / "identity" / "secret.png").write_bytes(PNG)

    for url in ("/media/identity/secret.png", "/static/../var/media/identity/secret.png"):
        assert client.get(url).status_code == 404


@pytest.fixture
def stored(tmp_path: Path) -> FieldFile:
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("identity/2026/11/abc.png", ContentFile(PNG))
    return FieldFile(None, models.FileField(storage=storage), name)  # type: ignore[arg-type]


def test_an_allowed_request_gets_the_file_as_a_private_attachment(stored: FieldFile):
    request = RequestFactory().get("/file")

    response = protected_file_response(request, stored, allowed=True, download_name="本人確認.png")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG  # type: ignore[arg-type]
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_images_may_be_shown_inline_when_asked(stored: FieldFile):
    response = protected_file_response(RequestFactory().get("/"), stored, allowed=True, inline=True)
    assert response["Content-Disposition"].startswith("inline;")


def test_a_refused_or_missing_file_is_a_404(stored: FieldFile, tmp_path: Path):
    request = RequestFactory().get("/file")
    with pytest.raises(Http404):
        protected_file_response(request, stored, allowed=False)
    with pytest.raises(Http404):
        protected_file_response(request, None, allowed=True)
    (tmp_path / str(stored.name)).unlink()
    with pytest.raises(Http404):
        protected_file_response(request, stored, allowed=True)

"""Issue 14 item 4: an uploaded image (a portfolio image, an identity document's photo) is
stored as its pixels alone. A valid PNG followed by a script was stored as sent; now the
image is decoded and written again in its own format (ukeoi.core.validators.pixels_only),
so the trailing bytes, EXIF (a photo's GPS position), comments and text chunks are gone.
The checks before it stay: size, type by extension and by content (issue 9 uploads)."""

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image, PngImagePlugin

from tests.factories import PNG_BYTES, UserFactory, jpeg_bytes, png_bytes
from ukeoi.accounts import services
from ukeoi.accounts.models import IdentityVerification, PortfolioItem
from ukeoi.core.errors import InvalidInput
from ukeoi.core.validators import MAX_IMAGE_PIXELS

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.cookie)</script>"
PASSPORT: dict[str, Any] = {
    "document_type": "passport",
    "document_number": "TK1234567",
    "birth_date": date(1990, 1, 1),
}


def stored(field: Any) -> bytes:
    with field.open("rb") as file:
        data: bytes = file.read()
    return data


def portfolio_upload(name: str, content: bytes) -> PortfolioItem:
    return services.portfolio_item_add(
        actor=UserFactory.create(),
        title="ロゴ制作",
        image=SimpleUploadedFile(name, content, content_type="image/png"),
    )


def test_a_png_followed_by_a_script_is_stored_without_the_script(client: Client) -> None:
    """Through the profile form, as a user uploads it."""
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "action": "portfolio",
            "portfolio-title": "ロゴ制作",
            "portfolio-image": SimpleUploadedFile("logo.png", PNG_BYTES + SCRIPT, "image/png"),
        },
    )

    assert response.status_code == 302
    kept = stored(PortfolioItem.objects.get(user=user).image)
    assert SCRIPT not in kept
    assert kept == PNG_BYTES
    assert kept.endswith(b"IEND\xaeB`\x82")  # the file ends where the image ends


def test_an_identity_document_photo_is_stored_without_trailing_bytes() -> None:
    upload = SimpleUploadedFile("passport.jpg", jpeg_bytes() + SCRIPT, "image/jpeg")

    request = services.identity_verification_request(
        actor=UserFactory.create(), **PASSPORT, document=upload
    )

    kept = stored(request.document)
    assert SCRIPT not in kept
    assert kept.endswith(b"\xff\xd9")  # JPEG's end-of-image marker, and nothing after it
    assert Image.open(io.BytesIO(kept)).format == "JPEG"


def test_a_photo_loses_its_metadata_and_stays_upright() -> None:
    """A phone photo: EXIF with the place it was taken and a sideways orientation, and a
    comment. The stored JPEG has none of it, turned as the orientation said."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (35.0, 39.0, 29.0)}  # GPSInfo: a latitude
    photo = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(
        photo, format="JPEG", exif=exif.tobytes(), comment=b"taken at home"
    )

    request = services.identity_verification_request(
        actor=UserFactory.create(),
        **PASSPORT,
        document=SimpleUploadedFile("card.jpeg", photo.getvalue(), "image/jpeg"),
    )

    kept = stored(request.document)
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert image.size == (20, 40)
    assert not image.getexif()
    assert b"PhoneMaker" not in kept
    assert b"taken at home" not in kept


def test_png_text_chunks_are_dropped_and_the_pixels_kept() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    source = io.BytesIO()
    original = Image.new("RGBA", (3, 2), (10, 20, 30, 128))
    original.save(source, format="PNG", pnginfo=info)

    kept = stored(portfolio_upload("logo.png", source.getvalue()).image)

    assert b"<script>" not in kept
    image = Image.open(io.BytesIO(kept))
    assert image.format == "PNG"
    assert image.tobytes() == original.tobytes()


def test_an_animated_gif_keeps_its_frames_but_not_its_tail() -> None:
    frames = [Image.new("RGB", (4, 4), c) for c in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]]
    source = io.BytesIO()
    frames[0].save(
        source, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0
    )

    kept = stored(portfolio_upload("anime.gif", source.getvalue() + SCRIPT).image)

    assert SCRIPT not in kept
    image = Image.open(io.BytesIO(kept))
    assert image.format == "GIF"
    assert getattr(image, "n_frames", 1) == 3


@pytest.mark.parametrize(
    "content",
    [b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, png_bytes()[:40], jpeg_bytes()],
    ids=["header-only", "cut-short", "a-jpeg-named-png"],
)
def test_a_file_that_starts_like_a_png_but_is_none_is_refused(content: bytes) -> None:
    with pytest.raises(InvalidInput) as refused:
        portfolio_upload("logo.png", content)

    assert refused.value.fields["image"] == ["ファイルの内容が形式（PNG）と一致しません。"]
    assert not PortfolioItem.objects.exists()


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded() -> None:
    """A few kilobytes can describe a picture that fills the memory when decoded."""
    side = int(MAX_IMAGE_PIXELS**0.5) + 1
    bomb = io.BytesIO()
    Image.new("1", (side, side)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 5 * 1024 * 1024

    with pytest.raises(InvalidInput) as refused:
        portfolio_upload("huge.png", bomb.getvalue())

    assert "メガピクセル" in str(refused.value.fields["image"][0])
    assert not PortfolioItem.objects.exists()


def test_a_pdf_scan_is_stored_as_sent() -> None:
    """Pillow does not rewrite PDFs; the type check by content still applies to them."""
    pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64

    request = services.identity_verification_request(
        actor=UserFactory.create(),
        **PASSPORT,
        document=SimpleUploadedFile("scan.pdf", pdf, "application/pdf"),
    )

    assert stored(request.document) == pdf
    assert IdentityVerification.objects.count() == 1

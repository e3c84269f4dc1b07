"""P2–P4 in the browser: the export button on the account settings page, and the signed
erasure link a withdrawn user follows (request, then cancel). Screenshots of every step go
to tests/e2e/screens/."""

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, sign_in, submit
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.privacy.support import withdraw
from ukeoi.privacy import links
from ukeoi.privacy.enums import ErasureStatus, ExportStatus
from ukeoi.privacy.models import DataExport, ErasureRequest

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


def test_export_button_prepares_a_download(page: Page, url: Url) -> None:
    """P3: one button; the archive is built in the background; the link downloads a ZIP."""
    user = UserFactory.create(email="export@example.jp", display_name="書き出し 花子")
    sign_in(page, url, email="export@example.jp", password=DEFAULT_PASSWORD)
    page.goto(url("accounts:settings"))
    section = page.locator("#data-export")
    section.scroll_into_view_if_needed()
    shot(page, "privacy_01_settings_export_button")

    submit(section.locator("form"))

    expect(page.locator(".messages")).to_be_visible()
    export = DataExport.objects.get(user=user)
    assert export.status == ExportStatus.READY
    link = page.locator("#latest-export a")
    expect(link).to_have_attribute("href", reverse("privacy:export_download", args=[export.pk]))
    shot(page, "privacy_02_settings_export_ready")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".zip")


def test_withdrawn_user_requests_then_cancels_erasure_from_the_link(page: Page, url: Url) -> None:
    """P2, P4: the signed link from the withdrawal mail, signed out."""
    user = UserFactory.create(display_name="退会 太郎")
    withdraw(user)
    link = url("privacy:erasure_confirm", links.erasure_token(user))

    page.goto(link)
    shot(page, "privacy_03_erasure_offer")
    submit(page.locator("main form"))

    expect(page.locator("#erasure .notice")).to_be_visible()
    assert ErasureRequest.objects.get(user=user).status == ErasureStatus.REQUESTED
    shot(page, "privacy_04_erasure_scheduled")
    submit(page.locator("main form"))

    expect(page.locator("#erasure form input[value=request]")).to_have_count(1)
    assert ErasureRequest.objects.get(user=user).status == ErasureStatus.CANCELLED
    shot(page, "privacy_05_erasure_cancelled")


def test_forged_erasure_link_shows_a_message(page: Page, url: Url) -> None:
    """Bad input: a forged link → 400 page with a message."""
    response = page.goto(url("privacy:erasure_confirm", "forged-token"))

    assert response is not None
    assert response.status == 400
    expect(page.locator("main .refused [role=alert]")).to_be_visible()
    expect(page.locator("main .refused a[href='/help/contact/']")).to_be_visible()
    shot(page, "privacy_06_erasure_link_invalid")

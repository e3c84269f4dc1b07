"""Identity verification end to end (A4, A6; issue 9, uploads): a user uploads a photo of
the document with its number and birth date; an operator opens it in the admin, types a
wrong number (refused, nothing changes), then what the document says (approved); the
image is gone afterwards and the badge shows. Screenshots: tests/e2e/screens/identity_*.png."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import admin_sign_in, card_png, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, OperatorFactory, UserFactory
from ukeoi.accounts.enums import VerificationStatus
from ukeoi.accounts.models import IdentityVerification

# An image's width once it has loaded (it may be visible before its bytes arrive).
LOADED_WIDTH = (
    "img => img.complete ? img.naturalWidth : new Promise("
    "done => img.addEventListener('load', () => done(img.naturalWidth)))"
)

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


def test_user_uploads_and_operator_checks_the_document(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], url: Url
) -> None:
    UserFactory.create(email="ken@example.jp", display_name="佐藤 健")
    sign_in(page, url, email="ken@example.jp", password=DEFAULT_PASSWORD)
    page.goto(url("accounts:verification"))
    form = page.locator("main form")
    form.locator("select[name=document_type]").select_option("drivers_license")
    form.locator("input[name=document_number]").fill("3012 3456 7890")
    form.locator("input[name=birth_date]").fill("1988-07-14")
    form.locator("input[name=document]").set_input_files(
        {"name": "license.png", "mimeType": "image/png", "buffer": card_png()}
    )
    shot(page, "identity_01_upload")
    submit(form)
    expect(page.locator("main .notice")).to_be_visible()
    request = IdentityVerification.objects.get()
    stored = request.document.name
    assert default_storage.exists(stored)

    OperatorFactory.create(email="ops@example.jp")
    context = browser.new_context(**browser_context_args)
    operator = context.new_page()
    try:
        admin_sign_in(operator, url, email="ops@example.jp", password=DEFAULT_PASSWORD)
        operator.goto(url("admin:accounts_identityverification_changelist"))
        with operator.expect_navigation():
            operator.locator("#result_list a", has_text=tr("ja", "Check and decide")).click()
        image = operator.locator("#content-main img")
        expect(image).to_be_visible()
        assert image.evaluate(LOADED_WIDTH) == 480  # the image really loads
        shot(operator, "identity_02_operator_checks")

        decide = operator.locator("#content-main form")
        decide.locator("input[name=document_number]").fill("3012 3456 7891")
        decide.locator("input[name=birth_date]").fill("1988-07-14")
        with operator.expect_navigation():
            decide.locator("input[name=approve]").click()
        expect(operator.locator(".errorlist")).to_be_visible()
        shot(operator, "identity_03_mismatch")
        request.refresh_from_db()
        assert request.status == VerificationStatus.PENDING

        decide = operator.locator("#content-main form")
        decide.locator("input[name=document_number]").fill("301234567890")
        decide.locator("input[name=birth_date]").fill("1988-07-14")
        with operator.expect_navigation():
            decide.locator("input[name=approve]").click()
        expect(operator.locator(".messagelist")).to_contain_text(
            tr("ja", "The request is approved.")
        )
        shot(operator, "identity_04_approved")
    finally:
        context.close()

    request.refresh_from_db()
    assert request.status == VerificationStatus.APPROVED
    assert not default_storage.exists(stored)
    page.goto(url("accounts:verification"))
    expect(page.locator("main .badge.verified")).to_be_visible()


def test_portfolio_image_shows_on_the_public_profile(
    page: Page, browser: Browser, browser_context_args: dict[str, Any], url: Url
) -> None:
    """Issue 9 (uploads): a portfolio image uploaded on the profile page is shown to a
    visitor of the public profile (served by the permission-checked view)."""
    user = UserFactory.create(email="mika@example.jp", display_name="高橋 美香")
    sign_in(page, url, email="mika@example.jp", password=DEFAULT_PASSWORD)
    page.goto(url("accounts:profile_edit"))
    form = page.locator("main form:has(input[value=portfolio])")
    form.locator("input[name=portfolio-title]").fill("カフェのロゴ")
    form.locator("input[name=portfolio-image]").set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": card_png(320, 200)}
    )
    submit(form)
    expect(page.locator("main .portfolio-image")).to_be_visible()

    context = browser.new_context(**browser_context_args)
    try:
        visitor = context.new_page()
        visitor.goto(url("public_profile", user.pk))
        image = visitor.locator("main .portfolio-image")
        expect(image).to_be_visible()
        assert image.evaluate(LOADED_WIDTH) == 320
        shot(visitor, "portfolio_01_public_profile")
    finally:
        context.close()

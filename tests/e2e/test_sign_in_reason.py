"""Issue 14 item 8 in the browser: opening the withdrawal page signed out lands on the
sign-in page, which says why (「退会手続きのページを開くにはログインしてください。」); signing
in opens the withdrawal page. Desktop and phone (390 × 844)."""

from collections.abc import Callable

from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import shot, submit
from tests.factories import DEFAULT_PASSWORD, UserFactory

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
WHY_JA = "退会手続きのページを開くにはログインしてください。"


def test_the_withdrawal_page_signed_out_says_why_sign_in_is_needed(
    page: Page, url: Callable[..., str]
) -> None:
    UserFactory.create(email="taro@example.jp")
    for viewport, kind in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto(url("withdrawal:index"))
        expect(page).to_have_url(url("accounts:login") + "?next=/withdrawal/")
        expect(page.locator("main .notice")).to_have_text(WHY_JA)
        shot(page, f"sign_in_reason_withdrawal_{kind}")

    form = page.locator("main form")
    form.locator("input[name=username]").fill("taro@example.jp")
    form.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    submit(form)
    expect(page).to_have_url(url("withdrawal:index"))


def test_a_page_without_its_own_reason_says_the_generic_one_in_english(
    page: Page, url: Callable[..., str]
) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": url("home")}])
    page.set_viewport_size(PHONE)
    page.goto(url("home") + "jobs/units/1/approve/")
    expect(page.locator("main .notice")).to_have_text("Sign in to open this page.")
    shot(page, "sign_in_reason_generic_en_phone")

"""Account settings (ログイン情報変更), API tokens, identity verification and the small-screen
layout, as a signed-in user sees them. Screenshots of every step go to tests/e2e/screens/."""

from collections.abc import Callable
from datetime import date

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import open_account_menu, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, PNG_BYTES, UserFactory
from ukeoi.accounts import services
from ukeoi.accounts.enums import VerificationStatus
from ukeoi.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


@pytest.fixture
def user(page: Page, url: Url) -> User:
    """A signed-in user; the page is left on the home page."""
    user = UserFactory.create(
        email="yui@example.jp", username="yui_backend", display_name="中村 結衣"
    )
    sign_in(page, url, email="yui@example.jp", password=DEFAULT_PASSWORD)
    expect(page.locator(".site-header .who")).to_have_text("中村 結衣")
    return user


def action_form(page: Page, action: str) -> Locator:
    """One of the several forms on a page, told apart by their hidden ``action`` input."""
    return page.locator(f"main form:has(input[name=action][value={action}])")


def api_me_status(token: str) -> int:
    """GET /api/me with a bearer token and no session (the browser's cookies would sign in)."""
    return Client().get("/api/me", headers={"authorization": f"Bearer {token}"}).status_code


def test_api_token_is_shown_once_works_and_can_be_revoked(page: Page, url: Url, user: User) -> None:
    open_account_menu(page).locator(f"a[href='{reverse('accounts:settings')}']").click()
    expect(page).to_have_url(url("accounts:settings"))
    expect(page.locator("main")).to_contain_text("yui@example.jp")
    expect(page.locator("main")).to_contain_text("yui_backend")
    shot(page, "settings_01_account_settings")

    form = action_form(page, "token")
    form.locator("input[name=token-name]").fill("請求書スクリプト")
    submit(form)
    token = page.locator("#new-token").inner_text().strip()
    assert token.startswith("uk_")
    expect(page.locator("main .tokens")).to_contain_text("請求書スクリプト")
    shot(page, "settings_02_token_created")
    assert api_me_status(token) == 200

    page.goto(url("accounts:settings"))
    expect(page.locator("#new-token")).to_have_count(0)
    assert token not in page.content()

    submit(page.locator("main .tokens form"))
    expect(page.locator("main .tokens")).not_to_contain_text("請求書スクリプト")
    shot(page, "settings_03_token_revoked")
    assert user.api_tokens.get().revoked_at is not None
    assert api_me_status(token) == 401


def test_change_email_needs_the_current_password(
    page: Page, url: Url, user: User, mailoutbox: list[EmailMessage]
) -> None:
    page.goto(url("accounts:settings"))
    form = action_form(page, "email")
    form.locator("input[name=email-new_email]").fill("yui.new@example.jp")
    form.locator("input[name=email-password]").fill("not my password")
    response = submit(form)

    assert response.status == 400
    password_field = page.locator(".field", has=page.locator("input[name=email-password]"))
    expect(password_field.locator(".error")).to_be_visible()
    expect(form.locator("input[name=email-new_email]")).to_have_value("yui.new@example.jp")
    shot(page, "settings_04_email_wrong_password")
    user.refresh_from_db()
    assert user.email == "yui@example.jp"
    assert mailoutbox == []

    form = action_form(page, "email")
    form.locator("input[name=email-password]").fill(DEFAULT_PASSWORD)
    submit(form)
    expect(page).to_have_url(url("accounts:settings"))
    expect(page.locator(".messages")).to_contain_text(
        tr("ja", "Your e-mail address has been changed.")
    )
    expect(page.locator("main .facts")).to_contain_text("yui.new@example.jp")
    shot(page, "settings_05_email_changed")
    user.refresh_from_db()
    assert user.email == "yui.new@example.jp"
    assert sorted(to for mail in mailoutbox for to in mail.to) == [
        "yui.new@example.jp",
        "yui@example.jp",
    ]


def test_change_password_then_sign_in_with_it(page: Page, url: Url, user: User) -> None:
    page.goto(url("accounts:settings"))
    page.locator(f"main a[href='{reverse('accounts:password_change')}']").click()
    form = page.locator("main form")
    form.locator("input[name=old_password]").fill(DEFAULT_PASSWORD)
    form.locator("input[name=new_password1]").fill("hanabi-natsu-matsuri-8")
    form.locator("input[name=new_password2]").fill("hanabi-natsu-matsuri-8")
    shot(page, "password_01_change_form")
    submit(form)

    expect(page).to_have_url(url("accounts:password_change_done"))
    expect(page.locator(".site-header .who")).to_have_text("中村 結衣")
    shot(page, "password_02_changed")
    user.refresh_from_db()
    assert user.check_password("hanabi-natsu-matsuri-8")

    submit(open_account_menu(page).locator("form[action$='/logout/']"))
    sign_in(page, url, email="yui@example.jp", password="hanabi-natsu-matsuri-8")
    expect(page.locator(".site-header .who")).to_have_text("中村 結衣")


def test_identity_verification_request_then_badge_once_approved(
    page: Page, browser: Browser, url: Url, user: User
) -> None:
    page.goto(url("accounts:profile_edit"))
    page.locator(f"main a[href='{reverse('accounts:verification')}']").click()
    expect(page).to_have_url(url("accounts:verification"))
    shot(page, "verify_01_request_form")
    form = page.locator("main form")
    form.locator("select[name=document_type]").select_option("my_number_card")
    form.locator("input[name=document_number]").fill("1234 5678 9012")
    form.locator("input[name=birth_date]").fill("1990-04-01")
    form.locator("input[name=document]").set_input_files(
        {"name": "card.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    submit(form)

    expect(page.locator("main .notice")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    shot(page, "verify_02_pending")
    request = user.identity_verifications.get()
    assert request.status == VerificationStatus.PENDING

    operator = UserFactory.create(is_staff=True)
    services.identity_verification_decide(
        actor=operator,
        verification_id=request.pk,
        approve=True,
        document_number="1234 5678 9012",
        birth_date=date(1990, 4, 1),
    )

    visitor = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        public = visitor.new_page()
        public.goto(url("public_profile", user.pk))
        expect(public.locator("main h1 .badge.verified")).to_be_visible()
        shot(public, "verify_03_public_profile_badge")
    finally:
        visitor.close()


def test_profile_page_fits_a_phone_screen(browser: Browser, url: Url) -> None:
    UserFactory.create(
        email="phone@example.jp", display_name="スマートフォン利用者の長い表示名テスト"
    )
    phone = browser.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        page = phone.new_page()
        sign_in(page, url, email="phone@example.jp", password=DEFAULT_PASSWORD)
        shot(page, "phone_01_home_signed_in", full_page=False)
        for name in ("accounts:profile_edit", "accounts:settings"):
            page.goto(url(name))
            shot(page, f"phone_02_{name.split(':')[1]}")
            shot(page, f"phone_03_{name.split(':')[1]}_first_screen", full_page=False)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px on a phone"
    finally:
        phone.close()

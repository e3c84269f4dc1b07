"""The account flows a real visitor goes through, in the Japanese UI (A1–A3, A7, i18n).

Each step saves a screenshot under tests/e2e/screens/. Fields and buttons are found by
their form names, so the tests hold whatever the catalogue's wording; the few text
assertions read the expected wording from the catalogue itself (``tr``)."""

import re
from collections.abc import Callable

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.e2e.conftest import JAPANESE, open_account_menu, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.models import User
from ukeoi.accounts.validators import username_validator

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


def header_name(page: Page) -> str:
    return page.locator(".site-header .who").inner_text()


def test_register_sign_out_and_sign_in_with_email(page: Page, url: Url) -> None:
    page.goto(url("home"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    shot(page, "register_01_home")

    page.locator(".site-header").get_by_role("link", name=tr("ja", "Register")).click()
    expect(page).to_have_url(url("accounts:register"))
    form = page.locator("main form")
    form.locator("input[name=email]").fill("Hanako.Sato@example.jp")
    form.locator("input[name=username]").fill("hanako_s")
    form.locator("input[name=display_name]").fill("佐藤 花子")
    form.locator("input[name=password1]").fill("sakura-fubuki-2026")
    form.locator("input[name=password2]").fill("sakura-fubuki-2026")
    form.locator("input[name=agree_terms]").check()
    shot(page, "register_02_form_filled")
    submit(form)

    expect(page).to_have_url(url("accounts:profile_edit"))
    expect(page.locator(".site-header .who")).to_have_text("佐藤 花子")
    expect(page.locator(".messages")).to_contain_text(
        tr("ja", "Welcome to ukeoi! Your account is ready.")
    )
    shot(page, "register_03_signed_in_profile")
    user = User.objects.get(username="hanako_s")
    assert user.display_name == "佐藤 花子"
    assert user.email.lower() == "hanako.sato@example.jp"
    assert user.language == "ja"

    submit(open_account_menu(page).locator("form[action$='/logout/']"))
    expect(page).to_have_url(url("home"))
    expect(page.locator(".site-header .who")).to_have_count(0)
    expect(page.locator(f".site-header a[href='{reverse('accounts:login')}']")).to_be_visible()
    shot(page, "register_04_signed_out")

    sign_in(page, url, email="hanako.sato@example.jp", password="sakura-fubuki-2026")
    expect(page).to_have_url(url("home"))
    expect(page.locator(".site-header .who")).to_have_text("佐藤 花子")
    shot(page, "register_05_signed_in_again")


def test_register_with_invalid_username_shows_error_next_to_field(page: Page, url: Url) -> None:
    page.goto(url("accounts:register"))
    form = page.locator("main form")
    form.locator("input[name=email]").fill("taro@example.jp")
    form.locator("input[name=username]").fill("Taro Yamada!")
    form.locator("input[name=display_name]").fill("山田 太郎")
    form.locator("input[name=password1]").fill("sakura-fubuki-2026")
    form.locator("input[name=password2]").fill("sakura-fubuki-2026")
    form.locator("input[name=agree_terms]").check()
    response = submit(form)

    assert response.status == 400
    expect(page).to_have_url(url("accounts:register"))
    username_field = page.locator(".field", has=page.locator("input[name=username]"))
    expect(username_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(username_field.locator(".error")).to_be_visible()
    with translation.override("ja"):
        expected_error = str(username_validator.message)
    expect(username_field.locator(".error")).to_have_text(expected_error)
    # Only the username is wrong: the other fields carry no error and keep their input.
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(form.locator("input[name=email]")).to_have_value("taro@example.jp")
    expect(form.locator("input[name=display_name]")).to_have_value("山田 太郎")
    shot(page, "register_06_invalid_username")
    assert not User.objects.exists()


def test_forgotten_password_reset_by_mail(
    page: Page, url: Url, live_server: LiveServer, mailoutbox: list[EmailMessage]
) -> None:
    user = UserFactory.create(email="kenji@example.jp", display_name="鈴木 健二")
    new_password = "momiji-gari-autumn-77"

    page.goto(url("accounts:login"))
    shot(page, "reset_01_sign_in_page")
    page.locator(f"main a[href='{reverse('accounts:password_reset')}']").click()
    expect(page).to_have_url(url("accounts:password_reset"))
    form = page.locator("main form")
    form.locator("input[name=email]").fill("kenji@example.jp")
    shot(page, "reset_02_request_form")
    submit(form)

    expect(page).to_have_url(url("accounts:password_reset_done"))
    expect(page.locator("main h1")).to_have_text(tr("ja", "Check your mail"))
    shot(page, "reset_03_check_your_mail")

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kenji@example.jp"]
    # The visitor used the Japanese site, so the mail is in Japanese too.
    assert mail.subject == tr("ja", "[ukeoi] Reset your password")
    body = str(mail.body)
    assert "鈴木 健二" in body
    links = re.findall(re.escape(live_server.url) + r"/accounts/password/reset/\S+/", body)
    assert len(links) == 1, body
    reset_link = links[0]

    page.goto(reset_link)
    expect(page.locator("input[name=new_password1]")).to_be_visible()
    form = page.locator("main form")
    form.locator("input[name=new_password1]").fill(new_password)
    form.locator("input[name=new_password2]").fill(new_password)
    shot(page, "reset_04_new_password_form")
    submit(form)

    expect(page).to_have_url(url("accounts:password_reset_complete"))
    shot(page, "reset_05_password_set")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(DEFAULT_PASSWORD)

    response = sign_in(page, url, email="kenji@example.jp", password=DEFAULT_PASSWORD)
    assert response.status == 400
    expect(page).to_have_url(url("accounts:login"))
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.locator(".site-header .who")).to_have_count(0)
    shot(page, "reset_06_old_password_refused")

    sign_in(page, url, email="kenji@example.jp", password=new_password)
    expect(page).to_have_url(url("home"))
    expect(page.locator(".site-header .who")).to_have_text("鈴木 健二")
    shot(page, "reset_07_signed_in_with_new_password")

    reopened = page.goto(reset_link)
    assert reopened is not None
    assert reopened.status == 400
    expect(page.locator("main h1")).to_have_text(tr("ja", "This link cannot be used"))
    expect(page.locator("input[name=new_password1]")).to_have_count(0)
    shot(page, "reset_08_link_used_again")


def test_change_display_name_shows_everywhere_but_never_the_username(
    page: Page, browser: Browser, url: Url
) -> None:
    user = UserFactory.create(
        email="mika@example.jp", username="mika_private", display_name="高橋 美香"
    )
    sign_in(page, url, email="mika@example.jp", password=DEFAULT_PASSWORD)
    page.goto(url("accounts:profile_edit"))
    expect(page.locator(".site-header .who")).to_have_text("高橋 美香")
    shot(page, "name_01_profile_page")

    form = page.locator("main form:has(input[name=action][value=display_name])")
    form.locator("input[name=name-display_name]").fill("たかはし みか（デザイナー）")
    submit(form)

    expect(page).to_have_url(url("accounts:profile_edit"))
    expect(page.locator(".messages")).to_contain_text(
        tr("ja", "Your display name has been changed.")
    )
    expect(page.locator(".site-header .who")).to_have_text("たかはし みか（デザイナー）")
    expect(form.locator("input[name=name-display_name]")).to_have_value(
        "たかはし みか（デザイナー）"
    )
    shot(page, "name_02_changed")
    user.refresh_from_db()
    assert user.display_name == "たかはし みか（デザイナー）"
    assert user.username == "mika_private"

    page.locator(f"main a[href='{reverse('public_profile', args=[user.pk])}']").click()
    expect(page.locator("main h1")).to_contain_text("たかはし みか（デザイナー）")
    shot(page, "name_03_public_profile_as_self")

    anonymous = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    try:
        visitor = anonymous.new_page()
        visitor.goto(url("public_profile", user.pk))
        expect(visitor.locator("main h1")).to_contain_text("たかはし みか（デザイナー）")
        expect(visitor.locator(".site-header .who")).to_have_count(0)
        assert "mika_private" not in visitor.content()
        assert "mika_private" not in visitor.title()
        shot(visitor, "name_04_public_profile_anonymous")
    finally:
        anonymous.close()


def test_footer_language_switcher_changes_to_english_and_back(page: Page, url: Url) -> None:
    page.goto(url("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    japanese_heading = tr("ja", "Sign in")
    expect(page.locator("main h1")).to_have_text(japanese_heading)
    shot(page, "language_01_japanese")

    switcher = page.locator(".site-footer select[name=language]")
    with page.expect_navigation():
        switcher.select_option("en")
    expect(page).to_have_url(url("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("main h1")).to_have_text("Sign in")
    expect(switcher).to_have_value("en")
    shot(page, "language_02_english")

    with page.expect_navigation():
        switcher.select_option("ja")
    expect(page).to_have_url(url("accounts:login"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("main h1")).to_have_text(japanese_heading)
    shot(page, "language_03_back_to_japanese")
    # Last, so that a missing catalogue does not hide whether the switcher itself works.
    assert JAPANESE.search(japanese_heading), "the Japanese UI shows English: no ja catalogue?"

"""L4 in the browser, in the Japanese UI: the legal pages from the footer, registration
with the consent box (refused without it), and the consent page after a new version of the
terms takes effect, with the ways to leave still open. Screenshots of each step go to
tests/e2e/screens/legal_*.png."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, submit, tr
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import Consent, DocumentVersion
from ukeoi.legal.samples import samples_load

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]
PASSWORD = "momiji-gari-2026-aki"


def fill_registration(page: Page, url: Url) -> None:
    page.goto(url("accounts:register"))
    form = page.locator("main form")
    form.locator("input[name=email]").fill("kaede@example.jp")
    form.locator("input[name=username]").fill("kaede_k")
    form.locator("input[name=display_name]").fill("木下 楓")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)


def test_legal_pages_registration_consent_and_reconsent(page: Page, url: Url) -> None:
    samples_load()

    # The footer links the three pages; the terms read as a document, marked as a sample.
    page.goto(url("home"))
    footer = page.locator(".site-footer")
    for label in ("Terms of use", "Privacy policy", "Specified Commercial Transactions Act notice"):
        expect(footer.get_by_role("link", name=tr("ja", label))).to_be_visible()
    footer.get_by_role("link", name=tr("ja", "Terms of use")).click()
    expect(page.locator("h1")).to_have_text("利用規約（サンプル）")
    expect(page.locator(".legal-meta")).to_contain_text("第1版")
    shot(page, "legal_01_terms")
    page.goto(url("legal:document", "tokushoho"))
    expect(page.locator(".legal-fees")).to_contain_text("16.5 %")
    shot(page, "legal_02_tokushoho")

    # Registering without ticking the box is refused next to the box; nothing is created.
    fill_registration(page, url)
    shot(page, "legal_03_register_form")
    response = submit(page.locator("main form"))
    assert response.status == 400
    expect(page.locator(".legal-agree .error")).to_have_text(
        tr(
            "ja",
            "Please read the terms of use and the privacy policy and agree to them to register.",
        )
    )
    shot(page, "legal_04_register_refused")
    assert not User.objects.filter(email="kaede@example.jp").exists()

    # With the box ticked the account is made and the consents are kept.
    fill_registration(page, url)
    page.locator("input[name=agree_terms]").check()
    submit(page.locator("main form"))
    expect(page).to_have_url(url("accounts:profile_edit"))
    user = User.objects.get(email="kaede@example.jp")
    assert Consent.objects.filter(user=user).count() == 2

    # A new version of the terms takes effect: the next page is the consent page.
    terms = DocumentVersion.objects.get(kind=DocumentKind.TERMS, number=1)
    DocumentVersion.objects.create(
        kind=DocumentKind.TERMS,
        number=2,
        title_ja="利用規約（サンプル・第2版）",
        title_en="Terms of use (sample, version 2)",
        body_ja=terms.body_ja.replace(
            "## 第10条", "## 第9条の2（検収期間）\n検収期間は納品から14日間とします。\n\n## 第10条"
        ),
        body_en=terms.body_en,
        changes_ja=(
            "- 第9条の2を新設し、検収期間（納品から14日間）を明記しました。\n"
            "- 第5条の出金スケジュールの表現を改めました（内容に変更はありません）。"
        ),
        changes_en="- New article 9-2: the inspection period (14 days from delivery).",
        effective_from=clock.now() - timedelta(seconds=1),
    )
    page.goto(url("contracts:list"))
    expect(page).to_have_url(url("legal:consent") + "?next=%2Fcontracts%2F")
    expect(page.locator("h1")).to_have_text(tr("ja", "Please agree to the updated terms"))
    expect(page.locator(".legal-change")).to_contain_text("検収期間（納品から14日間）")
    shot(page, "legal_05_consent_page")

    # Leaving stays possible: the withdrawal page opens without agreeing.
    page.locator(".legal-leave").get_by_role("link", name=tr("ja", "Withdraw (退会)")).click()
    expect(page).to_have_url(url("withdrawal:index"))
    page.go_back()

    # Agreeing goes on to the page that was asked for.
    page.locator("input[name=agree]").check()
    page.get_by_role("button", name=tr("ja", "Agree and continue")).click()
    expect(page).to_have_url(url("contracts:list"))
    shot(page, "legal_06_after_consent")
    assert Consent.objects.filter(user=user, version__number=2).exists()

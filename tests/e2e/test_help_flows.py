"""The help centre as visitors use it (H1–H4): a signed-out visitor finds the withdrawal
article, asks the consultation room once signed in, another user answers, the asker
chooses the best answer; a user writes to the operators and reads the reply an operator
sent from the admin.

Each step saves a screenshot under tests/e2e/screens/help_*.png. Wording is read from the
catalogue (``tr``) so the assertions follow the translations."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import admin_sign_in, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, OperatorFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.helpdesk.enums import InquiryStatus
from ukeoi.helpdesk.models import Answer, Inquiry, Question

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


@pytest.fixture(autouse=True)
def _help_centre(help_centre: None) -> None:
    """Every test here reads the seeded FAQ."""


@pytest.fixture
def hanako() -> User:
    return UserFactory.create(email="hanako@example.jp", display_name="佐藤 花子")


def new_page(browser: Browser, browser_context_args: dict[str, Any]) -> Page:
    return browser.new_context(**browser_context_args).new_page()


def test_visitor_finds_the_withdrawal_article_then_asks_and_marks_the_best_answer(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    url: Url,
    hanako: User,
) -> None:
    """H1, H2, H4."""
    page.goto(url("home"))
    page.locator(".site-header").get_by_role("link", name=tr("ja", "Help")).click()
    expect(page).to_have_url(url("helpdesk:index"))
    expect(page.locator("main h1")).to_contain_text(tr("ja", "Help centre"))
    shot(page, "help_01_front_page")

    search = page.locator("main form.help-search").first
    search.locator("input[name=q]").fill("退会")
    submit(search)
    expect(page).to_have_url(re.compile(r"/help/search/\?q="))
    results = page.locator(".search-results .article-list a")
    expect(results.first).to_have_text("退会の方法と手順")
    shot(page, "help_02_search_results")

    results.first.click()
    expect(page.locator("main h1")).to_have_text("退会の方法と手順")
    expect(page.locator(".faq-body")).to_contain_text("退会を希望される方は こちら")
    settings_link = page.locator(".faq-body").get_by_role("link", name="ログイン情報変更")
    expect(settings_link).to_have_attribute("href", reverse("accounts:settings"))
    shot(page, "help_03_article")

    with page.expect_navigation():
        page.locator("#feedback button[value=yes]").click()
    expect(page.locator(".messages")).to_contain_text(tr("ja", "Thank you for your feedback."))
    expect(page.locator("#feedback button[value=yes]")).to_have_attribute("aria-pressed", "true")
    shot(page, "help_04_article_voted", full_page=False)

    page.locator(".help-next").get_by_role(
        "link", name=tr("ja", "Go to the consultation room")
    ).click()
    expect(page).to_have_url(url("helpdesk:room"))
    shot(page, "help_05_room_empty")

    page.locator("main").get_by_role("link", name=tr("ja", "Ask a question")).first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    form = page.locator("main form")
    form.locator("input[name=username]").fill("hanako@example.jp")
    form.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    submit(form)
    expect(page).to_have_url(url("helpdesk:question_create"))

    form = page.locator("main form")
    form.locator("select[name=category]").select_option("withdrawal")
    form.locator("input[name=title]").fill("提案を取り消せず退会できません")
    form.locator("textarea[name=body]").fill(
        "退会ページで「提案中の提案がある」と表示されます。\nクライアントから返事がない場合はどうすればよいですか?"
    )
    shot(page, "help_06_question_form")
    submit(form)
    question = Question.objects.get()
    expect(page).to_have_url(url("helpdesk:question", question.pk))
    expect(page.locator(".messages")).to_contain_text(tr("ja", "Your question has been posted."))
    expect(page.locator("article.question .post-body")).to_contain_text(
        "クライアントから返事がない"
    )
    shot(page, "help_07_question_posted")

    UserFactory.create(email="kenji@example.jp", display_name="鈴木 健二")
    other = new_page(browser, browser_context_args)
    sign_in(other, url, email="kenji@example.jp", password=DEFAULT_PASSWORD)
    other.goto(url("helpdesk:question", question.pk))
    expect(other.locator("main h1")).to_contain_text("提案を取り消せず退会できません")
    expect(other.locator("article.question")).to_contain_text("佐藤 花子")
    answer_form = other.locator("main form").last
    answer_form.locator("textarea[name=body]").fill(
        "提案に「追記」で削除をお願いしてみてください。募集期限を過ぎれば不採用になり、退会できるようになります。"
    )
    shot(other, "help_08_other_user_answers")
    submit(answer_form)
    expect(other.locator("article.answer")).to_have_count(1)
    expect(other.locator("article.answer")).to_contain_text("鈴木 健二")
    shot(other, "help_09_answer_posted")
    other.context.close()

    page.reload()
    answer = Answer.objects.get()
    best = page.locator(f"#answer-{answer.pk} form.best-form")
    expect(best).to_be_visible()
    shot(page, "help_10_asker_sees_answer")
    submit(best)
    expect(page.locator(f"#answer-{answer.pk}")).to_have_class(re.compile(r"\bbest\b"))
    expect(page.locator("main h1 .badge")).to_have_text(tr("ja", "Resolved"))
    expect(page.locator("form.best-form")).to_have_count(0)
    shot(page, "help_11_best_answer_chosen")
    question.refresh_from_db()
    assert question.best_answer == answer

    page.goto(url("helpdesk:room"))
    expect(page.locator(".question-row")).to_have_count(1)
    expect(page.locator(".question-row .badge")).to_have_text(tr("ja", "Resolved"))
    shot(page, "help_12_room_with_resolved_question")


def test_user_writes_to_the_operators_and_reads_the_reply_from_the_admin(
    page: Page,
    browser: Browser,
    browser_context_args: dict[str, Any],
    url: Url,
    hanako: User,
    mailoutbox: list[EmailMessage],
) -> None:
    """H3, H4: suggestions while typing, then the inquiry, the operator's reply by mail and
    on the user's inquiries page."""
    sign_in(page, url, email="hanako@example.jp", password=DEFAULT_PASSWORD)
    page.goto(url("helpdesk:index"))
    page.locator("main").get_by_role("link", name=tr("ja", "Contact form")).click()
    expect(page).to_have_url(url("helpdesk:contact"))
    form = page.locator("#contact-form")
    expect(form.locator("input[name=reply_email]")).to_have_value("hanako@example.jp")
    expect(page.locator("#faq-suggestions")).to_be_hidden()
    shot(page, "help_20_contact_form")

    form.locator("select[name=category]").select_option("withdrawal")
    form.locator("input[name=subject]").press_sequentially("提案 取り消し", delay=40)
    suggestions = page.locator("#faq-suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.locator("a").first).to_have_text("送った提案を取り消したい・削除したい")
    shot(page, "help_21_suggestions_while_typing")

    form.locator("textarea[name=body]").fill(
        "クライアントに追記で削除をお願いしましたが、2週間返事がありません。退会するにはどうすればよいですか。"
    )
    submit(form)
    expect(page).to_have_url(url("helpdesk:inquiries"))
    inquiry = Inquiry.objects.get()
    card = page.locator(f"#inquiry-{inquiry.pk}")
    expect(card.locator(".badge")).to_have_text(tr("ja", "New"))
    shot(page, "help_22_inquiry_sent")

    OperatorFactory.create(email="ops@example.jp", display_name="運営 太郎")
    operator = new_page(browser, browser_context_args)
    admin_sign_in(operator, url, email="ops@example.jp", password=DEFAULT_PASSWORD)
    operator.goto(url("admin:helpdesk_inquiry_changelist"))
    expect(operator.locator("#result_list")).to_contain_text("提案 取り消し")
    shot(operator, "help_23_admin_inquiry_list")

    operator.locator("#result_list a", has_text="提案 取り消し").click()
    reply = operator.locator("textarea[name=reply]")
    reply.fill(
        "お問い合わせありがとうございます。募集期限(3日後)を過ぎると提案は自動的に不採用となり、"
        "退会できるようになります。それまでお待ちいただけますでしょうか。"
    )
    shot(operator, "help_24_admin_reply_form")
    with operator.expect_navigation():
        operator.locator("input[name=_save]").click()
    expect(operator.locator(".messagelist")).to_contain_text("hanako@example.jp")
    shot(operator, "help_25_admin_reply_sent")
    operator.context.close()

    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["hanako@example.jp"]
    assert "募集期限(3日後)" in str(mailoutbox[0].body)

    page.reload()
    expect(card.locator(".badge")).to_have_text(tr("ja", "Answered"))
    expect(card.locator(".reply")).to_contain_text("募集期限(3日後)")
    shot(page, "help_26_reply_on_inquiries_page")


def test_signed_out_visitor_who_cannot_sign_in_can_still_write(page: Page, url: Url) -> None:
    """H3: the contact form is open to signed-out visitors; a burst is refused clearly."""
    page.goto(url("accounts:login"))
    page.goto(url("helpdesk:contact") + "?category=sign_in")
    form = page.locator("#contact-form")
    expect(form.locator("select[name=category]")).to_have_value("sign_in")
    form.locator("input[name=subject]").fill("パスワード再設定のメールが届きません")
    form.locator("textarea[name=body]").fill("登録したアドレスに再設定メールが届きません。")
    form.locator("input[name=reply_email]").fill("guest@example.jp")
    expect(page.locator("#faq-suggestions a").first).to_have_text("パスワードを忘れた")
    shot(page, "help_30_signed_out_contact")
    submit(form)
    expect(page).to_have_url(url("helpdesk:contact_sent"))
    shot(page, "help_31_signed_out_sent")
    assert Inquiry.objects.get().user is None

    for n in range(4):
        page.goto(url("helpdesk:contact"))
        form = page.locator("#contact-form")
        form.locator("select[name=category]").select_option("sign_in")
        form.locator("input[name=subject]").fill(f"再送 {n}")
        form.locator("textarea[name=body]").fill("届きません")
        form.locator("input[name=reply_email]").fill("guest@example.jp")
        submit(form)
    page.goto(url("helpdesk:contact"))
    form = page.locator("#contact-form")
    form.locator("select[name=category]").select_option("sign_in")
    form.locator("input[name=subject]").fill("6通目")
    form.locator("textarea[name=body]").fill("届きません")
    form.locator("input[name=reply_email]").fill("guest@example.jp")
    response = submit(form)
    assert response.status == 429
    expect(page.locator(".form-errors")).to_be_visible()
    shot(page, "help_32_rate_limited")
    assert Inquiry.objects.count() == 5


def test_help_pages_fit_a_phone_screen(browser: Browser, url: Url) -> None:
    """H4 on a phone: search first, no sideways scrolling on the help pages."""
    phone = browser.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    try:
        page = phone.new_page()
        for name, args in (
            ("helpdesk:index", ()),
            ("helpdesk:article", ("withdrawal-blockers",)),
            ("helpdesk:contact", ()),
            ("helpdesk:room", ()),
        ):
            page.goto(url(name, *args))
            shot(page, f"help_40_phone_{name.split(':')[1]}", full_page=False)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px on a phone"
        page.goto(url("helpdesk:index"))
        expect(page.locator("main input[name=q]").first).to_be_in_viewport()

        page.goto(url("helpdesk:contact"))
        page.locator("input[name=subject]").press_sequentially("退会", delay=40)
        suggestions = page.locator("#faq-suggestions")
        expect(suggestions).to_be_visible()
        expect(suggestions).to_be_in_viewport()
        shot(page, "help_41_phone_suggestions_under_the_subject", full_page=False)
    finally:
        phone.close()

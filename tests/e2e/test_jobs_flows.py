"""Jobs in the browser (B1, B2, B8, A4), two people at once: a client posts a project, a
lancer proposes, cannot delete it (no button; a direct POST is refused with the reason),
asks by append note, and the client deletes it.

Screenshots of every step go to tests/e2e/screens/jobs_*.png."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, OperatorFactory, UserFactory
from ukeoi.core import clock
from ukeoi.jobs import rules
from ukeoi.jobs.enums import ProposalStatus
from ukeoi.jobs.models import AppendNote, Job, Proposal

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


def post_form(page: Page, action: str) -> None:
    """What a hand-made request does: POST `action` with the page's CSRF token, as if the
    page had a form for it, and follow where the site answers."""
    with page.expect_navigation():
        page.evaluate(
            """(action) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                const token = document.querySelector("input[name=csrfmiddlewaretoken]");
                form.appendChild(token.cloneNode());
                document.body.appendChild(form);
                form.submit();
            }""",
            action,
        )


def test_lancer_cannot_delete_a_proposal_and_asks_the_client_who_deletes_it(
    page: Page, lancer_page: Page, url: Url, mailoutbox: list[EmailMessage]
) -> None:
    client = UserFactory.create(email="client@example.jp", display_name="株式会社さくら")
    lancer = UserFactory.create(email="lancer@example.jp", display_name="山田 太郎")

    # The client posts a project.
    sign_in(page, url, email=client.email, password=DEFAULT_PASSWORD)
    page.goto(url("jobs:create"))
    form = page.locator("main form")
    form.locator("input[name=title]").fill("コーポレートサイトのロゴ制作")
    form.locator("textarea[name=description]").fill(
        "新しいコーポレートサイト用のロゴを制作してください。\nAI形式で納品をお願いします。"
    )
    form.locator("select[name=category]").select_option("design")
    form.locator("input[name=budget_min]").fill("30000")
    form.locator("input[name=budget_max]").fill("50000")
    deadline = (clock.now() + timedelta(days=7)).astimezone()
    form.locator("input[name=deadline]").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    expect(form.locator("input[name=unit_reward]")).to_be_hidden()
    shot(page, "jobs_01_client_posts_project")
    submit(form)

    job = Job.objects.get()
    expect(page).to_have_url(url("jobs:detail", job.pk))
    expect(page.locator("main h1")).to_have_text("コーポレートサイトのロゴ制作")
    expect(page.locator("#proposals")).to_be_visible()
    shot(page, "jobs_02_client_job_page")

    # The lancer finds it, sees the client's trust signals and proposes.
    sign_in(lancer_page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    lancer_page.goto(url("jobs:list"))
    card = lancer_page.locator(".job-card", has_text="コーポレートサイトのロゴ制作")
    expect(card.locator(".trust")).to_be_visible()
    shot(lancer_page, "jobs_03_lancer_finds_job")
    card.get_by_role("link", name="コーポレートサイトのロゴ制作").click()
    expect(lancer_page.locator(".job-side .trust")).to_be_visible()
    expect(lancer_page.locator(".notice.caution")).to_be_visible()
    form = lancer_page.locator("#propose form")
    form.locator("input[name=amount]").fill("40000")
    form.locator("input[name=delivery_date]").fill((clock.today() + timedelta(days=14)).isoformat())
    form.locator("textarea[name=message]").fill(
        "はじめまして、山田と申します。ロゴ制作の実績が多数ございます。"
    )
    shot(lancer_page, "jobs_04_lancer_proposal_form")
    submit(form)

    proposal = Proposal.objects.get()
    expect(lancer_page).to_have_url(url("jobs:proposal_detail", proposal.pk))
    explanation = lancer_page.locator("#cannot-withdraw")
    expect(explanation).to_contain_text(
        tr(
            "ja",
            "A sent proposal cannot be withdrawn. Only the client can delete it. You can add an "
            "append note — for example asking the client to delete it — or send a message.",
        )
    )
    delete_path = reverse("jobs:proposal_delete", args=[proposal.pk])
    expect(lancer_page.locator(f"form[action='{delete_path}']")).to_have_count(0)
    shot(lancer_page, "jobs_05_lancer_proposal_no_delete_button")

    # A hand-made delete request is refused with the reason, and nothing changes.
    post_form(lancer_page, delete_path)
    with translation.override("ja"):
        refusal = str(rules.LANCER_CANNOT_DELETE)
    expect(lancer_page.locator(".refused .notice")).to_have_text(refusal)
    shot(lancer_page, "jobs_06_lancer_delete_refused")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    response = lancer_page.request.post(url("jobs:proposal_delete", proposal.pk))
    assert response.status == 403

    # The lancer asks by append note, pre-filled from the refusal's suggestion.
    lancer_page.goto(url("jobs:proposal_detail", proposal.pk))
    expect(lancer_page.locator("#cannot-withdraw a")).to_have_attribute(
        "href", "?prefill=delete#note-form"
    )
    post_form(lancer_page, delete_path)
    lancer_page.locator(".refused a.button").first.click()
    note = lancer_page.locator("#note-form textarea")
    expect(note).not_to_have_value("")
    shot(lancer_page, "jobs_07_lancer_note_prefilled")
    note.fill(
        "申し訳ありません、都合により対応が難しくなりました。この提案を削除していただけますか。"
    )
    submit(lancer_page.locator("#note-form"))
    expect(lancer_page.locator("#notes .append-note")).to_have_count(1)
    shot(lancer_page, "jobs_08_lancer_note_added")
    assert AppendNote.objects.count() == 1

    # The client sees the note next to the proposal and deletes it.
    page.goto(url("jobs:detail", job.pk))
    item = page.locator(".proposal-item")
    expect(item.locator(".append-note")).to_contain_text("この提案を削除していただけますか")
    expect(item.locator(".person-name")).to_contain_text("山田 太郎")
    shot(page, "jobs_09_client_sees_note")
    page.once("dialog", lambda dialog: dialog.accept())
    submit(item.locator(f"form[action='{delete_path}']"))
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator(".proposal-item")).to_have_count(0)
    shot(page, "jobs_10_client_deleted_proposal")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DELETED

    # The lancer sees that it is gone: no longer pending.
    lancer_page.goto(url("jobs:my_proposals"))
    expect(lancer_page.locator(".badge.proposal-deleted")).to_be_visible()
    shot(lancer_page, "jobs_11_lancer_my_proposals")
    lancer_page.goto(url("jobs:proposal_detail", proposal.pk))
    expect(lancer_page.locator("#note-form")).to_have_count(0)
    expect(lancer_page.locator("#message-form")).to_have_count(0)
    shot(lancer_page, "jobs_12_lancer_sees_deleted")

    recipients = [(m.to[0], m.subject) for m in mailoutbox]
    assert [to for to, _ in recipients] == [client.email, client.email, lancer.email]


def test_competition_opens_once_its_prize_is_confirmed_and_takes_entries(
    page: Page, lancer_page: Page, url: Url, settings: Any
) -> None:
    """B1, M1: a competition waits for its prize (仮払い); in demo mode its client confirms
    the payment as an operator would (入金確認), and then lancers can enter."""
    settings.DEMO_MODE = True
    client = UserFactory.create(email="contest@example.jp", display_name="まめぼ株式会社")
    lancer = UserFactory.create(email="designer@example.jp", display_name="佐藤デザイン")
    OperatorFactory.create()

    sign_in(page, url, email=client.email, password=DEFAULT_PASSWORD)
    page.goto(url("jobs:create"))
    form = page.locator("main form")
    form.locator("input[name=format][value=competition]").check()
    expect(form.locator("input[name=budget_max]")).to_be_hidden()
    form.locator("input[name=title]").fill("家計簿アプリのロゴ募集")
    form.locator("textarea[name=description]").fill("親しみやすいロゴを募集します。")
    form.locator("select[name=category]").select_option("design")
    form.locator("input[name=budget_min]").fill("50,000")
    deadline = (clock.now() + timedelta(days=10)).astimezone()
    form.locator("input[name=deadline]").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    shot(page, "jobs_20_client_posts_competition")
    submit(form)

    job = Job.objects.get()
    expect(page.locator("#payment")).to_contain_text("52,750")
    shot(page, "jobs_21_competition_awaiting_payment")
    lancer_page.goto(url("jobs:list"))
    expect(lancer_page.locator(".job-card")).to_have_count(0)

    submit(page.locator("#payment form"))
    expect(page.locator("#payment")).to_have_count(0)
    shot(page, "jobs_22_competition_open")
    job.refresh_from_db()
    assert job.status == "open"

    sign_in(lancer_page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    lancer_page.goto(url("jobs:detail", job.pk))
    entry = lancer_page.locator("#propose form")
    expect(entry.locator("input[name=amount]")).to_have_count(0)
    entry.locator("textarea[name=message]").fill("豆をモチーフにした丸いロゴです。")
    shot(lancer_page, "jobs_23_lancer_enters_competition")
    submit(entry)
    assert Proposal.objects.get().amount == 50_000

    page.goto(url("jobs:detail", job.pk))
    submit(page.locator(".proposal-item form[action$='/select/']"))
    expect(page.locator(".badge.status-closed")).to_be_visible()
    shot(page, "jobs_24_client_chose_winner")

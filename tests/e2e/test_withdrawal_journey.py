"""Withdrawal (退会), the whole journey of the original guide in the browser (W1–W8, A5,
B2, B4), two people at once.

A lancer who has a pending proposal, a contract in progress (its milestone escrowed) and
an 800-yen reward balance follows the guide: STEP② opens the withdrawal page from the
bottom of the account settings (「退会を希望される方は こちら」), sees which conditions
hold and how to clear each (W2), asks the client by append note to delete the proposal
(B2), takes the contract through the five cancellation steps with the client (B4), and
then, with only the balance left, fills in the form (STEP③): a wrong password is refused
and nothing changes (W4); the right password with the forfeit consent withdraws (W5, W7).
Afterwards the old credentials cannot sign in, the old e-mail address and username cannot
be registered again, and new ones can (A5); the client still sees the contract (W8).

Screenshots of every step go to tests/e2e/screens/withdrawal_journey_*.png."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.e2e import withdrawal_support as state
from tests.e2e.conftest import open_account_menu, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD
from tests.support import assert_ledger_clean
from ukeoi.accounts.models import User
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Cancellation
from ukeoi.jobs.enums import ProposalStatus
from ukeoi.jobs.models import AppendNote
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.withdrawal.enums import BlockerCode
from ukeoi.withdrawal.models import Withdrawal

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]

# What the page shows for the lancer at the start: the proposal, the contract, its escrowed
# milestone (an unfinished payment, W1's 「支払い待ち等」) and the balance.
BLOCKED_AT_START = {
    BlockerCode.PENDING_PROPOSAL,
    BlockerCode.CONTRACT_IN_PROGRESS,
    BlockerCode.UNFINISHED_PAYMENT,
    BlockerCode.REWARD_BALANCE,
}


@pytest.fixture
def client_page(browser: Browser, browser_context_args: dict[str, Any]) -> Any:
    """A second browser, for the client."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def expect_header_one_line(page: Page, name: str) -> None:
    """The header's links sit on one line beside the brand (from 1024px up), the display
    name shown in full, never cut (issue 14)."""
    brand = page.locator(".site-header .brand").bounding_box()
    nav = page.locator(".site-header .main-nav").bounding_box()
    assert brand is not None
    assert nav is not None
    assert nav["height"] < 40, nav
    assert abs((nav["y"] + nav["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12
    who = page.locator(".site-header .who")
    expect(who).to_have_text(name)
    assert who.evaluate("(el) => el.scrollWidth <= el.clientWidth")


PHONE: ViewportSize = {"width": 390, "height": 844}


def expect_rows_stacked(page: Page) -> None:
    """Issue 14 item 6: in each checklist row that holds, what it means for the withdrawal
    (「このままでは退会できません」) sits below the row's state, and the row's text starts below
    both, never squeezed beside them."""
    rows = page.locator("#checklist li[data-state=blocked]")
    for index in range(rows.count()):
        blocked = rows.nth(index)
        title = blocked.locator(".row-state").bounding_box()
        state_ = blocked.locator(".state").bounding_box()
        text = blocked.locator(":scope > p").first.bounding_box()
        assert title is not None
        assert state_ is not None
        assert text is not None
        assert state_["y"] >= title["y"] + title["height"] - 2, (title, state_)
        assert text["y"] >= state_["y"] + state_["height"] - 1, (state_, text)


def phone_shot(page: Page, name: str) -> None:
    """The page as a phone shows it (390 × 844; issue 14): nothing runs off the side of the
    screen. Then back to the laptop window."""
    laptop = page.viewport_size
    assert laptop is not None
    page.set_viewport_size(PHONE)
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name}: the page is {width}px wide on a phone"
        expect_rows_stacked(page)
        shot(page, name)
    finally:
        page.set_viewport_size(laptop)


def row(page: Page, code: str) -> Locator:
    return page.locator(f"#check-{code}")


def expect_checklist(page: Page, blocked: set[BlockerCode]) -> None:
    """W2: all six conditions listed in W1's order, red exactly where one holds."""
    rows = page.locator("#checklist ol.checklist > li")
    expect(rows).to_have_count(len(BlockerCode))
    for index, code in enumerate(BlockerCode):
        expect(rows.nth(index)).to_have_attribute("data-code", code.value)
        state_ = "blocked" if code in blocked else "ok"
        expect(row(page, code.value)).to_have_attribute("data-state", state_)


def expect_step(page: Page, number: int) -> None:
    """B4: steps before `number` are done, `number` is current, the rest are to come."""
    items = page.locator("#cancellation .stepper li")
    expect(items).to_have_count(5)
    for index in range(5):
        want = "done" if index + 1 < number else "current" if index + 1 == number else "future"
        expect(items.nth(index)).to_have_class(want)


def take_step(page: Page, button: str) -> None:
    """Press the cancellation step's button, confirm the dialog, wait for the page."""
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page.locator("#cancellation .step-box form").filter(has_text=button))


def field(page: Page, name: str) -> Locator:
    return page.locator(".field", has=page.locator(f"[name={name}]"))


def register(page: Page, url: Url, *, email: str, username: str) -> Any:
    page.goto(url("accounts:register"))
    form = page.locator("main form")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=display_name]").fill(state.LANCER_NAME)
    form.locator("input[name=password1]").fill("shinryoku-no-kisetsu-2026")
    form.locator("input[name=password2]").fill("shinryoku-no-kisetsu-2026")
    form.locator("input[name=agree_terms]").check()
    return submit(form)


@pytest.mark.usefixtures("help_centre")
def test_lancer_clears_every_condition_and_withdraws_following_the_guide(
    page: Page, client_page: Page, url: Url, mailoutbox: list[EmailMessage]
) -> None:
    journey = state.lancer_with_three_blockers()
    lancer, client, proposal, contract = (
        journey.lancer,
        journey.client,
        journey.proposal,
        journey.contract,
    )
    assert state.reward_balance(lancer) == state.BALANCE
    mailoutbox.clear()

    # STEP②: マイページ → ログイン情報変更 (account settings) → 「退会を希望される方は こちら」.
    sign_in(page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    open_account_menu(page).get_by_role("link", name=tr("ja", "Account settings")).click()
    expect(page).to_have_url(url("accounts:settings"))
    link = page.locator("#withdrawal-link")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    shot(page, "withdrawal_journey_01_account_settings")
    link.locator("a").click()
    expect(page).to_have_url(url("withdrawal:index"))

    # STEP①: the conditions — the proposal, the contract and its escrow, and the balance.
    expect_checklist(page, BLOCKED_AT_START)
    proposal_row = row(page, BlockerCode.PENDING_PROPOSAL)
    expect(proposal_row.locator(f"li[data-id='{proposal.pk}']")).to_contain_text(
        state.PROPOSAL_JOB_TITLE
    )
    contract_row = row(page, BlockerCode.CONTRACT_IN_PROGRESS)
    expect(contract_row.locator(f"li[data-id='{contract.pk}']")).to_contain_text(contract.title)
    expect(row(page, BlockerCode.UNFINISHED_PAYMENT)).to_contain_text("30,000")
    balance_row = row(page, BlockerCode.REWARD_BALANCE)
    expect(balance_row).to_contain_text("800")
    # W2, W5: below the 1,000-yen minimum it cannot be paid out and will be forfeited.
    expect(balance_row.locator("strong").last).to_contain_text("1,000")
    # ...said once; and it is a caution (the form's consent clears it), not an error.
    expect(balance_row).to_have_class(re.compile(r"\bcaution\b"))
    expect(balance_row.locator(".state")).to_have_text(
        tr("ja", "Forfeit consent needed in the form")
    )
    # Issue 14 item 6: each row reads as a state, ✔ beside 「…：なし」, ✖ beside 「…：あり（n件）」.
    expect(proposal_row.locator(".row-state")).to_have_text("提案中の提案：あり（1件）")
    expect(row(page, BlockerCode.OPEN_JOB).locator(".row-state")).to_have_text("募集中の依頼：なし")
    expect(row(page, BlockerCode.OPEN_JOB).locator(".mark")).to_have_text("✔")
    expect(balance_row.locator(".row-state")).to_have_text("報酬残高：あり（800円）")
    # W2: every link names where it leads; the escrowed milestone is not named twice.
    expect(page.locator("#checklist")).not_to_contain_text(tr("ja", "Go to the page"))
    unfinished_row = row(page, BlockerCode.UNFINISHED_PAYMENT)
    expect(unfinished_row).not_to_contain_text(f"{contract.title} / {contract.title}")
    expect(unfinished_row).to_contain_text(tr("ja", "cleared by the contract's cancellation above"))
    expect(
        unfinished_row.get_by_role("link", name=tr("ja", "Go to the contract page"))
    ).to_have_attribute("href", contract.get_absolute_url())
    expect(page.locator("#ready")).to_have_count(0)
    shot(page, "withdrawal_journey_02_three_things_in_the_way")
    phone_shot(page, "withdrawal_journey_02_three_things_in_the_way_phone")

    # The form is not offered yet; going there directly leads back with the reason.
    page.goto(url("withdrawal:form"))
    expect(page).to_have_url(url("withdrawal:index"))
    expect(page.locator(".messages")).to_contain_text(
        tr("ja", "You cannot withdraw yet. Clear the conditions below first.")
    )
    shot(page, "withdrawal_journey_03_form_not_yet")

    # B2: the lancer cannot delete the proposal; the page offers an append note, pre-filled.
    row(page, BlockerCode.PENDING_PROPOSAL).get_by_role(
        "link", name=tr("ja", "Ask the client to delete it (append note)")
    ).click()
    expect(page).to_have_url(
        re.compile(
            re.escape(url("jobs:proposal_detail", proposal.pk)) + r"\?prefill=delete#note-form$"
        )
    )
    note = page.locator("#note-form textarea")
    expect(note).not_to_have_value("")
    note.scroll_into_view_if_needed()
    shot(page, "withdrawal_journey_04_append_note_prefilled")
    submit(page.locator("#note-form"))
    expect(page.locator("#notes .append-note")).to_have_count(1)
    shot(page, "withdrawal_journey_05_append_note_sent")
    assert AppendNote.objects.filter(proposal=proposal).count() == 1

    # The client reads the note next to the proposal and deletes it.
    sign_in(client_page, url, email=client.email, password=DEFAULT_PASSWORD)
    client_page.goto(url("jobs:detail", proposal.job_id))
    item = client_page.locator(".proposal-item")
    expect(item.locator(".append-note")).to_be_visible()
    expect_header_one_line(client_page, state.CLIENT_NAME)
    shot(client_page, "withdrawal_journey_06_client_sees_note")
    client_page.once("dialog", lambda dialog: dialog.accept())
    submit(item.locator("form[action$='/delete/']"))
    expect(client_page.locator(".proposal-item")).to_have_count(0)
    shot(client_page, "withdrawal_journey_07_client_deleted_proposal")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DELETED

    # Issue 14 item 12 (W1, W2): on the client's own withdrawal page each open job says what
    # it is. The logo job hired the lancer and the task had its unit approved: both still
    # count until closed, and say so, with the one action that ends them.
    client_page.goto(url("withdrawal:index"))
    open_jobs = row(client_page, BlockerCode.OPEN_JOB)
    hired = open_jobs.locator(f"li[data-id='{contract.job_id}']")
    expect(hired).to_contain_text(state.CONTRACT_JOB_TITLE)
    expect(hired.locator(".item-detail")).to_have_text("— 募集中・採用済み 1 名")
    expect(hired.locator(".item-note")).to_contain_text(
        "募集を終了しても、採用した方との契約はそのまま続きます。"
    )
    expect(hired.locator("button")).to_have_count(1)
    expect(hired.locator("button")).to_have_text(tr("ja", "Close this job"))
    task = open_jobs.locator("li[data-kind=job]", has_text=state.TASK_TITLE)
    expect(task.locator(".item-detail")).to_have_text("— 募集中・承認済み 1 件")
    expect(open_jobs.locator(".row-state")).to_have_text("募集中の依頼：あり（3件）")
    shot(client_page, "withdrawal_journey_07b_client_open_jobs")
    phone_shot(client_page, "withdrawal_journey_07b_client_open_jobs_phone")

    page.goto(url("withdrawal:index"))
    expect_checklist(page, BLOCKED_AT_START - {BlockerCode.PENDING_PROPOSAL})
    shot(page, "withdrawal_journey_08_proposal_cleared")

    # B4 (1): the lancer proposes cancelling the contract from the withdrawal page's link.
    row(page, BlockerCode.CONTRACT_IN_PROGRESS).get_by_role(
        "link", name=tr("ja", "Start or continue the cancellation")
    ).click()
    contract_url = url("contracts:detail", contract.pk)
    expect(page).to_have_url(contract_url + "#cancellation")
    # Arriving there opens the proposal form: nothing more to find and click.
    expect(page.locator("#cancellation details.action-form")).to_have_attribute("open", "")
    form = page.locator("#cancellation form")
    form.locator("textarea").fill(
        "私事で恐縮ですが、サービスを退会することになりました。"
        "大変申し訳ありませんが、契約のキャンセルにご協力をお願いいたします。"
    )
    shot(page, "withdrawal_journey_09_lancer_proposes_cancellation")
    submit(form)
    expect_step(page, 1)
    expect(page.locator("#cancellation .step-box form")).to_have_count(0)
    expect(page.locator("#cancellation .step-box")).to_contain_text(client.display_name)
    shot(page, "withdrawal_journey_10_lancer_waits_for_client")

    # W2: the withdrawal page names the step that waits, as the contract page does, and
    # who must act (B4).
    page.goto(url("withdrawal:index"))
    with translation.override("ja"):
        waiting = gettext(
            "Cancellation step %(number)s of 5 (%(step)s): waiting for the other side"
        ) % {"number": 1, "step": gettext("Both sides agree to cancel")}
    expect(row(page, BlockerCode.CONTRACT_IN_PROGRESS)).to_contain_text(waiting)
    # W9: all that is left now clears on its own; the request form is folded away.
    when_clear = page.locator("#when-clear")
    expect(when_clear.locator("details")).not_to_have_attribute("open", "")
    expect(when_clear.locator("input[name=password]")).not_to_be_visible()
    shot(page, "withdrawal_journey_11_cancellation_step_on_checklist")
    when_clear.locator("summary").click()
    # No bank account: a final payout of the balance cannot be chosen, and it says why.
    expect(when_clear.locator("input[value=final_payout]")).to_be_disabled()
    expect(when_clear.locator("input[value=forfeit]")).to_be_checked()
    reasons = when_clear.locator("#final-payout-unavailable a")
    expect(reasons).to_have_count(2)  # nor the name and address
    expect(reasons.first).to_have_attribute("href", reverse("accounts:bank_account"))
    when_clear.locator("summary").scroll_into_view_if_needed()
    shot(page, "withdrawal_journey_11b_when_clear_unfolded")

    # (1) The client agrees, in the second browser.
    client_page.goto(contract_url)
    expect_step(client_page, 1)
    shot(client_page, "withdrawal_journey_12_client_asked_to_agree")
    take_step(client_page, tr("ja", "Agree to cancel"))
    expect_step(client_page, 2)

    # (2) The lancer cancels the escrow: the money goes back to the client.
    page.goto(contract_url)
    expect_step(page, 2)
    shot(page, "withdrawal_journey_13_lancer_cancels_escrow")
    take_step(page, tr("ja", "Cancel the escrow (仮払いキャンセル)"))
    expect_step(page, 3)
    milestone = contract.milestones.get()
    assert milestone.status == MilestoneStatus.ESCROW_CANCELLED

    # (3) The client deletes the plan.
    client_page.goto(contract_url)
    expect_step(client_page, 3)
    shot(client_page, "withdrawal_journey_14_client_deletes_plan")
    take_step(client_page, tr("ja", "Delete the plan (計画削除)"))

    # (4) The lancer approves the deletion; (5) the contract is cancelled.
    page.goto(contract_url)
    expect_step(page, 4)
    shot(page, "withdrawal_journey_15_lancer_approves_deletion")
    take_step(page, tr("ja", "Approve the deletion"))
    expect(page.locator("#cancellation .stepper li.done")).to_have_count(5)
    shot(page, "withdrawal_journey_16_contract_cancelled")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CANCELLED
    assert Cancellation.objects.get(contract=contract).step == CancellationStep.DONE

    # Only the balance is left: the form is offered, with the forfeit spelled out.
    page.goto(url("withdrawal:index"))
    expect_checklist(page, {BlockerCode.REWARD_BALANCE})
    ready = page.locator("#ready")
    expect(ready).to_contain_text("800")
    expect(page.locator("#checklist")).not_to_contain_text(tr("ja", "Blocks withdrawal"))
    expect(row(page, BlockerCode.PENDING_PROPOSAL).locator(".row-state")).to_have_text(
        "提案中の提案：なし"
    )
    shot(page, "withdrawal_journey_17_only_the_balance_left")
    phone_shot(page, "withdrawal_journey_17_only_the_balance_left_phone")
    # The guide's warning (報酬放棄): the help page on the balance is one click away.
    page.locator("#withdrawal-help a[href$='/balance-at-withdrawal/']").click()
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1,000")
    shot(page, "withdrawal_journey_17b_help_on_the_balance")
    page.go_back()
    ready = page.locator("#ready")
    ready.get_by_role("link", name=tr("ja", "Continue to the withdrawal form")).click()
    expect(page).to_have_url(url("withdrawal:form"))

    # STEP③ with a wrong password: refused, the answers kept, nothing changed (W4).
    form = page.locator("#withdrawal-form")
    form.locator("input[name=reason][value=no_longer_needed]").check()
    form.locator("textarea[name=comments]").fill("お世話になりました。ありがとうございました。")
    expect(field(page, "forfeit")).to_contain_text(tr("ja", "%(amount)s yen") % {"amount": "800"})
    form.locator("input[name=forfeit]").check()
    expect(form.locator("input[name=profile][value=keep]")).to_be_checked()
    form.locator("input[name=password]").fill("wrong password")
    shot(page, "withdrawal_journey_18_form_filled_wrong_password")
    response = submit(form)
    assert response.status == 400
    expect(field(page, "password").locator(".error")).to_have_text(
        tr("ja", "The password is not correct.")
    )
    # ...and summarised at the top of the page, linking to the field.
    summary = page.locator("#refusal-summary")
    expect(summary).to_be_in_viewport()
    expect(summary.locator("a[href='#field-password']")).to_be_visible()
    expect(summary).to_contain_text(tr("ja", "The password is not correct."))
    expect(form.locator("textarea[name=comments]")).to_have_value(
        "お世話になりました。ありがとうございました。"
    )
    shot(page, "withdrawal_journey_19_wrong_password_refused")
    lancer.refresh_from_db()
    assert not lancer.is_withdrawn
    assert not Withdrawal.objects.exists()
    assert state.reward_balance(lancer) == state.BALANCE

    # The right password and the forfeit consent: withdrawn (W5, W7).
    form.locator("input[name=reason][value=no_longer_needed]").check()
    if not form.locator("input[name=forfeit]").is_checked():
        form.locator("input[name=forfeit]").check()
    form.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    shot(page, "withdrawal_journey_20_right_password_and_consent")
    with page.expect_navigation():
        page.locator("#withdraw-button").click()
    expect(page).to_have_url(url("withdrawal:done"))
    expect(page.locator("#withdrawal-done")).to_be_visible()
    expect(page.locator(".site-header .who")).to_have_count(0)
    shot(page, "withdrawal_journey_21_withdrawn")

    lancer.refresh_from_db()
    assert lancer.is_withdrawn
    withdrawal = Withdrawal.objects.get(user=lancer)
    assert withdrawal.keep_profile
    assert state.reward_balance(lancer) == 0
    forfeited = LedgerAccount.objects.get(kind=AccountKind.FORFEITED)
    assert forfeited.balance == state.BALANCE
    assert [m.to for m in mailoutbox if m.to == [state.LANCER_EMAIL]]
    assert_ledger_clean()

    # Signing in again with the old credentials is refused, and says why (W7).
    response = sign_in(page, url, email=state.LANCER_EMAIL, password=DEFAULT_PASSWORD)
    expect(page).to_have_url(url("accounts:login"))
    expect(page.locator("main")).to_contain_text(
        tr(
            "ja",
            "This account has been withdrawn (退会済み) and can no longer sign in. "
            "You can register again with a different e-mail address.",
        )
    )
    expect(page.locator(".site-header .who")).to_have_count(0)
    shot(page, "withdrawal_journey_22_sign_in_refused")

    # A5: the old e-mail address cannot be registered again, nor the old username...
    response = register(page, url, email=state.LANCER_EMAIL, username="taro_yamada_2")
    assert response.status == 400
    expect(field(page, "email").locator(".error")).to_have_text(
        tr(
            "ja",
            "This e-mail address belonged to a withdrawn account and cannot be "
            "registered again. Please use another address.",
        )
    )
    shot(page, "withdrawal_journey_23_old_email_refused")
    response = register(page, url, email="taro.new@example.jp", username=state.LANCER_USERNAME)
    assert response.status == 400
    expect(field(page, "username").locator(".error")).to_have_text(
        tr("ja", "This username belonged to a withdrawn account and cannot be used again.")
    )
    shot(page, "withdrawal_journey_24_old_username_refused")
    assert User.objects.filter(email__iexact=state.LANCER_EMAIL).count() == 1

    # ...and new ones work.
    register(page, url, email="taro.new@example.jp", username="taro_yamada_2")
    expect(page).to_have_url(url("accounts:profile_edit"))
    expect(page.locator(".site-header .who")).to_have_text(state.LANCER_NAME)
    shot(page, "withdrawal_journey_25_registered_again")
    again = User.objects.get(username="taro_yamada_2")
    assert again.pk != lancer.pk
    assert not again.is_withdrawn

    # W8: the client keeps the contract, and the old profile is marked withdrawn.
    client_page.goto(contract_url)
    expect(client_page.locator(".badge.contract-cancelled")).to_be_visible()
    # The lancer who left is marked 退会済み, and no message can go to them.
    expect(client_page.locator("main .job-side .badge.withdrawn")).to_have_text(
        tr("ja", "Withdrawn")
    )
    expect(client_page.locator("#message-form")).to_have_count(0)
    expect(client_page.locator("#message-closed")).to_be_visible()
    expect_header_one_line(client_page, state.CLIENT_NAME)
    shot(client_page, "withdrawal_journey_26_client_keeps_contract")
    client_page.goto(url("public_profile", lancer.pk))
    expect(client_page.locator("main")).to_contain_text(state.LANCER_NAME)
    expect(client_page.locator("main")).to_contain_text(tr("ja", "Withdrawn"))
    # W8: with its track record: the contract completed as a client, none as a lancer.
    record = client_page.locator("#track-record")
    expect(record.locator("[data-role=client]")).to_contain_text("1")
    expect(record.locator("[data-role=lancer]")).to_contain_text("0")
    expect(record.locator("[data-role=registered]")).not_to_be_empty()
    shot(client_page, "withdrawal_journey_27_public_profile_withdrawn")
    # A2: to anyone else (here the new account) the old username stays private.
    page.goto(url("public_profile", lancer.pk))
    expect(page.locator("main h1")).to_contain_text(state.LANCER_NAME)
    expect(page.locator("main .badge.withdrawn")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(state.LANCER_USERNAME)
    shot(page, "withdrawal_journey_28_public_profile_to_others")

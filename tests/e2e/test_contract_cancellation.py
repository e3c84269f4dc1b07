"""The five-step contract cancellation (B4, B7) in the browser, two people at once: the
client proposes, the lancer agrees and cancels the escrow, the client deletes the plan, the
lancer approves the deletion and the contract is cancelled. At every step the side who must
act sees the button, the other side sees who is next and the date the step is taken
automatically, and nobody else gets a button.

A second test walks one milestone through agreement, escrow, delivery and acceptance with
the fees on the page before each action (B3, B6).

Screenshots of every step go to tests/e2e/screens/contract_cancel_*.png and
contract_flow_*.png."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, expect

from tests.contracts import builders
from tests.e2e.conftest import shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, OperatorFactory, UserFactory
from tests.support import assert_ledger_clean
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Cancellation, Contract
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def stepper(page: Page) -> Any:
    return page.locator("#cancellation .stepper")


def expect_current(page: Page, number: int) -> None:
    """Steps before `number` are done, `number` is current, the rest are to come."""
    items = stepper(page).locator("li")
    expect(items).to_have_count(5)
    for index in range(5):
        state = "done" if index + 1 < number else "current" if index + 1 == number else "future"
        expect(items.nth(index)).to_have_class(state)


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


def take_step(page: Page, button: str) -> None:
    """Press the step's button, confirm the dialog, wait for the page to come back."""
    page.once("dialog", lambda dialog: dialog.accept())
    form = page.locator("#cancellation .step-box form").filter(has_text=button)
    submit(form)


def test_five_step_cancellation_by_client_and_lancer(
    page: Page, lancer_page: Page, url: Url, mailoutbox: list[EmailMessage]
) -> None:
    client = UserFactory.create(email="client@example.jp", display_name="株式会社さくら")
    lancer = UserFactory.create(email="lancer@example.jp", display_name="山田 太郎")
    contract = builders.contract_in_progress(client=client, lancer=lancer, amount=40_000)
    contract_url = url("contracts:detail", contract.pk)
    mailoutbox.clear()

    # The client finds the contract under 契約 in the header and proposes cancelling it.
    sign_in(page, url, email=client.email, password=DEFAULT_PASSWORD)
    page.locator(".main-nav").get_by_role("link", name=tr("ja", "Contracts")).click()
    expect(page.locator("main h1")).to_have_text(tr("ja", "My contracts"))
    shot(page, "contract_cancel_00_client_my_contracts")
    page.get_by_role("link", name=contract.title).click()
    expect(page).to_have_url(contract_url)
    expect(
        page.locator("#milestone-" + str(builders.first_milestone(contract).pk))
    ).to_contain_text("40,000")
    shot(page, "contract_cancel_01_client_contract_page")
    # The header stays one line with this name, and at 1024px with a much longer one, shown
    # in full (issue 14).
    expect_header_one_line(page, client.display_name)
    page.set_viewport_size({"width": 1024, "height": 900})
    longer = "株式会社さくらインターネット開発本部第二営業部"
    page.locator(".site-header .who").evaluate(f"(el) => {{ el.textContent = '{longer}'; }}")
    expect_header_one_line(page, longer)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    # Closed by default; it opens at a click (or on arriving at #cancellation).
    expect(page.locator("#cancellation details.action-form")).not_to_have_attribute("open", "")
    page.locator("#cancellation summary").click()
    form = page.locator("#cancellation form")
    form.locator("textarea").fill(
        "社内の方針変更により、制作自体が中止になりました。申し訳ありません。"
    )
    shot(page, "contract_cancel_02_client_proposes")
    submit(form)
    expect_current(page, 1)
    expect(page.locator("#cancellation .step-box form")).to_have_count(0)
    expect(page.locator("#cancellation .step-box")).to_contain_text(lancer.display_name)
    shot(page, "contract_cancel_03_client_waits_for_lancer")

    # (1) The lancer sees the proposal with Agree and Decline, and agrees.
    sign_in(lancer_page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    lancer_page.goto(contract_url)
    expect_current(lancer_page, 1)
    expect(lancer_page.locator("#cancellation .step-box form")).to_have_count(2)
    expect(lancer_page.locator("#next-step")).to_have_class("notice next-notice mine")
    shot(lancer_page, "contract_cancel_04_lancer_asked_to_agree")
    take_step(lancer_page, tr("ja", "Agree to cancel"))

    # (2) Now the lancer's own next step: cancel the escrow; the client only waits.
    expect_current(lancer_page, 2)
    shot(lancer_page, "contract_cancel_05_lancer_to_cancel_escrow")
    page.goto(contract_url)
    expect_current(page, 2)
    expect(page.locator("#cancellation .step-box form")).to_have_count(0)
    expect(page.locator("#cancellation .auto-date")).to_be_visible()
    shot(page, "contract_cancel_06_client_waits_for_escrow_cancel")
    take_step(lancer_page, tr("ja", "Cancel the escrow (仮払いキャンセル)"))
    milestone = builders.first_milestone(contract)
    assert milestone.status == MilestoneStatus.ESCROW_CANCELLED
    refunds = LedgerAccount.objects.get(kind=AccountKind.REFUNDS, owner=client)
    assert refunds.balance == 40_000 + 2_200  # the escrow and the 5.5 % client fee

    # (3) The client deletes the plan.
    page.goto(contract_url)
    expect_current(page, 3)
    shot(page, "contract_cancel_07_client_to_delete_plan")
    lancer_page.goto(contract_url)
    expect(lancer_page.locator("#cancellation .step-box form")).to_have_count(0)
    take_step(page, tr("ja", "Delete the plan (計画削除)"))

    # (4) The lancer approves the deletion; (5) the contract is cancelled.
    lancer_page.goto(contract_url)
    expect_current(lancer_page, 4)
    shot(lancer_page, "contract_cancel_08_lancer_to_approve_deletion")
    take_step(lancer_page, tr("ja", "Approve the deletion"))
    items = stepper(lancer_page).locator("li.done")
    expect(items).to_have_count(5)
    shot(lancer_page, "contract_cancel_09_lancer_contract_cancelled")

    contract.refresh_from_db()
    assert contract.status == ContractStatus.CANCELLED
    assert Cancellation.objects.get(contract=contract).step == CancellationStep.DONE

    # Work had started (the milestone was escrowed): both may rate (B5).
    page.goto(contract_url)
    expect(page.locator(".badge.contract-cancelled")).to_be_visible()
    rating = page.locator("#rating-form")
    rating.locator("input[value=disappointed]").check()
    rating.locator("textarea").fill(
        "途中でのキャンセルとなり残念でしたが、ご対応には感謝しています。"
    )
    shot(page, "contract_cancel_10_client_rates")
    submit(rating)
    expect(page.locator("#ratings .rating")).to_have_count(1)
    expect(page.locator("#rating-form")).to_have_count(0)
    shot(page, "contract_cancel_11_client_rated")

    # Both sides were told of every step by mail.
    recipients = {message.to[0] for message in mailoutbox}
    assert recipients == {client.email, lancer.email}
    assert_ledger_clean()
    assert Contract.objects.count() == 1


def test_milestone_agreed_escrowed_delivered_and_accepted(
    page: Page, lancer_page: Page, url: Url, settings: Any, tmp_path: Path
) -> None:
    """B3, B6 around the cancellation: the fees are on the page before each action; the
    delivered file downloads for the two sides. Screens: contract_flow_*.png."""
    settings.DEMO_MODE = True
    OperatorFactory.create()
    client = UserFactory.create(email="flow-client@example.jp", display_name="まめぼ株式会社")
    lancer = UserFactory.create(email="flow-lancer@example.jp", display_name="佐藤デザイン")
    contract = builders.contract_agreeing(client=client, lancer=lancer, amount=30_000)
    contract_url = url("contracts:detail", contract.pk)
    milestone = builders.first_milestone(contract)
    box = f"#milestone-{milestone.pk}"

    # The lancer reads what reaches them (30,000 - 16.5 % = 25,050) and agrees.
    sign_in(lancer_page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    lancer_page.goto(contract_url)
    expect(lancer_page.locator(f"{box} .fees")).to_contain_text("25,050")
    shot(lancer_page, "contract_flow_01_lancer_agrees")
    submit(lancer_page.locator("#agree form"))

    # The client sees 30,000 + 5.5 % = 31,650 on the escrow button, and pays (demo).
    sign_in(page, url, email=client.email, password=DEFAULT_PASSWORD)
    page.goto(contract_url)
    escrow_button = page.locator(f"{box} form[action$='/escrow/'] button")
    expect(escrow_button).to_contain_text("31,650")
    shot(page, "contract_flow_02_client_escrow_button")
    submit(page.locator(f"{box} form[action$='/escrow/']"))
    expect(page.locator(f"#payment-{milestone.pk}")).to_contain_text("31,650")
    shot(page, "contract_flow_03_client_transfer_instructions")
    submit(page.locator(f"#payment-{milestone.pk} form"))
    expect(page.locator(f"{box} .badge.milestone-escrowed")).to_be_visible()

    # The lancer delivers a note and a file.
    lancer_page.goto(contract_url)
    delivery = lancer_page.locator(f"{box} form[action$='/deliver/']")
    delivery.locator("textarea").fill("ロゴのデータを納品します。ご確認ください。")
    artwork = tmp_path / "logo.svg"
    artwork.write_text("<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    delivery.locator("input[type=file]").set_input_files(str(artwork))
    shot(lancer_page, "contract_flow_04_lancer_delivers")
    submit(delivery)
    expect(lancer_page.locator(f"{box} .delivery")).to_contain_text("ロゴのデータ")

    # The client downloads it and accepts (検収) after confirming.
    page.goto(contract_url)
    with page.expect_download() as download:
        page.locator(f"{box} .delivery a").click()
    assert download.value.suggested_filename.endswith(".svg")
    shot(page, "contract_flow_05_client_checks_delivery")
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page.locator(f"{box} form[action$='/accept/']"))
    expect(page.locator(".badge.contract-completed")).to_be_visible()
    shot(page, "contract_flow_06_completed")

    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    reward = LedgerAccount.objects.get(kind=AccountKind.REWARD, owner=lancer)
    assert reward.balance == 25_050
    assert_ledger_clean()

"""Issue 6: the demo lancer's reward statement (報酬明細) and payout settings (出金設定).

The data is the demo's own (`manage.py demo_data`): a balance, a bank account and payouts
paid, failed and with the bank, all made by the real services. Screenshots of every step
(laptop and phone width) go to tests/e2e/screens/payouts_*.png."""

from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, sign_in, submit, tr
from ukeoi.accounts.models import User
from ukeoi.demo.management.commands.demo_data import DEMO_PASSWORD
from ukeoi.demo.payouts import FAILURE_REASON
from ukeoi.ledger.selectors import ledger_check_get, reward_balance_get
from ukeoi.payouts.models import PayoutSettings

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


def test_m4_m5_m6_demo_lancer_reads_the_statement_and_switches_the_payout_mode(
    page: Page, url: Url
) -> None:
    call_command("demo_data")
    lancer = User.objects.get(email="lancer@demo.ukeoi.jp")
    # Other demos (contracts) add to the balance; this demo's own part ends with one unit
    # (2,505 yen) approved today, after the three payouts.
    balance = reward_balance_get(user=lancer)
    assert balance >= 2_505
    sign_in(page, url, email="lancer@demo.ukeoi.jp", password=DEMO_PASSWORD)

    # From the account settings to the statement.
    page.goto(url("accounts:settings"))
    page.locator(f"#payout-links a[href='{reverse('payouts:statement')}']").click()
    expect(page).to_have_url(url("payouts:statement"))
    expect(page.locator("h1")).to_have_text(tr("ja", "Reward statement"))
    expect(page.locator("#balance .big-amount")).to_have_text(f"{balance:,}円")
    # Upcoming payout: the whole balance less the 500-yen fee to 三菱ＵＦＪ.
    expect(page.locator("#upcoming-amounts")).to_contain_text(f"{balance - 500:,}円")
    rows = page.locator("#payouts tr.payout")
    expect(rows).to_have_count(3)
    assert [rows.nth(i).get_attribute("data-status") for i in range(3)] == [
        "exported",
        "failed",
        "paid",
    ]
    expect(rows.nth(1)).to_contain_text(FAILURE_REASON)
    expect(rows.nth(1)).to_contain_text(tr("ja", "The amount is back in your balance."))
    wide = page.locator("svg.balance-chart.wide")
    narrow = page.locator("svg.balance-chart.narrow")
    expect(wide).to_be_visible()
    expect(narrow).to_be_hidden()
    box = wide.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] > 150
    shot(page, "payouts_01_statement")
    page.locator("#chart details summary").click()
    expect(page.locator("#chart details table")).to_be_visible()
    shot(page, "payouts_02_statement_chart_table", full_page=False)

    # A phone: the narrow chart replaces the wide one and fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(wide).to_be_hidden()
    expect(narrow).to_be_visible()
    box = narrow.bounding_box()
    assert box is not None
    assert box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "payouts_03_statement_phone")
    page.locator("#chart").scroll_into_view_if_needed()
    shot(page, "payouts_03b_statement_phone_chart", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The settings page: all four conditions hold, the fee is shown before any payout.
    page.get_by_role("link", name=tr("ja", "Payout settings")).first.click()
    expect(page).to_have_url(url("payouts:settings"))
    expect(page.locator("li.condition.met")).to_have_count(4)
    expect(page.locator("#fee .fee-line")).to_contain_text("500円")
    expect(page.locator("#next-payout")).to_contain_text(f"{balance - 500:,}円")
    shot(page, "payouts_04_settings_all_met")

    # Keep the balance: the auto-mode condition turns red, with a way back.
    form = page.locator("#payout-mode form")
    form.locator("input[name=mode][value=manual]").check()
    submit(form)
    expect(page.locator(".message")).to_have_text(tr("ja", "Your payout settings have been saved."))
    unmet = page.locator("li.condition.unmet")
    expect(unmet).to_have_count(1)
    expect(unmet).to_have_attribute("data-code", "auto_mode")
    expect(page.locator("#no-payout")).to_be_visible()
    shot(page, "payouts_05_settings_manual")
    assert PayoutSettings.objects.get(user=lancer).mode == "manual"

    unmet.get_by_role("link").click()
    expect(page).to_have_url(url("payouts:settings") + "#payout-mode")
    form = page.locator("#payout-mode form")
    form.locator("input[name=mode][value=auto]").check()
    submit(form)
    expect(page.locator("li.condition.met")).to_have_count(4)
    assert PayoutSettings.objects.get(user=lancer).mode == "auto"
    assert ledger_check_get().ok

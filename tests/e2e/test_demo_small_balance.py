"""Issue 14 item 11 (W2, W5): in the demo (`manage.py demo_data`, as `make run` loads it) a
lancer whose only blocker is a reward balance under 1,000 yen. Taken from the sign-in page's
list of demo sign-ins, they see on /withdrawal/ that the balance cannot be paid out and will
be forfeited, and the form asks for the forfeit consent of that amount.

Screenshots (desktop and phone 390 × 844): tests/e2e/screens/demo_small_balance_*.png."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, ViewportSize, expect

from tests.e2e.conftest import shot, sign_in, tr
from ukeoi.accounts.models import User
from ukeoi.demo.balance import EMAIL
from ukeoi.demo.management.commands.demo_data import DEMO_PASSWORD
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import reward_account
from ukeoi.withdrawal.enums import BlockerCode

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]
PHONE: ViewportSize = {"width": 390, "height": 844}


def both_sizes(page: Page, name: str) -> None:
    shot(page, f"{name}_desktop")
    laptop = page.viewport_size
    assert laptop is not None
    page.set_viewport_size(PHONE)
    try:
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, f"{name}_phone")
    finally:
        page.set_viewport_size(laptop)


def test_w5_demo_lancer_with_a_small_balance_sees_it_will_be_forfeited(
    page: Page, url: Url, settings: Any, help_centre: None
) -> None:
    settings.DEMO_MODE = True
    call_command("demo_data")
    balance = reward_account(lancer=User.objects.get(email=EMAIL)).balance
    assert 0 < balance < 1000
    assert ledger_check_get().ok

    # The sign-in page lists the account with the other demo sign-ins.
    page.goto(url("accounts:login"))
    demo_box = page.locator(".demo-box")
    expect(demo_box.locator("li", has_text=EMAIL)).to_contain_text(
        tr("ja", "lancer with only a balance under 1,000 yen (forfeited on withdrawal)")
    )
    both_sizes(page, "demo_small_balance_01_sign_in_list")

    sign_in(page, url, email=EMAIL, password=DEMO_PASSWORD)
    page.goto(url("withdrawal:index"))
    blocked = page.locator("#checklist li[data-state=blocked]")
    expect(blocked).to_have_count(1)
    balance_row = page.locator(f"#check-{BlockerCode.REWARD_BALANCE}")
    expect(balance_row.locator(".row-state")).to_have_text(f"報酬残高：あり（{balance:,}円）")
    expect(balance_row).to_contain_text(
        "1,000円未満の残高は振り込めないため、退会すると破棄されます。"
    )
    expect(page.locator("#ready")).to_contain_text(f"{balance:,}円")
    both_sizes(page, "demo_small_balance_02_withdrawal_page")

    page.locator("#ready a.button").click()
    expect(page).to_have_url(url("withdrawal:form"))
    forfeit = page.locator(".field", has=page.locator("[name=forfeit]"))
    expect(forfeit).to_contain_text(f"{balance:,}円")
    forfeit.scroll_into_view_if_needed()
    both_sizes(page, "demo_small_balance_03_form_asks_for_consent")

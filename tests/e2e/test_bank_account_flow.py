"""A7: a lancer finds their bank and branch by name and registers the payout account."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot, sign_in, submit
from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.models import Bank, BankAccount, BankBranch

pytestmark = pytest.mark.django_db(transaction=True)


def test_lancer_searches_bank_and_branch_then_saves_the_account(
    page: Page, url: Callable[..., str]
):
    bank = Bank.objects.create(
        code="0001", name="みずほ", kana="ミズホ", hira="みずほ", roma="mizuho"
    )
    BankBranch.objects.create(
        bank=bank, code="110", name="渋谷", kana="シブヤ", hira="しぶや", roma="shibuya"
    )
    user = UserFactory.create(email="bank@example.jp", display_name="口座 登録")
    sign_in(page, url, email="bank@example.jp", password=DEFAULT_PASSWORD)

    page.goto(url("accounts:bank_account"))
    shot(page, "bank_01_empty")
    page.fill("input[name=bank_q]", "ミズホ")
    page.locator("form:has(input[name=bank_q]) button").click()
    page.get_by_role("link", name="0001 みずほ").click()
    page.fill("input[name=branch_q]", "しぶや")
    page.locator("form:has(input[name=branch_q]) button").click()
    shot(page, "bank_02_branch_found")
    page.get_by_role("link", name="110 渋谷").click()
    expect(page.locator("main form[method=post] input[name=bank_code]")).to_have_value("0001")
    expect(page.locator("main form[method=post] input[name=branch_code]")).to_have_value("110")

    form = page.locator("main form[method=post]")
    form.locator("input[name=number]").fill("12")
    form.locator("input[name=holder_name]").fill("山田太郎")
    response = submit(form)
    assert response.status == 400
    shot(page, "bank_03_errors")
    expect(page.locator(".field.has-error")).to_have_count(2)

    form = page.locator("main form[method=post]")
    form.locator("input[name=number]").fill("1234567")
    form.locator("input[name=holder_name]").fill("ヤマダ タロウ")
    submit(form)
    shot(page, "bank_04_saved")
    expect(page.locator(".notice")).to_contain_text("ﾔﾏﾀﾞ ﾀﾛｳ")
    account = BankAccount.objects.get(user=user)
    assert (account.bank.code, account.branch.code, account.number) == ("0001", "110", "1234567")

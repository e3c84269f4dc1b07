"""L1, L2 in the browser, two people at once: the contract is made and its statement of
terms issued (the lancer downloads the PDF; its first page is rendered to PNG and read); the
lancer delivers; both see the inspection deadline and the payment date on the contract
page; the client does nothing for 14 days (the clock moved for the periodic run only); the
milestone is accepted automatically, the reward reaches the lancer, the page shows it with
its payment date, and the payout batch pays it on that date.

Screenshots: tests/e2e/screens/inspection_*.png (the PDF's first page included)."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.contracts import builders
from tests.e2e.conftest import JAPANESE, download_pdf, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.payouts.batch_support import payee
from tests.support import assert_ledger_clean
from ukeoi.contracts import rules
from ukeoi.contracts.enums import ContractStatus, MilestoneStatus
from ukeoi.contracts.services import contracts_auto_step
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount
from ukeoi.payouts import calendar
from ukeoi.payouts import services as payouts
from ukeoi.payouts.models import Payout

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_a_delivery_nobody_inspects_is_accepted_after_fourteen_days(
    page: Page, lancer_page: Page, url: Url
) -> None:
    client = UserFactory.create(email="insp-client@example.jp", display_name="まめぼ株式会社")
    lancer = payee(0)  # a bank account and the A7 name and address: the payout can be made
    lancer.email, lancer.display_name = "insp-lancer@example.jp", "佐藤デザイン"
    lancer.save(update_fields=["email", "display_name"])
    contract = builders.contract_in_progress(
        client=client, lancer=lancer, amount=30_000, escrowed=True
    )
    contract_url = url("contracts:detail", contract.pk)
    milestone = builders.first_milestone(contract)
    box = f"#milestone-{milestone.pk}"

    # L1: the contract's statement of terms is on its page; the lancer downloads the PDF.
    sign_in(lancer_page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    lancer_page.goto(contract_url)
    terms = lancer_page.locator("#terms")
    expect(terms).to_contain_text("TERMS-")
    terms.scroll_into_view_if_needed()
    shot(lancer_page, "inspection_00_lancer_sees_the_statement_of_terms")
    text = download_pdf(lancer_page, terms.locator("a[download]").first, "inspection_00_terms")
    for expected in ("取引条件明示書", "まめぼ株式会社", "佐藤デザイン", "30,000円", "検収の期日"):
        assert expected in text

    # The lancer delivers.
    delivery = lancer_page.locator(f"{box} form[action$='/deliver/']")
    delivery.locator("textarea").fill("バナー3点を納品します。ご確認ください。")
    submit(delivery)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.DELIVERED
    assert milestone.inspection_due_at is not None
    deadline = milestone.inspection_due_at

    # Both sides see when it is accepted at the latest, and when it is then paid.
    inspection = f"#inspection-{milestone.pk}"
    for who, browser_page in (("lancer", lancer_page), ("client", page)):
        if who == "client":
            sign_in(page, url, email=client.email, password=DEFAULT_PASSWORD)
        browser_page.goto(contract_url)
        facts = browser_page.locator(inspection)
        expect(facts).to_contain_text(tr("ja", "Inspection deadline (検収期限)"))
        expect(facts).to_contain_text(tr("ja", "Payment date"))
        expect(facts).to_contain_text(str(deadline.astimezone().year))
        shot(browser_page, f"inspection_01_{who}_sees_the_deadline")
    expect(page.locator(f"{box} form[action$='/accept/']")).to_be_visible()

    # The client does nothing. Three days before, the periodic run sends the notice; at
    # the deadline it accepts the delivery.
    with time_machine.travel(deadline - timedelta(days=2), tick=False):
        assert contracts_auto_step().inspection_reminded == 1
    with time_machine.travel(deadline + timedelta(minutes=10), tick=False):
        assert contracts_auto_step().accepted == 1

    page.goto(contract_url)
    expect(page.locator(f"{box} .badge.milestone-accepted")).to_be_visible()
    state = page.locator(f"{box} .escrow-state")
    expect(state).to_contain_text(
        tr("ja", "Accepted automatically: the inspection period ended without a decision.")
    )
    pay_day = page.locator(f"#payment-date-{milestone.pk}")
    expect(pay_day).to_contain_text(tr("ja", "Payment date"))
    milestone.refresh_from_db()
    assert milestone.accepted_at is not None
    assert milestone.payment_date == rules.payment_date(milestone.accepted_at.astimezone().date())
    assert JAPANESE.search(pay_day.inner_text())
    expect(page.locator(f"{box} form[action$='/accept/']")).to_have_count(0)
    shot(page, "inspection_02_client_sees_it_accepted")
    lancer_page.goto(contract_url)
    expect(lancer_page.locator(f"#payment-date-{milestone.pk}")).to_be_visible()
    shot(lancer_page, "inspection_03_lancer_sees_the_payment_date")

    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    reward = LedgerAccount.objects.get(kind=AccountKind.REWARD, owner=lancer)
    assert reward.balance == 25_050  # 30,000 - 16.5 % (B6)

    # L2 kept: the payout batch of the close after the acceptance pays it on the date shown.
    cycle = calendar.cycle_for_confirmation(milestone.accepted_at.astimezone().date())
    with time_machine.travel(deadline + timedelta(days=20), tick=False):
        payouts.payout_batch_run(close_date=cycle.close)
    payout = Payout.objects.select_related("batch").get(user=lancer)
    assert payout.batch.payment_date == milestone.payment_date
    assert payout.amount == 25_050
    assert_ledger_clean()

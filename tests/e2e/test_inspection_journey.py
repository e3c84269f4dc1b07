"""L2 in the browser, two people at once: the lancer delivers; both see the inspection
deadline and the payment date on the contract page; the client does nothing for 14 days
(the clock moved for the periodic run only); the milestone is accepted automatically, the
reward reaches the lancer, and the page shows it with its payment date.

Screenshots: tests/e2e/screens/inspection_*.png."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tests.contracts import builders
from tests.e2e.conftest import JAPANESE, shot, sign_in, submit, tr
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import assert_ledger_clean
from ukeoi.contracts import rules
from ukeoi.contracts.enums import ContractStatus, MilestoneStatus
from ukeoi.contracts.services import contracts_auto_step
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_a_delivery_nobody_inspects_is_accepted_after_fourteen_days(
    page: Page, lancer_page: Page, url: Url
) -> None:
    client = UserFactory.create(email="insp-client@example.jp", display_name="まめぼ株式会社")
    lancer = UserFactory.create(email="insp-lancer@example.jp", display_name="佐藤デザイン")
    contract = builders.contract_in_progress(
        client=client, lancer=lancer, amount=30_000, escrowed=True
    )
    contract_url = url("contracts:detail", contract.pk)
    milestone = builders.first_milestone(contract)
    box = f"#milestone-{milestone.pk}"

    # The lancer delivers.
    sign_in(lancer_page, url, email=lancer.email, password=DEFAULT_PASSWORD)
    lancer_page.goto(contract_url)
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
    assert_ledger_clean()

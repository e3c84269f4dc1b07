"""Issue 14 item 11 (W1, W2, W5, M4): the demo data has a lancer whose only withdrawal
blocker is a reward balance under the 1,000-yen payout minimum, so W5's forfeiture can be
seen in `make run`; the balance comes through the real services (the ledger balances,
twice loaded or once), and the account is listed with the other demo sign-ins: in the
command's output, on the sign-in page and in the README."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ukeoi.accounts.models import User
from ukeoi.demo.balance import EMAIL
from ukeoi.demo.management.commands.demo_data import DEMO_PASSWORD, DEMO_USERS
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.ledger.services import reward_account
from ukeoi.withdrawal.enums import BlockerCode
from ukeoi.withdrawal.rules import withdrawal_blockers
from ukeoi.withdrawal.selectors import withdrawal_facts_get

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"


@pytest.fixture
def demo() -> User:
    call_command("demo_data")
    return User.objects.get(email=EMAIL)


def test_w5_the_demo_lancers_only_blocker_is_a_balance_below_the_minimum(demo: User) -> None:
    assert demo.check_password(DEMO_PASSWORD)
    balance = reward_account(lancer=demo).balance

    blockers = withdrawal_blockers(withdrawal_facts_get(user=demo))

    assert [b.code for b in blockers] == [BlockerCode.REWARD_BALANCE]
    assert 0 < balance < settings.PAYOUT_MINIMUM
    assert blockers[0].amount == balance
    assert blockers[0].forfeit_only
    assert ledger_check_get().ok


def test_w2_w5_signed_in_the_withdrawal_page_shows_the_forfeiture(
    client: Client, demo: User
) -> None:
    balance = reward_account(lancer=demo).balance
    client.force_login(demo)

    page = client.get(reverse("withdrawal:index")).content.decode()
    form = client.get(reverse("withdrawal:form"))

    assert page.count('data-state="blocked"') == 1
    assert f"報酬残高：あり（{balance:,}円）" in page
    assert "1,000円未満の残高は振り込めないため、退会すると破棄されます。" in page
    assert 'id="ready"' in page  # nothing else in the way: the form is offered
    assert form.status_code == 200
    assert 'name="forfeit"' in form.content.decode()
    assert f"{balance:,}円" in form.content.decode()


def test_m1_loading_twice_changes_nothing_and_the_ledger_balances(demo: User) -> None:
    balance = reward_account(lancer=demo).balance

    call_command("demo_data")

    assert reward_account(lancer=demo).balance == balance
    assert User.objects.filter(email=EMAIL).count() == 1
    assert ledger_check_get().ok


def test_every_demo_sign_in_is_listed_where_the_sign_ins_are_shown(
    client: Client, capsys: pytest.CaptureFixture[str], settings: Any
) -> None:
    settings.DEMO_MODE = True
    call_command("demo_data")
    printed = capsys.readouterr().out
    sign_in_page = client.get(reverse("accounts:login")).content.decode()
    readme = README.read_text(encoding="utf-8")

    assert EMAIL in [demo.email for demo in DEMO_USERS]
    for demo in DEMO_USERS:
        assert f"  {demo.role:<9} {demo.email}" in printed
        assert f"<code>{demo.email}</code>" in sign_in_page, demo.email
        assert f"`{demo.email}`" in readme, demo.email
    assert "1,000円未満の報酬残高だけが残るランサー（退会時に破棄）" in sign_in_page

"""How the withdrawal checklist words what it shows (issue 14: W1, W2, B4): a contract in
cancellation names the step that waits, as the contract page names it, and who must act
(item 5); each row reads as a state, 「提案中の提案：なし」/「あり（2件）」 (item 6)."""

import html
import re
from typing import Any

import pytest
from django.test import Client

from tests.contracts.builders import (
    Step,
    contract_agreeing,
    contract_in_progress,
    contract_mid_cancellation,
)
from tests.factories import JobFactory, ProposalFactory, UserFactory
from tests.payouts.batch_support import AFTER_CLOSE, CLOSE, OTHER_BANK, payee
from tests.withdrawal.support import give_reward
from ukeoi.accounts.models import User
from ukeoi.contracts.models import Contract
from ukeoi.payouts.services import payout_batch_run
from ukeoi.withdrawal.rules import MAX_ITEMS

pytestmark = pytest.mark.django_db

INDEX = "/withdrawal/"


def page_for(client: Client, user: User, url: str = INDEX) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def row(page: str, code: str) -> str:
    """The checklist row of one condition."""
    match = re.search(rf'<li id="check-{code}".*?(?=<li id="check-|</ol>)', page, re.S)
    assert match, code
    return match.group(0)


def contract_page_current_step(client: Client, user: User, contract: Contract) -> tuple[int, str]:
    """The number and the name of the step the contract page marks as current (B4)."""
    page = page_for(client, user, contract.get_absolute_url())
    match = re.search(
        r'<li class="current" aria-current="step" data-step="(\d)">\s*'
        r'<span class="step-title">([^<]+)</span>',
        page,
    )
    assert match, "no current step on the contract page"
    return int(match.group(1)), match.group(2)


# B4, cancellation proposed by the client: what has been done, and who takes the next step.
WAITING_FOR: list[tuple[Step, int, str]] = [
    ("proposed", 1, "lancer"),  # (1) the side that did not propose agrees
    ("agreed", 2, "lancer"),  # (2) the lancer cancels the escrow
    ("escrow_cancelled", 3, "client"),  # (3) the client deletes the plan
    ("plan_deleted", 4, "lancer"),  # (4) the lancer approves the deletion
]


class TestCancellationStep:
    @pytest.mark.parametrize(("done", "number", "actor"), WAITING_FOR)
    @pytest.mark.parametrize("side", ["client", "lancer"])
    def test_b4_w2_names_the_waiting_step_as_the_contract_page_and_who_acts(
        self, client: Client, done: Step, number: int, actor: str, side: str
    ) -> None:
        contract = contract_mid_cancellation(step=done, proposed_by="client")
        viewer = contract.client if side == "client" else contract.lancer

        page_number, page_name = contract_page_current_step(client, viewer, contract)
        checklist = row(page_for(client, viewer), "contract_in_progress")

        assert page_number == number
        who = "あなた" if side == actor else "相手"
        expected = f"キャンセル手順 {number}/5（{page_name}）：{who}の対応待ち"
        assert expected in checklist, checklist

    def test_w2_step_two_is_the_lancers_escrow_cancellation_not_the_agreement(
        self, client: Client
    ) -> None:
        """The case of the issue: both agreed, so step (2) waits, and it is the lancer's."""
        contract = contract_mid_cancellation(step="agreed", proposed_by="lancer")

        lancer = row(page_for(client, contract.lancer), "contract_in_progress")
        client_row = row(page_for(client, contract.client), "contract_in_progress")

        assert "キャンセル手順 2/5（ランサーが仮払いをキャンセル）：あなたの対応待ち" in lancer
        assert "キャンセル手順 2/5（ランサーが仮払いをキャンセル）：相手の対応待ち" in client_row
        assert "双方がキャンセルに合意" not in lancer

    def test_w2_english_names_the_step_too(self, client: Client) -> None:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        contract = contract_mid_cancellation(step="escrow_cancelled", proposed_by="client")

        checklist = row(page_for(client, contract.client), "contract_in_progress")

        assert (
            "Cancellation step 3 of 5 (The client deletes the plan): waiting for you" in checklist
        )


# --- Issue 14 item 6 (W1, W2): each row reads as a state, not as a condition ------------------


def row_state(page: str, code: str) -> tuple[str, str]:
    """The mark (✔, ✖ or !) and the words of one checklist row."""
    match = re.search(
        r'<span class="mark" aria-hidden="true">([^<]*)</span>'
        r'<strong class="row-state">([^<]*)</strong>',
        row(page, code),
    )
    assert match, code
    return match.group(1), html.unescape(match.group(2))


# Every row of a user with nothing in the way, in W1's order.
NOTHING_JA = {
    "open_job": "募集中の依頼：なし",
    "pending_proposal": "提案中の提案：なし",
    "contract_in_progress": "進行中の契約：なし",
    "unfinished_payment": "支払い待ちなどの取引：なし",
    "payout_in_progress": "振込中の報酬：なし",
    "reward_balance": "報酬残高：なし",
}
NOTHING_EN = {
    "open_job": "Open jobs you posted: none",
    "pending_proposal": "Pending proposals you sent: none",
    "contract_in_progress": "Contracts in progress: none",
    "unfinished_payment": "Unfinished payments and approvals: none",
    "payout_in_progress": "Payouts on their way to your bank: none",
    "reward_balance": "Reward balance: none",
}


def holding(code: str) -> User:
    """A user for whom the condition `code` holds, twice where it can be counted (W1)."""
    if code == "open_job":
        user = UserFactory.create()
        JobFactory.create_batch(2, client=user)
    elif code == "pending_proposal":
        user = UserFactory.create()
        ProposalFactory.create_batch(2, lancer=user)
    elif code == "contract_in_progress":
        user = contract_agreeing().lancer
    elif code == "unfinished_payment":
        user = contract_in_progress(escrowed=True).lancer  # and a contract in progress
    elif code == "payout_in_progress":
        user = payee(5000, bank_code=OTHER_BANK)
        payout_batch_run(close_date=CLOSE)
    else:
        user = UserFactory.create()
        give_reward(user, 800)
    return user


HOLDS_JA = {
    "open_job": ("✖", "募集中の依頼：あり（2件）"),
    "pending_proposal": ("✖", "提案中の提案：あり（2件）"),
    "contract_in_progress": ("✖", "進行中の契約：あり（1件）"),
    "unfinished_payment": ("✖", "支払い待ちなどの取引：あり（1件）"),
    "payout_in_progress": ("✖", "振込中の報酬：あり（1件）"),
    "reward_balance": ("!", "報酬残高：あり（800円）"),
}
HOLDS_EN = {
    "open_job": "Open jobs you posted: 2",
    "pending_proposal": "Pending proposals you sent: 2",
    "contract_in_progress": "Contracts in progress: 1",
    "unfinished_payment": "Unfinished payments and approvals: 1",
    "payout_in_progress": "Payouts on their way to your bank: 1",
    "reward_balance": "Reward balance: 800 yen",
}


class TestRowsReadAsStates:
    """Issue 14 item 6 (W2): a green ✔ beside 「提案中の提案がある」 read as "yes, there is"."""

    def test_w2_nothing_in_the_way_every_row_says_none_beside_its_tick(
        self, client: Client
    ) -> None:
        page = page_for(client, UserFactory.create())

        assert {code: row_state(page, code) for code in NOTHING_JA} == {
            code: ("✔", words) for code, words in NOTHING_JA.items()
        }
        # No row is a condition that "applies" or not: the words are the state.
        assert "該当" not in page
        checklist = re.search(r'<ol class="checklist">.*?</ol>', page, re.S)
        assert checklist
        assert "がある" not in checklist.group(0)

    def test_w2_english_rows_say_none_too(self, client: Client) -> None:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        page = page_for(client, UserFactory.create())

        assert {code: row_state(page, code)[1] for code in NOTHING_EN} == NOTHING_EN
        assert "Does not apply" not in page

    @pytest.mark.parametrize("code", list(HOLDS_JA))
    def test_w1_w2_a_condition_that_holds_says_how_many_beside_its_cross(
        self, client: Client, code: str, time_machine: Any, settings: Any, tmp_path: Any
    ) -> None:
        time_machine.move_to(AFTER_CLOSE, tick=False)
        settings.MEDIA_ROOT = str(tmp_path)
        user = holding(code)

        page = page_for(client, user)

        assert row_state(page, code) == HOLDS_JA[code]
        assert 'data-state="blocked"' in row(page, code)

    @pytest.mark.parametrize("code", list(HOLDS_EN))
    def test_w1_w2_english_says_how_many(
        self, client: Client, code: str, time_machine: Any, settings: Any, tmp_path: Any
    ) -> None:
        time_machine.move_to(AFTER_CLOSE, tick=False)
        settings.MEDIA_ROOT = str(tmp_path)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        user = holding(code)

        assert row_state(page_for(client, user), code)[1] == HOLDS_EN[code]

    def test_w2_the_count_is_of_all_items_not_only_the_listed_ones(self, client: Client) -> None:
        user = UserFactory.create()
        JobFactory.create_batch(MAX_ITEMS + 3, client=user)

        page = page_for(client, user)

        assert row_state(page, "open_job") == ("✖", f"募集中の依頼：あり（{MAX_ITEMS + 3}件）")
        assert row(page, "open_job").count('data-kind="job"') == MAX_ITEMS

    def test_w2_the_intro_says_what_the_rows_must_read(self, client: Client) -> None:
        page = page_for(client, UserFactory.create())
        assert "下の6項目がすべて「なし」になると退会できます。" in page

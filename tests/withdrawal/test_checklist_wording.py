"""How the withdrawal checklist words what it shows (issue 14: W1, W2, B4): a contract in
cancellation names the step that waits, as the contract page names it, and who must act."""

import re

import pytest
from django.test import Client

from tests.contracts.builders import Step, contract_mid_cancellation
from ukeoi.accounts.models import User
from ukeoi.contracts.models import Contract

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

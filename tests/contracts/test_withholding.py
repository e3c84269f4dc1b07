"""T3 (源泉徴収): a job posted as subject to withholding makes contracts that withhold
10.21 % (20.42 % above 1,000,000 yen) of each accepted amount, rounded down: the lancer's
balance gets the rest, the withheld tax goes to the client's withholding account (owed to
the tax office), and the pages and the API show gross, withheld and net. Every test ends
with a balanced ledger."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests.contracts import builders
from tests.contracts.support import balance
from tests.jobs.test_pages import job_form
from tests.support import assert_ledger_clean
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Milestone
from ukeoi.core.withholding import payment_due, withholding_tax
from ukeoi.jobs.enums import JobFormat
from ukeoi.jobs.models import Job
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerEntry, LedgerTransaction

pytestmark = pytest.mark.django_db


def accepted(amount: int, *, withholding: bool) -> Milestone:
    contract = builders.contract_in_progress(amount=amount, delivered=True, withholding=withholding)
    milestone = builders.first_milestone(contract)
    contracts.milestone_accept(actor=contract.client, milestone_id=milestone.pk)
    milestone.refresh_from_db()
    return milestone


def test_acceptance_withholds_and_credits_the_client_withholding_account() -> None:
    milestone = accepted(50_000, withholding=True)
    contract = milestone.contract

    assert contract.withholding is True
    assert milestone.withholding_tax == 5_105  # 50,000 x 10.21 %
    assert milestone.lancer_fee == 8_250  # 16.5 % (B6)
    assert balance(AccountKind.REWARD, owner=contract.lancer) == 50_000 - 8_250 - 5_105
    assert balance(AccountKind.WITHHOLDING, owner=contract.client) == 5_105
    legs = dict(
        LedgerEntry.objects.filter(transaction__key=f"milestone:{milestone.pk}:accept").values_list(
            "account__kind", "amount"
        )
    )
    assert legs == {
        AccountKind.ESCROW: -50_000,
        AccountKind.REWARD: 36_645,
        AccountKind.FEE_REVENUE_LANCER: 8_250,
        AccountKind.WITHHOLDING: 5_105,
    }
    assert_ledger_clean()


def test_above_one_million_the_excess_is_withheld_at_twenty_point_four_two() -> None:
    milestone = accepted(1_500_000, withholding=True)
    assert milestone.withholding_tax == 102_100 + 102_100 == 204_200
    assert milestone.lancer_net == 1_500_000 - milestone.lancer_fee - 204_200
    assert_ledger_clean()


def test_a_job_without_withholding_withholds_nothing() -> None:
    milestone = accepted(50_000, withholding=False)
    assert milestone.withholding_tax == 0
    assert balance(AccountKind.WITHHOLDING, owner=milestone.contract.client) == 0
    assert balance(AccountKind.REWARD, owner=milestone.contract.lancer) == 41_750
    assert_ledger_clean()


def test_accepting_twice_withholds_once() -> None:
    """M2: the acceptance's key is unchanged; a retry posts nothing."""
    milestone = accepted(20_000, withholding=True)
    with pytest.raises(Exception):  # noqa: B017, PT011 - refused: already accepted
        contracts.milestone_accept(actor=milestone.contract.client, milestone_id=milestone.pk)
    assert LedgerTransaction.objects.filter(key=f"milestone:{milestone.pk}:accept").count() == 1
    assert balance(AccountKind.WITHHOLDING, owner=milestone.contract.client) == 2_042
    assert_ledger_clean()


class TestGrossIsNetPlusWithheld(TestCase):
    """T3, M1: over amounts, gross = net + fee + withheld, and the ledger balances."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(min_value=1, max_value=5_000_000))
    def test_any_amount(self, amount: int) -> None:
        milestone = accepted(amount, withholding=True)
        assert milestone.withholding_tax == withholding_tax(amount)
        net = balance(AccountKind.REWARD, owner=milestone.contract.lancer)
        assert amount == net + milestone.lancer_fee + milestone.withholding_tax
        assert net == milestone.lancer_net >= 0
        assert_ledger_clean()


def test_the_client_marks_a_project_as_subject_to_withholding(
    client: Client, client_user: User
) -> None:
    client.force_login(client_user)
    response = client.post("/jobs/new/", job_form(withholding="on"))
    assert response.status_code == 302
    assert Job.objects.get().withholding is True
    page = client.get("/jobs/new/").content.decode()
    assert "所得税法" in page  # the help text names who must withhold


def test_withholding_is_refused_for_a_competition_with_a_clear_message(
    client: Client, client_user: User
) -> None:
    client.force_login(client_user)
    response = client.post(
        "/jobs/new/",
        job_form(format=JobFormat.COMPETITION, budget_max="", withholding="on"),
    )
    assert response.status_code == 400
    assert "源泉徴収" in response.content.decode()
    assert not Job.objects.exists()


def test_the_pages_and_the_api_show_gross_withheld_and_net(client: Client) -> None:
    contract = builders.contract_in_progress(amount=50_000, delivered=True, withholding=True)
    milestone = builders.first_milestone(contract)
    client.force_login(contract.lancer)
    before = client.get(contract.get_absolute_url()).content.decode()
    assert "源泉徴収" in before
    assert "5,105円" in before  # what will be withheld, shown before the acceptance
    api = client.get(f"/api/contracts/{contract.pk}").json()
    fees = api["milestones"][0]["fees"]
    assert (fees["amount"], fees["withholding"], fees["lancer_net"]) == (50_000, 5_105, 36_645)

    contracts.milestone_accept(actor=contract.client, milestone_id=milestone.pk)
    client.force_login(contract.client)
    after = client.get(contract.get_absolute_url()).content.decode()
    assert "5,105円" in after
    assert "税務署" in after  # the client pays it to the tax office, by when
    assert_ledger_clean()


def test_the_statement_of_terms_states_the_withholding(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from ukeoi.contracts.statement import statements_list

    contract = builders.contract_in_progress(amount=50_000, withholding=True)
    (current, *_older) = statements_list(contract)
    assert current.payload["withholding"] is True
    lines = {item["key"]: item["lines"] for item in current.payload["items"]}
    assert any("源泉徴収" in line for line in lines["amounts"])


def test_the_reward_statement_shows_gross_fee_withheld_and_net(client: Client) -> None:
    """T3: the 報酬明細 (web and API) names the tax withheld from each reward."""
    milestone = accepted(50_000, withholding=True)
    client.force_login(milestone.contract.lancer)
    page = client.get("/payouts/").content.decode()
    assert "5,105円" in page
    assert "8,250円" in page
    assert "50,000円" in page
    lines = client.get("/api/me/statement").json()["lines"]
    (reward,) = [line for line in lines if line["kind"] == "milestone.accept"]
    assert (reward["amount"], reward["withheld"]) == (36_645, 5_105)
    assert_ledger_clean()


def test_the_client_sees_what_to_pay_the_tax_office_and_by_when(client: Client) -> None:
    """T3: per month, the tax withheld and its due date (the 10th of the next month)."""
    milestone = accepted(50_000, withholding=True)
    contract = milestone.contract
    client.force_login(contract.client)
    response = client.get("/contracts/withholding/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "5,105円" in page
    assert milestone.accepted_at is not None
    due = payment_due(timezone.localdate(milestone.accepted_at))
    assert f"{due.year}年{due.month}月{due.day}日" in page
    client.force_login(contract.lancer)  # the lancer withheld nothing
    assert "5,105円" not in client.get("/contracts/withholding/").content.decode()

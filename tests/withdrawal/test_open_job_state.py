"""Issue 14 item 12 (W1 `open_job`, W2): a job that already hired, and whose work is done,
still counts as open (依頼中) — hiring does not close a project, nor approving units a task.
The withdrawal checklist says what each open job is (募集中, 採用済み n 名) so the client sees
why it still counts, with the one action that ends it: closing the job (which leaves the
contracts made as they are)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.contracts.builders import escrow, first_milestone, operator
from tests.factories import JobFactory, ProposalFactory, UserFactory
from tests.support import assert_ledger_clean
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.contracts.enums import ContractStatus
from ukeoi.contracts.models import Contract
from ukeoi.core import clock
from ukeoi.jobs import services as jobs
from ukeoi.jobs.models import ClientPayment, Job
from ukeoi.withdrawal import selectors
from ukeoi.withdrawal.enums import BlockerCode
from ukeoi.withdrawal.rules import withdrawal_blockers

pytestmark = pytest.mark.django_db

INDEX = "/withdrawal/"


def hire_and_finish(job: Job, *, lancers: int) -> list[Contract]:
    """B1, B3: the client hires `lancers` lancers on one project; each contract's milestone
    is escrowed, delivered and accepted (the work is done, the contract completed)."""
    done = []
    for _ in range(lancers):
        proposal = ProposalFactory.create(job=job, lancer=UserFactory.create())
        contracts.proposal_hire(actor=job.client, proposal_id=proposal.pk)
        contract = Contract.objects.get(proposal=proposal)
        contracts.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
        milestone = escrow(first_milestone(contract))
        contracts.milestone_deliver(actor=contract.lancer, milestone_id=milestone.pk, body="納品")
        contracts.milestone_accept(actor=job.client, milestone_id=milestone.pk)
        contract.refresh_from_db()
        assert contract.status == ContractStatus.COMPLETED
        done.append(contract)
    return done


def task_with_approved_units(client: User, *, units: int) -> Job:
    """A task the client paid for, `units` units done and approved (through the services)."""
    task = jobs.job_post(
        actor=client,
        title="商品レビューの入力",
        description="レビューを1件ずつ入力してください。",
        category="data_entry",
        format="task",
        deadline=clock.now() + timedelta(days=10),
        unit_reward=500,
        units=10,
    )
    payment = ClientPayment.objects.get(job=task)
    jobs.client_payment_confirm(actor=operator(), payment_id=payment.pk)
    for _ in range(units):
        unit = jobs.task_submission_submit(
            actor=UserFactory.create(), job_id=task.pk, content="入力しました。"
        )
        jobs.task_submission_approve(actor=client, submission_id=unit.pk)
    return task


@pytest.fixture
def client_user() -> User:
    return UserFactory.create(display_name="株式会社さくら")


def page_for(client: Client, user: User, language: str = "ja") -> str:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(user)
    return client.get(INDEX).content.decode()


def job_item(page: str, job: Job) -> str:
    match = re.search(rf'<li data-kind="job" data-id="{job.pk}">.*?</div>\s*</li>', page, re.S)
    assert match, job.pk
    return match.group(0)


class TestFacts:
    """The selector, on SQLite and PostgreSQL: each open job says what it is."""

    def test_w1_a_project_that_hired_and_finished_still_counts_and_says_so(
        self, client_user: User
    ) -> None:
        hired = JobFactory.create(client=client_user, title="ロゴ制作")
        hire_and_finish(hired, lancers=2)
        fresh = JobFactory.create(client=client_user, title="バナー制作")

        facts = selectors.withdrawal_facts_get(user=client_user)

        assert BlockerCode.OPEN_JOB in [b.code for b in withdrawal_blockers(facts)]
        items = {item.id: item for item in facts.open_jobs.items}
        assert items[hired.pk].detail == "募集中・採用済み 2 名"
        assert "採用しても募集は終わりません" in items[hired.pk].note
        assert items[fresh.pk].detail == "募集中"
        assert items[fresh.pk].note == ""
        assert_ledger_clean()

    def test_w1_a_task_with_approved_units_says_how_many(self, client_user: User) -> None:
        task = task_with_approved_units(client_user, units=3)

        (item,) = selectors.withdrawal_facts_get(user=client_user).open_jobs.items

        assert item.id == task.pk
        assert item.detail == "募集中・承認済み 3 件"
        assert "作業を承認しても募集は終わりません" in item.note

    def test_w1_a_job_awaiting_its_prize_says_so(self, client_user: User) -> None:
        jobs.job_post(
            actor=client_user,
            title="ロゴのコンペ",
            description="ロゴを募集します。",
            category="design",
            format="competition",
            deadline=clock.now() + timedelta(days=10),
            budget_min=30_000,
        )

        (item,) = selectors.withdrawal_facts_get(user=client_user).open_jobs.items

        assert item.detail == "仮払い待ち"

    def test_w1_english_says_what_the_job_is_too(self, client_user: User) -> None:
        hired = JobFactory.create(client=client_user)
        hire_and_finish(hired, lancers=1)
        task = task_with_approved_units(client_user, units=1)
        with translation.override("en"):
            items = {
                i.id: i for i in selectors.withdrawal_facts_get(user=client_user).open_jobs.items
            }

        assert items[hired.pk].detail == "Open for proposals, 1 hired"
        assert items[task.pk].detail == "Open for proposals, 1 unit approved"
        assert items[hired.pk].note.startswith("Hiring does not close a job")


class TestPage:
    def test_w2_the_row_says_what_the_job_is_with_the_one_action_that_ends_it(
        self, client: Client, client_user: User
    ) -> None:
        hired = JobFactory.create(client=client_user, title="ロゴ制作")
        hire_and_finish(hired, lancers=2)

        item = job_item(page_for(client, client_user), hired)

        assert "ロゴ制作" in item
        assert "募集中・採用済み 2 名" in item
        assert (
            "採用しても募集は終わりません。募集を終了するまで提案を受け付け、ここに数えられます。"
            "募集を終了しても、採用した方との契約はそのまま続きます。"
        ) in item
        # One action: closing the job (募集を終了する).
        forms = re.findall(r'<form method="post" action="([^"]+)"', item)
        assert forms == [reverse("jobs:close", args=[hired.pk])]
        assert item.count("<button") == 1
        assert "募集を終了する" in item

    def test_w2_closing_it_clears_the_blocker_and_keeps_the_contracts(
        self, client: Client, client_user: User
    ) -> None:
        hired = JobFactory.create(client=client_user)
        done = hire_and_finish(hired, lancers=2)
        client.force_login(client_user)

        response = client.post(reverse("jobs:close", args=[hired.pk]))

        assert response.status_code == 302
        facts = selectors.withdrawal_facts_get(user=client_user)
        assert facts.open_jobs.count == 0
        assert withdrawal_blockers(facts) == []
        for contract in done:
            contract.refresh_from_db()
            assert contract.status == ContractStatus.COMPLETED
        assert_ledger_clean()

    def test_w2_api_items_carry_the_state_and_the_note(
        self, client: Client, client_user: User
    ) -> None:
        hired = JobFactory.create(client=client_user)
        hire_and_finish(hired, lancers=1)
        client.force_login(client_user)

        body = client.get("/api/withdrawal", HTTP_ACCEPT_LANGUAGE="ja").json()

        (blocker,) = [b for b in body["blockers"] if b["code"] == "open_job"]
        (item,) = blocker["items"]
        assert item["detail"] == "募集中・採用済み 1 名"
        assert item["note"].startswith("採用しても募集は終わりません")

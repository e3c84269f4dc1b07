"""The contract pages (B3–B7, B5, A4, B8): my contracts with tabs and filters (queries flat),
the contract page with fees shown before each action, deliveries served to the two sides
only, the five cancellation steps with the button for the side who must act, ratings.
Refused actions answer 4xx with the reason and change nothing."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.contracts import builders
from tests.contracts.builders import first_milestone
from tests.factories import UserFactory
from tests.support import assert_ledger_clean, snapshot
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.contracts import selectors, services
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Cancellation, Contract, Delivery, Milestone, Rating
from ukeoi.core.errors import NotFound
from ukeoi.jobs.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Delivered files go to a folder of this test, not the site's media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def en(client: Client) -> Client:
    """English pages, for assertions on the source wording."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page(client: Client, contract: Contract, user: User) -> str:
    client.force_login(user)
    response = client.get(contract.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def url(name: str, *args: Any) -> str:
    return reverse(f"contracts:{name}", args=args)


def test_header_links_to_my_contracts(en: Client) -> None:
    en.force_login(UserFactory.create())

    assert f'href="{url("list")}"' in en.get("/").content.decode()


# --- My contracts ---------------------------------------------------------------------------


class TestMyContracts:
    def test_sign_in_required(self, client: Client) -> None:
        assert client.get(url("list")).status_code == 302

    def test_tabs_split_client_and_lancer_sides(self, en: Client) -> None:
        me = UserFactory.create()
        as_client = builders.contract_agreeing(client=me)
        as_lancer = builders.contract_in_progress(lancer=me)
        as_lancer.title = "翻訳の契約"
        as_lancer.save(update_fields=["title"])
        en.force_login(me)

        both = en.get(url("list")).content.decode()
        client_tab = en.get(url("list"), {"role": "client"}).content.decode()
        lancer_tab = en.get(url("list"), {"role": "lancer"}).content.decode()

        assert as_client.get_absolute_url() in both
        assert as_lancer.get_absolute_url() in both
        assert as_client.get_absolute_url() in client_tab
        assert as_lancer.get_absolute_url() not in client_tab
        assert as_lancer.get_absolute_url() in lancer_tab
        assert as_client.get_absolute_url() not in lancer_tab

    def test_status_filter(self, en: Client) -> None:
        me = UserFactory.create()
        agreeing = builders.contract_agreeing(client=me)
        done = builders.contract_completed(client=me)
        en.force_login(me)

        listed = en.get(url("list"), {"status": "completed"}).content.decode()

        assert done.get_absolute_url() in listed
        assert agreeing.get_absolute_url() not in listed

    def test_who_acts_next_is_shown_and_mine_is_marked(self, en: Client) -> None:
        contract = builders.contract_agreeing()
        en.force_login(contract.lancer)

        listed = en.get(url("list")).content.decode()

        assert "Your turn: agree to the milestones" in listed
        assert 'class="next-action mine"' in listed

    def test_an_ended_contract_asks_each_side_to_rate_until_they_have(self, en: Client) -> None:
        """B5: the list says whose turn it is to rate; once rated, it no longer asks."""
        done = builders.contract_completed()
        prompt = "Your turn: rate the other side"
        en.force_login(done.client)
        assert prompt in en.get(url("list")).content.decode()

        services.rating_submit(
            actor=done.client, contract_id=done.pk, value="satisfied", comment="ありがとう"
        )

        assert prompt not in en.get(url("list")).content.decode()
        en.force_login(done.lancer)
        assert prompt in en.get(url("list")).content.decode()

    def test_a_contract_cancelled_before_work_asks_for_no_rating(self, en: Client) -> None:
        """B5: cancelled before any escrow: nothing to rate."""
        contract = builders.contract_agreeing()
        Contract.objects.filter(pk=contract.pk).update(
            status=ContractStatus.CANCELLED, cancelled_at=contract.created_at
        )
        en.force_login(contract.client)

        assert "Your turn: rate" not in en.get(url("list")).content.decode()

    @pytest.mark.parametrize("query", [{"role": "boss"}, {"status": "paused"}])
    def test_unknown_filter_is_400_with_a_message(self, en: Client, query: dict[str, str]) -> None:
        en.force_login(UserFactory.create())

        response = en.get(url("list"), query)

        assert response.status_code == 400
        assert "That filter is not known" in response.content.decode()

    def test_query_count_does_not_grow_with_contracts(self, client: Client) -> None:
        me = UserFactory.create()
        builders.contract_in_progress(client=me)
        client.force_login(me)
        client.get(url("list"))  # the site-wide lookups cached once (the legal versions)
        with CaptureQueriesContext(connection) as one:
            assert client.get(url("list")).status_code == 200
        builders.contract_completed(client=me)
        builders.contract_mid_cancellation(client=me, step="agreed")
        builders.contract_agreeing(lancer=me)
        builders.contract_in_progress(lancer=me, delivered=True)
        with CaptureQueriesContext(connection) as five:
            response = client.get(url("list"))

        assert response.content.decode().count('href="/contracts/') >= 5
        assert len(five) == len(one)


# --- The contract page ----------------------------------------------------------------------


class TestContractPage:
    def test_only_its_two_sides_see_it(self, client: Client) -> None:
        contract = builders.contract_in_progress()
        client.force_login(UserFactory.create())

        assert client.get(contract.get_absolute_url()).status_code == 404
        client.logout()
        assert client.get(contract.get_absolute_url()).status_code == 302

    def test_counterpart_trust_signals_are_shown(self, en: Client) -> None:
        """A4: next to the counterpart's name: verified or not, ratings and share."""
        contract = builders.contract_agreeing()

        html = page(en, contract, contract.lancer)

        assert contract.client.display_name in html
        assert "Identity not verified" in html
        assert "No ratings yet" in html

    def test_lancer_sees_net_before_agreeing(self, en: Client) -> None:
        """B6: 16.5 % of 10,000 yen is deducted on acceptance: 8,350 reaches the lancer."""
        contract = builders.contract_agreeing(amount=10_000)

        html = page(en, contract, contract.lancer)

        assert "You receive on acceptance" in html
        assert "8,350" in html
        assert "1,650" in html
        assert url("milestones_agree", contract.pk) in html

    def test_client_sees_escrow_total_before_escrowing(self, en: Client) -> None:
        """B6: 5.5 % client fee on 10,000 yen: the button says 10,550 yen."""
        contract = builders.contract_in_progress(escrowed=False, amount=10_000)
        milestone = first_milestone(contract)

        html = page(en, contract, contract.client)

        assert "You pay into escrow" in html
        assert "Escrow ¥10,550 (仮払い)" in html or "Escrow 10,550" in html
        assert url("escrow", milestone.pk) in html
        lancer_html = page(en, contract, contract.lancer)
        assert url("escrow", milestone.pk) not in lancer_html

    def test_message_thread_is_the_proposals(self, en: Client) -> None:
        """B8: the two sides write in the thread they had on the proposal."""
        contract = builders.contract_agreeing()
        en.force_login(contract.client)

        response = en.post(contract.get_absolute_url(), {"message-body": "よろしくお願いします"})

        assert response.status_code == 302
        message = Message.objects.get()
        assert (message.thread_id, message.sender_id) == (contract.thread_id, contract.client_id)
        assert "よろしくお願いします" in page(en, contract, contract.lancer)

    def test_empty_message_is_400(self, en: Client) -> None:
        contract = builders.contract_agreeing()
        en.force_login(contract.client)

        response = en.post(contract.get_absolute_url(), {"message-body": "  "})

        assert response.status_code == 400
        assert Message.objects.count() == 0


class TestPlan:
    def plan(self, **rows: str) -> dict[str, str]:
        data = {
            "plan-TOTAL_FORMS": "3",
            "plan-INITIAL_FORMS": "0",
            "plan-MIN_NUM_FORMS": "0",
            "plan-MAX_NUM_FORMS": "20",
        }
        return data | rows

    def test_client_proposes_two_milestones(self, en: Client) -> None:
        contract = builders.contract_agreeing()
        en.force_login(contract.client)

        response = en.post(
            url("milestones_propose", contract.pk),
            self.plan(
                **{
                    "plan-0-title": "デザイン案",
                    "plan-0-amount": "２０，０００",
                    "plan-1-title": "納品データ",
                    "plan-1-amount": "30000",
                }
            ),
        )

        assert response.status_code == 302
        open_ones = contract.milestones.filter(status=MilestoneStatus.PROPOSED)
        assert sorted(open_ones.values_list("amount", flat=True)) == [20_000, 30_000]

    @pytest.mark.parametrize("amount", ["0", "-5", "abc", ""])
    def test_bad_amount_is_400_next_to_the_row_and_nothing_changes(
        self, en: Client, amount: str
    ) -> None:
        contract = builders.contract_agreeing()
        en.force_login(contract.client)
        before = snapshot()

        response = en.post(
            url("milestones_propose", contract.pk),
            self.plan(**{"plan-0-title": "デザイン案", "plan-0-amount": amount}),
        )

        assert response.status_code == 400
        assert 'class="error"' in response.content.decode()
        assert snapshot() == before

    def test_lancer_cannot_propose_the_plan(self, en: Client) -> None:
        contract = builders.contract_agreeing()
        en.force_login(contract.lancer)
        before = snapshot()

        response = en.post(
            url("milestones_propose", contract.pk),
            self.plan(**{"plan-0-title": "x", "plan-0-amount": "1000"}),
        )

        assert response.status_code == 403
        assert "Only the client" in response.content.decode()
        assert snapshot() == before

    def test_lancer_agrees_and_client_cannot(self, en: Client) -> None:
        contract = builders.contract_agreeing()
        en.force_login(contract.client)
        before = snapshot()
        assert en.post(url("milestones_agree", contract.pk)).status_code == 403
        assert snapshot() == before

        en.force_login(contract.lancer)
        assert en.post(url("milestones_agree", contract.pk)).status_code == 302

        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_PROGRESS


class TestEscrowDeliveryAcceptance:
    def test_escrow_request_shows_the_transfer_and_demo_confirmation(
        self, en: Client, settings: Any, operator: User
    ) -> None:
        """B3: the client asks to escrow; the page shows amount + fee and the reference;
        in demo mode the client confirms as an operator would (入金確認)."""
        settings.DEMO_MODE = True
        contract = builders.contract_in_progress(escrowed=False)
        milestone = first_milestone(contract)
        en.force_login(contract.client)

        assert en.post(url("escrow", milestone.pk)).status_code == 302
        html = page(en, contract, contract.client)
        milestone.refresh_from_db()
        assert milestone.payment is not None
        assert milestone.payment.reference in html
        assert "10,550" in html
        assert url("escrow", milestone.pk) not in html

        assert en.post(url("demo_confirm", milestone.pk)).status_code == 302

        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.ESCROWED
        assert_ledger_clean()

    def test_demo_confirmation_is_not_there_outside_demo_mode(
        self, en: Client, settings: Any
    ) -> None:
        settings.DEMO_MODE = False
        contract = builders.contract_in_progress(escrowed=False)
        milestone = first_milestone(contract)
        en.force_login(contract.client)
        en.post(url("escrow", milestone.pk))

        assert en.post(url("demo_confirm", milestone.pk)).status_code == 404
        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.AWAITING_ESCROW

    def test_lancer_delivers_a_file_served_to_the_two_sides_only(self, en: Client) -> None:
        contract = builders.contract_in_progress()
        milestone = first_milestone(contract)
        en.force_login(contract.lancer)
        upload = SimpleUploadedFile("logo.svg", b"<svg></svg>", content_type="image/svg+xml")

        response = en.post(
            url("deliver", milestone.pk),
            {f"d{milestone.pk}-body": "", f"d{milestone.pk}-file": upload},
        )

        assert response.status_code == 302
        delivery = Delivery.objects.get()
        file_url = url("delivery_file", delivery.pk)
        for side in (contract.client, contract.lancer):
            assert file_url in page(en, contract, side)
            download = en.get(file_url)
            assert download.status_code == 200
            assert b"".join(download.streaming_content) == b"<svg></svg>"
            assert download["Content-Disposition"].startswith("attachment")
            assert download["X-Content-Type-Options"] == "nosniff"
        en.force_login(UserFactory.create())
        assert en.get(file_url).status_code == 404
        en.logout()
        assert en.get(file_url).status_code == 302

    def test_delivery_needs_a_note_or_a_file(self, en: Client) -> None:
        contract = builders.contract_in_progress()
        milestone = first_milestone(contract)
        en.force_login(contract.lancer)
        before = snapshot()

        response = en.post(url("deliver", milestone.pk), {f"d{milestone.pk}-body": " "})

        assert response.status_code == 400
        assert "Write a delivery note or attach a file." in response.content.decode()
        assert snapshot() == before

    def test_delivering_twice_is_refused(self, en: Client) -> None:
        contract = builders.contract_in_progress(delivered=True)
        milestone = first_milestone(contract)
        en.force_login(contract.lancer)
        before = snapshot()

        response = en.post(url("deliver", milestone.pk), {f"d{milestone.pk}-body": "もう一度"})

        assert response.status_code == 409
        assert "already delivered" in response.content.decode()
        assert snapshot() == before

    def test_accepting_an_unfunded_milestone_is_refused(self, en: Client) -> None:
        contract = builders.contract_in_progress(escrowed=False)
        milestone = first_milestone(contract)
        en.force_login(contract.client)
        before = snapshot()

        response = en.post(url("accept", milestone.pk))

        assert response.status_code == 409
        assert "not escrowed yet" in response.content.decode()
        assert snapshot() == before

    def test_client_accepts_and_the_lancer_is_paid(self, en: Client) -> None:
        """B3, B6: 10,000 yen accepted: the lancer's net is 8,350; the contract completes."""
        contract = builders.contract_in_progress(delivered=True)
        milestone = first_milestone(contract)
        html = page(en, contract, contract.client)
        assert url("accept", milestone.pk) in html
        assert url("accept", milestone.pk) not in page(en, contract, contract.lancer)
        en.force_login(contract.client)

        assert en.post(url("accept", milestone.pk)).status_code == 302

        milestone.refresh_from_db()
        contract.refresh_from_db()
        assert milestone.status == MilestoneStatus.ACCEPTED
        assert contract.status == ContractStatus.COMPLETED
        assert "8,350" in page(en, contract, contract.lancer)
        assert_ledger_clean()

    def test_client_requests_changes(self, en: Client) -> None:
        contract = builders.contract_in_progress(delivered=True)
        milestone = first_milestone(contract)
        en.force_login(contract.client)

        response = en.post(
            url("request_changes", milestone.pk), {f"c{milestone.pk}-comment": "色を変えてください"}
        )

        assert response.status_code == 302
        milestone.refresh_from_db()
        assert milestone.status == MilestoneStatus.ESCROWED
        assert "色を変えてください" in page(en, contract, contract.lancer)

    def test_lancer_cannot_accept(self, en: Client) -> None:
        contract = builders.contract_in_progress(delivered=True)
        en.force_login(contract.lancer)
        before = snapshot()

        assert en.post(url("accept", first_milestone(contract).pk)).status_code == 403
        assert snapshot() == before


# --- Cancellation (B4, B7) ------------------------------------------------------------------


def step_form(contract: Contract, action: str) -> str:
    return f'action="{url("cancellation_step", contract.pk, action)}"'


class TestCancellation:
    def test_five_steps_through_the_pages_with_the_button_for_who_must_act_only(
        self, en: Client
    ) -> None:
        """B4: each step by the side named; the other side sees who is next and when the
        step is taken automatically (B7), without a button."""
        contract = builders.contract_in_progress()
        client_user, lancer = contract.client, contract.lancer
        en.force_login(client_user)
        response = en.post(
            url("cancellation_propose", contract.pk), {"cancel-reason": "方針変更のため"}
        )
        assert response.status_code == 302

        for action, actor, other in [
            ("agree", lancer, client_user),
            ("escrow_cancel", lancer, client_user),
            ("plan_delete", client_user, lancer),
            ("deletion_approve", lancer, client_user),
        ]:
            mine = page(en, contract, actor)
            theirs = page(en, contract, other)
            assert step_form(contract, action) in mine
            assert "It is your turn." in mine
            assert step_form(contract, action) not in theirs
            assert f"Waiting for {actor.display_name}." in theirs
            assert "it is taken automatically" in theirs
            en.force_login(actor)
            assert en.post(url("cancellation_step", contract.pk, action)).status_code == 302

        contract.refresh_from_db()
        assert contract.status == ContractStatus.CANCELLED
        html = page(en, contract, client_user)
        assert html.count('<li class="done"') == 5
        assert_ledger_clean()

    @pytest.mark.parametrize(
        ("step", "action", "who", "status"),
        [
            ("proposed", "agree", "client", 403),  # the proposer cannot agree
            ("proposed", "escrow_cancel", "lancer", 409),  # out of order
            ("agreed", "escrow_cancel", "client", 403),  # the lancer's step
            ("agreed", "plan_delete", "client", 409),  # out of order
            ("escrow_cancelled", "plan_delete", "lancer", 403),  # the client's step
            ("plan_deleted", "deletion_approve", "client", 403),  # the lancer's step
        ],
    )
    def test_wrong_side_or_order_is_refused_and_nothing_changes(
        self, en: Client, step: str, action: str, who: str, status: int
    ) -> None:
        contract = builders.contract_mid_cancellation(step=step)  # type: ignore[arg-type]
        en.force_login(getattr(contract, who))
        before = snapshot()

        response = en.post(url("cancellation_step", contract.pk, action))

        assert response.status_code == status
        assert 'class="notice" role="alert"' in response.content.decode()
        assert snapshot() == before

    def test_unknown_step_is_404(self, en: Client) -> None:
        contract = builders.contract_mid_cancellation()
        en.force_login(contract.lancer)

        assert en.post(url("cancellation_step", contract.pk, "explode")).status_code == 404

    def test_decline_ends_the_attempt(self, en: Client) -> None:
        contract = builders.contract_mid_cancellation(step="proposed", proposed_by="lancer")
        html = page(en, contract, contract.client)
        assert step_form(contract, "decline") in html
        en.force_login(contract.client)

        assert en.post(url("cancellation_step", contract.pk, "decline")).status_code == 302

        contract.refresh_from_db()
        assert contract.status == ContractStatus.IN_PROGRESS
        assert Cancellation.objects.get().step == CancellationStep.DECLINED
        assert "was declined" in page(en, contract, contract.lancer)

    def test_reason_is_required(self, en: Client) -> None:
        contract = builders.contract_in_progress()
        en.force_login(contract.lancer)
        before = snapshot()

        response = en.post(url("cancellation_propose", contract.pk), {"cancel-reason": ""})

        assert response.status_code == 400
        assert snapshot() == before

    def test_step_date_is_the_automatic_one(self, en: Client) -> None:
        """B7: the page says by when the step is taken on its own (7 days after it began)."""
        contract = builders.contract_mid_cancellation(step="agreed")
        cancellation = Cancellation.objects.get()
        assert cancellation.step_due_at is not None

        html = page(en, contract, contract.client)

        assert str(cancellation.step_due_at.astimezone().year) in html
        assert 'aria-current="step" data-step="2"' in html


# --- Ratings (B5) ---------------------------------------------------------------------------


class TestRatings:
    def test_form_only_after_the_end(self, en: Client) -> None:
        running = builders.contract_in_progress()
        done = builders.contract_completed()

        assert url("rate", running.pk) not in page(en, running, running.client)
        assert url("rate", done.pk) in page(en, done, done.client)

    def test_each_side_rates_once(self, en: Client) -> None:
        contract = builders.contract_completed()
        en.force_login(contract.client)
        data = {"rating-value": "satisfied", "rating-comment": "丁寧な対応でした"}

        assert en.post(url("rate", contract.pk), data).status_code == 302
        before = snapshot()
        second = en.post(url("rate", contract.pk), data | {"rating-value": "disappointed"})

        assert second.status_code == 409
        assert "already rated" in second.content.decode()
        assert snapshot() == before
        rating = Rating.objects.get()
        assert (rating.rater_id, rating.ratee_id, rating.value) == (
            contract.client_id,
            contract.lancer_id,
            "satisfied",
        )
        lancer_page = page(en, contract, contract.lancer)
        assert "丁寧な対応でした" in lancer_page
        assert "1 ratings · 100% satisfied" in page(en, contract, contract.client) or (
            "100%" in page(en, contract, contract.client)
        )

    @pytest.mark.parametrize(
        "data",
        [
            {"rating-value": "great", "rating-comment": "x"},
            {"rating-value": "satisfied", "rating-comment": ""},
        ],
    )
    def test_bad_rating_is_400(self, en: Client, data: dict[str, str]) -> None:
        contract = builders.contract_completed()
        en.force_login(contract.lancer)
        before = snapshot()

        assert en.post(url("rate", contract.pk), data).status_code == 400
        assert snapshot() == before

    def test_not_rated_before_the_end(self, en: Client) -> None:
        contract = builders.contract_in_progress()
        en.force_login(contract.client)
        before = snapshot()

        response = en.post(
            url("rate", contract.pk), {"rating-value": "satisfied", "rating-comment": "良い"}
        )

        assert response.status_code == 409
        assert snapshot() == before


# --- Jobs link to the contract --------------------------------------------------------------


def test_selected_proposal_links_to_its_contract(en: Client) -> None:
    contract = builders.contract_agreeing()
    assert contract.proposal_id is not None
    link = url("for_proposal", contract.proposal_id)

    job_page = en.get(contract.job.get_absolute_url())  # anonymous: no link
    assert link not in job_page.content.decode()
    en.force_login(contract.client)
    assert link in en.get(contract.job.get_absolute_url()).content.decode()
    en.force_login(contract.lancer)
    assert (
        link
        in en.get(reverse("jobs:proposal_detail", args=[contract.proposal_id])).content.decode()
    )

    response = en.get(link)
    assert response.status_code == 302
    assert response["Location"] == contract.get_absolute_url()
    en.force_login(UserFactory.create())
    assert en.get(link).status_code == 404


def test_every_milestone_state_renders_for_both_sides(en: Client) -> None:
    """Contracts in every state render for both sides (no 500)."""
    contracts = [
        builders.contract_agreeing(),
        builders.contract_in_progress(escrowed=False),
        builders.contract_in_progress(),
        builders.contract_in_progress(delivered=True),
        builders.contract_completed(),
        *(
            builders.contract_mid_cancellation(step=step)  # type: ignore[arg-type]
            for step in (
                "proposed",
                "agreed",
                "escrow_cancelled",
                "plan_deleted",
                "done",
                "declined",
            )
        ),
    ]
    for contract in contracts:
        for side in (contract.client, contract.lancer):
            page(en, contract, side)
    assert Milestone.objects.count() == len(contracts)


# --- What the page says in each state -------------------------------------------------------


def withdraw(user: User) -> None:
    """The account has left (W8): what the withdrawal service leaves on the row."""
    User.objects.filter(pk=user.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)


class TestPageByState:
    CAUTION = "Caution: this person has not verified their identity"

    def test_caution_about_an_unverified_counterpart_only_before_escrow(self, en: Client) -> None:
        """A4: the advice to agree through messages and escrow first is for before the
        money moves; once escrowed, while being cancelled and after, it is gone."""
        agreeing = builders.contract_agreeing()
        awaiting = builders.contract_in_progress(escrowed=False)
        escrowed = builders.contract_in_progress()
        cancelling = builders.contract_mid_cancellation(step="proposed")
        cancelled = builders.contract_mid_cancellation(step="done")

        assert self.CAUTION in page(en, agreeing, agreeing.lancer)
        assert self.CAUTION in page(en, awaiting, awaiting.client)
        for contract in (escrowed, cancelling, cancelled):
            assert self.CAUTION not in page(en, contract, contract.client)
            assert self.CAUTION not in page(en, contract, contract.lancer)

    def test_stepper_labels_carry_no_number_the_circle_shows_it(self, en: Client) -> None:
        """B4: the circle numbers the five steps; the labels do not repeat it."""
        contract = builders.contract_mid_cancellation(step="proposed")

        html = page(en, contract, contract.lancer)

        assert "Both sides agree to cancel" in html
        assert "The contract is cancelled" in html
        assert "(1) Both sides agree to cancel" not in html
        assert html.count('data-step="') == 5

    def test_escrowed_milestone_says_it_is_being_cancelled_not_that_work_goes_on(
        self, en: Client
    ) -> None:
        """B4: while the cancellation is under way the escrow is on its way back."""
        working = builders.contract_in_progress()
        cancelling = builders.contract_mid_cancellation(step="proposed")

        assert "The lancer works on it." in page(en, working, working.client)
        html = page(en, cancelling, cancelling.client)
        assert "The lancer works on it." not in html
        assert "The contract is being cancelled: the lancer cancels the escrow" in html

    def test_withdrawn_counterpart_is_marked_and_messages_are_closed(self, en: Client) -> None:
        """W8: the client keeps the finished contract; the lancer who left is marked
        退会済み on the page and in the list, and no message can go to them."""
        contract = builders.contract_completed()
        withdraw(contract.lancer)

        html = page(en, contract, contract.client)
        listed = en.get(url("list")).content.decode()

        assert '<span class="badge withdrawn">Withdrawn</span>' in html
        assert 'id="message-form"' not in html
        assert 'id="message-closed"' in html
        assert '<span class="badge withdrawn">Withdrawn</span>' in listed

    def test_withdrawn_badge_in_japanese(self, client: Client) -> None:
        contract = builders.contract_completed()
        withdraw(contract.client)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"

        html = page(client, contract, contract.lancer)

        assert '<span class="badge withdrawn">退会済み</span>' in html

    def test_counterpart_not_withdrawn_keeps_the_message_form(self, en: Client) -> None:
        contract = builders.contract_completed()

        html = page(en, contract, contract.client)

        assert "badge withdrawn" not in html
        assert 'id="message-form"' in html

    def test_page_loads_the_script_that_opens_the_cancellation_form(self, en: Client) -> None:
        """Arriving at #cancellation (the withdrawal page links there) opens the form:
        a static script (no inline script under the CSP) and the form closed by default."""
        contract = builders.contract_in_progress()

        html = page(en, contract, contract.lancer)

        assert "js/contracts.js" in html
        assert '<details class="action-form">' in html
        assert 'href="#cancellation"' in html


def test_milestone_and_delivery_are_for_the_two_sides_only() -> None:
    """The selectors behind the milestone actions and the delivered files."""
    contract = builders.contract_in_progress(delivered=True)
    milestone = first_milestone(contract)
    delivery = Delivery.objects.get(milestone=milestone)
    outsider = UserFactory.create()

    assert selectors.milestone_get(milestone_id=milestone.pk, viewer=contract.client) == milestone
    assert selectors.delivery_get(delivery_id=delivery.pk, viewer=contract.lancer) == delivery
    with pytest.raises(NotFound):
        selectors.milestone_get(milestone_id=milestone.pk, viewer=outsider)
    with pytest.raises(NotFound):
        selectors.delivery_get(delivery_id=delivery.pk, viewer=outsider)
    with pytest.raises(NotFound):
        selectors.milestone_get(milestone_id=milestone.pk + 1000, viewer=contract.client)

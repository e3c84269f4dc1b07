"""What the withdrawal pages say and link to, read as a person would (W2, W4, W5, W8, W9, A2):
each link names where it leads, each fact is said once, the balance is a caution rather
than an error, the withdraw-when-clear form is folded away and offers a final payout only
when one can be made, and a withdrawn profile keeps its track record."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.contracts.builders import contract_completed, contract_in_progress
from tests.factories import JobFactory, ProposalFactory, UserFactory
from tests.payouts.batch_support import payee
from tests.support import snapshot
from tests.withdrawal.conftest import PASSWORD
from tests.withdrawal.support import give_reward
from ukeoi.accounts.models import User
from ukeoi.jobs.enums import JobStatus
from ukeoi.jobs.models import Job
from ukeoi.jobs.services import job_close
from ukeoi.withdrawal import selectors
from ukeoi.withdrawal.models import WithdrawWhenClear

pytestmark = pytest.mark.django_db

INDEX = "/withdrawal/"
FORM = "/withdrawal/form/"


@pytest.fixture
def en(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page_for(client: Client, user: User, url: str = INDEX) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def row(page: str, code: str) -> str:
    """The checklist row of one condition."""
    match = re.search(rf'<li id="check-{code}".*?(?=<li id="check-|</ol>)', page, re.S)
    assert match, code
    return match.group(0)


def when_clear_section(page: str) -> str:
    match = re.search(r'<section class="card" id="when-clear">.*?</section>', page, re.S)
    assert match
    return match.group(0)


class TestChecklistLinks:
    def test_w2_proposal_button_lands_on_the_append_note_form(
        self, en: Client, member: User
    ) -> None:
        proposal = ProposalFactory.create(lancer=member)
        page = page_for(en, member)
        assert f'href="{proposal.get_absolute_url()}?prefill=delete#note-form"' in page
        detail = en.get(proposal.get_absolute_url() + "?prefill=delete").content.decode()
        assert 'id="note-form"' in detail

    def test_w2_data_export_link_goes_to_the_export_card(self, en: Client, member: User) -> None:
        page = page_for(en, member)
        target = f"{reverse('accounts:settings')}#data-export"
        assert f'href="{target}"' in page
        assert 'id="data-export"' in en.get(reverse("accounts:settings")).content.decode()

    def test_w2_every_row_link_names_its_target(self, en: Client, member: User) -> None:
        JobFactory.create(client=member)
        ProposalFactory.create(lancer=member)
        contract_in_progress(lancer=member, escrowed=True)
        give_reward(member, 2000)

        page = page_for(en, member)

        assert "Go to the page" not in page
        assert ">Open<" not in page
        assert "Go to your posted jobs" in row(page, "open_job")
        assert "Go to your proposals" in row(page, "pending_proposal")
        assert "Go to your contracts" in row(page, "contract_in_progress")
        assert "Go to the contract page" in row(page, "unfinished_payment")
        assert "Go to the payout settings" in row(page, "reward_balance")


class TestChecklistSaysEachThingOnce:
    def test_w2_milestone_with_the_contract_title_is_named_once_and_cleared_with_it(
        self, en: Client, member: User
    ) -> None:
        contract = contract_in_progress(lancer=member, escrowed=True)
        milestone = contract.milestones.get()
        milestone.title = contract.title
        milestone.save(update_fields=["title"])

        unfinished = row(page_for(en, member), "unfinished_payment")

        assert f"{contract.title} / {contract.title}" not in unfinished
        assert unfinished.count(contract.title) == 1
        assert "cleared by the contract's cancellation above" in unfinished

    def test_w2_a_differently_named_milestone_keeps_both_names(
        self, en: Client, member: User
    ) -> None:
        contract = contract_in_progress(lancer=member, escrowed=True)
        contract.milestones.update(title="初稿の納品")

        unfinished = row(page_for(en, member), "unfinished_payment")

        assert f"{contract.title} / 初稿の納品" in unfinished

    def test_w2_one_proposal_gives_its_deadline_once(self, en: Client, member: User) -> None:
        proposal = ProposalFactory.create(lancer=member)
        proposals = row(page_for(en, member), "pending_proposal")
        assert "or wait for the job's deadline on" in proposals
        assert "this clears on its own by" not in proposals
        assert proposal.job.title in proposals

    def test_w2_several_proposals_add_the_day_all_have_cleared(
        self, en: Client, member: User
    ) -> None:
        ProposalFactory.create(lancer=member)
        ProposalFactory.create(lancer=member)
        proposals = row(page_for(en, member), "pending_proposal")
        assert proposals.count("or wait for the job's deadline on") == 2
        assert proposals.count("this clears on its own by") == 1

    def test_w5_small_balance_says_once_that_it_cannot_be_paid_out(
        self, en: Client, member: User
    ) -> None:
        give_reward(member, 800)
        balance = row(page_for(en, member), "reward_balance")
        assert balance.count("cannot be paid out") == 1


class TestBalanceIsACaution:
    def test_w5_only_the_balance_left_is_a_caution_not_an_error(
        self, en: Client, member: User
    ) -> None:
        give_reward(member, 800)

        page = page_for(en, member)

        balance = row(page, "reward_balance")
        assert 'class="blocked caution"' in balance
        assert 'data-state="blocked"' in balance
        assert "Forfeit consent needed in the form" in balance
        assert "Blocks withdrawal" not in page
        assert 'id="ready"' in page

    def test_w1_work_blockers_stay_errors_beside_the_balance(
        self, en: Client, member: User
    ) -> None:
        JobFactory.create(client=member)
        give_reward(member, 800)
        page = page_for(en, member)
        assert "Blocks withdrawal" in row(page, "open_job")
        assert 'class="blocked"' in row(page, "open_job")
        assert "Forfeit consent needed" in row(page, "reward_balance")


class TestWhenClearForm:
    def test_w9_folded_in_a_details_element_until_asked_for(self, en: Client, member: User) -> None:
        JobFactory.create(client=member)
        section = when_clear_section(page_for(en, member))
        assert '<details class="when-clear-details">' in section
        assert "<summary>" in section
        assert 'name="password"' in section

    def test_w9_refused_request_shows_the_form_unfolded_with_its_error(
        self, en: Client, member: User
    ) -> None:
        JobFactory.create(client=member)
        en.force_login(member)
        before = snapshot()
        response = en.post(
            reverse("withdrawal:when_clear"),
            {"reason": "fees", "profile": "keep", "balance_choice": "forfeit", "password": "x"},
        )
        assert response.status_code == 400
        section = when_clear_section(response.content.decode())
        assert '<details class="when-clear-details" open>' in section
        assert "password is not correct" in section
        assert snapshot() == before

    def test_w9_final_payout_disabled_without_bank_account_with_the_reason(
        self, en: Client
    ) -> None:
        lancer = payee(1500, bank_code=None)
        JobFactory.create(client=lancer)

        section = when_clear_section(page_for(en, lancer))

        final = re.search(r'<input[^>]*value="final_payout"[^>]*>', section)
        assert final
        assert "disabled" in final.group(0)
        assert 'id="final-payout-unavailable"' in section
        assert f'href="{reverse("accounts:bank_account")}"' in section
        assert "Register the bank account" in section
        # the name and address are there: not given as a reason
        assert "Register your full legal name" not in section

    def test_w9_final_payout_disabled_without_name_and_address(self, en: Client) -> None:
        lancer = payee(1500, name_and_address=False)
        JobFactory.create(client=lancer)

        section = when_clear_section(page_for(en, lancer))

        final = re.search(r'<input[^>]*value="final_payout"[^>]*>', section)
        assert final
        assert "disabled" in final.group(0)
        assert "Register your full legal name" in section
        assert "Register the bank account" not in section

    def test_w9_final_payout_disabled_at_or_below_the_transfer_fee(self, en: Client) -> None:
        lancer = payee(400)
        JobFactory.create(client=lancer)
        section = when_clear_section(page_for(en, lancer))
        final = re.search(r'<input[^>]*value="final_payout"[^>]*>', section)
        assert final
        assert "disabled" in final.group(0)
        assert "does not exceed the transfer fee" in section

    def test_w9_final_payout_offered_when_it_can_be_made(self, en: Client) -> None:
        lancer = payee(1500)
        JobFactory.create(client=lancer)

        section = when_clear_section(page_for(en, lancer))

        final = re.search(r'<input[^>]*value="final_payout"[^>]*>', section)
        assert final
        assert "disabled" not in final.group(0)
        assert 'id="final-payout-unavailable"' not in section
        response = en.post(
            reverse("withdrawal:when_clear"),
            {
                "reason": "fees",
                "profile": "keep",
                "balance_choice": "final_payout",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 302
        assert WithdrawWhenClear.objects.get(user=lancer).balance_choice == "final_payout"

    def test_w9_a_forced_final_payout_without_a_bank_account_is_refused(self, en: Client) -> None:
        lancer = payee(1500, bank_code=None)
        JobFactory.create(client=lancer)
        en.force_login(lancer)
        before = snapshot()
        response = en.post(
            reverse("withdrawal:when_clear"),
            {
                "reason": "fees",
                "profile": "keep",
                "balance_choice": "final_payout",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 400
        assert "A final payout needs your bank account" in response.content.decode()
        assert snapshot() == before

    def test_w9_without_a_balance_there_is_nothing_to_choose(
        self, en: Client, member: User
    ) -> None:
        JobFactory.create(client=member)
        section = when_clear_section(page_for(en, member))
        assert 'value="final_payout"' not in section
        response = en.post(
            reverse("withdrawal:when_clear"),
            {"reason": "fees", "profile": "keep", "password": PASSWORD},
        )
        assert response.status_code == 302
        assert WithdrawWhenClear.objects.get(user=member).balance_choice == "forfeit"


class TestForm:
    def test_w5_consent_checkbox_comes_before_its_words_and_amounts_use_yen(
        self, client: Client, member: User
    ) -> None:
        give_reward(member, 800)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
        page = page_for(client, member, FORM)
        label = re.search(r'<label class="checkbox"[^>]*>(.*?)</label>', page, re.S)
        assert label
        assert label.group(1).lstrip().startswith("<input")
        assert 'name="forfeit"' in label.group(1)
        assert "800円" in label.group(1)
        assert "800 yen" not in page

    def test_w4_refusal_is_summarised_at_the_top_and_kept_by_its_field(
        self, en: Client, member: User
    ) -> None:
        en.force_login(member)
        before = snapshot()
        response = en.post(
            FORM, {"reason": "fees", "profile": "keep", "password": "not my password"}
        )
        page = response.content.decode()
        assert response.status_code == 400
        summary = re.search(r'<div class="form-errors refusal-summary".*?</div>', page, re.S)
        assert summary
        assert "nothing was changed" in summary.group(0)
        assert 'href="#field-password"' in summary.group(0)
        assert "The password is not correct." in summary.group(0)
        field = re.search(r'id="field-password".*?</div>', page, re.S)
        assert field
        assert "The password is not correct." in field.group(0)
        assert page.index("refusal-summary") < page.index('id="withdrawal-form"')
        assert snapshot() == before

    def test_w6_blocker_that_appeared_is_summarised_at_the_top(
        self, en: Client, member: User
    ) -> None:
        en.force_login(member)
        en.get(FORM)
        ProposalFactory.create(lancer=member)
        response = en.post(FORM, {"reason": "fees", "profile": "keep", "password": PASSWORD})
        page = response.content.decode()
        assert response.status_code == 409
        summary = re.search(r'<div class="form-errors refusal-summary".*?</div>', page, re.S)
        assert summary
        assert "cannot withdraw yet" in summary.group(0)
        assert page.count("cannot withdraw yet") == 1

    def test_a2_w8_preview_says_counterparts_still_see_the_username(
        self, en: Client, member: User
    ) -> None:
        page = page_for(en, member, FORM)
        assert "stays private in both cases" not in page
        assert "except the people you have dealt with" in page


class TestWithdrawnProfileTrackRecord:
    def withdraw(self, client: Client, user: User, *, profile: str = "keep") -> None:
        """Through the form, after closing the jobs the contracts came from and agreeing to
        forfeit the reward the completed contracts left."""
        for job in Job.objects.filter(client=user, status=JobStatus.OPEN):
            job_close(actor=user, job_id=job.pk)
        balance = selectors.withdrawal_facts_get(user=user).reward_balance
        client.force_login(user)
        response = client.post(
            FORM,
            {
                "reason": "fees",
                "profile": profile,
                "password": PASSWORD,
                "forfeit": "on",
                "forfeit_amount": str(balance),
            },
        )
        assert response.status_code == 302

    def test_w8_kept_profile_shows_completed_contracts_on_both_sides(
        self, en: Client, member: User
    ) -> None:
        contract_completed(lancer=member)
        contract_completed(lancer=member)
        contract_completed(client=member)
        self.withdraw(en, member)
        en.force_login(UserFactory.create())

        page = en.get(reverse("public_profile", args=[member.pk])).content.decode()

        record = re.search(r'<section class="track-record".*?</section>', page, re.S)
        assert record
        assert re.search(r'data-role="lancer">\s*2 contracts', record.group(0))
        assert re.search(r'data-role="client">\s*1 contract<', record.group(0))
        assert 'data-role="registered"' in record.group(0)
        assert member.display_name in page
        assert 'id="reputation"' in page

    def test_w8_hidden_profile_shows_no_track_record(self, en: Client, member: User) -> None:
        contract_completed(lancer=member)
        self.withdraw(en, member, profile="hide")
        page = en.get(reverse("public_profile", args=[member.pk])).content.decode()
        assert 'id="track-record"' not in page

    def test_w8_track_record_costs_one_query_whatever_the_history(
        self, en: Client, member: User, django_assert_max_num_queries: Any
    ) -> None:
        contract_completed(lancer=member)
        contract_completed(client=member)
        with django_assert_max_num_queries(1):
            record = selectors.track_record_get(user_id=member.pk)
        assert (record.completed_as_lancer, record.completed_as_client) == (1, 1)

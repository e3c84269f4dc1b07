"""The withdrawal pages (W2–W5, W7, W8, W9) and the accounts pieces they touch."""

from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import JobFactory, ProposalFactory
from tests.support import snapshot
from tests.withdrawal.conftest import PASSWORD
from tests.withdrawal.support import give_reward
from ukeoi.accounts.models import PortfolioItem, User
from ukeoi.withdrawal.models import Withdrawal

INDEX = "/withdrawal/"
FORM = "/withdrawal/form/"


@pytest.fixture
def en(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def signed_in(en: Client, member: User) -> Client:
    en.force_login(member)
    return en


def post_form(client: Client, **changes: Any) -> Any:
    data = {
        "reason": "no_suitable_work",
        "reason_text": "",
        "comments": "",
        "profile": "keep",
        "password": PASSWORD,
    }
    data.update(changes)
    return client.post(FORM, data)


@pytest.mark.django_db
class TestCheckPage:
    def test_w3_requires_sign_in(self, en: Client) -> None:
        response = en.get(INDEX)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_w3_linked_from_the_bottom_of_account_settings(self, signed_in: Client) -> None:
        page = signed_in.get(reverse("accounts:settings")).content.decode()
        assert 'id="withdrawal-link"' in page
        assert f'href="{INDEX}"' in page

    @pytest.mark.usefixtures("seeded_faq")
    def test_w3_h1_reachable_from_the_help_centre_faq(self, en: Client) -> None:
        page = en.get(reverse("helpdesk:article", args=["how-to-withdraw"])).content.decode()
        assert f'href="{INDEX}"' in page

    def test_w3_ja_wording_of_the_settings_link(self, client: Client, member: User) -> None:
        client.force_login(member)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
        page = client.get(reverse("accounts:settings")).content.decode()
        assert f'href="{INDEX}"' in page

    def test_w2_all_six_conditions_green_for_a_clean_account(self, signed_in: Client) -> None:
        page = signed_in.get(INDEX).content.decode()
        assert page.count('data-state="ok"') == 6
        assert 'data-state="blocked"' not in page
        assert reverse("withdrawal:form") in page

    def test_w2_red_items_with_their_fixes(self, signed_in: Client, member: User) -> None:
        job = JobFactory.create(client=member, title="ロゴ制作の依頼")
        proposal = ProposalFactory.create(lancer=member, job__title="翻訳の依頼")
        give_reward(member, 640)

        response = signed_in.get(INDEX)

        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('data-state="blocked"') == 3
        assert "ロゴ制作の依頼" in page
        assert "翻訳の依頼" in page
        assert reverse("jobs:close", args=[job.pk]) in page
        assert f"{proposal.get_absolute_url()}?prefill=delete#note-form" in page
        assert "640" in page
        assert "cannot be paid out" in page
        # the form is not offered while work blockers remain
        assert 'href="/withdrawal/form/"' not in page

    def test_w2_check_page_query_count_is_bounded(
        self, signed_in: Client, member: User, django_assert_max_num_queries: Any
    ) -> None:
        for _ in range(25):
            JobFactory.create(client=member)
        with django_assert_max_num_queries(16):
            signed_in.get(INDEX)


@pytest.mark.django_db
class TestForm:
    def test_w4_form_redirects_while_blocked(self, signed_in: Client, member: User) -> None:
        JobFactory.create(client=member)
        response = signed_in.get(FORM)
        assert response.status_code == 302
        assert response["Location"] == INDEX

    def test_w5_consent_checkbox_only_with_a_balance_and_states_the_amount(
        self, signed_in: Client, member: User
    ) -> None:
        assert 'name="forfeit"' not in signed_in.get(FORM).content.decode()
        give_reward(member, 1500)
        page = signed_in.get(FORM).content.decode()
        assert 'name="forfeit"' in page
        assert "1,500" in page

    def test_w8_form_shows_a_preview_of_both_profile_choices(
        self, signed_in: Client, member: User
    ) -> None:
        PortfolioItem.objects.create(user=member, title="作品A")
        page = signed_in.get(FORM).content.decode()
        assert 'id="preview-keep"' in page
        assert 'id="preview-hide"' in page
        assert "作品A" in page
        assert 'value="keep"' in page
        assert 'value="hide"' in page

    def test_w4_wrong_password_400_and_nothing_changed(
        self, signed_in: Client, member: User
    ) -> None:
        before = snapshot()
        response = post_form(signed_in, password="nope")
        assert response.status_code == 400
        assert "password is not correct" in response.content.decode()
        assert snapshot() == before

    def test_w4_missing_reason_400_and_nothing_changed(
        self, signed_in: Client, member: User
    ) -> None:
        before = snapshot()
        response = post_form(signed_in, reason="")
        assert response.status_code == 400
        assert "Choose a reason" in response.content.decode()
        assert snapshot() == before

    def test_w5_balance_without_consent_400(self, signed_in: Client, member: User) -> None:
        give_reward(member, 900)
        before = snapshot()
        response = post_form(signed_in, forfeit_amount="900")
        assert response.status_code == 400
        assert "forfeit" in response.content.decode()
        assert snapshot() == before

    def test_w6_blocker_that_appeared_after_the_page_409(
        self, signed_in: Client, member: User
    ) -> None:
        signed_in.get(FORM)
        ProposalFactory.create(lancer=member)
        before = snapshot()
        response = post_form(signed_in)
        assert response.status_code == 409
        assert "cannot withdraw yet" in response.content.decode()
        assert snapshot() == before

    def test_w7_withdraw_signs_out_then_a_second_submit_is_409(
        self, signed_in: Client, member: User
    ) -> None:
        give_reward(member, 300)
        response = post_form(signed_in, forfeit="on", forfeit_amount="300", profile="hide")

        assert response.status_code == 302
        assert response["Location"] == reverse("withdrawal:done")
        assert SESSION_KEY not in signed_in.session
        withdrawal = Withdrawal.objects.get(user=member)
        assert withdrawal.forfeited == 300
        assert withdrawal.keep_profile is False
        assert "Withdrawal complete" in signed_in.get(reverse("withdrawal:done")).content.decode()

        again = post_form(signed_in, forfeit="on", forfeit_amount="300")
        assert again.status_code == 409
        assert "already been withdrawn" in again.content.decode()
        assert Withdrawal.objects.filter(user=member).count() == 1

    def test_w7_sign_in_with_old_credentials_says_withdrawn(
        self, signed_in: Client, member: User
    ) -> None:
        post_form(signed_in)
        response = signed_in.post(
            reverse("accounts:login"), {"username": member.email, "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "withdrawn" in response.content.decode()


@pytest.mark.django_db
class TestPublicProfileAfterwards:
    def test_w8_kept_profile_is_marked_withdrawn(
        self, signed_in: Client, member: User, other: User
    ) -> None:
        PortfolioItem.objects.create(user=member, title="作品B")
        post_form(signed_in, profile="keep")
        signed_in.force_login(other)

        page = signed_in.get(reverse("public_profile", args=[member.pk])).content.decode()

        assert member.display_name in page
        assert "作品B" in page
        assert "withdrawn" in page.lower()

    def test_w8_hidden_profile_is_a_bare_tombstone(
        self, signed_in: Client, member: User, other: User
    ) -> None:
        PortfolioItem.objects.create(user=member, title="作品C")
        post_form(signed_in, profile="hide")
        signed_in.force_login(other)

        page = signed_in.get(reverse("public_profile", args=[member.pk])).content.decode()

        assert 'id="tombstone"' in page
        assert member.display_name not in page
        assert "作品C" not in page


@pytest.mark.django_db
class TestWhenClearPages:
    def test_w9_offered_request_and_cancel(self, signed_in: Client, member: User) -> None:
        JobFactory.create(client=member)
        page = signed_in.get(INDEX).content.decode()
        assert 'id="when-clear"' in page

        response = signed_in.post(
            reverse("withdrawal:when_clear"),
            {
                "reason": "other_service",
                "profile": "keep",
                "balance_choice": "forfeit",
                "password": PASSWORD,
            },
        )
        assert response.status_code == 302
        page = signed_in.get(INDEX).content.decode()
        assert 'id="when-clear-pending"' in page

        response = signed_in.post(reverse("withdrawal:when_clear_cancel"))
        assert response.status_code == 302
        assert 'id="when-clear-pending"' not in signed_in.get(INDEX).content.decode()

    def test_w9_wrong_password_400(self, signed_in: Client, member: User) -> None:
        JobFactory.create(client=member)
        response = signed_in.post(
            reverse("withdrawal:when_clear"),
            {
                "reason": "other_service",
                "profile": "keep",
                "balance_choice": "forfeit",
                "password": "wrong",
            },
        )
        assert response.status_code == 400

    def test_w9_cancel_without_request_409(self, signed_in: Client) -> None:
        assert signed_in.post(reverse("withdrawal:when_clear_cancel")).status_code == 409

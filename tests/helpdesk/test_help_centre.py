"""H4: the order of help — the front page leads with FAQ search, then the FAQ, then the
consultation room, then contact; and the site links to it (W3: the help centre and the
account settings lead to the withdrawal article)."""

import pytest
from django.test import Client

from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestFrontPage:
    def test_search_comes_first_then_faq_then_room_then_contact(
        self, client: Client, seeded_faq: object
    ) -> None:
        """H4."""
        page = client.get("/help/").content.decode()

        positions = [
            page.index('action="/help/search/"'),
            page.index('id="popular-title"'),
            page.index('id="categories-title"'),
            page.index('id="room-title"'),
            page.index('id="contact-title"'),
        ]
        assert positions == sorted(positions)

    def test_popular_articles_and_categories_are_listed(
        self, client: Client, seeded_faq: object
    ) -> None:
        """H1: articles by category; the withdrawal articles are one click away."""
        response = client.get("/help/")
        page = response.content.decode()

        assert "/help/faq/how-to-withdraw/" in page
        assert "/help/faq/withdrawal-blockers/" in page
        assert [c.slug for c in response.context["categories"]][:1] == ["withdrawal"]
        assert response.context["popular"][0].featured

    def test_recent_questions_are_shown_with_the_room(self, client: Client) -> None:
        QuestionFactory.create(title="最近の質問")

        assert "最近の質問" in client.get("/help/").content.decode()

    def test_category_page_lists_its_articles(self, client: Client, seeded_faq: object) -> None:
        page = client.get("/help/faq/category/withdrawal/").content.decode()

        assert "/help/faq/how-to-withdraw/" in page
        assert "/help/faq/payout-schedule/" not in page
        assert client.get("/help/faq/category/nothing-here/").status_code == 404


class TestLinks:
    def test_header_and_footer_link_to_the_help_centre(self, client: Client) -> None:
        page = client.get("/").content.decode()

        assert page.count('href="/help/"') >= 2

    def test_home_page_help_section_searches_the_faq(self, client: Client) -> None:
        page = client.get("/").content.decode()

        assert 'action="/help/search/"' in page
        assert "/help/faq/how-to-withdraw/" in page

    def test_account_settings_link_to_the_relevant_articles(self, client: Client) -> None:
        """W3: ログイン情報変更 leads to the withdrawal article; A1, A3 articles too."""
        client.force_login(UserFactory.create())

        page = client.get("/accounts/settings/").content.decode()

        for slug in (
            "how-to-withdraw",
            "withdrawal-blockers",
            "forgot-password",
            "username-vs-display-name",
        ):
            assert f"/help/faq/{slug}/" in page

    def test_article_pages_end_with_the_room_and_contact(
        self, client: Client, seeded_faq: object
    ) -> None:
        """H4: when an article does not help, the next steps are the room, then contact."""
        page = client.get("/help/faq/how-to-withdraw/").content.decode()

        assert page.index('href="/help/room/"') < page.index('href="/help/contact/')

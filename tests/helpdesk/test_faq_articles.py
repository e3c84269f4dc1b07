"""H1: FAQ articles in both languages, their markup, the seeded content, and "was this
helpful?" counts."""

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.factories import FaqArticleFactory, UserFactory
from tests.helpdesk.conftest import SEEDED_SLUGS
from ukeoi.helpdesk import services
from ukeoi.helpdesk.markup import plain_excerpt, render_faq_body
from ukeoi.helpdesk.models import FaqArticle, FaqVote

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


def vote(client: Client, slug: str, helpful: str):
    return client.post(f"/help/faq/{slug}/vote/", {"helpful": helpful})


class TestSeededArticles:
    """The data migration's articles answer what the source guide's readers ask."""

    def test_every_topic_of_the_issue_has_a_published_article_in_both_languages(
        self, seeded_faq: list[FaqArticle]
    ) -> None:
        """H1."""
        assert sorted(a.slug for a in seeded_faq) == sorted(SEEDED_SLUGS)
        required = {
            "how-to-withdraw",
            "withdrawal-blockers",
            "proposal-cannot-be-retracted",
            "cancel-contract",
            "payout-schedule",
            "balance-at-withdrawal",
            "forgot-password",
            "username-vs-display-name",
            "after-withdrawal-public",
            "erase-personal-data",
            "re-register",
        }
        assert required <= set(SEEDED_SLUGS)
        for article in seeded_faq:
            assert article.published
            assert all([article.title_ja, article.title_en, article.body_ja, article.body_en])
            assert article.title_ja != article.title_en

    def test_withdrawal_article_gives_both_ways_to_the_page_and_the_form_steps(
        self, seeded_faq: list[FaqArticle]
    ) -> None:
        """W3, W4: from the help centre and from the bottom of ログイン情報変更; reason and
        password required, other comments optional, 「退会する」."""
        body = FaqArticle.objects.get(slug="how-to-withdraw").body_ja
        for phrase in (
            "ログイン情報変更",
            "退会を希望される方は こちら",
            "退会理由",
            "パスワード",
            "その他ご意見",
            "「退会する」",
        ):
            assert phrase in body

    def test_blocker_article_names_all_six_conditions_and_their_fixes(
        self, seeded_faq: list[FaqArticle]
    ) -> None:
        """W1, W2, W9."""
        body = FaqArticle.objects.get(slug="withdrawal-blockers").body_ja
        for phrase in (
            "依頼中",
            "提案中",
            "進行中",
            "完全に終わっていない",
            "振込依頼中",
            "報酬の残高",
            "追記",
            "募集期限",
            "7日間",
            "の破棄に同意する",
            "1,000円未満",
            "解消したら退会する",
        ):
            assert phrase in body, phrase

    def test_proposal_article_explains_the_three_ways_out(
        self, seeded_faq: list[FaqArticle]
    ) -> None:
        """B2."""
        body = FaqArticle.objects.get(slug="proposal-cannot-be-retracted").body_ja
        for phrase in (
            "取り消したり削除したりできません",
            "追記",
            "メッセージ",
            "募集期限",
            "不採用",
        ):
            assert phrase in body

    def test_cancel_article_has_the_five_steps_and_the_automatic_ones(
        self, seeded_faq: list[FaqArticle]
    ) -> None:
        """B4, B7."""
        body = FaqArticle.objects.get(slug="cancel-contract").body_ja
        for phrase in ("仮払いキャンセル", "計画削除", "承認", "7日間", "1年間", "1か月前"):
            assert phrase in body
        assert render_faq_body(body).count("<li>") >= 5

    def test_payout_article_has_the_schedule_conditions_and_fee(
        self, seeded_faq: list[FaqArticle]
    ) -> None:
        """M3, M4, M6."""
        body = FaqArticle.objects.get(slug="payout-schedule").body_ja
        for phrase in (
            "15日締め",
            "末日締め",
            "1,000円以上",
            "銀行口座",
            "自動出金",
            "住所",
            "100円",
            "500円",
            "前の営業日",
        ):
            assert phrase in body

    def test_article_links_point_at_real_pages(self, seeded_faq: list[FaqArticle]) -> None:
        """Links to other articles and to named routes resolve; none is left dangling."""
        for article in seeded_faq:
            for body in (article.body_ja, article.body_en):
                html = render_faq_body(body)
                for slug in SEEDED_SLUGS:
                    if f"article:{slug})" in body:
                        assert f'href="/help/faq/{slug}/"' in html
        settings_link = reverse("accounts:settings")
        assert settings_link in render_faq_body(
            FaqArticle.objects.get(slug="how-to-withdraw").body_ja
        )


class TestArticlePage:
    def test_article_is_shown_in_the_readers_language(
        self, client: Client, seeded_faq: list[FaqArticle]
    ) -> None:
        ja = client.get("/help/faq/forgot-password/").content.decode()
        en = client.get("/help/faq/forgot-password/", headers=EN).content.decode()

        assert "パスワードを忘れた" in ja
        assert "I forgot my password" in en
        assert "パスワード再設定ページ" not in en

    def test_english_falls_back_to_japanese_when_missing(self, client: Client) -> None:
        article = FaqArticleFactory.create(title_en="", body_en="")

        page = client.get(f"/help/faq/{article.slug}/", headers=EN).content.decode()

        assert article.title_ja in page

    def test_unpublished_or_unknown_article_is_404(self, client: Client) -> None:
        hidden = FaqArticleFactory.create(published=False)

        assert client.get(f"/help/faq/{hidden.slug}/").status_code == 404
        assert client.get("/help/faq/no-such-article/").status_code == 404

    def test_script_in_an_article_is_escaped(self, client: Client) -> None:
        """Operators' text is shown as typed, never run."""
        article = FaqArticleFactory.create(
            body_ja='<script>alert("x")</script> [罠](javascript:alert(1)) **強調**'
        )

        page = client.get(f"/help/faq/{article.slug}/").content.decode()

        assert '<script>alert("x")</script>' not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "javascript:" not in page
        assert "<strong>強調</strong>" in page


class TestMarkup:
    def test_blocks_lists_headings_and_links(self) -> None:
        html = render_faq_body(
            "はじめに\n2行目\n\n## 見出し\n\n- いち\n- に\n\n1. 最初\n2. 次\n\n"
            "[記事](article:forgot-password) [設定](url:accounts:settings) "
            "[問い合わせ](url:helpdesk:contact?category=withdrawal) [外部](https://evil.example)"
        )

        assert "<p>はじめに<br>2行目</p>" in html
        assert "<h2>見出し</h2>" in html
        assert "<ul><li>いち</li><li>に</li></ul>" in html
        assert "<ol><li>最初</li><li>次</li></ol>" in html
        assert '<a href="/help/faq/forgot-password/">記事</a>' in html
        assert '<a href="/accounts/settings/">設定</a>' in html
        assert '<a href="/help/contact/?category=withdrawal">問い合わせ</a>' in html
        assert "evil.example" not in html
        assert "外部" in html

    def test_a_route_that_does_not_exist_yet_is_plain_text(self) -> None:
        """The withdrawal page is linked by name; until it exists the words stay, unlinked."""
        html = render_faq_body("[退会ページ](url:no_such_app:index)")

        assert html == "<p>退会ページ</p>"

    @pytest.mark.parametrize(
        "target",
        [
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
            "/x\\..\\..\\evil.example",
            "//evil.example",
            "/\u200b/evil.example",
            "/\x7f/evil.example",
            "url:accounts:settings?\\evil",
        ],
        ids=[
            "backslash",
            "backslash-slash",
            "two-backslashes",
            "backslash-later",
            "two-slashes",
            "zero-width-space",
            "DEL",
            "in-a-query",
        ],
    )
    def test_a_path_a_browser_reads_as_another_site_is_plain_text(self, target: str) -> None:
        """Issue 14 item 4: browsers read "\\" as "/", so "/\\evil.example" is
        "//evil.example", another site; the markup links only clean paths of this site."""
        html = render_faq_body(f"[a]({target})")

        assert html == "<p>a</p>"

    def test_a_refused_path_falls_back_to_the_next_target(self) -> None:
        html = render_faq_body("[ヘルプ](/\\evil.example|/help/)")

        assert html == '<p><a href="/help/">ヘルプ</a></p>'

    def test_excerpt_is_plain_text_without_headings(self) -> None:
        assert plain_excerpt("## 見出し\n\n本文の[リンク](article:x)です。") == "本文のリンクです。"
        assert plain_excerpt("あ" * 200, 10) == "あ" * 9 + "…"


class TestHelpfulVotes:
    def test_yes_counts_once_per_session(self, client: Client) -> None:
        """H1: repeating "yes" in the same session does not count twice."""
        article = FaqArticleFactory.create()

        first = vote(client, article.slug, "yes")
        vote(client, article.slug, "yes")

        assert first.status_code == 302
        article.refresh_from_db()
        assert (article.helpful_yes, article.helpful_no) == (1, 0)
        assert FaqVote.objects.count() == 1

    def test_changing_the_answer_moves_the_vote(self, client: Client) -> None:
        article = FaqArticleFactory.create()

        vote(client, article.slug, "yes")
        vote(client, article.slug, "no")

        article.refresh_from_db()
        assert (article.helpful_yes, article.helpful_no) == (0, 1)

    def test_each_session_and_each_account_counts(self, client: Client) -> None:
        article = FaqArticleFactory.create()
        vote(client, article.slug, "yes")
        vote(Client(), article.slug, "yes")
        member = Client()
        member.force_login(UserFactory.create())
        vote(member, article.slug, "no")

        article.refresh_from_db()
        assert (article.helpful_yes, article.helpful_no) == (2, 1)

    def test_counts_are_updated_in_the_database_not_from_a_stale_copy(self) -> None:
        """F(): a stale in-memory article does not overwrite votes counted meanwhile."""
        article = FaqArticleFactory.create()
        stale = FaqArticle.objects.get(pk=article.pk)
        FaqArticle.objects.filter(pk=article.pk).update(helpful_yes=F("helpful_yes") + 5)

        services.faq_article_vote(article_id=stale.pk, voter="u:1", helpful=True)

        article.refresh_from_db()
        assert article.helpful_yes == 6

    def test_a_bad_answer_changes_nothing(self, client: Client) -> None:
        article = FaqArticleFactory.create()

        vote(client, article.slug, "maybe")

        article.refresh_from_db()
        assert (article.helpful_yes, article.helpful_no) == (0, 0)

    def test_voting_needs_post(self, client: Client) -> None:
        article = FaqArticleFactory.create()

        assert client.get(f"/help/faq/{article.slug}/vote/").status_code == 405


def test_a_link_with_fallbacks_uses_the_first_route_that_exists() -> None:
    """The withdrawal page link falls back to ログイン情報変更 until the withdrawal app lands."""
    html = render_faq_body("[退会ページ](url:no_such_app:index|url:accounts:settings)")

    assert html == '<p><a href="/accounts/settings/">退会ページ</a></p>'


def test_seeded_lists_render_as_lists(seeded_faq: list[FaqArticle]) -> None:
    """A list item that lost its marker spacing would show as "- …" inside a paragraph."""
    for article in seeded_faq:
        for body in (article.body_ja, article.body_en):
            html = str(render_faq_body(body))
            for marker in ("<p>- ", "<br>- ", "<p>1.", "<br>2."):
                assert marker not in html, (article.slug, marker)

"""H2: the consultation room — signed-in users ask, others answer, the asker chooses the
best answer; list, search and pages; operators hide posts; withdrawn users' posts show as
from 退会済みユーザー; what users write is escaped, never run."""

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.factories import AnswerFactory, OperatorFactory, QuestionFactory, UserFactory
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.core.models import AuditEvent
from ukeoi.helpdesk import services
from ukeoi.helpdesk.models import Answer, Question

pytestmark = pytest.mark.django_db

ROOM = "/help/room/"
ASK = "/help/room/ask/"
SCRIPT = '<script>alert("pwned")</script>'


def withdrawn_text() -> str:
    with translation.override("ja"):
        return translation.gettext("Withdrawn user")


def ask(client: Client, **overrides: str):
    data = {"category": "withdrawal", "title": "退会できません", "body": "提案中と表示されます。"}
    return client.post(ASK, {**data, **overrides})


def answer(client: Client, question: Question, body: str = "追記で削除をお願いしましょう。"):
    return client.post(f"/help/room/{question.pk}/", {"body": body})


@pytest.fixture
def asker(client: Client) -> User:
    user = UserFactory.create(display_name="質問する人")
    client.force_login(user)
    return user


class TestAsking:
    def test_signed_in_user_posts_a_question(self, client: Client, asker: User) -> None:
        """H2."""
        response = ask(client)

        question = Question.objects.get()
        assert response["Location"] == f"/help/room/{question.pk}/"
        assert (question.asker, question.title, question.category) == (
            asker,
            "退会できません",
            "withdrawal",
        )
        assert AuditEvent.objects.filter(action="question.posted").count() == 1

    def test_signed_out_visitor_is_sent_to_sign_in(self, client: Client) -> None:
        response = ask(client)

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/help/room/ask/")
        assert not Question.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", ""),
            ("title", "題" * 101),
            ("body", " "),
            ("body", "本" * 4001),
            ("category", ""),
        ],
    )
    def test_bad_input_is_400_and_nothing_is_saved(
        self, client: Client, asker: User, field: str, value: str
    ) -> None:
        response = ask(client, **{field: value})

        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert not Question.objects.exists()

    def test_a_burst_of_questions_is_rate_limited(self, client: Client, asker: User) -> None:
        for n in range(10):
            assert ask(client, title=f"質問{n}").status_code == 302

        response = ask(client, title="11個目")

        assert response.status_code == 429
        assert Question.objects.count() == 10


class TestAnswering:
    def test_another_user_answers_and_the_asker_is_told_by_mail(
        self,
        client: Client,
        settings: Any,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """H2: others answer; the link in the mail is built on SITE_URL, never on the
        request's Host header (A3, issue 14 item 3)."""
        settings.SITE_URL = "https://ukeoi.example.jp"
        settings.ALLOWED_HOSTS = ["*"]
        question = QuestionFactory.create(asker__email="asker@example.jp")
        client.force_login(UserFactory.create())

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/help/room/{question.pk}/", {"body": "追記で削除を"}, HTTP_HOST="evil.example"
            )

        assert response.status_code == 302
        assert Answer.objects.get().question == question
        assert [m.to for m in mailoutbox] == [["asker@example.jp"]]
        body = str(mailoutbox[0].body)
        assert f"https://ukeoi.example.jp/help/room/{question.pk}/" in body
        assert "evil.example" not in body

    def test_the_asker_cannot_answer_their_own_question(self, client: Client, asker: User) -> None:
        question = QuestionFactory.create(asker=asker)

        response = answer(client, question)

        assert response.status_code == 403
        assert not Answer.objects.exists()

    def test_empty_or_over_long_answer_is_400(self, client: Client) -> None:
        question = QuestionFactory.create()
        client.force_login(UserFactory.create())

        for body in ("", "答" * 4001):
            assert answer(client, question, body).status_code == 400
        assert not Answer.objects.exists()

    def test_signed_out_visitor_reads_but_must_sign_in_to_answer(self, client: Client) -> None:
        question = QuestionFactory.create()

        page = client.get(f"/help/room/{question.pk}/")
        response = answer(client, question)

        assert page.status_code == 200
        assert response["Location"].startswith("/accounts/login/")
        assert not Answer.objects.exists()


class TestBestAnswer:
    def test_the_asker_marks_the_best_answer_and_the_question_is_resolved(
        self, client: Client, asker: User
    ) -> None:
        """H2: the asker marks a best answer."""
        question = QuestionFactory.create(asker=asker)
        chosen = AnswerFactory.create(question=question)

        response = client.post(f"/help/room/{question.pk}/answers/{chosen.pk}/best/")

        assert response.status_code == 302
        question.refresh_from_db()
        assert question.best_answer == chosen
        assert question.is_resolved
        assert AuditEvent.objects.filter(action="question.best_answer_chosen").count() == 1

    def test_only_the_asker_may_choose(self, client: Client) -> None:
        question = QuestionFactory.create()
        chosen = AnswerFactory.create(question=question)
        client.force_login(chosen.author)

        client.post(f"/help/room/{question.pk}/answers/{chosen.pk}/best/")

        question.refresh_from_db()
        assert question.best_answer is None

    def test_choice_is_final_and_the_question_takes_no_more_answers(self, asker: User) -> None:
        question = QuestionFactory.create(asker=asker)
        first, second = AnswerFactory.create_batch(2, question=question)
        services.answer_mark_best(actor=asker, question_id=question.pk, answer_id=first.pk)

        with pytest.raises(ApplicationError) as again:
            services.answer_mark_best(actor=asker, question_id=question.pk, answer_id=second.pk)
        with pytest.raises(ApplicationError) as late:
            services.answer_post(actor=UserFactory.create(), question_id=question.pk, body="遅い")

        assert (again.value.status, late.value.status) == (409, 409)
        question.refresh_from_db()
        assert question.best_answer == first
        assert Answer.objects.count() == 2

    def test_an_answer_to_another_question_cannot_be_chosen(self, asker: User) -> None:
        question = QuestionFactory.create(asker=asker)
        elsewhere = AnswerFactory.create()

        with pytest.raises(ApplicationError) as refused:
            services.answer_mark_best(actor=asker, question_id=question.pk, answer_id=elsewhere.pk)

        assert refused.value.status == 404
        question.refresh_from_db()
        assert question.best_answer is None


class TestListAndSearch:
    def test_newest_first_twenty_a_page(self, client: Client) -> None:
        """H2: list, pagination."""
        QuestionFactory.create_batch(21)

        first = client.get(ROOM)
        second = client.get(ROOM, {"page": 2})

        assert len(first.context["page"].object_list) == 20
        assert len(second.context["page"].object_list) == 1
        newest = Question.objects.order_by("-created_at", "-id").first()
        assert first.context["page"].object_list[0] == newest

    def test_japanese_search_every_term_must_match(self, client: Client) -> None:
        """H2: search, with Japanese queries, on SQLite and PostgreSQL."""
        QuestionFactory.create(title="提案を取り消したい", body="追記の書き方を教えてください")
        QuestionFactory.create(title="振込日はいつ?", body="月末の振込について")
        QuestionFactory.create(title="退会について", body="提案中と出ます")

        def titles(query: str) -> set[str]:
            page = client.get(ROOM, {"q": query}).context["page"]
            return {q.title for q in page.object_list}

        assert titles("提案") == {"提案を取り消したい", "退会について"}
        assert titles("提案 追記") == {"提案を取り消したい"}
        assert titles("振込") == {"振込日はいつ?"}
        assert titles("存在しない") == set()

    def test_category_filter(self, client: Client) -> None:
        QuestionFactory.create(category="payment", title="振込")
        QuestionFactory.create(category="account", title="名前")

        page = client.get(ROOM, {"category": "payment"}).context["page"]

        assert [q.title for q in page.object_list] == ["振込"]

    def test_list_page_runs_a_fixed_number_of_queries(self, client: Client) -> None:
        QuestionFactory.create_batch(3)
        with CaptureQueriesContext(connection) as few:
            client.get(ROOM)
        for question in QuestionFactory.create_batch(15):
            AnswerFactory.create_batch(2, question=question)
        with CaptureQueriesContext(connection) as many:
            client.get(ROOM)

        assert len(many) == len(few)


class TestModeration:
    def test_operator_hides_a_question_from_everyone_but_the_asker(self, client: Client) -> None:
        """H2: operators hide posts in the admin."""
        question = QuestionFactory.create(title="宣伝です")
        operator = OperatorFactory.create()
        client.force_login(operator)

        client.post(
            "/admin/helpdesk/question/",
            {"action": "hide", "_selected_action": [str(question.pk)]},
        )

        question.refresh_from_db()
        assert question.is_hidden
        visitor = Client()
        assert visitor.get(f"/help/room/{question.pk}/").status_code == 404
        assert "宣伝です" not in visitor.get(ROOM).content.decode()
        own = Client()
        own.force_login(question.asker)
        assert own.get(f"/help/room/{question.pk}/").status_code == 200
        assert AuditEvent.objects.filter(action="question.hidden").count() == 1

    def test_a_hidden_answer_shows_a_notice_instead_of_its_text(self, client: Client) -> None:
        hidden = AnswerFactory.create(body="スパムの回答")
        services.post_hide(actor=OperatorFactory.create(), post=hidden, hidden=True)

        page = client.get(f"/help/room/{hidden.question_id}/").content.decode()

        assert "スパムの回答" not in page
        with pytest.raises(ApplicationError):
            services.answer_mark_best(
                actor=hidden.question.asker,
                question_id=hidden.question_id,
                answer_id=hidden.pk,
            )

    def test_users_cannot_hide_posts(self) -> None:
        question = QuestionFactory.create()

        with pytest.raises(ApplicationError):
            services.post_hide(actor=question.asker, post=question, hidden=True)


class TestNamesAndEscaping:
    def test_withdrawn_users_posts_show_as_from_a_withdrawn_user(self, client: Client) -> None:
        """H2: a withdrawn user's posts show as from 退会済みユーザー."""
        leaver = UserFactory.create(display_name="辞めた人")
        question = QuestionFactory.create(asker=leaver)
        AnswerFactory.create(question=question, author=leaver)  # e.g. written before a rule change
        User.objects.filter(pk=leaver.pk).update(status=AccountStatus.WITHDRAWN, is_active=False)

        detail = client.get(f"/help/room/{question.pk}/").content.decode()
        listing = client.get(ROOM).content.decode()

        assert "辞めた人" not in detail
        assert "辞めた人" not in listing
        assert detail.count(withdrawn_text()) == 2
        assert withdrawn_text() in listing

    def test_deleted_users_posts_also_show_as_withdrawn(self, client: Client) -> None:
        question = QuestionFactory.create(asker=None)

        assert withdrawn_text() in client.get(f"/help/room/{question.pk}/").content.decode()

    def test_the_room_shows_display_names_never_usernames(self, client: Client) -> None:
        """A2: the room is public; not even the poster sees their username there."""
        question = QuestionFactory.create(
            asker__username="secret_name", asker__display_name="表の名前"
        )
        client.force_login(question.asker)

        page = client.get(f"/help/room/{question.pk}/").content.decode()

        assert "表の名前" in page
        assert "secret_name" not in page

    def test_html_and_script_in_posts_are_escaped_never_run(
        self, client: Client, asker: User
    ) -> None:
        """H2, bad input: HTML or script in posts is escaped, never executed."""
        ask(client, title=SCRIPT, body=f"{SCRIPT}\n<img src=x onerror=alert(1)>")
        question = Question.objects.get()
        replier = Client()
        replier.force_login(UserFactory.create())
        answer(replier, question, f'<a href="javascript:alert(1)">{SCRIPT}</a>')

        pages = [
            client.get(f"/help/room/{question.pk}/").content.decode(),
            client.get(ROOM).content.decode(),
            client.get("/help/").content.decode(),
        ]

        for page in pages:
            assert SCRIPT not in page
            assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
            assert "<img src=x" not in page
            assert 'href="javascript:' not in page

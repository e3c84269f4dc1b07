"""The help centre's API under /api/help (H1–H3): reads open to all, posts need an account,
strict input, every 4xx in the one error shape and declared in the OpenAPI schema."""

from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    AnswerFactory,
    ApiTokenFactory,
    InquiryFactory,
    OperatorFactory,
    QuestionFactory,
    UserFactory,
)
from tests.support.api import api_error as assert_error
from ukeoi.accounts.models import User
from ukeoi.api import api
from ukeoi.helpdesk import services
from ukeoi.helpdesk.models import Answer, Inquiry, Question

pytestmark = pytest.mark.django_db

JSON = "application/json"
ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture
def member(client: Client) -> User:
    user = UserFactory.create(email="member@example.jp")
    client.force_login(user)
    return user


def bearer(user: User) -> dict[str, str]:
    ApiTokenFactory.create(user=user, raw="uk_helpdesk-test-token")
    return {"authorization": "Bearer uk_helpdesk-test-token"}


class TestFaq:
    def test_search_in_japanese_returns_the_article(
        self, client: Client, seeded_faq: object
    ) -> None:
        """H1."""
        body = client.get("/api/help/faq", {"q": "提案 取り消し"}).json()

        assert body["results"][0]["slug"] == "proposal-cannot-be-retracted"
        assert body["results"][0]["url"] == "/help/faq/proposal-cannot-be-retracted/"
        assert body["relaxed"] is False

    def test_search_follows_accept_language(self, client: Client, seeded_faq: object) -> None:
        body = client.get(
            "/api/help/faq", {"q": "password"}, headers={"accept-language": "en"}
        ).json()

        assert body["results"][0]["title"] == "I forgot my password"

    def test_article_and_404(self, client: Client, seeded_faq: object) -> None:
        body = client.get("/api/help/faq/forgot-password").json()

        assert body["title"] == "パスワードを忘れた"
        assert '<a href="/accounts/password/reset/">' in body["body_html"]
        assert_error(client.get("/api/help/faq/nothing"), 404, "not_found")

    def test_over_long_query_is_400(self, client: Client) -> None:
        body = assert_error(client.get("/api/help/faq", {"q": "x" * 201}), 400, "invalid")

        assert "q" in body["fields"]


class TestQuestions:
    def test_ask_answer_and_choose_best(self, client: Client, member: User) -> None:
        """H2 through the API: ask (session), another user answers (token), asker chooses."""
        created = client.post(
            "/api/help/questions",
            {"category": "withdrawal", "title": "退会できない", "body": "提案中です"},
            content_type=JSON,
        )
        assert created.status_code == 201
        question_id = created.json()["id"]

        other = UserFactory.create()
        answered = Client().post(
            f"/api/help/questions/{question_id}/answers",
            {"body": "追記でお願いしましょう"},
            content_type=JSON,
            headers=bearer(other),
        )
        assert answered.status_code == 201
        answer_id = answered.json()["id"]

        best = client.post(
            f"/api/help/questions/{question_id}/best", {"answer_id": answer_id}, content_type=JSON
        )

        assert best.status_code == 200
        assert best.json()["resolved"] is True
        assert best.json()["answers"][0]["best"] is True

    def test_list_and_detail_are_public_and_hide_withdrawn_names(self, client: Client) -> None:
        question = QuestionFactory.create(title="公開の質問", asker__display_name="元会員")
        AnswerFactory.create(question=question)
        User.objects.filter(pk=question.asker_id).update(status="withdrawn", is_active=False)

        listing = client.get("/api/help/questions", {"q": "公開"}).json()
        detail = client.get(f"/api/help/questions/{question.pk}").json()

        assert listing["count"] == 1
        assert listing["results"][0]["answer_count"] == 1
        assert detail["asker"]["withdrawn"] is True
        assert detail["asker"]["display_name"] != "元会員"

    def test_hidden_question_is_404(self, client: Client) -> None:
        question = QuestionFactory.create()
        services.post_hide(actor=OperatorFactory.create(), post=question, hidden=True)

        assert_error(client.get(f"/api/help/questions/{question.pk}"), 404, "not_found")

    def test_posting_needs_an_account(self, client: Client) -> None:
        response = client.post(
            "/api/help/questions",
            {"category": "other", "title": "t", "body": "b"},
            content_type=JSON,
        )

        assert_error(response, 401, "unauthenticated")
        assert not Question.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "field"),
        [
            ({"category": "other", "title": "", "body": "本文"}, "title"),
            ({"category": "other", "title": "題" * 101, "body": "本文"}, "title"),
            ({"category": "other", "title": "題", "body": "本" * 4001}, "body"),
            ({"category": "nope", "title": "題", "body": "本文"}, "category"),
            ({"category": "other", "title": "題"}, "body"),
            ({"category": "other", "title": "題", "body": "本文", "asker": 1}, "asker"),
            ({"category": "other", "title": 5, "body": "本文"}, "title"),
        ],
    )
    def test_bad_input_is_400_with_field_errors_and_nothing_saved(
        self, client: Client, member: User, payload: dict[str, Any], field: str
    ) -> None:
        body = assert_error(
            client.post("/api/help/questions", payload, content_type=JSON), 400, "invalid"
        )

        assert field in body["fields"]
        assert not Question.objects.exists()

    def test_answering_own_or_resolved_question_is_refused(
        self, client: Client, member: User
    ) -> None:
        own = QuestionFactory.create(asker=member)
        resolved = QuestionFactory.create()
        chosen = AnswerFactory.create(question=resolved)
        Question.objects.filter(pk=resolved.pk).update(best_answer=chosen)

        mine = client.post(
            f"/api/help/questions/{own.pk}/answers", {"body": "b"}, content_type=JSON
        )
        late = client.post(
            f"/api/help/questions/{resolved.pk}/answers", {"body": "b"}, content_type=JSON
        )
        missing = client.post(
            "/api/help/questions/999999/answers", {"body": "b"}, content_type=JSON
        )

        assert_error(mine, 403, "own_question")
        assert_error(late, 409, "resolved")
        assert_error(missing, 404, "not_found")
        assert Answer.objects.count() == 1

    def test_bad_category_filter_is_400(self, client: Client) -> None:
        assert_error(client.get("/api/help/questions", {"category": "x"}), 400, "invalid")
        assert_error(client.get("/api/help/questions", {"page": "0"}), 400, "invalid")


class TestInquiries:
    def test_create_defaults_the_reply_address_and_lists_own_only(
        self, client: Client, member: User
    ) -> None:
        """H3."""
        InquiryFactory.create(subject="他人の")
        created = client.post(
            "/api/help/inquiries",
            {
                "category": "delete_personal_data",
                "subject": "削除希望",
                "body": "全部消してください",
            },
            content_type=JSON,
        )

        assert created.status_code == 201
        assert created.json()["reply_email"] == "member@example.jp"
        listed = client.get("/api/help/inquiries").json()
        assert [i["subject"] for i in listed] == ["削除希望"]

    def test_burst_is_429_in_the_error_shape(self, client: Client, member: User) -> None:
        payload = {"category": "other", "subject": "s", "body": "b"}
        for _ in range(5):
            assert client.post("/api/help/inquiries", payload, content_type=JSON).status_code == 201

        assert_error(
            client.post("/api/help/inquiries", payload, content_type=JSON), 429, "rate_limited"
        )
        assert Inquiry.objects.count() == 5

    def test_needs_an_account(self, client: Client) -> None:
        assert_error(client.get("/api/help/inquiries"), 401, "unauthenticated")

    def test_bad_reply_address_is_400(self, client: Client, member: User) -> None:
        body = assert_error(
            client.post(
                "/api/help/inquiries",
                {"category": "other", "subject": "s", "body": "b", "reply_email": "nope"},
                content_type=JSON,
            ),
            400,
            "invalid",
        )

        assert "reply_email" in body["fields"]


def test_every_helpdesk_route_declares_its_error_answers() -> None:
    """Every 4xx a route can give is in the OpenAPI schema (schemathesis checks this)."""
    schema = api.get_openapi_schema()
    expected = {
        ("get", "/api/help/faq"): {"400"},
        ("get", "/api/help/faq/{slug}"): {"404"},
        ("get", "/api/help/questions"): {"400"},
        ("get", "/api/help/questions/{question_id}"): {"400", "404"},
        ("post", "/api/help/questions"): {"400", "401", "403", "429"},
        ("post", "/api/help/questions/{question_id}/answers"): {
            "400",
            "401",
            "403",
            "404",
            "409",
            "429",
        },
        ("post", "/api/help/questions/{question_id}/best"): {"400", "401", "403", "404", "409"},
        ("get", "/api/help/inquiries"): {"401"},
        ("post", "/api/help/inquiries"): {"400", "401", "403", "429"},
    }
    for (method, path), statuses in expected.items():
        declared = {str(status) for status in schema["paths"][path][method]["responses"]}
        assert statuses <= declared, (method, path, declared)


def test_odd_path_parameters_are_400_or_404_not_a_crash(client: Client) -> None:
    assert_error(client.get(f"/api/help/questions/{10**25}"), 404, "not_found")
    assert_error(client.get("/api/help/questions/abc"), 400, "invalid")
    assert client.get(f"/help/room/{10**25}/").status_code == 404

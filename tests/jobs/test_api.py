"""The jobs API (/api/jobs, /api/proposals): the same operations as the pages, strict input,
every error in the one shape and declared in the OpenAPI schema."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from tests.factories import CompetitionFactory, JobFactory, ProposalFactory, UserFactory
from tests.jobs.support import english, in_days
from tests.support import snapshot
from tests.support.api import api_error as error
from ukeoi.accounts.models import User
from ukeoi.api import api
from ukeoi.core import clock
from ukeoi.jobs import rules
from ukeoi.jobs.enums import JobStatus, ProposalStatus
from ukeoi.jobs.models import AppendNote, Job, Message, Proposal

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "fields"}


def call(client: Client, method: str, path: str, body: Any = None, **kwargs: Any) -> Any:
    return getattr(client, method)("/api" + path, body, content_type="application/json", **kwargs)


def job_body(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "アプリ開発",
        "description": "iOSアプリの開発をお願いします。",
        "category": "system",
        "format": "project",
        "deadline": in_days(10).isoformat(),
        "budget_min": 300_000,
        "budget_max": 500_000,
    } | overrides


def proposal_body(**overrides: Any) -> dict[str, Any]:
    return {
        "message": "ご提案します",
        "amount": 400_000,
        "delivery_date": (clock.today() + timedelta(days=30)).isoformat(),
    } | overrides


class TestJobs:
    def test_search_is_public_and_paged(self, client: Client) -> None:
        JobFactory.create_batch(21)

        first = call(client, "get", "/jobs").json()
        second = call(client, "get", "/jobs?page=2").json()

        assert (len(first["items"]), first["pages"], first["count"]) == (20, 2, 21)
        assert len(second["items"]) == 1
        assert first["items"][0]["client"]["username"] is None
        assert first["items"][0]["caution"] is True

    def test_search_filters(self, client: Client) -> None:
        JobFactory.create(title="動画編集", category="video", description="YouTube")
        CompetitionFactory.create(title="ロゴ募集")

        found = call(client, "get", "/jobs?format=competition").json()["items"]
        assert [j["title"] for j in found] == ["ロゴ募集"]
        found = call(client, "get", "/jobs?category=video&q=動画").json()["items"]
        assert [j["title"] for j in found] == ["動画編集"]

    @pytest.mark.parametrize("query", ["format=auction", "category=x", "page=0", "page=abc"])
    def test_bad_search_is_400(self, client: Client, query: str) -> None:
        error(call(client, "get", f"/jobs?{query}"), 400, "invalid")

    def test_client_posts_a_project(self, client: Client, client_user: User) -> None:
        client.force_login(client_user)

        response = call(client, "post", "/jobs", job_body())

        assert response.status_code == 201
        body = response.json()
        assert (body["status"], body["budget_min"], body["payment"]) == ("open", 300_000, None)
        assert body["client"]["username"] == "client_handle"

    def test_competition_answers_with_its_payment(self, client: Client, client_user: User) -> None:
        client.force_login(client_user)

        body = call(
            client,
            "post",
            "/jobs",
            job_body(format="competition", budget_min=20_000, budget_max=None),
        ).json()

        assert body["status"] == "awaiting_payment"
        assert body["payment"]["amount"] == 21_100
        assert body["payment"]["reference"].startswith("UK")

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"deadline": in_days(-1).isoformat()}, "deadline"),
            ({"deadline": "2030-01-01T10:00:00"}, "deadline"),
            ({"budget_min": 0}, "budget_min"),
            ({"budget_min": 500_000, "budget_max": 100}, "budget_max"),
            ({"budget_min": "300000"}, "budget_min"),
            ({"budget_min": 1.5}, "budget_min"),
            ({"budget_min": True}, "budget_min"),
            ({"format": "auction"}, "format"),
            ({"is_featured": True}, "is_featured"),
        ],
    )
    def test_bad_job_is_400_with_the_field_named(
        self, client: Client, client_user: User, overrides: dict[str, Any], field: str
    ) -> None:
        """B1 bad input; strict ints (no strings, floats or booleans); no extra fields."""
        client.force_login(client_user)
        before = snapshot()

        body = error(call(client, "post", "/jobs", job_body(**overrides)), 400, "invalid")

        assert field in body["fields"]
        assert snapshot() == before

    def test_posting_needs_sign_in(self, client: Client) -> None:
        error(call(client, "post", "/jobs", job_body()), 401, "unauthenticated")

    def test_bearer_token_works(self, client: Client, client_user: User) -> None:
        from tests.factories import ApiTokenFactory

        ApiTokenFactory.create(user=client_user, raw="uk_jobs-api-test-token")

        response = call(
            client,
            "post",
            "/jobs",
            job_body(),
            headers={"authorization": "Bearer uk_jobs-api-test-token"},
        )

        assert response.status_code == 201

    def test_get_close_and_my_jobs(self, client: Client, job: Job, client_user: User) -> None:
        ProposalFactory.create(job=job)
        client.force_login(client_user)

        assert call(client, "get", f"/jobs/{job.pk}").json()["proposal_count"] == 1
        assert call(client, "post", f"/jobs/{job.pk}/close").json()["status"] == "closed"
        assert [j["id"] for j in call(client, "get", "/jobs/mine").json()] == [job.pk]
        error(call(client, "post", f"/jobs/{job.pk}/close"), 409, "already_closed")
        assert Proposal.objects.get().status == ProposalStatus.NOT_SELECTED

    def test_stranger_cannot_close_or_list_proposals(self, client: Client, job: Job) -> None:
        client.force_login(UserFactory.create())

        error(call(client, "post", f"/jobs/{job.pk}/close"), 403)
        error(call(client, "get", f"/jobs/{job.pk}/proposals"), 403)
        job.refresh_from_db()
        assert job.status == JobStatus.OPEN

    def test_unknown_job_is_404(self, client: Client) -> None:
        error(call(client, "get", "/jobs/999999"), 404)


class TestProposals:
    def test_lancer_proposes_and_the_client_lists_them_with_usernames(
        self, client: Client, job: Job, lancer: User, client_user: User
    ) -> None:
        """B1, A2: the client sees the username of a lancer who proposed on their job."""
        client.force_login(lancer)
        created = call(client, "post", f"/jobs/{job.pk}/proposals", proposal_body())
        assert created.status_code == 201
        assert created.json()["thread_id"] is not None

        client.force_login(client_user)
        listed = call(client, "get", f"/jobs/{job.pk}/proposals").json()

        assert [p["lancer"]["username"] for p in listed] == ["lancer_handle"]
        assert (
            call(client, "get", f"/jobs/{job.pk}").json()["client"]["username"] == "client_handle"
        )

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"amount": 0}, "amount"),
            ({"amount": "1000"}, "amount"),
            ({"delivery_date": "yesterday"}, "delivery_date"),
            ({"message": ""}, "message"),
            ({"status": "selected"}, "status"),
        ],
    )
    def test_bad_proposal_is_400(
        self, client: Client, job: Job, lancer: User, body: dict[str, Any], field: str
    ) -> None:
        client.force_login(lancer)
        before = snapshot()

        response = call(client, "post", f"/jobs/{job.pk}/proposals", proposal_body(**body))

        assert field in error(response, 400)["fields"]
        assert snapshot() == before

    def test_own_job_closed_job_and_second_proposal_are_refused(
        self, client: Client, proposal: Proposal, job: Job, lancer: User, client_user: User
    ) -> None:
        """B1 bad input."""
        client.force_login(client_user)
        error(call(client, "post", f"/jobs/{job.pk}/proposals", proposal_body()), 403, "own_job")
        client.force_login(lancer)
        error(
            call(client, "post", f"/jobs/{job.pk}/proposals", proposal_body()),
            409,
            "already_proposed",
        )
        closed = JobFactory.create(status="closed", closed_at=clock.now())
        error(
            call(client, "post", f"/jobs/{closed.pk}/proposals", proposal_body()), 409, "job_closed"
        )
        assert Proposal.objects.count() == 1

    def test_lancer_delete_is_403_with_the_explanation_and_changes_nothing(
        self, client: Client, proposal: Proposal, lancer: User
    ) -> None:
        """B2: the delete route is the client's; the lancer is told what to do instead."""
        client.force_login(lancer)
        before = snapshot()

        body = error(
            call(client, "delete", f"/proposals/{proposal.pk}", headers={"accept-language": "en"}),
            403,
            "lancer_cannot_delete",
        )

        assert body["message"] == english(rules.LANCER_CANNOT_DELETE)
        assert snapshot() == before

    def test_client_selects_declines_and_deletes(
        self, client: Client, job: Job, client_user: User
    ) -> None:
        chosen, declined, deleted = ProposalFactory.create_batch(3, job=job)
        client.force_login(client_user)

        assert call(client, "post", f"/proposals/{chosen.pk}/select").json()["status"] == "selected"
        assert (
            call(client, "post", f"/proposals/{declined.pk}/decline").json()["status"] == "declined"
        )
        assert call(client, "delete", f"/proposals/{deleted.pk}").status_code == 204
        error(call(client, "delete", f"/proposals/{deleted.pk}"), 409, "already_done")
        assert [p["id"] for p in call(client, "get", f"/jobs/{job.pk}/proposals").json()] == [
            chosen.pk,
            declined.pk,
        ]

    def test_my_proposals_and_detail(
        self, client: Client, proposal: Proposal, lancer: User
    ) -> None:
        client.force_login(lancer)

        assert [p["id"] for p in call(client, "get", "/proposals/mine").json()] == [proposal.pk]
        assert call(client, "get", f"/proposals/{proposal.pk}").json()["amount"] == 30_000
        client.force_login(UserFactory.create())
        error(call(client, "get", f"/proposals/{proposal.pk}"), 404)

    def test_append_notes(self, client: Client, proposal: Proposal, lancer: User) -> None:
        """B2: the lancer's notes; the client's note is refused (403), and to a stranger the
        proposal does not exist (404, A2)."""
        client.force_login(lancer)
        created = call(client, "post", f"/proposals/{proposal.pk}/notes", {"body": "削除希望です"})
        assert created.status_code == 201
        assert [
            n["body"] for n in call(client, "get", f"/proposals/{proposal.pk}/notes").json()
        ] == ["削除希望です"]

        client.force_login(proposal.job.client)
        error(call(client, "post", f"/proposals/{proposal.pk}/notes", {"body": "x"}), 403)
        client.force_login(UserFactory.create())
        error(call(client, "post", f"/proposals/{proposal.pk}/notes", {"body": "x"}), 404)
        assert AppendNote.objects.count() == 1

    def test_messages_and_read_state(
        self, client: Client, proposal: Proposal, lancer: User, client_user: User
    ) -> None:
        """B8."""
        client.force_login(lancer)
        sent = call(client, "post", f"/proposals/{proposal.pk}/messages", {"body": "こんにちは"})
        assert sent.status_code == 201

        client.force_login(client_user)
        listed = call(client, "get", f"/proposals/{proposal.pk}/messages").json()
        assert [(m["body"], m["read_at"]) for m in listed] == [("こんにちは", None)]
        assert call(client, "post", f"/proposals/{proposal.pk}/messages/read").json() == {
            "marked": 1
        }
        assert Message.objects.get().read_at is not None

        client.force_login(UserFactory.create())
        error(call(client, "post", f"/proposals/{proposal.pk}/messages", {"body": "x"}), 404)


class TestPaymentsAndUnits:
    def test_operator_confirms_and_the_competition_opens(
        self, client: Client, client_user: User, operator: User
    ) -> None:
        client.force_login(client_user)
        job = call(
            client,
            "post",
            "/jobs",
            job_body(format="competition", budget_min=10_000, budget_max=None),
        ).json()
        error(
            call(client, "post", f"/payments/{job['payment']['id']}/confirm"), 403, "operators_only"
        )

        client.force_login(operator)
        confirmed = call(client, "post", f"/payments/{job['payment']['id']}/confirm").json()

        assert confirmed["status"] == "confirmed"
        assert Job.objects.get(pk=job["id"]).status == JobStatus.OPEN

    def test_task_unit_submit_and_approve(
        self, client: Client, client_user: User, operator: User, lancer: User
    ) -> None:
        client.force_login(client_user)
        job = call(
            client,
            "post",
            "/jobs",
            job_body(format="task", budget_min=None, budget_max=None, unit_reward=200, units=5),
        ).json()
        client.force_login(operator)
        call(client, "post", f"/payments/{job['payment']['id']}/confirm")

        client.force_login(lancer)
        unit = call(client, "post", f"/jobs/{job['id']}/units", {"content": "入力完了"})
        assert unit.status_code == 201
        error(call(client, "post", f"/units/{unit.json()['id']}/approve"), 403)

        client.force_login(client_user)
        approved = call(client, "post", f"/units/{unit.json()['id']}/approve").json()
        assert approved["status"] == "approved"
        assert len(call(client, "get", f"/jobs/{job['id']}/units").json()) == 1
        error(call(client, "post", f"/units/{unit.json()['id']}/reject"), 409, "already_decided")


def test_openapi_declares_every_error_of_the_jobs_routes() -> None:
    """Every 4xx a route can answer is in the schema (schemathesis holds us to it)."""
    schema = api.get_openapi_schema()
    jobs_paths = {
        path: item
        for path, item in schema["paths"].items()
        if path.startswith(("/api/jobs", "/api/proposals", "/api/units", "/api/payments"))
    }
    assert len(jobs_paths) >= 12
    for path, item in jobs_paths.items():
        for method, operation in item.items():
            codes = {str(code) for code in operation["responses"]}
            assert "400" in codes or (method == "get" and path.endswith("/mine")), (path, method)
            if method != "get" or path.endswith(
                ("mine", "proposals", "units", "notes", "messages")
            ):
                assert "401" in codes, (path, method)

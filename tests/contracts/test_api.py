"""The contracts API (/api/contracts): the same operations as the pages, strict input, every
error in the one shape and declared in the OpenAPI schema."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.contracts import builders
from tests.contracts.builders import first_milestone
from tests.factories import UserFactory
from tests.support import assert_ledger_clean, snapshot
from tests.support.api import api_error as error
from ukeoi.accounts.models import User
from ukeoi.api import api
from ukeoi.contracts.enums import CancellationStep, ContractStatus, MilestoneStatus
from ukeoi.contracts.models import Contract, Delivery, Rating
from ukeoi.jobs import services as jobs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    """Delivered files go to a folder of this test, not the site's media."""
    settings.MEDIA_ROOT = tmp_path


ERROR_KEYS = {"code", "message", "fields"}


def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    return getattr(client, method)("/api/contracts" + path, body, content_type="application/json")


def as_user(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


class TestList:
    def test_sign_in_required(self, client: Client) -> None:
        error(call(client, "get", ""), 401, "unauthenticated")

    def test_roles_statuses_and_next_step(self, client: Client) -> None:
        me = UserFactory.create()
        agreeing = builders.contract_agreeing(client=me)
        working = builders.contract_in_progress(lancer=me)
        as_user(client, me)

        everything = call(client, "get", "").json()
        mine_as_lancer = call(client, "get", "?role=lancer").json()
        agreeing_only = call(client, "get", "?status=agreeing").json()

        assert {c["id"] for c in everything["items"]} == {agreeing.pk, working.pk}
        assert [c["id"] for c in mine_as_lancer["items"]] == [working.pk]
        assert mine_as_lancer["items"][0]["role"] == "lancer"
        assert mine_as_lancer["items"][0]["your_turn"] is True  # deliver
        assert [c["id"] for c in agreeing_only["items"]] == [agreeing.pk]
        assert everything["items"][0]["client"]["username"] is not None

    @pytest.mark.parametrize("query", ["role=boss", "status=paused", "page=0", "page=x"])
    def test_bad_filters_are_400(self, client: Client, query: str) -> None:
        as_user(client, UserFactory.create())

        error(call(client, "get", f"?{query}"), 400, "invalid")

    def test_query_count_does_not_grow(self, client: Client) -> None:
        me = UserFactory.create()
        builders.contract_in_progress(client=me)
        as_user(client, me)
        call(client, "get", "")  # the site-wide lookups cached once (the legal versions)
        with CaptureQueriesContext(connection) as one:
            call(client, "get", "")
        builders.contract_completed(client=me)
        builders.contract_agreeing(lancer=me)
        builders.contract_mid_cancellation(lancer=me, step="agreed")
        with CaptureQueriesContext(connection) as four:
            assert len(call(client, "get", "").json()["items"]) == 4

        assert len(four) == len(one)


class TestDetail:
    def test_fees_escrow_state_and_actions(self, client: Client) -> None:
        """B6: fees before the action; the actions the viewer may take now."""
        contract = builders.contract_in_progress(escrowed=False, amount=10_000)
        milestone = first_milestone(contract)

        body = call(as_user(client, contract.client), "get", f"/{contract.pk}").json()

        (m,) = body["milestones"]
        assert m["status"] == MilestoneStatus.AWAITING_ESCROW
        assert m["fees"] == {
            "amount": 10_000,
            "client_fee": 550,
            "client_total": 10_550,
            "lancer_fee": 1_650,
            "withholding": 0,
            "lancer_net": 8_350,
            "estimated": False,
        }
        assert body["actions"]["escrow"] == [milestone.pk]
        assert body["your_turn"] is True
        lancer_view = call(as_user(client, contract.lancer), "get", f"/{contract.pk}").json()
        assert lancer_view["actions"]["escrow"] == []

    def test_strangers_get_404(self, client: Client) -> None:
        contract = builders.contract_in_progress()

        error(call(as_user(client, UserFactory.create()), "get", f"/{contract.pk}"), 404)
        error(call(client, "get", "/999999"), 404)


class TestOperations:
    def test_plan_agree_escrow_deliver_accept_rate(self, client: Client, operator: User) -> None:
        contract = builders.contract_agreeing()
        client_user, lancer = contract.client, contract.lancer

        plan = {
            "milestones": [
                {"title": "デザイン", "amount": 20_000, "due_date": None},
                {"title": "実装", "amount": 30_000},
            ]
        }
        body = call(as_user(client, client_user), "post", f"/{contract.pk}/milestones", plan)
        assert body.status_code == 200, body.content
        proposed = [m for m in body.json()["milestones"] if m["status"] == "proposed"]
        assert [m["amount"] for m in proposed] == [20_000, 30_000]

        agreed = call(as_user(client, lancer), "post", f"/{contract.pk}/milestones/agree")
        assert agreed.json()["status"] == ContractStatus.IN_PROGRESS

        for m in proposed:
            escrowed = call(as_user(client, client_user), "post", f"/milestones/{m['id']}/escrow")
            assert escrowed.status_code == 200
            pending = escrowed.json()["payment_pending"]
            assert pending["amount"] == m["fees"]["client_total"]
            jobs.client_payment_confirm(actor=operator, payment_id=pending["id"])

            delivered = client.post(
                f"/api/contracts/milestones/{m['id']}/deliver",
                {"body": "納品します", "file": SimpleUploadedFile("a.txt", b"hello")},
            )
            # signed in as the client: refused
            error(delivered, 403, "not_lancer")
            as_user(client, lancer)
            delivered = client.post(
                f"/api/contracts/milestones/{m['id']}/deliver",
                {"body": "納品します", "file": SimpleUploadedFile("a.txt", b"hello")},
            )
            assert delivered.status_code == 201, delivered.content
            assert delivered.json()["file_name"].endswith(".txt")

            accepted = call(as_user(client, client_user), "post", f"/milestones/{m['id']}/accept")
            assert accepted.json()["status"] == MilestoneStatus.ACCEPTED

        contract.refresh_from_db()
        assert contract.status == ContractStatus.COMPLETED
        rated = call(
            as_user(client, lancer),
            "post",
            f"/{contract.pk}/ratings",
            {"value": "satisfied", "comment": "ありがとうございました"},
        )
        assert rated.status_code == 201
        assert Rating.objects.get().ratee_id == client_user.pk
        assert Delivery.objects.count() == 2
        assert_ledger_clean()

    @pytest.mark.parametrize(
        "plan",
        [
            {"milestones": [{"title": "x", "amount": 0}]},
            {"milestones": [{"title": "x", "amount": -1}]},
            {"milestones": [{"title": "x", "amount": "1000"}]},
            {"milestones": [{"title": "x", "amount": 1.5}]},
            {"milestones": [{"title": "", "amount": 1000}]},
            {"milestones": []},
            {"milestones": [{"title": "x", "amount": 1000, "extra": 1}]},
        ],
    )
    def test_bad_plan_is_400_and_nothing_changes(
        self, client: Client, plan: dict[str, Any]
    ) -> None:
        contract = builders.contract_agreeing()
        as_user(client, contract.client)
        before = snapshot()

        error(call(client, "post", f"/{contract.pk}/milestones", plan), 400)
        assert snapshot() == before

    def test_request_changes_and_deliver_twice(self, client: Client) -> None:
        contract = builders.contract_in_progress(delivered=True)
        milestone = first_milestone(contract)
        as_user(client, contract.lancer)
        before = snapshot()
        twice = client.post(f"/api/contracts/milestones/{milestone.pk}/deliver", {"body": "再"})
        error(twice, 409, "already_delivered")
        assert snapshot() == before

        changed = call(
            as_user(client, contract.client),
            "post",
            f"/milestones/{milestone.pk}/request-changes",
            {"comment": "修正をお願いします"},
        )

        assert changed.json()["status"] == MilestoneStatus.ESCROWED
        assert changed.json()["deliveries"][0]["change_request"] == "修正をお願いします"

    def test_accepting_unfunded_is_409(self, client: Client) -> None:
        contract = builders.contract_in_progress(escrowed=False)
        as_user(client, contract.client)
        before = snapshot()

        error(call(client, "post", f"/milestones/{first_milestone(contract).pk}/accept"), 409)
        assert snapshot() == before

    def test_second_rating_is_409(self, client: Client) -> None:
        contract = builders.contract_completed()
        as_user(client, contract.client)
        body = {"value": "disappointed", "comment": "連絡が遅かったです"}
        assert call(client, "post", f"/{contract.pk}/ratings", body).status_code == 201
        before = snapshot()

        error(call(client, "post", f"/{contract.pk}/ratings", body), 409, "already_rated")
        error(call(client, "post", f"/{contract.pk}/ratings", body | {"value": "ok"}), 400)
        assert snapshot() == before


class TestCancellation:
    def test_five_steps(self, client: Client) -> None:
        """B4: each step by the side named; the answer says who is next and when the step
        is taken automatically (B7)."""
        contract = builders.contract_in_progress()
        proposed = call(
            as_user(client, contract.lancer),
            "post",
            f"/{contract.pk}/cancellation",
            {"reason": "体調不良のため"},
        )
        assert proposed.status_code == 201
        assert proposed.json()["next_actor_id"] == contract.client_id
        assert proposed.json()["auto_step_at"] is not None

        for path, actor in [
            ("agree", contract.client),
            ("escrow-cancel", contract.lancer),
            ("plan-delete", contract.client),
            ("deletion-approve", contract.lancer),
        ]:
            view = call(as_user(client, actor), "get", f"/{contract.pk}").json()
            assert view["actions"]["cancellation"][0] == path
            current = [s for s in view["cancellation"]["steps"] if s["current"]]
            assert current[0]["your_action"] == path
            answer = call(client, "post", f"/{contract.pk}/cancellation/{path}")
            assert answer.status_code == 200, answer.content

        body = call(client, "get", f"/{contract.pk}").json()
        assert body["status"] == ContractStatus.CANCELLED
        assert body["cancellation"]["step"] == CancellationStep.DONE
        assert all(s["done"] for s in body["cancellation"]["steps"])
        assert_ledger_clean()

    def test_wrong_side_and_wrong_order(self, client: Client) -> None:
        contract = builders.contract_mid_cancellation(step="agreed")
        stranger = as_user(Client(), UserFactory.create())
        as_user(client, contract.client)
        before = snapshot()

        error(
            call(client, "post", f"/{contract.pk}/cancellation/escrow-cancel"), 403, "not_your_step"
        )
        error(call(client, "post", f"/{contract.pk}/cancellation/plan-delete"), 409, "wrong_step")
        # A2: to a stranger the contract does not exist, whatever they try (B4).
        error(call(stranger, "post", f"/{contract.pk}/cancellation/agree"), 404, "not_found")
        assert snapshot() == before

    def test_no_cancellation_under_way(self, client: Client) -> None:
        contract = builders.contract_in_progress()
        as_user(client, contract.client)

        error(call(client, "post", f"/{contract.pk}/cancellation/agree"), 409, "no_cancellation")
        error(call(client, "post", f"/{contract.pk}/cancellation", {"reason": ""}), 400)


def test_messages_in_the_contract_thread(client: Client) -> None:
    contract = builders.contract_agreeing()

    sent = call(
        as_user(client, contract.client), "post", f"/{contract.pk}/messages", {"body": "こんにちは"}
    )
    listed = call(as_user(client, contract.lancer), "get", f"/{contract.pk}/messages")

    assert sent.status_code == 201
    assert [m["body"] for m in listed.json()] == ["こんにちは"]
    error(call(as_user(client, UserFactory.create()), "get", f"/{contract.pk}/messages"), 404)


def test_every_error_status_is_declared() -> None:
    """The OpenAPI schema declares the 4xx each contracts route can answer."""
    schema = api.get_openapi_schema()
    routes = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/contracts")}
    assert len(routes) >= 15
    for path, operations in routes.items():
        for method, operation in operations.items():
            declared = {str(code) for code in operation["responses"]}
            assert {"401"} <= declared, (method, path)
            if method == "post":
                assert {"400", "401", "403", "404", "409"} <= declared, path


def test_contract_ids_in_paths_are_strict(client: Client) -> None:
    as_user(client, UserFactory.create())

    assert client.get("/api/contracts/1.5").status_code in (400, 404)
    assert Contract.objects.count() == 0

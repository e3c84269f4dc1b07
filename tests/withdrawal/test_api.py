"""GET/POST /api/withdrawal and /api/withdrawal/when-clear (W1, W2, W4–W9)."""

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import ApiTokenFactory, JobFactory, ProposalFactory
from tests.support import snapshot
from tests.withdrawal.conftest import PASSWORD
from tests.withdrawal.support import give_reward
from ukeoi.accounts.models import User

TOKEN = "uk_withdrawal-api-token"


@pytest.fixture
def api(client: Client, member: User) -> Client:
    ApiTokenFactory.create(user=member, raw=TOKEN)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"reason": "fees", "password": PASSWORD}
    data.update(changes)
    return data


@pytest.mark.django_db
class TestWithdrawalApi:
    def test_w2_get_lists_blockers_with_items(self, api: Client, member: User) -> None:
        job = JobFactory.create(client=member)
        ProposalFactory.create(lancer=member)
        give_reward(member, 500)

        answer = api.get("/api/withdrawal").json()

        assert [b["code"] for b in answer["blockers"]] == [
            "open_job",
            "pending_proposal",
            "reward_balance",
        ]
        assert answer["blockers"][0]["items"][0]["id"] == job.pk
        assert answer["blockers"][0]["clears_on"] is not None
        assert answer["blockers"][2]["forfeit_only"] is True
        assert answer["can_withdraw"] is False
        assert answer["can_request_when_clear"] is True

    def test_unauthenticated_401(self, client: Client) -> None:
        assert client.get("/api/withdrawal").status_code == 401

    def test_w4_wrong_password_400_nothing_changed(self, api: Client, member: User) -> None:
        before = snapshot()
        response = post(api, "/api/withdrawal", body(password="wrong"))
        assert response.status_code == 400
        assert "password" in response.json()["fields"]
        assert snapshot() == before

    def test_w4_unknown_reason_400(self, api: Client, member: User) -> None:
        before = snapshot()
        response = post(api, "/api/withdrawal", body(reason="bored"))
        assert response.status_code == 400
        assert snapshot() == before

    def test_w1_blocked_409(self, api: Client, member: User) -> None:
        JobFactory.create(client=member)
        response = post(api, "/api/withdrawal", body())
        assert response.status_code == 409
        assert response.json()["code"] == "withdrawal_blocked"

    def test_w5_w7_withdraw_with_consent_then_token_is_dead(
        self, api: Client, member: User
    ) -> None:
        give_reward(member, 250)

        response = post(api, "/api/withdrawal", body(forfeit=True, forfeit_amount=250))

        assert response.status_code == 200, response.json()
        assert response.json()["forfeited"] == 250
        assert api.get("/api/withdrawal").status_code == 401

    def test_w9_request_and_cancel(self, api: Client, member: User) -> None:
        JobFactory.create(client=member)

        created = post(api, "/api/withdrawal/when-clear", body(balance_choice="forfeit"))
        assert created.status_code == 201, created.json()
        assert created.json()["status"] == "pending"
        again = post(api, "/api/withdrawal/when-clear", body())
        assert again.status_code == 409

        cancelled = api.delete("/api/withdrawal/when-clear")
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert api.delete("/api/withdrawal/when-clear").status_code == 409

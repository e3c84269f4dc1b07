"""Issue 6 item 7: payouts in the JSON API.

GET/PUT /api/me/payout-settings (M4, M6, M3), GET /api/me/payouts (M5), GET /api/me/statement.
Strict input, every 4xx declared in the schema, a fixed number of queries."""

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import ApiTokenFactory, UserFactory
from tests.payouts.pages_support import bank_master, closes, credit, lancer, payout_row
from tests.support.api import api_error as _error
from ukeoi.accounts.models import User
from ukeoi.api import api
from ukeoi.ledger.selectors import ledger_check_get
from ukeoi.payouts.models import PayoutSettings

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
TODAY = datetime(2026, 12, 20, 10, 0, tzinfo=JST)
ROUTES = [
    ("get", "/api/me/payout-settings"),
    ("put", "/api/me/payout-settings"),
    ("get", "/api/me/payouts"),
    ("get", "/api/me/statement"),
]


@pytest.fixture(autouse=True)
def _frozen(time_machine: Any) -> None:
    time_machine.move_to(TODAY, tick=False)


def _auth(user: User) -> dict[str, str]:
    raw = f"uk_payouts-api-{user.pk:08d}"
    ApiTokenFactory.create(user=user, raw=raw)
    return {"authorization": f"Bearer {raw}", "accept-language": "ja"}


def _put(client: Client, body: Any, headers: dict[str, str]) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.put(
        "/api/me/payout-settings", data=data, content_type="application/json", headers=headers
    )


class TestPayoutSettings:
    def test_m4_m6_a_ready_lancer_gets_four_met_conditions_the_fee_and_the_next_payout(
        self, client: Client
    ) -> None:
        user = lancer(balance=12_000, bank_code="0005")

        body = client.get("/api/me/payout-settings", headers=_auth(user)).json()

        assert body["mode"] == "auto"
        assert body["final_payout"] is False
        assert [(c["code"], c["met"], c["action_url"]) for c in body["conditions"]] == [
            ("minimum_balance", True, ""),
            ("bank_account", True, ""),
            ("auto_mode", True, ""),
            ("name_and_address", True, ""),
        ]
        assert body["transfer_fee"] == 500
        assert body["fees"] == {
            "own_bank_code": "0001",
            "own_bank_name": "みずほ",
            "own_bank_fee": 100,
            "other_bank_fee": 500,
            "minimum": 1_000,
        }
        assert body["upcoming"] == {
            "close_date": "2026-12-31",
            "payment_date": "2027-01-15",
            "balance": 12_000,
            "amount": 12_000,
            "fee": 500,
            "net": 11_500,
            "will_pay": True,
            "is_final": False,
            "missing": [],
        }

    def test_m4_what_is_missing_comes_with_where_to_fix_it(self, client: Client) -> None:
        bank_master()
        user = lancer(balance=300, bank_code=None, name_and_address=False)

        body = client.get("/api/me/payout-settings", headers=_auth(user)).json()

        assert {c["code"]: c["action_url"] for c in body["conditions"] if not c["met"]} == {
            "minimum_balance": "",
            "bank_account": "/accounts/bank/",
            "name_and_address": "/accounts/profile/",
        }
        assert body["transfer_fee"] is None
        assert body["upcoming"]["will_pay"] is False
        assert [c["code"] for c in body["upcoming"]["missing"]] == [
            "minimum_balance",
            "bank_account",
            "name_and_address",
        ]
        assert all(c["message"] for c in body["upcoming"]["missing"])

    def test_m4_put_manual_keeps_the_balance_and_auto_turns_it_back(self, client: Client) -> None:
        user = lancer(balance=12_000)
        headers = _auth(user)

        body = _put(client, {"mode": "manual"}, headers).json()

        assert body["mode"] == "manual"
        auto = next(c for c in body["conditions"] if c["code"] == "auto_mode")
        assert auto["met"] is False
        assert auto["action_url"] == "/payouts/settings/"
        assert body["upcoming"]["will_pay"] is False
        assert PayoutSettings.objects.get(user=user).mode == "manual"

        assert _put(client, {"mode": "auto"}, headers).json()["upcoming"]["will_pay"] is True
        assert PayoutSettings.objects.get(user=user).mode == "auto"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"mode": "weekly"}, "mode"),
            ({"mode": 1}, "mode"),
            ({"mode": None}, "mode"),
            ({"mode": ["auto"]}, "mode"),
            ({}, "mode"),
            ({"mode": "auto", "final_payout": True}, "final_payout"),
            ("{not json", "body"),
            ("[]", "body"),
        ],
    )
    def test_bad_input_is_a_400_with_the_field_and_nothing_changes(
        self, client: Client, body: Any, field: str
    ) -> None:
        user = lancer(balance=12_000)

        error = _error(_put(client, body, _auth(user)), 400, "invalid")

        assert field in error["fields"]
        assert not PayoutSettings.objects.filter(user=user).exists()

    def test_a_session_put_without_the_csrf_token_is_refused(self) -> None:
        user = lancer(balance=12_000)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)

        _error(_put(client, {"mode": "manual"}, {}), 403, "csrf_failed")

        assert not PayoutSettings.objects.filter(user=user).exists()


class TestPayoutsAndStatement:
    def test_m5_payouts_newest_first_with_status_amounts_and_the_failure_reason(
        self, client: Client
    ) -> None:
        user = lancer(balance=2_000)
        payout_row(user, close=date(2026, 10, 31), status="paid", net=9_500)
        payout_row(
            user, close=date(2026, 11, 15), status="failed", failure_reason="口座が解約済みです"
        )
        payout_row(user, close=date(2026, 11, 30), status="requested", net=1_500)
        payout_row(lancer(), close=date(2026, 11, 30), status="paid")  # someone else's

        body = client.get("/api/me/payouts", headers=_auth(user)).json()

        assert [(p["status"], p["close_date"], p["payment_date"]) for p in body["items"]] == [
            ("requested", "2026-11-30", "2026-12-15"),
            ("failed", "2026-11-15", "2026-11-30"),
            ("paid", "2026-10-31", "2026-11-13"),
        ]
        requested, failed, paid = body["items"]
        assert (paid["amount"], paid["fee"], paid["net"]) == (10_000, 500, 9_500)
        assert failed["failure_reason"] == "口座が解約済みです"
        assert failed["failed_at"] is not None
        assert requested["exported_at"] is None
        assert (body["page"], body["per_page"], body["has_next"]) == (1, 20, False)

    def test_payouts_are_paged(self, client: Client) -> None:
        user = lancer()
        for close in closes(5):
            payout_row(user, close=close)
        headers = _auth(user)

        first = client.get("/api/me/payouts?per_page=2", headers=headers).json()
        last = client.get("/api/me/payouts?per_page=2&page=3", headers=headers).json()

        assert (len(first["items"]), first["has_next"]) == (2, True)
        assert (len(last["items"]), last["has_next"]) == (1, False)

    def test_statement_balance_upcoming_lines_and_daily_history(
        self, client: Client, time_machine: Any
    ) -> None:
        user = lancer()
        time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=JST), tick=False)
        credit(user, 5_000)
        credit(user, 1_000)  # same day: one point, the day's last balance
        time_machine.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=JST), tick=False)
        credit(user, 2_500)
        time_machine.move_to(TODAY, tick=False)

        body = client.get("/api/me/statement?per_page=2", headers=_auth(user)).json()

        assert body["balance"] == 8_500
        assert (body["upcoming"]["amount"], body["upcoming"]["net"]) == (8_500, 8_000)
        assert [(line["amount"], line["balance_after"]) for line in body["lines"]] == [
            (2_500, 8_500),
            (1_000, 6_000),
        ]
        assert body["lines"][0]["kind"] == "task_unit.release"
        assert body["lines"][0]["label"]
        assert (body["page"], body["per_page"], body["has_next"]) == (1, 2, True)
        assert body["history"]["end"] == "2026-12-20"
        assert body["history"]["opening"] == 0
        assert body["history"]["points"] == [
            {"day": "2026-11-02", "balance": 6_000},
            {"day": "2026-12-01", "balance": 8_500},
        ]
        assert ledger_check_get().ok

    @pytest.mark.parametrize(
        "query",
        ["page=0", "page=abc", "per_page=0", "per_page=101", f"page={10**25}", "page=1.5"],
    )
    def test_odd_paging_is_a_400(self, client: Client, query: str) -> None:
        headers = _auth(lancer())
        for path in ("/api/me/payouts", "/api/me/statement"):
            _error(client.get(f"{path}?{query}", headers=headers), 400, "invalid")

    def test_query_count_does_not_grow_with_the_history(self, client: Client) -> None:
        user = lancer(balance=1_000)
        headers = _auth(user)
        close_dates = iter(closes(30))

        def counts() -> list[int]:
            found = []
            for method, path in ROUTES:
                if method == "get":
                    with CaptureQueriesContext(connection) as queries:
                        assert client.get(path, headers=headers).status_code == 200
                    found.append(len(queries.captured_queries))
            return found

        payout_row(user, close=next(close_dates))
        counts()  # the first use of a token also records when it was last used
        small = counts()
        for _ in range(25):
            payout_row(user, close=next(close_dates))
            credit(user, 100)

        assert counts() == small


class TestRefusals:
    @pytest.mark.parametrize(("method", "path"), ROUTES)
    def test_without_a_session_or_token_every_route_is_a_401(
        self, client: Client, method: str, path: str
    ) -> None:
        response = getattr(client, method)(path, content_type="application/json")

        _error(response, 401, "unauthenticated")

    def test_a_revoked_token_is_a_401_and_changes_nothing(self, client: Client) -> None:
        user = UserFactory.create()
        headers = _auth(user)
        user.api_tokens.update(revoked_at=TODAY)

        _error(_put(client, {"mode": "manual"}, headers), 401, "unauthenticated")
        assert not PayoutSettings.objects.exists()

    def test_every_route_declares_its_error_answers(self) -> None:
        schema = api.get_openapi_schema()
        # 403 on every signed-in route: consent to new terms is required first (L4).
        expected = {
            ("get", "/api/me/payout-settings"): {"401", "403"},
            ("put", "/api/me/payout-settings"): {"400", "401", "403"},
            ("get", "/api/me/payouts"): {"400", "401", "403"},
            ("get", "/api/me/statement"): {"400", "401", "403"},
        }
        for (method, path), statuses in expected.items():
            declared = {
                str(s) for s in schema["paths"][path][method]["responses"] if str(s) >= "400"
            }
            assert declared == statuses, (method, path, declared)

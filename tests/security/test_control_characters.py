"""Issue 14, item 1: a control character (above all NUL, U+0000) anywhere in an API request —
a body field at any depth, a query parameter, a path parameter — is refused before any
route's code runs: 400 {"code": "invalid"} naming the field, and nothing stored. PostgreSQL
cannot store NUL in text (it answered 500); SQLite stored it. One check in the API layer
(ukeoi.core.api.refuse_control_characters) covers every route; these are the routes the
issue names, plus the characters around the edges of the rule."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.test import Client

from tests.contracts import builders
from tests.factories import (
    FaqArticleFactory,
    ProposalFactory,
    UserFactory,
)
from ukeoi.accounts.models import Bank, BankBranch, User
from ukeoi.core import clock

pytestmark = pytest.mark.django_db

NUL = "\x00"


@dataclass
class World:
    """What the routes act on: a signed-in user who is the client of a contract under
    agreement and the lancer of a pending proposal, a bank, a FAQ article."""

    user: User
    contract_id: int
    proposal_id: int


@pytest.fixture
def world() -> World:
    user = UserFactory.create()
    contract = builders.contract_agreeing(client=user)
    proposal = ProposalFactory.create(lancer=user)
    bank = Bank.objects.create(
        code="0001", name="みずほ", kana="ミズホ", hira="みずほ", roma="mizuho"
    )
    BankBranch.objects.create(
        bank=bank,
        code="001",
        name="東京営業部",
        kana="トウキヨウ",
        hira="とうきよう",
        roma="toukyou",
    )
    FaqArticleFactory.create(slug="withdraw")
    return World(user=user, contract_id=contract.pk, proposal_id=proposal.pk)


def job_body(**overrides: Any) -> dict[str, Any]:
    deadline = (clock.now() + timedelta(days=10)).isoformat()
    return {
        "title": "アプリ開発",
        "description": "iOSアプリの開発をお願いします。\n詳細は追ってお伝えします。",
        "category": "system",
        "format": "project",
        "deadline": deadline,
        "budget_min": 300_000,
        "budget_max": 500_000,
    } | overrides


def bank_body(**overrides: Any) -> dict[str, Any]:
    return {
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": 1,
        "number": "1234567",
        "holder_name": "やまだ　たろう",
    } | overrides


@dataclass
class Route:
    """One request of the issue: `build(world, text)` gives (method, path, query, body)
    with `text` in the field `field`; `signed_in` routes are sent with the world's user."""

    id: str
    field: str
    build: Callable[[World, str], tuple[str, str, dict[str, str] | None, Any]]
    signed_in: bool = True
    ok: int = 200


ROUTES = [
    Route(
        "register.display_name",
        "display_name",
        lambda w, t: (
            "post",
            "/api/accounts/register",
            None,
            {
                "email": "new@example.jp",
                "username": "newcomer",
                "display_name": f"新規{t}さん",
                "password": "correct horse battery staple",
                "agree_terms": True,
            },
        ),
        signed_in=False,
        ok=201,
    ),
    Route("jobs.q", "q", lambda w, t: ("get", "/api/jobs", {"q": f"ロゴ{t}"}, None), False),
    Route("banks.q", "q", lambda w, t: ("get", "/api/banks", {"q": f"みず{t}"}, None)),
    Route(
        "banks.bank_code",
        "bank_code",
        lambda w, t: ("get", f"/api/banks/{quote('0001' + t)}/branches", None, None),
    ),
    Route("faq.q", "q", lambda w, t: ("get", "/api/help/faq", {"q": f"退会{t}"}, None), False),
    Route(
        "faq.slug",
        "slug",
        lambda w, t: ("get", f"/api/help/faq/{quote('withdraw' + t)}", None, None),
        signed_in=False,
    ),
    Route(
        "job.title",
        "title",
        lambda w, t: ("post", "/api/jobs", None, job_body(title=f"開発{t}")),
        ok=201,
    ),
    Route(
        "job.description",
        "description",
        lambda w, t: ("post", "/api/jobs", None, job_body(description=f"詳細{t}です")),
        ok=201,
    ),
    Route(
        "me.display_name",
        "display_name",
        lambda w, t: ("patch", "/api/me", None, {"display_name": f"名前{t}"}),
    ),
    Route(
        "me.profile.city",
        "profile.city",
        lambda w, t: ("patch", "/api/me", None, {"profile": {"city": f"渋谷区{t}"}}),
    ),
    Route(
        "me.profile.self_introduction",
        "profile.self_introduction",
        lambda w, t: ("patch", "/api/me", None, {"profile": {"self_introduction": f"自己紹介{t}"}}),
    ),
    Route(
        "tokens.name",
        "name",
        lambda w, t: ("post", "/api/tokens", None, {"name": f"CI{t}"}),
        ok=201,
    ),
    Route(
        "bank_account.holder_name",
        "holder_name",
        lambda w, t: ("put", "/api/me/bank-account", None, bank_body(holder_name=f"やまだ{t}")),
    ),
    Route(
        "milestones.0.title",
        "milestones.0.title",
        lambda w, t: (
            "post",
            f"/api/contracts/{w.contract_id}/milestones",
            None,
            {"milestones": [{"title": f"デザイン{t}", "amount": 10_000}]},
        ),
    ),
    Route(
        "contract.message",
        "body",
        lambda w, t: (
            "post",
            f"/api/contracts/{w.contract_id}/messages",
            None,
            {"body": f"よろしく{t}"},
        ),
        ok=201,
    ),
    Route(
        "proposal.note",
        "body",
        lambda w, t: ("post", f"/api/proposals/{w.proposal_id}/notes", None, {"body": f"追記{t}"}),
        ok=201,
    ),
]


def sign_in(client: Client, world: World, route: Route) -> None:
    """Before the database is read for comparison: signing in writes `last_login`."""
    if route.signed_in:
        client.force_login(world.user)


def send(client: Client, world: World, route: Route, text: str) -> Any:
    """The route's request with `text` in its field (sign in first where it needs it)."""
    method, path, query, body = route.build(world, text)
    if method == "get":
        return client.get(path, query, headers={"accept-language": "ja"})
    return getattr(client, method)(
        path, body, content_type="application/json", headers={"accept-language": "ja"}
    )


IGNORED_TABLES = {"django_session", "axes_accessattempt", "axes_accesslog"}


def database_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (but the session and sign-in logs): any insert or update
    shows up as a difference."""
    rows = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if table in IGNORED_TABLES or not model._meta.managed:
            continue
        rows[table] = sorted(model._default_manager.values_list(), key=repr)
    return rows


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"] == {field: [UNUSABLE_CHARACTERS_MESSAGE_JA]}


UNUSABLE_CHARACTERS_MESSAGE_JA = "制御文字など、使用できない文字が含まれています。"


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
def test_nul_is_refused_naming_the_field_and_nothing_is_stored(
    client: Client, world: World, route: Route
) -> None:
    sign_in(client, world, route)
    before = database_rows()

    response = send(client, world, route, NUL)

    assert_refused(response, route.field)
    assert database_rows() == before


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
def test_the_same_request_without_the_character_goes_through(
    client: Client, world: World, route: Route
) -> None:
    """The refused requests above are otherwise good: the refusal is the character's."""
    sign_in(client, world, route)

    response = send(client, world, route, "")

    assert response.status_code == route.ok, response.content


BODY_ROUTES = [r for r in ROUTES if r.build(World(None, 0, 0), "x")[3] is not None]  # type: ignore[arg-type]
PARAMETER_ROUTES = [r for r in ROUTES if r not in BODY_ROUTES]


OTHER_CHARACTERS = {
    "SOH": "\x01",
    "BS": "\x08",
    "VT": "\x0b",
    "FF": "\x0c",
    "ESC": "\x1b",
    "US": "\x1f",
    "DEL": "\x7f",
    "NEL": "\x85",
    "CSI": "\x9b",
    "lone surrogate": "\ud800",
}


@pytest.mark.parametrize("route", BODY_ROUTES, ids=[r.id for r in BODY_ROUTES])
def test_other_control_characters_in_a_body_are_refused(
    client: Client, world: World, route: Route
) -> None:
    """C0 controls but TAB, LF and CR; DEL; C1 controls; a lone UTF-16 surrogate."""
    sign_in(client, world, route)
    before = database_rows()

    for label, character in OTHER_CHARACTERS.items():
        response = send(client, world, route, character)

        assert response.status_code == 400, (label, response.content)
        assert response.json()["fields"] == {route.field: [UNUSABLE_CHARACTERS_MESSAGE_JA]}, label
    assert database_rows() == before


@pytest.mark.parametrize("character", ["\t", "\n", "\r\n"], ids=["TAB", "LF", "CRLF"])
def test_line_breaks_and_tabs_in_body_text_are_accepted(
    client: Client, world: World, character: str
) -> None:
    """Multi-line text (a job description, a message) keeps its line breaks and tabs."""
    route = next(r for r in ROUTES if r.id == "job.description")
    sign_in(client, world, route)

    response = send(client, world, route, character)

    assert response.status_code == 201, response.content
    assert character.replace("\r\n", "\n") in response.json()["description"].replace("\r\n", "\n")


@pytest.mark.parametrize("character", ["\t", "\n", "\r", "\x1b", "\x7f", "\x85"])
@pytest.mark.parametrize("route", PARAMETER_ROUTES, ids=[r.id for r in PARAMETER_ROUTES])
def test_query_and_path_parameters_refuse_every_control_character(
    client: Client, world: World, route: Route, character: str
) -> None:
    sign_in(client, world, route)

    response = send(client, world, route, character)

    assert_refused(response, route.field)


def test_a_parameter_the_route_does_not_take_is_refused_too(client: Client, world: World) -> None:
    response = client.get("/api/jobs", {"utm\x00": "x", "page": "1"})

    assert_refused(response, "utm\\u0000")


def test_a_bad_key_in_a_body_is_named_escaped(client: Client, world: World) -> None:
    client.force_login(world.user)

    response = client.patch(
        "/api/me", {"profile": {"ci\x00ty": "渋谷区"}}, content_type="application/json"
    )

    assert_refused(response, "profile.ci\\u0000ty")


def test_a_multipart_text_field_is_checked(client: Client) -> None:
    """The one form-data route (delivering a milestone). Django already drops unprintable
    characters from an uploaded file's name; the text fields are ours to check."""
    contract = builders.contract_in_progress()
    milestone = builders.first_milestone(contract)
    client.force_login(contract.lancer)
    before = database_rows()

    response = client.post(
        f"/api/contracts/milestones/{milestone.pk}/deliver", {"body": "納品します\x00"}
    )

    assert_refused(response, "body")
    assert database_rows() == before


def test_the_message_follows_the_request_language(client: Client) -> None:
    response = client.get("/api/jobs", {"q": NUL}, headers={"accept-language": "en"})

    assert response.json()["fields"] == {
        "q": ["This contains a control character or another character that cannot be used."]
    }


def test_signing_in_comes_first(client: Client) -> None:
    """Who you are is answered before what you sent: without a session, 401."""
    response = client.post("/api/tokens", {"name": NUL}, content_type="application/json")

    assert response.status_code == 401

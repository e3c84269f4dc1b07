"""Issue 9, API fuzzing: schemathesis drives every operation of /api/openapi.json with
generated input, signed in with a demo user's bearer token against the demo data. Every
answer must be a non-5xx with a declared status code and content type, and its body must
match the declared schema. Bounded for CI: a fixed seed (derandomized) and
FUZZ_EXAMPLES examples per operation (default 20) keep it to a few minutes on two cores.

Issue 14 item 1: generated strings seldom hold a control character, and a stored one is no
5xx on SQLite, so the second test puts one (NUL, other C0 controls, DEL, C1) into each
request on purpose, in a query parameter, a string path parameter or any body field, and
asks for the API's refusal: 400 {"code": "invalid"} naming that field."""

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ukeoi.accounts.models import User
from ukeoi.accounts.services import api_token_create
from ukeoi.core import characters

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())

# Requests that are otherwise valid (positive generation), so that the character is the one
# reason to refuse them; only operations that take a query parameter, a string path
# parameter or a body.
control_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
control_schema.config.generation.update(modes=[GenerationMode.POSITIVE])
# NUL, other C0 controls, DEL, C1 controls. (A lone surrogate cannot be sent in a URL; the
# body case is in tests/security/test_control_characters.py.)
CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f", "\x85", "\x9b"]
# A query or path parameter is one line: TAB, LF and CR are refused there too.
PARAMETER_CHARACTERS = [*CONTROL_CHARACTERS, "\t", "\n", "\r"]


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """The real WSGI handler closes "old" connections around each request, which would end
    each test's transaction on PostgreSQL; Django's own test client unhooks the same. Once
    per test: the test client hooks them back after each of its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def demo_token(django_db_setup: None, django_db_blocker: Any) -> str:
    """The demo data, loaded once (committed) for the whole run, and a token of the demo
    lancer; each example's own changes roll back with its test."""
    with django_db_blocker.unblock():
        call_command("demo_data", verbosity=0)
        lancer = User.objects.get(email="lancer@demo.ukeoi.jp")
        _, raw = api_token_create(actor=lancer, name="fuzz")
    return raw


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_api_operation_answers_as_declared(case: schemathesis.Case, demo_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {demo_token}", "Accept-Language": "en"},
        checks=CHECKS,
    )


def test_the_fuzzer_is_signed_in(demo_token: str) -> None:
    """The fuzzing reaches past authentication: the token is the demo lancer's."""
    response = Client().get("/api/me", headers={"Authorization": f"Bearer {demo_token}"})
    assert response.status_code == 200
    assert response.json()["display_name"]


def _text_parameters(operation: Any) -> list[tuple[str, str]]:
    """(location, name) of the parameters a character can go into: every query parameter
    (the check comes before any type is read) and each path parameter that is a string
    (an integer one would not match the route)."""
    return [
        (p["in"], p["name"])
        for p in operation.definition.raw.get("parameters", [])
        if p["in"] == "query" or (p["in"] == "path" and p.get("schema", {}).get("type") == "string")
    ]


def _takes_text(operation: Any) -> bool:
    return "requestBody" in operation.definition.raw or bool(_text_parameters(operation))


def _body_places(value: Any, name: str = "") -> list[str]:
    """The dotted names of a JSON body's leaves (each a place for the character)."""
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _body_places(v, f"{name}.{k}" if name else k)]
    if isinstance(value, list) and value:
        return [
            p
            for i, v in enumerate(value)
            for p in _body_places(v, f"{name}.{i}" if name else str(i))
        ]
    return [name] if name else []


def _poison(document: Any, dotted: str, character: str) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        document = document[int(part) if isinstance(document, list) else part]
    key: Any = int(last) if isinstance(document, list) else last
    old = document[key]
    document[key] = f"{old}{character}" if isinstance(old, str) else f"1{character}"


@control_schema.include(lambda ctx: _takes_text(ctx.operation)).parametrize()
@control_schema.given(data=st.data())
@settings(
    max_examples=max(5, EXAMPLES // 2),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_control_characters_are_refused_by_every_operation(
    case: schemathesis.Case, data: st.DataObject, demo_token: str
) -> None:
    places = _text_parameters(case.operation)
    if isinstance(case.body, dict):
        multipart = case.media_type == "multipart/form-data"
        places += [
            ("body", name)
            for name in _body_places(case.body)
            if not multipart or isinstance(case.body.get(name), str)
        ]
    assume(places)
    location, name = data.draw(st.sampled_from(places), label="place")
    pool = CONTROL_CHARACTERS if location == "body" else PARAMETER_CHARACTERS
    character = data.draw(st.sampled_from(pool), label="character")
    if location == "query":
        case.query = dict(case.query or {})
        case.query[name] = f"{case.query.get(name, 'x')}{character}"
    elif location == "path":
        # Percent-encoded: schemathesis puts path values in the URL as they are, and the
        # URL parser drops a raw TAB, LF or CR (Python's urlsplit) before the request leaves.
        case.path_parameters[name] = f"{case.path_parameters[name]}{quote(character)}"
        try:
            match = resolve(unquote(case.formatted_path))
        except Resolver404:
            match = None
        # A generated value that leaves the route (a "/", say) is a 404, not this test's.
        assume(match is not None and match.kwargs.get(name) == unquote(case.path_parameters[name]))
    else:
        _poison(case.body, name, character)

    response = case.call(headers={"Authorization": f"Bearer {demo_token}", "Accept-Language": "en"})

    assert response.status_code == 400, (location, name, repr(character), response.text[:500])
    answer = response.json()
    assert answer["code"] == "invalid"
    if location == "body" and case.media_type == "multipart/form-data":
        # Django's multipart parser strips the blanks around a part's name (" " is "").
        name = name.strip()
    assert answer["fields"].get(name) == [str(characters.MESSAGE)], answer

"""Issue 9, API fuzzing: schemathesis drives every operation of /api/openapi.json with
generated input, signed in with a demo user's bearer token against the demo data. Every
answer must be a non-5xx with a declared status code and content type, and its body must
match the declared schema. Bounded for CI: a fixed seed (derandomized) and
FUZZ_EXAMPLES examples per operation (default 20) keep it to a few minutes on two cores."""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ukeoi.accounts.models import User
from ukeoi.accounts.services import api_token_create

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(scope="session", autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """The real WSGI handler closes "old" connections around each request, which would end
    each test's transaction on PostgreSQL; Django's own test client unhooks the same."""
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

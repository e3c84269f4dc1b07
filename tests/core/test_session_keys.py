"""A session cookie that Django could not have made (a NUL, other characters) is no session:
the page answers as to a visitor, never 500 (issue 14, bad input; PostgreSQL refuses a NUL
in the query that looked the session up)."""

from importlib import import_module

import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ENGINES = ["ukeoi.core.dbsessions", "ukeoi.core.sessions"]
FORGED = ["\x00" + "a" * 31, "a" * 31 + "\x00", "ＡＢＣＤＥＦＧＨ12345678", "abcdefgh-ijklmnop"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("key", FORGED)
def test_a_key_django_could_not_have_made_is_no_key(engine: str, key: str) -> None:
    store = import_module(engine).SessionStore(key)
    assert store.session_key is None
    assert store.load() == {}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("path", "status"), [("/jobs/", 200), ("/withdrawal/", 302), ("/api/me", 401)]
)
def test_a_cookie_with_a_nul_is_answered_as_a_visitor(
    settings, engine: str, path: str, status: int
) -> None:
    settings.SESSION_ENGINE = engine
    # The octal escape of a quoted cookie value: Django's cookie parser decodes it to NUL.
    client = Client(HTTP_COOKIE='sessionid="\\000' + "a" * 31 + '"')
    assert client.get(path).status_code == status


@pytest.mark.parametrize("engine", ENGINES)
def test_a_real_session_still_signs_in(settings, engine: str) -> None:
    settings.SESSION_ENGINE = engine
    user = UserFactory.create()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/withdrawal/").status_code == 200

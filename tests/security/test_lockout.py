"""Issue 9, security: sign-in and password-reset throttling (django-axes). After
AXES_FAILURE_LIMIT wrong passwords for one address from one client, that pair is paused with
a clear page (429); other clients and addresses are unaffected; an operator lifts the pause
in the admin. Password-reset requests are throttled the same way without locking sign-in."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.mail import EmailMessage
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
RESET_URL = "/accounts/password/reset/"
EN = {"accept-language": "en"}
LIMIT = settings.AXES_FAILURE_LIMIT


def sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD, ip: str = "10.0.0.1"):
    return client.post(
        LOGIN_URL, {"username": email, "password": password}, headers=EN, REMOTE_ADDR=ip
    )


def fail_until_locked(client: Client, email: str, ip: str = "10.0.0.1") -> None:
    for _ in range(LIMIT - 1):
        assert sign_in(client, email, "wrong password", ip).status_code == 400
    assert sign_in(client, email, "wrong password", ip).status_code == 429


def test_repeated_wrong_passwords_pause_the_address_from_that_client(client: Client):
    UserFactory.create(email="taro@example.jp")

    fail_until_locked(client, "taro@example.jp")
    # Even the right password (in another case) is refused now, with a page saying why.
    response = sign_in(client, "TARO@example.jp")

    assert response.status_code == 429
    text = response.content.decode()
    assert "Too many attempts" in text
    assert "Please try again in 60 minutes." in text
    assert "contact the operators" in text.lower()
    assert SESSION_KEY not in client.session


def test_the_pause_page_is_in_japanese_by_default(client: Client):
    UserFactory.create(email="taro@example.jp")
    for _ in range(LIMIT):
        client.post(LOGIN_URL, {"username": "taro@example.jp", "password": "x"})

    response = client.post(LOGIN_URL, {"username": "taro@example.jp", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert response["Content-Language"] == "ja"


def test_another_client_and_another_address_are_not_paused(client: Client):
    UserFactory.create(email="taro@example.jp")
    UserFactory.create(email="hanako@example.jp")
    fail_until_locked(client, "taro@example.jp")

    assert sign_in(Client(), "taro@example.jp", ip="10.0.0.2").status_code == 302
    assert sign_in(Client(), "hanako@example.jp").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client: Client):
    UserFactory.create(email="taro@example.jp")
    for _ in range(LIMIT - 1):
        sign_in(client, "taro@example.jp", "wrong password")
    assert sign_in(client, "taro@example.jp").status_code == 302
    client.post("/accounts/logout/")

    for _ in range(LIMIT - 1):
        assert sign_in(client, "taro@example.jp", "wrong password").status_code == 400
    assert sign_in(client, "taro@example.jp").status_code == 302


def test_an_operator_lifts_the_pause_in_the_admin(client: Client):
    UserFactory.create(email="taro@example.jp")
    fail_until_locked(client, "taro@example.jp")
    attempt = AccessAttempt.objects.get(username="taro@example.jp")
    operator = Client()
    operator.force_login(OperatorFactory.create())

    listing = operator.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "taro@example.jp" in listing.content.decode()
    response = operator.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "taro@example.jp").status_code == 302


def test_password_reset_requests_are_throttled_without_locking_sign_in(
    client: Client, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Any
):
    UserFactory.create(email="taro@example.jp")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        for _ in range(LIMIT):
            response = client.post(RESET_URL, {"email": "taro@example.jp"}, headers=EN)
            assert response.status_code == 302
    assert len(mailoutbox) == LIMIT

    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(RESET_URL, {"email": "Taro@Example.jp"}, headers=EN)

    assert refused.status_code == 429
    assert "requested for this address too many times" in refused.content.decode()
    assert len(mailoutbox) == LIMIT  # nothing more sent
    assert sign_in(client, "taro@example.jp").status_code == 302

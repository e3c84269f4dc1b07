"""A3: sign-in by e-mail address and password; sign-out."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.enums import AccountStatus

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
EN = {"accept-language": "en"}


def sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post(LOGIN_URL, {"username": email, "password": password}, headers=EN)


def error_codes(response) -> list[str]:
    return [e.code for e in response.context["form"].non_field_errors().as_data()]


@pytest.mark.parametrize("typed", ["taro@example.jp", "TARO@Example.JP", "  Taro@example.jp "])
def test_sign_in_by_email_in_any_case_and_password(client: Client, typed: str) -> None:
    """A3."""
    user = UserFactory.create(email="taro@example.jp")

    response = sign_in(client, typed)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_sign_in_by_username_is_refused(client: Client) -> None:
    """A3: the username is private and is not a sign-in identifier."""
    UserFactory.create(email="taro@example.jp", username="taro")

    response = client.post(LOGIN_URL, {"username": "taro", "password": DEFAULT_PASSWORD})

    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_sign_in_with_wrong_password_answers_400_with_a_clear_message(client: Client) -> None:
    """A3."""
    UserFactory.create(email="taro@example.jp")

    response = sign_in(client, "taro@example.jp", "not the password")

    assert response.status_code == 400
    assert error_codes(response) == ["invalid_login"]
    assert "e-mail address or password is not correct" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_sign_in_with_unknown_address_gets_the_same_message_as_a_wrong_password(
    client: Client,
) -> None:
    response = sign_in(client, "nobody@example.jp")

    assert response.status_code == 400
    assert error_codes(response) == ["invalid_login"]


def test_withdrawn_account_is_told_it_was_withdrawn(client: Client) -> None:
    """A3, A5: the right password of a withdrawn account explains why, not the generic message."""
    user = UserFactory.create(
        email="gone@example.jp", status=AccountStatus.WITHDRAWN, is_active=False
    )

    response = sign_in(client, user.email)

    assert response.status_code == 400
    assert error_codes(response) == ["withdrawn"]
    page = response.content.decode()
    assert "withdrawn" in page
    assert "e-mail address or password is not correct" not in page
    assert SESSION_KEY not in client.session


def test_withdrawn_account_with_wrong_password_gets_the_generic_message(client: Client) -> None:
    """Without the password nothing is revealed about the account."""
    user = UserFactory.create(status=AccountStatus.WITHDRAWN, is_active=False)

    response = sign_in(client, user.email, "wrong password")

    assert error_codes(response) == ["invalid_login"]


def test_suspended_account_is_told_it_is_suspended(client: Client) -> None:
    user = UserFactory.create(is_active=False)

    response = sign_in(client, user.email)

    assert response.status_code == 400
    assert error_codes(response) == ["inactive"]
    assert SESSION_KEY not in client.session


def test_sign_out_by_post_ends_the_session(client: Client) -> None:
    client.force_login(UserFactory.create())

    response = client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_sign_out_by_get_is_refused_and_keeps_the_session(client: Client) -> None:
    """A link or an image cannot sign someone out: sign-out is POST only."""
    user = UserFactory.create()
    client.force_login(user)

    response = client.get(LOGOUT_URL)

    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(user.pk)


def test_session_of_an_account_deactivated_later_no_longer_signs_in(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get("/accounts/settings/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.parametrize(("accept", "language"), [(None, "ja"), ("en", "en"), ("ja", "ja")])
def test_sign_in_page_is_in_the_visitors_language_japanese_by_default(
    client: Client, accept: str | None, language: str
) -> None:
    headers = {"accept-language": accept} if accept else {}

    response = client.post(
        LOGIN_URL, {"username": "x@example.jp", "password": "x"}, headers=headers
    )

    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()

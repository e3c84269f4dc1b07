"""The account settings page (ログイン情報変更): e-mail address, mail language, sign-in guard."""

from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.models import User
from ukeoi.accounts.retired import retire_identifiers
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/accounts/settings/"
EN = {"accept-language": "en"}


@pytest.fixture
def taro(client: Client) -> User:
    user = UserFactory.create(email="taro@example.jp", language="en")
    client.force_login(user)
    return user


def change_email(client: Client, new_email: str, password: str = DEFAULT_PASSWORD):
    return client.post(
        SETTINGS_URL,
        {"action": "email", "email-new_email": new_email, "email-password": password},
        headers=EN,
    )


def assert_email_unchanged(user: User) -> None:
    user.refresh_from_db()
    assert user.email == "taro@example.jp"
    assert not AuditEvent.objects.filter(action="account.email_changed").exists()


class TestEmailChange:
    def test_email_change_saves_audits_and_tells_old_and_new_address(
        self,
        client: Client,
        taro: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """A3: the sign-in address changes; both addresses are told, after commit."""
        with django_capture_on_commit_callbacks(execute=True):
            response = change_email(client, "Taro.New@Example.JP")

        assert response.status_code == 302
        taro.refresh_from_db()
        assert taro.email == "taro.new@example.jp"
        assert AuditEvent.objects.filter(action="account.email_changed").count() == 1
        assert sorted(m.to[0] for m in mailoutbox) == ["taro.new@example.jp", "taro@example.jp"]
        assert all("taro.new@example.jp" in str(m.body) for m in mailoutbox)
        assert all(m.subject == "[ukeoi] Your e-mail address was changed" for m in mailoutbox)

    def test_new_address_signs_in_and_old_one_does_not(self, client: Client, taro: User) -> None:
        """A3."""
        change_email(client, "taro.new@example.jp")
        login = "/accounts/login/"

        old = Client().post(login, {"username": "taro@example.jp", "password": DEFAULT_PASSWORD})
        new = Client().post(
            login, {"username": "taro.new@example.jp", "password": DEFAULT_PASSWORD}
        )

        assert (old.status_code, new.status_code) == (400, 302)

    def test_wrong_password_is_refused_with_400_and_nothing_changes(
        self, client: Client, taro: User, mailoutbox: list[EmailMessage]
    ) -> None:
        response = change_email(client, "taro.new@example.jp", password="not my password")

        assert response.status_code == 400
        errors = response.context["email_form"].errors
        assert "password is not correct" in " ".join(errors["password"])
        assert_email_unchanged(taro)
        assert mailoutbox == []

    def test_address_of_another_account_is_refused_in_any_case(
        self, client: Client, taro: User, mailoutbox: list[EmailMessage]
    ) -> None:
        UserFactory.create(email="hanako@example.jp")

        response = change_email(client, "HANAKO@example.jp")

        assert response.status_code == 400
        errors = response.context["email_form"].errors
        assert "already exists" in " ".join(errors["new_email"])
        assert_email_unchanged(taro)
        assert mailoutbox == []

    def test_retired_address_is_refused_and_says_why(self, client: Client, taro: User) -> None:
        """A5: a withdrawn account's address is never used again, not even by a change."""
        retire_identifiers(email="gone@example.jp", username="gone")

        response = change_email(client, "Gone@example.jp")

        assert response.status_code == 400
        errors = response.context["email_form"].errors
        assert "withdrawn account" in " ".join(errors["new_email"])
        assert_email_unchanged(taro)

    def test_invalid_address_is_refused(self, client: Client, taro: User) -> None:
        response = change_email(client, "not-an-address")

        assert response.status_code == 400
        assert response.context["email_form"].errors["new_email"]
        assert_email_unchanged(taro)

    def test_same_address_in_another_case_changes_nothing_and_sends_no_mail(
        self,
        client: Client,
        taro: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            change_email(client, "TARO@example.jp")

        assert_email_unchanged(taro)
        assert mailoutbox == []


class TestLanguage:
    def test_mail_language_is_saved(self, client: Client, taro: User) -> None:
        response = client.post(SETTINGS_URL, {"action": "language", "lang-language": "ja"})

        assert response.status_code == 302
        taro.refresh_from_db()
        assert taro.language == "ja"

    def test_unknown_mail_language_is_refused(self, client: Client, taro: User) -> None:
        response = client.post(SETTINGS_URL, {"action": "language", "lang-language": "fr"})

        assert response.status_code == 400
        taro.refresh_from_db()
        assert taro.language == "en"


class TestSettingsPage:
    def test_settings_page_shows_the_username_read_only(self, client: Client) -> None:
        """A1: the user sees their own username, with no way to change it."""
        user = UserFactory.create(username="taro_fixed")
        client.force_login(user)

        response = client.get(SETTINGS_URL)

        assert response.status_code == 200
        page = response.content.decode()
        assert "taro_fixed" in page
        assert 'name="username"' not in page
        for form in ("email_form", "language_form", "token_form"):
            assert "username" not in response.context[form].fields


@pytest.mark.parametrize(
    "url", ["/accounts/settings/", "/accounts/profile/", "/accounts/verification/"]
)
def test_anonymous_visitor_is_sent_to_the_sign_in_page(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/settings/",
        "/accounts/profile/",
        "/accounts/verification/",
        "/accounts/settings/tokens/1/revoke/",
        "/accounts/profile/portfolio/1/delete/",
    ],
)
def test_anonymous_post_changes_nothing_and_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.post(url, {"action": "display_name", "name-display_name": "x"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.exists()

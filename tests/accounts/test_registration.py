"""Registration through the service, the web form and the API (A1, A3, A5).

A refused registration creates nothing: no user, no profile, no audit event, no mail."""

import re
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory
from ukeoi.accounts import services
from ukeoi.accounts.models import Profile, User
from ukeoi.accounts.retired import retire_identifiers
from ukeoi.core.errors import InvalidInput
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "kumo-no-ue-77-sora"
REGISTER_URL = "/accounts/register/"
API_REGISTER_URL = "/api/accounts/register"
INVALID_USERNAMES = ["ab", "a" * 21, "Hanako", "hana.ko", "hana ko", "hana@ko", "はなこ", ""]


def rows() -> tuple[int, int, int]:
    return User.objects.count(), Profile.objects.count(), AuditEvent.objects.count()


def in_english(messages: list[Any]) -> str:
    with translation.override("en"):
        return " ".join(str(m) for m in messages)


def register(**overrides: str) -> User:
    """The service, called as a request in English would (validator messages are
    rendered in the active language when they are raised)."""
    data: dict[str, Any] = {
        "email": "hanako@example.jp",
        "username": "hanako",
        "display_name": "花子",
        "password": GOOD_PASSWORD,
    }
    with translation.override("en"):
        return services.user_register(**(data | overrides))


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "hanako@example.jp",
        "username": "hanako",
        "display_name": "花子",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "agree_terms": "on",
    }
    return data | overrides


def api_data(**overrides: str) -> dict[str, str | bool]:
    data: dict[str, str | bool] = {
        "email": "hanako@example.jp",
        "username": "hanako",
        "display_name": "花子",
        "password": GOOD_PASSWORD,
        "agree_terms": True,
    }
    return data | overrides


class TestRegisterService:
    def test_register_creates_user_profile_audit_event_and_welcome_mail_after_commit(
        self, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
    ) -> None:
        """A1: an account with a username and a display name; the welcome mail waits for commit."""
        with django_capture_on_commit_callbacks() as callbacks:
            user = register(email="Hanako@Example.JP")
            assert mailoutbox == []

        assert user.email == "hanako@example.jp"
        assert user.username == "hanako"
        assert user.display_name == "花子"
        assert user.check_password(GOOD_PASSWORD)
        assert Profile.objects.filter(user=user).exists()
        event = AuditEvent.objects.get(action="account.registered")
        assert (event.actor, event.subject_id) == (user, str(user.pk))
        assert event.after == {"username": "hanako"}

        for callback in callbacks:
            callback()
        assert [m.to for m in mailoutbox] == [["hanako@example.jp"]]
        assert "hanako" in str(mailoutbox[0].body)

    def test_register_refuses_email_taken_in_another_case(self) -> None:
        UserFactory.create(email="hanako@example.jp")
        before = rows()

        with pytest.raises(InvalidInput) as refused:
            register(email="HANAKO@example.JP", username="hanako2")

        assert "already exists" in in_english(refused.value.fields["email"])
        assert rows() == before

    def test_register_refuses_taken_username(self) -> None:
        """A1: usernames are unique."""
        UserFactory.create(username="hanako")
        before = rows()

        with pytest.raises(InvalidInput) as refused:
            register(email="other@example.jp")

        assert "already taken" in in_english(refused.value.fields["username"])
        assert rows() == before

    def test_register_refuses_upper_case_variant_of_taken_username(self) -> None:
        """A1: usernames are unique case-insensitively; upper case is never a new username."""
        UserFactory.create(username="hanako")
        before = rows()

        with pytest.raises(InvalidInput) as refused:
            register(email="other@example.jp", username="HANAKO")

        assert "username" in refused.value.fields
        assert rows() == before

    @pytest.mark.parametrize("retired_as", ["hanako@example.jp", "Hanako@EXAMPLE.jp"])
    def test_register_refuses_retired_email_and_says_why(self, retired_as: str) -> None:
        """A5: the address of a withdrawn account never registers again, in any case."""
        retire_identifiers(email=retired_as, username="someone_else")
        before = rows()

        with pytest.raises(InvalidInput) as refused:
            register(email="hanako@example.jp")

        assert "withdrawn account" in in_english(refused.value.fields["email"])
        assert rows() == before

    def test_register_refuses_retired_username_and_says_why(self) -> None:
        """A5: the username of a withdrawn account is never registered again."""
        retire_identifiers(email="gone@example.jp", username="hanako")
        before = rows()

        with pytest.raises(InvalidInput) as refused:
            register()

        assert "withdrawn account" in in_english(refused.value.fields["username"])
        assert rows() == before

    @pytest.mark.parametrize("username", INVALID_USERNAMES)
    def test_register_refuses_invalid_username(self, username: str) -> None:
        """A1: 3–20 characters of a–z, 0–9, "_" and "-"."""
        with pytest.raises(InvalidInput) as refused:
            register(username=username)

        assert "3 to 20 characters" in in_english(refused.value.fields["username"])
        assert rows() == (0, 0, 0)

    @pytest.mark.parametrize("username", ["abc", "a" * 20, "hana_ko-2"])
    def test_register_accepts_username_at_the_limits(self, username: str) -> None:
        assert register(username=username).username == username

    @pytest.mark.parametrize("password", ["short1", "password123", "12345678901", "hanako1234"])
    def test_register_refuses_weak_password(self, password: str) -> None:
        """Django's password validators apply (too short, common, numeric, like the username)."""
        with pytest.raises(InvalidInput) as refused:
            register(password=password)

        assert refused.value.fields["password"]
        assert rows() == (0, 0, 0)

    def test_register_reports_every_bad_field_at_once(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            register(email="not-an-address", username="X", display_name=" ", password="1")

        assert set(refused.value.fields) == {"email", "username", "display_name", "password"}


class TestRegisterPage:
    def test_register_page_creates_account_signs_in_and_sends_welcome_mail(
        self,
        client: Client,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REGISTER_URL, form_data())

        assert response.status_code == 302
        assert response["Location"] == "/accounts/profile/"
        user = User.objects.get(username="hanako")
        assert client.session[SESSION_KEY] == str(user.pk)
        assert Profile.objects.filter(user=user).exists()
        assert [m.to for m in mailoutbox] == [["hanako@example.jp"]]

    def test_register_page_shows_the_form(self, client: Client) -> None:
        response = client.get(REGISTER_URL)

        assert response.status_code == 200
        assert set(response.context["form"].fields) == {
            "email",
            "username",
            "display_name",
            "password1",
            "password2",
            "agree_terms",
        }

    def test_register_page_refuses_taken_email_with_400_next_to_the_field(
        self, client: Client, mailoutbox: list[EmailMessage]
    ) -> None:
        UserFactory.create(email="hanako@example.jp")
        before = rows()

        response = client.post(
            REGISTER_URL, form_data(email="HANAKO@example.jp"), headers={"accept-language": "en"}
        )

        assert response.status_code == 400
        errors = response.context["form"].errors
        assert "already exists" in " ".join(errors["email"])
        assert 'class="field has-error"' in response.content.decode()
        assert SESSION_KEY not in client.session
        assert rows() == before
        assert mailoutbox == []

    def test_register_page_refuses_retired_email_and_says_why(self, client: Client) -> None:
        """A5."""
        retire_identifiers(email="hanako@example.jp", username="old_hanako")

        response = client.post(REGISTER_URL, form_data(), headers={"accept-language": "en"})

        assert response.status_code == 400
        assert "withdrawn account" in " ".join(response.context["form"].errors["email"])
        assert rows() == (0, 0, 0)

    def test_register_page_refuses_retired_username_and_says_why(self, client: Client) -> None:
        """A5."""
        retire_identifiers(email="old@example.jp", username="hanako")

        response = client.post(REGISTER_URL, form_data(), headers={"accept-language": "en"})

        assert response.status_code == 400
        assert "withdrawn account" in " ".join(response.context["form"].errors["username"])
        assert rows() == (0, 0, 0)

    @pytest.mark.parametrize("username", ["ab", "Hanako", "hana ko", "hana!"])
    def test_register_page_refuses_invalid_username(self, client: Client, username: str) -> None:
        """A1."""
        response = client.post(REGISTER_URL, form_data(username=username))

        assert response.status_code == 400
        assert response.context["form"].errors["username"]
        assert rows() == (0, 0, 0)

    def test_register_page_refuses_weak_password_next_to_the_password(self, client: Client) -> None:
        response = client.post(REGISTER_URL, form_data(password1="123", password2="123"))

        assert response.status_code == 400
        assert response.context["form"].errors["password1"]
        assert rows() == (0, 0, 0)

    def test_register_page_refuses_mismatched_passwords(self, client: Client) -> None:
        response = client.post(REGISTER_URL, form_data(password2=GOOD_PASSWORD + "x"))

        assert response.status_code == 400
        assert response.context["form"].errors["password2"]
        assert rows() == (0, 0, 0)


class TestRegisterApi:
    def test_api_register_answers_201_with_the_new_account_and_sends_mail(
        self,
        client: Client,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                API_REGISTER_URL, api_data(language="en"), content_type="application/json"
            )

        assert response.status_code == 201
        body = response.json()
        assert body["username"] == "hanako"
        assert body["display_name"] == "花子"
        assert body["language"] == "en"
        assert body["identity_verified"] is False
        assert "password" not in body
        assert User.objects.filter(pk=body["id"]).exists()
        assert AuditEvent.objects.filter(action="account.registered").count() == 1
        assert len(mailoutbox) == 1
        assert mailoutbox[0].subject == "[ukeoi] Welcome to ukeoi"

    @pytest.mark.parametrize(
        ("existing", "payload", "field", "reason"),
        [
            ({"email": "hanako@example.jp"}, {"email": "Hanako@Example.jp"}, "email", "exists"),
            ({"username": "hanako"}, {"email": "x@example.jp"}, "username", "taken"),
        ],
    )
    def test_api_register_refuses_taken_identifier_with_400_and_field(
        self,
        client: Client,
        existing: dict[str, str],
        payload: dict[str, str],
        field: str,
        reason: str,
    ) -> None:
        UserFactory.create(**existing)
        before = rows()

        response = client.post(
            API_REGISTER_URL,
            api_data(**payload),
            content_type="application/json",
            headers={"accept-language": "en"},
        )

        assert response.status_code == 400
        body = response.json()
        assert set(body) == {"code", "message", "fields"}
        assert body["code"] == "invalid"
        assert reason in " ".join(body["fields"][field])
        assert rows() == before

    @pytest.mark.parametrize("field", ["email", "username"])
    def test_api_register_refuses_retired_identifier_and_says_why(
        self, client: Client, field: str
    ) -> None:
        """A5."""
        retire_identifiers(email="hanako@example.jp", username="hanako")
        fresh = {"email": "fresh@example.jp", "username": "fresh_one"}
        payload = api_data(**{k: v for k, v in fresh.items() if k != field})

        response = client.post(
            API_REGISTER_URL,
            payload,
            content_type="application/json",
            headers={"accept-language": "en"},
        )

        assert response.status_code == 400
        body = response.json()
        assert list(body["fields"]) == [field]
        assert "withdrawn account" in body["fields"][field][0]
        assert rows() == (0, 0, 0)

    @pytest.mark.parametrize("username", INVALID_USERNAMES[:-1])
    def test_api_register_refuses_invalid_username(self, client: Client, username: str) -> None:
        """A1."""
        response = client.post(
            API_REGISTER_URL, api_data(username=username), content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["fields"]["username"]
        assert rows() == (0, 0, 0)

    def test_api_register_refuses_weak_password(self, client: Client) -> None:
        response = client.post(
            API_REGISTER_URL, api_data(password="12345678"), content_type="application/json"
        )

        assert response.status_code == 400
        assert response.json()["fields"]["password"]
        assert rows() == (0, 0, 0)


def test_welcome_mail_never_contains_the_password(
    client: Client, django_capture_on_commit_callbacks: Any, mailoutbox: list[EmailMessage]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER_URL, form_data())

    assert GOOD_PASSWORD not in str(mailoutbox[0].body)
    assert re.search(r"\bhanako\b", str(mailoutbox[0].body))

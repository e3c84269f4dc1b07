"""A3, A5 (issue 14): an e-mail address has one normal form (NFKC, then lower case, the
whole address), stored in the column, unique there, and used by every comparison:
registration (web form and API), change of address, sign-in, throttling, retirement.
`lancer@demo.ｕｋｅｏｉ.jp` (full-width letters) is the same address as
`lancer@demo.ukeoi.jp`, never a second account."""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.models import Profile, User
from ukeoi.accounts.retired import email_digest, retire_identifiers
from ukeoi.accounts.validators import email_twins, normalize_email
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
LIVE = "lancer@demo.ukeoi.jp"
# The same address typed with the IME in full-width mode: letters only, and everything.
TWIN_DOMAIN = "lancer@demo.ｕｋｅｏｉ.jp"
TWIN_ALL = "ＬＡＮＣＥＲ＠ｄｅｍｏ．ｕｋｅｏｉ．ｊｐ"
TWINS = [TWIN_DOMAIN, TWIN_ALL, " Lancer@Demo.Ukeoi.JP "]
PASSWORD = "kumo-no-ue-77-sora"


def rows() -> tuple[int, int, int]:
    return User.objects.count(), Profile.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def lancer() -> User:
    return UserFactory.create(email=LIVE, username="lancer")


class TestNormalForm:
    @pytest.mark.parametrize("typed", TWINS)
    def test_twins_share_one_normal_form(self, typed: str) -> None:
        assert normalize_email(typed) == LIVE

    def test_the_local_part_is_folded_too(self) -> None:
        """Documented choice: the whole address is folded (as the retired check always did)."""
        assert normalize_email("Taro.Yamada@EXAMPLE.jp") == "taro.yamada@example.jp"

    def test_normalising_twice_changes_nothing(self) -> None:
        for typed in TWINS:
            assert normalize_email(normalize_email(typed)) == normalize_email(typed)

    def test_the_column_holds_the_normal_form_whatever_writes_it(self) -> None:
        user = User.objects.create(email=TWIN_ALL, username="direct", display_name="直")
        user.refresh_from_db()
        assert user.email == LIVE
        assert User.objects.filter(email=TWIN_DOMAIN).get() == user

    def test_the_database_refuses_a_twin_written_past_the_services(self, lancer: User) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(email=TWIN_DOMAIN, username="twin", display_name="双子")


class TestRegistration:
    @pytest.mark.parametrize("twin", TWINS)
    def test_web_form_refuses_a_full_width_twin_of_a_live_address(
        self, client: Client, lancer: User, twin: str, mailoutbox: list[EmailMessage]
    ) -> None:
        before = rows()
        response = client.post(
            "/accounts/register/",
            {
                "email": twin,
                "username": "lancer2",
                "display_name": "双子",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "agree_terms": "on",
            },
            headers=EN,
        )

        assert response.status_code == 400
        assert "already exists" in " ".join(response.context["form"].errors["email"])
        assert SESSION_KEY not in client.session
        assert rows() == before
        assert mailoutbox == []

    @pytest.mark.parametrize("twin", TWINS)
    def test_api_refuses_a_full_width_twin_of_a_live_address(
        self, client: Client, lancer: User, twin: str
    ) -> None:
        before = rows()
        response = client.post(
            "/api/accounts/register",
            {
                "email": twin,
                "username": "lancer2",
                "display_name": "双子",
                "password": PASSWORD,
                "agree_terms": True,
            },
            content_type="application/json",
            headers=EN,
        )

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert "already exists" in " ".join(body["fields"]["email"])
        assert rows() == before

    def test_an_address_typed_in_full_width_registers_in_its_normal_form(
        self, client: Client
    ) -> None:
        response = client.post(
            "/accounts/register/",
            {
                "email": TWIN_ALL,
                "username": "lancer",
                "display_name": "ランサー",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "agree_terms": "on",
            },
        )

        assert response.status_code == 302
        assert User.objects.get(username="lancer").email == LIVE

    def test_a_full_width_twin_of_a_retired_address_is_refused_as_retired(
        self, client: Client
    ) -> None:
        """A5: retirement compares the same normal form."""
        retire_identifiers(email=LIVE, username="gone")
        assert email_digest(TWIN_ALL) == email_digest(LIVE)

        response = client.post(
            "/api/accounts/register",
            {
                "email": TWIN_ALL,
                "username": "back",
                "display_name": "戻",
                "password": PASSWORD,
                "agree_terms": True,
            },
            content_type="application/json",
            headers=EN,
        )

        assert response.status_code == 400
        assert "withdrawn account" in " ".join(response.json()["fields"]["email"])

    def test_an_address_longer_than_the_column_once_normalised_is_refused(
        self, client: Client
    ) -> None:
        """NFKC may lengthen an address (㍿ is 4 characters); a 400, never a database error."""
        address = "a" * 60 + "@" + ".".join(["㍿" * 15] * 4) + ".jp"
        assert len(address) <= 254 < len(normalize_email(address))

        response = client.post(
            "/api/accounts/register",
            {
                "email": address,
                "username": "longer",
                "display_name": "長",
                "password": PASSWORD,
                "agree_terms": True,
            },
            content_type="application/json",
            headers=EN,
        )

        assert response.status_code == 400
        assert response.json()["fields"]["email"]
        assert not User.objects.exists()


def change_email(client: Client, new_email: str):
    return client.post(
        "/accounts/settings/",
        {"action": "email", "email-new_email": new_email, "email-password": DEFAULT_PASSWORD},
        headers=EN,
    )


class TestChangeOfAddress:
    @pytest.mark.parametrize("twin", TWINS)
    def test_changing_to_a_twin_of_another_live_address_is_refused(
        self, client: Client, lancer: User, twin: str, mailoutbox: list[EmailMessage]
    ) -> None:
        taro = UserFactory.create(email="taro@example.jp")
        client.force_login(taro)

        response = change_email(client, twin)

        assert response.status_code == 400
        assert "already exists" in " ".join(response.context["email_form"].errors["new_email"])
        taro.refresh_from_db()
        assert taro.email == "taro@example.jp"
        assert not AuditEvent.objects.filter(action="account.email_changed").exists()
        assert mailoutbox == []

    def test_changing_to_the_full_width_form_of_ones_own_address_changes_nothing(
        self,
        client: Client,
        lancer: User,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        client.force_login(lancer)
        with django_capture_on_commit_callbacks(execute=True):
            response = change_email(client, TWIN_ALL)

        assert response.status_code == 302
        lancer.refresh_from_db()
        assert lancer.email == LIVE
        assert not AuditEvent.objects.filter(action="account.email_changed").exists()
        assert mailoutbox == []

    def test_a_new_address_typed_in_full_width_is_stored_in_its_normal_form(
        self, client: Client, lancer: User
    ) -> None:
        client.force_login(lancer)

        response = change_email(client, "ｎｅｗ＠ｅｘａｍｐｌｅ．ｊｐ")

        assert response.status_code == 302
        lancer.refresh_from_db()
        assert lancer.email == "new@example.jp"


def sign_in(client: Client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post("/accounts/login/", {"username": email, "password": password}, headers=EN)


class TestSignIn:
    @pytest.mark.parametrize("typed", TWINS)
    def test_the_full_width_form_of_a_live_address_signs_in(
        self, client: Client, lancer: User, typed: str
    ) -> None:
        """What a user expects: the address they registered, however the IME typed it."""
        response = sign_in(client, typed)

        assert response.status_code == 302
        assert client.session[SESSION_KEY] == str(lancer.pk)

    def test_throttling_counts_twins_as_one_address(self, client: Client, lancer: User) -> None:
        limit = settings.AXES_FAILURE_LIMIT
        for attempt in range(limit - 1):
            typed = TWINS[attempt % len(TWINS)] if attempt % 2 else LIVE
            assert sign_in(client, typed, "wrong password").status_code == 400
        assert list(AccessAttempt.objects.values_list("username", flat=True)) == [LIVE]
        assert sign_in(client, TWIN_ALL, "wrong password").status_code == 429

        # Paused for every form of the address, even with the right password.
        assert sign_in(client, TWIN_DOMAIN).status_code == 429
        assert sign_in(client, LIVE).status_code == 429
        assert SESSION_KEY not in client.session

    def test_a_sign_in_with_a_twin_clears_the_failures_of_the_address(
        self, client: Client, lancer: User
    ) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, LIVE, "wrong password").status_code == 400

        assert sign_in(client, TWIN_ALL).status_code == 302
        assert not AccessAttempt.objects.exists()


class TestPasswordReset:
    @pytest.mark.parametrize("typed", [TWIN_DOMAIN, TWIN_ALL])
    def test_a_reset_asked_for_a_twin_reaches_the_account_of_the_address(
        self,
        client: Client,
        lancer: User,
        typed: str,
        django_capture_on_commit_callbacks: Any,
        mailoutbox: list[EmailMessage],
    ) -> None:
        """A3: the reset page looks the address up in its normal form, as sign-in does."""
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password/reset/", {"email": typed}, headers=EN)

        assert response.status_code == 302
        assert [mail.to for mail in mailoutbox] == [[LIVE]]

    def test_reset_requests_for_twins_are_counted_under_one_address(
        self, client: Client, lancer: User, django_capture_on_commit_callbacks: Any
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            for typed in (LIVE, TWIN_DOMAIN, TWIN_ALL):
                client.post("/accounts/password/reset/", {"email": typed}, headers=EN)

        attempts = AccessAttempt.objects.values_list("username", "failures_since_start")
        assert list(attempts) == [(f"password-reset:{LIVE}", 3)]


class TestTwinDetection:
    """The check the migration that moved the column to the normal form runs over the
    existing rows (accounts 0006): twins are listed for the operator, nothing is merged."""

    def test_twins_are_grouped_under_their_normal_form(self) -> None:
        found = email_twins(
            [
                (1, "lancer@demo.ukeoi.jp"),
                (2, "client@demo.ukeoi.jp"),
                (3, "Lancer@demo.ｕｋｅｏｉ.jp"),
                (4, "CLIENT@DEMO.UKEOI.JP"),
                (5, "only@example.jp"),
                (6, "LANCER@demo.ukeoi.jp"),
            ]
        )

        assert found == {
            "client@demo.ukeoi.jp": [(2, "client@demo.ukeoi.jp"), (4, "CLIENT@DEMO.UKEOI.JP")],
            "lancer@demo.ukeoi.jp": [
                (1, "lancer@demo.ukeoi.jp"),
                (3, "Lancer@demo.ｕｋｅｏｉ.jp"),
                (6, "LANCER@demo.ukeoi.jp"),
            ],
        }

    def test_no_twins_no_groups(self) -> None:
        assert email_twins([(1, "a@example.jp"), (2, "b@example.jp")]) == {}

"""Personal access tokens and the API's two ways to authenticate (bearer token, session)."""

import hashlib

import pytest
from django.db import connection
from django.test import Client

from tests.factories import ApiTokenFactory, UserFactory
from ukeoi.accounts.enums import AccountStatus
from ukeoi.accounts.models import ApiToken
from ukeoi.core import clock
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/accounts/settings/"
RAW = "uk_a-raw-token-for-tests-0123456789"


def bearer(raw: str) -> dict[str, str]:
    return {"authorization": f"Bearer {raw}"}


def all_cells_of_the_token_table() -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "unauthenticated"
    assert body["message"]


class TestCreate:
    def test_settings_page_shows_a_new_token_once_and_stores_only_its_digest(
        self, client: Client
    ) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(SETTINGS_URL, {"action": "token", "token-name": "家のPC"})

        assert response.status_code == 200
        raw = response.context["new_token"]
        assert raw.startswith("uk_")
        assert raw in response.content.decode()
        token = ApiToken.objects.get(user=user)
        assert token.name == "家のPC"
        assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in all_cells_of_the_token_table()
        assert raw not in client.get(SETTINGS_URL).content.decode()
        assert AuditEvent.objects.filter(action="api_token.created").count() == 1

    def test_api_creates_a_token_returns_it_once_and_stores_only_its_digest(
        self, client: Client
    ) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = client.post("/api/tokens", {"name": "ci"}, content_type="application/json")

        assert response.status_code == 201
        body = response.json()
        raw = body["token"]
        token = ApiToken.objects.get(pk=body["id"])
        assert (token.user, token.name, token.prefix) == (user, "ci", raw[:10])
        assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in all_cells_of_the_token_table()
        listed = client.get("/api/tokens").json()
        assert "token" not in listed[0]

    def test_new_token_authenticates_as_its_owner(self, client: Client) -> None:
        user = UserFactory.create()
        client.force_login(user)
        raw = client.post("/api/tokens", {"name": "ci"}, content_type="application/json").json()[
            "token"
        ]

        response = Client().get("/api/me", headers=bearer(raw))

        assert response.status_code == 200
        assert response.json()["id"] == user.pk

    @pytest.mark.parametrize("name", ["", "   "])
    def test_token_without_a_name_is_refused(self, client: Client, name: str) -> None:
        client.force_login(UserFactory.create())

        response = client.post("/api/tokens", {"name": name}, content_type="application/json")

        assert response.status_code == 400
        assert response.json()["fields"]["name"]
        assert not ApiToken.objects.exists()


class TestBearer:
    def test_bearer_token_authenticates_get_me_and_records_use(self) -> None:
        user = UserFactory.create(username="taro")
        token = ApiTokenFactory.create(user=user, raw=RAW)

        response = Client().get("/api/me", headers=bearer(RAW))

        assert response.status_code == 200
        assert response.json()["username"] == "taro"
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_bearer_token_needs_no_csrf_token_for_unsafe_methods(self) -> None:
        user = UserFactory.create(display_name="元の名前")
        ApiTokenFactory.create(user=user, raw=RAW)

        response = Client(enforce_csrf_checks=True).patch(
            "/api/me", {"display_name": "新"}, content_type="application/json", headers=bearer(RAW)
        )

        assert response.status_code == 200
        user.refresh_from_db()
        assert user.display_name == "新"

    def test_revoked_token_is_401_with_the_error_shape(self) -> None:
        ApiTokenFactory.create(raw=RAW, revoked_at=clock.now())

        assert_unauthenticated(Client().get("/api/me", headers=bearer(RAW)))

    def test_token_of_a_deactivated_user_is_401(self) -> None:
        ApiTokenFactory.create(user=UserFactory.create(is_active=False), raw=RAW)

        assert_unauthenticated(Client().get("/api/me", headers=bearer(RAW)))

    def test_token_of_a_withdrawn_user_is_401(self) -> None:
        user = UserFactory.create(status=AccountStatus.WITHDRAWN, is_active=False)
        ApiTokenFactory.create(user=user, raw=RAW)

        assert_unauthenticated(Client().get("/api/me", headers=bearer(RAW)))

    @pytest.mark.parametrize(
        "header",
        [f"Bearer {RAW}x", "Bearer uk_", "Bearer not-ours", f"Token {RAW}", RAW],
    )
    def test_unknown_or_malformed_token_is_401(self, header: str) -> None:
        ApiTokenFactory.create(raw=RAW)

        assert_unauthenticated(Client().get("/api/me", headers={"authorization": header}))

    def test_no_credentials_is_401(self) -> None:
        assert_unauthenticated(Client().get("/api/me"))


class TestListAndRevoke:
    def test_listing_shows_only_my_live_tokens(self) -> None:
        user = UserFactory.create()
        live = ApiTokenFactory.create(user=user, raw=RAW, name="live")
        ApiTokenFactory.create(user=user, name="revoked", revoked_at=clock.now())
        ApiTokenFactory.create(name="someone else's")

        response = Client().get("/api/tokens", headers=bearer(RAW))

        assert response.status_code == 200
        assert [(t["id"], t["name"]) for t in response.json()] == [(live.pk, "live")]

    def test_revoking_my_token_stops_it_from_authenticating(self) -> None:
        user = UserFactory.create()
        ApiTokenFactory.create(user=user, raw=RAW)
        other = ApiTokenFactory.create(user=user, raw=RAW + "-2")

        response = Client().delete(f"/api/tokens/{other.pk}", headers=bearer(RAW))

        assert response.status_code == 204
        other.refresh_from_db()
        assert other.revoked_at is not None
        assert_unauthenticated(Client().get("/api/me", headers=bearer(RAW + "-2")))
        assert Client().get("/api/me", headers=bearer(RAW)).status_code == 200
        assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1

    def test_revoking_someone_elses_token_is_404_and_changes_nothing(self) -> None:
        ApiTokenFactory.create(raw=RAW)
        victim = ApiTokenFactory.create(raw=RAW + "-victim")

        response = Client().delete(f"/api/tokens/{victim.pk}", headers=bearer(RAW))

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        victim.refresh_from_db()
        assert victim.revoked_at is None
        assert Client().get("/api/me", headers=bearer(RAW + "-victim")).status_code == 200
        assert not AuditEvent.objects.exists()

    def test_revoking_an_unknown_token_is_404(self) -> None:
        ApiTokenFactory.create(raw=RAW)

        response = Client().delete("/api/tokens/999999", headers=bearer(RAW))

        assert response.status_code == 404

    def test_settings_page_revokes_my_token(self, client: Client) -> None:
        user = UserFactory.create()
        token = ApiTokenFactory.create(user=user)
        client.force_login(user)

        response = client.post(f"/accounts/settings/tokens/{token.pk}/revoke/")

        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert token not in client.get(SETTINGS_URL).context["tokens"]

    def test_settings_page_cannot_revoke_someone_elses_token(self, client: Client) -> None:
        victim = ApiTokenFactory.create()
        client.force_login(UserFactory.create())

        client.post(f"/accounts/settings/tokens/{victim.pk}/revoke/")

        victim.refresh_from_db()
        assert victim.revoked_at is None
        assert not AuditEvent.objects.exists()


class TestSession:
    def test_session_authenticates_get_me(self, client: Client) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = client.get("/api/me")

        assert response.status_code == 200
        assert response.json()["email"] == user.email

    def test_session_patch_without_csrf_token_is_refused_and_changes_nothing(self) -> None:
        user = UserFactory.create(display_name="元の名前")
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)

        response = browser.patch("/api/me", {"display_name": "新"}, content_type="application/json")

        assert response.status_code == 403
        assert set(response.json()) == {"code", "message", "fields"}
        user.refresh_from_db()
        assert user.display_name == "元の名前"

    def test_session_patch_with_csrf_token_is_accepted(self) -> None:
        user = UserFactory.create(display_name="元の名前")
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(user)
        browser.get(SETTINGS_URL)  # a page with a form sets the CSRF cookie
        csrf = browser.cookies["csrftoken"].value

        response = browser.patch(
            "/api/me",
            {"display_name": "新"},
            content_type="application/json",
            headers={"x-csrftoken": csrf},
        )

        assert response.status_code == 200
        user.refresh_from_db()
        assert user.display_name == "新"

    def test_session_of_a_deactivated_user_is_401(self, client: Client) -> None:
        user = UserFactory.create()
        client.force_login(user)
        user.is_active = False
        user.save(update_fields=["is_active"])

        assert_unauthenticated(client.get("/api/me"))

    @pytest.mark.parametrize(
        ("method", "path"),
        [("post", "/api/tokens"), ("patch", "/api/me"), ("delete", "/api/tokens/1")],
    )
    def test_unsafe_request_without_any_credentials_is_401(self, method: str, path: str) -> None:
        """A client with neither a session nor a token is told to authenticate, even where
        CSRF is enforced as in production."""
        response = getattr(Client(enforce_csrf_checks=True), method)(
            path, {"name": "x"}, content_type="application/json"
        )

        assert_unauthenticated(response)

    def test_unsafe_request_with_a_revoked_token_is_401(self) -> None:
        ApiTokenFactory.create(raw=RAW, revoked_at=clock.now())

        response = Client(enforce_csrf_checks=True).post(
            "/api/tokens", {"name": "x"}, content_type="application/json", headers=bearer(RAW)
        )

        assert_unauthenticated(response)
        assert ApiToken.objects.count() == 1

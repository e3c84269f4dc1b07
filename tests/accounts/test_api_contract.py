"""The API's contract: one error shape {code, message, fields} for every 4xx, messages in the
request's language, and an OpenAPI schema that declares every error answer."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import UserFactory
from tests.support.api import api_error as assert_error
from ukeoi.accounts.models import User
from ukeoi.api import api

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture
def me(client: Client) -> User:
    user = UserFactory.create(display_name="元の名前")
    client.force_login(user)
    return user


class TestErrorShape:
    def test_malformed_json_body_is_400_with_the_error_shape(
        self, client: Client, me: User
    ) -> None:
        response = client.patch("/api/me", "{not json", content_type="application/json")

        body = assert_error(response, 400, "invalid")
        assert list(body["fields"]) == ["body"]
        me.refresh_from_db()
        assert me.display_name == "元の名前"

    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_malformed_json_message_is_in_the_requests_language(
        self, client: Client, me: User, language: str
    ) -> None:
        response = client.patch(
            "/api/me",
            b"\xff{",
            content_type="application/json",
            headers={"accept-language": language},
        )

        with translation.override(language):
            expected = gettext("The request body is not valid JSON.")
        assert assert_error(response, 400, "invalid")["message"] == expected
        assert response["Content-Language"] == language

    def test_missing_field_is_named_in_fields(self, client: Client) -> None:
        response = client.post(
            "/api/accounts/register", {"email": "a@example.jp"}, content_type="application/json"
        )

        body = assert_error(response, 400, "invalid")
        assert set(body["fields"]) == {"username", "display_name", "password", "agree_terms"}
        assert not User.objects.exists()

    def test_extra_field_is_refused_and_named(self, client: Client, me: User) -> None:
        response = client.patch(
            "/api/me", {"display_name": "新", "is_staff": True}, content_type="application/json"
        )

        body = assert_error(response, 400, "invalid")
        assert list(body["fields"]) == ["is_staff"]
        me.refresh_from_db()
        assert (me.display_name, me.is_staff) == ("元の名前", False)

    def test_extra_nested_field_is_named_with_its_path(self, client: Client, me: User) -> None:
        response = client.patch(
            "/api/me", {"profile": {"bank": "x"}}, content_type="application/json"
        )

        body = assert_error(response, 400, "invalid")
        assert list(body["fields"]) == ["profile.bank"]

    @pytest.mark.parametrize(
        "payload",
        [
            {"display_name": 123},
            {"display_name": ["a"]},
            {"display_name": True},
            {"profile": "tokyo"},
            {"profile": {"birth_date": "yesterday"}},
            {"profile": {"postal_code": 1500002}},
        ],
    )
    def test_wrong_type_is_400_and_changes_nothing(
        self, client: Client, me: User, payload: dict[str, Any]
    ) -> None:
        """Strict types: a number is not silently turned into a display name."""
        response = client.patch("/api/me", payload, content_type="application/json")

        body = assert_error(response, 400, "invalid")
        assert body["fields"]
        me.refresh_from_db()
        assert me.display_name == "元の名前"
        assert me.profile.postal_code == ""

    def test_too_long_value_is_400(self, client: Client, me: User) -> None:
        response = client.patch(
            "/api/me", {"display_name": "長" * 41}, content_type="application/json"
        )

        body = assert_error(response, 400, "invalid")
        assert list(body["fields"]) == ["display_name"]

    def test_body_that_is_not_an_object_is_400(self, client: Client, me: User) -> None:
        response = client.patch("/api/me", "[1, 2]", content_type="application/json")

        assert_error(response, 400, "invalid")

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("get", "/api/me"),
            ("patch", "/api/me"),
            ("get", "/api/tokens"),
            ("post", "/api/tokens"),
            ("delete", "/api/tokens/1"),
        ],
    )
    def test_unauthenticated_request_is_401_unauthenticated(
        self, client: Client, method: str, path: str
    ) -> None:
        response = getattr(client, method)(path, {}, content_type="application/json")

        assert_error(response, 401, "unauthenticated")

    def test_wrong_path_parameter_type_is_400_naming_the_parameter(
        self, client: Client, me: User
    ) -> None:
        body = assert_error(client.delete("/api/tokens/abc"), 400, "invalid")

        assert list(body["fields"]) == ["token_id"]

    def test_out_of_range_id_is_404_not_a_crash(self, client: Client, me: User) -> None:
        assert_error(client.delete(f"/api/tokens/{10**25}"), 404, "not_found")


class TestLanguage:
    def test_messages_are_japanese_by_default_and_english_on_request(self, client: Client) -> None:
        """The request's language: Japanese without Accept-Language, English with "en"."""
        payload = {"email": "a@example.jp"}

        ja = client.post("/api/accounts/register", payload, content_type="application/json")
        en = client.post(
            "/api/accounts/register",
            payload,
            content_type="application/json",
            headers={"accept-language": "en"},
        )

        assert ja["Content-Language"] == "ja"
        assert en["Content-Language"] == "en"
        # Django's own catalogue already translates this message, so the two must differ.
        assert en.json()["fields"]["username"] == ["This field is required."]
        assert ja.json()["fields"]["username"] != en.json()["fields"]["username"]
        assert ja.json()["code"] == en.json()["code"] == "invalid"
        assert en.json()["message"] == "Please correct the errors below."
        with translation.override("ja"):
            assert ja.json()["message"] == gettext("Please correct the errors below.")

    def test_service_refusal_follows_accept_language(self, client: Client) -> None:
        UserFactory.create(email="taken@example.jp")
        payload = {
            "email": "taken@example.jp",
            "username": "fresh",
            "display_name": "x",
            "password": "kumo-no-ue-77-sora",
            "agree_terms": True,
        }

        ja = client.post("/api/accounts/register", payload, content_type="application/json")
        en = client.post(
            "/api/accounts/register",
            payload,
            content_type="application/json",
            headers={"accept-language": "en-US,en;q=0.9"},
        )

        assert ja["Content-Language"] == "ja"
        assert en["Content-Language"] == "en"
        assert "already exists" in en.json()["fields"]["email"][0]

    def test_unauthenticated_answer_follows_accept_language(self, client: Client) -> None:
        ja = client.get("/api/me")
        en = client.get("/api/me", headers={"accept-language": "en"})

        assert (ja["Content-Language"], en["Content-Language"]) == ("ja", "en")
        assert "Authorization: Bearer" in en.json()["message"]


class TestOpenApi:
    @pytest.fixture
    def schema(self, client: Client) -> dict[str, Any]:
        response = client.get("/api/openapi.json")
        assert response.status_code == 200
        schema: dict[str, Any] = response.json()
        return schema

    def test_schema_lists_every_route(self, schema: dict[str, Any]) -> None:
        routes = {
            (method.lower(), f"/api{path_prefix}{path}".replace("//", "/"))
            for path_prefix, router in api._routers
            for path, view in router.path_operations.items()
            for operation in view.operations
            for method in operation.methods
        }
        documented = {(method, path) for path, item in schema["paths"].items() for method in item}

        assert routes == documented
        assert {
            ("post", "/api/accounts/register"),
            ("get", "/api/me"),
            ("patch", "/api/me"),
            ("get", "/api/tokens"),
            ("post", "/api/tokens"),
            ("delete", "/api/tokens/{token_id}"),
        } <= documented

    def test_every_route_declares_its_4xx_answers_with_error_out(
        self, schema: dict[str, Any]
    ) -> None:
        error_ref = "#/components/schemas/ErrorOut"
        assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == ERROR_KEYS
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                statuses = {int(s) for s in operation["responses"]}
                client_errors = {s for s in statuses if 400 <= s < 500}
                assert client_errors, f"{method} {path} declares no 4xx"
                if operation.get("requestBody") or operation.get("parameters"):
                    assert 400 in client_errors or 404 in client_errors, f"{method} {path}"
                if operation.get("security"):
                    assert 401 in client_errors, f"{method} {path} lacks 401"
                for status in client_errors:
                    ref = operation["responses"][str(status)]["content"]["application/json"][
                        "schema"
                    ]["$ref"]
                    assert ref == error_ref, f"{method} {path} {status}"

    def test_routes_with_a_body_declare_400(self, schema: dict[str, Any]) -> None:
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                if "requestBody" in operation:
                    assert "400" in operation["responses"], f"{method} {path}"

    def test_docs_page_is_served(self, client: Client) -> None:
        assert client.get("/api/docs").status_code == 200

    def test_two_schemas_of_one_name_are_refused(self) -> None:
        """django-ninja keeps the last of two components of one name; contracts' and payouts'
        `FeesOut` made every contract answer contradict its own declared schema (found by
        `make fuzz`). The document is not built while two shapes share a name."""
        from ninja import Router, Schema

        from ukeoi.core.api import API

        def twin(field: str) -> type[Schema]:
            return type("Fees", (Schema,), {"__annotations__": {field: int}})

        local = API(urls_namespace="twins")
        router = Router()
        for field in ("amount", "minimum"):
            router.get(f"/{field}", response=twin(field))(lambda request: None)

        local.add_router("/", router)

        with pytest.raises(ImproperlyConfigured, match="'Fees'"):
            local.get_openapi_schema(path_prefix="/")

    def test_every_component_name_stands_for_one_class(self) -> None:
        schema = api.get_openapi_schema()
        assert {"MilestoneFeesOut", "TransferFeesOut"} <= set(schema["components"]["schemas"])
        assert "FeesOut" not in schema["components"]["schemas"]

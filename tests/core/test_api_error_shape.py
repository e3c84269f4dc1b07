"""Every 4xx under /api/ has the one error shape, even before a route runs."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.support.api import api_error as _assert_shape


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404(client: Client):
    _assert_shape(client.get("/api/no-such-thing"), 404, "not_found")


@pytest.mark.django_db
def test_method_not_allowed_is_a_json_405_with_allow_header(client: Client):
    response = client.put("/api/me", data="{}", content_type="application/json")
    _assert_shape(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_session_request_without_csrf_token_is_a_json_403():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory.create())
    response = client.patch("/api/me", data={"display_name": "x"}, content_type="application/json")
    _assert_shape(response, 403, "csrf_failed")


@pytest.mark.django_db
def test_html_pages_keep_their_html_404(client: Client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")

"""The API's one error shape, asserted the same way by every app's API tests."""

from typing import Any

ERROR_KEYS = {"code", "message", "fields"}


def api_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """`response` is the error answer {code, message, fields} with this status (and code):
    JSON, a non-empty message, and every field's messages non-empty strings."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_KEYS, body
    if code is not None:
        assert body["code"] == code, body
    assert isinstance(body["message"], str), body
    assert body["message"], body
    assert all(isinstance(m, str) and m for ms in body["fields"].values() for m in ms), body
    return body

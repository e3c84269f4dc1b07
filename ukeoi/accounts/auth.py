from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ukeoi.accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer uk_…`: a personal access token from the account settings."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class ActiveSession(SessionAuth):
    """The browser session (with CSRF protection on unsafe methods)."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is no session to protect, and the answer is a 401
        # ("unauthenticated"), not ninja's CSRF 403, e.g. for a revoked bearer token.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


api_auth = [BearerToken(), ActiveSession()]

"""Sign-in and password-reset throttling on django-axes (issue 9, security).

Failed sign-ins are counted per (e-mail address, client IP); after AXES_FAILURE_LIMIT of
them that pair is refused for AXES_COOLOFF_TIME, with a page that says so. Password-reset
requests are counted the same way under the name ``password-reset:<address>`` (every
request counts: each one sends a mail), so they never lock the sign-in itself. Operators
unlock early in the admin ("Access attempts": delete the row)."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ukeoi.accounts.validators import normalize_email

PASSWORD_RESET_PREFIX = "password-reset:"


def username_of(request: HttpRequest, credentials: Mapping[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the address as compared everywhere (any case, NFKC)."""
    raw = (credentials or {}).get("username") or request.POST.get("username") or ""
    if str(raw).startswith(PASSWORD_RESET_PREFIX):
        return str(raw)
    return normalize_email(str(raw))[:254]


def client_ip(request: HttpRequest) -> str:
    """AXES_CLIENT_IP_CALLABLE: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies (the load
    balancer) the address the outermost trusted proxy saw, from X-Forwarded-For."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [p for p in forwarded if p]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return str(request.META.get("REMOTE_ADDR", ""))


def locked_out_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a page in the visitor's language, status 429."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if isinstance(cool_off, timedelta) else 0
    username = username_of(request, credentials)
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "password_reset": username.startswith(PASSWORD_RESET_PREFIX)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def password_reset_locked(request: HttpRequest, email: str) -> bool:
    """True when this address has been asked for too often from this client."""
    credentials = {"username": PASSWORD_RESET_PREFIX + normalize_email(email)[:200]}
    return AxesProxyHandler.is_locked(request, credentials)


def password_reset_requested(request: HttpRequest, email: str) -> None:
    """Count one password-reset request (recorded like a failed sign-in, under its own name)."""
    credentials = {"username": PASSWORD_RESET_PREFIX + normalize_email(email)[:200]}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    # The request that reaches the limit is still answered normally; the next one is not.
    request.axes_locked_out = False  # type: ignore[attr-defined]

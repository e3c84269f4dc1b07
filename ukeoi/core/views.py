import sys
from collections.abc import Sequence
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from ukeoi.core.errors import ApplicationError
from ukeoi.core.outages import BROKER_ERRORS, CACHE_ERRORS


@dataclass(frozen=True)
class Action:
    """A way forward offered on a refusal page: a link and its label."""

    url: str
    label: str | Promise


def refused(
    request: HttpRequest,
    error: ApplicationError,
    *,
    back: str = "",
    actions: Sequence[Action] = (),
    title: str | Promise | None = None,
    status: int | None = None,
) -> HttpResponse:
    """The one page for a refusal that is not about a form field (the API's counterpart is
    `ukeoi.core.api`'s error handlers): the service's explanation, the ways forward, and
    the refusal's own status (403, 404, 409, 400) unless the page says otherwise."""
    return render(
        request,
        "core/refused.html",
        {
            "error": error,
            "back": back,
            "actions": actions,
            "title": title or _("This cannot be done"),
        },
        status=status or error.status,
    )


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _outbox_files() -> list[Path]:
    folder = Path(settings.OUTBOX_DIR)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)


def _parse(path: Path) -> list[EmailMessage]:
    """The file backend appends each message followed by a line of 79 dashes."""
    chunks = path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
    parsed = []
    for chunk in chunks:
        if chunk.strip():
            msg = message_from_bytes(chunk.strip(), policy=policy.default)
            assert isinstance(msg, EmailMessage)
            parsed.append(msg)
    return parsed


def dev_outbox(request: HttpRequest) -> HttpResponse:
    """Development only: the mail the site has "sent", newest first, so a demo user can
    follow a password-reset link without a mail server."""
    if not (settings.DEBUG or settings.DEMO_MODE):
        raise Http404
    mails = []
    for path in _outbox_files()[:50]:
        for msg in reversed(_parse(path)):
            body = msg.get_body(preferencelist=("plain",))
            mails.append(
                {
                    "subject": msg["subject"],
                    "to": msg["to"],
                    "date": msg["date"],
                    "body": body.get_content() if body is not None else "",
                }
            )
    return render(request, "core/outbox.html", {"mails": mails})


# A part the site cannot answer without: the database, and — where something still needs
# them (most requests go on without: core.outages) — the cache and the broker.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    *CACHE_ERRORS,
    *BROKER_ERRORS,
)
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A database, cache or broker that is away (restarting, failing over, out
    of connections) is a 503 with a page that says to retry (the failed transaction was
    rolled back); anything else is the plain 500 page. Neither touches the database. Under
    /api/ both answer in the API's error shape."""
    error = sys.exc_info()[1]
    unavailable = isinstance(error, UNAVAILABLE_ERRORS)
    api = request.path.startswith("/api/")
    if unavailable:
        status = 503
        message = _("The service is briefly unavailable. Please try again in a few seconds.")
        code = "unavailable"
    else:
        status = 500
        message = _("Something went wrong on our side. Please try again in a moment.")
        code = "server_error"
    if api:
        response: HttpResponse = JsonResponse(
            {"code": code, "message": message, "fields": {}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        template = loader.get_template("503.html" if unavailable else "500.html")
        body = template.render({"retry_url": request.get_full_path()})
        response = HttpResponse(body, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

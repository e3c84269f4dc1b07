from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


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

"""A3 (issue 14 item 3): the password-reset mail goes through the outbox like every other
mail (core.mail): it is written to an OutboxMail row, sent after commit to a real SMTP
server (aiosmtpd), kept and retried when that server is away (the visitor is told "sent"
and the mail is not lost), and its link starts with SITE_URL, never with the Host header
of the request that asked for it. Django's token machinery and views are unchanged: the
link sets a new password once."""

import re
import socket
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import UserFactory
from tests.smtp import Inbox
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.mail import outbox_sweep
from ukeoi.core.models import OutboxMail

pytestmark = pytest.mark.django_db

SITE = "https://ukeoi.example.jp"
RESET = "/accounts/password/reset/"
LINK_RE = re.compile(r"\S+/accounts/password/reset/[^\s/]+/[^\s/]+/")
NEW_PASSWORD = "hoshi-zora-no-shita-88"


@pytest.fixture
def site(settings: SettingsWrapper) -> str:
    settings.SITE_URL = SITE
    # Even a site that accepts any Host (a catch-all virtual host) must not link to it.
    settings.ALLOWED_HOSTS = ["*"]
    return SITE


@pytest.fixture
def hanako() -> User:
    return UserFactory.create(email="hanako@example.jp", display_name="花子")


def closed_port() -> int:
    """A loopback port nobody listens on: the mail server is away."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ask(client: Client, email: str, host: str = "evil.example") -> Any:
    return client.post(RESET, {"email": email}, headers={"host": host})


def link_in(body: str) -> str:
    links = LINK_RE.findall(body)
    assert len(links) == 1, body
    return str(links[0])


def test_the_reset_mail_is_written_to_the_outbox_with_a_site_url_link(
    client: Client, site: str, hanako: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = ask(client, "hanako@example.jp", host="evil.example")

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    mail = OutboxMail.objects.get()
    assert (mail.to, mail.template) == ("hanako@example.jp", "password_reset")
    assert "花子" in mail.body  # the account's mail language: Japanese
    link = link_in(mail.body)
    assert link.startswith(f"{SITE}/accounts/password/reset/")
    assert "evil.example" not in mail.body
    assert "testserver" not in mail.body
    assert len(callbacks) == 1  # the send is queued for after the commit, not done inline


def test_the_link_does_not_follow_the_host_header(
    client: Client,
    site: str,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[EmailMessage],
) -> None:
    for address in ("a@example.jp", "b@example.jp"):
        UserFactory.create(email=address)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, "a@example.jp", host="evil.example")
        ask(client, "b@example.jp", host="localhost:8101")

    links = [link_in(str(mail.body)) for mail in mailoutbox]
    assert len(links) == 2
    assert all(link.startswith(f"{SITE}/accounts/password/reset/") for link in links)


def test_the_mail_is_in_the_language_the_account_chose_for_mail(
    client: Client, site: str, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory.create(email="ken@example.jp", language="en")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(RESET, {"email": "ken@example.jp"}, headers={"accept-language": "ja"})

    assert OutboxMail.objects.get().subject == "[ukeoi] Reset your password"


def test_a_mail_server_away_keeps_the_mail_in_the_outbox_until_it_is_sent(
    client: Client,
    site: str,
    hanako: User,
    smtp_inbox: Inbox,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Before: Django's form sent the mail inside the request and an SMTP error was lost
    (the visitor saw "sent", nothing came). Now it waits in the outbox and the sweep
    sends it once the server is back; the link still works."""
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "hanako@example.jp")

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    mail = OutboxMail.objects.get()
    assert mail.to == "hanako@example.jp"
    assert mail.attempts >= 1
    assert mail.last_error != ""
    assert smtp_inbox.messages == []

    settings.EMAIL_PORT = port
    retry = timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)
    with time_machine.travel(clock.now() + retry + timedelta(seconds=1), tick=False):
        counts = outbox_sweep(older_than=retry, give_up_after=timedelta(days=3))

    assert counts["sent"] == 1
    assert not OutboxMail.objects.exists()
    (body,) = smtp_inbox.bodies_to("hanako@example.jp")
    path = link_in(body).removeprefix(SITE)

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    hanako.refresh_from_db()
    assert hanako.check_password(NEW_PASSWORD)

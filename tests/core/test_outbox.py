"""The mail outbox (ukeoi.core.mail): a committed action's mail is never lost. It is
written in the action's transaction, sent to a real SMTP server (aiosmtpd) after commit
and deleted; what is left unsent (the task never queued, the server away) is sent by the
sweep, once; a rolled-back action leaves nothing. Every notice the rules promise rides on
it (B7, B8, W7, W9, P4, H3)."""

import logging
import socket
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import UserFactory
from tests.smtp import Inbox
from ukeoi.core import clock
from ukeoi.core.mail import outbox_mail_send, outbox_sweep, send_templated_mail
from ukeoi.core.models import OutboxMail

pytestmark = pytest.mark.django_db

RETRY = timedelta(minutes=2)
GIVE_UP = timedelta(days=3)


def welcome(address: str = "hanako@example.jp") -> None:
    user = UserFactory.create(email=address, display_name="花子")
    send_templated_mail(to=user.email, template="welcome", context={"user": user})


def closed_port() -> int:
    """A loopback port nobody listens on: the mail server is away."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_mail_waits_in_the_outbox_until_commit_then_is_sent_and_gone(
    smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        welcome()
        assert OutboxMail.objects.filter(to="hanako@example.jp").count() == 1

    assert smtp_inbox.messages == []
    for callback in callbacks:
        callback()
    assert len(smtp_inbox.bodies_to("hanako@example.jp")) == 1
    assert not OutboxMail.objects.exists()


def test_a_rolled_back_action_leaves_no_mail(
    smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    def refused_later() -> None:
        with transaction.atomic():
            welcome()
            raise RuntimeError("refused later in the same transaction")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        refused_later()

    assert not OutboxMail.objects.exists()
    assert smtp_inbox.messages == []


def test_mail_whose_task_never_ran_is_sent_by_the_sweep_once(
    smtp_inbox: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    """The web process died between the commit and queueing the task (or the broker was
    away): the callbacks never run. The sweep sends the mail once it is RETRY old."""
    with django_capture_on_commit_callbacks(execute=False):
        welcome()

    assert outbox_sweep(older_than=RETRY, give_up_after=GIVE_UP)["sent"] == 0  # too fresh
    with time_machine.travel(clock.now() + RETRY + timedelta(seconds=1), tick=False):
        counts = outbox_sweep(older_than=RETRY, give_up_after=GIVE_UP)
        again = outbox_sweep(older_than=RETRY, give_up_after=GIVE_UP)

    assert counts == {"dropped": 0, "sent": 1, "failed": 0}
    assert again == {"dropped": 0, "sent": 0, "failed": 0}
    assert len(smtp_inbox.bodies_to("hanako@example.jp")) == 1


def test_a_mail_server_away_keeps_the_mail_with_its_error_until_it_is_back(
    smtp_inbox: Inbox, settings: SettingsWrapper, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        welcome()
    mail = OutboxMail.objects.get()
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = closed_port()

    with pytest.raises(ConnectionRefusedError):
        outbox_mail_send(mail.pk)

    mail.refresh_from_db()
    assert mail.attempts == 1
    assert mail.last_error != ""
    settings.EMAIL_PORT = port
    assert outbox_mail_send(mail.pk) is True
    assert outbox_mail_send(mail.pk) is False  # sent already: nothing twice
    assert len(smtp_inbox.bodies_to("hanako@example.jp")) == 1


def test_mail_unsent_for_days_is_dropped_with_an_error_in_the_log(
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    with django_capture_on_commit_callbacks(execute=False):
        welcome()

    with time_machine.travel(clock.now() + RETRY * 2, tick=False):
        assert outbox_sweep(older_than=RETRY, give_up_after=GIVE_UP)["failed"] == 1
    with (
        time_machine.travel(clock.now() + GIVE_UP + RETRY, tick=False),
        caplog.at_level(logging.ERROR, logger="ukeoi.core.mail"),
    ):
        counts = outbox_sweep(older_than=RETRY, give_up_after=GIVE_UP)

    assert counts["dropped"] == 1
    assert not OutboxMail.objects.exists()
    assert "hanako@example.jp" in caplog.text

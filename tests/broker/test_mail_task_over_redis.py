"""The production mail path: a mail scheduled after commit goes through the Redis broker to a
real Celery worker, which delivers it to a real SMTP server."""

import socket
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from tests.smtp import Inbox
from ukeoi.celery import app
from ukeoi.core.mail import send_templated_mail

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_worker():
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    previous = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    app._after_fork()  # drop the connection pools built for the in-process broker
    app.conf.update(
        broker_url="redis://127.0.0.1:6379/15", task_always_eager=False, result_backend=None
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app._after_fork()
        app.conf.update(previous)


@pytest.mark.django_db(transaction=True)
def test_mail_goes_through_redis_and_a_worker_to_smtp(redis_worker, smtp_inbox: Inbox):
    with transaction.atomic():
        send_templated_mail(
            to="worker@example.jp",
            template="welcome",
            context={"user": {"display_name": "ワーカー", "username": "worker"}},
            language="ja",
        )
        assert smtp_inbox.messages == []  # nothing leaves before commit

    deadline = time.monotonic() + 20
    while not smtp_inbox.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    bodies = smtp_inbox.bodies_to("worker@example.jp")
    assert len(bodies) == 1
    assert "ワーカー 様" in bodies[0]
    assert "【ukeoi】" in smtp_inbox.messages[0]["Subject"]

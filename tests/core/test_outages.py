"""Issue 23: a Redis outage (cache, sessions, broker) slows the site down and delays work; it
never answers 500, never fails a write and never loses a task.

"Redis away" here is a real Redis client pointed at a loopback port where nothing listens
(connection refused, as when the server was killed); "Redis up" is the machine's own
server, on a database and key prefix of these tests. tests/faults/test_redis_outage.py
kills a real Redis under load."""

import socket
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from celery import current_app
from django.contrib.sessions.models import Session
from django.db import transaction
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import JobFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.core.models import OutboxTask
from ukeoi.core.taskqueue import enqueue, outbox_task_sweep
from ukeoi.core.views import server_error
from ukeoi.jobs.models import Job

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LIVE_REDIS = "redis://127.0.0.1:6379/12"


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


def _redis_cache(location: str) -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": f"outages-{uuid.uuid4().hex[:8]}",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


@pytest.fixture
def redis_away(settings: SettingsWrapper) -> None:
    """The cache and the sessions on a Redis that is away."""
    settings.CACHES = {
        **settings.CACHES,
        "default": _redis_cache(f"redis://127.0.0.1:{_dead_port()}/0"),
    }
    settings.SESSION_ENGINE = "ukeoi.core.sessions"


@pytest.fixture
def redis_up(settings: SettingsWrapper) -> redis.Redis:
    client = redis.Redis.from_url(LIVE_REDIS)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs the machine's Redis on 127.0.0.1:6379")
    settings.CACHES = {**settings.CACHES, "default": _redis_cache(LIVE_REDIS)}
    settings.SESSION_ENGINE = "ukeoi.core.sessions"
    return client


def _sign_in(client: Client, user: User) -> None:
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def test_visitor_pages_render_uncached_while_the_cache_is_away(redis_away: None) -> None:
    """Issue 23 item 1 (B1): the job list and a job page answer 200 with their content."""
    job = JobFactory.create(title="ロゴ制作の依頼")

    listing = Client().get("/jobs/")
    page = Client().get(job.get_absolute_url())

    assert listing.status_code == 200
    assert "ロゴ制作の依頼" in listing.content.decode()
    assert page.status_code == 200


def test_a_save_commits_although_the_page_cache_cannot_be_refreshed(
    redis_away: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 23 item 1: the refresh at once and the one at commit are logged, not raised."""
    job = JobFactory.create(title="前のタイトル")

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job.title = "新しいタイトル"
        job.save()

    assert Job.objects.get(pk=job.pk).title == "新しいタイトル"
    assert "新しいタイトル" in Client().get("/jobs/").content.decode()


def test_signed_in_users_sign_in_browse_and_sign_out_while_the_cache_is_away(
    redis_away: None,
) -> None:
    """Issue 23 item 2: the session lives in the database alone while the cache is away."""
    user = UserFactory.create(password=PASSWORD)
    client = Client()

    _sign_in(client, user)
    contracts = client.get("/contracts/")
    settings_page = client.get("/accounts/settings/")
    out = client.post("/accounts/logout/")

    assert contracts.status_code == 200
    assert settings_page.status_code == 200
    assert out.status_code == 302
    assert not Session.objects.exists()  # signing out ended the session row
    assert client.get("/contracts/").status_code == 302  # and the user is signed out


def test_a_session_is_read_from_the_cache_for_at_most_session_cache_seconds(
    redis_up: redis.Redis, settings: SettingsWrapper
) -> None:
    """Issue 23 item 2: a copy in the cache goes stale at most SESSION_CACHE_SECONDS after
    it was written (the database is the truth, e.g. after a sign-out the cache missed)."""
    settings.SESSION_CACHE_SECONDS = 120
    from django.core.cache import cache

    user = UserFactory.create(password=PASSWORD)
    client = Client()
    _sign_in(client, user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value

    cache_key = cache.make_key("django.contrib.sessions.cached_db" + key)
    ttl = redis_up.ttl(cache_key)

    assert 0 < ttl <= 120
    assert client.get("/contracts/").status_code == 200
    Session.objects.filter(session_key=key).delete()
    cache.delete("django.contrib.sessions.cached_db" + key)
    assert client.get("/contracts/").status_code == 302


@pytest.fixture
def broker() -> Iterator[Any]:
    """`broker(url)`: tasks are published to the broker at `url` instead of run in-process;
    restored afterwards."""
    app = current_app
    saved = app.conf.task_always_eager, app.conf.broker_url

    def forget_connections() -> None:
        # What Celery itself does after a fork: the next publish connects anew.
        app._pool = None
        app.amqp._producer_pool = None

    def use(url: str) -> None:
        forget_connections()
        app.conf.task_always_eager = False
        app.conf.update(broker_url=url)

    try:
        yield use
    finally:
        forget_connections()
        app.conf.update(task_always_eager=saved[0], broker_url=saved[1])


def test_a_task_asked_for_while_the_broker_is_away_waits_in_the_outbox(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 23 item 3: the action commits, the task stays in the outbox with the error."""
    broker(f"redis://127.0.0.1:{_dead_port()}/0")
    user = UserFactory.create()

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue("ukeoi.withdrawal.tasks.end_sessions", user.pk)

    row = OutboxTask.objects.get()
    assert row.task == "ukeoi.withdrawal.tasks.end_sessions"
    assert row.args == [user.pk]
    assert row.attempts == 1
    assert "Error" in row.last_error


def test_the_sweep_publishes_what_waited_once_the_broker_is_back(
    broker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 23 item 3: the waiting task reaches the broker once, and the row is gone."""
    client = redis.Redis.from_url("redis://127.0.0.1:6379/11")
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs the machine's Redis on 127.0.0.1:6379")
    client.delete("celery")
    broker(f"redis://127.0.0.1:{_dead_port()}/0")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue("ukeoi.withdrawal.tasks.end_sessions", 7)
    assert OutboxTask.objects.count() == 1

    broker("redis://127.0.0.1:6379/11")
    from datetime import timedelta

    counts = outbox_task_sweep(older_than=timedelta(0))
    again = outbox_task_sweep(older_than=timedelta(0))

    assert counts == {"published": 1, "failed": 0}
    assert again == {"published": 0, "failed": 0}
    assert not OutboxTask.objects.exists()
    assert client.llen("celery") == 1
    client.delete("celery")


def test_a_rolled_back_action_queues_no_task() -> None:
    def queue_then_fail() -> None:
        with transaction.atomic():
            enqueue("ukeoi.withdrawal.tasks.end_sessions", 1)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        queue_then_fail()

    assert not OutboxTask.objects.exists()


@pytest.mark.parametrize(
    ("error", "path"),
    [
        (redis.ConnectionError("Connection refused"), "/jobs/"),
        (redis.TimeoutError("Timeout reading from socket"), "/api/jobs"),
    ],
)
def test_what_still_needs_redis_answers_503_with_a_retry_page(error: Exception, path: str) -> None:
    """Issue 23 item 3: where a request truly cannot be served, 503 and Retry-After."""
    request = RequestFactory().get(path)
    try:
        raise error
    except type(error):
        assert sys.exc_info()[1] is error
        response = server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"

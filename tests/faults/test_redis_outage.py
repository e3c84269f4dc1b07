"""Issue 23, faults: Redis (the cache, the sessions' fast copy, the page cache and the Celery
broker) dies under load and comes back. The real stack runs — gunicorn, a Celery worker and
Celery beat on the test database (PostgreSQL) — on a throwaway `redis-server` of this test's
own on a free port (never the machine's), killed with SIGKILL and restarted.

What must hold, as for a database restart (test_database_restart.py): no 500 ever; visitor
pages and signed-in pages keep answering during the outage (rendered without the cache);
writes succeed (signing in, registering, which mails); the mail of an action committed while
the broker was away waits in the outbox and is delivered once Redis is back; the ledger is
clean. The counts per status before, during and after are printed (`pytest -s`)."""

import http.cookiejar
import json
import re
import shutil
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import DEFAULT_PASSWORD, JobFactory, UserFactory
from tests.faults.conftest import Process, free_port, gunicorn, site_env, wait_for
from tests.faults.test_worker_killed_tasks import _database_url
from tests.smtp import Inbox
from ukeoi.accounts.models import User
from ukeoi.core.models import OutboxMail
from ukeoi.ledger.selectors import ledger_check_get

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 8.0
BIN = Path(sys.executable).parent


class Redis:
    """A redis-server of the test's own: no persistence, loopback only, one fixed port so
    that the restarted server is found where the site looks for it."""

    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.tmp_path = tmp_path
        self.process: Process | None = None
        self.runs = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.runs += 1
        self.process = Process(
            [
                str(shutil.which("redis-server")),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.tmp_path),
            ],
            env={},
            log=self.tmp_path / f"redis-{self.runs}.log",
        )
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()


class Browser:
    """One visitor's cookies (session, CSRF) over plain urllib."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self, path: str, data: dict[str, str] | None = None, *, json_body: Any = None
    ) -> tuple[int, str]:
        headers = {"Accept-Language": "en", "Referer": self.base + "/"}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, email: str) -> int:
        status, page = self.request("/accounts/login/")
        assert status == 200, (status, page[:500])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        status, body = self.request(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": email,
                "password": DEFAULT_PASSWORD,
            },
        )
        assert status == 302, (status, body[:2000])
        return status


def member(display_name: str) -> User:
    """An account whose password the site's own hasher can check (the tests' settings hash
    with MD5, which the production settings do not accept)."""
    hasher = PBKDF2PasswordHasher()
    user: User = UserFactory.create(display_name=display_name)
    user.password = hasher.encode(DEFAULT_PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 is an answer of its own here (sign-in succeeded)


@pytest.fixture
def stack(smtp_inbox: Inbox, tmp_path: Path) -> Iterator[tuple[str, Redis]]:
    if connection.vendor != "postgresql":
        pytest.skip("the site's processes need the test database on PostgreSQL")
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    redis_server = Redis(tmp_path)
    redis_server.start()
    env = site_env(
        _database_url(),
        REDIS_URL=f"{redis_server.url}/1",
        CELERY_BROKER_URL=f"{redis_server.url}/0",
        VISITOR_PAGE_CACHE_SECONDS="60",
        OUTBOX_SWEEP_SECONDS="1",
        OUTBOX_RETRY_AFTER_SECONDS="1",
        EMAIL_URL="",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(django_settings.EMAIL_PORT),
        SECRET_KEY=django_settings.SECRET_KEY,
        RETIRED_IDENTIFIER_KEY=django_settings.RETIRED_IDENTIFIER_KEY,
        LANGUAGE_CODE="en",
    )
    port = free_port()
    processes = [
        gunicorn(port, env=env, log=tmp_path / "gunicorn.log"),
        Process(
            [
                str(BIN / "celery"),
                "-A",
                "ukeoi",
                "worker",
                "--pool",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            env=env,
            log=tmp_path / "celery-worker.log",
        ),
        Process(
            [
                str(BIN / "celery"),
                "-A",
                "ukeoi",
                "beat",
                "--schedule",
                str(tmp_path / "celerybeat-schedule"),
                "--loglevel",
                "INFO",
            ],
            env=env,
            log=tmp_path / "celery-beat.log",
        ),
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/jobs/")
        yield base, redis_server
    finally:
        for process in processes:
            process.stop()
        if redis_server.process is not None:
            redis_server.process.stop()
        for log in sorted(tmp_path.glob("*.log")):
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                print(f"--- {log.name}\n{text[-3000:]}")


def test_the_site_keeps_serving_through_a_redis_outage_and_loses_no_mail(
    stack: tuple[str, Redis], smtp_inbox: Inbox
) -> None:
    base, redis_server = stack
    first = member("Outage Member")
    late = member("Late Member")
    job = JobFactory(client=first, title="Redis outage job")
    signed_in = Browser(base)
    assert signed_in.sign_in(first.email) == 302

    phase = ["before"]
    counts: dict[str, Counter[tuple[str, int]]] = {
        p: Counter() for p in ("before", "during", "after")
    }
    bad: list[tuple[str, str, int, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    lock = threading.Lock()

    def hammer(who: Browser, path: str, expect: str) -> None:
        while not stop.is_set():
            current = phase[0]
            try:
                status, body = who.request(path)
            except BaseException as error:  # a dropped connection would land here
                errors.append(error)
                continue
            with lock:
                counts[current][(path, status)] += 1
                if status != 200 or expect not in body:
                    bad.append((current, path, status, body[:300]))
            time.sleep(0.02)  # bounded load: 6 clients, ~50 requests/s each at most

    visitor = Browser(base)
    load = [
        (visitor, "/jobs/", "Redis outage job"),
        (visitor, job.get_absolute_url(), "Redis outage job"),
        (visitor, "/api/jobs", "Redis outage job"),
        (signed_in, "/contracts/", "Outage Member"),
        (signed_in, "/contracts/", "Outage Member"),
        (signed_in, "/withdrawal/", "Outage Member"),
    ]
    threads = [threading.Thread(target=hammer, args=item) for item in load]
    for thread in threads:
        thread.start()
    written: dict[str, int] = {}
    try:
        time.sleep(2.0)
        with lock:
            phase[0] = "during"
        redis_server.kill()
        time.sleep(1.0)
        # Writes while Redis is away: a new sign-in (its session lives in the database)...
        newcomer = Browser(base)
        written["sign-in"] = newcomer.sign_in(late.email)
        written["signed-in page"], page = newcomer.request("/contracts/")
        assert "Late Member" in page
        # ...and registrations, each of which mails a welcome (the broker is away too).
        for n in range(3):
            written[f"register {n}"], _ = visitor.request(
                "/api/accounts/register",
                json_body={
                    "email": f"outage{n}@example.com",
                    "username": f"outage{n}",
                    "display_name": f"Outage {n}",
                    "password": "a long enough passphrase 23",
                    "agree_terms": True,
                },
            )
        time.sleep(OUTAGE_SECONDS - 1.0)
        waiting = OutboxMail.objects.filter(to__startswith="outage").count()
        redis_server.start()
        with lock:
            phase[0] = "after"
        time.sleep(3.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

    for name in ("before", "during", "after"):
        print(f"\n{name}:", dict(sorted(counts[name].items())))
    print("writes during the outage:", written)
    print("welcome mails waiting in the outbox when Redis came back:", waiting)

    assert not errors
    assert not bad, bad[:5]
    for name in ("before", "during", "after"):
        for path in {path for _who, path, _text in load}:
            assert counts[name][(path, 200)] > 0, (name, path, counts[name])
    assert written == {
        "sign-in": 302,
        "signed-in page": 200,
        "register 0": 201,
        "register 1": 201,
        "register 2": 201,
    }
    # The broker was away when they committed: their mail waited in the outbox...
    assert waiting == 3
    # ...and the sweep sends it once Redis is back, each exactly once.
    deadline = time.monotonic() + 60
    addresses = [f"outage{n}@example.com" for n in range(3)]
    while time.monotonic() < deadline and not all(smtp_inbox.bodies_to(a) for a in addresses):
        time.sleep(0.5)
    time.sleep(2.0)  # a second copy, had there been one, would have arrived by now
    assert [len(smtp_inbox.bodies_to(a)) for a in addresses] == [1, 1, 1]
    assert not OutboxMail.objects.filter(to__in=addresses).exists()
    assert ledger_check_get().ok

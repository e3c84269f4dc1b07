"""Issue 9, faults: a Celery worker killed (SIGKILL, as in a crash) in the middle of a task.
Tasks are acknowledged late, so the task goes back to the queue and the next worker runs it
to completion — once. The mail task is the case here: the first worker hangs talking to a
mail server that never answers and is killed there (holding the outbox row's lock); the
next worker delivers the mail to a real SMTP server, exactly one copy, and the outbox row
is gone."""

import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from tests.faults.conftest import ROOT, Process, site_env
from tests.smtp import Inbox

pytestmark = pytest.mark.faults

REDIS = "redis://127.0.0.1:6379/12"
VISIBILITY_TIMEOUT = 3  # seconds before a dead worker's task is handed out again


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


class SilentServer:
    """Accepts connections and never answers: a task talking to it hangs mid-way."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = int(self.sock.getsockname()[1])
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.connected.set()

    def close(self) -> None:
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


def _env(folder: Path, smtp_port: int = 25) -> dict[str, str]:
    return site_env(
        "sqlite:///" + str(folder / "worker.sqlite3"),
        CELERY_BROKER_URL=REDIS,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
    )


def _manage(folder: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(folder),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout.strip().rsplit("\n", 1)[-1]


def _outbox(folder: Path, code: str) -> str:
    return _manage(
        folder,
        "shell",
        "-v",
        "0",
        "-c",
        f"from django.utils import timezone; from ukeoi.core.models import OutboxMail as O; "
        f"print({code})",
    )


def _worker(queue: str, smtp_port: int, log: Path) -> Process:
    env = _env(log.parent, smtp_port)
    return Process(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "ukeoi",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--hostname",
            f"{log.stem}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ],
        env=env,
        log=log,
    )


def test_a_mail_task_killed_mid_way_is_delivered_once_by_the_next_worker(
    silent_server: SilentServer, smtp_inbox: Inbox, tmp_path: Path, settings
):
    if not _redis_up():
        pytest.skip("needs Redis on 127.0.0.1:6379")
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    producer = Celery(broker=REDIS)
    first = _worker(queue, silent_server.port, tmp_path / "first.log")
    second: Process | None = None
    try:
        # The mail of a committed action, waiting in the outbox of the workers' database.
        _manage(tmp_path, "migrate", "--noinput", "-v0")
        mail_id = _outbox(
            tmp_path,
            "O.objects.create(to='once@example.jp', subject='件名', body='本文です。',"
            " template='t', created_at=timezone.now()).pk",
        )
        producer.send_task("ukeoi.core.tasks.send_outbox_mail", args=[int(mail_id)], queue=queue)
        # Given the first worker is inside the task (connected to the mail server)...
        assert silent_server.connected.wait(60), (tmp_path / "first.log").read_text()
        # ...when it dies without a chance to clean up,
        first.kill()
        # then the next worker gets the task and completes it. (A starting worker looks
        # for tasks of dead workers at once, then only every ~100 s: start it once the
        # task is older than the visibility timeout.)
        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = _worker(queue, int(settings.EMAIL_PORT), tmp_path / "second.log")
        deadline = time.monotonic() + 60
        while not smtp_inbox.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        logs = [(tmp_path / f"{name}.log").read_text() for name in ("first", "second")]
        delivered = [b.strip() for b in smtp_inbox.bodies_to("once@example.jp")]
        assert delivered == ["本文です。"], "\n=====\n".join(logs)
        # Once: no second copy turns up after a further visibility timeout.
        time.sleep(VISIBILITY_TIMEOUT + 3)
        assert len(smtp_inbox.messages) == 1
        assert _outbox(tmp_path, "O.objects.count()") == "0"
    finally:
        first.kill()
        if second is not None:
            second.stop()
        producer.close()

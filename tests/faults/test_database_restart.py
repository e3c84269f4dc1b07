"""Issue 9, faults: PostgreSQL restarts while requests are in flight. Every answer is either
the page or a 503 that says to try again (never a bare 500, never a dropped connection),
and once the database is back the same request succeeds. The cluster is this test's own
(tests/faults/conftest.py), never the shared server."""

import threading
import time
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.faults.conftest import Cluster, free_port, get, gunicorn, site_env, wait_for

pytestmark = pytest.mark.faults

MESSAGE = "The service is briefly unavailable. Please try again in a few seconds."


def retry_texts() -> set[str]:
    """The 503 page's message in each language the site may answer in."""
    texts = set()
    for language in ("ja", "en"):
        with translation.override(language):
            texts.add(gettext(MESSAGE))
    return texts


@pytest.fixture
def site(cluster: Cluster, tmp_path: Path):
    port = free_port()
    server = gunicorn(
        port, env=site_env(cluster.url, LANGUAGE_CODE="en"), log=tmp_path / "gunicorn.log"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/jobs/")
        yield base
    finally:
        server.stop()


def test_a_stopped_database_gives_a_retry_page_and_the_retry_works(cluster: Cluster, site: str):
    assert get(f"{site}/jobs/")[0] == 200

    cluster.stop()
    try:
        status, body, headers = get(f"{site}/jobs/", timeout=30)
        api_status, api_body, _ = get(f"{site}/api/jobs", timeout=30)
    finally:
        cluster.start()

    assert status == 503
    assert headers["Retry-After"] == "5"
    assert any(text in body for text in retry_texts())
    assert 'href="/jobs/"' in body  # "try again" leads back to the same page
    assert api_status == 503
    assert '"code": "unavailable"' in api_body
    # The retry: the same request, once the database is back.
    wait_for(f"{site}/jobs/", seconds=30)
    assert get(f"{site}/api/jobs")[0] == 200


def test_requests_in_flight_during_a_restart_fail_cleanly(cluster: Cluster, site: str):
    results: list[tuple[int, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def hammer(path: str) -> None:
        while not stop.is_set():
            try:
                status, body, _ = get(f"{site}{path}", timeout=30)
                results.append((status, body))
            except BaseException as error:  # a reset connection would land here
                errors.append(error)

    threads = [
        threading.Thread(target=hammer, args=(path,))
        for path in ("/jobs/", "/jobs/", "/api/jobs", "/help/")
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    cluster.restart()
    time.sleep(2.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert len(results) > 20  # requests were in flight before, during and after
    statuses = {status for status, _ in results}
    assert statuses <= {200, 503}, statuses
    texts = retry_texts()
    assert all(
        any(text in body for text in texts) or '"code": "unavailable"' in body
        for status, body in results
        if status == 503
    )
    # Requests after the restart (the retries) are served again.
    wait_for(f"{site}/jobs/", seconds=30)
    assert get(f"{site}/api/jobs")[0] == 200

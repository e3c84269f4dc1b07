"""What an outage of Redis (the shared cache, the sessions' cache, the Celery broker) looks
like to the code, and how it is logged.

The site keeps working while Redis is away (issue 23): visitor pages render uncached
(`core.pagecache`), sessions are read from and written to the database (`core.sessions`),
tasks wait in the database outbox (`core.taskqueue`, `core.mail`) and are sent once the
broker is back, rate limits let requests through. Only what cannot be served at all
answers 503 with a page that says to retry (`core.views.server_error`).

An outage fails every request of every worker in the same way; the log gets one line per
component and process every LOG_EVERY_SECONDS, not one per request."""

import logging
import time

from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

logger = logging.getLogger("ukeoi.outages")

# A cache call that failed because Redis is away, busy or unreachable (redis-py wraps the
# socket's errors, timeouts included, in its own). Not OSError: a full disk or a missing
# upload is a bug to see, not an outage to ride out.
CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError,)
# Publishing a task failed because the broker is away (kombu wraps the transport's error).
BROKER_ERRORS: tuple[type[Exception], ...] = (BrokerOperationalError, RedisError)

LOG_EVERY_SECONDS = 10.0
_last_logged: dict[str, float] = {}


def log_outage(component: str, error: BaseException) -> None:
    """A warning that `component` (e.g. "cache", "broker") failed and the site went on
    without it; at most one line per component every LOG_EVERY_SECONDS in this process."""
    now = time.monotonic()
    if now - _last_logged.get(component, -LOG_EVERY_SECONDS) < LOG_EVERY_SECONDS:
        return
    _last_logged[component] = now
    logger.warning("%s unavailable, going on without it: %r", component, error)

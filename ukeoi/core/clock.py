"""The one place that asks what time it is, so tests and tasks agree on "now".

`at(moment)` runs a block as if it were `moment` (the demo data tells a story in the past
with the real services). The override lives in a ContextVar, so it holds only for the thread
or async task that set it, and nested blocks restore the outer moment when they end."""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("ukeoi_clock_moment", default=None)


def now() -> datetime:
    moment = _moment.get()
    return timezone.now() if moment is None else moment


def today() -> date:
    return timezone.localdate(now())


@contextlib.contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    """Within the block, `now()` answers `moment` (which must be aware) and `today()` its
    local date; the time does not run on."""
    if timezone.is_naive(moment):
        raise ValueError("clock.at needs an aware datetime")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)

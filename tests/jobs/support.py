"""Helpers shared by the jobs tests."""

from datetime import timedelta
from typing import Any

from ukeoi.core import clock


def in_days(days: float) -> Any:
    return clock.now() + timedelta(days=days)


def english(message: Any) -> str:
    """A (lazy) message as the English source reads, whatever the active language."""
    from django.utils import translation

    with translation.override("en"):
        return str(message)

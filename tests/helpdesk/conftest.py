"""Fixtures for the help centre's tests (H1–H4, P1)."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from tests.conftest import SEED, SEEDED_SLUGS

__all__ = ["SEED", "SEEDED_SLUGS"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()

"""Fixtures for the help centre's tests (H1–H4, P1)."""

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.cache import cache

from ukeoi.helpdesk.models import FaqArticle

SEED = importlib.import_module("ukeoi.helpdesk.migrations.0002_seed_faq")
SEEDED_SLUGS = [article["slug"] for article in SEED.ARTICLES]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """The rate-limit counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded_faq(db: None) -> list[FaqArticle]:
    """The FAQ as the data migration creates it. The migration already ran for the test
    database, but a transactional test elsewhere may have flushed its rows: seeding again is
    a no-op when they are there."""
    SEED.seed(apps, None)
    return list(FaqArticle.objects.filter(slug__in=SEEDED_SLUGS))

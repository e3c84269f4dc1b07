"""Fixtures shared by every test folder."""

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import caches
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.smtp import smtp_inbox
from ukeoi.helpdesk.models import FaqArticle

__all__ = ["smtp_inbox"]

SEED = importlib.import_module("ukeoi.helpdesk.migrations.0002_seed_faq")
SEEDED_SLUGS = [article["slug"] for article in SEED.ARTICLES]


@pytest.fixture
def seeded_faq(db: None) -> list[FaqArticle]:
    """The FAQ as the data migration creates it. The migration already ran for the test
    database, but a transactional test elsewhere (a browser test) may have flushed its
    rows: seeding again is a no-op when they are there."""
    SEED.seed(apps, None)
    return list(FaqArticle.objects.filter(slug__in=SEEDED_SLUGS))


@pytest.fixture(autouse=True)
def _visitor_page_cache(settings: SettingsWrapper) -> None:
    """Tests run with visitor pages cached as in production (core.pagecache; the settings
    turn it on only with Redis), so a change a visitor would not see fails its test. Each
    test starts with an empty cache: pages kept there belong to the test that rendered
    them."""
    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the site's default language (Japanese). A request through the
    test client leaves the language it negotiated active in the thread (LocaleMiddleware
    activates it and nothing switches back), so without this a selector's text in one test
    depended on the Accept-Language of the test before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Uploads a test makes (identity documents, deliveries) go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"

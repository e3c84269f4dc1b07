"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest
from django.core.cache import caches
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.smtp import smtp_inbox

__all__ = ["smtp_inbox"]


@pytest.fixture(autouse=True)
def _visitor_page_cache(settings: SettingsWrapper) -> None:
    """Tests run with visitor pages cached as in production (core.pagecache; the settings
    turn it on only with Redis), so a change a visitor would not see fails its test. Each
    test starts with an empty cache: pages kept there belong to the test that rendered
    them."""
    settings.VISITOR_PAGE_CACHE_SECONDS = 60
    caches["default"].clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Uploads a test makes (identity documents, deliveries) go to its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"

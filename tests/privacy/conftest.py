from pathlib import Path

import pytest
from pytest_django.fixtures import Settings


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    """Export archives and delivered files go to a throw-away folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"

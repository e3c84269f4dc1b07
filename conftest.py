"""Top-level pytest configuration shared by every test directory.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL is set.
Tests talk plain HTTP to the test client and live server, so the HTTPS-only
production defaults are switched off here."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "ja"
    # Tests never run collectstatic: no hashed-name manifest, and whitenoise may find no
    # STATIC_ROOT (it serves the collected files in production only).
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"

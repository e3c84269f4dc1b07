"""tests/concurrency/ needs PostgreSQL: real row locks and concurrent connections.

Everything in this folder is skipped on any other database. These tests use
`@pytest.mark.django_db(transaction=True)` so that worker threads, each on its own
connection, see committed data; every thread closes its connection when it ends."""

from pathlib import Path

import pytest
from django.db import connection

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = [item for item in items if HERE in item.path.parents]
    for item in here:
        item.add_marker(pytest.mark.postgres)
    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(
            reason="tests/concurrency needs PostgreSQL: set DATABASE_URL=postgres://... "
            "(e.g. postgres://postgres@127.0.0.1:5432/ukeoi)"
        )
        for item in here:
            item.add_marker(skip)

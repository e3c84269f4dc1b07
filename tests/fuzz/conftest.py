"""tests/fuzz/ runs only when asked: `make fuzz` (pytest tests/fuzz -m fuzz). A plain
`pytest` / `make test` skips it, as it takes minutes."""

import pytest

HERE_MARK = "fuzz"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: API fuzzing with schemathesis (make fuzz)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    asked = HERE_MARK in (config.getoption("markexpr", "") or "")
    skip = pytest.mark.skip(reason="API fuzzing runs with `make fuzz` (pytest -m fuzz)")
    for item in items:
        if item.get_closest_marker(HERE_MARK) and not asked:
            item.add_marker(skip)

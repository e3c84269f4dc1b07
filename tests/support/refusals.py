"""A service refuses with an ApplicationError of a known code, and changes nothing."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.rows import changed, snapshot
from ukeoi.core.errors import ApplicationError


def assert_refused(
    call: Callable[[], Any], *, code: str, status: int | None = None
) -> ApplicationError:
    """Run `call`, which must raise an ApplicationError with `code` and `status` (any 4xx
    when not given), and check that no row changed; returns the error."""
    before = snapshot()
    with pytest.raises(ApplicationError) as raised:
        call()
    error = raised.value
    assert error.code == code, error.as_dict()
    if status is None:
        assert 400 <= error.status < 500, error.as_dict()
    else:
        assert error.status == status, error.as_dict()
    after = snapshot()
    assert after == before, changed(before, after)
    return error

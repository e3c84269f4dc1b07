"""clock.at runs code at a given moment: now() answers it, today() follows, nesting and
errors restore the moment outside, and another thread keeps the real time."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from ukeoi.core import clock

# 23:30 UTC is already the next day in Tokyo (TIME_ZONE): today() is the local date.
MOMENT = datetime(2024, 3, 31, 23, 30, tzinfo=UTC)
EARLIER = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)


def test_now_and_today_answer_the_moment_inside_the_block() -> None:
    with clock.at(MOMENT) as moment:
        assert moment == MOMENT
        assert clock.now() == MOMENT
        assert clock.today() == date(2024, 4, 1)

    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_nested_blocks_restore_the_outer_moment() -> None:
    with clock.at(MOMENT):
        with clock.at(EARLIER):
            assert clock.now() == EARLIER
        assert clock.now() == MOMENT


def test_an_error_inside_the_block_restores_the_real_time() -> None:
    with pytest.raises(RuntimeError), clock.at(MOMENT):
        raise RuntimeError("boom")

    assert clock.now() != MOMENT
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


def test_another_thread_keeps_the_real_time() -> None:
    seen: list[datetime] = []
    with clock.at(EARLIER):
        thread = threading.Thread(target=lambda: seen.append(clock.now()))
        thread.start()
        thread.join()

    assert seen[0] != EARLIER
    assert abs(seen[0] - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"), clock.at(datetime(2024, 3, 31, 12, 0)):
        pass  # pragma: no cover

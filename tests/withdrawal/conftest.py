from typing import Any

import pytest

from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.models import User

PASSWORD = DEFAULT_PASSWORD


@pytest.fixture
def member(db: None) -> User:
    """An active account with no history, the one that wants to withdraw."""
    return UserFactory.create(
        email="leaving@example.jp", username="leaving_user", display_name="退会予定"
    )


@pytest.fixture
def other(db: None) -> User:
    return UserFactory.create(display_name="取引相手")


@pytest.fixture
def withdraw_input() -> dict[str, Any]:
    """What the form sends when everything is in order (no balance)."""
    return {
        "password": PASSWORD,
        "reason": "no_longer_needed",
        "reason_text": "",
        "comments": "ありがとうございました。",
        "keep_profile": True,
    }

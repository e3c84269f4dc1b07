"""A5: retired identifiers. A retired e-mail address is kept only as a keyed hash."""

import hashlib
import hmac
import re

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from ukeoi.accounts.enums import RetiredKind
from ukeoi.accounts.models import RetiredIdentifier
from ukeoi.accounts.retired import (
    email_digest,
    is_email_retired,
    is_username_retired,
    retire_identifiers,
)

pytestmark = pytest.mark.django_db


def all_cells_of_the_retired_table() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {RetiredIdentifier._meta.db_table}")
        return [str(cell) for row in cursor.fetchall() for cell in row]


def test_retired_email_is_stored_only_as_hex_hmac_of_its_normalised_form(
    settings: Settings,
) -> None:
    """A5 [U]: the address itself appears nowhere in the table."""
    settings.RETIRED_IDENTIFIER_KEY = "test-retired-key"

    retire_identifiers(email=" Taro.Yamada@Example.JP ", username="taro")

    stored = RetiredIdentifier.objects.get(kind=RetiredKind.EMAIL).value
    expected = hmac.new(b"test-retired-key", b"taro.yamada@example.jp", hashlib.sha256).hexdigest()
    assert stored == expected
    assert re.fullmatch(r"[0-9a-f]{64}", stored)
    cells = " ".join(all_cells_of_the_retired_table()).lower()
    assert "taro.yamada" not in cells
    assert "example.jp" not in cells


def test_retired_username_is_stored_lower_case() -> None:
    retire_identifiers(email="a@example.jp", username=" Taro ")

    assert RetiredIdentifier.objects.get(kind=RetiredKind.USERNAME).value == "taro"
    assert is_username_retired("TARO")


def test_email_digest_depends_on_the_retired_identifier_key(settings: Settings) -> None:
    settings.RETIRED_IDENTIFIER_KEY = "key-one"
    first = email_digest("taro@example.jp")
    settings.RETIRED_IDENTIFIER_KEY = "key-two"
    second = email_digest("taro@example.jp")

    assert first != second
    assert email_digest("TARO@example.jp ") == second


def test_address_retired_under_another_key_is_not_recognised(settings: Settings) -> None:
    """The key is what makes the hash useless to someone who only has the table."""
    settings.RETIRED_IDENTIFIER_KEY = "old-key"
    retire_identifiers(email="taro@example.jp", username="taro")
    assert is_email_retired("Taro@Example.jp")

    settings.RETIRED_IDENTIFIER_KEY = "new-key"
    assert not is_email_retired("taro@example.jp")


def test_retiring_twice_keeps_one_row_per_identifier() -> None:
    retire_identifiers(email="taro@example.jp", username="taro")
    retire_identifiers(email="TARO@example.jp", username="TARO")

    assert RetiredIdentifier.objects.count() == 2


def test_unrelated_identifiers_are_not_retired() -> None:
    retire_identifiers(email="taro@example.jp", username="taro")

    assert not is_email_retired("jiro@example.jp")
    assert not is_username_retired("jiro")

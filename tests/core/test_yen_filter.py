"""Money is integer yen (M1); the `yen` filter prints it with thousands separators."""

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from ukeoi.core.templatetags.ukeoi import yen


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(0, "0円"), (999, "999円"), (1000, "1,000円"), (12345, "12,345円"), (1234567, "1,234,567円")],
)
def test_yen_in_japanese_has_thousands_separators_and_the_yen_sign(amount: int, shown: str) -> None:
    with translation.override("ja"):
        assert yen(amount) == shown


def test_yen_in_english_keeps_the_separators() -> None:
    with translation.override("en"):
        assert "12,345" in yen(12345)
        assert "円" not in yen(12345)


def test_yen_of_nothing_is_empty() -> None:
    assert yen(None) == ""


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_yen_shows_every_integer_with_comma_grouping(amount: int) -> None:
    with translation.override("ja"):
        shown = yen(amount)

    digits = shown.removesuffix("円")
    assert digits == f"{amount:,}"
    assert int(digits.replace(",", "")) == amount


def test_yen_is_a_builtin_template_filter() -> None:
    with translation.override("ja"):
        rendered = Template("{{ amount|yen }}").render(Context({"amount": 1500000}))

    assert rendered == "1,500,000円"

"""T1: the invoice registration number — "T" and 13 digits whose first digit is the
check digit of the other twelve (the 法人番号 scheme) — read as people type it, refused
with a message that says what is wrong."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.jp import cn

from ukeoi.core.invoice_number import registration_number_clean, registration_number_display

# The published example of the 法人番号 check digit (python-stdnum's documentation and the
# National Tax Agency's 法人番号の仕組み): 5-8356-7825-6246.
PUBLISHED = "5835678256246"


def test_the_published_example_is_valid_and_written_as_people_type_it() -> None:
    assert registration_number_clean("T" + PUBLISHED) == "T5835678256246"
    assert registration_number_clean("ｔ５８３５－６７８２－５６２４６") == "T5835678256246"
    assert registration_number_clean(" T5-8356-7825-6246 ") == "T5835678256246"
    assert registration_number_clean("") == ""
    assert registration_number_display("T5835678256246") == "T5-8356-7825-6246"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (PUBLISHED, "no_t"),  # the T is part of the number
        ("T583567825624", "length"),
        ("T58356782562460", "length"),
        ("T58356782562a6", "length"),
        ("T2835678256246", "check_digit"),  # python-stdnum's own counter-example
    ],
)
def test_a_wrong_number_is_refused_saying_why(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        registration_number_clean(value)
    assert refused.value.code == code


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 9))
def test_exactly_one_first_digit_makes_twelve_digits_a_number(body: str, first: int) -> None:
    right = cn.calc_check_digit(body)
    value = f"T{first}{body}"
    if str(first) == right:
        assert registration_number_clean(value) == value
    else:
        with pytest.raises(ValidationError):
            registration_number_clean(value)

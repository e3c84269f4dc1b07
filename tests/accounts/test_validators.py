"""Pure field rules (A1 username, A7 katakana reading and postal code), as properties."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from ukeoi.accounts.validators import (
    normalize_email,
    normalize_kana,
    normalize_postal_code,
    username_validator,
    validate_katakana,
)

USERNAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-"
HIRAGANA = [chr(c) for c in range(0x3041, 0x3097)]
FULL_WIDTH_KATAKANA = [chr(c) for c in range(0x30A1, 0x30FB)] + ["ー"]
# ｦ..ﾝ and ｰ; voiced pairs are two code points that NFKC composes into one.
HALF_WIDTH_KATAKANA = [chr(c) for c in range(0xFF66, 0xFF9E)] + ["ｶﾞ", "ﾊﾟ", "ｳﾞ", "ﾀﾞ"]
KANJI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
LATIN = st.sampled_from("ABCXYZabcxyz")


def accepts_username(value: str) -> bool:
    try:
        username_validator(value)
    except ValidationError:
        return False
    return True


def accepts_reading(value: str) -> bool:
    try:
        validate_katakana(normalize_kana(value))
    except ValidationError:
        return False
    return True


@given(
    st.one_of(
        st.text(max_size=25),
        st.text(alphabet=USERNAME_CHARS, max_size=25),
        st.text(alphabet=USERNAME_CHARS + "ABCZ .@あ漢\t", max_size=25),
    )
)
@example("abc")
@example("a" * 20)
@example("ab")
@example("a" * 21)
@example("Abc")
@example("ab c")
@example("ab.c")
@example("ａｂｃ")
def test_username_validator_accepts_exactly_3_to_20_lowercase_digits_underscore_hyphen(
    value: str,
) -> None:
    """A1: for any string, the username rule is exactly ^[a-z0-9_-]{3,20}$."""
    assert accepts_username(value) == bool(re.fullmatch(r"[a-z0-9_-]{3,20}", value))


def test_username_validator_refuses_a_trailing_newline() -> None:
    """A1: "abc\\n" is not a valid username; the validator must not rely on callers stripping."""
    assert not accepts_username("abc\n")


@given(st.lists(st.sampled_from(HIRAGANA + FULL_WIDTH_KATAKANA + HALF_WIDTH_KATAKANA), min_size=1))
@example(["た", "な", "か"])
@example(["ﾀ", "ﾅ", "ｶ"])
@example(["ｶﾞ", "ｰ"])
def test_reading_in_hiragana_or_half_width_katakana_is_accepted_as_full_width_katakana(
    parts: list[str],
) -> None:
    """A7: hiragana and half-width input are converted to full-width katakana and accepted."""
    reading = normalize_kana("".join(parts))

    validate_katakana(reading)
    assert re.fullmatch(r"[\u30a1-\u30fa\u30fc]+", reading)


@given(
    st.lists(st.sampled_from(HIRAGANA + FULL_WIDTH_KATAKANA + HALF_WIDTH_KATAKANA), max_size=8),
    st.one_of(KANJI, LATIN),
    st.lists(st.sampled_from(HIRAGANA + FULL_WIDTH_KATAKANA), max_size=8),
)
@example(["ヤ", "マ", "ダ"], "山", [])
@example([], "T", ["ロ", "ウ"])
def test_reading_containing_kanji_or_latin_letters_is_refused(
    before: list[str], intruder: str, after: list[str]
) -> None:
    """A7: the reading must be katakana; a kanji or a latin letter anywhere is refused."""
    assert not accepts_reading("".join(before) + intruder + "".join(after))


def test_reading_keeps_the_space_between_family_and_given_name() -> None:
    """A7: "やまだ　たろう" (ideographic space) becomes "ヤマダ タロウ"."""
    assert normalize_kana("やまだ　たろう") == "ヤマダ タロウ"
    validate_katakana("ヤマダ タロウ")


@given(
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.sampled_from(["", "-", "－"]),
    st.booleans(),
)
def test_postal_code_is_normalised_to_three_digits_hyphen_four(
    head: str, tail: str, separator: str, full_width: bool
) -> None:
    """A7: 1234567, 123-4567 and full-width １２３－４５６７ all become 123-4567."""
    typed = f" {head}{separator}{tail} "
    if full_width:
        typed = typed.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})

    assert normalize_postal_code(typed) == f"{head}-{tail}"


@given(st.text(max_size=12))
@example("١٢٣-٤٥٦٧")
@example("123-456")
@example("12345678")
@example("abc-defg")
def test_postal_code_is_either_refused_or_three_ascii_digits_hyphen_four(value: str) -> None:
    """A7: whatever is typed, a stored postal code is always ddd-dddd in ASCII digits."""
    try:
        normalised = normalize_postal_code(value)
    except ValidationError as error:
        code = error.code
    else:
        code = None
        assert re.fullmatch(r"[0-9]{3}-[0-9]{4}", normalised)
    assert code in (None, "invalid_postal_code")


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [("Taro@Example.JP", "taro@example.jp"), ("  ｔａｒｏ@example.jp ", "taro@example.jp")],
)
def test_email_is_compared_in_nfkc_lower_case(typed: str, normalised: str) -> None:
    """A5: the form under which addresses are compared and retired."""
    assert normalize_email(typed) == normalised

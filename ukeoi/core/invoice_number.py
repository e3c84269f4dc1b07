"""T1: the 適格請求書発行事業者 registration number (登録番号): "T" and 13 digits, the first
of which is the check digit of the other twelve — the 法人番号 scheme, implemented by
python-stdnum (`stdnum.jp.cn`). Pure functions; no ORM."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum
from stdnum.jp import cn


def registration_number_clean(value: str) -> str:
    """What people type — full-width characters, a lowercase t, hyphens, spaces — as the
    canonical "T" + 13 digits; ValidationError saying what is wrong otherwise. "" stays ""
    (not registered)."""
    text = unicodedata.normalize("NFKC", value or "").strip().upper()
    for separator in ("-", " ", "‐", "−", "ー"):
        text = text.replace(separator, "")
    if not text:
        return ""
    if not text.startswith("T"):
        raise ValidationError(
            _("A registration number starts with T, followed by 13 digits."), code="no_t"
        )
    digits = text[1:]
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 13:
        raise ValidationError(
            _("After the T, a registration number has exactly 13 digits."), code="length"
        )
    try:
        cn.validate(digits)
    except InvalidChecksum:
        raise ValidationError(
            _(
                "This registration number does not exist: its check digit (the first digit "
                "after the T) does not match. Copy it from your notice of registration."
            ),
            code="check_digit",
        ) from None
    return "T" + digits


def registration_number_display(value: str) -> str:
    """As the National Tax Agency's site prints it: T1-2345-6789-0123."""
    if len(value) != 14:
        return value
    digits = value[1:]
    return f"T{digits[0]}-{digits[1:5]}-{digits[5:9]}-{digits[9:]}"

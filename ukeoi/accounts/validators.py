"""Field rules shared by forms, the API and services (A1, A7)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

USERNAME_PATTERN = r"[a-z0-9_-]{3,20}"
USERNAME_RE = rf"^{USERNAME_PATTERN}\Z"

username_validator = RegexValidator(
    USERNAME_RE,
    _("This username cannot be used: only a–z, 0–9, “_” and “-”, 3 to 20 characters."),
    code="invalid_username",
)

_KATAKANA_RE = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb\u3000 ]+$")
# [0-9], not \d: \d also matches other scripts' digits (e.g. ١٢٣), which NFKC keeps.
_POSTAL_RE = re.compile(r"^([0-9]{3})-?([0-9]{4})$")


def normalize_kana(value: str) -> str:
    """Half-width and hiragana input become full-width katakana: ﾀﾅｶ / たなか → タナカ."""
    value = unicodedata.normalize("NFKC", value).strip()
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in value)


def validate_katakana(value: str) -> None:
    if not _KATAKANA_RE.match(value):
        raise ValidationError(
            _("Enter the reading in katakana (e.g. ヤマダ タロウ)."), code="not_katakana"
        )


def normalize_postal_code(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).strip()
    match = _POSTAL_RE.match(value)
    if not match:
        raise ValidationError(
            _("Enter a postal code of 7 digits, like 150-0002."), code="invalid_postal_code"
        )
    return f"{match.group(1)}-{match.group(2)}"


def normalize_email(value: str) -> str:
    """The form under which e-mail addresses are compared and retired (A5)."""
    return unicodedata.normalize("NFKC", value).strip().lower()

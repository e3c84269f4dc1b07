"""Field rules shared by forms, the API and services (A1, A7)."""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

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
    """THE normal form of an e-mail address (A3, A5): the one stored in `User.email`
    (unique there), looked up at sign-in, compared at registration and change of address,
    counted by the sign-in throttle and hashed for a retired address.

    NFKC first, so that what a Japanese IME types in full-width mode
    (ｌａｎｃｅｒ＠ｅｘａｍｐｌｅ．ｊｐ) is the address it looks like;
    then the whole address in lower case, local part included.
    RFC 5321 lets a server treat the local part's case as meaningful, but no mail provider our
    users use does, and two accounts for Taro@ and taro@ would be twins to every person who
    reads them. `str.lower` rather than `str.casefold`: it is what retired addresses were
    hashed with (casefold would also turn ß into ss and un-retire such an address)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def email_twins(addresses: Iterable[tuple[int, str]]) -> dict[str, list[tuple[int, str]]]:
    """Accounts whose addresses share one normal form: {normal form: [(id, address), ...]}
    for each form held by more than one account, in id order. Used by the migration that
    moved the column to the normal form (accounts 0006), which stops on any."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, address in sorted(addresses):
        groups[normalize_email(address)].append((pk, address))
    return {normal: group for normal, group in sorted(groups.items()) if len(group) > 1}

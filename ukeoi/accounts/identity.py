"""A6: the keyed hash of a verified identity. The document number is read once, when the
user asks for verification, and only this digest is stored: equal digests mean the same
document of the same person, so a re-registered account carries the ratings of its
withdrawn predecessor, while the number itself can never be read back from the database."""

import hashlib
import hmac
import re
import unicodedata
from datetime import date

from django.conf import settings

# Separators people type inside document numbers: spaces, hyphens, dots, slashes.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―ー−./]+")


def normalize_document_number(number: str) -> str:
    """ＡＢ-１２３ ４５ → AB12345: full-width to ASCII, upper case, separators removed."""
    text = unicodedata.normalize("NFKC", number).strip().upper()
    return _SEPARATORS.sub("", text)


def _key() -> bytes:
    # Derived from the retired-identifier key (A5) so that one secret protects both, while a
    # digest of one kind can never be mistaken for the other.
    base = settings.RETIRED_IDENTIFIER_KEY.encode()
    return hmac.new(base, b"ukeoi.accounts.identity", hashlib.sha256).digest()


def identity_digest(*, document_type: str, number: str, birth_date: date) -> str:
    """Hex HMAC-SHA256 of `<document type>:<normalised number>:<YYYY-MM-DD>`."""
    message = f"{document_type}:{normalize_document_number(number)}:{birth_date.isoformat()}"
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()

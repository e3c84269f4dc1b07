"""The characters no input of ours may carry (issue 14 item 1): the one definition, used by
the API for every body field, query and path parameter (`ukeoi.core.api`).

Nobody types a control character; they come from a fuzzer, an attacker or a broken client.
PostgreSQL cannot store NUL in text at all (a 500), SQLite stores it, and the others end up
in mail headers, CSV exports and terminals. Text keeps its line breaks and tabs; a
parameter (a search word, an identifier in the path) is one line and keeps none."""

import re

from django.utils.translation import gettext_lazy as _

# C0 controls but TAB, LF and CR; DEL; the C1 controls; UTF-16 surrogates (JSON can spell a
# lone one as "\ud800", and no database can encode it as UTF-8).
UNUSABLE_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A parameter is one line: TAB, LF and CR are refused too.
UNUSABLE_IN_PARAMETER = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

MESSAGE = _("This contains a control character or another character that cannot be used.")


def has_unusable(value: str, *, parameter: bool = False) -> bool:
    pattern = UNUSABLE_IN_PARAMETER if parameter else UNUSABLE_IN_TEXT
    return pattern.search(value) is not None


def printable_name(name: str) -> str:
    """A field name fit to show back: each unusable character spelled `\\uXXXX`."""
    return UNUSABLE_IN_PARAMETER.sub(lambda m: f"\\u{ord(m.group()):04x}", name)

"""The small markup of FAQ article bodies (H1), rendered to safe HTML.

Operators write articles in the admin, so the markup is deliberately tiny and every
character of the source is escaped before any tag is added:

- a blank line separates blocks; ``## `` starts a heading;
- a block whose lines all start with ``- `` is a list, with ``1. `` a numbered list;
- ``**text**`` is strong;
- ``[text](target)`` is a link. Targets: ``url:<namespace:name>`` (a named route, with an
  optional ``?query`` or ``#fragment``; a route that does not exist yet renders as plain
  text), ``article:<slug>`` (another FAQ article), or a site path starting with ``/``.
  Anything else (``javascript:``, other sites, a path a browser would read as another
  site such as ``/\\evil.example``) renders as plain text. Several targets separated by
  ``|`` are tried in turn: ``url:withdrawal:index|url:accounts:settings``.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_INLINE = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*")
_NUMBERED = re.compile(r"^\d+\.\s+")


def _split_target(target: str) -> tuple[str, str]:
    for i, char in enumerate(target):
        if char in "?#":
            return target[:i], target[i:]
    return target, ""


def is_same_site_path(href: str) -> bool:
    """Issue 14 item 4: `href` is a path on this site as every browser reads it. Browsers
    read a backslash as "/" (so "/\\evil.example" is "//evil.example", another site) and
    drop tabs and line breaks (so "/<TAB>/evil.example" is too): a link holds neither, nor
    any other space, control or invisible character, and starts with exactly one "/"."""
    if "\\" in href or any(
        char.isspace() or unicodedata.category(char).startswith("C") for char in href
    ):
        return False
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and href.startswith("/") and href[1:2] != "/"


def _resolve(target: str) -> str | None:
    """The href of one target, or None; every href the markup emits passes through here."""
    href: str | None = None
    if target.startswith("url:"):
        name, rest = _split_target(target[4:])
        try:
            href = reverse(name) + rest
        except NoReverseMatch:
            return None
    elif target.startswith("article:"):
        try:
            href = reverse("helpdesk:article", args=[target[8:]])
        except NoReverseMatch:
            return None
    elif target.startswith("/"):
        href = target
    return href if href is not None and is_same_site_path(href) else None


def _inline(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        label, target, strong = match.groups()
        if strong is not None:
            out.append(f"<strong>{escape(strong)}</strong>")
        else:
            href = next(filter(None, map(_resolve, target.split("|"))), None)
            out.append(f'<a href="{escape(href)}">{escape(label)}</a>' if href else escape(label))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def render_faq_body(source: str) -> SafeString:
    blocks = re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip())
    html: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and lines[0].startswith("## "):
            html.append(f"<h2>{_inline(lines[0][3:])}</h2>")
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        elif all(_NUMBERED.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_NUMBERED.sub('', line))}</li>" for line in lines)
            html.append(f"<ol>{items}</ol>")
        else:
            html.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    # Safe: every piece of the source went through escape() above.
    return mark_safe("".join(html))


def plain_excerpt(source: str, length: int = 120) -> str:
    """The body as one line of plain text without its headings (for lists and results)."""
    text = _INLINE.sub(lambda m: m.group(1) or m.group(3) or "", source)
    text = re.sub(r"^\s*##\s.*$", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*(-|\d+\.)\s+", "", text, flags=re.MULTILINE)
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"

"""L4: the small markup of legal texts, as operators write them in the admin: paragraphs
separated by a blank line, a paragraph starting with "## " is a heading, and one whose lines
all start with "- " is a list. Everything is escaped: no HTML from the admin reaches a page."""

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _block(block: str) -> str:
    lines = [line.rstrip() for line in block.splitlines()]
    if lines[0].startswith("## "):
        rest = "\n".join(lines[1:])
        heading = f"<h2>{escape(lines[0][3:].strip())}</h2>"
        return heading + (_block(rest) if rest.strip() else "")
    if all(line.startswith("- ") for line in lines):
        items = format_html_join("", "<li>{}</li>", ((line[2:].strip(),) for line in lines))
        return f"<ul>{items}</ul>"
    return "<p>" + "<br>".join(escape(line) for line in lines) + "</p>"


@register.filter
def legal_body(text: str) -> SafeString:
    blocks = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n")]
    return mark_safe("".join(_block(b) for b in blocks if b.strip()))

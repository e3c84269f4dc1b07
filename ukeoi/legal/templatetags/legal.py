"""L4: the small markup of legal texts, as operators write them in the admin: paragraphs
separated by a blank line, a paragraph starting with "## " is a heading, and lines starting
with "- " are the items of a list. Everything is escaped: no HTML from the admin reaches a page."""

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _block(block: str) -> str:
    """One paragraph: its heading, then runs of list lines and of text lines, in order."""
    lines = [line.rstrip() for line in block.splitlines()]
    html: list[str] = []
    if lines[0].startswith("## "):
        html.append(format_html("<h2>{}</h2>", lines.pop(0)[3:].strip()))
    run: list[str] = []
    for index, line in enumerate(lines):
        run.append(line)
        following = lines[index + 1] if index + 1 < len(lines) else None
        listed = line.startswith("- ")
        if following is None or following.startswith("- ") != listed:
            if listed:
                items = format_html_join("", "<li>{}</li>", ((item[2:].strip(),) for item in run))
                html.append(format_html("<ul>{}</ul>", items))
            else:
                html.append("<p>" + "<br>".join(escape(item) for item in run) + "</p>")
            run = []
    return "".join(html)


@register.filter
def legal_body(text: str) -> SafeString:
    blocks = [b.strip("\n") for b in text.replace("\r\n", "\n").split("\n\n")]
    return mark_safe("".join(_block(b) for b in blocks if b.strip()))

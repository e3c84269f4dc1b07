"""PDF rendering for every kind: a Django template renders HTML, fpdf2 lays it out with a
Japanese font from Debian's packages (`scripts/ensure-document-fonts.sh` installs it;
settings.DOCUMENT_FONT names the file)."""

import logging
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from fpdf import FPDF

FONT_FAMILY = "jp"
# A space before Japanese text ("1. ロゴ制作", "ukeoi が"): Japanese has no spaces, so fpdf2's
# word wrap would break the line there and leave "1." alone on its line. A no-break space
# keeps them together; the Japanese that follows wraps between characters.
_SPACE_BEFORE_JAPANESE = re.compile(r" (?=[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef])")
# fontTools logs every glyph table it subsets at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def font_path() -> Path:
    path = Path(settings.DOCUMENT_FONT)
    if not path.is_file():
        raise RuntimeError(
            f"The document font {path} is missing: run `make setup` "
            "(scripts/ensure-document-fonts.sh installs fonts-ipaexfont-gothic)."
        )
    return path


def html_to_pdf(html: str, *, title: str, created: datetime) -> bytes:
    """Lay out `html` (the subset fpdf2 knows: headings, paragraphs, tables) as A4 pages."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("ukeoi")
    # The issue time as the creation date: the bytes depend only on what is issued.
    pdf.set_creation_date(created)
    pdf.add_font(FONT_FAMILY, "", str(font_path()))
    pdf.add_font(FONT_FAMILY, "B", str(font_path()))
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.write_html(_SPACE_BEFORE_JAPANESE.sub("\u00a0", html), font_family=FONT_FAMILY)
    return bytes(pdf.output())


def render_template_pdf(
    template: str, context: dict[str, Any], *, title: str, created: datetime
) -> bytes:
    return html_to_pdf(render_to_string(template, context), title=title, created=created)

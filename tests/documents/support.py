"""A minimal renderer for the documents app's own tests (no domain)."""

from ukeoi.documents.models import Document
from ukeoi.documents.pdf import html_to_pdf
from ukeoi.documents.services import IssuedFacts, document_issue


def render_plain(facts: IssuedFacts) -> bytes:
    lines = "".join(f"<p>{key}: {value}</p>" for key, value in facts.payload.items())
    return html_to_pdf(
        f"<h1>書類 {facts.display_number}</h1><p>第{facts.version}版</p>{lines}",
        title=facts.display_number,
        created=facts.issued_at,
    )


def issue(subject_id: str = "1", *, kind: str = "terms", series: str | None = None) -> Document:
    return document_issue(
        kind=kind,
        series=series,
        subject_type="tests.thing",
        subject_id=subject_id,
        parties=[{"role": "client", "name": "発注 太郎"}],
        payload={"金額": "10,000円"},
        total_amount=10_000,
        render=render_plain,
    )

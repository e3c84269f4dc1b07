"""T2: the qualified-invoice documents (インボイス) — one payload shape and one PDF template
for every kind (fee invoices, the lancer's reward invoice or payment notice, receipts).

Amounts are tax included (B6's fees and the agreed rewards are stated that way). A
document states, per tax rate, the total of its lines and the consumption tax in it,
rounded down once per document and rate (消費税法施行令 §70-10: one rounding per invoice
and rate, never per line). Pure functions and the renderer; no ORM."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from ukeoi.documents.pdf import render_template_pdf

# T2: each kind is numbered in its own series, named by the prefix its numbers show
# ("FEE-000012").
SERIES: dict[str, str] = {
    "fee_invoice": "fee",
    "reward_invoice": "inv",
    "payment_notice": "pn",
    "receipt": "rcp",
    "payment_record": "pr",
}

# The standard rate; every amount on the platform is at it (no reduced-rate goods).
STANDARD_RATE = 10


def tax_included(amount: int, rate: int = STANDARD_RATE) -> int:
    """The consumption tax inside a tax-included `amount`, rounded down (切り捨て)."""
    return amount * rate // (100 + rate)


@dataclass(frozen=True)
class Line:
    description: str
    amount: int  # tax included, whole yen
    rate: int = STANDARD_RATE


def by_rate(lines: list[Line]) -> list[dict[str, int]]:
    """T2: per tax rate, the lines' total and its tax, rounded once per document and rate."""
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.rate] = totals.get(line.rate, 0) + line.amount
    return [
        {"rate": rate, "amount": amount, "tax": tax_included(amount, rate)}
        for rate, amount in sorted(totals.items(), reverse=True)
    ]


def party(
    *, name: str, user_id: int | None = None, registration_number: str = ""
) -> dict[str, Any]:
    return {"name": name, "user_id": user_id, "registration_number": registration_number}


def platform_party() -> dict[str, Any]:
    """The operator as issuer, with its own registration number (T1's operator setting)."""
    return party(
        name=settings.PLATFORM_LEGAL_NAME,
        registration_number=settings.PLATFORM_INVOICE_REGISTRATION_NUMBER,
    )


def _japanese_date(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def tax_payload(
    *,
    title: str,
    issuer: dict[str, Any],
    recipient: dict[str, Any],
    transaction_date: str,
    lines: list[Line],
    subject: str,
    withholding: int = 0,
    on_behalf_of: dict[str, Any] | None = None,
    notes: list[str] | None = None,
    labels: dict[str, str] | None = None,
    consumption_tax: bool = True,
) -> dict[str, Any]:
    """The payload every T2 document is issued with; `total` is what its lines add up to,
    `payable` what is paid after withholding (T3)."""
    total = sum(line.amount for line in lines)
    return {
        "title": title,
        "issuer": issuer,
        "recipient": recipient,
        # 媒介者交付特例: the platform issues the lancer's invoice; the lancer is named here.
        "on_behalf_of": on_behalf_of,
        "transaction_date": transaction_date,
        "transaction_date_text": _japanese_date(transaction_date),
        "subject": subject,
        "lines": [
            {"description": x.description, "amount": x.amount, "rate": x.rate} for x in lines
        ],
        "by_rate": by_rate(lines),
        "total": total,
        "withholding": withholding,
        "payable": total - withholding,
        "notes": notes or [],
        # How the PDF names the two sides (支払者 / 支払を受ける者 on a 支払調書).
        "labels": labels or {},
        # False: a record of payments (支払調書), not an invoice: no tax per rate printed.
        "consumption_tax": consumption_tax,
    }


def render_tax_document(facts: Any) -> bytes:
    """The one PDF path of every T2 kind (documents.services.Renderer)."""
    return render_template_pdf(
        "documents/tax_document_pdf.html",
        {"facts": facts, "payload": facts.payload},
        title=f"{facts.payload['title']} {facts.display_number}",
        created=facts.issued_at,
    )

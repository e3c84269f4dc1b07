from datetime import date, datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from ukeoi.documents.models import DocumentKind


class DocumentFilters(Schema):
    """T4: combinable; dates are Japan days, both ends included; amounts in yen."""

    issued_from: date | None = None
    issued_to: date | None = None
    amount_min: int | None = Field(default=None, ge=0, le=10**12)
    amount_max: int | None = Field(default=None, ge=0, le=10**12)
    counterparty: str = Field(default="", max_length=100)
    kind: DocumentKind | None = None
    page: int = Field(default=1, ge=1, le=10_000)


class DocumentPartyOut(Schema):
    role: str
    name: str


class DocumentOut(Schema):
    id: int
    kind: str
    number: str = Field(description="As printed, e.g. FEE-000012.")
    version: int
    issued_at: datetime
    total_amount: int
    retain_until: date = Field(description="T4: kept until this day, then deleted.")
    sha256: str = Field(description="SHA-256 of the PDF (empty until first rendered).")
    parties: list[DocumentPartyOut]
    pdf_url: str
    payload: dict[str, Any] = Field(description="What the document says, as issued.")


class DocumentPageOut(Schema):
    items: list[DocumentOut]
    page: int
    pages: int
    count: int

from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field, StrictStr


class ExportOut(Schema):
    id: int
    status: str
    created_at: datetime
    finished_at: datetime | None
    expires_at: datetime
    # Present while the archive can be downloaded (ready, link not expired).
    download_url: str | None


class ErasureTokenIn(Schema):
    """The token of the signed link mailed after withdrawal (the part after /erasure/)."""

    model_config = ConfigDict(extra="forbid")

    token: StrictStr = Field(min_length=1, max_length=500)


class ErasureOut(Schema):
    id: int
    status: str
    source: str
    requested_at: datetime
    scheduled_for: datetime
    cancelled_at: datetime | None
    done_at: datetime | None
    retain_until: date | None

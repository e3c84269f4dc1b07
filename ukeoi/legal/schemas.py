from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, StrictInt


class LegalVersionOut(Schema):
    id: int
    kind: str
    number: int
    title: str
    effective_from: datetime
    url: str
    # L4: whether the signed-in user agreed to this version; null for the 特商法 notice
    # (nobody consents to it) and for visitors.
    consented: bool | None


class LegalCurrentOut(Schema):
    documents: list[LegalVersionOut]
    # True when the signed-in user must agree to `consent_version_ids` before going on.
    consent_required: bool
    consent_version_ids: list[int]


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version_ids: list[StrictInt] = Field(min_length=1, max_length=10)

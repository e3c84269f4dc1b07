from datetime import date, datetime

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class RegisterIn(StrictIn):
    email: StrictStr = Field(max_length=254)
    username: StrictStr = Field(max_length=20)
    display_name: StrictStr = Field(max_length=40)
    password: StrictStr = Field(max_length=128)
    language: StrictStr = Field(default="ja", max_length=8)
    # L4: true when the registrant agreed to the terms of use and the privacy policy in
    # force (GET /api/legal/current lists them); anything else refuses the registration.
    agree_terms: StrictBool


class ProfileOut(Schema):
    legal_name: str
    legal_name_kana: str
    birth_date: date | None
    postal_code: str
    prefecture: str
    city: str
    street: str
    building: str
    self_introduction: str
    invoice_registration_number: str = Field(
        description="T1: the invoice registration number (T + 13 digits), or empty."
    )


class MeOut(Schema):
    id: int
    email: str
    username: str
    display_name: str
    language: str
    identity_verified: bool
    date_joined: datetime
    profile: ProfileOut


class ProfilePatch(StrictIn):
    legal_name: StrictStr | None = Field(default=None, max_length=60)
    legal_name_kana: StrictStr | None = Field(default=None, max_length=60)
    birth_date: date | None = None
    postal_code: StrictStr | None = Field(default=None, max_length=8)
    prefecture: StrictStr | None = Field(default=None, max_length=8)
    city: StrictStr | None = Field(default=None, max_length=60)
    street: StrictStr | None = Field(default=None, max_length=100)
    building: StrictStr | None = Field(default=None, max_length=100)
    self_introduction: StrictStr | None = Field(default=None, max_length=4000)
    invoice_registration_number: StrictStr | None = Field(default=None, max_length=30)


class MePatchIn(StrictIn):
    """Display name and profile. The username is not here: it can never change (A1)."""

    display_name: StrictStr | None = Field(default=None, max_length=40)
    profile: ProfilePatch | None = None


class TokenIn(StrictIn):
    name: StrictStr = Field(max_length=60)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown once; store it now.")


class BankOut(Schema):
    code: str
    name: str
    kana: str


class BranchOut(Schema):
    code: str
    name: str
    kana: str


class BankAccountOut(Schema):
    bank: BankOut
    branch: BranchOut
    account_type: int
    number: str
    holder_kana: str


class BankAccountIn(StrictIn):
    """Bank and branch by code. For Japan Post Bank (9900) give kigo and bango instead of
    branch_code and number."""

    bank_code: StrictStr = Field(max_length=4)
    branch_code: StrictStr = Field(default="", max_length=3)
    account_type: StrictInt
    number: StrictStr = Field(default="", max_length=7)
    kigo: StrictStr = Field(default="", max_length=5)
    bango: StrictStr = Field(default="", max_length=8)
    holder_name: StrictStr = Field(max_length=60)

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field, StrictStr


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


class FaqCategoryOut(Schema):
    slug: str
    name: str


class FaqArticleSummaryOut(Schema):
    slug: str
    title: str
    excerpt: str
    category: FaqCategoryOut
    url: str


class FaqArticleOut(FaqArticleSummaryOut):
    body: str = Field(description="The article's markup (see the help centre's markup rules).")
    body_html: str = Field(description="The body rendered as safe HTML.")
    helpful_yes: int
    helpful_no: int
    updated_at: datetime


class FaqSearchOut(Schema):
    query: str
    relaxed: bool = Field(
        description="True when no article held every word and these hold some of them."
    )
    results: list[FaqArticleSummaryOut]


class PosterOut(Schema):
    display_name: str = Field(description="退会済みユーザー (withdrawn user) once withdrawn.")
    withdrawn: bool


class AnswerOut(Schema):
    id: int
    author: PosterOut
    body: str = Field(description="Plain text; escape it before putting it into HTML.")
    hidden: bool
    best: bool
    created_at: datetime


class QuestionSummaryOut(Schema):
    id: int
    title: str
    category: str
    asker: PosterOut
    answer_count: int
    resolved: bool
    created_at: datetime


class QuestionOut(QuestionSummaryOut):
    body: str = Field(description="Plain text; escape it before putting it into HTML.")
    answers: list[AnswerOut]


class QuestionPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[QuestionSummaryOut]


class QuestionIn(StrictIn):
    category: StrictStr = Field(max_length=16)
    title: StrictStr = Field(max_length=100)
    body: StrictStr = Field(max_length=4000)


class AnswerIn(StrictIn):
    body: StrictStr = Field(max_length=4000)


class BestAnswerIn(StrictIn):
    answer_id: int = Field(strict=True, ge=1)


class InquiryIn(StrictIn):
    category: StrictStr = Field(max_length=32)
    subject: StrictStr = Field(max_length=120)
    body: StrictStr = Field(max_length=4000)
    reply_email: StrictStr | None = Field(
        default=None, max_length=254, description="Defaults to the account's e-mail address."
    )


class InquiryReplyOut(Schema):
    body: str
    sent_at: datetime


class InquiryOut(Schema):
    id: int
    category: str
    subject: str
    body: str
    reply_email: str
    status: str
    created_at: datetime
    replies: list[InquiryReplyOut]

import io
from datetime import date
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ukeoi.accounts.enums import DocumentType, VerificationStatus
from ukeoi.accounts.identity import identity_digest
from ukeoi.accounts.models import ApiToken, IdentityVerification, Profile, User
from ukeoi.accounts.services import TOKEN_PREFIX, token_digest

DEFAULT_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"ユーザー{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)
    profile = factory.RelatedFactory("tests.factories.ProfileFactory", factory_related_name="user")


class ProfileFactory(factory.django.DjangoModelFactory[Profile]):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class OperatorFactory(UserFactory):
    """A staff user who may use the admin and decide identity verification requests (A4)."""

    is_staff = True
    is_superuser = True


# A4, A6: what an operator reads on the document of an IdentityVerificationFactory request
# (its digest is the one the user's own entry gave).
IDENTITY_READING: dict[str, Any] = {"document_number": "AB1234567", "birth_date": date(1990, 4, 1)}


def png_bytes(
    colour: tuple[int, int, int] = (42, 77, 122), size: tuple[int, int] = (4, 4)
) -> bytes:
    """A real PNG of one colour. Uploaded images are decoded and written again from their
    pixels (issue 14 item 4); Pillow writes its own PNG back byte for byte, so the stored
    file of an upload of these bytes is these bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(
    colour: tuple[int, int, int] = (200, 180, 150), size: tuple[int, int] = (8, 8)
) -> bytes:
    """A real JPEG of one colour (a photo of a document, say)."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="JPEG")
    return buffer.getvalue()


PNG_BYTES = png_bytes()


def png_upload(name: str = "image.png", content: bytes = PNG_BYTES) -> SimpleUploadedFile:
    """An uploaded file as a form or service receives it (a PNG unless `content` says not)."""
    return SimpleUploadedFile(name, content, content_type="image/png")


def identity_document(name: str = "license.png", content: bytes = PNG_BYTES) -> SimpleUploadedFile:
    return png_upload(name, content)


class IdentityVerificationFactory(factory.django.DjangoModelFactory[IdentityVerification]):
    """A pending request with its document image; approve it with IDENTITY_READING."""

    class Meta:
        model = IdentityVerification

    user = factory.SubFactory(UserFactory)
    document_type = DocumentType.DRIVERS_LICENSE
    status = VerificationStatus.PENDING
    document = factory.django.FileField(filename="license.png", data=PNG_BYTES)
    identity_digest = factory.LazyAttribute(
        lambda o: identity_digest(
            document_type=o.document_type,
            number=IDENTITY_READING["document_number"],
            birth_date=IDENTITY_READING["birth_date"],
        )
    )


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    """A live personal access token. Pass `raw=` to know the token a test will send:
    like the service, only its SHA-256 digest is stored."""

    class Meta:
        model = ApiToken
        exclude = ("raw",)

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"token {n}")
    raw = factory.Sequence(lambda n: f"{TOKEN_PREFIX}factory-token-{n:08d}")
    prefix = factory.LazyAttribute(lambda o: o.raw[:10])
    digest = factory.LazyAttribute(lambda o: token_digest(o.raw))


# --- jobs (issue 4) -------------------------------------------------------------------------
# Rows as the services leave them; tests that exercise a service call the service itself.

from datetime import datetime, timedelta  # noqa: E402

from ukeoi.core import clock  # noqa: E402
from ukeoi.jobs.models import Job, MessageThread, Proposal, TaskSubmission  # noqa: E402


def _in_days(days: int) -> datetime:
    return clock.now() + timedelta(days=days)


class JobFactory(factory.django.DjangoModelFactory[Job]):
    """An open project with a 10,000–50,000 yen budget and a deadline a week ahead."""

    class Meta:
        model = Job

    client = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"ロゴ制作のご依頼 {n}")
    description = "新サービスのロゴを制作してください。"
    category = "design"
    format = "project"
    budget_min = 10_000
    budget_max = 50_000
    deadline = factory.LazyFunction(lambda: _in_days(7))
    status = "open"


class CompetitionFactory(JobFactory):
    """An open competition whose 30,000 yen prize is taken as escrowed (no ledger rows)."""

    format = "competition"
    budget_min = 30_000
    budget_max = 30_000


class TaskFactory(JobFactory):
    """An open task: 10 units of 500 yen (no ledger rows: confirm a payment for those)."""

    format = "task"
    unit_reward = 500
    units = 10
    budget_min = 5_000
    budget_max = 5_000


class ProposalFactory(factory.django.DjangoModelFactory[Proposal]):
    """A pending proposal on an open project, with its message thread."""

    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    job = factory.SubFactory(JobFactory)
    lancer = factory.SubFactory(UserFactory)
    amount = 30_000
    delivery_date = factory.LazyFunction(lambda: _in_days(30).date())
    message = "ご提案いたします。よろしくお願いいたします。"
    status = "pending"
    thread = factory.RelatedFactory(
        "tests.factories.MessageThreadFactory",
        factory_related_name="proposal",
        client=factory.SelfAttribute("..job.client"),
        lancer=factory.SelfAttribute("..lancer"),
    )


class MessageThreadFactory(factory.django.DjangoModelFactory[MessageThread]):
    class Meta:
        model = MessageThread

    client = factory.SubFactory(UserFactory)
    lancer = factory.SubFactory(UserFactory)


class TaskSubmissionFactory(factory.django.DjangoModelFactory[TaskSubmission]):
    class Meta:
        model = TaskSubmission

    job = factory.SubFactory(TaskFactory)
    lancer = factory.SubFactory(UserFactory)
    content = "作業結果です。"
    status = "submitted"


# --- helpdesk (H1–H3). Models by label, so this block needs no imports of its own. ----------


class FaqCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "helpdesk.FaqCategory"

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_ja = factory.Sequence(lambda n: f"カテゴリ{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    order = factory.Sequence(lambda n: 100 + n)


class FaqArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "helpdesk.FaqArticle"

    category = factory.SubFactory(FaqCategoryFactory)
    slug = factory.Sequence(lambda n: f"article-{n}")
    title_ja = factory.Sequence(lambda n: f"記事{n}")
    title_en = factory.Sequence(lambda n: f"Article {n}")
    body_ja = "本文です。"
    body_en = "The body."
    published = True


class InquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "helpdesk.Inquiry"

    user = factory.SubFactory(UserFactory)
    category = "other"
    subject = "ログインについて"
    body = "ログインできません。"
    reply_email = factory.LazyAttribute(lambda o: o.user.email if o.user else "guest@example.jp")
    language = factory.LazyAttribute(lambda o: o.user.language if o.user else "ja")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "helpdesk.Question"

    asker = factory.SubFactory(UserFactory)
    category = "withdrawal"
    title = factory.Sequence(lambda n: f"質問{n}")
    body = "退会の方法がわかりません。"


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "helpdesk.Answer"

    question = factory.SubFactory(QuestionFactory)
    author = factory.SubFactory(UserFactory)
    body = "ヘルプセンターの記事を見てください。"

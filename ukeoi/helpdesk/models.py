from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.enums import Language
from ukeoi.helpdesk.enums import InquiryCategory, InquiryStatus, QuestionCategory


class Bilingual(models.Model):
    """Help texts are data, written by operators in both languages (H1). `localized()`
    picks the active language's column and falls back to Japanese, the site's default."""

    class Meta:
        abstract = True

    def localized(self, field: str) -> str:
        language = (get_language() or "ja")[:2]
        value = getattr(self, f"{field}_{language}", "") if language == "en" else ""
        return value or getattr(self, f"{field}_ja")


class FaqCategory(Bilingual):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    description_ja = models.CharField(_("description (Japanese)"), max_length=200, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name_ja

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def description(self) -> str:
        return self.localized("description")


class FaqArticle(Bilingual):
    """H1: one FAQ article (よくある質問). Bodies use the small markup of `faq_body`."""

    category = models.ForeignKey(
        FaqCategory, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    body_ja = models.TextField(_("body (Japanese)"), max_length=20000)
    body_en = models.TextField(_("body (English)"), max_length=20000)
    # Words readers search with that the text may not contain (やめたい, 解約, close account).
    keywords = models.CharField(_("search keywords"), max_length=500, blank=True)
    # Only published articles are listed, searched or shown to users.
    published = models.BooleanField(_("published"), default=True)
    # Shown among the popular articles on the help centre's front page.
    featured = models.BooleanField(_("featured"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Counts of "was this helpful?" votes; only changed with F() by faq_article_vote.
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("FAQ article")
        verbose_name_plural = _("FAQ articles")
        ordering = ["category__order", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(helpful_yes__gte=0, helpful_no__gte=0),
                name="faq_article_votes_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title_ja

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:article", args=[self.slug])

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def body(self) -> str:
        return self.localized("body")


class FaqVote(models.Model):
    """One "was this helpful?" answer per article and voter, so repeating it counts once."""

    article = models.ForeignKey(FaqArticle, on_delete=models.CASCADE, related_name="votes")
    # "u:<user id>" when signed in, else "s:" + SHA-256 of the session key (never the key).
    voter = models.CharField(max_length=80)
    helpful = models.BooleanField()
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("FAQ vote")
        verbose_name_plural = _("FAQ votes")
        constraints = [
            models.UniqueConstraint(fields=["article", "voter"], name="faq_vote_once_per_voter")
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.voter}:{self.helpful}"


class Inquiry(models.Model):
    """H3: a ticket to the operators (運営への問い合わせ). Holds personal data (the reply
    address and the text), which the erasure of the withdrawal issue must also erase (P2)."""

    # Null for a signed-out sender, and after the account row is deleted: the reply still
    # goes to reply_email.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
        verbose_name=_("user"),
    )
    category = models.CharField(_("category"), max_length=32, choices=InquiryCategory.choices)
    subject = models.CharField(_("subject line"), max_length=120)
    body = models.TextField(_("inquiry text"), max_length=4000)
    reply_email = models.EmailField(_("reply e-mail address"), max_length=254)
    # The language replies are written in when the account is gone (else the account's).
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.JA
    )
    # new -> in_progress | answered | closed (INQUIRY_TRANSITIONS), moved only by services.
    status = models.CharField(
        _("status"), max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.NEW
    )
    # P1: set once when an operator starts erasure for a 'delete my personal information' inquiry.
    erasure_requested_at = models.DateTimeField(_("erasure requested"), null=True, blank=True)
    internal_note = models.TextField(_("internal note (operators only)"), blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=InquiryStatus.values), name="inquiry_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(category__in=InquiryCategory.values),
                name="inquiry_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=Language.values), name="inquiry_language_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class InquiryReply(models.Model):
    """An operator's answer to an inquiry, mailed to its reply address."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("reply"), max_length=4000)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("operator"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("inquiry reply")
        verbose_name_plural = _("inquiry replies")
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"#{self.inquiry_id} {self.sent_at:%Y-%m-%d %H:%M}"


class Question(models.Model):
    """H2: a question in the consultation room (相談室)."""

    # Null once the account row is deleted; shown as 退会済みユーザー like a withdrawn one.
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="help_questions",
        verbose_name=_("asker"),
    )
    category = models.CharField(_("category"), max_length=16, choices=QuestionCategory.choices)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("question"), max_length=4000)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    # An answer to this question, chosen once by the asker; the question is then resolved.
    best_answer = models.ForeignKey(
        "Answer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("best answer"),
    )
    # Set by an operator; a hidden question is shown to nobody but its asker and operators.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation room question")
        verbose_name_plural = _("consultation room questions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=QuestionCategory.values),
                name="question_category_valid",
            ),
        ]
        indexes = [models.Index(fields=["hidden_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("helpdesk:question", args=[self.pk])

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_resolved(self) -> bool:
        return self.best_answer_id is not None


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="help_answers",
        verbose_name=_("author"),
    )
    body = models.TextField(_("answer"), max_length=4000)
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    # Set by an operator; the answer's text is then replaced by a notice for everyone else.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation room answer")
        verbose_name_plural = _("consultation room answers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.body[:40]}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

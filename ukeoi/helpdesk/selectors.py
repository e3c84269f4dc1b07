"""Reads for the help centre: FAQ search (H1), the consultation room (H2) and a user's
own inquiries (H3).

Search works for Japanese on every database. PostgreSQL's full-text parsers do not split
Japanese into words (`to_tsvector('simple', '退会の手順')` is one token), so full-text
search alone would never find 退会 inside 退会の手順. Instead every whitespace-separated
term of the query must appear (case-insensitively, as a substring) somewhere in the text,
which is exact for Japanese and for English on SQLite and PostgreSQL alike. On PostgreSQL
an English term also matches by its stem through full-text search ("withdrawing" finds
"withdraw"). A query that finds nothing this strictly is retried with its content words
(the kanji, katakana and Latin runs of a phrase such as 提案を取り消したい), ranked by how
many of them each text contains, keeping those at least half as good as the best."""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.expressions import Combinable
from django.utils.translation import get_language

from ukeoi.accounts.models import User
from ukeoi.helpdesk.models import Answer, FaqArticle, FaqCategory, Inquiry, Question

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
QUESTIONS_PER_PAGE = 20
# Runs of kanji (incl. 々), katakana (incl. ー) or Latin letters and digits: the content words
# of a Japanese phrase once its particles and inflections (hiragana) are dropped.
_CONTENT_WORD = re.compile(r"[\u4e00-\u9fff\u3005]{2,}|[\u30a1-\u30fa\u30fc]{2,}|[A-Za-z0-9]{2,}")


def search_terms(query: str) -> list[str]:
    """NFKC (full-width letters and the ideographic space become ASCII), then split."""
    normalized = unicodedata.normalize("NFKC", query)[:MAX_QUERY_LENGTH]
    terms: list[str] = []
    for term in normalized.split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def content_words(terms: Sequence[str]) -> list[str]:
    words: list[str] = []
    for term in terms:
        for word in _CONTENT_WORD.findall(term):
            if word not in words:
                words.append(word)
    return words[:MAX_TERMS]


def _language() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


# --- FAQ (H1) ---------------------------------------------------------------------------

_ARTICLE_TEXT = ("title_ja", "title_en", "body_ja", "body_en", "keywords")


def _stemmable(term: str) -> bool:
    return connection.vendor == "postgresql" and re.fullmatch(r"[A-Za-z]{3,}", term) is not None


def _article_term(term: str) -> Q:
    match = Q()
    for field in _ARTICLE_TEXT:
        match |= Q(**{f"{field}__icontains": term})
    if _stemmable(term):
        match |= Q(english_text=SearchQuery(term, config="english"))
    return match


def _article_score(terms: Sequence[str]) -> Combinable:
    """Hits in the title of the reader's language weigh most, then keywords, then bodies."""
    language = _language()
    weights = ((f"title_{language}", 8), ("keywords", 4), (f"body_{language}", 2))
    total: Combinable = Value(0, output_field=IntegerField())
    for term in terms:
        for field, weight in weights:
            total = total + Case(
                When(**{f"{field}__icontains": term}, then=Value(weight)),
                default=Value(0),
                output_field=IntegerField(),
            )
    return total


def published_articles() -> "QuerySet[FaqArticle]":
    return FaqArticle.objects.filter(published=True, category__isnull=False).select_related(
        "category"
    )


def _with_english_text(
    articles: "QuerySet[FaqArticle]", terms: Sequence[str]
) -> "QuerySet[FaqArticle]":
    if not any(_stemmable(term) for term in terms):
        return articles
    return articles.annotate(
        english_text=SearchVector("title_en", "body_en", "keywords", config="english")
    )


@dataclass(frozen=True)
class FaqSearchResult:
    query: str
    terms: list[str]
    articles: Sequence[FaqArticle]
    # True when no article held every term and the list holds partial matches instead.
    relaxed: bool


def faq_search(*, query: str, limit: int = 20, category_slug: str = "") -> FaqSearchResult:
    """H1: published FAQ articles matching every term of `query`, best first."""
    terms = search_terms(query)
    if not terms:
        return FaqSearchResult(query=query, terms=[], articles=[], relaxed=False)
    base = published_articles()
    if category_slug:
        base = base.filter(category__slug=category_slug)
    strict = Q()
    for term in terms:
        strict &= _article_term(term)
    found = list(
        _with_english_text(base, terms)
        .filter(strict)
        .annotate(score=_article_score(terms))
        .order_by("-score", "-featured", "category__order", "order", "id")[:limit]
    )
    if found:
        return FaqSearchResult(query=query, terms=terms, articles=found, relaxed=False)
    words = content_words(terms)
    if not words or words == terms:
        return FaqSearchResult(query=query, terms=terms, articles=[], relaxed=False)
    loose = Q()
    for word in words:
        loose |= _article_term(word)
    found = list(
        _with_english_text(base, words)
        .filter(loose)
        .annotate(score=_article_score(words))
        .order_by("-score", "-featured", "category__order", "order", "id")[:limit]
    )
    # Partial matches far behind the best one are noise (an article that only shares
    # パスワード with "パスワード再設定のメールが届きません"): keep those at least half as good.
    best = max((article.score for article in found), default=0)
    found = [article for article in found if article.score * 2 >= best]
    return FaqSearchResult(query=query, terms=terms, articles=found, relaxed=bool(found))


def faq_categories() -> list[FaqCategory]:
    """Categories that have published articles, each with `published` (its articles)."""
    articles = FaqArticle.objects.filter(published=True).order_by("order", "id")
    return list(
        FaqCategory.objects.filter(articles__published=True)
        .distinct()
        .prefetch_related(Prefetch("articles", queryset=articles, to_attr="published"))
        .order_by("order", "id")
    )


def faq_popular(*, limit: int = 6) -> list[FaqArticle]:
    """Articles the operators feature first, then those most readers found helpful."""
    return list(published_articles().order_by("-featured", "-helpful_yes", "order", "id")[:limit])


def faq_article_get(*, slug: str) -> FaqArticle | None:
    return published_articles().filter(slug=slug).first()


def faq_related(*, article: FaqArticle, limit: int = 5) -> list[FaqArticle]:
    return list(
        published_articles()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .order_by("order", "id")[:limit]
    )


# --- Consultation room (H2) ---------------------------------------------------------------


def _visible_questions(viewer: User | None) -> "QuerySet[Question]":
    questions = Question.objects.all()
    if viewer is not None and viewer.is_authenticated and viewer.is_staff:
        return questions
    if viewer is not None and viewer.is_authenticated:
        return questions.filter(Q(hidden_at__isnull=True) | Q(asker=viewer))
    return questions.filter(hidden_at__isnull=True)


def question_list(
    *, viewer: User | None, query: str = "", category: str = "", page: int | str = 1
) -> Page:
    """H2: newest first, every term of `query` in the title or the question; 20 a page.
    Two queries whatever the page size (the page and the count)."""
    questions = (
        _visible_questions(viewer)
        .select_related("asker")
        .annotate(
            answer_count=Count("answers", filter=Q(answers__hidden_at__isnull=True)),
        )
        .order_by("-created_at", "-id")
    )
    for term in search_terms(query):
        questions = questions.filter(Q(title__icontains=term) | Q(body__icontains=term))
    if category:
        questions = questions.filter(category=category)
    return Paginator(questions, QUESTIONS_PER_PAGE).get_page(page)


def question_recent(*, limit: int = 5) -> list[Question]:
    return list(
        _visible_questions(None)
        .select_related("asker")
        .annotate(answer_count=Count("answers", filter=Q(answers__hidden_at__isnull=True)))
        .order_by("-created_at", "-id")[:limit]
    )


def question_get(*, viewer: User | None, question_id: int) -> Question | None:
    """The question with `answer_list` (its answers, authors loaded), or None if the viewer
    may not see it."""
    answers = Answer.objects.select_related("author").order_by("created_at", "id")
    return (
        _visible_questions(viewer)
        .select_related("asker")
        .prefetch_related(Prefetch("answers", queryset=answers, to_attr="answer_list"))
        .filter(pk=question_id)
        .first()
    )


# --- Inquiries (H3) -----------------------------------------------------------------------


def inquiry_list(*, user: User) -> list[Inquiry]:
    """The user's own inquiries, newest first, with their replies."""
    return list(
        Inquiry.objects.filter(user=user).prefetch_related("replies").order_by("-created_at", "-id")
    )

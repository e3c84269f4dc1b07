"""The help centre's JSON API under /api/help: FAQ search and articles (H1), the
consultation room (H2), and the caller's own inquiries (H3). Reading is open to everyone;
posting needs a session or an API token."""

from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import User
from ukeoi.core.api import errors
from ukeoi.helpdesk import selectors, services
from ukeoi.helpdesk.enums import QuestionCategory
from ukeoi.helpdesk.markup import plain_excerpt, render_faq_body
from ukeoi.helpdesk.models import Answer, FaqArticle, Inquiry, Question
from ukeoi.helpdesk.schemas import (
    AnswerIn,
    AnswerOut,
    BestAnswerIn,
    FaqArticleOut,
    FaqSearchOut,
    InquiryIn,
    InquiryOut,
    QuestionIn,
    QuestionOut,
    QuestionPageOut,
)

router = Router(tags=["helpdesk"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _article_summary(article: FaqArticle) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "title": article.title,
        "excerpt": plain_excerpt(article.body),
        "category": {"slug": article.category.slug, "name": article.category.name},
        "url": reverse("helpdesk:article", args=[article.slug]),
    }


def _poster(user: User | None) -> dict[str, Any]:
    if user is None or user.is_withdrawn:
        return {"display_name": _("Withdrawn user"), "withdrawn": True}
    return {"display_name": user.display_name, "withdrawn": False}


def _answer(answer: Answer, question: Question) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "author": _poster(answer.author),
        "body": "" if answer.is_hidden else answer.body,
        "hidden": answer.is_hidden,
        "best": answer.pk == question.best_answer_id,
        "created_at": answer.created_at,
    }


def _question(question: Question, *, with_answers: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": question.pk,
        "title": question.title,
        "category": question.category,
        "asker": _poster(question.asker),
        "resolved": question.is_resolved,
        "created_at": question.created_at,
    }
    if with_answers:
        answers = question.answer_list  # type: ignore[attr-defined]
        out["body"] = question.body
        out["answers"] = [_answer(a, question) for a in answers]
        out["answer_count"] = sum(1 for a in answers if not a.is_hidden)
    else:
        out["answer_count"] = question.answer_count  # type: ignore[attr-defined]
    return out


def _question_detail(question_id: int) -> dict[str, Any]:
    question = selectors.question_get(viewer=None, question_id=question_id)
    if question is None:
        raise Http404
    return _question(question, with_answers=True)


def _inquiry(inquiry: Inquiry) -> dict[str, Any]:
    return {
        "id": inquiry.pk,
        "category": inquiry.category,
        "subject": inquiry.subject,
        "body": inquiry.body,
        "reply_email": inquiry.reply_email,
        "status": inquiry.status,
        "created_at": inquiry.created_at,
        "replies": [{"body": r.body, "sent_at": r.sent_at} for r in inquiry.replies.all()],
    }


@router.get("/faq", auth=None, response={200: FaqSearchOut, **errors(400)})
def faq_search(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="Words to find; every word must match."),
    category: str = Query("", max_length=60, description="A category slug to search in."),
) -> dict[str, Any]:
    """H1: published FAQ articles in the request's language (Accept-Language), best first.
    Japanese queries match inside words (退会 finds 退会の手順)."""
    result = selectors.faq_search(query=q, category_slug=category)
    return {
        "query": q,
        "relaxed": result.relaxed,
        "results": [_article_summary(a) for a in result.articles],
    }


@router.get("/faq/{slug}", auth=None, response={200: FaqArticleOut, **errors(404)})
def faq_article(request: HttpRequest, slug: str) -> dict[str, Any]:
    article = selectors.faq_article_get(slug=slug)
    if article is None:
        raise Http404
    return {
        **_article_summary(article),
        "body": article.body,
        "body_html": str(render_faq_body(article.body)),
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
        "updated_at": article.updated_at,
    }


@router.get("/questions", auth=None, response={200: QuestionPageOut, **errors(400)})
def question_list(
    request: HttpRequest,
    q: str = Query("", max_length=200),
    category: str = Query("", max_length=16),
    page: int = Query(1, ge=1, le=1_000_000),
) -> dict[str, Any]:
    """H2: the consultation room, newest first, 20 a page."""
    if category and category not in QuestionCategory.values:
        raise services.InvalidInput(
            _("Please correct the errors below."),
            fields={"category": [_("Choose a category from the list.")]},
        )
    result = selectors.question_list(viewer=None, query=q, category=category, page=page)
    return {
        "count": result.paginator.count,
        "page": result.number,
        "pages": result.paginator.num_pages,
        "results": [_question(question, with_answers=False) for question in result],
    }


@router.get("/questions/{question_id}", auth=None, response={200: QuestionOut, **errors(400, 404)})
def question_detail(request: HttpRequest, question_id: int) -> dict[str, Any]:
    return _question_detail(question_id)


@router.post("/questions", response={201: QuestionOut, **errors(400, 401, 403, 429)})
def question_create(request: HttpRequest, payload: QuestionIn) -> Status[dict[str, Any]]:
    """H2: ask the consultation room."""
    question = services.question_post(actor=_actor(request), **payload.dict())
    return Status(201, _question_detail(question.pk))


@router.post(
    "/questions/{question_id}/answers",
    response={201: AnswerOut, **errors(400, 401, 403, 404, 409, 429)},
)
def answer_create(
    request: HttpRequest, question_id: int, payload: AnswerIn
) -> Status[dict[str, Any]]:
    """H2: answer someone else's open question; 409 once it is resolved."""
    answer = services.answer_post(
        actor=_actor(request),
        question_id=question_id,
        body=payload.body,
    )
    return Status(201, _answer(answer, answer.question))


@router.post(
    "/questions/{question_id}/best",
    response={200: QuestionOut, **errors(400, 401, 403, 404, 409)},
)
def answer_choose_best(
    request: HttpRequest, question_id: int, payload: BestAnswerIn
) -> dict[str, Any]:
    """H2: the asker chooses the best answer, once."""
    services.answer_mark_best(
        actor=_actor(request), question_id=question_id, answer_id=payload.answer_id
    )
    return _question_detail(question_id)


@router.get("/inquiries", response={200: list[InquiryOut], **errors(401)})
def inquiry_list(request: HttpRequest) -> list[dict[str, Any]]:
    """H3: your inquiries to the operators and their replies, newest first."""
    return [_inquiry(i) for i in selectors.inquiry_list(user=_actor(request))]


@router.post("/inquiries", response={201: InquiryOut, **errors(400, 401, 403, 429)})
def inquiry_create(request: HttpRequest, payload: InquiryIn) -> Status[dict[str, Any]]:
    """H3, P1: write to the operators. Limited to a few an hour (429 beyond)."""
    actor = _actor(request)
    inquiry = services.inquiry_submit(
        actor=actor,
        category=payload.category,
        subject=payload.subject,
        body=payload.body,
        reply_email=payload.reply_email or "",
        language=actor.language,
        client_ip=request.META.get("REMOTE_ADDR", ""),
    )
    return Status(201, _inquiry(inquiry))

"""The help centre in the browser (H1–H4): FAQ first, then the consultation room, then
contact to the operators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError
from ukeoi.core.forms import apply_error
from ukeoi.helpdesk import selectors, services
from ukeoi.helpdesk.enums import InquiryCategory, QuestionCategory
from ukeoi.helpdesk.forms import AnswerForm, InquiryForm, QuestionForm, SearchForm
from ukeoi.helpdesk.markup import plain_excerpt

SUGGESTIONS = 5
# Searches shown under the search box, in the reader's language (what stuck readers ask).
EXAMPLE_QUERIES = [
    gettext_lazy("withdraw"),
    gettext_lazy("take back a proposal"),
    gettext_lazy("payment day"),
    gettext_lazy("password"),
    gettext_lazy("username"),
]


def _viewer(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def _query(request: HttpRequest) -> str:
    form = SearchForm(request.GET)
    return form.cleaned_data["q"] if form.is_valid() else ""


def index(request: HttpRequest) -> HttpResponse:
    """H4: search the FAQ first, then browse it, then the consultation room, then contact."""
    return render(
        request,
        "helpdesk/index.html",
        {
            "search_form": SearchForm(),
            "examples": [str(example) for example in EXAMPLE_QUERIES],
            "categories": selectors.faq_categories(),
            "popular": selectors.faq_popular(),
            "recent_questions": selectors.question_recent(),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """H1: FAQ articles matching every term, in the reader's language."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    result = selectors.faq_search(query=query)
    return render(
        request,
        "helpdesk/search.html",
        {"search_form": form, "result": result, "query": query},
        status=200 if form.is_valid() else 400,
    )


def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = next((c for c in selectors.faq_categories() if c.slug == slug), None)
    if found is None:
        raise Http404
    return render(
        request,
        "helpdesk/category.html",
        {"category": found, "search_form": SearchForm()},
    )


def article(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.faq_article_get(slug=slug)
    if found is None:
        raise Http404
    voted = request.session.get("helpdesk_votes", {}).get(str(found.pk))
    return render(
        request,
        "helpdesk/article.html",
        {
            "article": found,
            "related": selectors.faq_related(article=found),
            "voted": voted,
            "search_form": SearchForm(),
        },
    )


@require_POST
def article_vote(request: HttpRequest, slug: str) -> HttpResponse:
    """H1 "was this helpful?": once per session or account; a second vote replaces the first."""
    found = selectors.faq_article_get(slug=slug)
    if found is None:
        raise Http404
    helpful = request.POST.get("helpful")
    if helpful not in ("yes", "no"):
        messages.error(request, _("Choose “Yes” or “No”."))
        return redirect("helpdesk:article", slug=slug)
    if request.session.session_key is None:
        request.session.save()
    voter = services.faq_voter_key(
        user=_viewer(request), session_key=request.session.session_key or ""
    )
    services.faq_article_vote(article_id=found.pk, voter=voter, helpful=helpful == "yes")
    votes = {**request.session.get("helpdesk_votes", {}), str(found.pk): helpful}
    request.session["helpdesk_votes"] = votes
    if helpful == "yes":
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.info(
            request,
            _(
                "Thank you for your feedback. If this did not answer your question, ask in the "
                "consultation room or contact the operators below."
            ),
        )
    return redirect(reverse("helpdesk:article", args=[slug]) + "#feedback")


@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """H4: FAQ articles matching what the contact form's subject says so far (JSON)."""
    query = _query(request)
    articles = selectors.faq_search(query=query, limit=SUGGESTIONS).articles if query else []
    return JsonResponse(
        {
            "results": [
                {
                    "title": a.title,
                    "url": reverse("helpdesk:article", args=[a.slug]),
                    "excerpt": plain_excerpt(a.body, 90),
                }
                for a in articles
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )


def contact(request: HttpRequest) -> HttpResponse:
    """H3, P1: the contact form, open to signed-out visitors (sign-in problems)."""
    viewer = _viewer(request)
    initial = {
        "reply_email": viewer.email if viewer else "",
        "category": request.GET.get("category", "")
        if request.GET.get("category") in InquiryCategory.values
        else "",
        "subject": request.GET.get("subject", "")[: services.SUBJECT_MAX],
    }
    form = InquiryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.inquiry_submit(
                    actor=viewer,
                    category=form.cleaned_data["category"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    reply_email=form.cleaned_data["reply_email"],
                    language=request.LANGUAGE_CODE,
                    client_ip=request.META.get("REMOTE_ADDR", ""),
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _("Your message has been sent. The operators will reply by e-mail."),
                )
                if viewer is not None:
                    return redirect("helpdesk:inquiries")
                return redirect("helpdesk:contact_sent")
    subject = form.data.get("subject", "") if form.is_bound else initial["subject"]
    suggestions = selectors.faq_search(query=subject, limit=SUGGESTIONS).articles if subject else []
    return render(
        request,
        "helpdesk/contact.html",
        {"form": form, "suggestions": suggestions, "search_form": SearchForm()},
        status=status,
    )


def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/contact_sent.html")


@login_required
def inquiries(request: HttpRequest) -> HttpResponse:
    """H3: the signed-in user's inquiries and the operators' replies."""
    viewer = _viewer(request)
    assert viewer is not None
    return render(
        request, "helpdesk/inquiries.html", {"inquiries": selectors.inquiry_list(user=viewer)}
    )


def room(request: HttpRequest) -> HttpResponse:
    """H2: the consultation room, newest first, searchable, 20 a page."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    category = request.GET.get("category", "")
    if category not in QuestionCategory.values:
        category = ""
    page = selectors.question_list(
        viewer=_viewer(request), query=query, category=category, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "helpdesk/room.html",
        {
            "page": page,
            "query": query,
            "category": category,
            "categories": QuestionCategory.choices,
            "search_form": form,
        },
    )


@login_required
def question_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    assert viewer is not None
    initial = {"category": request.GET.get("category", "")}
    form = QuestionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                question = services.question_post(actor=viewer, **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your question has been posted."))
                return redirect("helpdesk:question", question_id=question.pk)
    return render(request, "helpdesk/question_form.html", {"form": form}, status=status)


def question_detail(request: HttpRequest, question_id: int) -> HttpResponse:
    viewer = _viewer(request)
    question = selectors.question_get(viewer=viewer, question_id=question_id)
    if question is None:
        raise Http404
    form = AnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if viewer is None:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        status = 400
        if form.is_valid():
            try:
                services.answer_post(
                    actor=viewer,
                    question_id=question.pk,
                    body=form.cleaned_data["body"],
                )
            except ApplicationError as error:
                apply_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Your answer has been posted."))
                return redirect("helpdesk:question", question_id=question.pk)
    return render(
        request,
        "helpdesk/question_detail.html",
        {
            "question": question,
            "answers": question.answer_list,  # type: ignore[attr-defined]
            "form": form,
            "is_asker": viewer is not None and question.asker_id == viewer.pk,
        },
        status=status,
    )


@login_required
@require_POST
def answer_best(request: HttpRequest, question_id: int, answer_id: int) -> HttpResponse:
    viewer = _viewer(request)
    assert viewer is not None
    try:
        services.answer_mark_best(actor=viewer, question_id=question_id, answer_id=answer_id)
    except ApplicationError as error:
        if error.status == 404:
            raise Http404 from error
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You chose the best answer. Thank you!"))
    return redirect("helpdesk:question", question_id=question_id)

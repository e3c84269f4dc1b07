"""T4: a user's issued documents — search and download (the PDF checked against its hash)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ukeoi.core.errors import ApplicationError
from ukeoi.core.views import refused
from ukeoi.documents.files import document_file_response
from ukeoi.documents.forms import DocumentSearchForm
from ukeoi.documents.models import Document, DocumentParty
from ukeoi.documents.selectors import documents_search

PER_PAGE = 50


def counterparts(documents: list[Document], viewer_id: int) -> dict[int, str]:
    """Document id -> the other parties' names as issued (one query for the page)."""
    names: dict[int, list[str]] = {}
    rows = DocumentParty.objects.filter(document__in=documents).exclude(user_id=viewer_id)
    for document_id, name in rows.values_list("document_id", "name"):
        names.setdefault(document_id, []).append(name)
    return {pk: "、".join(found) for pk, found in names.items()}


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    """T4: the signed-in user's documents, newest first, filtered; 50 a page, a fixed number
    of queries whatever the page holds. Bad filters: the form's errors, 400, no results."""
    user_id = int(request.user.pk or 0)  # login_required: a signed-in user
    form = DocumentSearchForm(request.GET or None)
    status = 200
    documents: list[Document] = []
    page = None
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        filters = form.cleaned_data if form.is_bound else {}
        found = documents_search(user_id=user_id, **filters)
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page") or 1)
        documents = list(page.object_list)
    names = counterparts(documents, user_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "rows": [{"document": d, "counterparty": names.get(d.pk, "")} for d in documents],
            "page": page,
            "query": query.urlencode(),
        },
        status=status,
    )


@login_required
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    """T4: one document's PDF, to a party of it only (404 to anyone else); refused (409) and
    logged when the stored file no longer matches its recorded SHA-256."""
    document = Document.objects.filter(pk=document_id).first()
    allowed = (
        document is not None
        and DocumentParty.objects.filter(
            document=document, user_id=int(request.user.pk or 0)
        ).exists()
    )
    try:
        return document_file_response(request, document, allowed=allowed)
    except ApplicationError as error:  # T4: tampered: the one refusal page, 409
        return refused(request, error, back=reverse("documents:list"))

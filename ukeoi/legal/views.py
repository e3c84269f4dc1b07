"""L4: the legal pages (public, visitors' copies cached) and the consent page."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from ukeoi.core.errors import ApplicationError
from ukeoi.core.fees import fee, rates_in_force
from ukeoi.core.pagecache import visitor_page_cache
from ukeoi.legal import selectors, services
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import DocumentVersion
from ukeoi.legal.receivers import PAGE_GROUP

# The amount the 特商法 notice's fee example is computed on.
FEE_EXAMPLE_AMOUNT = 10_000


def _kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise Http404
    return kind


def _fees() -> dict[str, Any]:
    """B6, M6: the fees as configured now, for the 特商法 notice (its text refers to them)."""
    rates = rates_in_force()
    amount = FEE_EXAMPLE_AMOUNT
    return {
        "rates": rates,
        "amount": amount,
        "client_fee": fee(amount, rates.client_permille),
        "client_total": amount + fee(amount, rates.client_permille),
        "lancer_fee": fee(amount, rates.lancer_permille),
        "lancer_net": amount - fee(amount, rates.lancer_permille),
        # The payouts app reads these too; legal sits below it and only shows them.
        "transfer_fee_own": settings.PAYOUT_FEE_OWN_BANK,
        "transfer_fee_other": settings.PAYOUT_FEE_OTHER_BANK,
    }


def _render_version(
    request: HttpRequest, kind: str, version: DocumentVersion | None
) -> HttpResponse:
    current = selectors.current_version(kind=kind)
    context = {
        "kind": kind,
        "kind_label": DocumentKind(kind).label,
        "version": version,
        "current": current,
        "is_current": version is not None and current is not None and version.pk == current.pk,
        "history": list(selectors.published_versions(kind=kind)),
        "fees": _fees() if kind == DocumentKind.TOKUSHOHO else None,
    }
    return render(request, "legal/document.html", context)


@visitor_page_cache(PAGE_GROUP)
def document(request: HttpRequest, kind: str) -> HttpResponse:
    """L4: the version in force, with the list of earlier ones."""
    kind = _kind(kind)
    return _render_version(request, kind, selectors.current_version(kind=kind))


@visitor_page_cache(PAGE_GROUP)
def document_version(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    """L4: one published version (a scheduled one is not public before it takes effect)."""
    kind = _kind(kind)
    version = selectors.version_get(kind=kind, number=number)
    if version is None or not selectors.published_versions(kind=kind).filter(pk=version.pk):
        raise Http404
    return _render_version(request, kind, version)


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest) -> HttpResponse:
    """L4: what changed in the new terms or privacy policy, and the consent to them."""
    user = request.user
    assert user.pk is not None  # signed in (login_required)
    required = selectors.required_version_ids()
    missing = selectors.missing_consent_ids(user_id=user.pk, required=required)
    if not missing:
        selectors.remember_consents(request.session, user_id=user.pk, version_ids=required)
        return redirect(_next(request))
    error = None
    if request.method == "POST":
        if request.POST.get("agree") != "on":
            error = "agree"
        else:
            try:
                ids = [int(pk) for pk in request.POST.getlist("version")]
            except ValueError:
                ids = []
            try:
                services.consent_give(actor=user, version_ids=ids)
            except ApplicationError as refusal:
                messages.error(request, str(refusal.message))
                return redirect(request.get_full_path())
            if not selectors.missing_consent_ids(user_id=user.pk, required=required):
                selectors.remember_consents(request.session, user_id=user.pk, version_ids=required)
                return redirect(_next(request))
    context = {
        "versions": selectors.versions_by_id(missing),
        "next": _next(request),
        "error": error,
    }
    return render(request, "legal/consent.html", context, status=400 if error else 200)

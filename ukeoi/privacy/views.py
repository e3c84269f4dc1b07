"""Pages of P2–P4: the signed erasure link (works signed out: a withdrawn account cannot
sign in) and the export request and download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ukeoi.core.errors import ApplicationError
from ukeoi.core.files import protected_file_response
from ukeoi.core.views import Action, refused
from ukeoi.privacy import selectors, services
from ukeoi.privacy.enums import ErasureSource, ErasureStatus, ExportStatus
from ukeoi.privacy.models import DataExport


def _refused(request: HttpRequest, message: str | Promise, *, status: int = 400) -> HttpResponse:
    """P2–P4: the refusal page, with the way to the operators."""
    return refused(
        request,
        ApplicationError(message),
        title=_("Personal data"),
        actions=[
            Action(reverse("helpdesk:contact"), _("Contact the operators")),
            Action(reverse("home"), _("Back to the top page")),
        ],
        status=status,
    )


def erasure_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """P2, P4: from the signed link mailed on withdrawal: ask for erasure, or cancel it."""
    try:
        subject = services.erasure_subject_from_token(token)
    except ApplicationError as error:
        return _refused(request, str(error.message))
    current = selectors.erasure_current_get(user=subject)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "request":
                current = services.erasure_request(
                    actor=None, user_id=subject.pk, source=ErasureSource.SELF
                )
                messages.success(
                    request, _("Your erasure is scheduled. We have sent you an e-mail.")
                )
            elif action == "cancel" and current is not None:
                services.erasure_cancel(actor=None, request_id=current.pk)
                messages.success(request, _("The erasure has been cancelled."))
            else:
                return _refused(request, _("Choose one of the buttons on the page."))
        except ApplicationError as error:
            return _refused(request, str(error.message), status=error.status)
        return redirect("privacy:erasure_confirm", token=token)
    return render(
        request,
        "privacy/erasure.html",
        {
            "subject": subject,
            "current": current,
            "scheduled": current is not None and current.status == ErasureStatus.REQUESTED,
            "done": current is not None and current.status == ErasureStatus.DONE,
        },
    )


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    """P3: the button on the account settings page."""
    try:
        services.export_request(actor=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("We are preparing your data. You will get an e-mail with the download link."),
        )
    return redirect("accounts:settings")


@login_required
def export_download(request: HttpRequest, export_id: int) -> HttpResponseBase:
    """P3: only the owner, only while the link is valid (7 days); otherwise a page that says
    why: 404 for someone else's or an unfinished export, 410 once it has expired."""
    export = selectors.export_get(user=request.user, export_id=export_id)  # type: ignore[arg-type]
    if export is None:
        return _refused(request, _("There is no such export of your data."), status=404)
    if export.is_expired:
        return _refused(
            request,
            _(
                "This download link has expired: links are valid for 7 days. "
                "Ask for a new export on the account settings page."
            ),
            status=410,
        )
    if export.status != ExportStatus.READY:
        return _refused(
            request,
            _("Your data is still being prepared, or preparing it failed. Please try again later."),
            status=404,
        )
    return protected_file_response(
        request, export.file, allowed=True, download_name=_download_name(export)
    )


def _download_name(export: DataExport) -> str:
    return f"ukeoi-data-{export.created_at:%Y%m%d}.zip"

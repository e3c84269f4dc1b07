"""The privacy API: /api/export (P3) and /api/erasure (P2, P4). Every route calls one service
or selector; every 4xx it can answer is declared.

Erasure routes take the signed token from the withdrawal mail instead of a sign-in: a
withdrawn account can no longer sign in or use API tokens (W7)."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from ukeoi.accounts.auth import api_auth
from ukeoi.accounts.models import User
from ukeoi.core.api import errors
from ukeoi.core.errors import ApplicationError, NotFound
from ukeoi.core.files import protected_file_response
from ukeoi.privacy import selectors, services
from ukeoi.privacy.enums import ErasureSource, ErasureStatus
from ukeoi.privacy.models import DataExport, ErasureRequest
from ukeoi.privacy.schemas import ErasureOut, ErasureTokenIn, ExportOut

router = Router(tags=["privacy"], auth=api_auth)


def _actor(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user


def _export(export: DataExport) -> dict[str, Any]:
    return {
        "id": export.pk,
        "status": export.status,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "expires_at": export.expires_at,
        "download_url": reverse("api:privacy_export_download", args=[export.pk])
        if export.is_downloadable
        else None,
    }


@router.post("/export", response={202: ExportOut, **errors(401, 403, 409)})
def export_create(request: HttpRequest) -> Status[dict[str, Any]]:
    """P3: start building an archive of everything held about you; poll GET /api/export."""
    export = services.export_request(actor=_actor(request))
    export.refresh_from_db()
    return Status(202, _export(export))


@router.get("/export", response={200: list[ExportOut], **errors(401)})
def export_list(request: HttpRequest) -> list[dict[str, Any]]:
    """P3: your exports, newest first (at most 10)."""
    exports = DataExport.objects.filter(user_id=_actor(request).pk).order_by("-created_at", "-id")
    return [_export(export) for export in exports[:10]]


@router.get(
    "/export/{export_id}/download",
    response={200: None, **errors(401, 404, 410)},
    url_name="privacy_export_download",
    openapi_extra={
        "responses": {
            200: {
                "description": "The ZIP archive of JSON files.",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def export_download(request: HttpRequest, export_id: int) -> Any:
    """P3: the ZIP, only for its owner and only for 7 days (then 410)."""
    export = selectors.export_get(user=_actor(request), export_id=export_id)
    if export is None:
        raise NotFound(_("There is no such export of your data."))
    if export.is_expired:
        raise ApplicationError(
            _(
                "This download link has expired: links are valid for 7 days. "
                "Ask for a new export on the account settings page."
            ),
            code="expired",
            status=410,
        )
    if not export.is_downloadable:
        raise NotFound(
            _("Your data is still being prepared, or preparing it failed. Please try again later."),
            code="not_ready",
        )
    return protected_file_response(
        request,
        export.file,
        allowed=True,
        download_name=f"ukeoi-data-{export.created_at:%Y%m%d}.zip",
    )


@router.post("/erasure", auth=None, response={201: ErasureOut, **errors(400, 409)})
def erasure_create(request: HttpRequest, payload: ErasureTokenIn) -> Status[ErasureRequest]:
    """P2, P4: ask for the erasure of a withdrawn account's personal data, with the token of
    the signed link mailed after withdrawal. It runs 14 days later."""
    user = services.erasure_subject_from_token(payload.token)
    erasure = services.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)
    return Status(201, erasure)


@router.delete("/erasure", auth=None, response={200: ErasureOut, **errors(400, 404, 409)})
def erasure_cancel(request: HttpRequest, payload: ErasureTokenIn) -> ErasureRequest:
    """P4: cancel the scheduled erasure (possible until it runs)."""
    user = services.erasure_subject_from_token(payload.token)
    current = selectors.erasure_current_get(user=user)
    if current is None or current.status != ErasureStatus.REQUESTED:
        if current is not None:
            raise ApplicationError(
                _("This erasure can no longer be cancelled: it has already run."),
                code="invalid_transition",
                status=409,
            )
        raise NotFound(_("No erasure is scheduled for this account."))
    return services.erasure_cancel(actor=None, request_id=current.pk)

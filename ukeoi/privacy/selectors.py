"""Reads for the privacy pages and API."""

from ukeoi.accounts.models import User
from ukeoi.privacy.enums import ErasureStatus
from ukeoi.privacy.models import DataExport, ErasureRequest


def export_get(*, user: User, export_id: int) -> DataExport | None:
    """The user's own export; someone else's is None, exactly like a missing one."""
    return DataExport.objects.filter(pk=export_id, user_id=user.pk).first()


def latest_export_get(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user_id=user.pk).order_by("-created_at", "-id").first()


def erasure_current_get(*, user: User) -> ErasureRequest | None:
    """The account's scheduled or finished erasure, if any (the link page and API show it)."""
    return (
        ErasureRequest.objects.filter(
            user=user, status__in=[ErasureStatus.REQUESTED, ErasureStatus.DONE]
        )
        .order_by("-requested_at", "-id")
        .first()
    )

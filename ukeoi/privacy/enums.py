from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


EXPORT_TRANSITIONS: dict[str, set[str]] = {
    ExportStatus.PENDING: {ExportStatus.READY, ExportStatus.FAILED},
    ExportStatus.READY: set(),
    ExportStatus.FAILED: set(),
}


class ErasureSource(models.TextChoices):
    SELF = "self", _("The user (signed link)")
    OPERATOR = "operator", _("An operator")
    INQUIRY = "inquiry", _("An inquiry to the operators")


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Erased")


ERASURE_TRANSITIONS: dict[str, set[str]] = {
    ErasureStatus.REQUESTED: {ErasureStatus.CANCELLED, ErasureStatus.DONE},
    ErasureStatus.CANCELLED: set(),
    ErasureStatus.DONE: set(),
}

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.core.validators import private_upload_to
from ukeoi.privacy.enums import ErasureSource, ErasureStatus, ExportStatus


class DataExport(models.Model):
    """P3: one archive of everything held about a user, built by a background task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("user"),
    )
    # pending -> ready | failed (EXPORT_TRANSITIONS); only a ready export has a file.
    status = models.CharField(
        _("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    # The ZIP in the default storage; deleted (with the row) by privacy_purge_expired.
    file = models.FileField(_("file"), upload_to=private_upload_to("privacy/exports"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=clock.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The download link works until this moment: created_at + PRIVACY_EXPORT_VALID_DAYS.
    expires_at = models.DateTimeField(_("link valid until"))

    class Meta:
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="data_export_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ExportStatus.READY) | Q(file=""),
                name="data_export_file_only_when_ready",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.READY and not self.is_expired


class ErasureRequest(models.Model):
    """P2, P4: erasure of a withdrawn account's personal data, run 14 days after the request
    and cancellable until then. The receipt lists categories, never the erased values."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure_requests",
        verbose_name=_("user"),
    )
    # The operator who asked (source operator/inquiry); null when the user asked.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    source = models.CharField(_("source"), max_length=16, choices=ErasureSource.choices)
    # Set for source=inquiry: the 'delete my personal information' inquiry (P1).
    inquiry = models.ForeignKey(
        "helpdesk.Inquiry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("inquiry"),
    )
    # requested -> cancelled | done (ERASURE_TRANSITIONS); at most one requested per user.
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ErasureStatus.choices,
        default=ErasureStatus.REQUESTED,
    )
    requested_at = models.DateTimeField(_("requested"), default=clock.now)
    # P4: requested_at + PRIVACY_ERASURE_DELAY_DAYS; the periodic task runs it after this.
    scheduled_for = models.DateTimeField(_("scheduled for"), db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    done_at = models.DateTimeField(_("erased"), null=True, blank=True)
    # P4: the kept records may be deleted after this date (7 years, tax records); set when done.
    retain_until = models.DateField(_("kept records deleted after"), null=True, blank=True)
    # Set by privacy_purge_expired once the kept records past retention were deleted.
    purged_at = models.DateTimeField(_("kept records deleted"), null=True, blank=True)
    # What was erased and kept, why and until when (categories and counts, never values).
    receipt = models.JSONField(_("receipt"), default=dict, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ErasureStatus.values), name="erasure_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ErasureSource.values), name="erasure_source_valid"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=ErasureStatus.REQUESTED),
                name="erasure_one_scheduled_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status=ErasureStatus.DONE, done_at__isnull=False)
                | (~Q(status=ErasureStatus.DONE) & Q(done_at__isnull=True)),
                name="erasure_done_at_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_status_display()}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == ErasureStatus.REQUESTED

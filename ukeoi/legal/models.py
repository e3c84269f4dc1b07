from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.legal.enums import DocumentKind


class DocumentVersion(models.Model):
    """L4: one version of a legal page, written by operators in the admin in both languages.

    A version is in force from `effective_from` until the next version of its kind takes
    effect. Once in force it is never changed (the admin refuses it): a change is a new
    version, a new row, with the next number."""

    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    # 1, 2, 3 … per kind, in order of publication; never reused.
    number = models.PositiveIntegerField(_("version"))
    title_ja = models.CharField(_("title (Japanese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    body_ja = models.TextField(_("text (Japanese)"), max_length=100_000)
    body_en = models.TextField(_("text (English)"), max_length=100_000)
    changes_ja = models.TextField(
        _("what changed (Japanese)"),
        max_length=4000,
        blank=True,
        help_text=_("Shown to users asked to agree to this version."),
    )
    changes_en = models.TextField(_("what changed (English)"), max_length=4000, blank=True)
    effective_from = models.DateTimeField(_("in force from"))
    created_at = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("legal document version")
        verbose_name_plural = _("legal document versions")
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="legal_version_number_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=DocumentKind.values), name="legal_version_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="legal_version_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("legal:version", kwargs={"kind": self.kind, "number": self.number})

    def _localized(self, field: str) -> str:
        value = getattr(self, f"{field}_en") if (get_language() or "ja")[:2] == "en" else ""
        return value or str(getattr(self, f"{field}_ja"))

    @property
    def title(self) -> str:
        return self._localized("title")

    @property
    def body(self) -> str:
        return self._localized("body")

    @property
    def changes(self) -> str:
        return self._localized("changes")

    def in_force_at(self, moment: datetime) -> bool:
        """Published: in force now or earlier (and so never to be changed again)."""
        return self.effective_from <= moment


class Consent(models.Model):
    """L4: a user agreed to one version of the terms or the privacy policy at a moment.
    Kept as a record (never changed or deleted, also after withdrawal and erasure, P2) and
    exported (P3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_consents",
        verbose_name=_("user"),
    )
    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="consents",
        verbose_name=_("version"),
    )
    consented_at = models.DateTimeField(_("agreed at"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-consented_at"]
        constraints = [
            # Also the index of the one query the consent check makes per request.
            models.UniqueConstraint(fields=["user", "version"], name="legal_consent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.version}"

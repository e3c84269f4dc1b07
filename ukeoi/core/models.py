from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One row per state change made by a service: who did what to which object,
    with the values before and after. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id}"


class OutboxMail(models.Model):
    """A rendered mail, written in the transaction of the action it tells about: once the
    action commits its mail cannot be lost (broker away, web process killed between the
    commit and the queueing). `ukeoi.core.mail` sends it and deletes the row; the sweep
    (`core-outbox-sweep`, every minute) retries rows left unsent."""

    to = models.EmailField(_("to"), max_length=254)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"))
    template = models.CharField(_("template"), max_length=100)
    created_at = models.DateTimeField(_("created at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("unsent mail")
        verbose_name_plural = _("unsent mail")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at", "id"], name="core_outbox_created")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to}"


class OutboxTask(models.Model):
    """A Celery task to run, written in the transaction of the action that asks for it:
    a broker that is away when the action commits delays the task, never loses it
    (issue 23). `ukeoi.core.taskqueue` publishes it after the commit and deletes the row;
    the sweep (`core-outbox-sweep`) publishes rows left behind. Tasks run at least once:
    every task queued this way is safe to run twice."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("unsent task")
        verbose_name_plural = _("unsent tasks")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at", "id"], name="core_outboxtask_created")]

    def __str__(self) -> str:
        return self.task

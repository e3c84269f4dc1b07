"""Every mail is a pair of templates, `<name>_subject.txt` and `<name>_body.txt`, rendered
in the recipient's language into the outbox (`OutboxMail`) inside the surrounding
transaction, and sent by a task after it commits."""

import logging
import smtplib
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import translation

from ukeoi.core import clock
from ukeoi.core.models import OutboxMail
from ukeoi.core.outages import BROKER_ERRORS, log_outage
from ukeoi.core.taskqueue import publish_now

logger = logging.getLogger(__name__)

# The task that delivers one outbox mail, named (tasks call this module, never the reverse).
SEND_TASK = "ukeoi.core.tasks.send_outbox_mail"


def absolute_url(path: str) -> str:
    """A site path as a link a mail client can open (SITE_URL + path)."""
    return settings.SITE_URL + path


def render_mail(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"mail/{template}_subject.txt", context)
        body = render_to_string(f"mail/{template}_body.txt", context)
    return " ".join(subject.split()), body


def send_templated_mail(
    *, to: str, template: str, context: dict[str, Any], language: str | None = None
) -> None:
    """Render now (the data is as of this transaction) into the outbox, in this
    transaction; a task sends it after commit."""
    subject, body = render_mail(template, context, language or settings.LANGUAGE_CODE)
    mail = OutboxMail.objects.create(
        to=to, subject=subject, body=body, template=template, created_at=clock.now()
    )

    def _enqueue() -> None:
        try:
            publish_now(SEND_TASK, mail.pk)
        except BROKER_ERRORS as error:
            log_outage("broker", error)
            return
        logger.info("mail queued: %s", template)

    # A mail that cannot be queued (broker away) stays in the outbox for the sweep; it
    # never undoes or fails the committed action (issue 23).
    transaction.on_commit(_enqueue, robust=True)


class Recipient(Protocol):
    """A user of the site as mail sees one (core imports no app)."""

    email: str
    language: str

    @property
    def is_withdrawn(self) -> bool: ...


def notify(recipient: Recipient, template: str, **context: Any) -> None:
    """A notice to a user in their language, with `recipient` in the context. A withdrawn
    account gets no more notices (mail it means to reach a withdrawn account — the
    withdrawal receipt, the erasure offer — goes through `send_templated_mail`)."""
    if recipient.is_withdrawn:
        return
    send_templated_mail(
        to=recipient.email,
        template=template,
        context={"recipient": recipient, **context},
        language=recipient.language,
    )


def outbox_mail_send(mail_id: int) -> bool:
    """Send one outbox mail and delete its row; False when it is gone (sent already) or
    being sent by another worker. The row stays locked while the SMTP server takes the
    mail, so the queued task and the sweep never both send it. A refused or unreachable
    server: the attempt is counted, the row stays, the error is raised (Celery retries).
    At least once: a worker killed after the server took the mail, before the commit,
    leaves the row for a second copy."""
    error: Exception | None = None
    with transaction.atomic():
        mail = (
            OutboxMail.objects.select_for_update(skip_locked=True)
            .filter(pk=mail_id)
            .only("to", "subject", "body")
            .first()
        )
        if mail is None:
            return False
        try:
            EmailMessage(subject=mail.subject, body=mail.body, to=[mail.to]).send()
        except (smtplib.SMTPException, OSError) as exc:
            error = exc
            OutboxMail.objects.filter(pk=mail_id).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:1000]
            )
        else:
            mail.delete()
    if error is not None:
        raise error
    return True


def outbox_sweep(
    *, older_than: timedelta, give_up_after: timedelta, limit: int = 500
) -> dict[str, int]:
    """Send the mail left in the outbox longer than `older_than` (its task was never
    queued, or failed all its retries); drop, with an error in the log, what has waited
    longer than `give_up_after`. Returns the counts."""
    now = clock.now()
    dropped = OutboxMail.objects.filter(created_at__lt=now - give_up_after)
    for template, to in dropped.values_list("template", "to"):
        logger.error("mail given up after %s: %s to %s", give_up_after, template, to)
    counts = {"dropped": dropped.delete()[0], "sent": 0, "failed": 0}
    waiting = OutboxMail.objects.filter(created_at__lt=now - older_than).order_by("created_at")
    for mail_id in waiting.values_list("pk", flat=True)[:limit]:
        try:
            counts["sent"] += outbox_mail_send(mail_id)
        except (smtplib.SMTPException, OSError):
            counts["failed"] += 1
    return counts

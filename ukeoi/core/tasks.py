import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from ukeoi.core.mail import outbox_mail_send
from ukeoi.core.mail import outbox_sweep as mail_sweep
from ukeoi.core.taskqueue import outbox_task_sweep


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=6,
    acks_late=True,
)
def send_outbox_mail(mail_id: int) -> bool:
    """Deliver one mail of the outbox. Retried with back-off while the SMTP server is away;
    after that the sweep takes it."""
    return outbox_mail_send(mail_id)


@shared_task(acks_late=True)
def outbox_sweep() -> dict[str, int]:
    """Mail and tasks left unsent (broker away at commit, retries used up): send them now."""
    older_than = timedelta(seconds=settings.OUTBOX_RETRY_AFTER_SECONDS)
    counts = outbox_task_sweep(older_than=older_than)
    counts.update(
        mail_sweep(
            older_than=older_than, give_up_after=timedelta(days=settings.OUTBOX_GIVE_UP_DAYS)
        )
    )
    return counts

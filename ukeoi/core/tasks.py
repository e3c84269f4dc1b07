import smtplib

from celery import shared_task
from django.core.mail import EmailMessage


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    max_retries=6,
    acks_late=True,
)
def send_email(*, subject: str, body: str, to: list[str]) -> None:
    """Deliver one rendered mail. Retried with back-off while the SMTP server is away."""
    EmailMessage(subject=subject, body=body, to=to).send()

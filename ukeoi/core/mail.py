"""Every mail is a pair of templates, `<name>_subject.txt` and `<name>_body.txt`, rendered
in the recipient's language and sent only after the surrounding transaction commits."""

import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from ukeoi.core.tasks import send_email

logger = logging.getLogger(__name__)


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
    """Render now (the data is as of this transaction); a task sends it after commit."""
    subject, body = render_mail(template, context, language or settings.LANGUAGE_CODE)

    def _enqueue() -> None:
        send_email.delay(subject=subject, body=body, to=[to])
        logger.info("mail queued: %s", template)

    # A mail that cannot be queued is logged; it never undoes or fails the committed action.
    transaction.on_commit(_enqueue, robust=True)

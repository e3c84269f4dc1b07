"""`manage.py privacy_expire_sign_ins`: what the periodic task does, by hand (P2).

Deletes the django-axes sign-in records (access logs, failed attempts, their log) older
than SIGN_IN_RECORDS_KEEP_DAYS (default 90); a failed attempt still in its cool-off stays.
Idempotent."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ukeoi.privacy.services import sign_in_records_expire


class Command(BaseCommand):
    help = (
        "Delete sign-in records (access logs and failed attempts) older than "
        "SIGN_IN_RECORDS_KEEP_DAYS days. Safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = sign_in_records_expire()
        self.stdout.write(
            f"deleted {counts['access_logs']} access log(s), "
            f"{counts['failed_attempts']} failed attempt(s) and "
            f"{counts['failure_logs']} failure log(s) older than "
            f"{settings.SIGN_IN_RECORDS_KEEP_DAYS} days"
        )

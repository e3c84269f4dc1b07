"""`manage.py close_expired_jobs`: what the periodic task does, by hand (B1). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.jobs.services import jobs_close_expired


class Command(BaseCommand):
    help = (
        "Close every job whose proposal deadline has passed; their pending proposals become "
        "not selected. Safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        closed = jobs_close_expired()
        self.stdout.write(f"closed {closed} expired job(s)")

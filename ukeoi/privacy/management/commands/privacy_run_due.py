"""`manage.py privacy_run_due`: what the periodic task does, by hand (P4). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.privacy.services import erasure_run_due


class Command(BaseCommand):
    help = (
        "Perform every scheduled erasure whose 14 days have passed and mail each receipt. "
        "Safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = erasure_run_due()
        self.stdout.write(f"erased {done} account(s)")

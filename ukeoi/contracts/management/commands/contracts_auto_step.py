"""`manage.py contracts_auto_step`: what the periodic task does, by hand (B7). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.contracts.services import contracts_auto_step


class Command(BaseCommand):
    help = (
        "Take cancellation steps left undone for 7 days, send the reminders, and warn about "
        "or cancel contracts without activity for a year. Safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = contracts_auto_step()
        self.stdout.write(
            f"reminded {report.reminded}, stepped {report.stepped}, "
            f"warned {report.warned}, cancelled {report.cancelled}"
        )

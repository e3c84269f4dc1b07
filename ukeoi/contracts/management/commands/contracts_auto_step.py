"""`manage.py contracts_auto_step`: what the periodic task does, by hand (B7, L2).
Idempotent, and safe to run twice at once."""

from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.contracts.services import contracts_auto_step


class Command(BaseCommand):
    help = (
        "Accept deliveries whose inspection period has ended (with notice 3 days before), take "
        "cancellation steps left undone for 7 days, send the reminders, and warn about or "
        "cancel contracts without activity for a year. Safe to run any number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = contracts_auto_step()
        self.stdout.write(
            f"inspection reminded {report.inspection_reminded}, "
            f"accepted {report.accepted}, reminded {report.reminded}, "
            f"stepped {report.stepped}, warned {report.warned}, cancelled {report.cancelled}"
        )

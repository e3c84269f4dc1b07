from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.withdrawal import services


class Command(BaseCommand):
    help = "W9: withdraw the accounts whose withdraw-when-clear request has cleared."

    def handle(self, *args: Any, **options: Any) -> None:
        done = services.withdraw_when_clear_run()
        self.stdout.write(f"withdrawn: {done}")

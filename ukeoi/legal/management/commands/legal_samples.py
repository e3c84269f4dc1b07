from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.legal.samples import samples_load


class Command(BaseCommand):
    help = (
        "L4: create version 1 of the terms, the privacy policy and the 特商法 notice from the "
        "sample texts where none exists yet (idempotent). Replace them in the admin."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = samples_load()
        self.stdout.write(f"Legal pages: {created} sample version(s) created.")

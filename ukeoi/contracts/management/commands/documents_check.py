"""`manage.py documents_check`: T2 — every issued tax document reconciles with the ledger
to the yen, and numbers run without gaps (contracts.reconcile). Exit status 1 on any
discrepancy, each printed; like `ledger_check`, CI runs it on the demo data."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ukeoi.contracts.reconcile import documents_reconcile
from ukeoi.documents.models import Document


class Command(BaseCommand):
    help = "Check that the issued invoices, notices and receipts reconcile with the ledger."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = documents_reconcile()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} document discrepancies")
        self.stdout.write(f"documents OK: {Document.objects.count()} issued, all reconcile")

"""`manage.py privacy_purge_expired`: delete what is no longer kept (P4).

Deletes exactly: (1) data-export archives whose 7-day link has expired (the file in storage
and its row); (2) for accounts erased more than 7 years ago (the request's retain_until has
passed): their payout rows, kept until then only as tax records; (3) the bank transfer
(Zengin) files of payout batches paid more than 7 years ago (the batch rows stay). The
ledger, contracts,
jobs, proposals, ratings, the anonymous account row, retired identifiers (A5) and identity
digests (A6) are never deleted (see services.purge_expired). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.privacy.services import purge_expired


class Command(BaseCommand):
    help = (
        "Delete expired data-export archives, the payout records of accounts erased more "
        "than 7 years ago, and bank transfer files older than 7 years. Safe to run any "
        "number of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_expired()
        self.stdout.write(
            f"deleted {counts['exports']} expired export(s); "
            f"{counts['payouts']} payout record(s) of {counts['accounts']} erased account(s); "
            f"{counts['transfer_files']} old bank transfer file(s)"
        )

"""`manage.py privacy_purge_expired`: delete what is no longer kept (P4).

Deletes exactly: (1) data-export archives whose 7-day link has expired (the file in storage
and its row); (2) the payout rows of erased accounts, each 7 years after its batch's
payment date, the date the erasure receipt states (privacy.retention.kept_until); (3) the
bank transfer (Zengin) files of payout batches paid more than 7 years ago, by the same rule
(the batch rows stay); (4) the issued documents (L1, T4) whose retention date has passed,
7 years from the end of their fiscal year (documents.Document.retain_until). The ledger,
contracts, jobs, proposals, ratings, the anonymous account row, retired identifiers (A5)
and identity digests (A6) are never deleted (see services.purge_expired). Idempotent."""

from typing import Any

from django.core.management.base import BaseCommand

from ukeoi.privacy.services import purge_expired


class Command(BaseCommand):
    help = (
        "Delete expired data-export archives, and the payout records of erased accounts and "
        "the bank transfer files 7 years after their payment date, and issued documents 7 "
        "years from the end of their fiscal year. Safe to run any number "
        "of times."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = purge_expired()
        self.stdout.write(
            f"deleted {counts['exports']} expired export(s); "
            f"{counts['payouts']} payout record(s) of {counts['accounts']} erased account(s); "
            f"{counts['transfer_files']} old bank transfer file(s); "
            f"{counts['documents']} issued document(s) past retention"
        )

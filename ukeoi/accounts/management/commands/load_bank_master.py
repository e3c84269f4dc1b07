"""Load (or refresh) the Zengin bank and branch master from the zengin-code package.

Idempotent: rows are upserted by code, so running it again with the same data changes
nothing, and a newer package version updates names in place. Each run is recorded with
the data date the package carries."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from ukeoi.accounts.models import Bank, BankBranch, BankMasterLoad

FIELDS = ["name", "kana", "hira", "roma"]


class Command(BaseCommand):
    help = "Load or refresh the bank and branch master (zengin-code)."

    def handle(self, *args: Any, **options: Any) -> None:
        import zengin_code  # loads ~30,000 rows on import: only here, never in a request

        data_date = datetime.strptime(zengin_code.__version__.rsplit(".", 1)[1], "%Y%m%d").date()
        source = zengin_code.Bank.all
        branch_count = sum(len(bank.branches) for bank in source.values())
        latest = BankMasterLoad.objects.first()
        if latest and (latest.data_date, latest.banks, latest.branches) == (
            data_date,
            len(source),
            branch_count,
        ):
            self.stdout.write(f"Bank master of {data_date} is already loaded.")
            return
        with transaction.atomic():
            Bank.objects.bulk_create(
                [Bank(code=b.code, **{f: getattr(b, f) for f in FIELDS}) for b in source.values()],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=FIELDS,
                batch_size=1000,
            )
            bank_ids = dict(Bank.objects.values_list("code", "id"))
            branches = [
                BankBranch(
                    bank_id=bank_ids[bank.code],
                    code=branch.code,
                    **{f: getattr(branch, f) for f in FIELDS},
                )
                for bank in source.values()
                for branch in bank.branches.values()
            ]
            BankBranch.objects.bulk_create(
                branches,
                update_conflicts=True,
                unique_fields=["bank", "code"],
                update_fields=FIELDS,
                batch_size=2000,
            )
            load = BankMasterLoad.objects.create(
                data_date=data_date, banks=len(source), branches=len(branches)
            )
        self.stdout.write(
            f"Bank master of {load.data_date}: {load.banks} banks, {load.branches} branches."
        )

"""`manage.py ledger_check`: prove M1 on the stored ledger; exit 1 on any drift."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ukeoi.ledger.selectors import ledger_check_get


class Command(BaseCommand):
    help = (
        "Verify the ledger: every transaction sums to zero, every running balance equals "
        "the sum of its entries, and the grand total is zero. Exits non-zero on any drift."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        check = ledger_check_get()
        self.stdout.write(
            f"accounts={check.accounts} transactions={check.transactions} "
            f"entries={check.entries} balance_total={check.balance_total} "
            f"entry_total={check.entry_total}"
        )
        for total in check.totals:
            self.stdout.write(f"  {total.kind:<22} accounts={total.accounts:<8} {total.balance:+,}")
        problems = [
            *(
                f"transaction {t.transaction_id} ({t.key}) sums to {t.entry_sum:+,}"
                for t in check.unbalanced_transactions
            ),
            *(
                f"transaction {t.transaction_id} ({t.key}) has no entries"
                for t in check.transactions_without_entries
            ),
            *(
                f"account {a.account_id} ({a.kind}) balance {a.balance:+,} "
                f"!= sum of entries {a.entry_sum:+,}"
                for a in check.drifting_accounts
            ),
            *(
                f"entry {entry_id} balance_after is not its account's running sum"
                for entry_id in check.broken_running_balances
            ),
        ]
        if check.balance_total != 0:
            problems.append(f"balances sum to {check.balance_total:+,}, not zero")
        if check.entry_total != 0:
            problems.append(f"entries sum to {check.entry_total:+,}, not zero")
        if problems:
            for problem in problems:
                self.stderr.write(f"DRIFT {problem}")
            raise CommandError(f"ledger drift: {len(problems)} problem(s) found")
        self.stdout.write(self.style.SUCCESS("ledger OK"))

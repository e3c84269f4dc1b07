"""`manage.py payout_run --close-date YYYY-MM-DD`: run, resume or find done the payout batch
of one close date (M3–M5), with a progress bar on stderr. Safe to run any number of times,
and to kill: the next run continues where the killed one stopped."""

import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukeoi.core.errors import ApplicationError
from ukeoi.payouts.services import payout_batch_run


class ProgressBar:
    """A plain text bar, redrawn in place on a terminal, one line per 10 % otherwise."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.started = time.monotonic()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        tenth = int(share * 10)
        if not self.tty and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.monotonic() - self.started
        line = f"[{bar}] {done:,}/{total:,} accounts {share:6.1%} {elapsed:6.1f}s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Run the payout batch of a close date (the 15th or a month's last day, already "
        "ended): pay every eligible balance, write the Zengin transfer file. Idempotent and "
        "resumable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--close-date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--chunk-size", type=int, default=None, help="accounts per transaction")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            close_date = date.fromisoformat(options["close_date"])
        except ValueError as error:
            raise CommandError(
                f"--close-date: {options['close_date']!r} is not YYYY-MM-DD"
            ) from error
        chunk_size = options["chunk_size"]
        if chunk_size is not None and chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        progress = None if options["no_progress"] else ProgressBar(sys.stderr)
        try:
            batch = payout_batch_run(
                close_date=close_date, progress=progress, chunk_size=chunk_size
            )
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            f"batch {batch.pk} close {batch.close_date} pay {batch.payment_date}: {batch.status}, "
            f"{batch.payout_count} payouts, {batch.total_amount} yen "
            f"(fees {batch.total_fee}), files: "
            + (", ".join(f.file.name for f in batch.files.all()) or "-")
        )

"""Ledger posting throughput against pgbench TPC-B on the same PostgreSQL server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ukeoi .venv/bin/python -m bench.ledger

Uses the server of DATABASE_URL, never its database: it creates `ukeoi_bench` (migrated, for
the ledger) and `ukeoi_pgbench` (`pgbench -i`, scale 1 by default), and drops both at the end.

Each round, four worker processes post N two-leg transfers through
`ukeoi.ledger.services.post()` between random pairs of accounts, then
`pgbench -c 4 -j 4 -T <the seconds that took>` runs TPC-B. Rounds alternate so that both
sides see the same background load; the figures are medians over the rounds (the ratio is
the median of each round's ratio). `ledger_check` must pass afterwards. Progress goes to
stderr; stdout gets exactly one JSON line:

    {"ledger_tps": ..., "pgbench_tps": ..., "ratio": ...}
"""

import argparse
import json
import math
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.pg import log, recreate_database, setup_django, with_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "ukeoi_bench"
PGBENCH_DB = "ukeoi_pgbench"
OPENING_BALANCE = 10**12
WARMUP_POSTINGS = 20


def prepare_ledger(accounts: int) -> list[int]:
    """Migrate, create `accounts` escrow accounts and fund each from the bank."""
    from django.core.management import call_command

    from ukeoi.ledger import services
    from ukeoi.ledger.enums import AccountKind

    call_command("migrate", verbosity=0, skip_checks=True)
    bank = services.platform_account(kind=AccountKind.BANK)
    created = [
        services.escrow_account(subject_type="bench.account", subject_id=n) for n in range(accounts)
    ]
    services.post(
        key="bench:opening",
        kind="bench.opening",
        legs=[(bank, -OPENING_BALANCE * accounts), *[(a, OPENING_BALANCE) for a in created]],
    )
    return [account.pk for account in created]


def worker(name: str, account_ids: list[int], transfers: int, start: Any, done: Any) -> None:
    """One process: warm up, wait for the start signal, post `transfers` transfers."""
    from django.db import connections

    from ukeoi.ledger.models import LedgerAccount
    from ukeoi.ledger.services import post

    connections.close_all()  # never share the parent's connection after fork
    accounts = {a.pk: a for a in LedgerAccount.objects.filter(pk__in=account_ids)}
    rng = random.Random(name)

    def transfer(key: str) -> None:
        source, target = rng.sample(account_ids, 2)
        amount = rng.randint(1, 10_000)
        post(
            key=key,
            kind="bench.transfer",
            legs=[(accounts[source], -amount), (accounts[target], amount)],
        )

    for n in range(WARMUP_POSTINGS):
        transfer(f"bench:warmup:{name}:{n}")
    start.wait()
    for n in range(transfers):
        transfer(f"bench:{name}:{n}")
    done.put(name)
    connections.close_all()


def run_ledger(round_: int, account_ids: list[int], transfers: int, workers: int) -> float:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, done = context.Barrier(workers + 1), context.Queue()
    per_worker = math.ceil(transfers / workers)
    processes = [
        context.Process(target=worker, args=(f"{round_}.{i}", account_ids, per_worker, start, done))
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    for _ in processes:
        done.get(timeout=600)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit(f"ledger worker failed with exit code {process.exitcode}")
    return per_worker * workers / elapsed


class PgBench:
    def __init__(self, url: str) -> None:
        self.program = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"
        parts = urlsplit(url)
        self.env = {**os.environ}
        if parts.password:
            self.env["PGPASSWORD"] = parts.password
        self.connection = [
            "-h", parts.hostname or "127.0.0.1",
            "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres",
            PGBENCH_DB,
        ]  # fmt: skip

    def initialise(self, scale: int) -> None:
        self.run(["-i", "-q", "-s", str(scale)])

    def tps(self, clients: int, seconds: int) -> float:
        output = self.run(["-c", str(clients), "-j", str(clients), "-T", str(seconds)])
        match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output)
        if match is None:
            raise SystemExit(f"could not read pgbench output:\n{output}")
        return float(match.group(1))

    def run(self, arguments: list[str]) -> str:
        result = subprocess.run(
            [self.program, *arguments, *self.connection],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"pgbench failed:\n{result.stdout}{result.stderr}")
        return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description="Ledger posting throughput vs pgbench.")
    parser.add_argument("--transfers", type=int, default=3000, help="postings per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--workers", type=int, default=4, help="concurrent processes/clients")
    parser.add_argument("--accounts", type=int, default=1000, help="accounts to move between")
    parser.add_argument(
        "--pgbench-scale",
        type=int,
        default=1,
        help="pgbench -i scale (default 1, as plain `pgbench -i`; 4 gives each client a branch)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/ledger.py needs DATABASE_URL=postgres://... (PostgreSQL)")

    recreate_database(url, BENCH_DB)
    recreate_database(url, PGBENCH_DB)
    rounds: list[tuple[float, float]] = []
    try:
        setup_django(with_database(url, BENCH_DB))
        account_ids = prepare_ledger(args.accounts)
        pgbench = PgBench(with_database(url, PGBENCH_DB))
        pgbench.initialise(args.pgbench_scale)
        for round_ in range(args.rounds):
            ledger_tps = run_ledger(round_, account_ids, args.transfers, args.workers)
            seconds = max(1, round(args.transfers / ledger_tps))
            pgbench_tps = pgbench.tps(args.workers, seconds)
            log(
                f"round {round_ + 1}: ledger {ledger_tps:.0f} tps ({args.transfers} postings), "
                f"pgbench {pgbench_tps:.0f} tps ({seconds}s, scale {args.pgbench_scale})"
            )
            rounds.append((ledger_tps, pgbench_tps))
        from ukeoi.ledger.selectors import ledger_check_get

        check = ledger_check_get()
        if not check.ok:
            raise SystemExit(f"ledger drift after the benchmark: {check}")
        log(f"ledger_check OK: {check.transactions} transactions, {check.entries} entries")
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        recreate_database(url, BENCH_DB, drop_only=True)
        recreate_database(url, PGBENCH_DB, drop_only=True)
    print(
        json.dumps(
            {
                "ledger_tps": round(statistics.median(r[0] for r in rounds), 1),
                "pgbench_tps": round(statistics.median(r[1] for r in rounds), 1),
                "ratio": round(statistics.median(r[0] / r[1] for r in rounds), 3),
            }
        )
    )


if __name__ == "__main__":
    main()

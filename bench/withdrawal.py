"""The withdrawal facts selector (W1, W2) at 10 and at 1,000,000 rows of an account's history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ukeoi .venv/bin/python -m bench.withdrawal

Uses the server of DATABASE_URL, never its database: it creates `ukeoi_bench_withdrawal`
(migrated), fills it, and drops it at the end (--keep leaves it). Two accounts get the same
kinds of history — closed jobs they posted, proposals that were not selected, approved task
units, completed contracts with accepted milestones — 10 rows for one, 1,000,000 for the
other (written with INSERT … SELECT generate_series, then ANALYZE). Neither has a blocker.

For each account the selector runs `--warmup` times, then `--runs` times timed; the figure
is the median. Progress goes to stderr; stdout gets exactly one JSON line:

    {"queries_small": 8, "queries_large": 8, "median_ms_small": ..., "median_ms_large": ...,
     "ratio": ..., "rows_small": 10, "rows_large": 1000000}

Targets: the same query count at both sizes, and ratio <= 2.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.pg import log, recreate_database, setup_django, with_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "ukeoi_bench_withdrawal"
# Shares of the history by kind (sum 1): jobs posted, proposals, task units, contracts
# (each with one accepted milestone, counted as two rows).
SHARES = {"jobs": 0.4, "proposals": 0.25, "units": 0.25, "contracts": 0.05}


def _insert_series(model: Any, count: int, values: dict[str, str]) -> None:
    """INSERT `count` rows of `model`, each field given as an SQL expression over g (1..n)."""
    from django.db import connection

    if count <= 0:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in values)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"SELECT {', '.join(values.values())} FROM generate_series(1, %s) AS g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [count])


def build_history(user_id: int, other_id: int, rows: int) -> None:
    """`rows` rows of finished work for `user_id`; `other_id` is the counterpart."""
    from django.db import connection
    from django.utils import timezone

    from ukeoi.contracts.models import Contract, Milestone
    from ukeoi.jobs.models import Job, Proposal, TaskSubmission

    contracts = int(rows * SHARES["contracts"])
    units = int(rows * SHARES["units"])
    proposals = int(rows * SHARES["proposals"])
    jobs = rows - 2 * contracts - units - proposals
    past = "now() - interval '60 days'"
    closed = "now() - interval '30 days'"
    job_values = {
        "client": str(user_id),
        "title": "'past job ' || g",
        "description": "'finished'",
        "category": "'design'",
        "format": "'project'",
        "budget_min": "10000",
        "budget_max": "20000",
        "deadline": closed,
        "status": "'closed'",
        "created_at": past,
        "closed_at": closed,
    }
    _insert_series(Job, jobs, job_values)
    # The counterpart's jobs the user proposed on (one proposal each, not selected).
    first_other = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _insert_series(Job, proposals, {**job_values, "client": str(other_id)})
    _insert_series(
        Proposal,
        proposals,
        {
            "job": f"{first_other} + g",
            "lancer": str(user_id),
            "amount": "10000",
            "message": "'proposal'",
            "status": "'not_selected'",
            "created_at": past,
            "decided_at": closed,
        },
    )
    task = Job.objects.create(
        client_id=other_id,
        title="task",
        description="units",
        category="data_entry",
        format="task",
        unit_reward=100,
        units=max(units, 1),
        budget_min=100 * max(units, 1),
        budget_max=100 * max(units, 1),
        deadline=timezone.now() - timedelta(days=30),
        status="closed",
        closed_at=timezone.now() - timedelta(days=30),
    )
    _insert_series(
        TaskSubmission,
        units,
        {
            "job": str(task.pk),
            "lancer": str(user_id),
            "content": "'unit ' || g",
            "status": "'approved'",
            "created_at": past,
            "decided_at": closed,
        },
    )
    first_contract = Contract.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _insert_series(
        Contract,
        contracts,
        {
            "job": str(task.pk),
            "client": str(other_id),
            "lancer": str(user_id),
            "title": "'contract ' || g",
            "status": "'completed'",
            "created_at": past,
            "updated_at": closed,
            "last_activity_at": closed,
            "work_started_at": past,
            "completed_at": closed,
        },
    )
    _insert_series(
        Milestone,
        contracts,
        {
            "contract": f"{first_contract} + g",
            "position": "1",
            "title": "'milestone'",
            "amount": "10000",
            "status": "'accepted'",
            "escrow_amount": "10000",
            "client_fee": "550",
            "lancer_fee": "1650",
            "created_at": past,
            "agreed_at": past,
            "escrowed_at": past,
            "delivered_at": closed,
            "accepted_at": closed,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(user: Any, *, warmup: int, runs: int) -> tuple[int, float]:
    """(queries of one call, median milliseconds per call)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ukeoi.withdrawal.selectors import withdrawal_facts_get

    with CaptureQueriesContext(connection) as captured:
        facts = withdrawal_facts_get(user=user)
    assert facts.open_jobs.count == 0, "the bench accounts must have no blockers"
    for _ in range(warmup):
        withdrawal_facts_get(user=user)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        withdrawal_facts_get(user=user)
        timings.append((time.perf_counter() - start) * 1000)
    return len(captured.captured_queries), statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/withdrawal.py needs DATABASE_URL=postgres://… (a PostgreSQL server)")

    recreate_database(url, BENCH_DB)
    try:
        setup_django(with_database(url, BENCH_DB))
        from django.core.management import call_command

        from ukeoi.accounts.models import User

        log("migrating …")
        call_command("migrate", verbosity=0, skip_checks=True)
        make = User.objects.create_user
        small = make("small@bench.example", "bench_small", "少ない履歴", "x" * 20)
        large = make("large@bench.example", "bench_large", "多い履歴", "x" * 20)
        other = make("other@bench.example", "bench_other", "取引相手", "x" * 20)
        started = time.perf_counter()
        build_history(small.pk, other.pk, args.small)
        log(f"building {args.large:,} rows of history …")
        build_history(large.pk, other.pk, args.large)
        log(f"built in {time.perf_counter() - started:.1f} s; measuring …")
        queries_small, median_small = measure(small, warmup=args.warmup, runs=args.runs)
        queries_large, median_large = measure(large, warmup=args.warmup, runs=args.runs)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(url, BENCH_DB, drop_only=True)
    print(
        json.dumps(
            {
                "queries_small": queries_small,
                "queries_large": queries_large,
                "median_ms_small": round(median_small, 3),
                "median_ms_large": round(median_large, 3),
                "ratio": round(median_large / median_small, 3),
                "rows_small": args.small,
                "rows_large": args.large,
            }
        )
    )


if __name__ == "__main__":
    main()

"""The payout batch end to end against one set-based SQL statement doing the same work.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ukeoi .venv/bin/python -m bench.payouts \
        --accounts 1000000

Uses the server of DATABASE_URL, never its database: it creates `ukeoi_bench_payouts`
(migrated), seeds `--accounts` eligible payees with set-based SQL (tests/payouts/batch_seed.py:
user, profile, bank account, reward balance from one ledger transaction), and drops it at the
end (unless --keep).

1. `sql_s`: ONE statement (data-modifying CTEs) that does what the batch does to the
   database: the payout rows (M4 eligibility, M6 fee, balance confirmed by the close), one
   in-transit ledger account, transaction and three entries (with running balances) per
   payout, and the balance updates, foreign keys checked immediately (as the batch's
   commits check them). Timed, then rolled back and the tables vacuumed.
2. `batch_s`: `manage.py payout_run --close-date …` in a subprocess, wall clock: Django
   start-up, the chunked batch (locks, INSERT … SELECT, `ledger.post_many`, a commit per
   chunk), the Zengin file (not part of the SQL statement) and the export.
   `peak_rss_mb` is that subprocess's peak resident memory.

Afterwards the batch must have made exactly as many payouts, for the same total, as the
statement, and `ledger_check` must pass. Progress goes to stderr; stdout gets one JSON line:

    {"accounts": ..., "batch_s": ..., "sql_s": ..., "ratio": ..., "peak_rss_mb": ...}
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.pg import log, recreate_database, setup_django, with_database

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "ukeoi_bench_payouts"
CLOSE = date(2026, 3, 15)
CREDITED = datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


# The whole batch as one statement; the same tables, conditions and results as
# ukeoi.payouts.services (_insert_payouts + _post_requests), without chunks or a file.
SINGLE_STATEMENT = """
WITH eligible AS (
    SELECT u.id AS user_id, ra.id AS reward_id, ra.balance AS reward_balance,
        ra.balance - COALESCE((
            SELECT SUM(e.amount) FROM ledger_ledgerentry e
            JOIN ledger_ledgertransaction tx ON tx.id = e.transaction_id
            WHERE e.account_id = ra.id AND e.amount > 0 AND tx.created_at >= %(cutoff)s
        ), 0) AS confirmed,
        CASE WHEN b.code = %(own_bank)s THEN %(own_fee)s ELSE %(other_fee)s END AS fee,
        (COALESCE(ps.mode, 'auto') = 'auto') AS auto_mode,
        COALESCE(ps.final_payout, FALSE) AS final,
        b.code AS bank_code, b.kana AS bank_name, br.code AS branch_code,
        br.kana AS branch_name, ba.account_type, ba.number, ba.holder_kana
    FROM accounts_user u
    JOIN ledger_ledgeraccount ra ON ra.owner_id = u.id AND ra.kind = 'reward'
    JOIN accounts_bankaccount ba ON ba.user_id = u.id
    JOIN accounts_bank b ON b.id = ba.bank_id
    JOIN accounts_bankbranch br ON br.id = ba.branch_id
    JOIN accounts_profile p ON p.user_id = u.id
    LEFT JOIN payouts_payoutsettings ps ON ps.user_id = u.id
    WHERE u.status = 'active' AND u.is_active AND ra.balance > 0
        AND p.legal_name <> '' AND p.legal_name_kana <> '' AND p.postal_code <> ''
        AND p.prefecture <> '' AND p.city <> '' AND p.street <> ''
        AND NOT EXISTS (
            SELECT 1 FROM payouts_payout x WHERE x.batch_id = %(batch)s AND x.user_id = u.id
        )
), chosen AS (
    SELECT * FROM eligible
    WHERE confirmed - fee > 0 AND ((auto_mode AND confirmed >= %(minimum)s) OR final)
), payouts AS (
    INSERT INTO payouts_payout (batch_id, user_id, amount, fee, net, is_final, status,
        failure_reason, bank_code, bank_name, branch_code, branch_name, account_type,
        account_number, holder_kana, created_at)
    SELECT %(batch)s, user_id, confirmed, fee, confirmed - fee,
        NOT (auto_mode AND confirmed >= %(minimum)s), 'requested', '', bank_code, bank_name,
        branch_code, branch_name, account_type, number, holder_kana, %(now)s
    FROM chosen ORDER BY user_id
    RETURNING id, user_id, amount, fee, net
), moves AS (
    SELECT p.*, c.reward_id, c.reward_balance,
        SUM(p.fee) OVER (ORDER BY p.id) AS fee_running
    FROM payouts p JOIN chosen c ON c.user_id = p.user_id
), transit AS (
    INSERT INTO ledger_ledgeraccount (kind, owner_id, subject_type, subject_id, balance,
        created_at)
    SELECT 'payout_in_transit', NULL, 'payouts.payout', m.id::text, m.net, %(now)s FROM moves m
    ORDER BY m.id
    RETURNING id, subject_id
), txns AS (
    INSERT INTO ledger_ledgertransaction (key, kind, memo, created_at, legs_fingerprint)
    SELECT 'payout:' || m.id || ':request', 'payout.request', '', %(now)s, '' FROM moves m
    ORDER BY m.id
    RETURNING id, key
), entries AS (
    INSERT INTO ledger_ledgerentry (transaction_id, account_id, amount, balance_after)
    SELECT t.id, leg.account_id, leg.amount, leg.after
    FROM moves m
    JOIN txns t ON t.key = 'payout:' || m.id || ':request'
    JOIN transit a ON a.subject_id = m.id::text
    CROSS JOIN LATERAL (VALUES
        (1, m.reward_id, -m.amount, m.reward_balance - m.amount),
        (2, a.id, m.net, m.net),
        (3, %(fee_account)s, m.fee, %(fee_balance)s + m.fee_running)
    ) AS leg(n, account_id, amount, after)
    WHERE leg.amount <> 0
    ORDER BY m.id, leg.n
), rewards AS (
    UPDATE ledger_ledgeraccount ra SET balance = ra.balance - m.amount
    FROM moves m WHERE ra.id = m.reward_id
), fees AS (
    UPDATE ledger_ledgeraccount SET balance = balance + (SELECT COALESCE(SUM(fee), 0) FROM moves)
    WHERE id = %(fee_account)s
)
SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM moves
"""


def time_single_statement(url: str) -> tuple[float, int, int]:
    """Run the single statement in a transaction, roll it back; (seconds, payouts, total)."""
    import psycopg
    from django.conf import settings

    from ukeoi.core import clock
    from ukeoi.ledger import services as ledger
    from ukeoi.ledger.enums import AccountKind
    from ukeoi.payouts.calendar import cycle_for_close
    from ukeoi.payouts.models import PayoutBatch
    from ukeoi.payouts.services import close_cutoff

    fee_account = ledger.platform_account(kind=AccountKind.TRANSFER_FEE_REVENUE)
    # A batch row for the statement's payouts to point at (rolled back with them).
    with psycopg.connect(url) as conn:
        with conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {PayoutBatch._meta.db_table} (close_date, payment_date, cutoff, "
                "status, payout_count, total_amount, total_fee, cursor_user_id, runs, "
                "created_at) VALUES (%s, %s, %s, 'running', 0, 0, 0, 0, 0, %s) RETURNING id",
                [CLOSE, cycle_for_close(CLOSE).pay_date, close_cutoff(CLOSE), clock.now()],
            )
            row = cursor.fetchone()
            assert row is not None
            batch_id = row[0]
            params = {
                "batch": batch_id,
                "cutoff": close_cutoff(CLOSE),
                "own_bank": settings.PAYOUT_PLATFORM_BANK_CODE,
                "own_fee": settings.PAYOUT_FEE_OWN_BANK,
                "other_fee": settings.PAYOUT_FEE_OTHER_BANK,
                "minimum": settings.PAYOUT_MINIMUM,
                "now": clock.now(),
                "fee_account": fee_account.pk,
                "fee_balance": fee_account.balance,
            }
            # The foreign keys are checked in the statement rather than at a commit that
            # never comes (the batch pays for its checks when each chunk commits).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            started = time.perf_counter()
            cursor.execute(SINGLE_STATEMENT, params)
            result = cursor.fetchone()
            seconds = time.perf_counter() - started
            assert result is not None
            count, total = result
        conn.rollback()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return seconds, int(count), int(total)


def time_batch(url: str, media: str) -> tuple[float, float]:
    """`manage.py payout_run` in a subprocess: (wall seconds, its peak RSS in MB)."""
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": media, "CELERY_BROKER_URL": ""}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "payout_run", "--close-date", CLOSE.isoformat()],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=sys.stderr,  # stdout is for the one JSON line
    )
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ukeoi")
    if not server.startswith("postgres"):
        sys.exit("bench/payouts.py needs PostgreSQL: DATABASE_URL=postgres://…")
    url = with_database(server, BENCH_DB)
    recreate_database(server, BENCH_DB)
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        from tests.payouts.batch_seed import seed_payees
        from ukeoi.ledger.selectors import ledger_check_get
        from ukeoi.payouts.models import PayoutBatch

        call_command("migrate", verbosity=0, skip_checks=True)
        log(f"seeding {args.accounts:,} payees …")
        started = time.perf_counter()
        seeded = seed_payees(accounts=args.accounts, credited_at=CREDITED, tag="bench")
        connection.close()
        log(f"seeded in {time.perf_counter() - started:.1f}s; the single statement …")
        sql_s, sql_count, sql_total = time_single_statement(url)
        log(f"single statement: {sql_s:.1f}s, {sql_count:,} payouts; the batch …")
        with tempfile.TemporaryDirectory() as media:
            batch_s, peak_rss_mb = time_batch(url, media)
        batch = PayoutBatch.objects.get(close_date=CLOSE)
        log(f"batch: {batch_s:.1f}s, {batch.payout_count:,} payouts, peak {peak_rss_mb:.0f} MB")
        assert batch.payout_count == sql_count == seeded.eligible, (batch.payout_count, sql_count)
        assert batch.total_amount == sql_total == seeded.eligible_total
        check = ledger_check_get()
        assert check.ok, check
        connection.close()
    finally:
        if not args.keep:
            recreate_database(server, BENCH_DB, drop_only=True)
    print(
        json.dumps(
            {
                "accounts": args.accounts,
                "batch_s": round(batch_s, 2),
                "sql_s": round(sql_s, 2),
                "ratio": round(batch_s / sql_s, 2),
                "peak_rss_mb": round(peak_rss_mb, 1),
            }
        )
    )


if __name__ == "__main__":
    main()

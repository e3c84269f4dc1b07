"""M1: `manage.py ledger_check` passes on a clean ledger and fails loudly on any drift."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection

from tests.ledger.support import bypass_postgres_guards
from ukeoi.ledger import services
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount, LedgerEntry, LedgerTransaction


@pytest.fixture
def ledger(bank, escrow, reward, fee_lancer) -> LedgerTransaction:
    """A small clean ledger: a pay-in into escrow and a release."""
    return services.post(
        key="release",
        kind="milestone.release",
        legs=[(escrow, -10_000), (reward, 8_000), (fee_lancer, 2_000)],
    )


def run_check() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ledger_check", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing_check() -> str:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="ledger drift"):
        call_command("ledger_check", stdout=out, stderr=err)
    return err.getvalue()


def execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_m1_ledger_check_passes_on_a_clean_ledger_and_prints_a_summary(ledger):
    out, err = run_check()
    assert "accounts=4 transactions=2 entries=5 balance_total=0 entry_total=0" in out
    assert "reward" in out
    assert "+8,000" in out
    assert "bank" in out
    assert "-10,000" in out
    assert "ledger OK" in out
    assert err == ""


def test_m1_ledger_check_passes_on_an_empty_ledger(db):
    out, _err = run_check()
    assert "ledger OK" in out


def test_m1_ledger_check_fails_when_a_balance_is_tampered_with(ledger, reward):
    # Given a running balance changed by raw SQL, around post()
    execute(
        f"UPDATE {LedgerAccount._meta.db_table} SET balance = balance + 1 WHERE id = %s",
        [reward.pk],
    )
    # When the check runs, then it names the account and the broken grand total
    err = run_failing_check()
    assert f"account {reward.pk} (reward) balance +8,001 != sum of entries +8,000" in err
    assert "balances sum to +1, not zero" in err


def test_m1_ledger_check_exits_non_zero_from_the_command_line(ledger, reward, capsys):
    execute(
        f"UPDATE {LedgerAccount._meta.db_table} SET balance = balance - 5 WHERE id = %s",
        [reward.pk],
    )
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "ledger_check"])
    assert exited.value.code == 1
    assert f"account {reward.pk} (reward)" in capsys.readouterr().err


def test_m1_ledger_check_fails_on_an_unbalanced_transaction(ledger, reward):
    # Given an entry written around post() (and around the PostgreSQL guards)
    bypass_postgres_guards()
    forfeited = services.platform_account(kind=AccountKind.FORFEITED)
    execute(
        f"INSERT INTO {LedgerEntry._meta.db_table} "
        "(transaction_id, account_id, amount, balance_after) VALUES (%s, %s, 3, 3)",
        [ledger.pk, forfeited.pk],
    )
    # Then the transaction, the account and the entry total are all reported
    err = run_failing_check()
    assert f"transaction {ledger.pk} (release) sums to +3" in err
    assert f"account {forfeited.pk} (forfeited) balance +0 != sum of entries +3" in err
    assert "entries sum to +3, not zero" in err


def test_m1_ledger_check_fails_on_a_broken_running_balance_chain(ledger, reward):
    # Given an entry whose balance_after was rewritten
    bypass_postgres_guards()
    entry = LedgerEntry.objects.get(transaction=ledger, account=reward)
    execute(f"UPDATE {LedgerEntry._meta.db_table} SET balance_after = 7 WHERE id = %s", [entry.pk])
    err = run_failing_check()
    assert f"entry {entry.pk} balance_after is not its account's running sum" in err


def test_m1_ledger_check_fails_on_a_transaction_without_entries(ledger):
    execute(
        f"INSERT INTO {LedgerTransaction._meta.db_table} "
        "(key, kind, memo, created_at, legs_fingerprint) VALUES ('orphan', 't', '', %s, '')",
        [ledger.created_at],
    )
    err = run_failing_check()
    assert "(orphan) has no entries" in err

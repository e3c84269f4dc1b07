"""The ledger balances after every test that moves money (DESIGN.md, Money)."""

from ukeoi.ledger.selectors import ledger_check_get


def assert_ledger_clean() -> None:
    check = ledger_check_get()
    assert check.ok, check

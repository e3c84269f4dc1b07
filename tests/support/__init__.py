"""Helpers every app's tests share: a refusal changes nothing, the ledger balances.

Import from here (`from tests.support import assert_refused, snapshot`), never copy one
into an app's tests."""

from tests.support.api import api_error
from tests.support.identity import verify_identity
from tests.support.ledger import assert_ledger_clean
from tests.support.refusals import assert_refused
from tests.support.rows import Snapshot, changed, snapshot

__all__ = [
    "Snapshot",
    "api_error",
    "assert_ledger_clean",
    "assert_refused",
    "changed",
    "snapshot",
    "verify_identity",
]

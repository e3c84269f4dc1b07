"""A5, issue 22 item 4: every address an account ever held is retired at withdrawal, not
only its last one, and stays retired as a keyed hash after erasure (P2) has removed the
record of the addresses themselves."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine

from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts import services as accounts
from ukeoi.accounts.enums import RetiredKind
from ukeoi.accounts.models import PreviousEmail, RetiredIdentifier
from ukeoi.accounts.retired import email_digest, is_email_retired
from ukeoi.core import clock
from ukeoi.core.errors import ApplicationError
from ukeoi.privacy import services
from ukeoi.privacy.enums import ErasureSource
from ukeoi.withdrawal.services import account_withdraw

pytestmark = pytest.mark.django_db


def register(email: str, username: str) -> Any:
    return accounts.user_register(
        email=email, username=username, display_name="新しい人", password="another-Passw0rd!"
    )


def changed_twice() -> Any:
    user = UserFactory.create(email="first.a5@example.jp")
    accounts.account_email_change(
        actor=user, new_email="second.a5@example.jp", password=DEFAULT_PASSWORD
    )
    accounts.account_email_change(
        actor=user, new_email="third.a5@example.jp", password=DEFAULT_PASSWORD
    )
    user.refresh_from_db()
    return user


def test_an_address_change_is_recorded_with_the_account() -> None:
    """A5, P3: the address left behind is kept with the account (until erasure)."""
    user = changed_twice()

    assert list(PreviousEmail.objects.filter(user=user).values_list("email", flat=True)) == [
        "first.a5@example.jp",
        "second.a5@example.jp",
    ]


def test_no_address_the_account_ever_held_registers_again_after_withdrawal() -> None:
    """A5, issue 22 item 4: after withdrawal a new account cannot register with the first,
    the second or the last address, in any case."""
    user = changed_twice()

    account_withdraw(actor=user, password=DEFAULT_PASSWORD, reason="no_longer_needed")

    for n, address in enumerate(
        ["First.A5@example.jp", "second.a5@example.jp", "third.a5@EXAMPLE.jp"]
    ):
        assert is_email_retired(address)
        with pytest.raises(ApplicationError) as refused:
            register(address, f"newcomer{n}")
        assert "email" in refused.value.fields


def test_after_erasure_the_addresses_are_gone_and_only_their_hashes_block_them() -> None:
    """A5, P2: erasure deletes the record of previous addresses; the keyed hashes stay and
    still refuse them; no retired value is an address."""
    user = changed_twice()
    account_withdraw(actor=user, password=DEFAULT_PASSWORD, reason="no_longer_needed")
    services.erasure_request(actor=None, user_id=user.pk, source=ErasureSource.SELF)

    with time_machine.travel(clock.now() + timedelta(days=15), tick=False):
        services.erasure_run_due()

    assert not PreviousEmail.objects.exists()
    emails = set(
        RetiredIdentifier.objects.filter(kind=RetiredKind.EMAIL).values_list("value", flat=True)
    )
    assert emails == {
        email_digest(a)
        for a in ["first.a5@example.jp", "second.a5@example.jp", "third.a5@example.jp"]
    }
    assert not any(
        "@" in value for value in RetiredIdentifier.objects.values_list("value", flat=True)
    )
    with pytest.raises(ApplicationError):
        register("first.a5@example.jp", "newcomer")

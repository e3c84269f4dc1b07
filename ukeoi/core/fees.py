"""B6: the system fee rates, and which of them apply to an agreement.

The operator sets the rates in the environment: settings `CLIENT_FEE_PERMILLE` (charged to
the client with the escrow) and `LANCER_FEE_PERMILLE` (deducted from what the lancer is
paid), in permille of an amount, tax included; defaults 55 and 165 (5.5 % and 16.5 %, as
Lancers since October 2022). `rates_in_force()` is the one reader of those settings.

An agreement — a project's contract, a competition, a task — stores the rates in force when
it is made (its `client_fee_permille` and `lancer_fee_permille`, whose default is the rate
in force), and all of its money afterwards is charged at the stored rates (`rates_of`): an
operator's change applies to agreements made after it, never to work already agreed (the
statement of terms of L1 prints them). A project's job is no agreement: each of its
contracts takes the rates in force when the lancer is hired.

In core, below jobs and contracts, so that both ask the same question of the same place.
Fees are whole yen, rounded down (M1)."""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# A rate is 0 to 1,000 permille: a fee is never more than the amount it is charged on.
MAX_PERMILLE = 1000


def fee(amount: int, permille: int) -> int:
    """B6: a system fee in whole yen, rounded down (切り捨て)."""
    return amount * permille // 1000


def permille_text(permille: int) -> str:
    """A rate as the pages print a percentage: 165 -> "16.5", 50 -> "5"."""
    whole, tenth = divmod(permille, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


@dataclass(frozen=True)
class FeeRates:
    """B6: the two rates of one agreement, in permille."""

    client_permille: int
    lancer_permille: int

    def client_fee(self, amount: int) -> int:
        """The client's fee on `amount`, charged with its escrow."""
        return fee(amount, self.client_permille)

    def lancer_fee(self, amount: int) -> int:
        """The lancer's fee on `amount`, deducted when it is paid to them."""
        return fee(amount, self.lancer_permille)

    @property
    def client_fee_percent(self) -> str:
        return permille_text(self.client_permille)

    @property
    def lancer_fee_percent(self) -> str:
        return permille_text(self.lancer_permille)


class Agreement(Protocol):
    """A contract, a competition or a task: what stores the rates it was made at."""

    @property
    def client_fee_permille(self) -> int: ...

    @property
    def lancer_fee_permille(self) -> int: ...


def _setting(name: str) -> int:
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PERMILLE:
        raise ImproperlyConfigured(f"{name} must be a whole number of permille from 0 to 1000.")
    return value


def rates_in_force() -> FeeRates:
    """B6: the rates the operator has set now, for an agreement made now. The one place
    that reads the fee settings."""
    return FeeRates(
        client_permille=_setting("CLIENT_FEE_PERMILLE"),
        lancer_permille=_setting("LANCER_FEE_PERMILLE"),
    )


def rates_of(agreement: Agreement) -> FeeRates:
    """B6: the rates that apply to this agreement: those in force when it was made, stored
    on it."""
    return FeeRates(
        client_permille=agreement.client_fee_permille,
        lancer_permille=agreement.lancer_fee_permille,
    )


# The defaults of the agreements' rate fields: the rate in force when the row is created.
def client_permille_in_force() -> int:
    return rates_in_force().client_permille


def lancer_permille_in_force() -> int:
    return rates_in_force().lancer_permille

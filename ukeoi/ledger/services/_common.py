"""What the ledger services share: the refusals of a posting and the limits (M1)."""

from django.utils.translation import gettext_lazy as _

from ukeoi.core.errors import ApplicationError, Conflict
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerAccount

# Far above any real movement, far below the 64-bit limit of a balance.
MAX_LEG_AMOUNT = 10**15

Leg = tuple[LedgerAccount, int]


class PostingRefused(ApplicationError):
    code = "ledger_posting_refused"


class InvalidPosting(PostingRefused):
    code = "ledger_invalid_posting"


class EmptyPosting(PostingRefused):
    code = "ledger_empty_posting"


class ZeroLeg(PostingRefused):
    code = "ledger_zero_leg"


class NotWholeYen(PostingRefused):
    code = "ledger_not_whole_yen"


class DuplicateLeg(PostingRefused):
    code = "ledger_duplicate_leg"


class UnbalancedPosting(PostingRefused):
    code = "ledger_unbalanced"


class InsufficientBalance(PostingRefused):
    code = "ledger_insufficient_balance"
    status = 409

    def __init__(self, *, account_id: int, kind: str, balance: int, amount: int) -> None:
        super().__init__(
            _("There is not enough money in the %(account)s for this movement.")
            % {"account": AccountKind(kind).label}
        )
        self.account_id = account_id
        self.balance = balance
        self.amount = amount


class IdempotencyConflict(Conflict):
    code = "ledger_key_conflict"

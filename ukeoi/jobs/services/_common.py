"""What the jobs services share: refusals, the user lock, notices."""

from typing import Any

from ukeoi.accounts.locks import lock_users
from ukeoi.accounts.models import User
from ukeoi.core.errors import AccountWithdrawn
from ukeoi.core.mail import notify

# The ledger names a job's escrow account by this subject (M1).
ESCROW_SUBJECT = "jobs.job"


def _lock_active(actor: User, *others: int) -> dict[int, User]:
    """W6: lock the actor's row (and the others', in pk order) and refuse a withdrawn actor,
    so that an action and the actor's withdrawal never interleave."""
    users = lock_users(actor.pk, *others)
    if actor.pk not in users or users[actor.pk].is_withdrawn:
        raise AccountWithdrawn()
    return users


def _mail(recipient: User, template: str, **context: Any) -> None:
    """A notice of this app (templates `jobs_<name>`); none to a withdrawn account."""
    notify(recipient, f"jobs_{template}", **context)

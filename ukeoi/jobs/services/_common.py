"""What the jobs services share: refusals, the user lock, notices."""

from typing import Any, NoReturn

from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core.errors import ApplicationError, Conflict, NotAllowed
from ukeoi.core.mail import notify
from ukeoi.jobs import rules
from ukeoi.jobs.locks import (
    lock_users,
)

# The ledger names a job's escrow account by this subject (M1).
ESCROW_SUBJECT = "jobs.job"


class ActionRefused(Conflict):
    """Not possible in the current state (409)."""


class ActionNotAllowed(NotAllowed):
    """Not this account's to do (403)."""


class AccountWithdrawn(NotAllowed):
    code = "account_withdrawn"


def _refuse(refusal: rules.Refusal) -> NoReturn:
    error_class: type[ApplicationError] = (
        ActionNotAllowed if refusal.status == 403 else ActionRefused
    )
    raise error_class(refusal.message, code=refusal.code)


def _lock_active(actor: User, *others: int) -> dict[int, User]:
    """W6: lock the actor's row (and the others', in pk order) and refuse a withdrawn actor,
    so that an action and the actor's withdrawal never interleave."""
    users = lock_users(actor.pk, *others)
    if actor.pk not in users or users[actor.pk].is_withdrawn:
        raise AccountWithdrawn(_("This account has been withdrawn and can no longer do this."))
    return users


def _mail(recipient: User, template: str, **context: Any) -> None:
    """A notice of this app (templates `jobs_<name>`); none to a withdrawn account."""
    notify(recipient, f"jobs_{template}", **context)

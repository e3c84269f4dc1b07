"""Ledger accounts: found or opened by kind and owner or subject (M1)."""

from django.contrib.auth.base_user import AbstractBaseUser

from ukeoi.ledger.enums import KIND_SCOPE, AccountKind, AccountScope
from ukeoi.ledger.models import LedgerAccount


def account_get_or_create(
    *,
    kind: str,
    owner: AbstractBaseUser | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
) -> LedgerAccount:
    """The one account of `kind` for this owner or subject, created on first use.

    Safe under concurrency: two callers creating the same account at once both get the
    row the unique constraint let through."""
    scope = KIND_SCOPE.get(kind)
    if scope is None:
        raise ValueError(f"unknown ledger account kind {kind!r}")
    subject_id = str(subject_id)
    has_owner, has_subject = owner is not None, bool(subject_type or subject_id)
    if (has_owner, has_subject) != (scope == AccountScope.OWNER, scope == AccountScope.SUBJECT):
        raise ValueError(f"a {kind!r} account is identified by its {scope} alone")
    if has_subject and not (subject_type and subject_id):
        raise ValueError("a subject-scoped account needs both subject_type and subject_id")
    if owner is not None and owner.pk is None:
        raise ValueError("the owner of a ledger account must be saved")
    account, _created = LedgerAccount.objects.get_or_create(
        kind=kind,
        owner=owner,
        subject_type=subject_type,
        subject_id=subject_id,
    )
    return account


def client_payments_account(*, client: AbstractBaseUser) -> LedgerAccount:
    return account_get_or_create(kind=AccountKind.CLIENT_PAYMENTS, owner=client)


def reward_account(*, lancer: AbstractBaseUser) -> LedgerAccount:
    return account_get_or_create(kind=AccountKind.REWARD, owner=lancer)


def refunds_account(*, client: AbstractBaseUser) -> LedgerAccount:
    return account_get_or_create(kind=AccountKind.REFUNDS, owner=client)


def withholding_account(*, client: AbstractBaseUser) -> LedgerAccount:
    """T3: the income tax withheld from the client's payments to lancers, owed by the client
    to the tax office."""
    return account_get_or_create(kind=AccountKind.WITHHOLDING, owner=client)


def escrow_account(*, subject_type: str, subject_id: str | int) -> LedgerAccount:
    """Escrow of one milestone ("contracts.milestone") or competition prize."""
    return account_get_or_create(
        kind=AccountKind.ESCROW, subject_type=subject_type, subject_id=subject_id
    )


def payout_in_transit_account(*, subject_type: str, subject_id: str | int) -> LedgerAccount:
    return account_get_or_create(
        kind=AccountKind.PAYOUT_IN_TRANSIT, subject_type=subject_type, subject_id=subject_id
    )


def platform_account(*, kind: str) -> LedgerAccount:
    """One of the platform's own accounts: fee revenues, transfer fees, forfeited, bank."""
    return account_get_or_create(kind=kind)

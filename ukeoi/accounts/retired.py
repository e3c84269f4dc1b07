"""A5: retired identifiers. An e-mail address is kept only as a keyed hash (HMAC-SHA256
of its normalised form), so the address itself can be erased while its reuse stays blocked.
Every address an account ever held is retired, not only its last one (PreviousEmail)."""

import hashlib
import hmac

from django.conf import settings

from ukeoi.accounts.enums import RetiredKind
from ukeoi.accounts.models import PreviousEmail, RetiredIdentifier, User
from ukeoi.accounts.validators import normalize_email


def email_digest(email: str) -> str:
    key = settings.RETIRED_IDENTIFIER_KEY.encode()
    return hmac.new(key, normalize_email(email).encode(), hashlib.sha256).hexdigest()


def is_email_retired(email: str) -> bool:
    return RetiredIdentifier.objects.filter(
        kind=RetiredKind.EMAIL, value=email_digest(email)
    ).exists()


def is_username_retired(username: str) -> bool:
    return RetiredIdentifier.objects.filter(
        kind=RetiredKind.USERNAME, value=username.strip().lower()
    ).exists()


def retire_identifiers(*, email: str, username: str) -> None:
    """Retire both identifiers of an account; idempotent. Call inside the withdrawal."""
    for kind, value in (
        (RetiredKind.EMAIL, email_digest(email)),
        (RetiredKind.USERNAME, username.strip().lower()),
    ):
        RetiredIdentifier.objects.get_or_create(kind=kind, value=value)


def account_emails(user: User) -> list[str]:
    """Every address the account ever held: the current one first, then the previous ones
    (A5), in the order it left them."""
    previous = PreviousEmail.objects.filter(user=user).order_by("used_until", "id")
    return [user.email, *(e for e in previous.values_list("email", flat=True) if e != user.email)]


def retire_account_identifiers(*, user: User) -> None:
    """A5, W7: retire the account's username and every address it ever held (idempotent)."""
    for email in account_emails(user):
        RetiredIdentifier.objects.get_or_create(kind=RetiredKind.EMAIL, value=email_digest(email))
    RetiredIdentifier.objects.get_or_create(
        kind=RetiredKind.USERNAME, value=user.username.strip().lower()
    )

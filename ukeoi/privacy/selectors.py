"""Reads for the privacy pages and API, and the one definition of what belongs to a person
that the export (P3) and the erasure (P2) both use."""

from datetime import datetime

from django.db.models import Q, QuerySet

from ukeoi.accounts.models import PreviousEmail, User
from ukeoi.helpdesk.models import Inquiry
from ukeoi.privacy.enums import ErasureStatus
from ukeoi.privacy.models import DataExport, ErasureRequest

# (address, held until): None for the address the account holds now.
Address = tuple[str, datetime | None]


def export_get(*, user: User, export_id: int) -> DataExport | None:
    """The user's own export; someone else's is None, exactly like a missing one."""
    return DataExport.objects.filter(pk=export_id, user_id=user.pk).first()


def latest_export_get(*, user: User) -> DataExport | None:
    return DataExport.objects.filter(user_id=user.pk).order_by("-created_at", "-id").first()


def erasure_current_get(*, user: User) -> ErasureRequest | None:
    """The account's scheduled or finished erasure, if any (the link page and API show it)."""
    return (
        ErasureRequest.objects.filter(
            user=user, status__in=[ErasureStatus.REQUESTED, ErasureStatus.DONE]
        )
        .order_by("-requested_at", "-id")
        .first()
    )


def person_addresses(*, user: User) -> list[Address]:
    """Every address the account ever held (A5): the current one, then each previous one
    with the moment the account left it. What was sent from a previous address after that
    moment may be someone else's, who holds it now."""
    previous = PreviousEmail.objects.filter(user=user).exclude(email__iexact=user.email)
    return [
        (user.email, None),
        *previous.order_by("used_until", "id").values_list("email", "used_until"),
    ]


def held_by_person(addresses: list[Address], *, field: str, moment: str) -> Q:
    """Rows whose `field` (an address, compared in any case) is one of the person's, from
    the time each was theirs (`moment`: the row's date column)."""
    condition = Q(pk__in=[])
    for address, until in addresses:
        held = Q(**{f"{field}__iexact": address})
        condition |= held if until is None else held & Q(**{f"{moment}__lte": until})
    return condition


def person_inquiries(*, user: User, addresses: list[Address] | None = None) -> QuerySet[Inquiry]:
    """H3, P2, P3: the person's inquiries to the operators: those sent signed in, and those
    sent signed out (or by anyone) with one of the person's addresses to reply to, while it
    was theirs."""
    addresses = person_addresses(user=user) if addresses is None else addresses
    return Inquiry.objects.filter(
        Q(user=user) | held_by_person(addresses, field="reply_email", moment="created_at")
    )

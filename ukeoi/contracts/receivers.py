"""Receivers of the jobs app's signals (jobs never imports contracts). Each runs inside the
sending service's transaction, so a refusal here undoes the whole action."""

from typing import Any

from ukeoi.jobs.models import ClientPayment
from ukeoi.jobs.signals import client_payment_confirmed


def on_client_payment_confirmed(
    sender: Any, *, payment: ClientPayment, actor: Any, **_: Any
) -> None:
    """B3: a confirmed milestone payment becomes the milestone's escrow."""
    from ukeoi.contracts.services import payment_confirmed

    payment_confirmed(payment=payment, actor=actor)


def connect() -> None:
    client_payment_confirmed.connect(
        on_client_payment_confirmed, dispatch_uid="contracts.client_payment_confirmed"
    )

"""Signals privacy listens to; connected in PrivacyConfig.ready(). The sending apps never
import privacy (see the package docstring)."""

from typing import Any

from ukeoi.accounts.models import User
from ukeoi.core.mail import send_templated_mail
from ukeoi.helpdesk.services import inquiry_erasure_requested
from ukeoi.privacy.enums import ErasureSource
from ukeoi.privacy.links import erasure_link
from ukeoi.withdrawal.signals import account_withdrawn


def offer_erasure_on_withdrawal(sender: Any, user: User, **kwargs: Any) -> None:
    """P2: after a withdrawal, mail the signed link to ask for the erasure of the data.
    Sent within the withdrawal's transaction, so after it commits and never without it."""
    send_templated_mail(
        to=user.email,
        template="privacy_erasure_offer",
        context={"user": user, "link": erasure_link(user)},
        language=user.language,
    )


def erase_on_inquiry(
    sender: Any, inquiry: Any, user_id: int, operator: User, **kwargs: Any
) -> None:
    """P1, P2: an operator started erasure from a 'delete my personal information' inquiry.
    An ApplicationError here (e.g. the account has not withdrawn) refuses the request."""
    from ukeoi.privacy.services import erasure_request

    erasure_request(
        actor=operator, user_id=user_id, source=ErasureSource.INQUIRY, inquiry_id=inquiry.pk
    )


def connect() -> None:
    inquiry_erasure_requested.connect(erase_on_inquiry, dispatch_uid="privacy.erase_on_inquiry")
    account_withdrawn.connect(
        offer_erasure_on_withdrawal, dispatch_uid="privacy.offer_erasure_on_withdrawal"
    )

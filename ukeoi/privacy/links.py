"""P2: the signed link a withdrawn user follows to ask for (or cancel) the erasure of their
data. They cannot sign in any more, so the signature is what proves the link came from us;
it names the account and expires after PRIVACY_ERASURE_LINK_MAX_AGE seconds."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ukeoi.accounts.models import User
from ukeoi.core.mail import absolute_url

SALT = "ukeoi.privacy.erasure"


def erasure_token(user: User) -> str:
    return signing.dumps({"u": user.pk}, salt=SALT, compress=True)


def erasure_link(user: User) -> str:
    path = reverse("privacy:erasure_confirm", args=[erasure_token(user)])
    return absolute_url(path)


def user_id_from_token(token: str) -> int:
    """The account a token names. Raises signing.SignatureExpired for an old link and
    signing.BadSignature for anything forged or garbled."""
    data = signing.loads(token, salt=SALT, max_age=settings.PRIVACY_ERASURE_LINK_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("malformed erasure token")
    return int(data["u"])

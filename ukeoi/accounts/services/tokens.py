"""API tokens (A3): created, revoked, and checked on each API request."""

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import (
    ApiToken,
    User,
)
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import InvalidInput, NotFound

TOKEN_PREFIX = "uk_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal access token. The raw token is returned once and never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput.of(
            {"name": [_("Give the token a name, so you can recognise it later.")]}
        )
    if len(name) > 60:
        raise InvalidInput.of({"name": [_("Use at most %(max)d characters.") % {"max": 60}]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=raw[:10], digest=token_digest(raw)
        )
        audit(actor=actor, subject=token, action="api_token.created", after={"name": name})
    return token, raw


def api_token_revoke(*, actor: User, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise NotFound(_("That token does not exist."))
        if token.revoked_at is None:
            token.revoked_at = clock.now()
            token.save(update_fields=["revoked_at"])
            audit(actor=actor, subject=token, action="api_token.revoked")
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The user a bearer token belongs to, if the token is live and the account active."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user

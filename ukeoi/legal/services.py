"""L4: writes. Consents are records: added, never changed or deleted."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.core.audit import audit
from ukeoi.core.errors import Conflict
from ukeoi.legal import selectors
from ukeoi.legal.models import Consent


def consent_give(*, actor: User, version_ids: list[int]) -> list[Consent]:
    """L4: the actor agrees to these versions, each of which must be a current version of
    the terms or the privacy policy (what the page or the client showed may have been
    replaced meanwhile: then nothing is recorded and the answer says so). Agreeing again
    to a version already agreed to changes nothing."""
    required = set(selectors.required_version_ids())
    wanted = sorted(set(version_ids))
    stale = [pk for pk in wanted if pk not in required]
    if stale or not wanted:
        raise Conflict(
            _(
                "These are no longer the terms and privacy policy in force. "
                "Please read the current versions and agree again."
            ),
            code="not_current",
        )
    return _record(user=actor, version_ids=wanted, action="legal.consented")


def _record(*, user: User, version_ids: list[int], action: str) -> list[Consent]:
    now = clock.now()
    with transaction.atomic():
        known = set(
            Consent.objects.filter(user=user, version_id__in=version_ids).values_list(
                "version_id", flat=True
            )
        )
        new = [
            Consent(user=user, version_id=pk, consented_at=now)
            for pk in version_ids
            if pk not in known
        ]
        if new:
            Consent.objects.bulk_create(new, ignore_conflicts=True)
            audit(
                actor=user,
                subject=user,
                action=action,
                after={"versions": [c.version_id for c in new]},
            )
    return new


def consents_at_registration(*, user: User) -> list[Consent]:
    """L4: a new account agreed to the terms and privacy policy in force (its registration
    asked for it). Called inside the registration's transaction (receivers)."""
    return _record(
        user=user, version_ids=selectors.required_version_ids(), action="legal.consented"
    )

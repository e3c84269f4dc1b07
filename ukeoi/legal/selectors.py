"""L4: reads. The consent check runs on every signed-in request, so what it needs is cheap:
the list of versions (small: a few rows per year) comes from the shared cache, refreshed by
every save of a version (receivers) and at most VERSIONS_CACHE_SECONDS old otherwise (a
save in another process with a per-process cache); which version is current is decided
from that list at each request, so a version scheduled for later takes effect on time
without a write. The user's own consents are one indexed query (the unique (user, version)
constraint), remembered on the browser session once complete."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet

from ukeoi.core import clock
from ukeoi.core.outages import CACHE_ERRORS, log_outage
from ukeoi.legal.enums import CONSENT_KINDS
from ukeoi.legal.models import Consent, DocumentVersion

VERSIONS_CACHE_KEY = "legal:versions:1"
VERSIONS_CACHE_SECONDS = 300
# Session key: the versions this signed-in user is known to have agreed to.
SESSION_KEY = "legal.consented"


@dataclass(frozen=True)
class VersionRef:
    id: int
    kind: str
    number: int
    effective_from: datetime


def _versions_from_db() -> list[VersionRef]:
    rows = DocumentVersion.objects.order_by("kind", "number").values_list(
        "id", "kind", "number", "effective_from"
    )
    return [VersionRef(*row) for row in rows]


def version_refs() -> list[VersionRef]:
    """Every version (published or scheduled), from the cache when it is there."""
    try:
        kept = cache.get(VERSIONS_CACHE_KEY)
    except CACHE_ERRORS as error:
        log_outage("legal versions", error)
        return _versions_from_db()
    if kept is None:
        refs = _versions_from_db()
        try:
            # Plain tuples: a cached value must not depend on this module's classes.
            cache.set(
                VERSIONS_CACHE_KEY,
                [(r.id, r.kind, r.number, r.effective_from) for r in refs],
                VERSIONS_CACHE_SECONDS,
            )
        except CACHE_ERRORS as error:
            log_outage("legal versions", error)
        return refs
    return [VersionRef(*row) for row in kept]


def forget_versions() -> None:
    try:
        cache.delete(VERSIONS_CACHE_KEY)
    except CACHE_ERRORS as error:
        log_outage("legal versions (refresh)", error)


def current_refs(*, now: datetime | None = None) -> dict[str, VersionRef]:
    """Kind -> the version in force now: the highest number whose time has come."""
    moment = now or clock.now()
    current: dict[str, VersionRef] = {}
    for ref in version_refs():
        if ref.effective_from <= moment:
            known = current.get(ref.kind)
            if known is None or ref.number > known.number:
                current[ref.kind] = ref
    return current


def required_version_ids(*, now: datetime | None = None) -> list[int]:
    """The versions every signed-in user must have agreed to: the current terms and
    privacy policy (none before operators publish any)."""
    current = current_refs(now=now)
    return sorted(current[kind].id for kind in CONSENT_KINDS if kind in current)


def missing_consent_ids(*, user_id: int, required: list[int], session: Any = None) -> list[int]:
    """Which of `required` the user has not agreed to. With a session: none at all
    without a query once the session knows; otherwise one indexed query."""
    if not required:
        return []
    if session is not None:
        known = session.get(SESSION_KEY)
        if known and known.get("user") == user_id and set(required) <= set(known["versions"]):
            return []
    agreed = set(
        Consent.objects.filter(user_id=user_id, version_id__in=required).values_list(
            "version_id", flat=True
        )
    )
    missing = [pk for pk in required if pk not in agreed]
    if not missing and session is not None:
        remember_consents(session, user_id=user_id, version_ids=required)
    return missing


def remember_consents(session: Any, *, user_id: int, version_ids: list[int]) -> None:
    session[SESSION_KEY] = {"user": user_id, "versions": sorted(version_ids)}


def version_get(*, kind: str, number: int) -> DocumentVersion | None:
    return DocumentVersion.objects.filter(kind=kind, number=number).first()


def current_version(*, kind: str) -> DocumentVersion | None:
    ref = current_refs().get(kind)
    return DocumentVersion.objects.filter(pk=ref.id).first() if ref else None


def published_versions(*, kind: str) -> QuerySet[DocumentVersion]:
    """The versions of a kind in force now or before, newest first (not the scheduled)."""
    return DocumentVersion.objects.filter(kind=kind, effective_from__lte=clock.now()).order_by(
        "-number"
    )


def versions_by_id(ids: list[int]) -> list[DocumentVersion]:
    return list(DocumentVersion.objects.filter(pk__in=ids).order_by("kind"))


def consent_rows(*, user_id: int) -> list[dict[str, Any]]:
    """P3: the user's consents as the export lists them (document, version, time)."""
    return [
        {
            "document": row["version__kind"],
            "version": row["version__number"],
            "version_id": row["version_id"],
            "effective_from": row["version__effective_from"],
            "consented_at": row["consented_at"],
        }
        for row in Consent.objects.filter(user_id=user_id)
        .order_by("consented_at", "pk")
        .values(
            "version_id",
            "version__kind",
            "version__number",
            "version__effective_from",
            "consented_at",
        )
    ]

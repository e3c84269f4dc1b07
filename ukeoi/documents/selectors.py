"""Reads of issued documents."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from ukeoi.documents.models import Document, DocumentParty


def documents_of(user_id: int) -> QuerySet[Document]:
    """Every document that names the user as a party (T4: their own), oldest first."""
    return Document.objects.filter(party_rows__user_id=user_id).order_by("issued_at", "pk")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def documents_search(
    *,
    user_id: int | None,
    issued_from: date | None = None,
    issued_to: date | None = None,
    amount_min: int | None = None,
    amount_max: int | None = None,
    counterparty: str = "",
    kind: str = "",
) -> QuerySet[Document]:
    """T4: documents by issue date range (Japan days, both ends included), amount range
    (the document's total, yen) and counterparty (a part of the name of another party on
    it: as issued, or the account's display name or username now), all combinable; the
    user's own (a party to it), or every document (`user_id` None: operators). Newest
    first. Each condition is one indexed or EXISTS clause: the same SQL on both
    databases."""
    found = Document.objects.all()
    if user_id is not None:
        found = found.filter(
            Exists(DocumentParty.objects.filter(document=OuterRef("pk"), user_id=user_id))
        )
    if issued_from is not None:
        found = found.filter(issued_at__gte=_day_start(issued_from))
    if issued_to is not None:
        found = found.filter(issued_at__lt=_day_start(issued_to + timedelta(days=1)))
    if amount_min is not None:
        found = found.filter(total_amount__gte=amount_min)
    if amount_max is not None:
        found = found.filter(total_amount__lte=amount_max)
    if kind:
        found = found.filter(kind=kind)
    if counterparty:
        others = DocumentParty.objects.filter(document=OuterRef("pk"))
        if user_id is not None:
            others = others.exclude(user_id=user_id)
        found = found.filter(
            Exists(
                others.filter(
                    Q(name__icontains=counterparty)  # as issued
                    | Q(user__display_name__icontains=counterparty)
                    | Q(user__username__icontains=counterparty)
                )
            )
        )
    return found.order_by("-issued_at", "-pk")

"""Reads of issued documents."""

from django.db.models import QuerySet

from ukeoi.documents.models import Document


def documents_of(user_id: int) -> QuerySet[Document]:
    """Every document that names the user as a party (T4: their own), oldest first."""
    return Document.objects.filter(party_rows__user_id=user_id).order_by("issued_at", "pk")

"""L4 fixtures: the sample legal pages in force, and a new version of a document."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.factories import UserFactory
from ukeoi.accounts.models import User
from ukeoi.core import clock
from ukeoi.legal import services
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import DocumentVersion
from ukeoi.legal.samples import samples_load


@pytest.fixture
def legal_pages(db: None) -> dict[str, DocumentVersion]:
    """Version 1 of the three documents, in force since 2026-04-01 (the samples)."""
    samples_load()
    return {v.kind: v for v in DocumentVersion.objects.all()}


def new_version(kind: str = DocumentKind.TERMS, *, in_days: int = 0) -> DocumentVersion:
    """The next version of `kind`, in force from now (or `in_days` from now)."""
    last = DocumentVersion.objects.filter(kind=kind).order_by("-number").first()
    number = last.number + 1 if last else 1
    return DocumentVersion.objects.create(
        kind=kind,
        number=number,
        title_ja=f"利用規約 第{number}版",
        title_en=f"Terms of use, version {number}",
        body_ja=f"## 第1条\n第{number}版の本文です。",
        body_en=f"## Article 1\nThe text of version {number}.",
        changes_ja="## 変更点\n- 第5条の検収期間を14日と明記しました。",
        changes_en="## What changed\n- Article 5 now states the 14-day inspection period.",
        effective_from=clock.now() + timedelta(days=in_days) - timedelta(seconds=1),
    )


@pytest.fixture
def member(legal_pages: dict[str, DocumentVersion]) -> User:
    """A user who agreed to the pages in force."""
    user = UserFactory.create(display_name="同意 済子")
    services.consent_give(
        actor=user,
        version_ids=[legal_pages[DocumentKind.TERMS].pk, legal_pages[DocumentKind.PRIVACY].pk],
    )
    return user


@pytest.fixture
def member_client(client: Client, member: User) -> Client:
    client.force_login(member)
    return client

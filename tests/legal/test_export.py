"""L4, P3: the consents (document, version, time) are in the data export; erasure (P2)
keeps them as records that hold no personal text."""

import io
import json
import zipfile

import pytest

from tests.legal.conftest import new_version
from ukeoi.accounts.models import User
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import Consent
from ukeoi.legal.services import consent_give
from ukeoi.privacy import archive

pytestmark = pytest.mark.django_db


def test_export_lists_every_consent_with_document_version_and_time(member: User) -> None:
    version = new_version(DocumentKind.TERMS)
    consent_give(actor=member, version_ids=[version.pk])

    with zipfile.ZipFile(io.BytesIO(archive.build_archive(user=member))) as zipped:
        consents = json.loads(zipped.read("legal_consents.json"))

    assert [(c["document"], c["version"]) for c in consents] == [
        ("terms", 1),
        ("privacy", 1),
        ("terms", 2),
    ] or sorted((c["document"], c["version"]) for c in consents) == [
        ("privacy", 1),
        ("terms", 1),
        ("terms", 2),
    ]
    assert all(c["consented_at"] for c in consents)
    stored = Consent.objects.get(user=member, version=version)
    assert stored.consented_at.isoformat()[:19] in {c["consented_at"][:19] for c in consents}


def test_someone_elses_consents_are_not_in_the_export(member: User) -> None:
    other = User.objects.create_user(
        email="other@example.jp", username="other", display_name="他人", password="x" * 12
    )

    with zipfile.ZipFile(io.BytesIO(archive.build_archive(user=other))) as zipped:
        assert json.loads(zipped.read("legal_consents.json")) == []

"""L4: the demo (and a fresh install, `manage.py legal_samples`) has sample versions of the
three pages, marked as samples; loading them again changes nothing."""

import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from ukeoi.demo.legal import demo_legal
from ukeoi.legal.models import Consent, DocumentVersion

pytestmark = pytest.mark.django_db


def test_samples_are_marked_as_samples_in_both_languages() -> None:
    call_command("legal_samples")

    versions = list(DocumentVersion.objects.all())
    assert sorted(v.kind for v in versions) == ["privacy", "terms", "tokushoho"]
    for version in versions:
        assert "サンプル" in version.title_ja
        assert "サンプル" in version.body_ja
        assert "sample" in version.title_en.lower()
        assert "[Sample]" in version.body_en


def test_demo_legal_is_idempotent_and_demo_accounts_agree() -> None:
    demo = UserFactory.create(email="lancer@demo.ukeoi.jp")
    stranger = UserFactory.create(email="someone@example.jp")

    assert demo_legal() == 3
    assert demo_legal() == 0

    assert DocumentVersion.objects.count() == 3
    assert Consent.objects.filter(user=demo).count() == 2
    assert not Consent.objects.filter(user=stranger).exists()

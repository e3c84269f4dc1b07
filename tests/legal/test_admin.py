"""L4: operators edit the legal pages in the admin; a version in force never changes (a
change is a new version, numbered after the last)."""

from datetime import timedelta

import pytest
from django.test import Client

from tests.factories import OperatorFactory
from tests.legal.conftest import new_version
from ukeoi.core import clock
from ukeoi.legal.admin import DocumentVersionForm
from ukeoi.legal.enums import DocumentKind
from ukeoi.legal.models import DocumentVersion

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%d"


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(OperatorFactory.create())
    return client


def form_data(version: DocumentVersion, **changes: str) -> dict[str, str]:
    moment = version.effective_from.astimezone(clock.now().tzinfo)
    data = {
        "kind": version.kind,
        "effective_from_0": moment.strftime(LOCAL),
        "effective_from_1": moment.strftime("%H:%M:%S"),
        "title_ja": version.title_ja,
        "title_en": version.title_en,
        "body_ja": version.body_ja,
        "body_en": version.body_en,
        "changes_ja": version.changes_ja,
        "changes_en": version.changes_en,
    }
    return data | changes


def test_a_version_in_force_is_read_only_in_the_admin(
    admin_client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    version = legal_pages[DocumentKind.TERMS]
    url = f"/admin/legal/documentversion/{version.pk}/change/"

    page = admin_client.get(url).content.decode()
    admin_client.post(url, form_data(version, body_ja="書き換えた本文"))

    assert 'name="body_ja"' not in page
    version.refresh_from_db()
    assert version.body_ja.startswith("【サンプル】")


def test_the_form_refuses_to_change_a_version_in_force(
    legal_pages: dict[str, DocumentVersion],
) -> None:
    version = legal_pages[DocumentKind.PRIVACY]
    form = DocumentVersionForm(data=form_data(version, body_ja="x"), instance=version)

    assert not form.is_valid()
    assert form.non_field_errors()
    version.refresh_from_db()
    assert version.body_ja != "x"


def test_a_version_in_force_cannot_be_deleted(
    admin_client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    version = legal_pages[DocumentKind.TERMS]

    response = admin_client.post(
        f"/admin/legal/documentversion/{version.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert DocumentVersion.objects.filter(pk=version.pk).exists()


def test_a_scheduled_version_can_still_be_corrected(
    admin_client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    version = new_version(DocumentKind.TERMS, in_days=7)

    response = admin_client.post(
        f"/admin/legal/documentversion/{version.pk}/change/",
        form_data(version, body_ja="直した本文"),
    )

    assert response.status_code == 302
    version.refresh_from_db()
    assert version.body_ja == "直した本文"


def test_a_new_version_is_added_with_the_next_number(
    admin_client: Client, legal_pages: dict[str, DocumentVersion]
) -> None:
    template = legal_pages[DocumentKind.TERMS]
    start = clock.now() + timedelta(days=30)
    template.effective_from = start

    response = admin_client.post(
        "/admin/legal/documentversion/add/", form_data(template, title_ja="利用規約 第2版")
    )

    assert response.status_code == 302
    added = DocumentVersion.objects.get(title_ja="利用規約 第2版")
    assert (added.kind, added.number) == ("terms", 2)
    assert DocumentVersion.objects.filter(kind="terms").count() == 2

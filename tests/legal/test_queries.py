"""L4: the consent check costs a signed-in page at most one query (the versions come from
the cache; the user's consents are read once and remembered on the session)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.legal.conftest import new_version
from ukeoi.legal import services
from ukeoi.legal.enums import DocumentKind

pytestmark = pytest.mark.django_db


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/contracts/", "/accounts/profile/"])
def test_signed_in_page_costs_at_most_one_more_query(client: Client, path: str) -> None:
    user = UserFactory.create()
    client.force_login(user)
    client.get(path)
    without_pages = queries(client, path)

    terms, privacy = new_version(DocumentKind.TERMS), new_version(DocumentKind.PRIVACY)
    services.consent_give(actor=user, version_ids=[terms.pk, privacy.pk])
    client.get(path)  # the first request reads the consents and remembers them
    with_pages = queries(client, path)

    assert with_pages <= without_pages + 1

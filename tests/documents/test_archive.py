"""T4: the archive of issued documents. A user searches its own documents by issue date
range, amount range, counterparty and kind, combined, on the web and in the API; gets the
PDF only as a party (404 to anyone else); a file that no longer matches its SHA-256 is
refused (409) and logged; operators search all of them in the admin."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.contracts import builders
from tests.factories import OperatorFactory, UserFactory
from ukeoi.accounts.models import User
from ukeoi.contracts import services as contracts
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.documents.selectors import documents_of, documents_search
from ukeoi.documents.services import document_render

pytestmark = pytest.mark.django_db


@pytest.fixture
def lancer_with_two_clients() -> dict[str, Any]:
    """One lancer: a 30,000-yen contract with まめぼ商店, a 120,000-yen one with 北斗工房,
    both accepted."""
    lancer = UserFactory.create(display_name="佐藤デザイン")
    small = UserFactory.create(display_name="まめぼ商店")
    large = UserFactory.create(display_name="北斗工房")
    out: dict[str, Any] = {"lancer": lancer, "small": small, "large": large}
    for client, amount in ((small, 30_000), (large, 120_000)):
        contract = builders.contract_in_progress(
            client=client, lancer=lancer, amount=amount, delivered=True
        )
        contracts.milestone_accept(actor=client, milestone_id=builders.first_milestone(contract).pk)
    return out


def numbers(response: Any) -> list[str]:
    return [item["number"] for item in response.json()["items"]]


def test_filters_combine_on_the_web_and_in_the_api(
    client: Client, lancer_with_two_clients: dict[str, Any]
) -> None:
    lancer: User = lancer_with_two_clients["lancer"]
    mine = documents_of(lancer.pk)
    client.force_login(lancer)

    page = client.get("/documents/").content.decode()
    assert all(d.display_number in page for d in mine)

    by_counterparty = client.get("/documents/", {"counterparty": "北斗"}).content.decode()
    large_docs = documents_search(user_id=lancer.pk, counterparty="北斗")
    assert large_docs.exists()
    assert all(d.display_number in by_counterparty for d in large_docs)
    assert not any(
        d.display_number in by_counterparty for d in mine.exclude(pk__in=large_docs.values("pk"))
    )

    # Counterparty and amount combined: 北斗工房's statements of terms and payment notice
    # (120,000), not its fee invoice (19,800) nor anything of まめぼ商店.
    api = client.get("/api/documents", {"counterparty": "北斗", "amount_min": "100000"})
    assert api.status_code == 200
    items = api.json()["items"]
    assert {i["kind"] for i in items} == {DocumentKind.TERMS, DocumentKind.PAYMENT_NOTICE}
    assert {i["total_amount"] for i in items} == {120_000}
    assert all({p["name"] for p in i["parties"]} == {"佐藤デザイン", "北斗工房"} for i in items)
    (notice,) = client.get(
        "/api/documents", {"counterparty": "北斗", "amount_min": "100000", "kind": "payment_notice"}
    ).json()["items"]
    assert notice["payload"]["total"] == 120_000

    today = timezone.localdate()
    assert (
        client.get("/api/documents", {"issued_to": str(today - timedelta(days=1))}).json()["count"]
        == 0
    )
    assert (
        client.get(
            "/api/documents",
            {"issued_from": str(today), "issued_to": str(today), "kind": "fee_invoice"},
        ).json()["count"]
        == 2
    )
    # Someone else's documents never appear: the clients' receipts are not the lancer's.
    assert DocumentKind.RECEIPT not in {
        i["kind"] for i in client.get("/api/documents").json()["items"]
    }


def test_bad_filters_are_refused_with_the_field_named(
    client: Client, lancer_with_two_clients: dict[str, Any]
) -> None:
    client.force_login(lancer_with_two_clients["lancer"])
    web = client.get("/documents/", {"amount_min": "5000", "amount_max": "10"})
    assert web.status_code == 400
    assert "下限" in web.content.decode() or "below" in web.content.decode()
    assert client.get("/documents/", {"issued_from": "tomorrow"}).status_code == 400
    api = client.get("/api/documents", {"issued_from": "2026-12-31", "issued_to": "2026-01-01"})
    assert api.status_code == 400
    assert "issued_to" in api.content.decode()
    assert client.get("/api/documents", {"amount_min": "-1"}).status_code == 400


def test_the_pdf_goes_to_a_party_only(
    client: Client, lancer_with_two_clients: dict[str, Any]
) -> None:
    lancer = lancer_with_two_clients["lancer"]
    document = documents_search(user_id=lancer.pk, kind=DocumentKind.PAYMENT_NOTICE).first()
    assert document is not None
    client.force_login(lancer)
    response = client.get(f"/documents/{document.pk}/pdf/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    client.force_login(UserFactory.create())
    assert client.get(f"/documents/{document.pk}/pdf/").status_code == 404
    assert client.get(f"/api/documents/{document.pk}").status_code == 404


def test_a_tampered_file_is_refused_and_logged(
    client: Client, lancer_with_two_clients: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    lancer = lancer_with_two_clients["lancer"]
    document = document_render(documents_of(lancer.pk).first().pk)  # type: ignore[union-attr]
    path = document.pdf.path
    with open(path, "r+b") as handle:
        handle.seek(20)
        handle.write(b"X")
    client.force_login(lancer)
    with caplog.at_level(logging.ERROR, logger="ukeoi.documents.files"):
        response = client.get(f"/documents/{document.pk}/pdf/")
    assert response.status_code == 409
    assert "運営" in response.content.decode() or "operators" in response.content.decode()
    assert any(document.display_number in r.getMessage() for r in caplog.records)


def test_the_list_costs_the_same_queries_for_one_document_or_many(client: Client) -> None:
    lancer = UserFactory.create()
    first = builders.contract_in_progress(lancer=lancer, amount=10_000, delivered=True)
    contracts.milestone_accept(actor=first.client, milestone_id=builders.first_milestone(first).pk)
    client.force_login(lancer)
    client.get("/documents/")  # warms the site-wide caches (legal versions)
    with CaptureQueriesContext(connection) as few:
        client.get("/documents/")
    for _ in range(3):
        more = builders.contract_in_progress(lancer=lancer, amount=10_000, delivered=True)
        contracts.milestone_accept(
            actor=more.client, milestone_id=builders.first_milestone(more).pk
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/documents/").content.decode()
    assert page.count("/pdf/") == documents_of(lancer.pk).count() > 4
    assert len(many) == len(few)


def test_operators_search_every_document_in_the_admin(
    client: Client, lancer_with_two_clients: dict[str, Any]
) -> None:
    client.force_login(OperatorFactory.create(is_superuser=True))
    found = client.get("/admin/documents/document/", {"q": "北斗工房", "amount": "100000-999999"})
    assert found.status_code == 200
    body = found.content.decode()
    expected = Document.objects.filter(
        party_rows__name="北斗工房", total_amount__gte=100_000, total_amount__lte=999_999
    ).distinct()
    assert expected.count() >= 1
    assert all(d.display_number in body for d in expected)
    assert not any(
        d.display_number in body
        for d in Document.objects.filter(party_rows__name="まめぼ商店").exclude(
            pk__in=expected.values("pk")
        )
    )

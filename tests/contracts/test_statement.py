"""L1: the statement of terms (取引条件明示書) is issued at contract creation and on every
change of terms, numbered and never changed, with the nine items (undecided ones with the
reason and when they will be decided); shown and downloadable for both sides only; the API
returns the PDF's content as JSON. T4: the served PDF is checked against its SHA-256."""

import subprocess
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.contracts import builders
from tests.factories import UserFactory
from ukeoi.contracts import services
from ukeoi.contracts.statement import statements_list
from ukeoi.documents.files import document_bytes
from ukeoi.documents.models import Document
from ukeoi.documents.services import document_render

pytestmark = pytest.mark.django_db

NINE = [
    "parties",
    "commissioned_on",
    "work",
    "delivery_date",
    "delivery_place",
    "inspection",
    "amounts",
    "payment_date",
    "payment_method",
]


def pdf_bytes(document: Document) -> bytes:
    """The PDF as it is served: rendered if the after-commit rendering has not run (these
    tests run in a transaction that never commits), checked against its SHA-256."""
    return document_bytes(Document.objects.get(pk=document.pk))


def pdf_text(document: Document) -> str:
    data = pdf_bytes(document)
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def items(document: Document) -> dict[str, list[str]]:
    return {item["key"]: item["lines"] for item in document.payload["items"]}


def test_contract_creation_issues_version_one_with_the_nine_items() -> None:
    contract = builders.contract_agreeing(amount=24_000)
    (document,) = statements_list(contract)
    assert document.version == 1
    assert document.kind == "terms"
    assert list(items(document))[:9] == NINE
    lines = items(document)
    assert any(contract.client.display_name in line for line in lines["parties"])
    assert any(contract.lancer.display_name in line for line in lines["parties"])
    assert any("24,000円" in line for line in lines["amounts"])
    assert any(str(settings.INSPECTION_DAYS) in line for line in lines["inspection"])
    assert document.total_amount == 24_000


def test_an_undecided_term_shows_its_reason_and_when_it_is_decided() -> None:
    contract = builders.contract_agreeing()
    (document,) = statements_list(contract)
    row = document.payload["milestones"][0]
    # Not delivered yet: the payment date is undecided, with the reason and when.
    assert row["payment_undecided"]["reason"]
    assert row["payment_undecided"]["decided_when"]
    assert any(
        row["payment_undecided"]["reason"] in line for line in items(document)["payment_date"]
    )
    if row["due_date"] is None:
        assert row["due_date_undecided"]["reason"]


def test_agreement_and_cancellation_each_issue_a_new_version_mailed_to_both(
    django_capture_on_commit_callbacks: Any,
) -> None:
    contract = builders.contract_agreeing()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.milestones_agree(actor=contract.lancer, contract_id=contract.pk)
    assert [d.version for d in statements_list(contract)] == [2, 1]
    terms_mail = [m for m in mail.outbox if "TERMS-" in m.subject]
    assert sorted(m.to[0] for m in terms_mail) == sorted(
        [contract.client.email, contract.lancer.email]
    )

    cancelled = builders.contract_mid_cancellation(step="done")
    versions = statements_list(cancelled)
    assert versions[0].payload["cancelled"] is True
    assert [d.version for d in versions] == list(range(len(versions), 0, -1))
    assert "cancelled" in items(versions[0])
    assert not versions[1].payload["cancelled"]
    assert versions[0].payload["total_amount"] == 0  # the returned escrow is not owed


def test_numbers_are_gapless_across_contracts() -> None:
    builders.contract_in_progress(escrowed=False)
    builders.contract_in_progress(escrowed=False)
    numbers = sorted(Document.objects.filter(series="terms").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


def test_the_pdf_renders_japanese_and_states_the_payload() -> None:
    contract = builders.contract_in_progress(escrowed=False, amount=33_000)
    document = statements_list(contract)[0]
    text = pdf_text(document)
    assert "取引条件明示書" in text
    assert document.display_number in text
    assert "33,000円" in text
    assert contract.lancer.display_name in text
    assert "年" in text
    assert "円" in text


def test_page_shows_current_version_and_history_to_both_sides_404_to_strangers(
    client: Client,
) -> None:
    contract = builders.contract_in_progress(escrowed=False)
    latest = statements_list(contract)[0]
    pdf = reverse("contracts:terms_pdf", args=[contract.pk, latest.version])
    for side in (contract.client, contract.lancer):
        client.force_login(side)
        page = client.get(contract.get_absolute_url()).content.decode()
        assert latest.display_number in page
        assert reverse("contracts:terms_pdf", args=[contract.pk, 1]) in page
        download = client.get(pdf)
        assert download.status_code == 200
        assert download.content == pdf_bytes(latest)
    client.force_login(builders.operator())
    assert client.get(pdf).status_code == 200
    client.force_login(UserFactory.create())
    assert client.get(pdf).status_code == 404
    assert client.get(f"/api/contracts/{contract.pk}/terms").status_code == 404


def test_a_tampered_pdf_is_refused_with_409_not_served(client: Client) -> None:
    contract = builders.contract_agreeing()
    document = document_render(statements_list(contract)[0].pk)
    with document.pdf.storage.open(document.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.4 changed")
    client.force_login(contract.client)
    response = client.get(reverse("contracts:terms_pdf", args=[contract.pk, 1]))
    assert response.status_code == 409
    assert b"changed" not in response.content


def test_api_returns_the_pdfs_payload(client: Client) -> None:
    contract = builders.contract_in_progress(escrowed=False)
    client.force_login(contract.lancer)
    listing: list[dict[str, Any]] = client.get(f"/api/contracts/{contract.pk}/terms").json()
    assert [row["version"] for row in listing] == [d.version for d in statements_list(contract)]
    one = client.get(f"/api/contracts/{contract.pk}/terms/1").json()
    document = Document.objects.get(subject_id=str(contract.pk), version=1)
    assert one["payload"] == document.payload
    assert one["sha256"] == document.sha256
    assert one["number"] == document.display_number
    assert client.get(f"/api/contracts/{contract.pk}/terms/99").status_code == 404

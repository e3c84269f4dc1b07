"""T3: the yearly 支払調書 per client and lancer (PDF, a document kept 7 years, and CSV in
the tax office's columns), and the lancer's yearly summary for its 確定申告. Totals are the
year's accepted milestones: they reconcile with the acceptances' ledger legs."""

import csv
import io
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from tests.contracts import builders
from tests.support import assert_ledger_clean
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Contract
from ukeoi.contracts.payment_records import payment_record_issue, year_totals
from ukeoi.contracts.reconcile import documents_reconcile
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.ledger.enums import AccountKind
from ukeoi.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def two_acceptances() -> Contract:
    """One client, one lancer, two accepted milestones (30,000 and 50,000) withholding."""
    first = builders.contract_in_progress(amount=30_000, delivered=True, withholding=True)
    contracts.milestone_accept(actor=first.client, milestone_id=builders.first_milestone(first).pk)
    second = builders.contract_in_progress(
        client=first.client, lancer=first.lancer, amount=50_000, delivered=True, withholding=True
    )
    contracts.milestone_accept(
        actor=second.client, milestone_id=builders.first_milestone(second).pk
    )
    return first


def test_the_years_totals_are_the_ledgers() -> None:
    contract = two_acceptances()
    year = timezone.localdate().year
    (paid,) = year_totals(year=year, user_id=contract.client_id, role="client")
    (received,) = year_totals(year=year, user_id=contract.lancer_id, role="lancer")

    assert (paid.payments, paid.gross, paid.withheld) == (2, 80_000, 3_063 + 5_105)
    assert received == type(received)(
        counterpart_id=contract.client_id,
        counterpart_name=contract.client.display_name,
        payments=2,
        gross=80_000,
        withheld=8_168,
        fee=4_950 + 8_250,
    )
    withheld_in_ledger = sum(
        LedgerEntry.objects.filter(
            account__kind=AccountKind.WITHHOLDING, account__owner=contract.client
        ).values_list("amount", flat=True)
    )
    assert withheld_in_ledger == paid.withheld
    assert received.net == sum(
        LedgerEntry.objects.filter(
            account__kind=AccountKind.REWARD,
            account__owner=contract.lancer,
            transaction__kind="milestone.accept",
        ).values_list("amount", flat=True)
    )
    assert year_totals(year=year - 1, user_id=contract.client_id, role="client") == []
    assert_ledger_clean()


def test_the_payment_record_is_a_document_reissued_only_when_it_changes() -> None:
    contract = two_acceptances()
    year = timezone.localdate().year
    record = payment_record_issue(year=year, client=contract.client, lancer_id=contract.lancer_id)
    assert record is not None
    assert (record.kind, record.total_amount, record.payload["withholding"]) == (
        DocumentKind.PAYMENT_RECORD,
        80_000,
        8_168,
    )
    again = payment_record_issue(year=year, client=contract.client, lancer_id=contract.lancer_id)
    assert again == record
    third = builders.contract_in_progress(
        client=contract.client, lancer=contract.lancer, amount=10_000, delivered=True
    )
    contracts.milestone_accept(actor=third.client, milestone_id=builders.first_milestone(third).pk)
    newer = payment_record_issue(year=year, client=contract.client, lancer_id=contract.lancer_id)
    assert newer is not None
    assert (newer.version, newer.total_amount) == (2, 90_000)
    assert Document.objects.filter(kind=DocumentKind.PAYMENT_RECORD).count() == 2
    assert documents_reconcile() == []


def test_pages_csv_and_pdf_for_each_side(client: Client) -> None:
    contract = two_acceptances()
    year = timezone.localdate().year
    client.force_login(contract.client)
    page = client.get(f"/contracts/tax-year/?year={year}").content.decode()
    assert "支払調書" in page
    assert "80,000円" in page

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/contracts/tax-year/{year}/payment-records.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[0][7:9] == ["支払金額（円）", "源泉徴収税額（円）"]
    assert rows[1][7:9] == ["80000", "8168"]

    pdf = client.get(f"/contracts/tax-year/{year}/payment-records/{contract.lancer_id}.pdf")
    assert pdf.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "支払調書" in text
    assert "80,000円" in text
    assert "8,168円" in text
    # The lancer gets no payment record of its own client, and strangers nothing.
    client.force_login(contract.lancer)
    assert (
        client.get(
            f"/contracts/tax-year/{year}/payment-records/{contract.lancer_id}.pdf"
        ).status_code
        == 404
    )
    summary = client.get(f"/contracts/tax-year/{year}/rewards.csv").content.decode("utf-8-sig")
    (_header, row) = list(csv.reader(io.StringIO(summary)))
    assert row[3:7] == ["80000", "13200", "8168", str(80_000 - 13_200 - 8_168)]


def test_a_bad_year_is_refused_with_a_message(client: Client) -> None:
    contract = two_acceptances()
    client.force_login(contract.client)
    response = client.get("/contracts/tax-year/?year=nineteen")
    assert response.status_code == 400
    assert "2000" in response.content.decode()
    assert client.get("/contracts/tax-year/1999/payment-records.csv").status_code == 404

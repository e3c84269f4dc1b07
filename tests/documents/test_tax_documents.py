"""T2 (インボイス), T3: the documents money issues, and their reconciliation with the ledger.

A confirmed client payment issues a receipt (領収書) and the fee invoice (適格請求書) of the
client's system fee; an accepted milestone issues the lancer's fee invoice and the reward
invoice (媒介者交付特例) or, for an unregistered lancer, the payment notice (支払通知書),
with the income tax withheld. Totals are the ledger's legs to the yen; the tax per rate is
rounded once per document; numbers have no gaps; `documents_check` says so, and says
when not."""

import io
import subprocess
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tests.contracts import builders
from tests.support import assert_ledger_clean
from ukeoi.contracts import services as contracts
from ukeoi.contracts.models import Milestone
from ukeoi.contracts.reconcile import documents_reconcile
from ukeoi.documents.files import document_bytes
from ukeoi.documents.models import Document, DocumentKind
from ukeoi.documents.selectors import documents_of
from ukeoi.documents.services import document_issue
from ukeoi.documents.tax import Line, by_rate, render_tax_document, tax_included, tax_payload

pytestmark = pytest.mark.django_db


def accepted(amount: int = 50_000, *, withholding: bool = False) -> Milestone:
    contract = builders.contract_in_progress(amount=amount, delivered=True, withholding=withholding)
    milestone = builders.first_milestone(contract)
    contracts.milestone_accept(actor=contract.client, milestone_id=milestone.pk)
    milestone.refresh_from_db()
    return milestone


def of(kind: str, subject_id: int, *, subject: str = "contracts.milestone") -> Document:
    return Document.objects.get(kind=kind, subject_type=subject, subject_id=str(subject_id))


def pdf_text(document: Document) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=document_bytes(document),
        capture_output=True,
        check=True,
    ).stdout.decode()


def test_tax_is_rounded_once_per_document_and_rate() -> None:
    """T2: two lines of 1,001 yen: per line 91 + 91 = 182; once on 2,002: 182. And of
    1,005 + 1,005: per line 91 + 91 = 182, once on 2,010: 182 — but 105 + 105 per line is
    9 + 9 = 18 against 19 once on 210."""
    assert tax_included(1_100) == 100
    assert by_rate([Line("a", 105), Line("b", 105)]) == [{"rate": 10, "amount": 210, "tax": 19}]
    assert tax_included(105) * 2 == 18


def test_a_confirmed_payment_issues_a_receipt_and_the_client_fee_invoice(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contract = builders.contract_in_progress(amount=50_000)
    milestone = builders.first_milestone(contract)
    assert milestone.payment_id is not None
    receipt = of(DocumentKind.RECEIPT, milestone.payment_id, subject="jobs.clientpayment")
    invoice = of(DocumentKind.FEE_INVOICE, milestone.payment_id, subject="jobs.clientpayment")

    assert receipt.total_amount == 52_750  # 50,000 escrow + 2,750 fee (5.5 %, B6)
    assert invoice.total_amount == 2_750
    assert invoice.payload["by_rate"] == [{"rate": 10, "amount": 2_750, "tax": 250}]
    assert [p["user_id"] for p in receipt.parties] == [contract.client_id]
    assert set(documents_of(contract.client_id)) >= {receipt, invoice}
    assert not documents_of(contract.lancer_id).filter(pk__in=[receipt.pk, invoice.pk]).exists()
    assert any(receipt.display_number in m.body for m in mail.outbox)
    assert documents_reconcile() == []
    assert_ledger_clean()


def test_acceptance_issues_the_fee_invoice_and_a_payment_notice_with_withholding() -> None:
    """T2 (b), T3: an unregistered lancer: 支払通知書, gross, withheld and paid."""
    milestone = accepted(50_000, withholding=True)
    fee = of(DocumentKind.FEE_INVOICE, milestone.pk)
    notice = of(DocumentKind.PAYMENT_NOTICE, milestone.pk)

    assert fee.total_amount == milestone.lancer_fee == 8_250
    assert fee.payload["by_rate"][0]["tax"] == 750
    assert notice.total_amount == 50_000
    assert (notice.payload["withholding"], notice.payload["payable"]) == (5_105, 44_895)
    assert notice.payload["issuer"]["user_id"] == milestone.contract.client_id
    assert not Document.objects.filter(kind=DocumentKind.REWARD_INVOICE).exists()
    text = pdf_text(notice)
    assert "支払通知書" in text
    assert "50,000円" in text
    assert "5,105円" in text
    assert "44,895円" in text
    assert documents_reconcile() == []
    assert_ledger_clean()


def test_numbers_run_without_gaps_per_series() -> None:
    for _ in range(3):
        accepted(10_000)
    for kind in (DocumentKind.FEE_INVOICE, DocumentKind.RECEIPT, DocumentKind.PAYMENT_NOTICE):
        numbers = sorted(Document.objects.filter(kind=kind).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    assert documents_reconcile() == []


def test_the_check_names_a_document_that_does_not_match_the_ledger(
    django_capture_on_commit_callbacks: Any,
) -> None:
    milestone = accepted(20_000)
    assert milestone.payment_id is not None
    call_command("documents_check", stdout=io.StringIO())
    # A newer version of the receipt that states another amount than the ledger received.
    wrong = tax_payload(
        title="領収書",
        issuer={"name": "x"},
        recipient={"name": "y"},
        transaction_date="2026-12-05",
        subject="",
        lines=[Line("x", 1)],
    )
    document_issue(
        kind=DocumentKind.RECEIPT,
        subject_type="jobs.clientpayment",
        subject_id=str(milestone.payment_id),
        parties=[],
        payload=wrong,
        total_amount=1,
        render=render_tax_document,
        lazy=True,
    )
    problems = documents_reconcile()
    assert len(problems) == 1
    assert f"client payment {milestone.payment_id}" in problems[0]
    with pytest.raises(CommandError):
        call_command("documents_check", stdout=io.StringIO(), stderr=io.StringIO())


def test_pdfs_are_rendered_on_first_download_and_then_kept() -> None:
    milestone = accepted(10_000)
    fee = of(DocumentKind.FEE_INVOICE, milestone.pk)
    assert fee.sha256 == ""  # lazy: nothing rendered at issue
    first = document_bytes(fee)
    fee.refresh_from_db()
    assert fee.sha256
    assert document_bytes(fee) == first
    assert "システム利用料" in pdf_text(fee)


def test_a_registered_lancer_gets_the_reward_invoice_issued_on_its_behalf() -> None:
    """T1, T2 (b): 媒介者交付特例: the platform issues it; the lancer and its number named."""
    contract = builders.contract_in_progress(amount=30_000, delivered=True)
    profile = contract.lancer.profile
    profile.invoice_registration_number = "T5835678256246"
    profile.save()
    milestone = builders.first_milestone(contract)
    contracts.milestone_accept(actor=contract.client, milestone_id=milestone.pk)

    invoice = of(DocumentKind.REWARD_INVOICE, milestone.pk)
    assert invoice.payload["on_behalf_of"]["registration_number"] == "T5835678256246"
    assert invoice.payload["by_rate"] == [{"rate": 10, "amount": 30_000, "tax": 2_727}]
    assert {p["user_id"] for p in invoice.parties} == {contract.client_id, contract.lancer_id}
    text = pdf_text(invoice)
    assert "T5835678256246" in text
    assert "媒介者交付特例" in text
    assert documents_reconcile() == []

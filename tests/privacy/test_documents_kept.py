"""P2, P4, L1, T4 (issue 15 item 6): the issued documents that name an erased person are
kept as issued, listed on the erasure receipt each with the date it will be deleted, and
deleted by `privacy_purge_expired` the day after that date — not before."""

import hashlib
import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tests.contracts import builders
from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.contracts.statement import statements_list
from ukeoi.core import clock
from ukeoi.documents.models import Document, DocumentParty
from ukeoi.documents.rules import retain_until
from ukeoi.documents.selectors import documents_of
from ukeoi.documents.services import document_render
from ukeoi.privacy import archive, services
from ukeoi.privacy.enums import ErasureSource
from ukeoi.privacy.models import ErasureRequest
from ukeoi.withdrawal.services import account_withdraw

pytestmark = pytest.mark.django_db


def erased_lancer_with_statements(capture: Any) -> tuple[Any, list[Document], str]:
    """A cancelled contract's lancer (two statement versions, PDFs rendered), withdrawn and
    erased; and the address the receipt went to."""
    contract = builders.contract_mid_cancellation(step="done")
    lancer = contract.lancer
    address = lancer.email
    statements = [
        document_render(d.pk) for d in sorted(statements_list(contract), key=lambda d: d.version)
    ]
    assert len(statements) >= 2
    account_withdraw(actor=lancer, password=DEFAULT_PASSWORD, reason="no_longer_needed")
    services.erasure_request(actor=None, user_id=lancer.pk, source=ErasureSource.SELF)
    mail.outbox.clear()
    with time_machine.travel(clock.now() + timedelta(days=15), tick=False), capture(execute=True):
        services.erasure_run_due()
    return lancer, statements, address


def test_the_receipt_lists_each_statement_with_its_deletion_date(
    django_capture_on_commit_callbacks: Any,
) -> None:
    lancer, statements, address = erased_lancer_with_statements(django_capture_on_commit_callbacks)

    request = ErasureRequest.objects.get(user=lancer)
    kept = {line["code"]: line for line in request.receipt["kept"]}
    until = retain_until(clock.today())
    assert kept["documents"]["until"] == until.isoformat()
    assert [(d["number"], d["version"], d["until"]) for d in kept["documents"]["documents"]] == [
        (s.display_number, s.version, s.retain_until.isoformat()) for s in statements
    ]
    # The account's purge waits for the last kept document too (retention.PURGED).
    assert request.retain_until is not None
    assert request.retain_until >= until
    (receipt,) = [m for m in mail.outbox if statements[0].display_number in m.body]
    assert receipt.to == [address]
    for statement in statements:
        assert statement.display_number in receipt.body
    assert "取引条件明示書" in receipt.body
    assert f"{until.year}年12月31日" in receipt.body


def test_the_purge_deletes_them_the_day_after_their_date_with_their_files(
    django_capture_on_commit_callbacks: Any,
) -> None:
    lancer, statements, _address = erased_lancer_with_statements(django_capture_on_commit_callbacks)
    last_day = max(s.retain_until for s in statements)
    files = [Document.objects.get(pk=s.pk).pdf for s in statements]
    assert all(f.storage.exists(f.name) for f in files)

    with django_capture_on_commit_callbacks(execute=True):
        on_the_day = services.purge_expired(today=last_day)
    assert on_the_day["documents"] == 0
    assert documents_of(lancer.pk).count() == len(statements)

    # The client's receipts and fee invoices of the same year expire the same day (T4).
    due = Document.objects.filter(retain_until__lte=last_day).count()
    assert due >= len(statements)
    with django_capture_on_commit_callbacks(execute=True):
        after = services.purge_expired(today=last_day + timedelta(days=1))

    assert after["documents"] == due
    assert not Document.objects.filter(pk__in=[s.pk for s in statements]).exists()
    assert not DocumentParty.objects.filter(document_id__in=[s.pk for s in statements]).exists()
    assert not any(f.storage.exists(f.name) for f in files)
    # Idempotent: a second run finds nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired(today=last_day + timedelta(days=1))["documents"] == 0


def test_the_command_purges_expired_documents_whoever_they_name(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """T4: retention is the document's, not the erasure's: an expired statement of two
    active accounts goes too; one still within its 7 years stays."""
    old = builders.contract_agreeing()
    with time_machine.travel(date(2040, 1, 1), tick=False):
        fresh = builders.contract_agreeing()
    expired = statements_list(old)
    kept = statements_list(fresh)
    with (
        time_machine.travel(date(2040, 1, 2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("privacy_purge_expired", stdout=io.StringIO())
    assert not Document.objects.filter(pk__in=[d.pk for d in expired]).exists()
    assert Document.objects.filter(pk__in=[d.pk for d in kept]).count() == len(kept)


def test_a_document_names_its_parties_as_rows() -> None:
    contract = builders.contract_agreeing()
    (statement,) = statements_list(contract)
    assert sorted(DocumentParty.objects.filter(document=statement).values_list("role", "user")) == [
        ("client", contract.client_id),
        ("lancer", contract.lancer_id),
    ]
    assert list(documents_of(contract.lancer_id)) == [statement]


def test_the_export_holds_the_documents_and_their_pdfs_for_each_party_only() -> None:
    """P3, L1: the person's statements are in the data export, as issued, with the PDF."""
    contract = builders.contract_agreeing()
    (statement,) = [document_render(d.pk) for d in statements_list(contract)]
    stranger = UserFactory.create()

    with zipfile.ZipFile(io.BytesIO(archive.build_archive(user=contract.lancer))) as zipped:
        rows = json.loads(zipped.read("documents.json"))
        pdfs = [n for n in zipped.namelist() if n.startswith("files/documents.document/")]
        pdf = zipped.read(pdfs[0])
    assert [(r["number"], r["version"], r["sha256"]) for r in rows] == [
        (statement.number, 1, statement.sha256)
    ]
    assert rows[0]["payload"]["lancer"]["user_id"] == contract.lancer_id
    assert hashlib.sha256(pdf).hexdigest() == statement.sha256
    with zipfile.ZipFile(io.BytesIO(archive.build_archive(user=stranger))) as zipped:
        assert json.loads(zipped.read("documents.json")) == []

"""T4, L1: issued documents are numbered without gaps per series, never changed, kept
7 years from the end of their fiscal year, and served only while their SHA-256 matches."""

import hashlib
import subprocess
from datetime import date
from typing import Any

import pytest
from django.http import Http404
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from tests.documents.support import issue
from ukeoi.documents.files import DocumentTampered, document_file_response
from ukeoi.documents.models import Document, DocumentWriteRefused
from ukeoi.documents.rules import retain_until
from ukeoi.documents.services import document_render

pytestmark = pytest.mark.django_db


def test_numbers_are_gapless_and_per_series() -> None:
    first, second = issue("1"), issue("2")
    other = issue("1", kind="terms", series="other")
    assert (first.number, second.number) == (1, 2)
    assert other.number == 1
    assert other.series == "other"


def test_versions_count_per_subject() -> None:
    assert [issue("7").version, issue("7").version, issue("8").version] == [1, 2, 1]


def test_rolled_back_issue_leaves_no_gap() -> None:
    from django.db import transaction

    issue("1")

    def issue_then_fail() -> None:
        with transaction.atomic():
            issue("2")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        issue_then_fail()
    assert issue("3").number == 2


def test_an_issued_document_is_never_changed_or_deleted() -> None:
    document = issue()
    document.payload = {"金額": "1円"}
    with pytest.raises(DocumentWriteRefused):
        document.save()
    with pytest.raises(DocumentWriteRefused):
        document.delete()
    with pytest.raises(DocumentWriteRefused):
        Document.objects.filter(pk=document.pk).update(payload={})
    with pytest.raises(DocumentWriteRefused):
        Document.objects.filter(pk=document.pk).delete()
    assert Document.objects.get(pk=document.pk).payload == {"金額": "10,000円"}


def test_the_pdf_is_rendered_once_the_issue_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """T4: the row exists with the change it records; its PDF and SHA-256 are written right
    after the transaction commits, once."""
    with django_capture_on_commit_callbacks(execute=True):
        document = issue()
        assert document.sha256 == ""
    document.refresh_from_db()
    assert len(document.sha256) == 64
    assert document_render(document.pk).sha256 == document.sha256


def test_sha256_of_the_pdf_is_recorded_at_issue_and_japanese_renders(tmp_path: object) -> None:
    document = document_render(issue().pk)
    data = document.pdf.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "発注" not in text  # parties are not rendered by the plain test renderer
    assert "書類 TERMS-000001" in text
    assert "10,000円" in text


def test_serving_checks_the_sha256() -> None:
    document = issue()
    request = RequestFactory().get("/")
    # Not rendered yet (the test's transaction never commits): serving renders it first.
    response = document_file_response(request, document, allowed=True)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    document.refresh_from_db()
    with pytest.raises(Http404):
        document_file_response(request, document, allowed=False)
    with document.pdf.storage.open(document.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.4 forged")
    with pytest.raises(DocumentTampered) as refused:
        document_file_response(request, document, allowed=True)
    assert refused.value.status == 409


def test_retention_is_seven_years_from_the_end_of_the_fiscal_year() -> None:
    assert retain_until(date(2026, 1, 1)) == date(2033, 12, 31)
    assert retain_until(date(2026, 12, 31)) == date(2033, 12, 31)
    assert retain_until(date(2027, 1, 1)) == date(2034, 12, 31)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_retention_property(day: date) -> None:
    kept = retain_until(day)
    assert kept == date(day.year + 7, 12, 31)
    assert (kept - day).days >= 7 * 365


def test_purge_deletes_only_expired_documents() -> None:
    document = issue()
    name = document.pdf.name
    assert Document.objects.purge_expired(today=document.retain_until) == 0
    assert Document.objects.purge_expired(today=date(document.retain_until.year + 1, 1, 1)) == 1
    assert not Document.objects.exists()
    assert not document.pdf.storage.exists(name)

"""P3: one button (and an API route) builds a ZIP of JSON files with everything held about
the user, in the background, with a download link valid 7 days, for the owner only."""

import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.contracts.builders import contract_in_progress, first_milestone
from tests.factories import (
    DEFAULT_PASSWORD,
    ApiTokenFactory,
    UserFactory,
    identity_document,
    png_bytes,
    png_upload,
)
from tests.privacy.support import rich_user
from ukeoi.accounts import services as accounts
from ukeoi.contracts import services as contracts
from ukeoi.core import clock
from ukeoi.helpdesk import services as helpdesk
from ukeoi.privacy import archive, services
from ukeoi.privacy.enums import ExportStatus
from ukeoi.privacy.models import DataExport

pytestmark = pytest.mark.django_db

EXPECTED_FILES = {
    "profile.json",
    "jobs.json",
    "proposals.json",
    "append_notes.json",
    "contracts.json",
    "milestones.json",
    "messages.json",
    "ratings.json",
    "ledger_statement.json",
    "payouts.json",
    "audit_events.json",
    "manifest.json",
}


INQUIRY: dict[str, Any] = {
    "category": "other",
    "body": "お問い合わせ本文",
    "language": "ja",
    "client_ip": "192.0.2.1",
}


def unzip(content: bytes) -> dict[str, Any]:
    """The archive's JSON files, parsed, and every other member (uploaded files) as bytes."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: json.loads(archive.read(name)) if name.endswith(".json") else archive.read(name)
            for name in archive.namelist()
        }


def download(client: Client, export: DataExport) -> Any:
    return client.get(reverse("privacy:export_download", args=[export.pk]))


def test_settings_button_builds_the_archive_and_mails_the_link(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """P3: the button on the account settings page, a background task, a mail, a ZIP."""
    person = rich_user()
    user = UserFactory.create(email="exporter@example.jp")
    client.force_login(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export_request"))

    assert response.status_code == 302
    export = DataExport.objects.get(user=user)
    assert export.status == ExportStatus.READY
    assert export.expires_at - export.created_at == timedelta(days=7)
    assert [m.to for m in mail.outbox] == [["exporter@example.jp"]]
    assert reverse("privacy:export_download", args=[export.pk]) in mail.outbox[0].body
    settings_page = client.get(reverse("accounts:settings"))
    assert reverse("privacy:export_download", args=[export.pk]) in settings_page.content.decode()
    assert person.user.pk != user.pk


def test_archive_holds_everything_about_the_user_and_no_secrets(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """P3: profile, jobs, proposals, append notes, contracts, milestones, messages, ratings
    given and received, ledger statement, payouts and audit events; no password hash, token
    digest or identity digest."""
    person = rich_user()
    user = person.user
    # rich_user leaves the account withdrawn; export is for live accounts, so revive it here.
    type(user).objects.filter(pk=user.pk).update(status="active", is_active=True)
    user.refresh_from_db()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export_request"))
    response = download(client, DataExport.objects.get(user=user))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    files = unzip(b"".join(response.streaming_content))
    assert set(files) >= EXPECTED_FILES
    assert files["profile.json"]["account"]["email"] == "hanako.shoukyo@example.jp"
    assert files["profile.json"]["profile"][0]["legal_name"] == "消去 花子"
    assert files["profile.json"]["profile"][0]["invoice_registration_number"] == "T5835678256246"
    assert [p["message"] for p in files["proposals.json"]] == ["提案文ZQX"]
    assert [n["body"] for n in files["append_notes.json"]] == ["追記ZQX"]
    assert {m["body"] for m in files["messages.json"]} == {"メッセージZQX", "相手の返信です"}
    assert [r["comment"] for r in files["ratings.json"]["given"]] == ["評価コメントZQX"]
    assert [p["net"] for p in files["payouts.json"]] == [5_000]
    assert len(files["contracts.json"]) == 2  # as lancer and as client
    assert len(files["milestones.json"]) == 1
    assert any(e["action"] == "account.display_name_changed" for e in files["audit_events.json"])
    text = json.dumps(files, ensure_ascii=False)
    assert user.password not in text
    assert "identity_digest" not in text
    assert '"digest"' not in text


def test_someone_elses_export_is_not_found(client: Client) -> None:
    """P3: only the owner can download."""
    owner = UserFactory.create()
    export = services.export_request(actor=owner)
    services.export_build(export_id=export.pk)
    client.force_login(UserFactory.create())

    response = download(client, export)

    assert response.status_code == 404
    assert "ありません" in response.content.decode() or "no such" in response.content.decode()


def test_expired_link_is_gone_with_a_message(client: Client) -> None:
    """P3: the link is valid 7 days; afterwards 410 with a message."""
    user = UserFactory.create()
    export = services.export_request(actor=user)
    services.export_build(export_id=export.pk)
    client.force_login(user)

    with time_machine.travel(clock.now() + timedelta(days=7, minutes=1), tick=False):
        response = download(client, export)

    assert response.status_code == 410
    assert "7" in response.content.decode()


def test_signed_out_download_asks_to_sign_in(client: Client) -> None:
    user = UserFactory.create()
    export = services.export_request(actor=user)
    services.export_build(export_id=export.pk)

    response = download(client, export)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_second_request_while_one_is_prepared_is_refused(client: Client) -> None:
    user = UserFactory.create()
    services.export_request(actor=user)  # on_commit never runs here: it stays pending
    client.force_login(user)

    response = client.post(reverse("privacy:export_request"), follow=True)

    assert DataExport.objects.filter(user=user).count() == 1
    assert "準備" in response.content.decode() or "prepared" in response.content.decode()


class TestApi:
    def headers(self, user: Any) -> dict[str, str]:
        raw = f"uk_privacy-test-{user.pk:08d}"
        ApiTokenFactory.create(user=user, raw=raw)
        return {"Authorization": f"Bearer {raw}"}

    def test_post_then_get_then_download(
        self, client: Client, django_capture_on_commit_callbacks: Any
    ) -> None:
        """P3 over the API: POST /api/export (202), GET /api/export, GET the download."""
        user = UserFactory.create()
        headers = self.headers(user)

        with django_capture_on_commit_callbacks(execute=True):
            created = client.post("/api/export", headers=headers)
        listed = client.get("/api/export", headers=headers)

        assert created.status_code == 202
        assert created.json()["status"] == "pending"
        (item,) = listed.json()
        assert item["status"] == "ready"
        response = client.get(item["download_url"], headers=headers)
        assert response.status_code == 200
        assert "manifest.json" in unzip(b"".join(response.streaming_content))

    def test_api_download_of_someone_elses_or_expired_export(self, client: Client) -> None:
        owner = UserFactory.create()
        export = services.export_request(actor=owner)
        services.export_build(export_id=export.pk)
        url = f"/api/export/{export.pk}/download"

        other = client.get(url, headers=self.headers(UserFactory.create()))
        with time_machine.travel(clock.now() + timedelta(days=8), tick=False):
            expired = client.get(url, headers=self.headers(owner))

        assert (other.status_code, other.json()["code"]) == (404, "not_found")
        assert (expired.status_code, expired.json()["code"]) == (410, "expired")

    def test_signed_out_api_is_401(self, client: Client) -> None:
        assert client.post("/api/export").status_code == 401


def test_failed_build_is_recorded_and_the_user_may_ask_again(
    client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """P3: a build that fails (fault injected: the storage is away) leaves the export
    failed, shows no 500, and does not block a new request."""

    def storage_away(*, user: Any) -> bytes:
        raise OSError("storage unavailable")

    monkeypatch.setattr(archive, "build_archive", storage_away)
    user = UserFactory.create()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:export_request"))

    assert response.status_code == 302
    assert DataExport.objects.get(user=user).status == ExportStatus.FAILED
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "失敗" in page or "failed" in page
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export_request"))
    assert DataExport.objects.filter(user=user, status=ExportStatus.READY).count() == 1


# Two distinct real images.
WORK_PNG = png_bytes((10, 20, 30))
PASSPORT_PNG = png_bytes((40, 50, 60))


def test_archive_holds_the_inquiries_previous_addresses_and_uploaded_files(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    """P3, issue 22 item 5: everything erasure would erase is in the zip: the inquiries sent
    signed out from the person's own addresses (the current one, and a previous one while
    it was theirs), the previous addresses, and the uploaded files themselves (portfolio
    image, identity document, delivered file), not only their paths."""
    user = UserFactory.create(email="before.p3@example.jp")
    helpdesk.inquiry_submit(**INQUIRY, actor=None, subject="旧住所から", reply_email=user.email)
    accounts.account_email_change(
        actor=user, new_email="after.p3@example.jp", password=DEFAULT_PASSWORD
    )
    user.refresh_from_db()
    helpdesk.inquiry_submit(**INQUIRY, actor=None, subject="新住所から", reply_email=user.email)
    helpdesk.inquiry_submit(**INQUIRY, actor=user, subject="ログインして", reply_email="")
    with time_machine.travel(clock.now() + timedelta(days=1), tick=False):
        # Someone who took the old address later is not the person.
        helpdesk.inquiry_submit(
            **INQUIRY, actor=None, subject="別の人から", reply_email="before.p3@example.jp"
        )
    accounts.portfolio_item_add(actor=user, title="作品", image=png_upload("work.png", WORK_PNG))
    accounts.identity_verification_request(
        actor=user,
        document_type="passport",
        document_number="TK1234567",
        birth_date=date(1990, 1, 1),
        document=identity_document("passport.png", PASSPORT_PNG),
    )
    contract = contract_in_progress(lancer=user)
    contracts.milestone_deliver(
        actor=user,
        milestone_id=first_milestone(contract).pk,
        body="納品",
        file=SimpleUploadedFile("delivery.zip", b"PK\x03\x04delivered", "application/zip"),
    )
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy:export_request"))
    export = DataExport.objects.get(user=user)
    files = unzip(b"".join(download(client, export).streaming_content))

    subjects = {i["subject"] for i in files["help_centre.json"]["inquiries"]}
    assert subjects == {"旧住所から", "新住所から", "ログインして"}
    assert [p["email"] for p in files["profile.json"]["previous_emails"]] == [
        "before.p3@example.jp"
    ]
    index = {entry["table"]: entry for entry in files["files.json"]}
    assert set(index) == {
        "accounts.portfolioitem",
        "accounts.identityverification",
        "contracts.delivery",
    }
    assert files[index["accounts.portfolioitem"]["in_archive"]] == WORK_PNG
    assert files[index["accounts.identityverification"]["in_archive"]] == PASSPORT_PNG
    assert files[index["contracts.delivery"]["in_archive"]] == b"PK\x03\x04delivered"

"""The dev outbox: with DEBUG on, mail is written to files and listed at /dev/outbox/."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.django_db
def test_outbox_lists_the_reset_mail_with_its_link(
    client: Client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.OUTBOX_DIR = tmp_path
    settings.SITE_URL = "http://127.0.0.1:8101"  # what `runserver 127.0.0.1:8101` sets
    UserFactory(email="outbox@example.jp")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "outbox@example.jp"})
    page = client.get(reverse("dev_outbox"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "outbox@example.jp" in html
    # Issue 14 item 3: the link is the server's address (SITE_URL), not the Host header.
    assert '<a href="http://127.0.0.1:8101/accounts/password/reset/' in html
    assert "testserver/accounts/password/reset/" not in html


@pytest.mark.django_db
def test_outbox_does_not_exist_in_production(client: Client, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    assert client.get(reverse("dev_outbox")).status_code == 404

"""The dev outbox: with DEBUG on, mail is written to files and listed at /dev/outbox/."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory


@pytest.mark.django_db
def test_outbox_lists_the_reset_mail_with_its_link(client: Client, settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    settings.OUTBOX_DIR = tmp_path
    UserFactory(email="outbox@example.jp")

    client.post(reverse("accounts:password_reset"), {"email": "outbox@example.jp"})
    page = client.get(reverse("dev_outbox"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "outbox@example.jp" in html
    assert "/accounts/password/reset/" in html
    assert '<a href="http://testserver/accounts/password/reset/' in html


@pytest.mark.django_db
def test_outbox_does_not_exist_in_production(client: Client, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    assert client.get(reverse("dev_outbox")).status_code == 404

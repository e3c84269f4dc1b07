"""A3: a forgotten password is reset from a one-time link mailed to the registered address.
The mail goes through the outbox (issue 14 item 3) and a real SMTP server."""

import re
from typing import Any

import pytest
from django.conf import settings as conf
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.smtp import Inbox

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 2026"
LINK_RE = re.compile(r"https?://[^\s]+/accounts/password/reset/[^\s]+/[^\s]+/")


def _request_reset(client: Client, email: str, capture: Any) -> None:
    """`capture`: django_capture_on_commit_callbacks. The outbox sends a mail once the
    transaction that wrote it commits, which a test marks with the end of this block."""
    with capture(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")


def _link(inbox: Inbox, address: str) -> str:
    bodies = inbox.bodies_to(address)
    assert len(bodies) == 1, f"expected one reset mail to {address}, got {len(bodies)}"
    match = LINK_RE.search(bodies[0])
    assert match, bodies[0]
    assert match.group(0).startswith(conf.SITE_URL + "/")  # never the Host header
    return match.group(0).removeprefix(conf.SITE_URL)


def test_reset_link_arrives_by_smtp_and_sets_a_new_password_once(
    client: Client, smtp_inbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="hanako@example.jp", display_name="花子")

    _request_reset(client, "HANAKO@example.jp", django_capture_on_commit_callbacks)
    path = _link(smtp_inbox, "hanako@example.jp")
    assert "花子" in smtp_inbox.bodies_to("hanako@example.jp")[0]  # Japanese by default

    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(DEFAULT_PASSWORD)

    # The link works once: opening it again is refused with a clear page and a 4xx.
    again = Client().get(path, follow=True)
    assert again.status_code == 400
    assert "password_reset" in again.content.decode() or again.context["validlink"] is False


def test_expired_reset_link_is_refused_and_changes_nothing(
    client: Client, smtp_inbox, settings, django_capture_on_commit_callbacks
):
    user = UserFactory(email="taro@example.jp")
    _request_reset(client, "taro@example.jp", django_capture_on_commit_callbacks)
    path = _link(smtp_inbox, "taro@example.jp")

    settings.PASSWORD_RESET_TIMEOUT = -1  # every token is now older than the timeout
    response = client.get(path, follow=True)
    assert response.status_code == 400
    assert response.context["validlink"] is False
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client: Client, smtp_inbox, django_capture_on_commit_callbacks
):
    """No account enumeration: the page is the same, and nothing is sent."""
    _request_reset(client, "nobody@example.jp", django_capture_on_commit_callbacks)
    assert smtp_inbox.messages == []


def test_malformed_address_is_a_400_with_the_error_next_to_the_field(client: Client, smtp_inbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "not-an-address"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert smtp_inbox.messages == []


def test_forged_reset_link_is_refused(client: Client):
    user = UserFactory()
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "forged-token"]), follow=True
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)

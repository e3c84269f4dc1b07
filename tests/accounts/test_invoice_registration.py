"""T1: a user records its invoice registration number on the profile page and through the
API; a bad number is refused with a clear message (the field named, 400) and nothing
changes; erasure (P2) removes it."""

import json

import pytest
from django.test import Client

from tests.factories import UserFactory
from ukeoi.accounts.models import Profile

pytestmark = pytest.mark.django_db


def post_profile(client: Client, number: str) -> int:
    response = client.post(
        "/accounts/profile/",
        {"action": "profile", "profile-invoice_registration_number": number},
    )
    return response.status_code


def test_the_profile_page_saves_a_number_typed_in_full_width(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    assert post_profile(client, "Ｔ５８３５６７８２５６２４６") == 302
    assert Profile.objects.get(user=user).invoice_registration_number == "T5835678256246"
    page = client.get("/accounts/profile/").content.decode()
    assert "登録番号" in page


def test_a_wrong_check_digit_is_refused_with_a_message_and_nothing_changes(
    client: Client,
) -> None:
    user = UserFactory.create()
    client.force_login(user)
    assert post_profile(client, "T5835678256246") == 302
    response = client.post(
        "/accounts/profile/",
        {"action": "profile", "profile-invoice_registration_number": "T2835678256246"},
    )
    assert response.status_code == 400
    assert "チェックディジット" in response.content.decode()
    assert Profile.objects.get(user=user).invoice_registration_number == "T5835678256246"


def test_the_api_sets_and_refuses_it(client: Client) -> None:
    user = UserFactory.create()
    client.force_login(user)
    ok = client.patch(
        "/api/me",
        json.dumps({"profile": {"invoice_registration_number": "t5835678256246"}}),
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["profile"]["invoice_registration_number"] == "T5835678256246"
    bad = client.patch(
        "/api/me",
        json.dumps({"profile": {"invoice_registration_number": "T12345"}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "invoice_registration_number" in json.dumps(bad.json())
    assert Profile.objects.get(user=user).invoice_registration_number == "T5835678256246"


def test_erasure_removes_the_number() -> None:
    """P2, T1: a sole proprietor's number names them: erased with the profile."""
    from ukeoi.privacy.erasure import erase_personal_data

    user = UserFactory.create()
    Profile.objects.filter(user=user).update(invoice_registration_number="T5835678256246")
    user.refresh_from_db()
    erase_personal_data(user=user)
    assert Profile.objects.get(user=user).invoice_registration_number == ""

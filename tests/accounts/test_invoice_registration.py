"""T1: a user records its invoice registration number on the profile page and through the
API; a bad number is refused with a clear message (the field named, 400) and nothing
changes; erasure (P2) removes it."""

import json

import pytest
from django.conf import settings
from django.core import checks
from django.test import Client, override_settings

from tests.factories import UserFactory
from ukeoi.accounts.models import Profile, User
from ukeoi.accounts.selectors import invoice_registration_number_of
from ukeoi.core.invoice_number import registration_number_clean

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


def test_other_apps_read_the_number_through_the_selector() -> None:
    """T1: documents print the number they get from accounts.selectors; "" when none."""
    registered, unregistered = UserFactory.create(), UserFactory.create()
    Profile.objects.filter(user=registered).update(invoice_registration_number="T5835678256246")
    assert invoice_registration_number_of(User.objects.get(pk=registered.pk)) == "T5835678256246"
    with_profile = User.objects.select_related("profile").get(pk=registered.pk)
    assert invoice_registration_number_of(with_profile) == "T5835678256246"
    assert invoice_registration_number_of(User.objects.get(pk=unregistered.pk)) == ""
    Profile.objects.filter(user=unregistered).delete()
    assert invoice_registration_number_of(User.objects.get(pk=unregistered.pk)) == ""


@pytest.mark.parametrize(
    ("number", "refused"),
    [
        ("T5835678256246", False),
        ("", False),  # not set: the platform issues no qualified invoices
        ("T2835678256246", True),  # wrong check digit
        ("5835678256246", True),  # no T
        ("t5835678256246", True),  # not written canonically (documents print it as set)
    ],
)
def test_the_platform_number_is_checked_at_start(number: str, refused: bool) -> None:
    """T1: the operator's PLATFORM_INVOICE_REGISTRATION_NUMBER fails `manage.py check` when
    it is set and not a valid number."""
    with override_settings(PLATFORM_INVOICE_REGISTRATION_NUMBER=number):
        ids = [message.id for message in checks.run_checks()]
    assert ("ukeoi.E022" in ids) is refused


def test_the_default_platform_number_is_a_valid_sample() -> None:
    number = settings.PLATFORM_INVOICE_REGISTRATION_NUMBER
    assert registration_number_clean(number) == number

"""Operators create accounts in the admin through the registration rules (A1, A5)."""

import pytest
from django.test import Client

from tests.factories import OperatorFactory, UserFactory
from ukeoi.accounts.models import Profile, User
from ukeoi.accounts.retired import retire_identifiers

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/accounts/user/add/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "email": "staff-made@example.jp",
        "username": "staff_made",
        "display_name": "運営作成",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
        "_save": "1",
    }
    return data | overrides


@pytest.fixture
def operator_client(client: Client) -> Client:
    client.force_login(OperatorFactory.create())
    return client


def test_operator_creates_an_account_with_profile_and_fixed_username(operator_client: Client):
    assert operator_client.get(ADD_URL).status_code == 200

    response = operator_client.post(ADD_URL, _form())

    assert response.status_code == 302
    user = User.objects.select_related("profile").get(email="staff-made@example.jp")
    assert user.username == "staff_made"
    assert Profile.objects.filter(user=user).exists()
    change = operator_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert change.status_code == 200
    assert 'name="username"' not in change.content.decode()  # A1: read-only once created


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "TAKEN@example.jp"}, "email"),
        ({"username": "taken_name"}, "username"),
        ({"username": "Bad Name"}, "username"),
        ({"email": "gone@example.jp"}, "email"),
        ({"username": "gone_name"}, "username"),
        ({"password2": "something else entirely"}, "password2"),
    ],
)
def test_operator_cannot_create_an_account_the_rules_refuse(
    operator_client: Client, overrides: dict[str, str], field: str
):
    UserFactory.create(email="taken@example.jp", username="taken_name")
    retire_identifiers(email="gone@example.jp", username="gone_name")
    before = User.objects.count()

    response = operator_client.post(ADD_URL, _form(**overrides))

    assert response.status_code == 200
    assert response.context_data is not None
    assert field in response.context_data["adminform"].form.errors
    assert User.objects.count() == before

"""A2: the username is private. Others see the display name; a counterpart sees the username."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.factories import UserFactory
from ukeoi.accounts import visibility
from ukeoi.accounts.models import User
from ukeoi.accounts.visibility import name_visible_to, register_counterpart_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_counterpart_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from the checks it registers itself (higher apps add theirs in ready())."""
    monkeypatch.setattr(visibility, "_counterpart_checks", [])


@pytest.fixture
def subject() -> User:
    return UserFactory.create(username="secret_handle", display_name="公開の名前")


def test_anonymous_viewer_sees_the_display_name_only(subject: User) -> None:
    """A2."""
    assert name_visible_to(None, subject) == "公開の名前"
    assert name_visible_to(AnonymousUser(), subject) == "公開の名前"  # type: ignore[arg-type]


def test_stranger_sees_the_display_name_only(subject: User) -> None:
    """A2."""
    assert name_visible_to(UserFactory.create(), subject) == "公開の名前"


def test_user_sees_their_own_username(subject: User) -> None:
    """A2."""
    assert name_visible_to(subject, subject) == "公開の名前 (@secret_handle)"


def test_registered_counterpart_check_makes_the_username_visible(subject: User) -> None:
    """A2: jobs and contracts register who counts as a counterpart."""
    counterpart, stranger = UserFactory.create(), UserFactory.create()
    register_counterpart_check(lambda viewer, other: viewer.pk == counterpart.pk)

    assert name_visible_to(counterpart, subject) == "公開の名前 (@secret_handle)"
    assert name_visible_to(stranger, subject) == "公開の名前"
    assert name_visible_to(None, subject) == "公開の名前"


def test_counterpart_check_is_asked_with_viewer_then_subject(subject: User) -> None:
    viewer = UserFactory.create()
    calls: list[tuple[int, int]] = []

    def check(a: User, b: User) -> bool:
        calls.append((a.pk, b.pk))
        return False

    register_counterpart_check(check)
    register_counterpart_check(check)
    name_visible_to(viewer, subject)

    assert calls == [(viewer.pk, subject.pk)]


def test_public_profile_never_shows_the_username_to_strangers(
    client: Client, subject: User
) -> None:
    """A2: neither anonymous visitors nor other signed-in users see it."""
    anonymous_page = client.get(f"/users/{subject.pk}/").content.decode()
    client.force_login(UserFactory.create())
    stranger_page = client.get(f"/users/{subject.pk}/").content.decode()

    for page in (anonymous_page, stranger_page):
        assert "公開の名前" in page
        assert "secret_handle" not in page


def test_public_profile_shows_the_username_to_its_owner(client: Client, subject: User) -> None:
    client.force_login(subject)

    page = client.get(f"/users/{subject.pk}/").content.decode()

    assert "@secret_handle" in page


def test_public_profile_shows_the_username_to_a_counterpart(client: Client, subject: User) -> None:
    """A2."""
    counterpart = UserFactory.create()
    register_counterpart_check(lambda viewer, other: viewer.pk == counterpart.pk)
    client.force_login(counterpart)

    page = client.get(f"/users/{subject.pk}/").content.decode()

    assert "@secret_handle" in page


def test_public_profile_of_unknown_user_is_404(client: Client) -> None:
    assert client.get("/users/999999/").status_code == 404

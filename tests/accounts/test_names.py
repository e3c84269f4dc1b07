"""A1: the display name can change at any time and is audited; the username never changes."""

from typing import Any

import pytest
from django.test import Client

from tests.factories import OperatorFactory, UserFactory
from ukeoi.accounts import services
from ukeoi.accounts.forms import DisplayNameForm, ProfileForm
from ukeoi.accounts.models import User
from ukeoi.core.errors import InvalidInput
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PROFILE_URL = "/accounts/profile/"


def rename_on_page(client: Client, name: str):
    return client.post(PROFILE_URL, {"action": "display_name", "name-display_name": name})


class TestDisplayName:
    def test_display_name_change_on_the_profile_page_is_saved_and_audited(
        self, client: Client
    ) -> None:
        """A1: before and after are in the audit trail."""
        user = UserFactory.create(display_name="古い名前", username="taro")
        client.force_login(user)

        response = rename_on_page(client, "新しい名前")

        assert response.status_code == 302
        user.refresh_from_db()
        assert user.display_name == "新しい名前"
        assert user.username == "taro"
        event = AuditEvent.objects.get(action="account.display_name_changed")
        assert event.actor == user
        assert (event.subject_type, event.subject_id) == ("accounts.user", str(user.pk))
        assert event.before == {"display_name": "古い名前"}
        assert event.after == {"display_name": "新しい名前"}

    def test_display_name_change_through_the_api_is_saved_and_audited(self, client: Client) -> None:
        """A1."""
        user = UserFactory.create(display_name="古い名前")
        client.force_login(user)

        response = client.patch(
            "/api/me", {"display_name": "新しい名前"}, content_type="application/json"
        )

        assert response.status_code == 200
        assert response.json()["display_name"] == "新しい名前"
        user.refresh_from_db()
        assert user.display_name == "新しい名前"
        event = AuditEvent.objects.get(action="account.display_name_changed")
        assert (event.before, event.after) == (
            {"display_name": "古い名前"},
            {"display_name": "新しい名前"},
        )

    def test_unchanged_display_name_writes_no_audit_event(self) -> None:
        user = UserFactory.create(display_name="同じ")

        services.user_update_display_name(actor=user, display_name="  同じ ")

        assert not AuditEvent.objects.exists()

    @pytest.mark.parametrize("name", ["", "   ", "あ" * 41])
    def test_empty_or_too_long_display_name_is_refused_and_nothing_changes(
        self, client: Client, name: str
    ) -> None:
        user = UserFactory.create(display_name="元の名前")
        client.force_login(user)

        response = rename_on_page(client, name)

        assert response.status_code == 400
        assert response.context["name_form"].errors["display_name"]
        user.refresh_from_db()
        assert user.display_name == "元の名前"
        assert not AuditEvent.objects.exists()

    def test_service_refuses_blank_display_name(self) -> None:
        user = UserFactory.create(display_name="元の名前")

        with pytest.raises(InvalidInput) as refused:
            services.user_update_display_name(actor=user, display_name="  ")

        assert list(refused.value.fields) == ["display_name"]
        user.refresh_from_db()
        assert user.display_name == "元の名前"


class TestUsernameNeverChanges:
    def test_no_user_facing_form_has_a_username_field(self) -> None:
        """A1: the username is set once, at registration."""
        assert "username" not in DisplayNameForm.base_fields
        assert "username" not in ProfileForm.base_fields

    def test_profile_page_ignores_a_posted_username(self, client: Client) -> None:
        """A1."""
        user = UserFactory.create(username="taro")
        client.force_login(user)

        client.post(
            PROFILE_URL,
            {"action": "display_name", "name-display_name": "新", "username": "jiro"},
        )
        client.post(PROFILE_URL, {"action": "username", "username": "jiro"})

        user.refresh_from_db()
        assert user.username == "taro"
        assert not User.objects.filter(username="jiro").exists()

    @pytest.mark.parametrize(
        "payload",
        [{"username": "jiro"}, {"username": "jiro", "display_name": "新しい名前"}],
    )
    def test_api_refuses_a_username_change_with_400_and_changes_nothing(
        self, client: Client, payload: dict[str, Any]
    ) -> None:
        """A1: PATCH /api/me with a username is refused as a whole."""
        user = UserFactory.create(username="taro", display_name="元の名前")
        client.force_login(user)

        response = client.patch(
            "/api/me", payload, content_type="application/json", headers={"accept-language": "en"}
        )

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert body["fields"]["username"] == ["The username can never be changed."]
        user.refresh_from_db()
        assert (user.username, user.display_name) == ("taro", "元の名前")
        assert not AuditEvent.objects.exists()

    def test_admin_change_form_shows_the_username_read_only(self, client: Client) -> None:
        """A1: not even an operator can change a username."""
        client.force_login(OperatorFactory.create())
        user = UserFactory.create(username="taro_fixed")

        response = client.get(f"/admin/accounts/user/{user.pk}/change/")

        assert response.status_code == 200
        assert "username" not in response.context["adminform"].form.fields
        assert "username" in response.context["adminform"].readonly_fields
        assert "taro_fixed" in response.content.decode()
        assert 'name="username"' not in response.content.decode()

    def test_admin_change_form_ignores_a_posted_username(self, client: Client) -> None:
        """A1."""
        client.force_login(OperatorFactory.create())
        user = UserFactory.create(username="taro_fixed", display_name="太郎")

        response = client.post(
            f"/admin/accounts/user/{user.pk}/change/",
            {
                "email": user.email,
                "username": "hijacked",
                "display_name": "太郎2",
                "is_active": "on",
                "language": "ja",
                "profile-TOTAL_FORMS": "1",
                "profile-INITIAL_FORMS": "1",
                "profile-MIN_NUM_FORMS": "0",
                "profile-MAX_NUM_FORMS": "1",
                "profile-0-id": str(user.profile.pk),
                "profile-0-user": str(user.pk),
            },
        )

        assert response.status_code == 302, response.context["adminform"].form.errors
        user.refresh_from_db()
        assert user.display_name == "太郎2"
        assert user.username == "taro_fixed"

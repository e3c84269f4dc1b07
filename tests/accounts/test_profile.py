"""A7: the personal data needed to be paid: legal name, katakana reading, address."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory
from ukeoi.accounts import services
from ukeoi.accounts.models import PortfolioItem, Profile, User
from ukeoi.core import clock
from ukeoi.core.errors import InvalidInput
from ukeoi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PROFILE_URL = "/accounts/profile/"
COMPLETE = {
    "legal_name": "山田 太郎",
    "legal_name_kana": "ヤマダ タロウ",
    "postal_code": "150-0002",
    "prefecture": "東京都",
    "city": "渋谷区",
    "street": "渋谷1-2-3",
}


def page_data(**fields: str) -> dict[str, str]:
    return {"action": "profile"} | {f"profile-{k}": v for k, v in fields.items()}


def saved(user: User) -> Profile:
    return Profile.objects.get(user=user)


def update(user: User, **fields: Any) -> Profile:
    with translation.override("en"):
        return services.profile_update(actor=user, data=services.ProfileInput(**fields))


class TestProfileService:
    def test_profile_is_saved_normalised_and_audited_without_personal_data(self) -> None:
        """A7: hiragana reading → katakana, postal code → 123-4567; the audit names fields only."""
        user = UserFactory.create()

        update(
            user,
            legal_name=" 山田 太郎 ",
            legal_name_kana="やまだ たろう",
            postal_code="1500002",
            prefecture="東京都",
            city="渋谷区",
            birth_date=date(1990, 4, 1),
        )

        profile = saved(user)
        assert profile.legal_name == "山田 太郎"
        assert profile.legal_name_kana == "ヤマダ タロウ"
        assert profile.postal_code == "150-0002"
        assert profile.birth_date == date(1990, 4, 1)
        event = AuditEvent.objects.get(action="profile.updated")
        assert set(event.after["fields"]) == {
            "legal_name",
            "legal_name_kana",
            "postal_code",
            "prefecture",
            "city",
            "birth_date",
        }
        assert "山田" not in str(event.after)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("legal_name_kana", "山田太郎"),
            ("legal_name_kana", "Yamada Taro"),
            ("postal_code", "150-002"),
            ("postal_code", "abc-defg"),
            ("prefecture", "東京"),
            ("birth_date", clock.today() + timedelta(days=1)),
            ("birth_date", date(1899, 12, 31)),
            ("legal_name", "長" * 61),
        ],
    )
    def test_bad_value_is_refused_on_its_field_and_nothing_is_saved(
        self, field: str, value: Any
    ) -> None:
        """A7."""
        user = UserFactory.create(profile__legal_name="元の名前")

        with pytest.raises(InvalidInput) as refused:
            update(user, **{field: value})

        assert list(refused.value.fields) == [field]
        assert saved(user).legal_name == "元の名前"
        assert not AuditEvent.objects.exists()

    def test_birth_date_today_is_accepted(self) -> None:
        user = UserFactory.create()

        update(user, birth_date=clock.today())

        assert saved(user).birth_date == clock.today()

    def test_non_katakana_reading_says_katakana(self) -> None:
        user = UserFactory.create()

        with pytest.raises(InvalidInput) as refused:
            update(user, legal_name_kana="山田")

        with translation.override("en"):
            assert "katakana" in str(refused.value.fields["legal_name_kana"][0])


def profile_with(fields: dict[str, str]) -> Profile:
    return UserFactory.create(**{f"profile__{k}": v for k, v in fields.items()}).profile


class TestHasNameAndAddress:
    def test_complete_profile_has_name_and_address(self) -> None:
        """A7 / M4: what a payout needs from the profile."""
        assert profile_with(COMPLETE).has_name_and_address

    @pytest.mark.parametrize(
        "missing", ["legal_name", "legal_name_kana", "postal_code", "prefecture", "city", "street"]
    )
    def test_profile_missing_one_part_has_no_name_and_address(self, missing: str) -> None:
        """A7: the full legal name, its reading and a postal address are all needed."""
        assert not profile_with(COMPLETE | {missing: ""}).has_name_and_address

    def test_building_is_not_required(self) -> None:
        assert profile_with(COMPLETE | {"building": ""}).has_name_and_address


class TestProfilePage:
    def test_profile_page_saves_and_converts_hiragana_reading(self, client: Client) -> None:
        """A7."""
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(
            PROFILE_URL,
            page_data(
                **(COMPLETE | {"legal_name_kana": "やまだ たろう", "postal_code": "1500002"})
            ),
        )

        assert response.status_code == 302
        profile = saved(user)
        assert profile.legal_name_kana == "ヤマダ タロウ"
        assert profile.postal_code == "150-0002"
        assert profile.has_name_and_address

    def test_profile_page_refuses_non_katakana_reading_with_400_next_to_the_field(
        self, client: Client
    ) -> None:
        """A7: nothing at all is saved, not even the valid fields."""
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(
            PROFILE_URL,
            page_data(**(COMPLETE | {"legal_name_kana": "山田 太郎"})),
            headers={"accept-language": "en"},
        )

        assert response.status_code == 400
        errors = response.context["profile_form"].errors
        assert list(errors) == ["legal_name_kana"]
        assert "katakana" in errors["legal_name_kana"][0]
        assert 'class="field has-error"' in response.content.decode()
        profile = saved(user)
        assert (profile.legal_name, profile.legal_name_kana, profile.city) == ("", "", "")

    def test_profile_page_refuses_bad_postal_code(self, client: Client) -> None:
        """A7."""
        user = UserFactory.create()
        client.force_login(user)

        response = client.post(PROFILE_URL, page_data(**(COMPLETE | {"postal_code": "15-0002"})))

        assert response.status_code == 400
        assert response.context["profile_form"].errors["postal_code"]
        assert saved(user).postal_code == ""

    def test_profile_page_refuses_future_birth_date(self, client: Client) -> None:
        """A7."""
        user = UserFactory.create()
        client.force_login(user)
        tomorrow = (clock.today() + timedelta(days=1)).isoformat()

        response = client.post(PROFILE_URL, page_data(birth_date=tomorrow))

        assert response.status_code == 400
        assert response.context["profile_form"].errors["birth_date"]
        assert saved(user).birth_date is None

    def test_profile_page_shows_the_saved_values(self, client: Client) -> None:
        user = UserFactory.create(profile__legal_name_kana="ヤマダ タロウ")
        client.force_login(user)

        response = client.get(PROFILE_URL)

        assert response.status_code == 200
        assert response.context["profile_form"].initial["legal_name_kana"] == "ヤマダ タロウ"


class TestProfileApi:
    def test_api_patch_profile_updates_only_the_fields_sent(self, client: Client) -> None:
        """A7."""
        user = UserFactory.create(profile__city="渋谷区", profile__legal_name="山田 太郎")
        client.force_login(user)

        response = client.patch(
            "/api/me",
            {"profile": {"legal_name_kana": "ﾔﾏﾀﾞ ﾀﾛｳ", "postal_code": "１５００００２"}},
            content_type="application/json",
        )

        assert response.status_code == 200
        assert response.json()["profile"]["legal_name_kana"] == "ヤマダ タロウ"
        profile = saved(user)
        assert profile.legal_name_kana == "ヤマダ タロウ"
        assert profile.postal_code == "150-0002"
        assert (profile.city, profile.legal_name) == ("渋谷区", "山田 太郎")

    def test_api_refuses_non_katakana_reading_with_field_error_and_saves_nothing(
        self, client: Client
    ) -> None:
        """A7: the display name sent with it is not saved either."""
        user = UserFactory.create(display_name="元の名前")
        client.force_login(user)

        response = client.patch(
            "/api/me",
            {
                "display_name": "新しい名前",
                "profile": {"legal_name_kana": "Yamada", "city": "港区"},
            },
            content_type="application/json",
        )

        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "invalid"
        assert list(body["fields"]) == ["legal_name_kana"]
        user.refresh_from_db()
        assert user.display_name == "元の名前"
        assert (user.profile.legal_name_kana, user.profile.city) == ("", "")
        assert not AuditEvent.objects.exists()

    def test_api_refuses_future_birth_date(self, client: Client) -> None:
        """A7."""
        user = UserFactory.create()
        client.force_login(user)
        tomorrow = (clock.today() + timedelta(days=1)).isoformat()

        response = client.patch(
            "/api/me", {"profile": {"birth_date": tomorrow}}, content_type="application/json"
        )

        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["birth_date"]
        assert saved(user).birth_date is None


class TestPortfolio:
    def portfolio_post(self, client: Client, **fields: str):
        data = {"action": "portfolio"} | {f"portfolio-{k}": v for k, v in fields.items()}
        return client.post(PROFILE_URL, data)

    def test_portfolio_item_is_added_audited_and_shown_publicly(self, client: Client) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = self.portfolio_post(
            client, title="請求書アプリ", description="Django製", url="https://example.jp/app"
        )

        assert response.status_code == 302
        item = PortfolioItem.objects.get(user=user)
        assert (item.title, item.url) == ("請求書アプリ", "https://example.jp/app")
        assert AuditEvent.objects.filter(action="portfolio.added").count() == 1
        assert "請求書アプリ" in Client().get(f"/users/{user.pk}/").content.decode()

    @pytest.mark.parametrize(
        "fields",
        [
            {"title": "", "url": "https://example.jp"},
            {"title": "x", "url": "javascript:alert(1)"},
            {"title": "x", "url": "ftp://example.jp/file"},
        ],
    )
    def test_bad_portfolio_item_is_refused(self, client: Client, fields: dict[str, str]) -> None:
        user = UserFactory.create()
        client.force_login(user)

        response = self.portfolio_post(client, **fields)

        assert response.status_code == 400
        assert response.context["portfolio_form"].errors
        assert not PortfolioItem.objects.exists()

    def test_owner_deletes_a_portfolio_item(self, client: Client) -> None:
        user = UserFactory.create()
        item = services.portfolio_item_add(actor=user, title="x")
        client.force_login(user)

        response = client.post(f"/accounts/profile/portfolio/{item.pk}/delete/")

        assert response.status_code == 302
        assert not PortfolioItem.objects.exists()
        assert AuditEvent.objects.filter(action="portfolio.deleted").count() == 1

    def test_someone_elses_portfolio_item_is_not_deleted(self, client: Client) -> None:
        item = services.portfolio_item_add(actor=UserFactory.create(), title="x")
        client.force_login(UserFactory.create())

        client.post(f"/accounts/profile/portfolio/{item.pk}/delete/")

        assert PortfolioItem.objects.filter(pk=item.pk).exists()
        assert not AuditEvent.objects.filter(action="portfolio.deleted").exists()

    def test_portfolio_delete_is_post_only(self, client: Client) -> None:
        user = UserFactory.create()
        item = services.portfolio_item_add(actor=user, title="x")
        client.force_login(user)

        response = client.get(f"/accounts/profile/portfolio/{item.pk}/delete/")

        assert response.status_code == 405
        assert PortfolioItem.objects.filter(pk=item.pk).exists()


@pytest.mark.django_db
def test_patch_me_is_all_or_nothing_when_the_profile_part_is_invalid(client):
    """A1, A7: a valid display name is not saved when the profile in the same PATCH is refused."""
    user = UserFactory.create(display_name="元の名前")
    client.force_login(user)
    response = client.patch(
        "/api/me",
        {"display_name": "新しい名前", "profile": {"legal_name_kana": "山田"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "legal_name_kana" in response.json()["fields"]
    user.refresh_from_db()
    assert user.display_name == "元の名前"
    assert user.profile.legal_name_kana == ""

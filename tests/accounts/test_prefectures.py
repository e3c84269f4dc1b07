"""A7, issue 14 item 7: the prefecture list of the profile form speaks the page's language.

Japanese pages list the Japanese names in JIS X 0401 order (01 北海道 … 47 沖縄県), English
pages the English names; the stored value stays the Japanese name whatever the language.
"""

import re

import pytest
from django.test import Client

from tests.factories import UserFactory
from ukeoi.accounts.models import Profile

pytestmark = pytest.mark.django_db

PROFILE_URL = "/accounts/profile/"

# JIS X 0401, codes 01 to 47.
JIS_X_0401 = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]


def prefecture_options(html: str) -> list[tuple[str, str]]:
    select = re.search(r'<select name="profile-prefecture".*?</select>', html, re.S)
    assert select, "the profile form has no prefecture list"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))
    return [(value, label.strip()) for value, label in options if value]


def profile_page(client: Client, language: str) -> str:
    client.force_login(UserFactory.create())
    response = client.get(PROFILE_URL, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def test_japanese_page_lists_japanese_names_in_jis_order(client: Client) -> None:
    """A7, issue 14: 北海道 first, 沖縄県 last, all 47 in JIS X 0401 order, no romaji."""
    options = prefecture_options(profile_page(client, "ja"))

    assert [label for _, label in options] == JIS_X_0401
    assert [value for value, _ in options] == JIS_X_0401


def test_english_page_lists_english_names_with_the_same_stored_values(client: Client) -> None:
    """A7, issue 14: English names in the English UI; the values sent are the same as in ja."""
    options = prefecture_options(profile_page(client, "en"))

    labels = [label for _, label in options]
    assert labels[0] == "Hokkaido"
    assert labels[12] == "Tokyo"
    assert labels[-1] == "Okinawa"
    assert [value for value, _ in options] == JIS_X_0401


def test_a_prefecture_chosen_in_english_is_stored_as_before(client: Client) -> None:
    """A7: the stored value is stable (the Japanese name existing rows hold)."""
    user = UserFactory.create()
    client.force_login(user)

    response = client.post(
        PROFILE_URL,
        {"action": "profile", "profile-prefecture": "沖縄県"},
        headers={"accept-language": "en"},
    )

    assert response.status_code in (200, 302)
    assert Profile.objects.get(user=user).prefecture == "沖縄県"

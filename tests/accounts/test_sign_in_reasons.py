"""Issue 14 item 8: a page that needs sign-in, opened signed out, lands on the sign-in page
with a sentence saying why (「退会手続きのページを開くにはログインしてください。」), in the
visitor's language; every such page has one (its own, or the generic one). Before, the
sign-in page was bare."""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory
from ukeoi.accounts.signin_reasons import REASONS

pytestmark = pytest.mark.django_db

JA = {"accept-language": "ja"}
EN = {"accept-language": "en"}
NOTICE = re.compile(r'<p class="notice" role="status">([^<]*)</p>')

# (page, Japanese, English)
PAGES = [
    (
        "/withdrawal/",
        "退会手続きのページを開くにはログインしてください。",
        "Sign in to open the withdrawal page.",
    ),
    (
        "/withdrawal/form/",
        "退会手続きのページを開くにはログインしてください。",
        "Sign in to open the withdrawal page.",
    ),
    (
        "/contracts/",
        "契約のページを開くにはログインしてください。",
        "Sign in to open your contracts.",
    ),
    (
        "/contracts/7/",
        "契約のページを開くにはログインしてください。",
        "Sign in to open your contracts.",
    ),
    ("/jobs/new/", "仕事を依頼するにはログインしてください。", "Sign in to post a job."),
    (
        "/accounts/settings/",
        "ログイン情報変更のページを開くにはログインしてください。",
        "Sign in to open your account settings.",
    ),
    (
        "/payouts/",
        "報酬明細を見るにはログインしてください。",
        "Sign in to see your reward statement.",
    ),
    (
        "/accounts/bank/",
        "報酬の振込先口座を登録するにはログインしてください。",
        "Sign in to register the bank account for payouts.",
    ),
    # Pages without a sentence of their own: the generic one.
    (
        "/jobs/units/3/approve/",
        "このページを開くにはログインしてください。",
        "Sign in to open this page.",
    ),
    (
        "/help/room/1/answers/2/best/",
        "このページを開くにはログインしてください。",
        "Sign in to open this page.",
    ),
]


def notices(html: str) -> list[str]:
    return NOTICE.findall(html)


def sign_in_page_for(client: Client, page: str, headers: dict[str, str]) -> str:
    """Open `page` signed out; follow the redirect; the sign-in page's HTML."""
    response = client.get(page, headers=headers, follow=True)
    assert response.redirect_chain, f"{page} did not send a signed-out visitor to sign in"
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login") + "?next=")
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.mark.parametrize(("page", "ja", "en"), PAGES)
def test_the_sign_in_page_says_why_in_japanese(client: Client, page: str, ja: str, en: str) -> None:
    assert notices(sign_in_page_for(client, page, JA)) == [ja]


@pytest.mark.parametrize(("page", "ja", "en"), PAGES)
def test_the_sign_in_page_says_why_in_english(client: Client, page: str, ja: str, en: str) -> None:
    assert notices(sign_in_page_for(client, page, EN)) == [en]


def test_a_link_to_sign_in_from_an_open_page_says_what_it_is_for(client: Client) -> None:
    """The job page's 「ログインして提案する」 link carries ?next= to the job page."""
    html = client.get("/accounts/login/?next=/jobs/5/", headers=JA).content.decode()
    assert notices(html) == ["この仕事に提案するにはログインしてください。"]


def test_only_a_page_that_needs_sign_in_or_is_named_gets_a_reason(client: Client) -> None:
    def notice_for(query: str) -> list[str]:
        return notices(client.get(f"/accounts/login/{query}", headers=JA).content.decode())

    assert notice_for("?next=/withdrawal/") == [
        "退会手続きのページを開くにはログインしてください。"
    ]
    # The visitor chose to sign in: nothing to explain.
    assert notice_for("") == []  # the header's sign-in link
    assert notice_for("?next=/") == []  # pages open to everyone, not in the table
    assert notice_for("?next=/jobs/") == []
    assert notice_for("?next=/no-such-page/") == []
    # Not this site: Django ignores such a `next`, and so does the reason.
    assert notice_for("?next=https://evil.example/withdrawal/") == []


def test_the_reason_stays_when_the_password_was_wrong_and_signing_in_opens_the_page(
    client: Client,
) -> None:
    UserFactory.create(email="taro@example.jp")
    login = reverse("accounts:login") + "?next=/withdrawal/"
    wrong = client.post(
        login,
        {"username": "taro@example.jp", "password": "wrong", "next": "/withdrawal/"},
        headers=EN,
    )
    assert wrong.status_code == 400
    assert notices(wrong.content.decode()) == ["Sign in to open the withdrawal page."]

    right = client.post(
        login,
        {"username": "taro@example.jp", "password": DEFAULT_PASSWORD, "next": "/withdrawal/"},
        headers=EN,
    )
    assert right.status_code == 302
    assert right.url == "/withdrawal/"


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _sample_path(route: str) -> str:
    path = re.sub(r"<int:[^>]+>", "1", route)
    return "/" + re.sub(r"<(?:str:|slug:)?[^>]+>", "x", path)


def test_every_page_that_needs_sign_in_says_why(client: Client) -> None:
    """The mechanism holds for pages added later: walk every route of the site."""
    needing = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/", "i18n/")) or "(?P" in route:
            continue
        path = _sample_path(route)
        response = client.get(path, headers=EN)
        if response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login") + "?"
        ):
            needing.append(path)
            page = client.get(response["Location"], headers=EN).content.decode()
            assert len(notices(page)) == 1, f"the sign-in page for {path} does not say why"
    assert len(needing) >= 30  # the walk really reached the pages behind sign-in


def test_every_name_in_the_table_is_a_page_of_the_site() -> None:
    resolver = get_resolver()
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    namespaced = set()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        namespaced |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    for key in REASONS:
        assert key in names | namespaced | set(resolver.namespace_dict), key

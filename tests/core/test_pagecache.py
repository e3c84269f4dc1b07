"""Visitor pages from the shared cache (ukeoi.core.pagecache; issue 9, load): a cached
page is the page the view would render now — same jobs, same language — with this
request's own CSRF token and CSP nonce; signed-in users and pending messages never see or
fill the cache."""

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.factories import JobFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
JOBS = "/jobs/"


def page(client: Client, url: str = JOBS) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_second_visit_is_served_without_queries(django_assert_num_queries: Any) -> None:
    JobFactory.create(title="ロゴ制作")
    first = page(Client())

    with django_assert_num_queries(0):
        second = page(Client())

    assert "ロゴ制作" in second
    assert TOKEN.sub("", first) == TOKEN.sub("", second)


def test_each_visitor_gets_a_working_csrf_token_of_their_own() -> None:
    """The kept copy holds a placeholder; each request gets its own token and cookie, and
    the form on a cached page posts (the language switch)."""
    page(Client())  # fills the cache
    one, two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = [TOKEN.findall(page(c)) for c in (one, two)]

    assert all(tokens)
    assert tokens[0][0] != tokens[1][0]
    assert "\x00" not in page(one)
    switched = one.post(
        reverse("set_language"),
        {"csrfmiddlewaretoken": TOKEN.findall(page(one))[0], "language": "en", "next": JOBS},
    )
    assert switched.status_code == 302


def test_a_saved_job_shows_at_once() -> None:
    """B1: a visitor's job list is current the moment a job is saved."""
    job = JobFactory.create(title="古いタイトル")
    page(Client())

    job.title = "新しいタイトル"
    job.save()

    assert "新しいタイトル" in page(Client())


def test_a_new_proposal_changes_the_count_on_the_job_page() -> None:
    """B1: the proposal count a visitor sees follows each proposal."""
    job = JobFactory.create()
    url = job.get_absolute_url()
    before = page(Client(), url)

    ProposalFactory.create(job=job)

    assert page(Client(), url) != before


def test_signed_in_users_get_their_own_page_and_leave_the_cache_alone(
    django_assert_num_queries: Any,
) -> None:
    JobFactory.create()
    user = UserFactory.create(display_name="山田花子")
    member = Client()
    member.force_login(user)

    assert "山田花子" in page(member)
    assert "山田花子" not in page(Client())
    assert "山田花子" in page(member)


def test_languages_are_kept_apart() -> None:
    JobFactory.create()
    japanese = page(Client(HTTP_ACCEPT_LANGUAGE="ja"))
    english = page(Client(HTTP_ACCEPT_LANGUAGE="en"))

    with translation.override("ja"):
        assert 'lang="ja"' in japanese
    assert 'lang="en"' in english


def test_off_when_the_setting_is_zero(settings: SettingsWrapper) -> None:
    settings.VISITOR_PAGE_CACHE_SECONDS = 0
    JobFactory.create()
    page(Client())
    with CaptureQueriesContext(connection) as second:
        page(Client())

    assert len(second.captured_queries) > 0


@pytest.mark.urls("tests.core.pagecache_urls")
def test_inline_scripts_carry_the_nonce_of_the_header() -> None:
    for _ in range(2):  # rendered, then from the cache
        response = Client().get("/test/scripted/")
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode())
        assert nonce is not None
        assert f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]


@pytest.mark.urls("tests.core.pagecache_urls")
def test_a_pending_message_is_shown_to_its_visitor_only() -> None:
    Client().get("/test/scripted/")  # fills the cache
    visitor = Client()

    shown = visitor.get("/test/message/", follow=True).content.decode()

    assert "only for you" in shown
    assert "only for you" not in Client().get("/test/scripted/").content.decode()

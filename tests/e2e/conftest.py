"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Every test in this folder is marked ``e2e``. Without ``/usr/bin/chromium`` the tests are
skipped with a message, or fail when ``E2E_REQUIRED=1`` (CI), so a missing browser is never
mistaken for a green run.

Mail: pytest-django switches ``EMAIL_BACKEND`` to Django's locmem backend for the whole
session, and the live server is a thread of this very process, so whatever the site sends
lands in ``django.core.mail.outbox``. Tests read it through pytest-django's ``mailoutbox``
fixture (the same list, emptied before each test). The site's file-based dev outbox is not
used: it only exists with ``DEBUG`` on, and reading files written by another code path
would test the outbox page rather than the flow.

Screenshots of every step go to ``tests/e2e/screens/<name>.png`` (ignored by git).
"""

import importlib
import os
import re
import struct
import subprocess
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Locator, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    f"Chromium not installed: run `make browser` as root (it apt-get installs Debian's "
    f"'chromium' and 'fonts-noto-cjk'), or install them by hand. {CHROMIUM} was not found, "
    "so the browser tests in tests/e2e cannot run."
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
E2E_DIR = Path(__file__).resolve().parent
SCREENS = E2E_DIR / "screens"
# Hiragana, katakana and the CJK ideographs: proof that a text is Japanese, not English.
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture (the browser is session-scoped and would be launched first)."""
    if E2E_DIR not in item.path.parents or CHROMIUM.exists():
        return
    if os.environ.get("E2E_REQUIRED") == "1":
        pytest.fail(
            f"{CHROMIUM_MISSING} E2E_REQUIRED=1 turns this skip into a failure.", pytrace=False
        )
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded one; headless unless ``--headed`` was given."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A Japanese visitor: Accept-Language ja-JP, Tokyo time, a laptop-sized window."""
    return {
        **browser_context_args,
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "viewport": {"width": 1280, "height": 900},
    }


@pytest.fixture
def help_centre() -> Iterator[None]:
    """The seeded FAQ (a flush by an earlier browser test removes migration data) and no
    rate-limit counters left over."""
    importlib.import_module("ukeoi.helpdesk.migrations.0002_seed_faq").seed(apps, None)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _mail_links_to_the_live_server(live_server: LiveServer, settings: Any) -> None:
    """Links in mail start with SITE_URL (never the Host header, issue 14 item 3): here the
    live server's address, as a deployment sets its own."""
    settings.SITE_URL = live_server.url


@pytest.fixture
def url(live_server: LiveServer) -> Callable[..., str]:
    """``url("accounts:login")``: the live server's absolute address of a named route."""

    def _url(name: str, *args: object) -> str:
        return live_server.url + reverse(name, args=args)

    return _url


@pytest.fixture
def lancer_page(browser: Browser, browser_context_args: dict[str, Any]) -> Any:
    """A second browser, for the second person (two people at once: client and lancer)."""
    context = browser.new_context(**browser_context_args)
    yield context.new_page()
    context.close()


def shot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot (the whole page unless told otherwise) as tests/e2e/screens/<name>.png."""
    SCREENS.mkdir(exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def download_pdf(page: Page, link: Locator, name: str) -> str:
    """Download the PDF behind `link` as tests/e2e/screens/<name>.pdf, render its first
    page to <name>.png (pdftoppm, to be looked at) and return its text (pdftotext)."""
    SCREENS.mkdir(exist_ok=True)
    path = SCREENS / f"{name}.pdf"
    with page.expect_download() as download:
        link.click()
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path,
            path.with_suffix(""),
        ],
        check=True,
    )
    return subprocess.run(
        ["pdftotext", "-layout", path, "-"], check=True, capture_output=True, text=True
    ).stdout


def tr(language: str, message: str) -> str:
    """``message`` as the site's catalogue renders it in ``language``.

    Assertions on visible text go through this, so they follow the catalogue instead of
    guessing its wording."""
    with translation.override(language):
        return translation.gettext(message)


def submit(form: Locator) -> Response:
    """Click the form's submit button and return the response the page navigated to."""
    with form.page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    response = navigation.value
    assert response is not None
    return response


def open_account_menu(page: Page) -> Locator:
    """Show the account links (profile, account settings, sign out) and return them: from
    1024px up they drop down from the display name, below they are part of the menu
    (issue 14)."""
    links = page.locator(".site-header .account-links")
    if page.locator(".site-header .menu-button").is_visible():
        if not page.locator("#site-menu").is_visible():
            page.locator(".site-header .menu-button").click()
    elif not links.is_visible():
        page.locator(".site-header .who").click()
    expect(links).to_be_visible()
    return links


def admin_sign_in(page: Page, url: Callable[..., str], *, email: str, password: str) -> None:
    """Sign an operator in to the admin (its own sign-in form)."""
    page.goto(url("admin:login"))
    login = page.locator("#login-form")
    login.locator("input[name=username]").fill(email)
    login.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        login.locator("input[type=submit]").click()


def sign_in(page: Page, url: Callable[..., str], *, email: str, password: str) -> Response:
    page.goto(url("accounts:login"))
    form = page.locator("main form")
    form.locator("input[name=username]").fill(email)
    form.locator("input[name=password]").fill(password)
    return submit(form)


def card_png(width: int = 480, height: int = 300) -> bytes:
    """A small real PNG (a pale card with a darker band), so the admin shows an image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + (b"\x2a\x4d\x7a" if 40 <= y < 90 else b"\xe8\xee\xf4") * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )

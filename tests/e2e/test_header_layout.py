"""Issue 14 item 9: a header that works on a phone.

From 1024px up the main links sit in one row beside the brand and the account links drop
down from the display name, which is shown in full, never cut. Below that everything folds
behind one menu button, so the header is one line on a phone (390 × 844). Every main page,
as a visitor and signed in, is checked at 390 × 844: the header is one line high, nothing
scrolls sideways, the menu opens (by mouse, by keyboard and by touch) and its links work.

The data is the demo's (`manage.py demo_data`). Screenshots: tests/e2e/screens/layout_*.png
(desktop and phone of every page, and the open menus)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import JAPANESE, shot, sign_in, submit, tr
from ukeoi.accounts.models import User
from ukeoi.contracts.models import Contract
from ukeoi.demo.management.commands.demo_data import DEMO_PASSWORD
from ukeoi.helpdesk.models import FaqArticle
from ukeoi.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

Url = Callable[..., str]

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
LAPTOP: ViewportSize = {"width": 1024, "height": 768}
# One line of the header: the brand's line box plus the row's padding (3.5rem = 56px).
ONE_LINE = 64
LANCER = "lancer@demo.ukeoi.jp"
# 40 characters, the longest display name there can be.
LONGEST_NAME = "株式会社さくらインターネット開発本部第二営業部デザイン制作グループ担当者"


@pytest.fixture
def demo(help_centre: None) -> None:
    call_command("demo_data")


def visitor_pages() -> list[tuple[str, str]]:
    job = Job.objects.order_by("pk").first()
    article = FaqArticle.objects.order_by("pk").first()
    assert job is not None
    assert article is not None
    return [
        ("home", reverse("home")),
        ("jobs", reverse("jobs:list")),
        ("job", reverse("jobs:detail", args=[job.pk])),
        ("help", reverse("helpdesk:index")),
        ("help_article", reverse("helpdesk:article", args=[article.slug])),
        ("help_contact", reverse("helpdesk:contact")),
        ("sign_in", reverse("accounts:login")),
        ("register", reverse("accounts:register")),
        ("password_reset", reverse("accounts:password_reset")),
    ]


def member_pages(user: User) -> list[tuple[str, str]]:
    job = Job.objects.order_by("pk").first()
    contract = Contract.objects.filter(lancer=user).order_by("pk").first()
    other = User.objects.exclude(pk=user.pk).filter(is_staff=False).order_by("pk").first()
    assert job is not None
    assert contract is not None
    assert other is not None
    return [
        ("home", reverse("home")),
        ("jobs", reverse("jobs:list")),
        ("job", reverse("jobs:detail", args=[job.pk])),
        ("job_new", reverse("jobs:create")),
        ("my_jobs", reverse("jobs:my_jobs")),
        ("my_proposals", reverse("jobs:my_proposals")),
        ("contracts", reverse("contracts:list")),
        ("contract", reverse("contracts:detail", args=[contract.pk])),
        ("payouts", reverse("payouts:statement")),
        ("payout_settings", reverse("payouts:settings")),
        ("withdrawal", reverse("withdrawal:index")),
        ("settings", reverse("accounts:settings")),
        ("profile", reverse("accounts:profile_edit")),
        ("bank_account", reverse("accounts:bank_account")),
        ("verification", reverse("accounts:verification")),
        ("password_change", reverse("accounts:password_change")),
        ("public_profile", reverse("public_profile", args=[other.pk])),
        ("help", reverse("helpdesk:index")),
        ("help_room", reverse("helpdesk:room")),
        ("help_inquiries", reverse("helpdesk:inquiries")),
    ]


def header(page: Page) -> Locator:
    return page.locator(".site-header")


def height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["height"]


def expect_one_line_without_sideways_scroll(page: Page, where: str) -> None:
    """The header is one line high and the page no wider than the screen."""
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert height(header(page)) <= ONE_LINE, f"{where}: the header is more than one line"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{where}: the page scrolls sideways ({scroll_width}px)"


def expect_within_screen(locator: Locator, where: str) -> None:
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None, where
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], f"{where}: a menu entry is cut"


def open_phone_menu(page: Page) -> Locator:
    menu = page.locator("#site-menu")
    expect(menu).to_be_hidden()
    page.locator(".menu-button").click()
    expect(menu).to_be_visible()
    return menu


def tour(page: Page, url: Url, pages: list[tuple[str, str]], who: str, name: str | None) -> None:
    """Every page at desktop width, then at 390 × 844 with the menu closed and open."""
    for viewport, kind in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        for label, path in pages:
            where = f"{who} {label} ({kind}, {path})"
            response = page.goto(url("home").rstrip("/") + path)
            assert response is not None
            assert response.status == 200, where
            assert JAPANESE.search(page.locator("main").inner_text()), where
            expect_one_line_without_sideways_scroll(page, where)
            shot(page, f"layout_{kind}_{who}_{label}", full_page=False)
            if kind == "desktop":
                expect(page.locator(".menu-button")).to_be_hidden()
                expect(page.locator(".main-nav")).to_be_visible()
                continue
            menu = open_phone_menu(page)
            links = menu.locator("a, button")
            assert links.count() >= 3, where
            expect_within_screen(links, where)
            if name is not None:
                expect(menu.locator(".who")).to_have_text(name)
                expect(menu.locator(".who")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            if label in ("home", "contract", "payouts"):
                shot(page, f"layout_phone_{who}_{label}_menu", full_page=False)


def follow_every_menu_link(page: Page, url: Url) -> None:
    """On a phone, each link of the menu opens its page (status 200, the address wanted)."""
    page.set_viewport_size(PHONE)
    page.goto(url("home"))
    hrefs = [a.get_attribute("href") for a in page.locator("#site-menu a").all()]
    assert hrefs
    for index, href in enumerate(hrefs):
        assert href is not None
        page.goto(url("home"))
        link = open_phone_menu(page).locator("a").nth(index)
        with page.expect_navigation() as navigation:
            link.click()
        response = navigation.value
        assert response is not None
        assert response.status == 200, href
        assert page.url.endswith(href), (page.url, href)


def test_issue_14_every_visitor_page_fits_a_phone_and_its_menu_works(
    page: Page, url: Url, demo: None
) -> None:
    tour(page, url, visitor_pages(), "visitor", None)

    follow_every_menu_link(page, url)
    page.goto(url("home"))
    menu = open_phone_menu(page)
    expect(menu.get_by_role("link", name=tr("ja", "Sign in"))).to_be_visible()
    expect(menu.get_by_role("link", name=tr("ja", "Register"))).to_be_visible()
    shot(page, "layout_phone_visitor_home_menu", full_page=False)


def test_issue_14_every_member_page_fits_a_phone_and_its_menu_works(
    page: Page, url: Url, demo: None
) -> None:
    lancer = User.objects.get(email=LANCER)
    sign_in(page, url, email=LANCER, password=DEMO_PASSWORD)

    tour(page, url, member_pages(lancer), "member", lancer.display_name)

    follow_every_menu_link(page, url)
    # Signing out from the phone menu.
    page.goto(url("home"))
    open_phone_menu(page)
    submit(page.locator("#site-menu form[action$='/logout/']"))
    expect(page.locator(".site-header .who")).to_have_count(0)


def test_issue_14_the_phone_menu_works_with_the_keyboard(page: Page, url: Url, demo: None) -> None:
    """Tab reaches the menu button, Space opens the menu, Tab walks its links, Escape
    closes it and gives the focus back to the button."""
    sign_in(page, url, email=LANCER, password=DEMO_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(url("home"))
    page.locator(".brand").focus()

    page.keyboard.press("Tab")
    expect(page.locator("#menu-toggle")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#site-menu")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#site-menu a").first).to_be_focused()
    shot(page, "layout_phone_member_menu_keyboard", full_page=False)
    page.keyboard.press("Escape")
    expect(page.locator("#site-menu")).to_be_hidden()
    expect(page.locator("#menu-toggle")).to_be_focused()


def test_issue_14_the_phone_menu_works_by_touch(
    browser: Browser, browser_context_args: dict[str, Any], url: Url, demo: None
) -> None:
    """On a touch screen (a phone's context: touch events, mobile viewport), a tap on the
    menu button opens the menu, a tap on a link opens its page, and a second tap on the
    button closes the menu again."""
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE},
        has_touch=True,
        is_mobile=True,
        device_scale_factor=2,
    )
    phone = context.new_page()
    try:
        sign_in(phone, url, email=LANCER, password=DEMO_PASSWORD)
        phone.goto(url("home"))
        menu = phone.locator("#site-menu")
        expect(menu).to_be_hidden()
        expect_one_line_without_sideways_scroll(phone, "touch home")

        phone.locator(".menu-button").tap()
        expect(menu).to_be_visible()
        expect(menu.locator(".who")).to_have_text(User.objects.get(email=LANCER).display_name)
        shot(phone, "layout_phone_member_menu_touch", full_page=False)
        phone.locator(".menu-button").tap()
        expect(menu).to_be_hidden()

        phone.locator(".menu-button").tap()
        with phone.expect_navigation():
            menu.get_by_role("link", name=tr("ja", "Contracts")).tap()
        expect(phone).to_have_url(url("contracts:list"))
        expect(phone.locator("#site-menu")).to_be_hidden()

        phone.locator(".menu-button").tap()
        with phone.expect_navigation():
            menu.get_by_role("link", name=tr("ja", "Account settings")).tap()
        expect(phone).to_have_url(url("accounts:settings"))
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, LAPTOP], ids=["1280", "1024"])
def test_issue_14_desktop_header_is_one_row_with_the_whole_name_and_an_account_menu(
    page: Page, url: Url, demo: None, viewport: ViewportSize
) -> None:
    lancer = User.objects.get(email=LANCER)
    User.objects.filter(pk=lancer.pk).update(display_name=LONGEST_NAME)
    sign_in(page, url, email=LANCER, password=DEMO_PASSWORD)
    page.set_viewport_size(viewport)
    page.goto(url("contracts:list"))

    who = page.locator(".site-header .who")
    expect(who).to_be_visible()
    expect(who).to_have_text(LONGEST_NAME)
    # Not cut: the whole name is painted (it may wrap, it never overflows its box).
    assert who.evaluate("(el) => el.scrollWidth <= el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    brand = page.locator(".site-header .brand").bounding_box()
    nav = page.locator(".site-header .main-nav").bounding_box()
    assert brand is not None
    assert nav is not None
    assert nav["height"] < 40, nav
    assert abs((nav["y"] + nav["height"] / 2) - (brand["y"] + brand["height"] / 2)) < 12
    expect(page.locator(".menu-button")).to_be_hidden()
    expect(page.locator(".account-links")).to_be_hidden()
    shot(page, f"layout_desktop_{viewport['width']}_longest_name", full_page=False)

    who.click()
    links = page.locator(".account-links")
    expect(links).to_be_visible()
    shot(page, f"layout_desktop_{viewport['width']}_account_menu", full_page=False)
    page.keyboard.press("Escape")
    expect(links).to_be_hidden()
    who.click()
    links.get_by_role("link", name=tr("ja", "Account settings")).click()
    expect(page).to_have_url(url("accounts:settings"))
    expect(page.locator(".account-links")).to_be_hidden()
